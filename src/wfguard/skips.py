"""Explicit, audited skips: a ``Wfguard-Skip`` trailer, or ``WFGUARD_SKIP`` for local hooks."""

from __future__ import annotations

from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Literal

    from .changeset import ChangeSet
    from .model import RuleConfig

TRAILER = "Wfguard-Skip"
# Where the environment variable counts: never in CI or on the server, where a skip
# must leave a trailer in history.
ENV_STAGES = frozenset({"pre-commit", "commit-msg", "pre-push"})
TRAILER_STAGES = frozenset({"commit-msg", "pre-push", "ci", "pre-receive"})


class Request(NamedTuple):
    by: Literal["env", "trailer", "no-exec", "bot"]  # no-exec: check --no-exec runs no repository code;
    # bot: the config's `bots:` exempts this change
    reason: str


class Decision(NamedTuple):
    skipped: Request | None
    note: str | None = None  # why a request was not honoured
    # the message being written carries a trailer without the reason the rule requires: the
    # commit fails even where the rule has nothing to check (an amend that changes only the
    # message), as pre-push would fail it later
    malformed: bool = False


def requests(cs: ChangeSet, env: Mapping[str, str]) -> dict[str, list[Request]]:
    out: dict[str, list[Request]] = {}
    if cs.stage in TRAILER_STAGES:
        for value in cs.trailer_values(TRAILER):
            rule, _, reason = value.partition(":")
            for rid in rule.split(","):
                if rid.strip():
                    out.setdefault(rid.strip(), []).append(Request("trailer", reason.strip()))
    if cs.stage in ENV_STAGES and env.get("WFGUARD_SKIP"):
        reason = env.get("WFGUARD_SKIP_REASON", "").strip()
        for rid in env["WFGUARD_SKIP"].split(","):
            if rid.strip():
                out.setdefault(rid.strip(), []).append(Request("env", reason))
    return out


def decide(rule: RuleConfig, asked: list[Request]) -> Decision:
    if not asked:
        return Decision(None)
    if asked[0].by in ("no-exec", "bot"):  # the caller, or the config's bots:, decided for the rule
        return Decision(asked[0])
    if not rule.skip.allowed:
        return Decision(None, f"a skip was requested ({asked[0].by}), but {rule.id!r} may not be skipped")
    for req in asked:
        if req.reason or not rule.skip.reason_required:
            return Decision(req)
    how = (f"'{TRAILER}: {rule.id}: <reason>'" if asked[0].by == "trailer"
           else "WFGUARD_SKIP_REASON=\"...\"")
    return Decision(None, f"a skip was requested without a reason; {rule.id!r} needs one: {how}",
                    malformed=any(r.by == "trailer" for r in asked))
