"""Schema validation of one config document, with errors that point at a line and a key."""

from __future__ import annotations

import difflib
from functools import lru_cache

import jsonschema

from ..errors import ConfigError
from ..records import TYPE_CHECKING
from ..rules import KINDS as KIND_TABLE
from .yamlpos import Path, dotted

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

KINDS = tuple(KIND_TABLE)


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    from .schema import derived

    return derived()


@lru_cache(maxsize=4)
def _validator(ref: str | None) -> jsonschema.protocols.Validator:
    s = schema()
    target = s if ref is None else {"$defs": s["$defs"], "$ref": ref}
    return jsonschema.Draft202012Validator(target)


def _allowed_keys(path: Path, instance: Mapping[str, Any]) -> list[str]:
    s = schema()
    if len(path) == 0:
        return list(s["properties"])
    if path in (("ship",), ("release",)):
        return list(s["$defs"][str(path[0])]["properties"])
    if len(path) == 2 and path[0] == "packages":
        return list(s["$defs"]["package"]["properties"])
    if len(path) == 3 and path[0] == "packages" and path[2] == "release":
        return list(s["$defs"]["release"]["properties"])
    if (len(path) == 2 and path[0] == "rules") or path == ():
        keys = list(s["$defs"]["rule"]["properties"])
        kinds = [instance["kind"]] if instance.get("kind") in KINDS else list(KINDS)
        for k in kinds:
            keys += list(s["$defs"][f"{k}-fields"]["properties"])
        return keys
    if path[-1] == "fragments":
        return list(s["$defs"]["changelog-fields"]["properties"]["fragments"]["properties"])
    if path[-1] == "skip":
        return list(s["$defs"]["rule"]["properties"]["skip"]["properties"])
    return []


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _expected(schema_part: Mapping[str, Any]) -> str:
    if "enum" in schema_part:
        return "one of " + ", ".join(repr(v) for v in schema_part["enum"])
    if "const" in schema_part:
        return repr(schema_part["const"])
    t = schema_part.get("type")
    names = {"string": "a string", "array": "a list", "object": "a mapping", "boolean": "true or false",
             "integer": "an integer", "number": "a number"}
    if isinstance(t, str):
        return names.get(t, t)
    return "a valid value"


def _describe(err: jsonschema.ValidationError, base: Path) -> tuple[Path, str]:
    """Turn one jsonschema error into (path of the offending key, message)."""
    path: Path = (*base, *err.absolute_path)
    v = err.validator
    inst: Any = err.instance
    expected: Any = err.validator_value
    where_schema: Any = err.schema
    if v in ("additionalProperties", "unevaluatedProperties") and isinstance(inst, dict):
        allowed = _allowed_keys(path, inst)
        unknown = [k for k in inst if k not in allowed]
        if not unknown:  # every key is known: a sibling's own error made them "unevaluated"
            return path, ""
        key = unknown[0]
        where = "in a rule" if len(path) == 2 and path[0] == "rules" else (
            f"under {dotted(path)}" if path else "at the top level")
        kind = inst.get("kind") if isinstance(inst.get("kind"), str) else None
        if kind and len(path) == 2:
            where = f"in a rule of kind {kind!r}"
        return (*path, key), (
            f"unknown key {key!r} {where}{_suggest(key, allowed)}; expected one of: "
            + ", ".join(sorted(set(allowed)))
        )
    if v == "enum" and path and path[-1] == "kind":
        return path, f"unknown rule kind {inst!r}{_suggest(str(inst), KINDS)}; expected one of: " + ", ".join(KINDS)
    if v == "enum":
        return path, f"expected one of {', '.join(repr(x) for x in expected)}, got {inst!r}"
    if v == "required":
        missing = [k for k in expected if k not in inst]
        return path, f"missing required key {missing[0]!r}"
    if v == "propertyNames" or (v == "pattern" and "propertyNames" in err.relative_schema_path):
        return (*path, str(inst)) if isinstance(inst, str) else path, (
            f"invalid rule id {inst!r}: ids are lower-case letters, digits and '-' ([a-z0-9][a-z0-9-]*)")
    if v == "const":
        return path, f"expected {expected!r}, got {inst!r}"
    if v == "oneOf":
        subs = expected
        kinds = [_expected(s) if "$ref" not in s else "a glob or a list of globs" for s in subs]
        if any("$ref" in s for s in subs) or path[-1:] in (("paths",), ("ignore",)):
            return path, f"expected a glob or a list of globs, got {_show(inst)}"
        return path, f"expected {' or '.join(kinds)}, got {_show(inst)}"
    if v == "type":
        return path, f"expected {_expected(where_schema)}, got {_show(inst)}"
    if v == "pattern":
        return path, f"{inst!r} does not match the expected form /{expected}/"
    return path, err.message


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return f"the number {v}"
    if isinstance(v, str):
        return f"the string {v!r}"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a mapping"
    return "null" if v is None else type(v).__name__


def _sort_key(err: jsonschema.ValidationError) -> tuple[int, int]:
    # The deepest, most specific problem first: that is the one a person can act on.
    return (-len(err.absolute_path), 0 if err.validator != "oneOf" else 1)


def check_document(
    doc: Any, lines: Mapping[Path, int], label: str, *, ref: str | None = None, base: Path = (),
    line_of: Any = None,
) -> None:
    """Raise ConfigError for the first schema violation, located by file and line."""
    errors = list(_validator(ref).iter_errors(doc))
    if not errors:
        return
    found: list[tuple[int, str, str, str]] = []  # line, dotted path, file, message
    for err in _flatten(errors):
        path, message = _describe(err, base)
        if not message:
            continue
        file, line = line_of(path) if line_of is not None else (label, _nearest_line(lines, path))
        found.append((line or 0, dotted(path), file, message))
    if not found:  # only echoes of errors reported elsewhere: say what jsonschema said
        found = [(0, dotted(base), label, _flatten(errors)[0].message)]
    found.sort()
    line, where, file, message = found[0]
    others = tuple(f"{f}:{ln}: {p}: {m}" for ln, p, f, m in found[1:])
    raise ConfigError(message, file=file, line=line or None, path=where or None, details=others)


def _flatten(errors: list[jsonschema.ValidationError]) -> list[jsonschema.ValidationError]:
    """Replace if/then/allOf wrappers by their most specific causes, one error per path."""
    out: list[jsonschema.ValidationError] = []
    stack = list(errors)
    while stack:
        e = stack.pop()
        if e.validator in ("allOf", "anyOf", "if", "then", "$ref") and e.context:
            stack.extend(e.context)
        elif e.validator == "oneOf" and e.context and not all(
            c.validator in ("type", "minLength") for c in e.context
        ):
            # a branch that got past the type check: its deeper errors say more than "oneOf"
            deeper = [c for c in e.context if len(c.absolute_path) > len(e.absolute_path)]
            if deeper:
                stack.extend(deeper)
            else:
                out.append(e)
        else:
            out.append(e)
    seen: set[tuple[str | int, ...]] = set()
    unique = []
    for e in sorted(out, key=_sort_key):
        key = tuple(e.absolute_path)
        if key not in seen:
            seen.add(key)
            unique.append(e)
    return unique


def _nearest_line(lines: Mapping[Path, int], path: Path) -> int | None:
    p = path
    while True:
        if p in lines:
            return lines[p]
        if not p:
            return None
        p = p[:-1]
