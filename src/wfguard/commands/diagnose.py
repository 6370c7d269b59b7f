"""``wfguard report`` (what the event log says) and ``wfguard doctor`` (why hooks may not run)."""

from __future__ import annotations

import json
from typing import Any

from ..errors import EXIT_FAILED
from .common import emit, open_repo


def _ms(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def doctor(fmt: str = "text") -> int:
    from .. import hookhealth

    verdict = hookhealth.verdict(open_repo())
    findings = [f._asdict() for f in verdict]
    bad = [f for f in findings if f["level"] == "error"]
    if fmt == "json":
        nxt = list(dict.fromkeys(f["fix"] for f in findings if f["fix"] and f["level"] != "ok"))
        emit(json.dumps({"healthy": not bad, "findings": findings, "next": nxt}, indent=2), None)
    else:
        from rich.console import Console
        from rich.markup import escape

        c = Console()
        marks = {"ok": "[green]✓[/green]", "warning": "[yellow]![/yellow]", "error": "[red]✗[/red]"}
        for f in findings:
            fix = f"  [dim]→ {escape(f['fix'])}[/dim]" if f["fix"] else ""
            c.print(f"{marks[f['level']]} {escape(f['text'])}{fix}")
        c.print(hookhealth.summary(verdict))
    return EXIT_FAILED if bad else 0
