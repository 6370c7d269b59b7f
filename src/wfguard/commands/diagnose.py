"""``wfguard report`` (what the event log says) and ``wfguard doctor`` (why hooks may not run)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from .. import git
from ..adopt import managers
from ..errors import EXIT_FAILED, WfguardError
from ..model import HOOK_STAGES
from .common import emit, load_config, open_repo
from .install import hooks_dir, is_ours, render_shim


def _ms(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _interpreter(shim: str) -> str | None:
    m = re.search(r"^WFGUARD_PYTHON=(.*)$", shim, re.M)
    return m.group(1).strip("'\"") if m else None


def doctor(fmt: str = "text") -> int:
    repo = open_repo()
    findings: list[dict[str, str]] = []

    def say(level: str, text: str, fix: str = "") -> None:
        findings.append({"level": level, "text": text, "fix": fix})

    try:
        config = load_config(repo)
        wanted = [s for s in HOOK_STAGES if config.for_stage(s)]
        say("ok", f"config is valid: {len(config.rules)} rule(s); hook stages in use: {', '.join(wanted) or 'none'}")
    except WfguardError as exc:
        wanted = list(HOOK_STAGES)
        say("error", f"the config cannot be loaded: {exc.location()} {exc.message}".strip(),
            exc.hint or "wfguard validate")
    try:
        directory = hooks_dir(repo, None)
        say("ok", f"git runs hooks from {directory}")
    except WfguardError as exc:
        say("error", exc.message, exc.hint or "")
        directory = None
    manager = managers.detect(Path(repo.root))
    if directory is not None:
        for stage in wanted:
            path = directory / stage
            aside = directory / f"{stage}.old"
            if not (path.exists() and is_ours(path)) and aside.exists() and is_ours(aside):
                say("error", f"wfguard's {stage} hook was moved aside to {aside.name} (a hook manager's install "
                    "does this) and no longer runs", "wfguard install")
            if manager is not None and not is_ours(path):
                if not managers.runs_wfguard(Path(repo.root), manager, stage):
                    say("error", f"{manager.name} runs this repository's hooks, and {manager.config} does not run "
                        f"wfguard at {stage}", "wfguard install")
                elif not path.exists():
                    say("error", f"{manager.config} runs wfguard at {stage}, but {manager.name} has not installed "
                        f"a {stage} hook", managers.reinstall_command(manager))
                else:
                    say("ok", f"{stage}: {manager.name} runs wfguard ({manager.config})")
                continue
            if not path.exists():
                say("error", f"the {stage} hook is not installed", "wfguard install")
                continue
            if not is_ours(path):
                if managers.command(stage) in path.read_text(encoding="utf-8", errors="replace"):
                    say("ok", f"{stage}: {path} runs wfguard")
                else:
                    say("error", f"{path} is another tool's hook, so wfguard's {stage} rules do not run locally",
                        "wfguard install --chain")
                continue
            if not os.access(path, os.X_OK):
                say("error", f"{path} is not executable, so git skips it", f"chmod +x {path}")
            text = path.read_text(encoding="utf-8", errors="replace")
            py = _interpreter(text)
            if py and not Path(py).exists():
                say("error", f"the {stage} hook's Python ({py}) is gone; the hook would fail closed",
                    "wfguard install")
            chained = path.with_name(stage + ".wfguard-chained").exists()
            if text != render_shim(stage, chained, []):
                say("warning", f"the {stage} hook was written by another wfguard version", "wfguard install")
    if repo.shallow:
        say("warning", "this is a shallow clone: checks over ranges may lack the base commit",
            "git fetch --unshallow")
    if os.environ.get("WFGUARD_SKIP"):
        say("warning", f"WFGUARD_SKIP={os.environ['WFGUARD_SKIP']} is set in this shell: those rules are "
            "skipped in every hook run", "unset WFGUARD_SKIP")
    outside = directory is not None and not str(directory).startswith((str(repo.root), str(repo.common_dir)))
    if outside and git.config_get(repo.root, "core.hooksPath") is not None:
        say("warning", f"core.hooksPath points outside this repository ({directory})")
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
        c.print("hooks look healthy" if not bad else f"{len(bad)} problem(s) stop hooks from guarding this repository")
    return EXIT_FAILED if bad else 0
