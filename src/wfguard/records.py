"""``NamedTuple`` for the hook path, without importing :mod:`typing`.

Every value type of wfguard is a class-syntax ``NamedTuple``. Importing :mod:`typing` costs
about 5 ms of a hook's start, and ``typing.NamedTuple`` compiles each field's annotation into a
``ForwardRef`` when the class is made (another few ms over the 60-odd classes a hook loads). A
hook has no use for either: annotations are strings here (``from __future__ import
annotations``) and only the type checker reads them.

So type checkers see :class:`typing.NamedTuple` itself (mypy checks these classes exactly as
before), and at run time classes are built by :func:`_record`: a ``tuple`` subclass with the
same ``_fields``, ``_field_defaults``, ``_make``, ``_replace``, ``_asdict``, ``__repr__``,
``__match_args__`` and pickling as :func:`collections.namedtuple` gives, methods and
properties of the class body kept. tests/test_records.py holds it to the standard library's.

``TYPE_CHECKING`` is this module's ``False``, named so that mypy and ruff treat
``if TYPE_CHECKING:`` blocks as they treat :data:`typing.TYPE_CHECKING`'s.
"""

from __future__ import annotations

import sys
from types import FunctionType

try:
    from _collections import _tuplegetter  # type: ignore[import-not-found]  # C, what namedtuple's fields are made of
except ImportError:  # another interpreter: a plain property does the same, a little slower
    def _tuplegetter(index: int, doc: str) -> Any:
        return property(lambda self: self[index], doc=doc)

TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any
    from typing import NamedTuple as NamedTuple
else:
    def NamedTuple(*args, **kwargs):
        raise TypeError("wfguard.records.NamedTuple supports the class syntax only")

    NamedTuple.__mro_entries__ = lambda bases: (_Base,)


_RESERVED = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults",
                       "_make", "_replace", "_asdict", "_source"})
_templates: dict[int, Callable[..., Any]] = {}


def _new(fields: tuple[str, ...], defaults: tuple[object, ...], qualname: str) -> Callable[..., Any]:
    """``__new__`` taking the fields by position or by name, as fast as namedtuple's. One
    function per arity is compiled; each class gets a copy named after its fields."""
    template = _templates.get(len(fields))
    if template is None:
        params = "".join(f", _{i}" for i in range(len(fields)))
        template = eval(f"lambda _cls{params}: _tuple_new(_cls, ({params[2:]}{',' if fields else ''}))",
                        {"_tuple_new": tuple.__new__})
        _templates[len(fields)] = template
    code = template.__code__.replace(co_varnames=("_cls", *fields), co_name="__new__")
    fn: Callable[..., Any] = FunctionType(code, template.__globals__, "__new__", defaults or None)
    fn.__qualname__ = f"{qualname}.__new__"
    return fn


def _make(cls: type[tuple[Any, ...]], iterable: Iterable[Any]) -> tuple[Any, ...]:
    result = tuple.__new__(cls, iterable)
    if len(result) != len(cls._fields):  # type: ignore[attr-defined]
        raise TypeError(f"Expected {len(cls._fields)} arguments, got {len(result)}")  # type: ignore[attr-defined]
    return result


# what namedtuple's _replace raises for a field it does not have (Python 3.13 changed it)
_UNKNOWN_FIELD = TypeError if sys.version_info >= (3, 13) else ValueError


def _replace(self: Any, /, **changes: Any) -> Any:
    result = self._make(map(changes.pop, self._fields, self))
    if changes:
        raise _UNKNOWN_FIELD(f"Got unexpected field names: {list(changes)!r}")
    return result


def _asdict(self: Any) -> dict[str, Any]:
    return dict(zip(self._fields, self, strict=True))


def _repr(self: Any) -> str:
    return f"{type(self).__name__}(" + ", ".join(f"{f}={v!r}" for f, v in zip(self._fields, self, strict=True)) + ")"


def _getnewargs(self: Any) -> tuple[Any, ...]:
    return tuple(self)


class _RecordMeta(type):
    def __new__(mcs, name: str, bases: tuple[type, ...], ns: dict[str, Any]) -> type:
        if bases == ():  # the _Base class itself
            return type.__new__(mcs, name, bases, ns)
        if bases != (_Base,):
            raise TypeError("a record class can only inherit from NamedTuple")
        fields = tuple(ns.get("__annotations__", {}))
        defaults = []
        for field in fields:
            if field in ns:
                defaults.append(ns[field])
            elif defaults:
                raise TypeError(f"Non-default namedtuple field {field} cannot follow default field"
                                f"{'s' if len(defaults) > 1 else ''} {', '.join(fields[:fields.index(field)])}")
            if field.startswith("_"):
                raise ValueError(f"Field names cannot start with an underscore: {field!r}")
        qualname = str(ns.get("__qualname__", name))
        body: dict[str, Any] = {
            "__doc__": ns.get("__doc__") or f"{name}({', '.join(fields)})",
            "__slots__": (),
            "_fields": fields,
            "_field_defaults": dict(zip(fields[len(fields) - len(defaults):], defaults, strict=True)),
            "__new__": _new(fields, tuple(defaults), qualname),
            "_make": classmethod(_make),
            "_replace": _replace,
            "_asdict": _asdict,
            "__repr__": _repr,
            "__getnewargs__": _getnewargs,
            "__match_args__": fields,
        }
        for index, field in enumerate(fields):
            body[field] = _tuplegetter(index, f"Alias for field number {index}")
        for key, value in ns.items():
            if key in _RESERVED:
                raise AttributeError(f"Cannot overwrite NamedTuple attribute {key}")
            if key not in fields and key != "__doc__":
                body[key] = value
        return type.__new__(type, name, (tuple,), body)


_Base = type.__new__(_RecordMeta, "NamedTuple", (), {})
