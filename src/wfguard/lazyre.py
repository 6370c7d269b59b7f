"""Regular expressions compiled on first use, and without :mod:`re` when a hook saw them before.

Importing :mod:`re` (with ``enum`` and ``functools``) is about 6 ms of a hook's start, as much
as all of wfguard's own modules. Two things keep it off the hook's path:

- :func:`compile` returns a proxy; the first attribute looked up compiles the pattern and puts
  its methods on the object, so later calls cost what ``re``'s own do. A hook whose rules need
  no regex never compiles one.
- A hook remembers each pattern's compiled program (what ``re`` hands to the ``_sre`` C module,
  which the interpreter loads at start anyway) in ``<git dir>/wfguard/regex-cache.marshal``,
  and the next hook rebuilds the pattern from it with ``_sre.compile`` directly. The program is
  the interpreter's own format, so the file is keyed by the interpreter's version and ``_sre``'s
  ``MAGIC``; ``_sre`` validates a program before it accepts one; anything that does not load
  exactly falls back to ``re``. tests/test_lazyre.py holds rebuilt patterns to ``re``'s.

The type checker sees :class:`re.Pattern`. Flags are this module's constants (``re``'s values):
naming ``re.IGNORECASE`` would import ``re``.
"""

from __future__ import annotations

import os
import sys

from .records import TYPE_CHECKING

if TYPE_CHECKING:
    import re
    from typing import Any, overload

    @overload
    def compile(source: str, flags: int = 0) -> re.Pattern[str]: ...

    @overload
    def compile(source: bytes, flags: int = 0) -> re.Pattern[bytes]: ...

    def compile(source: str | bytes, flags: int = 0) -> re.Pattern[str] | re.Pattern[bytes]: ...

else:
    def compile(source, flags=0):  # re.compile's name, for re.compile's use
        return _Lazy(source, flags)


IGNORECASE, MULTILINE, DOTALL, ASCII = 2, 8, 16, 256  # re's values (a test holds them equal)

CACHE_FILE = "regex-cache.marshal"
_MAX_PROGRAMS = 512
_ATTRIBUTES = ("match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split", "pattern",
               "flags", "groups", "groupindex")

# (source, flags) -> the arguments of _sre.compile; what this run compiled through re, to store
_programs: dict[tuple[str | bytes, int], tuple[Any, ...]] = {}
_learned: dict[tuple[str | bytes, int], tuple[Any, ...]] = {}
_cache_dir: list[str] = []


def _key() -> tuple[int, int] | None:
    """What a stored program is valid for: this interpreter's version and regex engine."""
    try:
        import _sre  # type: ignore[import-not-found]  # built into CPython, loaded at its start
    except ImportError:  # pragma: no cover - another interpreter: no programs, re every time
        return None
    return (sys.hexversion, _sre.MAGIC)


def use_cache(state_dir: str) -> None:
    """Read the programs a previous hook stored in ``state_dir`` (a hook calls this once)."""
    import marshal

    if _key() is None:
        return
    _cache_dir[:] = [state_dir]
    try:
        with open(os.path.join(state_dir, CACHE_FILE), "rb") as fh:
            stored = marshal.loads(fh.read())
        if isinstance(stored, dict) and stored.get("key") == _key() and isinstance(stored.get("programs"), dict):
            _programs.update(stored["programs"])
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        pass  # none yet, or unreadable: patterns are compiled by re, and stored again


def save_cache() -> None:
    """Store what this run had to compile through ``re`` (nothing to do when it compiled none)."""
    if not _cache_dir or not _learned:
        return
    import marshal

    programs = {**_programs, **_learned}
    if len(programs) > _MAX_PROGRAMS:  # patterns of configs long gone: start over with this run's
        programs = dict(_learned)
    path = os.path.join(_cache_dir[0], CACHE_FILE)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        data = marshal.dumps({"key": _key(), "programs": programs})
        os.makedirs(_cache_dir[0], exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)  # atomic: a concurrent hook reads the old file or the new one
    except (OSError, ValueError):
        if os.path.exists(tmp):  # a full disk leaves no half-written file behind
            os.unlink(tmp)
    _learned.clear()


def program(source: str | bytes, flags: int = 0) -> tuple[Any, ...] | None:
    """The arguments ``re`` gives ``_sre.compile`` for this pattern, or None when this
    interpreter's ``re`` is not built the way this function knows."""
    import re

    try:
        if sys.version_info >= (3, 11):
            from re import _compiler, _parser
        else:  # pragma: no cover - 3.10
            import sre_compile as _compiler
            import sre_parse as _parser
        parsed = _parser.parse(source, flags)  # type: ignore[arg-type]  # bytes parse too
        code = _compiler._code(parsed, flags)  # type: ignore[attr-defined]
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        args = (source, int(flags | parsed.state.flags), [int(op) for op in code], parsed.state.groups - 1,
                groupindex, tuple(indexgroup))  # plain ints: re names its opcodes with an int subclass
        built = _build(args)
        reference = re.compile(source, flags)
    except Exception:  # another re than this function knows: such patterns compile through re each time
        return None
    same = built is not None and (built.pattern, built.flags, built.groups, built.groupindex) == (
        reference.pattern, reference.flags, reference.groups, reference.groupindex)
    return args if same else None


def _build(args: tuple[Any, ...]) -> Any:
    import _sre

    try:
        return _sre.compile(*args)
    except Exception:  # a program _sre refuses (it validates each one): re compiles the pattern instead
        return None


class _Lazy:
    def __init__(self, source: str | bytes, flags: int) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self.__dict__["_compiled"] = self._compile()
        return getattr(compiled, name)

    def _compile(self) -> Any:
        key = (self._source, self._flags)
        stored = _programs.get(key)
        regex = _build(stored) if stored is not None and stored[0] == self._source else None
        if regex is None:
            import re

            regex = re.compile(self._source, self._flags)
            if _cache_dir:  # a hook: remember the program for the next one
                learned = program(self._source, self._flags)
                if learned is not None:
                    _learned[key] = learned
        for attribute in _ATTRIBUTES:  # found on the instance from now on: __getattr__ is not called again
            setattr(self, attribute, getattr(regex, attribute))
        return regex

    def __repr__(self) -> str:
        return f"lazyre.compile({self._source!r}, {self._flags})"
