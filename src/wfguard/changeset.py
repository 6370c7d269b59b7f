"""The change set every rule is evaluated over: changed paths, commits, branch and stage.

Each builder makes a constant number of git calls: one ``-z`` diff for paths, statuses and
renames, one ``git log`` for every commit with its message and trailers. Blob contents and
added lines are fetched only when a rule asks for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import git
from .git import EMPTY_TREE, BlobReader


@dataclass(frozen=True)
class ChangedPath:
    path: str
    status: str  # A, M, D, R, C, T (git's letters)
    old_path: str | None = None
    old_oid: str | None = None
    new_oid: str | None = None
    new_mode: str = "100644"

    @property
    def deleted(self) -> bool:
        return self.status == "D"

    @property
    def is_file(self) -> bool:
        """A regular file or symlink in the new tree (not a submodule, not deleted)."""
        return not self.deleted and self.new_mode not in ("160000", "000000")


@dataclass(frozen=True)
class Commit:
    sha: str
    message: str
    trailers: tuple[tuple[str, str], ...] = ()
    parents: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def short(self) -> str:
        return self.sha[:10]


@dataclass(frozen=True)
class AddedLine:
    line: int
    text: str


@dataclass
class ChangeSet:
    stage: str
    root: Path
    paths: tuple[ChangedPath, ...]
    commits: tuple[Commit, ...] = ()
    branch: str | None = None
    base: str | None = None
    head: str | None = None
    # the message being written (commit-msg), when there is one
    message: str | None = None
    # the remote refs a push or receive updates (refs/heads/x), for branch rules
    target_refs: tuple[str, ...] = ()
    # the args that select this change for `git diff` (range or --cached)
    diff_spec: tuple[str, ...] = ()
    _blobs: BlobReader | None = field(default=None, repr=False)
    _added: dict[str, list[AddedLine]] | None = field(default=None, repr=False)

    @property
    def blobs(self) -> BlobReader:
        if self._blobs is None:
            self._blobs = BlobReader(self.root)
        return self._blobs

    def content(self, cp: ChangedPath, limit: int | None = None) -> bytes:
        if cp.new_oid is None or cp.deleted:
            return b""
        return self.blobs.read(cp.new_oid, limit)

    def sizes(self, cps: Sequence[ChangedPath]) -> dict[str, int]:
        oids = [c.new_oid for c in cps if c.new_oid and c.is_file]
        by_oid = self.blobs.sizes(oids) if oids else {}
        return {c.path: by_oid.get(c.new_oid or "", 0) for c in cps if c.new_oid and c.is_file}

    def added_lines(self) -> Mapping[str, list[AddedLine]]:
        """Added lines per path, from one ``git diff -U0``; binary files have none."""
        if self._added is None:
            if not self.paths:
                self._added = {}
            else:
                proc = git.run(
                    ["diff", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "-M",
                     "--src-prefix=a/", "--dst-prefix=b/", *self.diff_spec],
                    self.root,
                )
                self._added = parse_patch(proc.stdout)
        return self._added

    def close(self) -> None:
        if self._blobs is not None:
            self._blobs.close()

    @property
    def all_messages(self) -> list[str]:
        msgs = [c.message for c in self.commits]
        if self.message is not None:
            msgs.append(self.message)
        return msgs

    def trailers(self) -> list[tuple[str, str]]:
        out = [t for c in self.commits for t in c.trailers]
        if self.message is not None:
            out.extend(parse_trailers(self.message))
        return out


# --- building change sets -------------------------------------------------------------------

def diff_paths(root: Path, spec: Sequence[str]) -> tuple[ChangedPath, ...]:
    proc = git.run(["diff", "--raw", "-z", "-M", "--no-abbrev", "--no-ext-diff", "--no-textconv",
                    *spec], root)
    return parse_raw(git.split_z(proc.stdout))


def parse_raw(fields: Sequence[str]) -> tuple[ChangedPath, ...]:
    out: list[ChangedPath] = []
    i = 0
    while i < len(fields):
        meta = fields[i]
        if not meta.startswith(":"):
            i += 1
            continue
        _old_mode, new_mode, old_oid, new_oid, status = meta[1:].split(" ")[:5]
        letter = status[0]
        if letter in "RC":
            old, new = fields[i + 1], fields[i + 2]
            i += 3
        else:
            old, new = None, fields[i + 1]
            i += 2
        out.append(ChangedPath(
            path=new, status=letter, old_path=old,
            old_oid=None if set(old_oid) == {"0"} else old_oid,
            new_oid=None if set(new_oid) == {"0"} else new_oid,
            new_mode=new_mode,
        ))
    return tuple(out)


_LOG_FORMAT = "%H%x00%P%x00%B%x00%(trailers:only,unfold)"


def log_commits(root: Path, revs: Sequence[str]) -> tuple[Commit, ...]:
    """Every commit in ``revs`` (oldest first) with message and trailers, in one git call."""
    proc = git.run(["log", "-z", "--reverse", f"--format={_LOG_FORMAT}", *revs, "--"], root)
    parts = git.split_z(proc.stdout)
    commits = []
    for i in range(0, len(parts) - 3, 4):
        sha, parents, body, trailers = parts[i : i + 4]
        commits.append(Commit(
            sha=sha.strip(), message=body, parents=tuple(parents.split()),
            trailers=tuple(_trailer_lines(trailers)),
        ))
    return tuple(commits)


def _trailer_lines(text: str) -> Iterable[tuple[str, str]]:
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            yield key.strip(), value.strip()


_TRAILER_RX = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)\s*:\s*(.*)$")


def parse_trailers(message: str) -> list[tuple[str, str]]:
    """Trailers of a message not yet committed: the last paragraph's ``Key: value`` lines."""
    paragraphs = [p for p in re.split(r"\n\s*\n", message.strip()) if p.strip()]
    if len(paragraphs) < 2:
        return []
    found = []
    for line in paragraphs[-1].splitlines():
        m = _TRAILER_RX.match(line)
        if m:
            found.append((m.group(1), m.group(2).strip()))
        elif line[:1].isspace() and found:  # a folded continuation line
            key, value = found[-1]
            found[-1] = (key, f"{value} {line.strip()}")
    return found


def from_range(root: Path, stage: str, base: str | None, head: str,
               branch: str | None = None, target_refs: Sequence[str] = ()) -> ChangeSet:
    """The change of ``base..head``; no base means everything ``head`` contains."""
    spec = (base or EMPTY_TREE, head)
    revs = [f"{base}..{head}"] if base else [head]
    return ChangeSet(
        stage=stage, root=root, paths=diff_paths(root, spec), commits=log_commits(root, revs),
        branch=branch, base=base, head=head, diff_spec=spec, target_refs=tuple(target_refs),
    )


def from_index(root: Path, stage: str, head: str | None, message: str | None = None,
               branch: str | None = None) -> ChangeSet:
    """What is staged, against HEAD (or the empty tree before the first commit)."""
    spec = ("--cached", head or EMPTY_TREE)
    return ChangeSet(
        stage=stage, root=root, paths=diff_paths(root, spec), branch=branch, base=head,
        message=message, diff_spec=spec,
    )


# --- patch parsing --------------------------------------------------------------------------

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_OCTAL = re.compile(r"[0-3][0-7]{2}")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f",
            "r": "\r", "v": "\v"}


def unquote(path: str) -> str:
    """Undo git's C-style quoting of a path in a patch header."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    s = path[1:-1]
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if _OCTAL.fullmatch(s[i + 1 : i + 4]):
                out.append(int(s[i + 1 : i + 4], 8))
                i += 4
                continue
            out += _ESCAPES.get(n, n).encode()
            i += 2
            continue
        out += c.encode("utf-8", "surrogateescape")
        i += 1
    return out.decode("utf-8", "surrogateescape")


def parse_patch(data: bytes) -> dict[str, list[AddedLine]]:
    result: dict[str, list[AddedLine]] = {}
    current: list[AddedLine] | None = None
    lineno = 0
    in_header = False
    for raw in data.split(b"\n"):
        if raw.startswith(b"diff --git "):
            in_header, current = True, None
            continue
        if in_header:
            if raw.startswith(b"+++ "):
                target = unquote(raw[4:].decode("utf-8", "surrogateescape"))
                if target != "/dev/null":
                    name = target[2:] if target.startswith("b/") else target
                    current = result.setdefault(name, [])
                continue
            if not raw.startswith(b"@@"):
                continue
        if raw.startswith(b"@@"):
            m = _HUNK.match(raw)
            lineno = int(m.group(1)) if m else 0
            in_header = False
            continue
        if current is not None and raw.startswith(b"+"):
            current.append(AddedLine(lineno, raw[1:].decode("utf-8", "replace")))
            lineno += 1
    return result
