"""``wfguard fix [RULE]``: apply the automatic fixes (write and stage the changelog fragment)."""

from __future__ import annotations

import json

from .. import changeset, fixes, git
from ..errors import WfguardError
from ..repo import resolve
from .common import emit, load_config, open_repo


def run(rule: str | None, message: str | None, ftype: str | None, fmt: str = "text") -> int:
    repo = open_repo()
    config = load_config(repo)
    if rule is not None and config.rule(rule) is None:
        raise WfguardError(f"no rule {rule!r} in this workflow", hint="wfguard list shows the rules")
    cs = changeset.from_index(repo.root, "commit-msg")
    if not cs.paths and resolve(repo.root, "HEAD"):
        # nothing staged: fix what the last commit lacks, from its own message
        parent = resolve(repo.root, "HEAD~1")
        cs = changeset.from_range(repo.root, "ci", parent, "HEAD")
        message = message or git.out(["log", "-1", "--format=%B", "HEAD"], repo.root)
    planned = fixes.plan(config, cs, message, ftype, only=rule)
    fixes.apply(repo.root, planned)
    if fmt == "json":
        nxt = ['wfguard ship --yes -m "type(scope): description"'] if planned else []
        emit(json.dumps({"fixed": [{"rule": f.rule, "path": f.path} for f in planned], "next": nxt}, indent=2), None)
    elif planned:
        emit("\n".join(f"{f.rule}: {f.description} (staged)" for f in planned)
             + "\nnext: review it, then commit (git commit, or wfguard ship)", None)
    else:
        emit("nothing to fix: every fixable rule passes", None)
    return 0
