"""Files shipped with the package: the schema, built-in workflows and hook shim templates.

In a wheel ``workflows/`` and ``hooks/`` sit inside the package; from a source checkout
(editable install) they are read from the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    inside = _PKG / name
    if inside.is_dir():
        return inside
    return _PKG.parent.parent / name


def workflows_dir() -> Path:
    return _data_dir("workflows")


def hooks_dir() -> Path:
    return _data_dir("hooks")


def builtin_workflows() -> list[str]:
    return sorted(p.stem for p in workflows_dir().glob("*.yml"))


def schema_path() -> Path:
    return _PKG / "schema.json"


def schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")
