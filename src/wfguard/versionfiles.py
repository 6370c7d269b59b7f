"""Reading and writing the version where a project keeps it, changing nothing else in the file.

``FILE``: ``pyproject.toml`` ([project].version, else [tool.poetry].version), ``package.json``
(the top-level "version"), a Python file (``__version__ = "..."``). ``FILE:REGEX``: the version
on the lines the regex matches (commitizen's ``version_files`` form), for any other file.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from .errors import WfguardError
from .model import AUTO_VERSION_FILES
from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Any

_PY = re.compile(r"""^(?P<pre>\s*__version__\s*(?::\s*str\s*)?=\s*)(?P<q>["'])(?P<v>[^"'\n]*)(?P=q)""", re.MULTILINE)
_TOML_KEY = re.compile(r"""^(?P<pre>\s*version\s*=\s*)(?P<q>["'])(?P<v>[^"'\n]*)(?P=q)""")
_TABLE = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")
_VERSIONISH = r"(?<![\d.])\d+(?:\.\d+)+(?:(?:[-+]|\.?(?=[a-z]))[0-9A-Za-z.+-]*)?"


class Found(NamedTuple):
    spec: str  # as configured: FILE or FILE:REGEX
    path: str
    version: str
    spans: tuple[tuple[int, int], ...]  # where the version is written, as offsets in the text
    text: str

    def replaced(self, new: str) -> str:
        out, last = [], 0
        for start, end in self.spans:
            out += [self.text[last:start], new]
            last = end
        return "".join(out) + self.text[last:]


def _error(spec: str, problem: str, hint: str) -> WfguardError:
    return WfguardError(f"release.version_files: {spec}: {problem}; nothing was changed", hint=hint)


def split_spec(spec: str) -> tuple[str, str | None]:
    path, sep, key = spec.partition(":")
    return path, (key if sep else None)


def read(root: Path, spec: str) -> Found:
    path, key = split_spec(spec)
    file = root / path
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _error(spec, "the file does not exist", "fix the path in release.version_files") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _error(spec, f"cannot read it ({exc})", "it must be a UTF-8 text file") from None
    if key is not None:
        return _by_regex(spec, path, text, key)
    name = Path(path).name
    if name == "pyproject.toml":
        return _pyproject(spec, path, text)
    if name.endswith(".json"):  # package.json, lerna.json, composer.json, manifest.json...
        return _package_json(spec, path, text)
    if name.endswith(".py"):
        m = _PY.search(text)
        if not m:
            raise _error(spec, "no __version__ = \"...\" assignment in it",
                         f"add one, or name the line: {path}:REGEX")
        return Found(spec, path, m.group("v"), ((m.start("v"), m.end("v")),), text)
    raise _error(spec, "wfguard does not know where this file keeps its version",
                 f"name the line with a regex: {path}:^version")


_LOCK_BLOCK = re.compile(r"^\[\[package\]\]\n(?:(?!\[).*\n?)*", re.MULTILINE)
_LOCK_NAME = re.compile(r"""^name\s*=\s*"([^"]*)"\s*$""", re.MULTILINE)
_LOCK_VERSION = re.compile(r"""^version\s*=\s*"(?P<v>[^"]*)"\s*$""", re.MULTILINE)
_LOCK_LOCAL = re.compile(r"""^source\s*=\s*\{\s*(?:editable|virtual)\s*=""", re.MULTILINE)


def uv_lock(root: Path, pyproject: Found) -> Found | None:
    """The project's own entry in ``uv.lock`` (beside its pyproject.toml, or at the root of a uv
    workspace), as a version file: ``uv sync --locked`` refuses a lock whose entry still holds
    the old version, so a release writes both (commitizen's ``uv`` provider does the same). Only
    the ``version`` line of the ``[[package]]`` whose name is the project's and whose source is
    local (``editable`` or ``virtual``) changes. None when there is no such lock or entry."""
    if Path(pyproject.path).name != "pyproject.toml":
        return None
    from .adopt import toml

    name = ((toml.loads(pyproject.text) or {}).get("project") or {}).get("name")
    if not isinstance(name, str):
        return None
    wanted = re.sub(r"[-_.]+", "-", name).lower()
    folder = Path(pyproject.path).parent
    for lock in dict.fromkeys([folder / "uv.lock", Path("uv.lock")]):
        try:
            text = (root / lock).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for block in _LOCK_BLOCK.finditer(text):
            body = block.group()
            found_name = _LOCK_NAME.search(body)
            version = _LOCK_VERSION.search(body)
            if found_name and version and _LOCK_LOCAL.search(body) and \
                    re.sub(r"[-_.]+", "-", found_name.group(1)).lower() == wanted:
                start = block.start() + version.start("v")
                return Found(lock.as_posix(), lock.as_posix(), version.group("v"),
                             ((start, start + len(version.group("v"))),), text)
    return None


def _by_regex(spec: str, path: str, text: str, key: str) -> Found:
    """commitizen's meaning: on the lines the regex matches, the version is what is replaced. A
    matching line may hold other version-like numbers (``python_version < '3.11'``): the version
    is the one most of the matching lines agree on, the first of them on a tie."""
    try:
        rx = re.compile(key)
    except re.error as exc:
        raise _error(spec, f"invalid regular expression {key!r}: {exc}", "fix the regex after the ':'") from None
    found: list[tuple[str, int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if rx.search(line):
            found += [(m.group(), offset + m.start(), offset + m.end()) for m in re.finditer(_VERSIONISH, line)]
        offset += len(line)
    if not found:
        raise _error(spec, f"no line matching /{key}/ holds a version", "fix the regex, or the file")
    counts: dict[str, int] = {}
    for v, _, _ in found:
        counts[v] = counts.get(v, 0) + 1
    version = max(counts, key=lambda v: counts[v])  # dicts keep order: the first wins a tie
    return Found(spec, path, version, tuple((a, b) for v, a, b in found if v == version), text)


def _pyproject(spec: str, path: str, text: str) -> Found:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _error(spec, f"not valid TOML ({exc})", "fix the file") from None
    project = data.get("project") or {}
    poetry = (data.get("tool") or {}).get("poetry") or {}
    table = "project" if "version" in project else ("tool.poetry" if "version" in poetry else None)
    if table is None:
        hint = "list the file that holds it instead"
        hatch = ((data.get("tool") or {}).get("hatch") or {}).get("version") or {}
        if isinstance(hatch, dict) and hatch.get("path"):
            hint = f"the version is read from {hatch['path']}: list that file in release.version_files"
        dynamic = "dynamic" if "version" in (project.get("dynamic") or []) else "absent"
        raise _error(spec, f"[project].version is {dynamic} and [tool.poetry].version absent", hint)
    current = None
    offset = 0
    for line in text.splitlines(keepends=True):
        t = _TABLE.match(line)
        if t:
            current = t.group(1).strip().replace(" ", "")
        elif current == table:
            m = _TOML_KEY.match(line)
            if m:
                return Found(spec, path, m.group("v"), ((offset + m.start("v"), offset + m.end("v")),), text)
        offset += len(line)
    raise _error(spec, f"[{table}].version is not written as version = \"...\" on its own line",
                 "write it that way, or name the line: pyproject.toml:REGEX")


def _package_json(spec: str, path: str, text: str) -> Found:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _error(spec, f"not valid JSON ({exc})", "fix the file") from None
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str):
        raise _error(spec, "no top-level \"version\"", "add one, or list the file that holds it")
    # the first "version" key at the object's first level of indentation
    for m in re.finditer(r'"version"\s*:\s*"(?P<v>(?:[^"\\]|\\.)*)"', text):
        if m.group("v") == version and text[:m.start()].count("{") - text[:m.start()].count("}") == 1:
            return Found(spec, path, version, ((m.start("v"), m.end("v")),), text)
    raise _error(spec, "cannot find where the top-level \"version\" is written", "list another file")


def detect(root: Path) -> list[str]:
    """Version files a project has without saying so, found as its own build tool finds them:
    pyproject.toml or package.json holding a version; else the Python file that setuptools'
    ``attr:``, hatch's ``path`` or flit's module names, or a package's ``_version.py`` /
    ``__init__.py``. setuptools-scm and hatch-vcs projects take the version from tags: none."""
    out = []
    for name in AUTO_VERSION_FILES:
        if (root / name).is_file():
            try:
                read(root, name)
            except WfguardError:
                continue
            out.append(name)
    if "pyproject.toml" not in out and (root / "pyproject.toml").is_file():
        py = python_version_file(root)
        if py is not None:
            out.append(py)
    return out


def _toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _holds_version(root: Path, rel: str) -> bool:
    try:
        read(root, rel)
    except WfguardError:
        return False
    return True


def python_version_file(root: Path) -> str | None:
    """The Python file a pyproject.toml with a dynamic version reads it from, or None (the version
    comes from tags, as with setuptools-scm, or from nowhere wfguard can write)."""
    data = _toml(root / "pyproject.toml")
    tool = data.get("tool") or {}
    build = " ".join(str(r) for r in (data.get("build-system") or {}).get("requires") or ())
    if "setuptools_scm" in tool or "setuptools-scm" in build or "hatch-vcs" in build or \
            ((tool.get("hatch") or {}).get("version") or {}).get("source") == "vcs":
        return None  # the tag is the version; the file it writes is generated, not a source
    candidates: list[str] = []
    hatch = (tool.get("hatch") or {}).get("version") or {}
    if isinstance(hatch, dict) and isinstance(hatch.get("path"), str):
        candidates.append(hatch["path"])
    dynamic = ((tool.get("setuptools") or {}).get("dynamic") or {}).get("version") or {}
    attr = dynamic.get("attr") if isinstance(dynamic, dict) else None
    if isinstance(attr, str) and "." in attr:  # "pkg.__version__" or "pkg.about.VERSION"
        module = attr.rsplit(".", 1)[0].replace(".", "/")
        for base in ("src/", ""):
            candidates += [f"{base}{module}.py", f"{base}{module}/__init__.py"]
    name = str((data.get("project") or {}).get("name") or "").replace("-", "_").lower()
    flit = ((tool.get("flit") or {}).get("module") or {}).get("name")
    for mod in dict.fromkeys(m for m in (flit, name) if isinstance(m, str) and m):
        for base in ("src/", ""):
            candidates += [f"{base}{mod}/_version.py", f"{base}{mod}/__version__.py", f"{base}{mod}/__about__.py",
                           f"{base}{mod}/__init__.py", f"{base}{mod}.py"]
    return next((c for c in dict.fromkeys(candidates) if (root / c).is_file() and _holds_version(root, c)), None)
