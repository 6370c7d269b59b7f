"""How a repository already releases: commitizen's settings, where its version is written, and
the form of its existing tags, for the ``release:`` block ``init`` writes."""

from __future__ import annotations

import re

from .. import git, versionfiles
from ..records import TYPE_CHECKING, NamedTuple
from .conventions import commitizen_settings

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

_TAG_NUMBER = re.compile(r"\d+\.\d+(\.\d+)?")


class Release(NamedTuple):
    options: dict[str, Any]  # the release: block, only what differs from or pins the defaults
    found: str  # what was read, for init's report


def _tag_template(root: Path) -> str | None:
    """``v{version}`` or ``{version}`` (or ``name-v{version}``), as most existing tags are written."""
    names = git.tags(root)
    shapes: dict[str, int] = {}
    for name in names:
        m = _TAG_NUMBER.search(name)
        # the number at the end, or before a pre-release label: v1.2.3, 1.2.3rc1, pkg-v1.2.3-beta.2
        if m and re.fullmatch(r"([-.]?(a|b|rc|alpha|beta)\.?\d*)?", name[m.end():]):
            shape = name[: m.start()] + "{version}"
            shapes[shape] = shapes.get(shape, 0) + 1
    return max(shapes, key=lambda s: shapes[s]) if shapes else None


def detect(root: Path) -> Release:
    cz = commitizen_settings(root)
    if cz is not None:
        cfg, source = cz
        opts: dict[str, Any] = {}
        tag = cfg.get("tag_format")
        if isinstance(tag, str) and re.fullmatch(r"[^$]*\$\{?version\}?[^$]*", tag):
            opts["tag"] = re.sub(r"\$\{?version\}?", "{version}", tag)
        else:  # commitizen's default is $version; a format of $major/$minor parts is not carried over
            opts["tag"] = "{version}" if tag is None else "v{version}"
        files = [f for f in cfg.get("version_files") or [] if isinstance(f, str)]
        provider = cfg.get("version_provider", "commitizen")
        if provider == "commitizen" and "version" in cfg and source.endswith("pyproject.toml"):
            files.insert(0, "pyproject.toml:^version")
        elif provider in ("pep621", "poetry", "uv"):  # uv.lock follows at the next `uv lock`
            files.insert(0, "pyproject.toml")
        elif provider == "npm":
            files.insert(0, "package.json")
        opts["version_files"] = list(dict.fromkeys(files))
        if str(cfg.get("version_scheme", "pep440")).startswith("semver"):
            opts["scheme"] = "semver"
        opts["bump"] = {"refactor": "patch"}  # commitizen's bump_map: refactor bumps a patch, as fix and perf
        if not cfg.get("major_version_zero", False):
            opts["zero_major"] = "major"  # commitizen's default: 0.x breaks to 1.0.0
        return Release(opts, f"commitizen ({source}): tag {opts['tag']}, version in "
                       + (", ".join(opts["version_files"]) or "tags only"))
    files = versionfiles.detect(root)
    tag = _tag_template(root) or "v{version}"
    where = ", ".join(files) if files else "no file (the tags alone)"
    return Release({"tag": tag, "version_files": files}, f"version in {where}; tags like {tag}")
