"""``commit-message``: headers follow a preset or a pattern; trailers present; no WIP subjects."""

from __future__ import annotations

from .. import conventional, lazyre, watchdog
from ..changeset import parse_trailers
from ..records import TYPE_CHECKING, NamedTuple
from . import options
from .base import Context, Message, Outcome

if TYPE_CHECKING:
    import re
    from collections.abc import Mapping
    from typing import Any, ClassVar, Literal

    from ..model import RuleConfig, Stage

SCHEMA: dict[str, Any] = {
    "preset": {"enum": ["conventional"]},
    "types": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    "pattern": {"type": "string"},
    "subject_max": {"type": "integer", "minimum": 1},
    "body_max_line": {"type": "integer", "minimum": 1,
                      "description": "Longest body/footer line (lines with a URL exempt)."},
    "require_trailers": {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z0-9-]+$"}},
    "forbid_subjects": {"type": "array", "items": {"type": "string"}},
}
DEFAULT_STAGES: tuple[Stage, ...] = ("commit-msg", "pre-push", "ci", "pre-receive")
RUNS_CODE = False


class Options(NamedTuple):
    preset: Literal["conventional"] | None = None
    types: tuple[str, ...] = ()  # empty: the preset's own list
    pattern: str | None = None
    subject_max: int | None = None
    body_max_line: int | None = None
    require_trailers: tuple[str, ...] = ()
    forbid_subjects: tuple[str, ...] = ()

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Options:
        return options.load_flat(cls, data)

    @property
    def commit_types(self) -> tuple[str, ...]:
        return self.types or conventional.TYPES


def parse(fields: Mapping[str, Any], fail: options.Fail) -> Options:
    if not any(k in fields for k in ("preset", "pattern", "subject_max", "require_trailers",
                                     "forbid_subjects", "types")):
        raise fail("kind", "a commit-message rule needs 'preset', 'pattern', 'subject_max', "
                   "'require_trailers' or 'forbid_subjects'")
    pattern = options.regexes(fields, "pattern", fail)
    return Options(
        preset=fields.get("preset"), types=tuple(fields.get("types") or ()),
        pattern=pattern[0] if pattern else None, subject_max=fields.get("subject_max"),
        body_max_line=fields.get("body_max_line"),
        require_trailers=tuple(fields.get("require_trailers") or ()),
        forbid_subjects=options.regexes(fields, "forbid_subjects", fail),
    )


class CommitMessageRule:
    kind: ClassVar[str] = "commit-message"

    def __init__(self, config: RuleConfig) -> None:
        self.config = config
        self.options = o = Options.load(config.options)
        self.preset = o.preset
        self.types = o.commit_types
        self.pattern = lazyre.compile(o.pattern) if o.pattern else None
        self.subject_max: int | None = o.subject_max
        if self.subject_max is None and self.preset:
            self.subject_max = conventional.HEADER_MAX
        self.body_max: int | None = o.body_max_line
        if self.body_max is None and self.preset:
            self.body_max = conventional.LINE_MAX
        self.trailers = [t.lower() for t in o.require_trailers]
        self.checker = conventional.Checker(self.types, self.subject_max, self.body_max) if self.preset else None
        self.forbid = [lazyre.compile(rx) for rx in o.forbid_subjects]

    def fix_hint(self) -> str:
        return self.config.fix or "reword the message: 'type(scope): description'"

    def describe(self) -> str:
        parts = []
        if self.preset:
            parts.append(f"headers follow Conventional Commits: 'type(scope): description' with a "
                         f"type from {', '.join(self.types)}")
        if self.pattern:
            parts.append(f"headers match /{self.pattern.pattern}/")
        if self.subject_max:
            parts.append(f"headers are at most {self.subject_max} characters")
        if self.trailers:
            parts.append(f"messages carry the trailers {', '.join(self.options.require_trailers)}")
        if self.forbid:
            parts.append("headers match none of " + ", ".join(f"/{r.pattern}/" for r in self.forbid))
        return "; ".join(parts)

    def problems(self, message: str) -> list[str]:
        out: list[str] = []
        machine = conventional.is_ignored(message) if self.preset else conventional.is_git_generated(message)
        header = message.lstrip("\r\n").partition("\n")[0]
        if not machine:
            if self.checker is not None:
                out += self.checker.problems_of_authored(message)
            elif self.subject_max is not None and len(header) > self.subject_max:
                out.append(f"the header is {len(header)} characters long; at most {self.subject_max} allowed")
            if self.pattern and not self._search(self.pattern, header, out):
                out.append(f"the header does not match the pattern /{self.pattern.pattern}/")
        for rx in self.forbid:
            if self._search(rx, header, out):
                out.append(f"the header matches the forbidden pattern /{rx.pattern}/")
        if self.trailers:
            have = {k.lower() for k, _ in parse_trailers(message)}
            missing = [t for t in self.options.require_trailers if t.lower() not in have]
            if missing:
                flag = " (git commit -s adds it)" if "signed-off-by" in (m.lower() for m in missing) else ""
                out.append(f"missing trailer(s): {', '.join(missing)}{flag}")
        return out

    @staticmethod
    def _search(rx: re.Pattern[str], header: str, out: list[str]) -> bool:
        """A user regex within the watchdog's budget; a runaway one is itself the problem."""
        try:
            with watchdog.watch():
                return rx.search(header) is not None
        except watchdog.Expired:
            out.append(f"the regex /{rx.pattern}/ ran for more than {watchdog.BUDGET:g} s on the header: "
                       "simplify it (nested repetition like (a+)+ backtracks for ever)")
            return False

    def evaluate(self, ctx: Context) -> Outcome:
        cs = ctx.changes
        found: list[Message] = []
        if cs.message is not None:
            header = cs.message.split("\n", 1)[0]
            found += [Message(f"{p}  [{header!r}]") for p in self.problems(cs.message)]
        for c in cs.commits:
            for p in self.problems(c.message):
                found.append(Message(f"commit {c.short} {c.header!r}: {p}"))
        if cs.message is None and not cs.commits:
            return Outcome.not_applicable("no commit message in this change")
        if not found:
            return Outcome.passed()
        nxt: tuple[str, ...] = ()
        bad = [c for c in cs.commits if self.problems(c.message)] if cs.commits else []
        if cs.stage == "pre-push" and bad == [cs.commits[-1]]:
            # only the tip, and it is not pushed yet: rewording it rewrites nothing anyone has.
            # Published history is never rewritten on wfguard's advice.
            nxt = ("git commit --amend",)
        return Outcome.failed(found, nxt)
