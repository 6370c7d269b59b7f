"""Regular expressions compiled on first use.

A hook whose rules need no regex never imports :mod:`re` (with ``enum`` and ``functools`` it
is about 6 ms of a hook's start), and one that needs a few compiles only those: each module
keeps its patterns as module constants, as usual, made with :func:`compile` from here. The
type checker sees :class:`re.Pattern`; at run time the first attribute looked up compiles
the pattern and puts its methods on the object, so later calls cost what ``re``'s own do.
Flags go inline (``(?i)``, ``(?a)``): naming ``re.IGNORECASE`` would import ``re``.
"""

from __future__ import annotations

from .records import TYPE_CHECKING

if TYPE_CHECKING:
    import re
    from typing import Any, overload

    @overload
    def compile(source: str) -> re.Pattern[str]: ...

    @overload
    def compile(source: bytes) -> re.Pattern[bytes]: ...

    def compile(source: str | bytes) -> re.Pattern[str] | re.Pattern[bytes]: ...

else:
    def compile(source):
        return _Lazy(source)


_ATTRIBUTES = ("match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split", "pattern",
               "flags", "groups", "groupindex")


class _Lazy:
    def __init__(self, source: str | bytes) -> None:
        self._source = source

    def __getattr__(self, name: str) -> Any:
        import re

        regex = re.compile(self._source)
        for attribute in _ATTRIBUTES:  # found on the instance from now on: __getattr__ is not called again
            setattr(self, attribute, getattr(regex, attribute))
        return getattr(regex, name)

    def __repr__(self) -> str:
        return f"lazyre.compile({self._source!r})"
