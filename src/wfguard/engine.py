"""``evaluate()``: every rule of a stage over one change set. Prints nothing, writes nothing."""

from __future__ import annotations

import time

from . import rules as rule_kinds
from . import skips
from .globs import PathFilter
from .records import TYPE_CHECKING
from .report import Report, Result
from .rules.base import Context, Message

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Protocol

    from .changeset import ChangedPath, ChangeSet
    from .model import Config, RuleConfig

    class Progress(Protocol):
        """Told of each rule as it starts and ends (a terminal ticker, see progress.py)."""

        def start(self, rule: RuleConfig) -> None: ...

        def done(self, result: Result) -> None: ...


def matched_paths(rule: RuleConfig, cs: ChangeSet) -> tuple[ChangedPath, ...]:
    """Changed paths that pass the rule's ``paths`` and ``ignore`` (a rename counts both names)."""
    flt = PathFilter(rule.paths, rule.ignore)
    return tuple(cp for cp in cs.paths
                 if flt.matches(cp.path) or (cp.old_path is not None and flt.matches(cp.old_path)))


def evaluate_rule(rule: RuleConfig, cs: ChangeSet, asked: Mapping[str, list[skips.Request]],
                  workflow: Config | None = None) -> Result:
    start = time.perf_counter()
    impl = rule_kinds.build(rule)
    fix = rule.fix or impl.fix_hint()
    decision = skips.decide(rule, asked.get(rule.id) or asked.get(rule.base_id, []))
    if decision.skipped is not None:
        return Result(rule.id, rule.kind, "skip", rule.severity,
                      (Message(f"skipped by {decision.skipped.by}: {decision.skipped.reason or '(no reason)'}"),),
                      rule.why, fix,
                      skipped={"by": decision.skipped.by, "reason": decision.skipped.reason},
                      package=rule.package)
    outcome = impl.evaluate(Context(rule, cs, matched_paths(rule, cs), workflow))
    messages = outcome.messages
    if decision.note:
        messages = (*messages, Message(decision.note))
    if decision.malformed and cs.stage == "commit-msg" and outcome.status != "fail":
        outcome = outcome._replace(status="fail")
    nxt = outcome.next or ((fix,) if fix.startswith("wfguard ") else ())
    # the rule's own command, made runnable for this change (`--type misc`), is the fix shown too
    fix = next((n for n in nxt if fix.startswith("wfguard ") and n.startswith(fix + " ")), fix)
    return Result(rule.id, rule.kind, outcome.status, rule.severity, messages, rule.why, fix,
                  duration_ms=round((time.perf_counter() - start) * 1000), next=nxt,
                  skippable=rule.skip.allowed, reason=outcome.reason, package=rule.package)


def evaluate(config: Config, cs: ChangeSet, env: Mapping[str, str] | None = None,
             only: Iterable[str] | None = None, no_exec: bool = False,
             progress: Progress | None = None, exempt: Mapping[str, list[skips.Request]] | None = None) -> Report:
    """``no_exec``: command rules (code the repository runs) are reported as skipped, not run;
    ``exempt``: skip requests the caller adds (a bot's change, from the config's ``bots:``)."""
    wanted = set(only) if only is not None else None
    asked = dict(skips.requests(cs, env or {}))
    for rule_id, reqs in (exempt or {}).items():
        asked[rule_id] = [*reqs, *asked.get(rule_id, [])]
    if no_exec:
        for rule in config.rules:
            if rule_kinds.kind_module(rule.kind).RUNS_CODE:
                asked[rule.id] = [skips.Request("no-exec", "command rules are not run with --no-exec")]
    results = []
    for rule in config.for_stage(cs.stage):
        if wanted is not None and rule.id not in wanted:
            continue
        if progress is not None:
            progress.start(rule)
        results.append(evaluate_rule(rule, cs, asked, config))
        if progress is not None:
            progress.done(results[-1])
    return Report(cs.stage, cs.base, cs.head, tuple(results))
