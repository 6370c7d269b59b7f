"""wfguard.records.NamedTuple behaves as typing.NamedTuple does, for everything wfguard uses."""

from __future__ import annotations

import copy
import importlib
import pickle
import pkgutil
import sys
import typing

import pytest

import wfguard
from wfguard.records import NamedTuple


class Ours(NamedTuple):
    """A point."""

    x: int
    y: str = "a"
    z: tuple[int, ...] = ()

    @property
    def twice(self) -> int:
        return self.x * 2

    def label(self) -> str:
        return f"{self.x}{self.y}"


class Theirs(typing.NamedTuple):
    """A point."""

    x: int
    y: str = "a"
    z: tuple[int, ...] = ()

    @property
    def twice(self) -> int:
        return self.x * 2

    def label(self) -> str:
        return f"{self.x}{self.y}"


class Empty(NamedTuple):
    pass


def test_same_behaviour_as_typing() -> None:
    for cls in (Ours, Theirs):
        p = cls(1)
        assert p == (1, "a", ()) and hash(p) == hash((1, "a", ()))
        assert cls(2, z=(3,)) == (2, "a", (3,)) and cls(x=1, y="b") == (1, "b", ())
        assert p.twice == 2 and p.label() == "1a" and p.x == 1 and p[1] == "a"
        assert p._replace(y="c") == (1, "c", ())
        assert p._asdict() == {"x": 1, "y": "a", "z": ()}
        assert cls._fields == ("x", "y", "z") and cls._field_defaults == {"y": "a", "z": ()}
        assert cls._make([5, "q", ()]) == (5, "q", ())
        assert repr(p) == f"{cls.__name__}(x=1, y='a', z=())"
        assert cls.__doc__ == "A point." and cls.__module__ == __name__ and cls.__match_args__ == ("x", "y", "z")
        assert pickle.loads(pickle.dumps(p)) == p and type(pickle.loads(pickle.dumps(p))) is cls
        assert copy.deepcopy(p) == p and isinstance(p, tuple) and type(cls) is type
        with pytest.raises(AttributeError):
            p.x = 3  # type: ignore[misc]
        with pytest.raises(AttributeError):
            p.other = 3  # type: ignore[attr-defined]
        with pytest.raises(TypeError):
            cls()  # type: ignore[call-arg]
        with pytest.raises(TypeError):
            cls(1, "a", (), 4)  # type: ignore[call-arg]
        with pytest.raises(TypeError):
            cls(1, x=2)  # type: ignore[misc]
        with pytest.raises(TypeError if sys.version_info >= (3, 13) else ValueError):
            p._replace(w=1)
        with pytest.raises(TypeError):
            cls._make([1])
        match p:
            case cls(x, y):  # type: ignore[misc]
                assert (x, y) == (1, "a")
    assert Empty() == () and Empty._fields == ()


def test_definition_errors_as_typing() -> None:
    with pytest.raises(TypeError):
        class Bad(NamedTuple):
            a: int = 1
            b: int  # type: ignore[misc]
    with pytest.raises(AttributeError):
        class Reserved(NamedTuple):
            a: int

            def _replace(self) -> None:  # type: ignore[override]
                pass


def test_every_record_of_the_package_works() -> None:
    """Each value type is made, compared, replaced and dumped like its typing twin would be."""
    seen = 0
    for info in pkgutil.walk_packages(wfguard.__path__, "wfguard."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, tuple) and hasattr(value, "_field_defaults") \
                    and value.__module__ == info.name:
                seen += 1
                args = [object() for f in value._fields if f not in value._field_defaults]
                rec = value(*args)
                assert list(rec[: len(args)]) == args
                assert rec._replace() == rec and list(rec._asdict()) == list(value._fields)
                assert value._make(tuple(rec)) == rec
    assert seen > 50
