"""Where config files are read from: the work tree, or a commit (so a push can't weaken them)."""

from __future__ import annotations

import os

from .. import git
from ..records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Protocol

    class Source(Protocol):
        def read(self, relpath: str) -> bytes | None: ...

        def label(self, relpath: str) -> str: ...

CONFIG_NAME = ".wfguard.yml"


class WorkTree:
    def __init__(self, root: str | Path) -> None:
        self.root = os.fspath(root)

    def read(self, relpath: str) -> bytes | None:
        path = os.path.join(self.root, relpath)
        if relpath != CONFIG_NAME:  # an extended file: never one outside the repository, by a link or not
            root = os.path.realpath(self.root)
            target = os.path.realpath(path)
            if os.path.isabs(relpath) or (target != root and not target.startswith(root.rstrip(os.sep) + os.sep)):
                from ..errors import ConfigError

                raise ConfigError(f"the extended file {relpath!r} resolves outside the repository ({target})",
                                  file=CONFIG_NAME, path="extends",
                                  hint="keep shared workflow files inside the repository")
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def label(self, relpath: str) -> str:
        return relpath


class File(WorkTree):
    """A config file at any path (``validate FILE``, ``install --server --config FILE``); the
    files it extends are read relative to its folder."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(os.path.dirname(os.fspath(path)) or ".")
        self.path = os.fspath(path)

    def read(self, relpath: str) -> bytes | None:
        if relpath != CONFIG_NAME:
            return super().read(relpath)
        try:
            with open(self.path, "rb") as fh:
                return fh.read()
        except OSError:
            return None

    def label(self, relpath: str) -> str:
        return self.path if relpath == CONFIG_NAME else os.path.join(self.root, relpath)


class CommitSource:
    """Config as committed at ``rev`` (a branch, tag or sha)."""

    def __init__(self, root: str | Path, rev: str) -> None:
        self.root = root
        self.rev = rev

    def read(self, relpath: str) -> bytes | None:
        return git.blob_at(self.root, self.rev, relpath)

    def label(self, relpath: str) -> str:
        return f"{self.rev}:{relpath}"
