"""``forbid``: paths that may not change, lines that may not be added, files over a size."""

from __future__ import annotations

from .. import lazyre, watchdog
from ..globs import any_match
from ..records import TYPE_CHECKING, NamedTuple
from ..sizes import human, parse_size
from . import options
from .base import Context, Message, Outcome

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, ClassVar

    from ..model import RuleConfig, Stage

SCHEMA: dict[str, Any] = {
    "files": options.GLOBS,
    "content": options.REGEXES,
    "max_size": {"oneOf": [
        {"type": "integer", "minimum": 1},
        {"type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*([KkMmGg]?[Bb])?\\s*$"},
    ]},
}
DEFAULT_STAGES: tuple[Stage, ...] = ("pre-commit", "pre-push", "ci", "pre-receive")
RUNS_CODE = False


class Options(NamedTuple):
    files: tuple[str, ...] = ()
    content: tuple[str, ...] = ()
    max_size: int | None = None  # bytes

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Options:
        return options.load_flat(cls, data)


def parse(fields: Mapping[str, Any], fail: options.Fail) -> Options:
    if not any(k in fields for k in ("files", "content", "max_size")):
        raise fail("kind", "a forbid rule needs 'files', 'content' or 'max_size'")
    max_size = None
    if "max_size" in fields:
        try:
            max_size = parse_size(fields["max_size"])
        except ValueError as exc:
            raise fail("max_size", str(exc)) from None
    return Options(options.globs(fields, "files", fail), options.regexes(fields, "content", fail), max_size)


class ForbidRule:
    kind: ClassVar[str] = "forbid"

    def __init__(self, config: RuleConfig) -> None:
        self.config = config
        self.options = o = Options.load(config.options)
        self.files: list[str] = list(o.files)
        self.content = [lazyre.compile(rx) for rx in o.content]
        self.multiline = [lazyre.compile(rx, lazyre.MULTILINE) for rx in o.content]
        self.max_size: int | None = o.max_size
        self._running = ""  # the regex being searched, and where, for a watchdog report
        self._at: tuple[str, int] | None = None

    def fix_hint(self) -> str:
        return self.config.fix or "unstage the offending file or line (git restore --staged FILE)"

    def describe(self) -> str:
        parts = []
        if self.files:
            parts.append(f"no change adds or edits {', '.join(self.files)}")
        if self.content:
            parts.append("no added line matches " + ", ".join(f"/{r.pattern}/" for r in self.content))
        if self.max_size is not None:
            parts.append(f"no file is over {human(self.max_size)}")
        return "; ".join(parts)

    def _scan(self, ctx: Context, wanted: set[str]) -> list[Message]:
        """Added lines matching a ``content`` regex, each search within the watchdog's budget."""
        found: list[Message] = []
        added = ctx.changes.added_lines()  # git's diff is read before the clock starts
        with watchdog.watch() as progress:
            for path, lines in added.items():
                if path not in wanted:
                    continue
                for line in lines:
                    progress.tick()
                    self._at = (path, line.line)
                    for rx in self.content:
                        self._running = rx.pattern
                        if rx.search(line.text):
                            found.append(Message(
                                f"{path}:{line.line}: added line matches /{rx.pattern}/", path, line.line))
                            break
            # a file too large for the diff: one search per block of lines, ^ and $ at each line
            for path, first, text in ctx.changes.added_big():
                if path not in wanted:
                    continue
                for rx in self.multiline:
                    progress.tick()
                    self._at, self._running = (path, first), rx.pattern
                    for m in rx.finditer(text):
                        lineno = first + text.count("\n", 0, m.start())
                        found.append(Message(f"{path}:{lineno}: added line matches /{rx.pattern}/", path, lineno))
        return found

    def evaluate(self, ctx: Context) -> Outcome:
        problems: list[Message] = []
        if self.files:  # a rename, copy or deletion is matched by its old path too
            for cp in ctx.matched:
                old = cp.old_path if cp.old_path is not None and any_match(self.files, cp.old_path) else None
                if cp.deleted and any_match(self.files, cp.path):
                    problems.append(Message(f"{cp.path} may not be deleted", cp.path))
                elif old is not None:
                    problems.append(Message(f"{old} may not be renamed or copied (to {cp.path})", cp.path))
                elif any_match(self.files, cp.path):
                    problems.append(Message(f"{cp.path} may not be added or changed", cp.path))
        live = [cp for cp in ctx.matched if not cp.deleted]
        if not live and not problems:
            return Outcome.not_applicable()
        if self.max_size is not None:
            for path, size in ctx.changes.sizes(live).items():
                if size > self.max_size:
                    problems.append(Message(
                        f"{path} is {human(size)}, over the limit of {human(self.max_size)}", path))
        if self.content:
            try:
                problems += self._scan(ctx, {cp.path for cp in live})
            except watchdog.Expired:
                where = f" on {self._at[0]}:{self._at[1]}" if self._at else ""
                problems.append(Message(f"the regex /{self._running}/ ran for more than {watchdog.BUDGET:g} s{where}: "
                                        "simplify it (nested repetition like (a+)+ backtracks for ever)"))
        if problems:
            return Outcome.failed(problems)
        return Outcome.passed()
