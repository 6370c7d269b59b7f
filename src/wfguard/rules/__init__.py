"""The explicit table of rule kinds. Each module is imported only when its kind is used, so a
hook pays for the rules it runs, not for all six."""

from __future__ import annotations

import importlib

from ..model import RuleConfig
from .base import Context, Message, Outcome, Rule

KINDS: dict[str, tuple[str, str]] = {
    "changelog": ("changelog", "ChangelogRule"),
    "commit-message": ("commit_message", "CommitMessageRule"),
    "branch": ("branch", "BranchRule"),
    "co-change": ("cochange", "CoChangeRule"),
    "forbid": ("forbid", "ForbidRule"),
    "command": ("command", "CommandRule"),
}


def rule_class(kind: str) -> type[Rule]:
    module, name = KINDS[kind]
    cls: type[Rule] = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return cls


def build(config: RuleConfig) -> Rule:
    return rule_class(config.kind)(config)


__all__ = ["KINDS", "Context", "Message", "Outcome", "Rule", "build", "rule_class"]
