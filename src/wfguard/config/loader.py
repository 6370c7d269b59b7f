"""Reading, merging and validating the workflow config (the slow path, behind the cache)."""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError, WfguardError
from ..globs import check_glob
from ..model import COMMON_FIELDS
from ..resources import builtin_workflows, workflows_dir
from ..rules import KINDS
from ..sizes import parse_size
from . import validate, yamlpos
from .sources import CONFIG_NAME, Source
from .yamlpos import Path

FRAGMENT_DEFAULTS: dict[str, Any] = {
    "dir": "changelog.d",
    "types": ["feature", "bugfix", "removal", "doc", "misc"],
    "extensions": ["md", "rst", "txt"],
    "output": "CHANGELOG.md",
}
DEFAULT_HEADINGS = {
    "feature": "Added", "bugfix": "Fixed", "removal": "Removed", "doc": "Documentation",
    "misc": "Other", "security": "Security", "deprecation": "Deprecated", "change": "Changed",
}
DEFAULT_COMMIT_TYPES = {
    "feat": "feature", "fix": "bugfix", "docs": "doc", "perf": "feature", "refactor": "misc",
    "build": "misc", "ci": "misc", "chore": "misc", "style": "misc", "test": "misc",
    "revert": "bugfix",
}
GLOB_FIELDS = ("paths", "ignore", "protected", "if_changed", "then_change", "files")
REGEX_FIELDS = ("pattern", "forbid_subjects", "content")


@dataclass
class _Doc:
    label: str
    rel: str
    data: dict[str, Any]
    lines: dict[Path, int]


@dataclass
class _Merged:
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (rule id, field) -> the document that last set it, to locate errors after merging
    origin: dict[tuple[str, str], _Doc] = field(default_factory=dict)
    ship: dict[str, Any] = field(default_factory=dict)


def _read_doc(source: Source | None, rel: str, label: str, raw: bytes) -> _Doc:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError("the file is not UTF-8 text", file=label) from None
    data, lines = yamlpos.parse(text, label)
    if data is None:
        raise ConfigError("the file is empty; expected a mapping with 'version: 1'", file=label, line=1)
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping at the top level (version, extends, rules, ship)",
                          file=label, line=1)
    validate.check_document(data, lines, label)
    return _Doc(label, rel, data, lines)


def load_documents(source: Source) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Load, merge and validate; return the normalized config and every file it read."""
    read: dict[str, bytes] = {}
    raw = source.read(CONFIG_NAME)
    if raw is None:
        raise WfguardError(
            f"no {CONFIG_NAME} found at {source.label(CONFIG_NAME)}",
            hint="run 'wfguard init' to write one fitted to this repository",
        )
    read[CONFIG_NAME] = raw
    merged = _Merged()
    _apply(source, CONFIG_NAME, source.label(CONFIG_NAME), raw, merged, read, stack=())
    return _finish(merged), read


def _apply(source: Source | None, rel: str, label: str, raw: bytes, merged: _Merged,
           read: dict[str, bytes], stack: tuple[str, ...]) -> None:
    doc = _read_doc(source, rel, label, raw)
    extends = doc.data.get("extends") or []
    if isinstance(extends, str):
        extends = [extends]
    for i, name in enumerate(extends):
        line = doc.lines.get(("extends", i)) or doc.lines.get(("extends",))
        sub_rel, sub_label, sub_raw = _resolve_extend(source, doc, name, line)
        if sub_label in stack or sub_label == label:
            raise ConfigError(f"'extends' loops back to {name!r}", file=label, line=line,
                              path=f"extends[{i}]")
        read[sub_rel] = sub_raw
        _apply(source, sub_rel, sub_label, sub_raw, merged, read, (*stack, label))
    for rule_id, fields in (doc.data.get("rules") or {}).items():
        target = merged.rules.setdefault(rule_id, {})
        for key, value in fields.items():
            if isinstance(value, dict) and isinstance(target.get(key), dict):
                target[key] = {**target[key], **value}
            else:
                target[key] = value
            merged.origin[(rule_id, key)] = doc
        merged.origin.setdefault((rule_id, ""), doc)
    merged.ship.update(doc.data.get("ship") or {})


def _resolve_extend(source: Source | None, doc: _Doc, name: str, line: int | None
                    ) -> tuple[str, str, bytes]:
    if name.startswith(("./", "../")) or name.endswith((".yml", ".yaml")):
        if source is None:
            raise ConfigError(f"a built-in workflow cannot extend the file {name!r}",
                              file=doc.label, line=line, path="extends")
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(doc.rel), name))
        if rel.startswith(("../", "/")) or rel == ".." or name.startswith("/"):
            raise ConfigError(f"{name!r} points outside the repository", file=doc.label,
                              line=line, path="extends")
        raw = source.read(rel)
        if raw is None:
            raise ConfigError(f"the extended file {name!r} does not exist", file=doc.label,
                              line=line, path="extends")
        return rel, source.label(rel), raw
    known = builtin_workflows()
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(
            f"unknown built-in workflow {name!r}{hint}; available: {', '.join(known)}; "
            "a file must start with './'",
            file=doc.label, line=line, path="extends",
        )
    path = workflows_dir() / f"{name}.yml"  # found through importlib.resources
    return f"<builtin>/{name}.yml", f"workflow:{name}", path.read_bytes()


def _finish(merged: _Merged) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    errors: list[ConfigError] = []
    for rule_id, fields in merged.rules.items():
        try:
            rule = _finish_rule(merged, rule_id, fields)
        except ConfigError as exc:  # every rule's problems at once, not one per run
            errors.append(exc)
            continue
        if rule is not None:
            rules[rule_id] = rule
    if errors:
        first, rest = errors[0], errors[1:]
        details = [*first.details]
        for e in rest:
            details += [f"{e.location()}: {e.message}".lstrip(": "), *e.details]
        raise ConfigError(first.message, file=first.file, line=first.line, path=first.path, hint=first.hint,
                          details=tuple(details))
    ship = {"base": "main", "branch": "{type}/{slug}", "push": True, "remote": "origin"}
    ship.update(merged.ship)
    return {"rules": rules, "ship": ship}


def _finish_rule(merged: _Merged, rule_id: str, fields: dict[str, Any]) -> dict[str, Any] | None:
    if fields.get("enabled") is False:
        return None

    def line_of(path: Path, _id: str = rule_id) -> tuple[str, int | None]:
        key = str(path[2]) if len(path) > 2 else ""
        doc = merged.origin.get((_id, key)) or merged.origin[(_id, "")]
        return doc.label, validate._nearest_line(doc.lines, path)

    if "kind" not in fields:
        label, line = line_of(("rules", rule_id))
        raise ConfigError(
            f"rule {rule_id!r} has no 'kind' and overrides no rule from 'extends'",
            file=label, line=line, path=f"rules.{rule_id}",
            hint="add 'kind: ...' or use the id of a rule from an extended workflow "
            "('wfguard list' shows them)",
        )
    validate.check_document(fields, {}, "", ref="#/$defs/rule", base=("rules", rule_id),
                            line_of=line_of)
    return _normalize(rule_id, fields, line_of)


def _as_list(v: Any) -> list[Any]:
    if v is None:
        return []
    return [v] if isinstance(v, str) else list(v)


def _normalize(rule_id: str, f: Mapping[str, Any], line_of: Any) -> dict[str, Any]:
    def fail(key: str, msg: str, sub: tuple[str | int, ...] = ()) -> ConfigError:
        path: Path = ("rules", rule_id, key, *sub)
        label, line = line_of(path)
        return ConfigError(msg, file=label, line=line, path=yamlpos.dotted(path))

    kind = f["kind"]
    opts = {k: v for k, v in f.items() if k not in COMMON_FIELDS}
    for key in GLOB_FIELDS:
        if key in f:
            for i, g in enumerate(_as_list(f[key])):
                problem = check_glob(g)
                if problem:
                    raise fail(key, problem, (i,) if isinstance(f[key], list) else ())
            if key in opts:
                opts[key] = _as_list(opts[key])
    for key in REGEX_FIELDS:
        if key in f:
            for i, rx in enumerate(_as_list(f[key])):
                problem = validate.check_regex(rx)
                if problem:
                    raise fail(key, problem, (i,) if isinstance(f[key], list) else ())
            if key != "pattern":
                opts[key] = _as_list(opts[key])
    if kind == "changelog":
        if "fragments" in opts and "file" in opts:
            raise fail("file", "use either 'fragments' or 'file', not both")
        if "file" not in opts:
            frag = {**FRAGMENT_DEFAULTS, **(opts.get("fragments") or {})}
            parts = frag["dir"].rstrip("/").replace("\\", "/").split("/")
            frag["dir"] = frag["dir"].rstrip("/")
            if frag["dir"].startswith(("/", "~")) or ".." in parts or any(p in ("", ".") for p in parts):
                raise fail("fragments", f"fragments.dir {frag['dir']!r} must be a folder inside the repository, "
                           "like changelog.d", ("dir",))
            if "ignore" in frag:
                frag["ignore"] = _as_list(frag["ignore"])
                for i, g in enumerate(frag["ignore"]):
                    problem = check_glob(g)
                    if problem:
                        raise fail("fragments", problem, ("ignore", i))
            for i, t in enumerate(frag.get("allow_empty") or ()):
                if t not in frag["types"]:
                    raise fail("fragments", f"allow_empty names {t!r}, which is not in fragments.types",
                               ("allow_empty", i))
            frag["headings"] = {**{t: DEFAULT_HEADINGS.get(t, t.capitalize()) for t in frag["types"]},
                                **frag.get("headings", {})}
            commit_types = {k: v for k, v in DEFAULT_COMMIT_TYPES.items() if v in frag["types"]}
            frag["commit_types"] = {**commit_types, **frag.get("commit_types", {})}
            for ctype, ftype in frag["commit_types"].items():
                if ftype not in frag["types"]:
                    raise fail("fragments", f"commit type {ctype!r} maps to {ftype!r}, which is not "
                               f"in fragments.types", ("commit_types", ctype))
            opts["fragments"] = frag
    elif kind == "commit-message":
        if not any(k in opts for k in ("preset", "pattern", "subject_max", "require_trailers",
                                       "forbid_subjects", "types")):
            raise fail("kind", "a commit-message rule needs 'preset', 'pattern', 'subject_max', "
                       "'require_trailers' or 'forbid_subjects'")
    elif kind == "co-change":
        for key in ("if_changed", "then_change"):
            if key not in opts:
                raise fail("kind", f"a co-change rule needs {key!r}")
    elif kind == "forbid":
        if not any(k in opts for k in ("files", "content", "max_size")):
            raise fail("kind", "a forbid rule needs 'files', 'content' or 'max_size'")
        if "max_size" in opts:
            try:
                opts["max_size"] = parse_size(opts["max_size"])
            except ValueError as exc:
                raise fail("max_size", str(exc)) from None
    elif kind == "command":
        if "run" not in opts:
            raise fail("kind", "a command rule needs 'run' (an argv list, or a string for sh -c)")
        opts.setdefault("timeout", 600)
        opts.setdefault("pass_files", False)
    elif kind == "branch" and not any(k in opts for k in ("protected", "pattern")):
        raise fail("kind", "a branch rule needs 'protected' or 'pattern'")
    skip = {"allowed": True, "reason_required": True, **(f.get("skip") or {})}
    return {
        "kind": kind,
        "paths": _as_list(f["paths"]) if "paths" in f else None,
        "ignore": _as_list(f.get("ignore")),
        "stages": list(f.get("stages") or KINDS[kind].default_stages),
        "severity": f.get("severity", "error"),
        "skip": skip,
        "why": f.get("why", ""),
        "fix": f.get("fix"),
        "options": opts,
    }
