"""Changelog fragment files: ``<name>.<type>[.<ext>]`` directly inside the fragment folder."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


class Fragment(NamedTuple):
    name: str
    type: str
    ext: str | None


def is_ignored_file(filename: str) -> bool:
    """README*, .gitkeep and hidden files live in the folder but are not fragments."""
    return filename.startswith(".") or filename.upper().startswith("README")


def parse_name(filename: str, types: Sequence[str], extensions: Sequence[str]) -> Fragment | str:
    """The fragment a file name describes, or a sentence saying what is wrong with it."""
    parts = filename.split(".")
    exts = {e.lower() for e in extensions}
    ext: str | None = None
    if len(parts) >= 3 and parts[-1].lower() in exts:
        ext = parts.pop()
    if len(parts) < 2:
        return (f"{filename!r} is not named <name>.<type>[.<ext>]; types: {', '.join(types)}; "
                f"extensions: {', '.join(extensions)}")
    ftype = parts.pop()
    name = ".".join(parts)
    if ftype not in types:
        hint = f"{filename!r} has no known type" if ext is None and len(parts) >= 1 else \
            f"{filename!r} has the unknown type {ftype!r}"
        return f"{hint}; expected one of: {', '.join(types)}"
    if not name or not _NAME.match(name):
        return f"{filename!r}: the name before .{ftype} may use only letters, digits, '.', '_' and '-'"
    return Fragment(name, ftype, ext)
