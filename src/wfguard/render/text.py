"""The human report of a check or hook run: each rule, its messages, why, and the fix."""

from __future__ import annotations

from ..records import TYPE_CHECKING
from . import safe

if TYPE_CHECKING:
    from ..report import Report, Result
    from .style import Styler

_MARK = {"pass": ("✓", "green"), "fail": ("✗", "bold red"), "skip": ("↷", "yellow"),
         "not-applicable": ("·", "dim")}


def _head(r: Result, s: Styler) -> str:
    mark, style = _MARK[r.status]
    if r.status == "fail" and r.severity == "warning":
        mark, style = "!", "bold yellow"
    label = {"not-applicable": "not applicable"}.get(r.status, r.status)
    sev = f" ({r.severity})" if r.status == "fail" else ""
    return f"{s(mark, style)} {s(r.rule, 'bold')} {s(label + sev, style)}"


def status_line(r: Result, s: Styler) -> str:
    return _head(r, s)


def render(report: Report, s: Styler, *, verbose: bool = False, title: str | None = None,
           show_next: bool = True) -> str:
    lines: list[str] = []
    if title:
        lines.append(s(title, "bold"))
    for r in report.results:
        if r.status == "not-applicable" and not verbose:
            continue
        lines.append(_head(r, s))
        if r.status in ("fail", "skip") or verbose:
            lines += [f"    {safe.text(m.text)}" for m in r.messages]
        else:
            lines += [f"    {s(safe.text(m.text), 'yellow')}" for m in r.messages if m.level == "note"]
        if r.status == "fail":
            if r.why:
                lines.append(f"    {s('why:', 'cyan')} {r.why}")
            lines.append(f"    {s('fix:', 'cyan')} {r.fix}")
            if r.skippable and r.severity == "error":
                lines.append(f"    {s('skip:', 'dim')} {s(skip_hint(r.rule, report.stage), 'dim')}")
    summary = report.summary()
    parts = [f"{summary['passed']} passed"]
    if summary["failed"]:
        parts.append(s(f"{summary['failed']} failed", "bold red"))
    if summary["warnings"]:
        parts.append(s(f"{summary['warnings']} warning(s)", "yellow"))
    if summary["skipped"]:
        parts.append(f"{summary['skipped']} skipped")
    if summary["not_applicable"]:
        parts.append(f"{summary['not_applicable']} not applicable")
    verdict = s("passed", "bold green") if report.passed else s("blocked", "bold red")
    lines.append(f"wfguard {report.stage}: {verdict} ({', '.join(parts)})")
    nxt = report.next() if show_next else []
    if nxt:
        lines.append("next: " + "; ".join(safe.text(n) for n in nxt))
    return "\n".join(lines)


def skip_hint(rule: str, stage: str) -> str:
    """What skips ``rule`` at ``stage``: before the message exists only the environment does."""
    if stage == "pre-commit":
        return (f"only if it truly does not apply: WFGUARD_SKIP={rule} WFGUARD_SKIP_REASON='<reason>' "
                "git commit ... (a trailer is read from commit-msg on)")
    return f"only if it truly does not apply: add the trailer 'Wfguard-Skip: {rule}: <reason>'"
