"""The explicit table of rule kinds."""

from __future__ import annotations

from ..model import RuleConfig
from .base import Context, Message, Outcome, Rule
from .branch import BranchRule
from .changelog import ChangelogRule
from .cochange import CoChangeRule
from .command import CommandRule
from .commit_message import CommitMessageRule
from .forbid import ForbidRule

KINDS: dict[str, type[Rule]] = {
    "changelog": ChangelogRule,
    "commit-message": CommitMessageRule,
    "branch": BranchRule,
    "co-change": CoChangeRule,
    "forbid": ForbidRule,
    "command": CommandRule,
}


def build(config: RuleConfig) -> Rule:
    return KINDS[config.kind](config)


__all__ = ["KINDS", "Context", "Message", "Outcome", "Rule", "build"]
