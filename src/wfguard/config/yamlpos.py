"""Safe YAML parsing that remembers the line of every key, for precise config errors."""

from __future__ import annotations

import yaml

from ..errors import ConfigError
from ..records import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

Path = tuple[str | int, ...]
MAX_NODES = 10_000
MAX_DEPTH = 100

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SAFE_SCALARS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")
)
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def parse(text: str, label: str) -> tuple[Any, dict[Path, int]]:
    """Return the document and a map from each path in it to its 1-based line.

    Only plain YAML types are built; any other tag (``!!python/object``...) is an error.
    """
    lines: dict[Path, int] = {}
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise ConfigError(
                f"invalid YAML: {exc.problem or exc.context}",
                file=label,
                line=mark.line + 1 if mark else None,
            ) from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"invalid YAML: {exc}", file=label) from None
        if node is None:
            return None, lines

        built = 0
        active: set[int] = set()

        def build(n: yaml.Node, path: Path) -> Any:
            # aliases share nodes: bound what their expansion may cost (an alias bomb) and refuse
            # a node that contains itself
            nonlocal built
            built += 1
            problem = (f"the document expands to more than {MAX_NODES:,} values (YAML aliases?)"
                       if built > MAX_NODES else
                       f"the document nests deeper than {MAX_DEPTH} levels" if len(path) > MAX_DEPTH else
                       "a YAML alias refers to the value that contains it" if id(n) in active else None)
            if problem:
                raise ConfigError(problem, file=label, line=n.start_mark.line + 1, path=dotted(path) or None)
            if isinstance(n, (yaml.MappingNode, yaml.SequenceNode)):
                active.add(id(n))
                try:
                    return collection(n, path)
                finally:
                    active.discard(id(n))
            return scalar(n, path)

        def collection(n: yaml.Node, path: Path) -> Any:
            lines.setdefault(path, n.start_mark.line + 1)
            if isinstance(n, yaml.MappingNode):
                if n.tag != _MAP:
                    raise _tag_error(n, path, label)
                loader.flatten_mapping(n)
                result: dict[str, Any] = {}
                for key_node, value_node in n.value:
                    if not isinstance(key_node, yaml.ScalarNode) or key_node.tag in (_MAP, _SEQ):
                        raise ConfigError(
                            "keys must be plain strings", file=label,
                            line=key_node.start_mark.line + 1, path=dotted(path) or None,
                        )
                    key = str(loader.construct_scalar(key_node))
                    sub = (*path, key)
                    if key in result:
                        raise ConfigError(
                            f"duplicate key {key!r} (first defined on line {lines[sub]})",
                            file=label, line=key_node.start_mark.line + 1, path=dotted(sub),
                        )
                    lines[sub] = key_node.start_mark.line + 1
                    result[key] = build(value_node, sub)
                return result
            if isinstance(n, yaml.SequenceNode):
                if n.tag != _SEQ:
                    raise _tag_error(n, path, label)
                return [build(v, (*path, i)) for i, v in enumerate(n.value)]
            raise AssertionError(n)

        def scalar(n: yaml.Node, path: Path) -> Any:
            lines.setdefault(path, n.start_mark.line + 1)
            if n.tag not in _SAFE_SCALARS:
                raise _tag_error(n, path, label)
            try:
                value = loader.construct_object(n, deep=True)
            except yaml.YAMLError as exc:
                raise ConfigError(
                    f"invalid value: {exc}", file=label, line=n.start_mark.line + 1,
                    path=dotted(path) or None,
                ) from None
            if not isinstance(value, (str, int, float, bool)) and value is not None:
                value = str(value)  # dates and times are read as their text
            return value

        return build(node, ()), lines
    finally:
        loader.dispose()


def _tag_error(n: yaml.Node, path: Path, label: str) -> ConfigError:
    return ConfigError(
        f"the YAML tag {n.tag!r} is not allowed: wfguard reads plain YAML only",
        file=label, line=n.start_mark.line + 1, path=dotted(path) or None,
    )
