"""What the base branch's history says about the workflow, read in three git processes: every
``Wfguard-Skip`` trailer (rule, reason, author, date, the paths its commit touched) and every
late repair (a commit that only adds changelog fragments, or only edits the changelog file, for
work already on the branch: the after-the-fact patching the workflow exists to prevent).
"""

from __future__ import annotations

from . import git
from .changeset import parse_trailers
from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


class HistoryCommit(NamedTuple):
    sha: str
    author: str
    date: str  # ISO 8601
    message: str
    changes: tuple[tuple[str, str], ...]  # (status letter, path)


class Skip(NamedTuple):
    rule: str
    reason: str
    author: str
    date: str
    sha: str
    paths: tuple[str, ...]


class Repair(NamedTuple):
    rule: str
    author: str
    date: str
    sha: str
    header: str
    paths: tuple[str, ...]


def commits(root: Path, revs: Sequence[str], watched: Sequence[str] = ()) -> list[HistoryCommit]:
    """The commits of ``revs`` (newest first) that the report reads: those with a skip trailer
    and those touching ``watched`` paths, with what they changed. Three git processes whatever
    the number of commits (a pathspec-limited log, the messages streamed, the changes of just
    the commits kept), and memory for the commits kept only."""
    touched: set[str] = set()
    if watched:
        out = git.run(["log", "--no-merges", "--format=%H", *revs, "--", *(f":(literal){p}" for p in watched)],
                      root).stdout
        touched = set(git.text(out).split())
    args = ["log", "-z", "--no-merges", "--format=%x1e%H%x1f%an%x1f%aI%x1f%B", *revs, "--"]
    proc = git.popen(args, root)
    assert proc.stdout is not None
    found: list[HistoryCommit] = []
    pending = b""

    def keep(raw: bytes) -> None:
        if raw.strip(b"\0\n") and (raw[:40].decode("ascii", "replace") in touched or b"wfguard-skip" in raw.lower()):
            found.append(_parse(raw))

    try:
        while chunk := proc.stdout.read(1 << 16):
            *records, pending = (pending + chunk).split(b"\x1e")
            for raw in records:
                keep(raw)
        keep(pending)
    finally:
        git.collect(proc, args)
    if not found:
        return found
    listing = git.run(["log", "--no-walk=unsorted", "--stdin", "-z", "--no-renames", "--name-status",
                       "--format=%x1e%H%x1f%x1f%x1f"], root, input="\n".join(c.sha for c in found).encode()).stdout
    changes = {c.sha: c.changes for c in (_parse(raw) for raw in listing.split(b"\x1e") if raw.strip(b"\0\n"))}
    return [c._replace(changes=changes.get(c.sha, ())) for c in found]


def _parse(raw: bytes) -> HistoryCommit:
    header, _, rest = raw.partition(b"\0")
    sha, author, date, message = [*git.text(header).split("\x1f", 3), "", "", ""][:4]
    fields = [git.text(f) for f in rest.lstrip(b"\n").split(b"\0") if f]
    changes = tuple((fields[i], fields[i + 1]) for i in range(0, len(fields) - 1, 2))
    return HistoryCommit(sha, author, date, message, changes)


def skips(c: HistoryCommit) -> list[Skip]:
    out = []
    for key, value in parse_trailers(c.message):
        if key.lower() == "wfguard-skip":
            rule, _, reason = value.partition(":")
            out.append(Skip(rule.strip(), reason.strip(), c.author, c.date, c.sha, tuple(p for _, p in c.changes)))
    return out


def repair(c: HistoryCommit, rule: str, folder: str | None, file: str | None) -> Repair | None:
    """``c`` as a late repair of the changelog rule ``rule``: it only adds fragments to ``folder``
    (fragments mode) or only edits ``file`` (file mode)."""
    if not c.changes:
        return None
    if folder is not None:
        prefix = folder.rstrip("/") + "/"
        late = all(status == "A" and path.startswith(prefix) for status, path in c.changes)
    else:
        late = file is not None and all(path == file and status == "M" for status, path in c.changes)
    if not late:
        return None
    return Repair(rule, c.author, c.date, c.sha, c.message.split("\n", 1)[0], tuple(p for _, p in c.changes))
