"""Where config files are read from: the work tree, or a commit (so a push can't weaken them)."""

from __future__ import annotations

from pathlib import Path

from .. import git
from ..records import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Protocol

    class Source(Protocol):
        def read(self, relpath: str) -> bytes | None: ...

        def label(self, relpath: str) -> str: ...

CONFIG_NAME = ".wfguard.yml"


class WorkTree:
    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, relpath: str) -> bytes | None:
        path = self.root / relpath
        if relpath != CONFIG_NAME:  # an extended file: never one outside the repository, by a link or not
            root = self.root.resolve()
            target = path.resolve()
            if Path(relpath).is_absolute() or (target != root and root not in target.parents):
                from ..errors import ConfigError

                raise ConfigError(f"the extended file {relpath!r} resolves outside the repository ({target})",
                                  file=CONFIG_NAME, path="extends",
                                  hint="keep shared workflow files inside the repository")
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def label(self, relpath: str) -> str:
        return relpath


class File(WorkTree):
    """A config file at any path (``validate FILE``, ``install --server --config FILE``); the
    files it extends are read relative to its folder."""

    def __init__(self, path: Path) -> None:
        super().__init__(path.parent)
        self.path = path

    def read(self, relpath: str) -> bytes | None:
        if relpath != CONFIG_NAME:
            return super().read(relpath)
        try:
            return self.path.read_bytes()
        except OSError:
            return None

    def label(self, relpath: str) -> str:
        return str(self.path if relpath == CONFIG_NAME else self.root / relpath)


class CommitSource:
    """Config as committed at ``rev`` (a branch, tag or sha)."""

    def __init__(self, root: Path, rev: str) -> None:
        self.root = root
        self.rev = rev

    def read(self, relpath: str) -> bytes | None:
        return git.blob_at(self.root, self.rev, relpath)

    def label(self, relpath: str) -> str:
        return f"{self.rev}:{relpath}"
