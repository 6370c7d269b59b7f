"""The explicit table of rule kinds. Each module is imported only when its kind is used, so a
hook pays for the rules it runs, not for all six."""

from __future__ import annotations

import importlib
from typing import NamedTuple

from ..model import RuleConfig
from .base import Context, Message, Outcome, Rule


class Kind(NamedTuple):
    """Everything the rest of wfguard needs to know of a rule kind, in one row."""

    module: str
    cls: str
    # where a rule of this kind runs when it does not say; a kind a skip trailer may waive runs
    # at commit-msg rather than pre-commit, where the message (and so the trailer) is known
    default_stages: tuple[str, ...]
    runs_code: bool = False  # a command of the repository: never run by `check --no-exec`


_REVIEWED = ("commit-msg", "pre-push", "ci", "pre-receive")
_STAGED = ("pre-commit", "pre-push", "ci", "pre-receive")

KINDS: dict[str, Kind] = {
    "changelog": Kind("changelog", "ChangelogRule", _REVIEWED),
    "commit-message": Kind("commit_message", "CommitMessageRule", _REVIEWED),
    "branch": Kind("branch", "BranchRule", _STAGED),
    "co-change": Kind("cochange", "CoChangeRule", _REVIEWED),
    "forbid": Kind("forbid", "ForbidRule", _STAGED),
    "command": Kind("command", "CommandRule", ("pre-push", "ci"), runs_code=True),
}


def rule_class(kind: str) -> type[Rule]:
    spec = KINDS[kind]
    cls: type[Rule] = getattr(importlib.import_module(f"{__name__}.{spec.module}"), spec.cls)
    return cls


def build(config: RuleConfig) -> Rule:
    return rule_class(config.kind)(config)


__all__ = ["KINDS", "Context", "Kind", "Message", "Outcome", "Rule", "build", "rule_class"]
