"""Reading, merging and validating the workflow config (the slow path, behind the cache)."""

from __future__ import annotations

import difflib
import itertools
import posixpath
from dataclasses import dataclass, field

from ..errors import ConfigError, WfguardError
from ..model import COMMON_FIELDS
from ..records import TYPE_CHECKING
from ..resources import builtin_workflows, workflows_dir
from ..rules import kind_module, options
from . import shared, validate, yamlpos
from .sources import CONFIG_NAME

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from .sources import Source
    from .yamlpos import Path


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
    bots: dict[str, Any] = field(default_factory=dict)
    release: dict[str, Any] = field(default_factory=dict)
    packages: dict[str, dict[str, Any]] = field(default_factory=dict)
    package_docs: dict[str, _Doc] = field(default_factory=dict)


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


def load_documents(source: Source, allow_fetch: bool = False) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Load, merge and validate; return the normalized config and every file it read (keyed
    ``<builtin>/NAME.yml``, ``<git>/URL@COMMIT:PATH`` or the path in the repository).
    ``allow_fetch``: shared workflows missing from the cache are fetched (never in a hook)."""
    read: dict[str, bytes] = {}
    raw = source.read(CONFIG_NAME)
    if raw is None:
        raise WfguardError(
            f"no {CONFIG_NAME} found at {source.label(CONFIG_NAME)}",
            hint="run 'wfguard init' to write one fitted to this repository",
        )
    read[CONFIG_NAME] = raw
    merged = _Merged()
    _apply(source, CONFIG_NAME, source.label(CONFIG_NAME), raw, merged, read, stack=(), allow_fetch=allow_fetch)
    return _finish(merged, source), read


def _key(source: Source | None, rel: str) -> str:
    """The name under which a file the config was built from is remembered (the cache's key)."""
    if isinstance(source, shared.RemoteSource):
        return f"<git>/{source.pin.url}@{source.pin.ref}:{rel}"
    return rel


def _apply(source: Source | None, rel: str, label: str, raw: bytes, merged: _Merged,
           read: dict[str, bytes], stack: tuple[str, ...], allow_fetch: bool, depth: int = 0) -> None:
    doc = _read_doc(source, rel, label, raw)
    extends = doc.data.get("extends") or []
    if isinstance(extends, (str, dict)):
        extends = [extends]
    for i, name in enumerate(extends):
        line = doc.lines.get(("extends", i)) or doc.lines.get(("extends",))
        sub_source, sub_depth = source, depth
        if isinstance(name, dict):
            sub_source, sub_depth = _remote(doc, name, i, line, depth, allow_fetch), depth + 1
            sub_rel = sub_source.pin.path
            sub_label, sub_raw = sub_source.label(sub_rel), shared.read(sub_source.pin, allow_fetch=allow_fetch)
            shown = sub_label
        else:
            sub_rel, sub_label, sub_raw = _resolve_extend(source, doc, name, line)
            shown = name
        if sub_label in stack or sub_label == label:
            chain = " -> ".join((*stack, label, sub_label))
            raise ConfigError(f"'extends' loops back to {shown!r}: {chain}", file=label, line=line,
                              path=f"extends[{i}]")
        read[_key(None if sub_rel.startswith("<builtin>/") else sub_source, sub_rel)] = sub_raw
        _apply(sub_source if not sub_rel.startswith("<builtin>/") else None, sub_rel, sub_label, sub_raw, merged,
               read, (*stack, label), allow_fetch, sub_depth)
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
    merged.bots.update(doc.data.get("bots") or {})
    for name, pkg in (doc.data.get("packages") or {}).items():
        merged.packages[name] = {**merged.packages.get(name, {}), **pkg}
        merged.package_docs[name] = doc
    release = doc.data.get("release") or {}
    merged.release.update({k: v for k, v in release.items() if k != "bump"})
    merged.release["bump"] = {**merged.release.get("bump", {}), **(release.get("bump") or {})}


def _remote(doc: _Doc, entry: dict[str, Any], i: int, line: int | None, depth: int,
            allow_fetch: bool) -> shared.RemoteSource:
    pin = shared.Pin(entry["git"], entry["ref"], entry["path"].lstrip("/"), entry.get("track"))
    if depth >= shared.MAX_DEPTH:
        raise ConfigError(f"shared workflows extend each other more than {shared.MAX_DEPTH} deep at {pin.label}",
                          file=doc.label, line=line, path=f"extends[{i}]")
    if not shared.FULL_SHA.match(pin.ref):
        raise ConfigError(f"extends[{i}].ref {pin.ref!r} is not a full 40-hex commit id: a shared workflow is "
                          "pinned to one commit", file=doc.label, line=line, path=f"extends[{i}].ref",
                          hint="run 'wfguard update' to write the newest commit of 'track' into ref")
    return shared.RemoteSource(pin, allow_fetch)


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


def _finish(merged: _Merged, source: Source | None = None) -> dict[str, Any]:
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
    packages = _packages(merged)
    if packages:
        rules = _per_package(merged, rules, packages, _package_names(source, packages))
    return {"rules": rules, "ship": ship, "bots": _bots(merged, rules),
            "release": {**merged.release, "tag_set": "tag" in merged.release},
            "packages": {name: {"path": p["path"], "release": _package_release(merged.release, name, p)}
                         for name, p in packages.items()}}


def _bots(merged: _Merged, rules: dict[str, Any]) -> dict[str, Any]:
    from ..globs import check_glob

    bots = merged.bots
    if not bots:
        return {}
    authors, branches = options.as_list(bots.get("authors")), options.as_list(bots.get("branches"))
    for key, globs in (("authors", authors), ("branches", branches)):
        for g in globs:
            problem = check_glob(g)
            if problem:
                raise ConfigError(problem, path=f"bots.{key}")
    default = [r for r, f in rules.items() if f["kind"] in ("changelog", "commit-message")]
    named = list(bots.get("rules") or default)
    unknown = [r for r in named if r not in rules and not any(k.startswith(r + "/") for k in rules)]
    if unknown:
        raise ConfigError(f"bots.rules names no rule of this workflow: {', '.join(unknown)}",
                          path="bots.rules", hint="wfguard list shows the rule ids")
    # a package's copy of a named rule is named too
    exempt = [r for r in rules if r in named or r.split("/", 1)[0] in named]
    return {"authors": authors, "branches": branches, "rules": exempt}


def _packages(merged: _Merged) -> dict[str, dict[str, Any]]:
    out = {}
    for name, pkg in merged.packages.items():
        doc = merged.package_docs[name]
        line = doc.lines.get(("packages", name, "path")) or doc.lines.get(("packages", name))
        path = posixpath.normpath(str(pkg["path"]).strip("/")) if str(pkg["path"]).strip("/") else "."
        if path in (".", "") or path.startswith("../") or path == ".." or str(pkg["path"]).startswith("/"):
            raise ConfigError(f"packages.{name}.path {pkg['path']!r} must be a folder inside the repository "
                              "(not its root)", file=doc.label, line=line, path=f"packages.{name}.path")
        out[name] = {**pkg, "path": path}
    paths = sorted((p["path"], n) for n, p in out.items())
    for (a, na), (b, nb) in itertools.pairwise(paths):
        if b == a:  # nesting is fine (a file belongs to the innermost package); the same folder is not
            doc = merged.package_docs[nb]
            raise ConfigError(f"packages {na!r} and {nb!r} are the same folder ({a}): a file belongs to one "
                              "package", file=doc.label, line=doc.lines.get(("packages", nb)),
                              path=f"packages.{nb}.path")
    return out


def _under(prefix: str, glob: str) -> str:
    """A glob of the top-level rule, for the files of the package at ``prefix``. As in a
    .gitignore, a pattern with no slash but a trailing one (``__tests__/``, ``*.md``) matches at
    any depth, so it stays unanchored inside the package."""
    if "/" not in glob.rstrip("/"):
        return prefix + "**/" + glob
    return prefix + glob.lstrip("/")


def _package_names(source: Source | None, packages: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """The names each package goes by: its key, and the name in its package.json or pyproject.toml
    (what a changeset's front matter uses)."""
    import json

    out: dict[str, list[str]] = {}
    for key, pkg in packages.items():
        names = []  # the manifest's names first: they are what changesets write
        raw = source.read(f"{pkg['path']}/package.json") if source is not None else None
        try:
            manifest = json.loads(raw) if raw else {}
        except ValueError:
            manifest = {}
        if isinstance(manifest, dict) and isinstance(manifest.get("name"), str):
            names.append(manifest["name"])
        raw = source.read(f"{pkg['path']}/pyproject.toml") if source is not None else None
        if raw:
            from ..adopt.toml import loads

            project = (loads(raw.decode("utf-8", "replace")) or {}).get("project") or {}
            if isinstance(project.get("name"), str):
                names.append(project["name"])
        out[key] = list(dict.fromkeys([*names, key]))
    return out


def _per_package(merged: _Merged, rules: dict[str, Any], packages: dict[str, dict[str, Any]],
                 names: dict[str, list[str]]) -> dict[str, Any]:
    """Each package gets its own copy of every changelog rule, with paths inside the package; the
    top-level rule keeps the files outside every package."""
    from ..rules.changelog import FRAGMENT_DEFAULTS

    out: dict[str, Any] = {}
    for rule_id, rule in rules.items():
        if rule["kind"] != "changelog":
            out[rule_id] = rule
            continue
        top = dict(rule)
        top["ignore"] = [*rule["ignore"], *(f"{p['path']}/**" for p in packages.values())]
        frag_opts = rule["options"].get("fragments")
        if frag_opts and frag_opts.get("format") == "changesets":
            top["options"] = {**rule["options"], "fragments": {
                **frag_opts, "known": [n for ns in names.values() for n in ns]}}
        out[rule_id] = top
        base = merged.rules[rule_id]
        for name, pkg in packages.items():
            prefix = pkg["path"] + "/"
            fields = {k: v for k, v in base.items() if k not in ("fragments", "file")}
            fields["paths"] = [_under(prefix, g) for g in options.as_list(base.get("paths"))] or [prefix + "**"]
            # a package nested in this one (pnpm's pnpm/dev in pnpm/) owns its own files, as in changesets
            inner = [f"{q['path']}/**" for q in packages.values() if q["path"].startswith(prefix)]
            fields["ignore"] = [*(_under(prefix, g) for g in options.as_list(base.get("ignore"))), *inner]
            file = pkg.get("file") or (base.get("file") if "fragments" not in pkg else None)
            if file:
                fields["file"] = prefix + file
            else:
                frag = {**FRAGMENT_DEFAULTS, **(base.get("fragments") or {}), **(pkg.get("fragments") or {})}
                if frag.get("format") == "changesets":  # one folder of changesets for the workspace
                    frag["names"] = names[name]
                    frag["known"] = [n for ns in names.values() for n in ns]
                else:
                    frag["dir"] = prefix + str(frag["dir"]).strip("/")
                frag["output"] = prefix + str(frag["output"])
                if frag.get("ignore"):
                    frag["ignore"] = [_under(prefix, g) for g in options.as_list(frag["ignore"])]
                fields["fragments"] = frag
            doc = merged.package_docs[name]
            pid = f"{rule_id}/{name}"

            def line_of(path: Path, _doc: _Doc = doc, _name: str = name) -> tuple[str, int | None]:
                return _doc.label, validate._nearest_line(_doc.lines, ("packages", _name, *path[2:]))

            derived = _normalize(pid, fields, line_of)
            derived["package"] = name
            derived["origin"] = f"{rule.get('origin', '')} (package {name}: {pkg['path']}/)".lstrip()
            out[pid] = derived
    return out


def _package_release(top: dict[str, Any], name: str, pkg: dict[str, Any]) -> dict[str, Any]:
    """The top-level release settings, with the package's own on top; a package's tag is
    NAME-v{version} unless it says otherwise, and its version files are inside it."""
    own = dict(pkg.get("release") or {})
    release = {**{k: v for k, v in top.items() if k != "tag"}, **own}
    release["tag"] = own.get("tag", f"{name}-v{{version}}")
    release["tag_set"] = "tag" in own
    if "commit" not in own:  # one release commit per package: say which
        template = str(top.get("commit", "chore(release): {version}"))
        release["commit"] = template.replace("{version}", f"{name} {{version}}")
    files = own.get("version_files", top.get("version_files"))
    release["version_files"] = [f"{pkg['path']}/{f}" for f in files] if files is not None else None
    release["bump"] = {**top.get("bump", {}), **own.get("bump", {})}
    return release


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
    rule = _normalize(rule_id, fields, line_of)
    defined = (merged.origin.get((rule_id, "kind")) or merged.origin[(rule_id, "")]).label
    later = dict.fromkeys(doc.label for (rid, key), doc in merged.origin.items() if rid == rule_id and key
                          and doc.label != defined)
    rule["origin"] = defined + (f" (changed in {', '.join(later)})" if later else "")
    return rule


def _normalize(rule_id: str, f: Mapping[str, Any], line_of: Any) -> dict[str, Any]:
    def fail(key: str, message: str, sub: tuple[str | int, ...] = ()) -> ConfigError:
        path: Path = ("rules", rule_id, key, *sub)
        label, line = line_of(path)
        return ConfigError(message, file=label, line=line, path=yamlpos.dotted(path))

    kind = kind_module(f["kind"])
    paths = list(options.globs(f, "paths", fail)) if "paths" in f else None
    ignore = list(options.globs(f, "ignore", fail))
    opts = kind.parse({k: v for k, v in f.items() if k not in COMMON_FIELDS}, fail)
    skip = {"allowed": True, "reason_required": True, **(f.get("skip") or {})}
    return {
        "kind": f["kind"],
        "paths": paths,
        "ignore": ignore,
        "stages": list(f.get("stages") or kind.DEFAULT_STAGES),
        "severity": f.get("severity", "error"),
        "skip": skip,
        "why": f.get("why", ""),
        "fix": f.get("fix"),
        "options": options.to_json(opts),
    }
