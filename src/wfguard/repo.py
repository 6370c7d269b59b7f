"""Where we are: the repository root, its git dirs, and whether it is shallow or bare."""

from __future__ import annotations

import os

from . import git
from .errors import GitError
from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path


class Repo(NamedTuple):
    """Absolute paths as ``str``: a hook does not import pathlib (about 5 ms); commands wrap them
    in ``Path`` where they build paths."""

    root: str  # the work tree; for a bare repository, the git dir itself
    git_dir: str
    common_dir: str  # shared by all worktrees: the event log and caches live here
    shallow: bool
    bare: bool

    @property
    def state_dir(self) -> str:
        return os.path.join(self.common_dir, "wfguard")


# --show-toplevel fails in a bare repository, so it is asked last and what came out is read
DISCOVER_ARGS = ("rev-parse", "--is-bare-repository", "--git-dir", "--git-common-dir", "--is-shallow-repository",
                 "--show-toplevel")


def discover(cwd: str | Path = ".") -> Repo:
    base = os.path.realpath(cwd)
    proc = git.run(DISCOVER_ARGS, cwd, check=False)
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 4:
        raise GitError(f"not inside a git repository: {base}",
                       hint="run wfguard from inside a git work tree (git init to start one)")
    bare_s, git_dir_s, common_s, shallow_s = lines[:4]
    bare = bare_s == "true"
    git_dir = os.path.realpath(os.path.join(base, git_dir_s))
    common = os.path.realpath(os.path.join(base, common_s))
    if bare:
        root = git_dir
    elif len(lines) >= 5 and proc.returncode == 0:
        root = lines[4]
    else:
        raise GitError("this command must run inside the work tree, not in the .git folder")
    return Repo(root=root, git_dir=git_dir, common_dir=common, shallow=shallow_s == "true", bare=bare)


def current_branch(root: str | Path) -> str | None:
    """The checked-out branch, or None on a detached HEAD."""
    return git.symbolic_ref(root, short=True)


def resolve(root: str | Path, rev: str) -> str | None:
    proc = git.run(["rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}"], root, check=False)
    sha = git.text(proc.stdout).strip()
    return sha if proc.returncode == 0 and sha else None
