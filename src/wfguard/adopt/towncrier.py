"""towncrier's settings (``[tool.towncrier]`` in pyproject.toml or towncrier.toml) as the
changelog rule's ``fragments`` options, so a project's existing fragments pass on day one."""

from __future__ import annotations

import posixpath

from ..records import TYPE_CHECKING, NamedTuple
from . import toml

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

# towncrier's own defaults, used when a project declares no types
DEFAULT_TYPES: tuple[tuple[str, str, bool], ...] = (
    ("feature", "Features", True), ("bugfix", "Bugfixes", True), ("doc", "Improved Documentation", True),
    ("removal", "Deprecations and Removals", True), ("misc", "Misc", False),
)


class Towncrier(NamedTuple):
    source: str  # the file the settings came from
    directory: str
    filename: str
    types: tuple[str, ...]
    headings: dict[str, str]
    allow_empty: tuple[str, ...]
    ignore: tuple[str, ...]


def _types(tc: dict[str, Any]) -> list[tuple[str, str, bool]]:
    out: list[tuple[str, str, bool]] = []
    for t in tc.get("type") or ():  # [[tool.towncrier.type]]
        if isinstance(t, dict) and (t.get("directory") or t.get("name")):
            key = str(t.get("directory") or t.get("name"))
            out.append((key, str(t.get("name") or key.capitalize()), bool(t.get("showcontent", True))))
    fragment = tc.get("fragment")  # [tool.towncrier.fragment.<type>]
    if isinstance(fragment, dict):
        for key, t in fragment.items():
            t = t if isinstance(t, dict) else {}
            out.append((str(key), str(t.get("name") or key.capitalize()), bool(t.get("showcontent", True))))
    return out or list(DEFAULT_TYPES)


def _clean(path: str) -> str:
    return posixpath.normpath(path.replace("\\", "/")).strip("/")


def read(root: Path) -> Towncrier | None:
    found = toml.tool_table(root, "towncrier", "towncrier.toml")
    if found is None:
        return None
    tc, source = found
    if tc.get("directory"):
        directory = _clean(str(tc["directory"]))
    else:
        package_dir = str(tc.get("package_dir") or ".")
        directory = _clean(posixpath.join(package_dir, str(tc.get("package") or ""), "newsfragments"))
    types = _types(tc)
    ignore = [str(x) for x in tc.get("ignore") or () if isinstance(x, str)]
    template = tc.get("template")
    if isinstance(template, str) and ":" not in template:  # "pkg:resource" lives in a package
        tpl = _clean(template)
        if posixpath.dirname(tpl) == directory:
            ignore.append(posixpath.basename(tpl))
    return Towncrier(
        source=source, directory=directory, filename=_clean(str(tc.get("filename") or "NEWS.rst")),
        types=tuple(t for t, _, _ in types), headings={t: h for t, h, _ in types},
        allow_empty=tuple(t for t, _, show in types if not show),
        ignore=tuple(dict.fromkeys(ignore)),
    )
