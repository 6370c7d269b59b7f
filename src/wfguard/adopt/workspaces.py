"""The packages of a monorepo, as its own tools list them: ``workspaces`` in package.json, a
pnpm workspace, a uv workspace; else every ``package.json``/``pyproject.toml`` below the root."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from ..records import NamedTuple
from . import toml

_SKIP = {"node_modules", ".git", ".venv", "venv", "dist", "build", ".tox", "site-packages", "__pycache__"}
MANIFESTS = ("package.json", "pyproject.toml")


class Workspace(NamedTuple):
    packages: dict[str, str]  # key (a valid rule id) -> path
    source: str  # where they were read from
    skipped: tuple[str, ...]  # "path (why)" for folders that looked like packages and are not


# folders of test fixtures, examples and docs: their manifests describe no package anyone releases
_NOT_PACKAGES = {"test", "tests", "__tests__", "fixture", "fixtures", "__fixtures__", "example", "examples",
                 "e2e", "docs", "doc", "benchmark", "benchmarks", "testdata", "test-data", "samples"}


def _globs(root: Path) -> tuple[list[str], list[str], str] | None:
    """(include globs, ``!`` exclude globs, source) from the workspace's own declaration."""
    try:
        pkg = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pkg = None
    if isinstance(pkg, dict):
        ws = pkg.get("workspaces")
        if isinstance(ws, dict):
            ws = ws.get("packages")
        if isinstance(ws, list) and ws:
            return (*_split([str(g) for g in ws]), "workspaces in package.json")
    pnpm = root / "pnpm-workspace.yaml"
    if pnpm.is_file():
        import yaml

        try:
            data = yaml.safe_load(pnpm.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("packages"), list):
            return (*_split([str(g) for g in data["packages"]]), "pnpm-workspace.yaml")
    lerna = _json(root / "lerna.json")
    if isinstance(lerna.get("packages"), list) and lerna["packages"]:
        return (*_split([str(g) for g in lerna["packages"]]), "packages in lerna.json")
    uv = ((toml.read(root / "pyproject.toml") or {}).get("tool") or {}).get("uv", {}).get("workspace", {})
    if isinstance(uv, dict) and isinstance(uv.get("members"), list):
        return [str(g) for g in uv["members"]], [str(g) for g in uv.get("exclude") or ()], \
            "the uv workspace in pyproject.toml"
    return None


def _split(globs: list[str]) -> tuple[list[str], list[str]]:
    return [g for g in globs if not g.startswith("!")], [g[1:] for g in globs if g.startswith("!")]


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _expand(root: Path, pattern: str) -> list[str]:
    pattern = pattern.removeprefix("./").rstrip("/")
    out = []
    for path in sorted(root.glob(pattern)):
        if path.is_dir() and any((path / m).is_file() for m in MANIFESTS) and not (_SKIP & set(path.parts)):
            out.append(path.relative_to(root).as_posix())
    return out


def manifest_name(root: Path, path: str) -> tuple[str | None, bool]:
    """(the package's own name, whether it is private) from its package.json or pyproject.toml."""
    pkg = _json(root / path / "package.json")
    if pkg:
        name = pkg.get("name")
        return (name if isinstance(name, str) else None), pkg.get("private") is True
    project = (toml.read(root / path / "pyproject.toml") or {}).get("project") or {}
    name = project.get("name")
    return (name if isinstance(name, str) else None), False


def key(text: str) -> str:
    """A package key that is a valid rule id suffix: ``@pnpm/config.reader`` -> ``config-reader``,
    ``__typings__`` -> ``typings``."""
    return re.sub(r"[^a-z0-9]+", "-", text.rsplit("/", 1)[-1].lower()).strip("-")


def _scan(root: Path) -> tuple[list[str], list[str]]:
    """No declared workspace: the folders (up to three deep) whose manifest names a package,
    outside test fixtures and examples; a package's own folders are not packages."""
    paths, skipped = [], []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP and not d.startswith("."))
        rel = Path(dirpath).relative_to(root).as_posix()
        if rel == "." or not any(m in filenames for m in MANIFESTS):
            continue
        if _NOT_PACKAGES & set(rel.lower().split("/")):
            skipped.append(f"{rel} (test fixtures, examples or docs)")
        elif rel.count("/") >= 3:
            skipped.append(f"{rel} (deeper than three folders)")
        elif manifest_name(root, rel)[0] is None:
            skipped.append(f"{rel} (its manifest names no package)")
        else:
            paths.append(rel)
        dirnames[:] = []
    return paths, skipped


def detect(root: Path) -> Workspace:
    """The packages of the workspace ({} when not a monorepo), as its own tool lists them."""
    import fnmatch

    found = _globs(root)
    skipped: list[str] = []
    if found is not None:
        include, exclude, source = found
        paths = []
        for p in sorted({p for g in include for p in _expand(root, g)}):
            if any(fnmatch.fnmatchcase(p, g.removeprefix("./").rstrip("/")) for g in exclude):
                skipped.append(f"{p} (excluded by the workspace's '!' pattern)")
            else:
                paths.append(p)
    else:
        source = "package.json/pyproject.toml files below the root"
        paths, skipped = _scan(root)
    if len(paths) < 2:
        return Workspace({}, source, tuple(skipped))
    names: dict[str, str] = {}
    for path in paths:
        manifest = manifest_name(root, path)[0]
        wanted = [k for k in (key(manifest or ""), key(path), key(path.replace("/", "-"))) if k]
        name = next((k for k in wanted if k not in names), None)
        base, n = (wanted[-1] if wanted else "package"), 2
        while name is None:
            name = f"{base}-{n}" if f"{base}-{n}" not in names else None
            n += 1
        names[name] = path
    return Workspace(names, source, tuple(skipped))
