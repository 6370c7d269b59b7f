"""Where we are: the repository root, its git dirs, and whether it is shallow or bare."""

from __future__ import annotations

from pathlib import Path

from . import git
from .errors import GitError
from .records import NamedTuple


class Repo(NamedTuple):
    root: Path  # the work tree; for a bare repository, the git dir itself
    git_dir: Path
    common_dir: Path  # shared by all worktrees: the event log and caches live here
    shallow: bool
    bare: bool

    @property
    def state_dir(self) -> Path:
        return self.common_dir / "wfguard"


# --show-toplevel fails in a bare repository, so it is asked last and what came out is read
DISCOVER_ARGS = ("rev-parse", "--is-bare-repository", "--git-dir", "--git-common-dir", "--is-shallow-repository",
                 "--show-toplevel")


def discover(cwd: str | Path = ".") -> Repo:
    base = Path(cwd).resolve()
    proc = git.run(DISCOVER_ARGS, cwd, check=False)
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 4:
        raise GitError(f"not inside a git repository: {base}",
                       hint="run wfguard from inside a git work tree (git init to start one)")
    bare_s, git_dir_s, common_s, shallow_s = lines[:4]
    bare = bare_s == "true"
    git_dir = (base / git_dir_s).resolve()
    common = (base / common_s).resolve()
    if bare:
        root = git_dir
    elif len(lines) >= 5 and proc.returncode == 0:
        root = Path(lines[4])
    else:
        raise GitError("this command must run inside the work tree, not in the .git folder")
    return Repo(root=root, git_dir=git_dir, common_dir=common, shallow=shallow_s == "true", bare=bare)


def current_branch(root: Path) -> str | None:
    """The checked-out branch, or None on a detached HEAD."""
    return git.symbolic_ref(root, short=True)


def resolve(root: Path, rev: str) -> str | None:
    proc = git.run(["rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}"], root, check=False)
    sha = git.text(proc.stdout).strip()
    return sha if proc.returncode == 0 and sha else None
