"""The change set every rule is evaluated over: changed paths, commits, branch and stage.

Each builder makes a constant number of git calls: one ``-z`` diff for paths, statuses and
renames, one ``git log`` for every commit with its message and trailers. Blob contents and
added lines are fetched only when a rule asks for them.
"""

from __future__ import annotations

import io

from . import git, lazyre
from .git import EMPTY_TREE, ZERO_SHA, BlobReader
from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from pathlib import Path

# Content rules read added lines of files up to this size; bigger files are left to max_size.
CONTENT_SCAN_LIMIT = 8 * 1024 * 1024


class ChangedPath(NamedTuple):
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


class Commit(NamedTuple):
    sha: str
    message: str
    parents: tuple[str, ...] = ()

    @property
    def trailers(self) -> list[tuple[str, str]]:
        return parse_trailers(self.message)

    @property
    def header(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def short(self) -> str:
        return self.sha[:10]


class AddedLine(NamedTuple):
    line: int
    text: str


_FIELDS = frozenset({"stage", "root", "paths", "commits", "base", "head", "message", "target_refs", "diff_spec"})


class ChangeSet:
    """One change to evaluate: a value, built whole by one of the constructors below and never
    changed after (``with_message`` makes a new one). What it fetches on demand (blobs, added
    lines, the branch) is cached privately. The blob reader is a process with a lifetime: use the
    change set in a ``with`` block (or call ``close()``) to end it."""

    def __init__(
        self,
        stage: str,
        root: str | Path,
        paths: tuple[ChangedPath, ...],
        commits: tuple[Commit, ...] = (),
        branch: str | None = None,
        base: str | None = None,
        head: str | None = None,
        message: str | None = None,
        target_refs: tuple[str, ...] = (),
        diff_spec: tuple[str, ...] = (),
    ) -> None:
        self.stage = stage
        self.root = root
        self.paths = paths
        self.commits = commits
        self._branch = branch
        self.base = base
        self.head = head
        self.message = message  # the message being written (commit-msg), when there is one
        self.target_refs = target_refs  # remote refs a push or receive updates (refs/heads/x)
        self.diff_spec = diff_spec  # what selects this change for `git diff` (range or --cached)
        self._blobs: BlobReader | None = None
        self._branch_looked_up = False
        self._added: dict[str, list[AddedLine]] | None = None
        self._removed: dict[str, list[str]] = {}
        self._big: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: object) -> None:
        if name in _FIELDS and name in self.__dict__:
            raise AttributeError(f"a ChangeSet is a value: {name} cannot change (build a new one)")
        object.__setattr__(self, name, value)

    def with_message(self, message: str) -> ChangeSet:
        """The same change with the message being written (commit-msg)."""
        return ChangeSet(self.stage, self.root, self.paths, self.commits, self._branch, self.base, self.head,
                         message, self.target_refs, self.diff_spec)

    def current_branch(self) -> str | None:
        """The branch, asking git only the first time a rule needs it (None: detached HEAD)."""
        if self._branch is None and not self._branch_looked_up:
            from .repo import current_branch

            self._branch = current_branch(self.root)
            self._branch_looked_up = True
        return self._branch

    @property
    def blobs(self) -> BlobReader:
        if self._blobs is None:
            self._blobs = BlobReader(self.root)
        return self._blobs

    def content(self, cp: ChangedPath, limit: int | None = None) -> bytes:
        if cp.new_oid is None or cp.deleted:
            return b""
        return self.blobs.read(cp.new_oid, limit)

    def contents(self, cps: Sequence[ChangedPath], limit: int = 1 << 20) -> dict[str, bytes | None]:
        """New contents of many paths in one git call; None for those over ``limit`` bytes."""
        oids = [c.new_oid for c in cps if c.new_oid and c.is_file]
        by_oid = self.blobs.read_many(oids, limit) if oids else {}
        return {c.path: (by_oid.get(c.new_oid) if c.new_oid and c.is_file else b"") for c in cps}

    def sizes(self, cps: Sequence[ChangedPath]) -> dict[str, int]:
        oids = [c.new_oid for c in cps if c.new_oid and c.is_file]
        by_oid = self.blobs.sizes(oids) if oids else {}
        return {c.path: by_oid.get(c.new_oid or "", 0) for c in cps if c.new_oid and c.is_file}

    def added_lines(self) -> Mapping[str, list[AddedLine]]:
        """Added lines per path, streamed from one ``git diff -U0 --text``: every file is read as
        git stores it, whatever ``.gitattributes`` says (``-diff``, ``binary``) and whether or not
        it holds NUL bytes. Files over CONTENT_SCAN_LIMIT are left out of the diff (git would load
        them whole) and streamed instead, every line counting as added."""
        if self._added is None:
            live = [cp for cp in self.paths if cp.is_file and cp.new_oid]
            big = [p for p, size in self.sizes(live).items() if size > CONTENT_SCAN_LIMIT] if live else []
            if not live:
                self._added = {}
            else:
                excludes = [f":(exclude,literal){p}" for p in big]
                args = ["diff", "-U0", "--text", "--no-color", "--no-ext-diff", "--no-textconv", "-M",
                        "--src-prefix=a/", "--dst-prefix=b/", *self.diff_spec, "--", *([":/"] if big else []),
                        *excludes]
                proc = git.popen(args, self.root)
                assert proc.stdout is not None
                try:
                    self._added = parse_patch(proc.stdout, self._removed)
                finally:
                    git.collect(proc, args)
            self._big = tuple(big)
        return self._added

    def removed_lines(self) -> Mapping[str, list[str]]:
        """The lines each changed file loses, from the same diff as ``added_lines`` (at most
        REMOVED_KEPT + 1 per file are kept: a longer list only says "more than that")."""
        self.added_lines()
        return self._removed

    def added_big(self) -> Iterator[tuple[str, int, str]]:
        """Files too large for the diff, streamed in blocks of whole lines (never held whole):
        (path, number of the block's first line, text). Every line counts as added."""
        self.added_lines()
        by_path = {cp.path: cp for cp in self.paths}
        for path in self._big:
            oid = by_path[path].new_oid
            assert oid is not None
            first = 1
            for block in self.blobs.stream_blocks(oid):
                yield path, first, _line_text(block)
                first += block.count(b"\n")

    def removed_under(self, folder: str) -> tuple[ChangedPath, ...]:
        """Files directly in ``folder`` that this change deletes, including those a commit of a
        range deletes after an earlier one added them (a feature and its release in one push):
        the net diff shows neither, the log of the range both. One git call, for ranges only."""
        prefix = folder + "/"
        net = tuple(cp for cp in self.paths if cp.deleted and cp.path.startswith(prefix))
        if self.head is None or len(self.diff_spec) != 2:  # not a range of commits: the net change says it all
            return net
        base, head = self.diff_spec
        revs = [head] if base == EMPTY_TREE else [f"{base}..{head}"]
        args = ["log", "--format=", "--raw", "-z", "--no-renames", "--no-abbrev", "--diff-filter=D",
                *revs, "--", f":(literal){folder}"]
        present = {cp.path for cp in self.paths if not cp.deleted}
        seen: dict[str, ChangedPath] = {cp.path: cp for cp in net}
        for cp in parse_raw(git.split_z(git.run(args, self.root).stdout)):
            if cp.path not in present and cp.path.startswith(prefix):
                seen.setdefault(cp.path, cp)
        return tuple(seen.values())

    def old_contents(self, cps: Sequence[ChangedPath], limit: int = 1 << 20) -> dict[str, bytes | None]:
        """What deleted (or changed) paths held before, in one git call."""
        oids = [c.old_oid for c in cps if c.old_oid]
        by_oid = self.blobs.read_many(oids, limit) if oids else {}
        return {c.path: by_oid.get(c.old_oid) if c.old_oid else b"" for c in cps}

    def __enter__(self) -> ChangeSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._blobs is not None:
            self._blobs.close()

    @property
    def all_messages(self) -> list[str]:
        msgs = [c.message for c in self.commits]
        if self.message is not None:
            msgs.append(self.message)
        return msgs

    def trailer_values(self, key: str) -> list[str]:
        """Values of trailer ``key`` in every message of the change (case-insensitive key)."""
        needle = key.lower()
        out: list[str] = []
        for message in self.all_messages:
            if needle in message.lower():  # most messages have no such trailer: skip parsing them
                out += [v for k, v in parse_trailers(message) if k.lower() == key.lower()]
        return out


# --- building change sets -------------------------------------------------------------------

def _diff_argv(spec: Sequence[str]) -> list[str]:
    return ["diff", "--raw", "-z", "-M", "--no-abbrev", "--no-ext-diff", "--no-textconv", *spec]


def diff_paths(root: str | Path, spec: Sequence[str]) -> tuple[ChangedPath, ...]:
    return parse_raw(git.split_z(git.run(_diff_argv(spec), root).stdout))


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
        out.append(ChangedPath(new, letter, old, None if old_oid == ZERO_SHA else old_oid,
                               None if new_oid == ZERO_SHA else new_oid, new_mode))
    return tuple(out)


_LOG_FORMAT = "%H%x00%P%x00%B"


def _log_argv(revs: Sequence[str]) -> list[str]:
    return ["log", "-z", "--reverse", f"--format={_LOG_FORMAT}", *revs, "--"]


def parse_log(data: bytes) -> tuple[Commit, ...]:
    return tuple(_commits(git.split_z(data)))


def log_commits(root: str | Path, revs: Sequence[str]) -> tuple[Commit, ...]:
    """Every commit in ``revs`` (oldest first) with its message, in one git call."""
    return parse_log(git.run(_log_argv(revs), root).stdout)


_TRAILER_RX = lazyre.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)\s*:\s*(.*)$")
_PARAGRAPH_BREAK = lazyre.compile(r"\n[ \t]*\n")


def parse_trailers(message: str) -> list[tuple[str, str]]:
    """Trailers as git reads them: the last paragraph (not the subject), when it is all
    ``Key: value`` lines, or at least a quarter of them with a git-written one among them."""
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(message.strip()) if p.strip()]
    if len(paragraphs) < 2:
        return []
    found: list[tuple[str, str]] = []
    other = 0
    for line in paragraphs[-1].splitlines():
        m = _TRAILER_RX.match(line)
        if m:
            found.append((m.group(1), m.group(2).strip()))
        elif line[:1].isspace() and found:  # a folded continuation line
            key, value = found[-1]
            found[-1] = (key, f"{value} {line.strip()}")
        elif not line.startswith("#"):
            other += 1
    if other and not (len(found) * 3 >= other and any(k.lower() == "signed-off-by" for k, _ in found)):
        return []
    return found


def from_range(root: str | Path, stage: str, base: str | None, head: str,
               branch: str | None = None, target_refs: Sequence[str] = ()) -> ChangeSet:
    """The change of ``base..head``; no base means everything ``head`` contains."""
    spec = (base or EMPTY_TREE, head)
    pending = PendingLog(root, base, head)  # the log and the diff run side by side
    commits = pending.commits()
    return ChangeSet(
        stage=stage, root=root, paths=pending.paths(base), commits=commits,
        branch=branch, base=base, head=head, diff_spec=spec, target_refs=tuple(target_refs),
    )


class PendingLog:
    """A ``git log`` (and a speculative ``git diff``) started as early as possible. A thread
    drains and parses the log as it streams, so git's history walk and the parsing overlap
    each other and whatever the caller does meanwhile (imports, config)."""

    def __init__(self, root: str | Path, base: str | None, head: str) -> None:
        self.root, self.base, self.head = root, base, head
        self.args = _log_argv([f"{base}..{head}"] if base else [head])
        self.proc = git.popen(self.args, root)
        # right whenever base is an ancestor of head (the usual case); redone otherwise
        self.diff_args = _diff_argv((base or EMPTY_TREE, head))
        self.diff = git.popen(self.diff_args, root)
        self._commits: list[Commit] = []
        import threading  # check's path only: a hook never starts a thread

        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        stdout = self.proc.stdout
        assert isinstance(stdout, io.BufferedReader)
        read = stdout.read1  # whatever has arrived, without waiting for a full buffer
        pending = b""
        fields: list[str] = []
        while chunk := read(1 << 16):
            *done, pending = (pending + chunk).split(b"\0")
            fields += [f.decode("utf-8", "surrogateescape") for f in done]
            usable = len(fields) - len(fields) % 3
            self._commits += _commits(fields[:usable])
            del fields[:usable]
        if pending:
            fields.append(pending.decode("utf-8", "surrogateescape"))
        self._commits += _commits(fields)

    def commits(self) -> tuple[Commit, ...]:
        self._thread.join()  # the thread read the output to its end: collecting only waits
        git.collect(self.proc, self.args)
        return tuple(self._commits)

    def paths(self, merge_base: str | None) -> tuple[ChangedPath, ...]:
        data = git.collect(self.diff, self.diff_args)
        if merge_base == self.base:
            return parse_raw(git.split_z(data))
        return diff_paths(self.root, (merge_base or EMPTY_TREE, self.head))


def _commits(fields: list[str]) -> list[Commit]:
    return [Commit(fields[i].strip(), fields[i + 2], tuple(fields[i + 1].split()))
            for i in range(0, len(fields) - 2, 3)]


def from_merge_base(root: str | Path, stage: str, base: str, head: str, branch: str | None = None,
                    pending: PendingLog | None = None, target_refs: Sequence[str] = ()) -> ChangeSet:
    """The change of ``merge-base(base, head)..head``: what a pull request shows.

    ``log base..head`` needs no merge-base. When the log shows ``base`` as a parent of a
    commit in the range, ``base`` is the merge-base and the costly ``merge-base`` walk is not
    needed, and the diff started beside the log is the right one.
    """
    pending = pending or PendingLog(root, base, head)
    commits = pending.commits()
    if base == head or any(base in c.parents for c in commits):
        merge_base = base  # base is an ancestor of head: it is the merge-base, no walk needed
    else:
        found = git.merge_base(base, head, root)
        if found is None:
            from .errors import NoCommonHistory

            raise NoCommonHistory(f"{base} and {head} share no history")
        merge_base = found
    return ChangeSet(
        stage=stage, root=root, paths=pending.paths(merge_base), commits=commits,
        branch=branch, base=merge_base, head=head, diff_spec=(merge_base, head), target_refs=tuple(target_refs),
    )


def for_ref_update(root: str | Path, stage: str, old: str | None, new: str, ref: str,
                   already_there: Sequence[str]) -> ChangeSet:
    """The change one ref update brings (a pre-push line, a pre-receive line): against the old
    tip when there is one, else the new work that ``already_there`` (rev-list exclusions: what
    the other side has) does not hold yet."""
    if old is not None:
        return from_merge_base(root, stage, old, new, target_refs=(ref,))
    return from_range(root, stage, new_work_base(root, new, already_there), new, target_refs=(ref,))


def new_work_base(root: str | Path, head: str, exclude: Sequence[str]) -> str | None:
    """Where the new work of ``head`` starts: the parent of its oldest commit that the other
    side does not have yet (None when all of its history is new)."""
    proc = git.run(["rev-list", "--topo-order", "--reverse", "--parents", head, *exclude], root)
    lines = git.text(proc.stdout).splitlines()
    if not lines:
        return head  # nothing new
    first = lines[0].split()
    return first[1] if len(first) > 1 else None


def from_unpushed(root: str | Path, stage: str, upstream: str | None, branch: str, message: str,
                  target_ref: str, tree: str) -> ChangeSet:
    """What a push will carry before the commit is made: the commits since ``upstream`` plus
    ``tree`` (the commit ``ship`` plans), with the message about to be committed."""
    head = _resolve(root, "HEAD")
    base = git.merge_base(upstream, head, root) if upstream and head else upstream
    spec = (base or EMPTY_TREE, tree)
    commits = log_commits(root, [f"{base}..HEAD"] if base else ["HEAD"]) if head else ()
    return ChangeSet(stage, root, diff_paths(root, spec), commits, branch=branch, base=base, message=message,
                     target_refs=(target_ref,), diff_spec=spec)


def _resolve(root: str | Path, rev: str) -> str | None:
    from .repo import resolve

    return resolve(root, rev)


def from_tree(root: str | Path, stage: str, tree: str, message: str | None = None, branch: str | None = None
              ) -> ChangeSet:
    """A commit not made yet: ``tree`` (what ``ship`` plans to commit) against HEAD."""
    base = _resolve(root, "HEAD") or EMPTY_TREE
    spec = (base, tree)
    return ChangeSet(stage=stage, root=root, paths=diff_paths(root, spec), branch=branch, message=message,
                     diff_spec=spec)


def from_index(root: str | Path, stage: str, message: str | None = None, branch: str | None = None) -> ChangeSet:
    """What is staged, against HEAD (git itself uses the empty tree before the first commit).
    git sets GIT_INDEX_FILE for `commit -a` and `commit <paths>`; it reaches git through the
    environment, so the index git is about to commit is the one read."""
    spec = ("--cached",)
    return ChangeSet(stage=stage, root=root, paths=diff_paths(root, spec), branch=branch,
                     message=message, diff_spec=spec)


# --- patch parsing --------------------------------------------------------------------------

_HUNK = lazyre.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_OCTAL = lazyre.compile(r"[0-3][0-7]{2}")
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


REMOVED_KEPT = 50


def parse_patch(data: bytes | Iterable[bytes], removed: dict[str, list[str]] | None = None
                ) -> dict[str, list[AddedLine]]:
    """Added lines per file of a ``-U0`` patch, read line by line (a stream or bytes); the lines
    each file loses go to ``removed`` when it is given (REMOVED_KEPT + 1 at most per file)."""
    result: dict[str, list[AddedLine]] = {}
    current: list[AddedLine] | None = None
    gone: list[str] | None = None
    lineno = 0
    in_header = False
    lines = data.split(b"\n") if isinstance(data, bytes) else (ln.rstrip(b"\n") for ln in data)
    for raw in lines:
        if raw.startswith(b"diff --git "):
            in_header, current, gone = True, None, None
            continue
        if in_header:
            if raw.startswith(b"+++ "):
                # git ends the line with a tab when the (unquoted) name holds a space
                target = unquote(raw[4:].decode("utf-8", "surrogateescape").removesuffix("\t"))
                if target != "/dev/null":
                    name = target[2:] if target.startswith("b/") else target
                    current = result.setdefault(name, [])
                    gone = removed.setdefault(name, []) if removed is not None else None
                continue
            if not raw.startswith(b"@@"):
                continue
        if raw.startswith(b"@@"):
            m = _HUNK.match(raw)
            lineno = int(m.group(1)) if m else 0
            in_header = False
            continue
        if current is not None and raw.startswith(b"+"):
            current.append(AddedLine(lineno, _line_text(raw[1:])))
            lineno += 1
        elif gone is not None and raw.startswith(b"-") and len(gone) <= REMOVED_KEPT:
            gone.append(_line_text(raw[1:]))
    return result


def _line_text(raw: bytes) -> str:
    """A line as text for content rules. NUL bytes are dropped, so the ASCII of a UTF-16 file
    (or text inside a binary one) is searched as the characters it spells."""
    if b"\0" in raw:
        raw = raw.replace(b"\0", b"").replace(b"\xff\xfe", b"").replace(b"\xfe\xff", b"")
    return raw.rstrip(b"\r\n").decode("utf-8", "replace")  # a block keeps its inner line ends
