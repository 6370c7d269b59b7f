"""``co-change``: when files matching ``if_changed`` change, one matching ``then_change`` does too."""

from __future__ import annotations

from ..globs import any_match
from ..records import TYPE_CHECKING, NamedTuple
from . import options
from .base import Context, Message, Outcome, listing

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, ClassVar

    from ..model import RuleConfig, Stage

SCHEMA: dict[str, Any] = {"if_changed": options.GLOBS, "then_change": options.GLOBS}
# at commit-msg, not pre-commit: a Wfguard-Skip trailer may waive it, and only then is it known
DEFAULT_STAGES: tuple[Stage, ...] = ("commit-msg", "pre-push", "ci", "pre-receive")
RUNS_CODE = False


class Options(NamedTuple):
    if_changed: tuple[str, ...]
    then_change: tuple[str, ...]

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Options:
        return options.load_flat(cls, data)


def parse(fields: Mapping[str, Any], fail: options.Fail) -> Options:
    for key in ("if_changed", "then_change"):
        if key not in fields:
            raise fail("kind", f"a co-change rule needs {key!r}")
    return Options(options.globs(fields, "if_changed", fail), options.globs(fields, "then_change", fail))


class CoChangeRule:
    kind: ClassVar[str] = "co-change"

    def __init__(self, config: RuleConfig) -> None:
        self.config = config
        self.options = Options.load(config.options)
        self.if_changed: list[str] = list(self.options.if_changed)
        self.then_change: list[str] = list(self.options.then_change)

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
