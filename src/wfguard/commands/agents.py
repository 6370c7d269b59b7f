"""``wfguard agents``: the workflow as instructions for coding agents, and a guard for them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import agents
from ..errors import WfguardError
from .common import emit, load_config, open_repo

GUARD_COMMAND = "wfguard hook agent-command"


def merge_claude_settings(existing: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Add our PreToolUse hook to Claude Code settings, keeping everything else; idempotent."""
    hooks = existing.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise WfguardError("'hooks' in .claude/settings.json is not an object; nothing was changed")
    pre = hooks.setdefault("PreToolUse", [])
    if not isinstance(pre, list):
        raise WfguardError("'hooks.PreToolUse' in .claude/settings.json is not a list; nothing was changed")
    for entry in pre:
        for hook in (entry.get("hooks") or []) if isinstance(entry, dict) else []:
            if isinstance(hook, dict) and hook.get("command") == GUARD_COMMAND:
                return existing, False
    pre.append({"matcher": "Bash", "hooks": [{"type": "command", "command": GUARD_COMMAND}]})
    return existing, True


def run(write: str | None, guard: str | None) -> int:
    repo = open_repo()
    config = load_config(repo)
    block = agents.render(config)
    if guard is not None:
        if guard != "claude":
            raise WfguardError(f"unknown --guard {guard!r}; supported: claude")
        path = repo.root / ".claude" / "settings.json"
        try:
            current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except ValueError as exc:
            raise WfguardError(f"{path} is not valid JSON ({exc}); nothing was changed") from None
        if not isinstance(current, dict):
            raise WfguardError(f"{path} does not hold a JSON object; nothing was changed")
        merged, changed = merge_claude_settings(current)
        if changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
        emit(f"{'added' if changed else 'already present'}: a PreToolUse hook in {path.relative_to(repo.root)} "
             "that refuses --no-verify and core.hooksPath overrides", None)
    if write is not None:
        target = Path(write) if Path(write).is_absolute() else repo.root / write
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
