"""``wfguard agents``: the workflow as instructions for coding agents, and a guard for them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import agents
from ..errors import WfguardError
from .common import emit, load_config, open_repo

GUARD_COMMAND = "wfguard hook agent-command"


# where each agent keeps its pre-command hooks, the event, and our entry in its format
GUARDS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "claude": (".claude/settings.json", "PreToolUse",
               {"matcher": "Bash", "hooks": [{"type": "command", "command": GUARD_COMMAND}]}),
    "gemini": (".gemini/settings.json", "BeforeTool",
               {"matcher": "run_shell_command",
                "hooks": [{"type": "command", "command": f"{GUARD_COMMAND} --agent gemini"}]}),
    "cursor": (".cursor/hooks.json", "beforeShellExecution", {"command": f"{GUARD_COMMAND} --agent cursor"}),
}


def _mentions_guard(entry: object) -> bool:
    return GUARD_COMMAND in json.dumps(entry)


def merge_settings(existing: dict[str, Any], agent: str) -> tuple[dict[str, Any], bool]:
    """Add our pre-command hook to an agent's settings, keeping everything else; idempotent."""
    rel, event, entry = GUARDS[agent]
    if agent == "cursor":
        existing.setdefault("version", 1)
    hooks = existing.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise WfguardError(f"'hooks' in {rel} is not an object; nothing was changed")
    entries = hooks.setdefault(event, [])
    if not isinstance(entries, list):
        raise WfguardError(f"'hooks.{event}' in {rel} is not a list; nothing was changed")
    if any(_mentions_guard(e) for e in entries):
        return existing, False
    entries.append(entry)
    return existing, True


def run(write: str | None, guard: str | None) -> int:
    repo = open_repo()
    config = load_config(repo)
    block = agents.render(config)
    if guard is not None:
        if guard not in GUARDS:
            raise WfguardError(f"unknown --guard {guard!r}; supported: {', '.join(GUARDS)}")
        path = Path(repo.root) / GUARDS[guard][0]
        try:
            current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except ValueError as exc:
            raise WfguardError(f"{path} is not valid JSON ({exc}); nothing was changed") from None
        if not isinstance(current, dict):
            raise WfguardError(f"{path} does not hold a JSON object; nothing was changed")
        merged, changed = merge_settings(current, guard)
        if changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
        emit(f"{'added' if changed else 'already present'}: a {GUARDS[guard][1]} hook in "
             f"{path.relative_to(repo.root)} that refuses commands running git with its hooks off", None)
    if write is not None:
        target = Path(write) if Path(write).is_absolute() else Path(repo.root) / write
        current_text = target.read_text(encoding="utf-8") if target.exists() else ""
        updated = agents.write_block(current_text, block)
        if updated != current_text:
            target.write_text(updated, encoding="utf-8")
            emit(f"wrote the workflow instructions to {write}", None)
        else:
            emit(f"{write} is up to date", None)
    elif guard is None:
        emit(block, None)
    return 0
