"""What every kind's options class is built from: the parse-time checks a JSON Schema cannot
express (a glob git would reject, a regex Python cannot compile) and the conversions between a
typed options value and the JSON the config cache stores.

Each kind module defines ``Options`` (a NamedTuple: frozen and cheap to import), ``SCHEMA`` (its
fields as JSON Schema, from which ``schema.json`` is derived), ``DEFAULT_STAGES``, ``RUNS_CODE``
and ``parse(fields, fail) -> Options``. The loader calls ``parse`` once on a cache miss; hooks
read the stored JSON back with ``load``.
"""

from __future__ import annotations

from ..globs import check_glob
from ..records import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any, Protocol, TypeVar

    from ..errors import ConfigError

    T = TypeVar("T")

    class Fail(Protocol):
        """Builds the located error for ``rules.<id>.<key>[.<sub>...]``."""

        def __call__(self, key: str, message: str, sub: tuple[str | int, ...] = ()) -> ConfigError: ...

GLOBS: dict[str, Any] = {"$ref": "#/$defs/globs"}
REGEXES: dict[str, Any] = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}



def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _checked(fields: Mapping[str, Any], key: str, fail: Fail, problem_of: Callable[[str], str | None]
             ) -> tuple[str, ...]:
    """One value or a list of them, each one ``problem_of`` finds nothing wrong with."""
    value = fields.get(key)
    items = as_list(value)
    for i, item in enumerate(items):
        problem = problem_of(item)
        if problem:
            raise fail(key, problem, (i,) if isinstance(value, list) else ())
    return tuple(items)


def globs(fields: Mapping[str, Any], key: str, fail: Fail) -> tuple[str, ...]:
    """A glob or a list of globs, each one git accepts."""
    return _checked(fields, key, fail, check_glob)


def check_regex(value: str) -> str | None:
    import re

    try:
        re.compile(value)
    except re.error as exc:
        return f"invalid regular expression {value!r}: {exc}"
    return None


def regexes(fields: Mapping[str, Any], key: str, fail: Fail) -> tuple[str, ...]:
    return _checked(fields, key, fail, check_regex)


def to_json(value: Any) -> Any:
    """A NamedTuple (nested too) as the plain JSON the config cache and ``--format json`` carry."""
    from collections.abc import Mapping

    if hasattr(value, "_asdict"):
        return {k: to_json(v) for k, v in value._asdict().items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_json(v) for k, v in value.items()}
    return value


def load_flat(cls: type[T], data: Mapping[str, Any]) -> T:
    """JSON lists back to tuples, for an options class whose fields are flat."""
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
