"""The one error type: anything that ends a command with exit code 2."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ERROR = 2


class WfguardError(Exception):
    """A usage, config or git problem, reported as one precise message and exit code 2.

    ``file``/``line``/``path`` locate config errors: ``path`` is the dotted path inside the
    document (``rules.changelog.fragments.types``).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        path: str | None = None,
        hint: str | None = None,
        details: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.path = path
        self.hint = hint
        self.details = details

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        if self.path:
            parts.append(self.path)
        return ": ".join(parts)

    def render(self) -> str:
        loc = self.location()
        text = f"{loc}: {self.message}" if loc else self.message
        lines = [f"wfguard: error: {text}"]
        lines.extend(f"  {d}" for d in self.details)
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class ConfigError(WfguardError):
    """The workflow configuration is invalid (still exit code 2)."""


class GitError(WfguardError):
    """git failed or the repository is in a state wfguard cannot work in."""


class NoCommonHistory(GitError):
    """Two commits share no history (no merge-base)."""


class NeedsChoice(WfguardError):
    """A value only the user can give is missing (a fragment type); an interactive caller asks."""
