"""``command``: a project command (tests, linters) must exit 0 within its timeout."""

from __future__ import annotations

import subprocess

from ..records import TYPE_CHECKING, NamedTuple
from . import options
from .base import Context, Message, Outcome

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, ClassVar

    from ..model import RuleConfig, Stage

TAIL_LINES = 50

SCHEMA: dict[str, Any] = {
    "run": {"oneOf": [{"type": "string", "minLength": 1},
                      {"type": "array", "items": {"type": "string"}, "minItems": 1}]},
    "timeout": {"type": "number", "exclusiveMinimum": 0},
    "pass_files": {"type": "boolean"},
}
DEFAULT_STAGES: tuple[Stage, ...] = ("pre-push", "ci")
RUNS_CODE = True  # a command of the repository: never run by `check --no-exec`


class Options(NamedTuple):
    run: str | tuple[str, ...]
    timeout: float = 600
    pass_files: bool = False

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Options:
        return options.load_flat(cls, data)


def parse(fields: Mapping[str, Any], fail: options.Fail) -> Options:
    if "run" not in fields:
        raise fail("kind", "a command rule needs 'run' (an argv list, or a string for sh -c)")
    run = fields["run"]
    return Options(run if isinstance(run, str) else tuple(run), fields.get("timeout", 600),
                   bool(fields.get("pass_files", False)))


class CommandRule:
    kind: ClassVar[str] = "command"

    def __init__(self, config: RuleConfig) -> None:
        self.config = config
        self.options = Options.load(config.options)
        self.run: str | list[str] = (self.options.run if isinstance(self.options.run, str)
                                     else list(self.options.run))
        self.timeout = float(self.options.timeout)
        self.pass_files = self.options.pass_files

    def fix_hint(self) -> str:
        return self.config.fix or f"run it yourself and fix what it reports: {self.display()}"

    def describe(self) -> str:
        return f"`{self.display()}` exits 0 within {self.timeout:g} s"

    def display(self) -> str:
        return self.run if isinstance(self.run, str) else " ".join(self.run)

    def argv(self, files: list[str]) -> list[str]:
        # a file named like an option ("--checkpoint-action=exec=...") must stay a file name
        files = [f"./{f}" if f.startswith("-") else f for f in files]
        if isinstance(self.run, str):
            # file names travel as positional arguments, never through the shell's parser
            script = f'{self.run} "$@"' if files else self.run
            return ["sh", "-c", script, "sh", *files]
        return [*self.run, *files]

    def evaluate(self, ctx: Context) -> Outcome:
        if ctx.stage == "pre-receive":
            return Outcome.not_applicable("command rules do not run on the server (no work tree)")
        if not ctx.matched:
            return Outcome.not_applicable()
        files = [cp.path for cp in ctx.matched if not cp.deleted] if self.pass_files else []
        if self.pass_files and not files:
            return Outcome.not_applicable("only deletions matched")
        argv = self.argv(files)
        note = self._unstaged_note(ctx)
        try:
            proc = subprocess.run(argv, cwd=ctx.changes.root, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  timeout=self.timeout, check=False)
        except FileNotFoundError:
            return Outcome.failed([Message(f"command not found: {argv[0]}")])
        except subprocess.TimeoutExpired as exc:
            return Outcome.failed([Message(f"`{self.display()}` timed out after {self.timeout:g} s")],
                                  tail=_tail(exc.stdout or b""), reason="timeout")
        if proc.returncode == 0:
            return Outcome.passed(notes=tuple(note))
        return Outcome.failed([Message(f"`{self.display()}` exited with {proc.returncode}"),
                               *(Message(n, level="note") for n in note)], (self.display(),),
                              tail=_tail(proc.stdout))

    def _unstaged_note(self, ctx: Context) -> list[str]:
        """Commands run on the work tree, not the index: say so when the two differ here."""
        if ctx.stage not in ("pre-commit", "commit-msg", "pre-push"):
            return []
        from .. import git

        unstaged = set(git.unstaged_paths(ctx.changes.root)) & {cp.path for cp in ctx.matched}
        if not unstaged:
            return []
        names = ", ".join(sorted(unstaged)[:5])
        return [f"note: `{self.display()}` ran on the work tree, where unstaged edits of {names} "
                "differ from what is staged"]


def _tail(output: bytes | str) -> list[Message]:
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
    return [Message(line) for line in text.rstrip("\n").splitlines()[-TAIL_LINES:]]
