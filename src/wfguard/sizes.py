"""Sizes like ``500KB`` or ``5MB`` (1 KB = 1024 bytes)."""

from __future__ import annotations

from . import lazyre

_UNITS = {"": 1, "b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
_RX = lazyre.compile(r"(?i)\s*([0-9]+(?:\.[0-9]+)?)\s*([kmg]?b?)\s*")


def parse_size(value: int | str) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a size such as 500KB or 5MB")
    if isinstance(value, int):
        if value < 1:
            raise ValueError("a size must be at least 1 byte")
        return value
    m = _RX.fullmatch(value)
    if not m:
        raise ValueError(f"invalid size {value!r}: expected bytes, or a number with KB, MB or GB")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def human(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"
