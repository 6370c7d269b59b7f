"""The registry of rule kinds: a kind is one module, which holds everything about it (its rule
class, its typed ``Options``, their ``SCHEMA``, ``parse``, ``DEFAULT_STAGES`` and ``RUNS_CODE``).
A module is imported only when its kind is used, so a hook pays for the rules it runs."""

from __future__ import annotations

import sys

from ..records import TYPE_CHECKING, NamedTuple
from .base import Context, Message, Outcome

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import ModuleType
    from typing import Any, Protocol

    from ..model import RuleConfig, Stage
    from .base import Rule
    from .options import Fail

    class KindModule(Protocol):
        """What each module in this package provides (checked by a test, read by the loader)."""

        SCHEMA: dict[str, Any]
        DEFAULT_STAGES: tuple[Stage, ...]
        RUNS_CODE: bool

        def parse(self, fields: Mapping[str, Any], fail: Fail) -> Any: ...


class Kind(NamedTuple):
    module: str
    cls: str


KINDS: dict[str, Kind] = {
    "changelog": Kind("changelog", "ChangelogRule"),
    "commit-message": Kind("commit_message", "CommitMessageRule"),
    "branch": Kind("branch", "BranchRule"),
    "co-change": Kind("cochange", "CoChangeRule"),
    "forbid": Kind("forbid", "ForbidRule"),
    "command": Kind("command", "CommandRule"),
}


def kind_module(kind: str) -> KindModule:
    name = f"{__name__}.{KINDS[kind].module}"
    __import__(name)  # not importlib.import_module: importing importlib loads warnings on a hook's path
    module: ModuleType = sys.modules[name]
    return module


def rule_class(kind: str) -> type[Rule]:
    cls: type[Rule] = getattr(kind_module(kind), KINDS[kind].cls)
    return cls


def build(config: RuleConfig) -> Rule:
    return rule_class(config.kind)(config)


__all__ = ["KINDS", "Context", "Kind", "Message", "Outcome", "build", "kind_module",
           "rule_class"]
