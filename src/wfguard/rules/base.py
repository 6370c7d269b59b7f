"""What every rule kind shares: its input (a Context) and its verdict (an Outcome)."""

from __future__ import annotations

from ..records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import ClassVar, Literal, Protocol

    from ..changeset import ChangedPath, ChangeSet
    from ..model import Config, RuleConfig

    Status = Literal["pass", "fail", "not-applicable"]

    class Rule(Protocol):
        kind: ClassVar[str]

        def __init__(self, config: RuleConfig) -> None: ...

        def evaluate(self, ctx: Context) -> Outcome: ...

        def fix_hint(self) -> str: ...

        def describe(self) -> str: ...

MAX_MESSAGES = 50


class Message(NamedTuple):
    text: str
    path: str | None = None
    line: int | None = None
    # "note": worth showing even when the rule passes (a command ran on unstaged edits)
    level: Literal["finding", "note"] = "finding"


class Outcome(NamedTuple):
    status: Status
    messages: tuple[Message, ...] = ()
    next: tuple[str, ...] = ()
    # why it failed, as data for the report ("timeout": a command ran out of time)
    reason: str = ""

    @classmethod
    def passed(cls, *texts: str, notes: tuple[str, ...] = ()) -> Outcome:
        return cls("pass", (*(Message(t) for t in texts), *(Message(n, level="note") for n in notes)))

    @classmethod
    def not_applicable(cls, text: str | None = None) -> Outcome:
        return cls("not-applicable", (Message(text),) if text else ())

    @classmethod
    def failed(cls, messages: list[Message], next: tuple[str, ...] = (),
               tail: list[Message] | None = None, reason: str = "") -> Outcome:
        """``tail`` (a command's last lines of output) is kept whole after the capped messages:
        its very last line is usually the one that says what failed."""
        if len(messages) > MAX_MESSAGES:
            extra = len(messages) - MAX_MESSAGES
            messages = [*messages[:MAX_MESSAGES], Message(f"... and {extra} more")]
        return cls("fail", (*messages, *(tail or ())), next, reason)


class Context(NamedTuple):
    rule: RuleConfig
    changes: ChangeSet
    # changed paths that pass the rule's `paths` and `ignore`
    matched: tuple[ChangedPath, ...] = ()
    # the whole workflow, for a rule whose verdict depends on another's settings (a release
    # commit is recognised by the changelog's files and the release's version files)
    workflow: Config | None = None

    @property
    def stage(self) -> str:
        return self.changes.stage


def listing(paths: list[str], limit: int = 5) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")
