"""TOML files read leniently: a file that does not parse is treated as absent, never fatal."""

from __future__ import annotations

import sys

from ..records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


def loads(text: str) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    return data


def read(path: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return data


def tool_table(root: Path, name: str, *own_files: str) -> tuple[dict[str, Any], str] | None:
    """``[tool.NAME]`` and the file it is in: a tool's own file (``towncrier.toml``,
    ``.cz.toml``) first, else pyproject.toml; None when neither has it."""
    for filename in (*own_files, "pyproject.toml"):
        data = read(root / filename)
        table = (data or {}).get("tool", {}).get(name)
        if isinstance(table, dict):
            return table, filename
    return None
