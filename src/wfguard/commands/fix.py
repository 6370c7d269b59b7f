"""``wfguard fix [RULE]``: apply the automatic fixes (write and stage the changelog fragment)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from .. import changeset, fixes, git
from ..errors import WfguardError
from ..repo import resolve
from .common import emit, load_config, open_repo


def run(rule: str | None, message: str | None, ftype: str | None, fmt: str = "text",
        issue: str | None = None) -> int:
    repo = open_repo()
    config = load_config(repo)
    if rule is not None and config.rule(rule) is None:
        raise WfguardError(f"no rule {rule!r} in this workflow", hint="wfguard list shows the rules")
    cs = changeset.from_index(repo.root, "commit-msg")
    retry: str | None = None
    if not cs.paths and resolve(repo.root, "HEAD"):
        # nothing staged: fix what the last commit lacks, from its own message
        parent = resolve(repo.root, "HEAD~1")
        cs = changeset.from_range(repo.root, "ci", parent, "HEAD")
        message = message or git.message(repo.root)
    elif message is None:
        # a commit the hooks just blocked: git left its message in COMMIT_EDITMSG
        message = blocked_message(Path(repo.root))
        retry = message
    planned = fixes.plan(config, cs, message, ftype, only=rule, issue=issue)
    fixes.apply(Path(repo.root), planned)
    nxt = [retry_command(retry)] if planned and retry else []
    if fmt == "json":
        emit(json.dumps({"fixed": [{"rule": f.rule, "path": f.path} for f in planned], "next": nxt}, indent=2), None)
    elif planned:
        emit("\n".join(f"{f.rule}: {f.description} (staged)" for f in planned), None)
        emit(f"next: {nxt[0]}" if nxt else "next: review it, then commit (git commit, or wfguard ship)", None)
    else:
        emit("nothing to fix: every fixable rule passes", None)
    return 0


def blocked_message(root: Path) -> str | None:
    """The message of the commit git last tried (COMMIT_EDITMSG), cleaned as git records it."""
    from ..githooks import clean_message

    path = git.git_path(root, "COMMIT_EDITMSG")
    if not path.is_file():
        return None
    text = clean_message(path)
    return text if text.strip() else None


def retry_command(message: str) -> str:
    """The commit again, with the same message, as one line a shell runs as printed."""
    return f"git commit -m {shlex.quote(message.rstrip())}"
