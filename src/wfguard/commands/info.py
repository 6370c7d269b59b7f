"""``list``, ``explain``, ``validate`` and ``schema``: what the workflow is, and whether it is valid."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .. import config as config_mod
from .. import rules as rule_kinds
from ..config.sources import CONFIG_NAME
from ..errors import EXIT_ERROR, ConfigError, WfguardError
from ..model import STAGES, Config, RuleConfig
from ..resources import schema_text
from .common import emit, load_config, open_repo

if TYPE_CHECKING:
    from ..config.sources import Source


def _rule_info(rule: RuleConfig) -> dict[str, Any]:
    impl = rule_kinds.build(rule)
    return {
        "rule": rule.id, "kind": rule.kind, "stages": list(rule.stages), "severity": rule.severity,
        "paths": list(rule.paths) if rule.paths is not None else ["**"], "ignore": list(rule.ignore),
        "why": rule.why, "satisfied_when": impl.describe(), "fix": rule.fix or impl.fix_hint(),
        "skip": {"allowed": rule.skip.allowed, "reason_required": rule.skip.reason_required},
        "origin": rule.origin,
    }


def list_rules(fmt: str = "text") -> int:
    config = load_config(open_repo())
    if fmt == "json":
        data = {"rules": [_rule_info(r) for r in config.rules],
                "stages": {s: [r.id for r in config.for_stage(s)] for s in STAGES}, "next": []}
        emit(json.dumps(data, indent=2, ensure_ascii=False), None)
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="wfguard rules by stage", show_lines=False)
    table.add_column("stage", style="bold")
    table.add_column("rules")
    for stage in STAGES:
        ids = [f"{r.id} [dim]({r.kind}{', warning' if r.severity == 'warning' else ''})[/dim]"
               for r in config.for_stage(stage)]
        table.add_row(stage, ", ".join(ids) if ids else "[dim]—[/dim]")
    console = Console()
    console.print(table)
    from rich.markup import escape

    console.print("[bold]where each rule comes from[/bold]")
    for r in config.rules:
        console.print(f"  {escape(r.id)}: {escape(r.origin or CONFIG_NAME)}")
    return 0


def _skip_text(rule: RuleConfig) -> str:
    if not rule.skip.allowed:
        return "This rule cannot be skipped."
    reason = ": <reason>" if rule.skip.reason_required else "[: <reason>]"
    return (f"Add the trailer 'Wfguard-Skip: {rule.id}{reason}' to the commit message "
            f"(kept in history, honoured in hooks, CI and on the server); for one local hook run, "
            f"WFGUARD_SKIP={rule.id}" + (' WFGUARD_SKIP_REASON="..."' if rule.skip.reason_required else ""))


def explain(rule_id: str, fmt: str = "text") -> int:
    config = load_config(open_repo())
    rule = config.rule(rule_id)
    if rule is None:
        import difflib
        ids = [r.id for r in config.rules]
        close = difflib.get_close_matches(rule_id, ids, n=1)
        raise WfguardError(f"no rule {rule_id!r} in this workflow"
                           + (f" (did you mean {close[0]!r}?)" if close else ""),
                           hint=f"rules: {', '.join(ids)}")
    info = _rule_info(rule)
    info["how_to_skip"] = _skip_text(rule)
    info["next"] = [info["fix"]] if str(info["fix"]).startswith("wfguard ") else []
    if fmt == "json":
        emit(json.dumps(info, indent=2, ensure_ascii=False), None)
        return 0
    from rich.console import Console
    from rich.markup import escape

    c = Console()
    c.print(f"[bold]{escape(rule.id)}[/bold] [dim]({rule.kind}, {rule.severity})[/dim]")
    c.print(f"[cyan]why[/cyan]        {escape(rule.why or '(no reason given)')}")
    c.print(f"[cyan]runs at[/cyan]    {', '.join(rule.stages)}")
    where = ", ".join(rule.paths) if rule.paths is not None else "every changed path"
    if rule.ignore:
        where += f" (ignoring {', '.join(rule.ignore)})"
    c.print(f"[cyan]applies to[/cyan] {escape(where)}")
    c.print(f"[cyan]passes when[/cyan] {escape(info['satisfied_when'])}")
    c.print(f"[cyan]fix[/cyan]        {escape(info['fix'])}")
    c.print(f"[cyan]skip[/cyan]       {escape(info['how_to_skip'])}")
    c.print(f"[cyan]from[/cyan]       {escape(rule.origin or CONFIG_NAME)}")
    return 0


def validate(path: str | None, fmt: str = "text") -> int:
    from pathlib import Path

    if path:
        p = Path(path)
        source: Source = config_mod.File(p)
    else:
        source = config_mod.WorkTree(open_repo().root)
    try:
        config, read = config_mod.load_uncached(source, allow_fetch=True)
    except ConfigError as exc:
        if fmt == "json":
            emit(json.dumps({"valid": False, "error": {
                "file": exc.file, "line": exc.line, "path": exc.path, "message": exc.message},
                "next": [f"edit {exc.file}" + (f" line {exc.line}" if exc.line else "")] if exc.file else []}), None)
            return EXIT_ERROR
        raise
    if fmt == "json":
        emit(json.dumps({"valid": True, "files": sorted(read), "rules": [r.id for r in config.rules], "next": []}),
             None)
    else:
        emit(_summary(config, sorted(read)), None)
    return 0


def _summary(config: Config, files: list[str]) -> str:
    return (f"valid: {len(config.rules)} rule(s) from {', '.join(files)}\n"
            + "\n".join(f"  {r.id} ({r.kind}): {', '.join(r.stages)}" for r in config.rules))


def schema() -> int:
    emit(schema_text(), None)
    return 0
