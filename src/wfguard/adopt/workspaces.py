"""The packages of a monorepo, as its own tools list them: ``workspaces`` in package.json, a
pnpm workspace, a uv workspace; else every ``package.json``/``pyproject.toml`` below the root."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from . import toml

_SKIP = {"node_modules", ".git", ".venv", "venv", "dist", "build", ".tox", "site-packages", "__pycache__"}
MANIFESTS = ("package.json", "pyproject.toml")


def _globs(root: Path) -> tuple[list[str], str] | None:
    try:
        pkg = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pkg = None
    if isinstance(pkg, dict):
        ws = pkg.get("workspaces")
        if isinstance(ws, dict):
            ws = ws.get("packages")
        if isinstance(ws, list) and ws:
            return [str(g) for g in ws], "workspaces in package.json"
    pnpm = root / "pnpm-workspace.yaml"
    if pnpm.is_file():
        import yaml

        try:
            data = yaml.safe_load(pnpm.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("packages"), list):
            return [str(g) for g in data["packages"] if not str(g).startswith("!")], "pnpm-workspace.yaml"
    uv = ((toml.read(root / "pyproject.toml") or {}).get("tool") or {}).get("uv", {}).get("workspace", {})
    if isinstance(uv, dict) and isinstance(uv.get("members"), list):
        return [str(g) for g in uv["members"]], "the uv workspace in pyproject.toml"
    return None


def _expand(root: Path, pattern: str) -> list[str]:
    pattern = pattern.strip("./").rstrip("/")
    out = []
    for path in sorted(root.glob(pattern)):
        if path.is_dir() and any((path / m).is_file() for m in MANIFESTS) and not (_SKIP & set(path.parts)):
            out.append(path.relative_to(root).as_posix())
    return out


def manifest_name(root: Path, path: str) -> tuple[str | None, bool]:
    """(the package's own name, whether it is private) from its package.json or pyproject.toml."""
    try:
        pkg = json.loads((root / path / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pkg = None
    if isinstance(pkg, dict):
        name = pkg.get("name")
        return (name if isinstance(name, str) else None), pkg.get("private") is True
    project = (toml.read(root / path / "pyproject.toml") or {}).get("project") or {}
    name = project.get("name")
    return (name if isinstance(name, str) else None), False


def detect(root: Path) -> tuple[dict[str, str], str]:
    """{name: path} of the packages, and where they were read from ({} when not a monorepo)."""
    found = _globs(root)
    if found is not None:
        globs, source = found
        paths = sorted({p for g in globs for p in _expand(root, g)})
    else:
        source = "package.json/pyproject.toml files below the root"
        paths = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP and not d.startswith("."))
            rel = Path(dirpath).relative_to(root).as_posix()
            if rel != "." and rel.count("/") < 3 and any(m in filenames for m in MANIFESTS):
                paths.append(rel)
                dirnames[:] = []  # a package's own folders are not packages
    if len(paths) < 2:
        return {}, source
    names: dict[str, str] = {}
    for path in paths:
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", path.rsplit("/", 1)[-1]) or "package"
        if name in names:
            name = re.sub(r"[^A-Za-z0-9._-]+", "-", path)
        names[name] = path
    return names, source
