"""``branch``: nothing lands directly on a protected branch; other branch names follow a pattern."""

from __future__ import annotations

from .. import lazyre
from ..globs import match_branch
from ..records import TYPE_CHECKING, NamedTuple
from . import options
from .base import Context, Message, Outcome
from .releaseshape import release_only

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, ClassVar

    from ..model import RuleConfig, Stage

SCHEMA: dict[str, Any] = {
    "protected": options.GLOBS,
    "pattern": {"type": "string"},
}
DEFAULT_STAGES: tuple[Stage, ...] = ("pre-commit", "pre-push", "ci", "pre-receive")
RUNS_CODE = False


class Options(NamedTuple):
    protected: tuple[str, ...] = ()
    pattern: str | None = None

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Options:
        return options.load_flat(cls, data)


def parse(fields: Mapping[str, Any], fail: options.Fail) -> Options:
    if "protected" not in fields and "pattern" not in fields:
        raise fail("kind", "a branch rule needs 'protected' or 'pattern'")
    pattern = options.regexes(fields, "pattern", fail)
    return Options(options.globs(fields, "protected", fail), pattern[0] if pattern else None)


class BranchRule:
    kind: ClassVar[str] = "branch"

    def __init__(self, config: RuleConfig) -> None:
        self.config = config
        self.options = Options.load(config.options)
        self.protected: list[str] = list(self.options.protected)
        self.pattern = lazyre.compile(self.options.pattern) if self.options.pattern else None

    def fix_hint(self) -> str:
        return self.config.fix or "git switch -c <type>/<topic>, then commit there"

    def describe(self) -> str:
        parts = []
        if self.protected:
            parts.append(f"no commit or push lands directly on {', '.join(self.protected)}")
        if self.pattern:
            parts.append(f"other branch names match /{self.pattern.pattern}/")
        return "; ".join(parts)

    def is_protected(self, branch: str) -> bool:
        return bool(self.protected) and match_branch(self.protected, branch)

    def evaluate(self, ctx: Context) -> Outcome:
        cs = ctx.changes
        problems: list[Message] = []
        released = release_only(ctx)
        if cs.stage in ("pre-push", "pre-receive"):
            names = [r[len("refs/heads/"):] for r in cs.target_refs if r.startswith("refs/heads/")]
            if not names:
                return Outcome.not_applicable("no branch is updated")
            for name in names:
                if self.is_protected(name) and released:
                    continue
                if self.is_protected(name):
                    problems.append(Message(f"pushing directly to the protected branch {name!r}"))
                elif self.pattern and not self.pattern.fullmatch(name):
                    problems.append(Message(
                        f"branch name {name!r} does not match /{self.pattern.pattern}/"))
        else:
            branch = cs.current_branch()
            if branch is None:
                return Outcome.not_applicable("no branch (detached HEAD)")
            protected = self.is_protected(branch)
            if protected and cs.stage != "ci" and not released:  # CI builds protected branches after every merge
                problems.append(Message(f"committing directly to the protected branch {branch!r}"))
            elif not protected and self.pattern and not self.pattern.fullmatch(branch):
                problems.append(Message(f"branch name {branch!r} does not match /{self.pattern.pattern}/"))
        if problems:
            # runnable as printed: the staged work moves along to the new branch
            nxt = ("git switch -c feat/my-change",) if cs.stage in ("pre-commit", "commit-msg") else ()
            return Outcome.failed(problems, nxt)
        if released and (cs.stage in ("pre-push", "pre-receive") or self.is_protected(cs.current_branch() or "")):
            return Outcome.passed("a release commit: only version files and the changelog change, "
                                  "so it may land on a protected branch")
        return Outcome.passed()
