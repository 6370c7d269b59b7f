"""``co-change``: when files matching ``if_changed`` change, one matching ``then_change`` does too."""

from __future__ import annotations

from typing import ClassVar

from ..globs import any_match
from ..model import RuleConfig
from .base import Context, Message, Outcome, listing


class CoChangeRule:
    kind: ClassVar[str] = "co-change"

    def __init__(self, config: RuleConfig) -> None:
        self.config = config
        self.if_changed: list[str] = list(config.options["if_changed"])
        self.then_change: list[str] = list(config.options["then_change"])

    def fix_hint(self) -> str:
        return self.config.fix or f"also change one of: {', '.join(self.then_change)}"

    def describe(self) -> str:
        return (f"a change to {', '.join(self.if_changed)} comes with a change to "
                f"{', '.join(self.then_change)}")

    def evaluate(self, ctx: Context) -> Outcome:
        triggers = [cp.path for cp in ctx.matched
                    if any_match(self.if_changed, cp.path)
                    or (cp.old_path is not None and any_match(self.if_changed, cp.old_path))]
        if not triggers:
            return Outcome.not_applicable()
        if any(any_match(self.then_change, cp.path) for cp in ctx.changes.paths):
            return Outcome.passed()
        return Outcome.failed([Message(
            f"{listing(triggers)} changed, but nothing matching {', '.join(self.then_change)} did")])
