"""How wfguard runs git: one runner (bytes in, NUL-split records out, one decoding policy, one
error path) and the named operations every other module calls instead of assembling argv lists.
Kept where they are, on purpose: the change-set builders' diff/log formats (``changeset.py``: the
protocol it parses), repository discovery and ``resolve`` (``repo.py``), ``check``'s pair of
revisions in one call (``checkrange.py``), and two processes started early to run beside others
(``core.commentChar`` in commit-msg, the agents-block grep in ``check``)."""

from __future__ import annotations

import os

from .errors import GitError
from .records import TYPE_CHECKING, NamedTuple
from .spawn import GIT_BASE_ARGS, Proc, git_env, take_early

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path

__all__ = ["Proc"]

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
ZERO_SHA = "0" * 40

_BASE_ARGS = GIT_BASE_ARGS
_env = git_env


class PushResult(NamedTuple):
    ok: bool
    said: str  # what the remote or git said when it refused (its hook's own words first)


def _error(stderr: bytes, what: str) -> GitError:
    msg = stderr.decode("utf-8", "replace").strip() or f"git {what} failed"
    lines = msg.splitlines()
    return GitError(lines[-1], details=tuple(lines[:-1]))


class Completed(NamedTuple):
    returncode: int
    stdout: bytes
    stderr: bytes


def _start(args: Sequence[str], cwd: str | Path, env: dict[str, str] | None = None, stdin: bool = False) -> Proc:
    try:
        return Proc(["git", "-C", str(cwd), *_BASE_ARGS, *args], env or _env(), stdin=stdin)
    except FileNotFoundError as exc:  # pragma: no cover - git is a hard requirement
        raise GitError("git is not installed or not on PATH") from exc


def run(
    args: Sequence[str],
    cwd: str | Path,
    *,
    input: bytes | None = None,
    check: bool = True,
    index: str | Path | None = None,
) -> Completed:
    """Run ``git ARGS`` in ``cwd``; raise GitError with git's own message when it fails.
    ``index``: an index file of this call's own (never the process's environment)."""
    proc = take_early(str(cwd), args) if index is None and input is None else None
    if proc is None:
        env = _env()
        if index is not None:
            env["GIT_INDEX_FILE"] = str(index)
        proc = _start(args, cwd, env, stdin=input is not None)
    out, err = proc.communicate(input)
    assert proc.returncode is not None
    if check and proc.returncode != 0:
        raise _error(err, args[0])
    return Completed(proc.returncode, out, err)


def popen(args: Sequence[str], cwd: str | Path) -> Proc:
    """``git ARGS`` started, its output to be read from ``.stdout`` as it comes."""
    return take_early(str(cwd), args) or _start(args, cwd)


def collect(proc: Proc, args: Sequence[str]) -> bytes:
    """Wait for a process started with ``popen``; its stdout, or GitError with git's message."""
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise _error(stderr, args[0])
    return stdout


def text(data: bytes) -> str:
    """git's output as text: the one decoding policy (bytes that are not UTF-8 survive as
    surrogates, to be escaped when shown and restored when passed back to git)."""
    return data.decode("utf-8", "surrogateescape")


def out(args: Sequence[str], cwd: str | Path, *, input: bytes | None = None) -> str:
    return text(run(args, cwd, input=input).stdout).rstrip("\n")


def merge_base(a: str, b: str, cwd: str | Path) -> str | None:
    """The best common ancestor of ``a`` and ``b``; None when they share no history (git exits 1
    with nothing on stderr)."""
    proc = run(["merge-base", a, b], cwd, check=False)
    if proc.returncode == 1 and not proc.stderr.strip():
        return None
    if proc.returncode != 0:
        run(["merge-base", a, b], cwd)  # raises with git's own message
    return text(proc.stdout).strip()


def split_z(data: bytes) -> list[str]:
    """Split ``-z`` output into fields; file names that are not UTF-8 survive round trips."""
    text = data.decode("utf-8", "surrogateescape")
    if text.endswith("\0"):
        text = text[:-1]
    return text.split("\0") if text else []


def ok(args: Sequence[str], cwd: str | Path) -> bool:
    return run(args, cwd, check=False).returncode == 0


# --- named operations: reading ------------------------------------------------------------

def config_get(cwd: str | Path, key: str) -> str | None:
    proc = run(["config", "--get", key], cwd, check=False)
    return text(proc.stdout).strip() if proc.returncode == 0 else None


def config_scope(cwd: str | Path, key: str) -> tuple[str, str] | None:
    """(scope, value) of a setting: local, global, system, worktree or command."""
    proc = run(["config", "--show-scope", "--get", key], cwd, check=False)
    scope, _, value = text(proc.stdout).strip().partition("\t")
    return (scope, value) if proc.returncode == 0 else None


def config_matching(cwd: str | Path, pattern: str) -> dict[str, str]:
    proc = run(["config", "--get-regexp", pattern], cwd, check=False)
    return dict(ln.split(" ", 1) for ln in text(proc.stdout).splitlines() if " " in ln)


def git_path(cwd: str | Path, name: str) -> Path:
    """``.git/NAME`` as git resolves it (worktrees, ``core.hooksPath`` aside), absolute."""
    from pathlib import Path  # commands only: a hook does not import pathlib

    return Path(cwd, out(["rev-parse", "--git-path", name], cwd))


def symbolic_ref(cwd: str | Path, ref: str = "HEAD", *, short: bool = False) -> str | None:
    proc = run(["symbolic-ref", "-q", *(["--short"] if short else []), ref], cwd, check=False)
    name = text(proc.stdout).strip()
    return name if proc.returncode == 0 and name else None


def rev_parse(cwd: str | Path, rev: str) -> str:
    return out(["rev-parse", "--verify", "--end-of-options", rev], cwd)


def object_type(cwd: str | Path, oid: str) -> str | None:
    proc = run(["cat-file", "-t", oid], cwd, check=False)
    return text(proc.stdout).strip() or None


def blob_at(cwd: str | Path, rev: str, path: str) -> bytes | None:
    """The file ``path`` as commit ``rev`` has it; None when it has no such file."""
    proc = run(["cat-file", "blob", f"{rev}:{path}"], cwd, check=False)
    return proc.stdout if proc.returncode == 0 else None


def message(cwd: str | Path, rev: str = "HEAD") -> str:
    return out(["log", "-1", "--format=%B", rev], cwd)


def messages(cwd: str | Path, n: int, rev: str = "HEAD") -> list[str]:
    """The last ``n`` non-merge messages reachable from ``rev``, newest first."""
    data = run(["log", f"-{n}", "--no-merges", "--format=%B%x00", rev], cwd).stdout
    return [m.strip("\n") for m in text(data).split("\0") if m.strip()]


def tags(cwd: str | Path, pattern: str | None = None, *, merged_into: str | None = None) -> list[str]:
    args = ["tag", "--list", *(["--merged", merged_into] if merged_into else []), *([pattern] if pattern else [])]
    return text(run(args, cwd).stdout).split()


def tag_message(cwd: str | Path, tag: str) -> str:
    return text(run(["tag", "-l", "--format=%(contents)", tag], cwd).stdout).strip()


def upstream(cwd: str | Path) -> str | None:
    proc = run(["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"], cwd, check=False)
    return text(proc.stdout).strip() if proc.returncode == 0 else None


def behind_ahead(cwd: str | Path, upstream_ref: str, rev: str = "HEAD") -> tuple[int, int]:
    counts = text(run(["rev-list", "--left-right", "--count", f"{upstream_ref}...{rev}"], cwd).stdout).split()
    return int(counts[0]), int(counts[1])


def dirty_tracked(cwd: str | Path) -> list[str]:
    """Tracked paths with staged or unstaged changes (untracked files are not counted)."""
    data = run(["status", "--porcelain=v1", "-z", "--untracked-files=no"], cwd).stdout
    return [entry[3:] for entry in split_z(data) if len(entry) > 3]


def unstaged_paths(cwd: str | Path) -> list[str]:
    return split_z(run(["diff", "--name-only", "-z"], cwd, check=False).stdout)


def staged_deletion(cwd: str | Path, path: str) -> bool:
    data = run(["diff", "--cached", "--name-only", "-z", "--diff-filter=D", "--", path], cwd, check=False).stdout
    return path in split_z(data)


def remote_exists(cwd: str | Path, remote: str) -> bool:
    return ok(["remote", "get-url", remote], cwd)


def remote_urls(cwd: str | Path) -> dict[str, str]:
    return config_matching(cwd, r"^remote\..*\.url$")


def first_branch(cwd: str | Path) -> str | None:
    """Some branch of the repository (``refs/heads/...``), None when it has none."""
    return out(["for-each-ref", "--count=1", "--format=%(refname)", "refs/heads/"], cwd) or None


def valid_branch_name(cwd: str | Path, name: str) -> bool:
    return ok(["check-ref-format", "--branch", name], cwd)


# --- named operations: writing ------------------------------------------------------------

def add(cwd: str | Path, paths: Sequence[str]) -> None:
    if paths:
        run(["add", "--", *paths], cwd)


def add_tracked_changes(cwd: str | Path) -> None:
    """``git add -u``: tracked modifications only, never an untracked file."""
    run(["add", "-u"], cwd)


def remove(cwd: str | Path, path: str, *, cached: bool = False) -> None:
    run(["rm", "-q", *(["--cached"] if cached else ["-f"]), "--ignore-unmatch", "--", path], cwd)


def write_tree(cwd: str | Path) -> str:
    """The index as a tree (git writes the objects a commit would write anyway)."""
    return out(["write-tree"], cwd)


def read_tree(cwd: str | Path, tree: str) -> None:
    run(["read-tree", tree], cwd)


def planned_tree(cwd: str | Path, *, tracked_changes: bool = False, contents: Mapping[str, bytes] | None = None
                 ) -> str:
    """The tree the index would hold after ``git add -u`` (``tracked_changes``) and staging
    ``contents`` (path -> bytes), built in a scratch copy of the index: the real index, the work
    tree and the environment are left as they are."""
    import shutil
    import tempfile

    given = os.environ.get("GIT_INDEX_FILE")
    real = os.path.join(cwd, given) if given else git_path(cwd, "index")
    with tempfile.TemporaryDirectory(prefix="wfguard-index-") as tmp:
        scratch = os.path.join(tmp, "index")
        if os.path.exists(real):
            # copy2 keeps the mtime: git compares file times with it to spot "racy" entries (a file
            # changed within the second the index was written), and a newer copy hides them
            shutil.copy2(real, scratch)
        if tracked_changes:
            run(["add", "-u"], cwd, index=scratch)
        for path, data in (contents or {}).items():
            oid = out(["hash-object", "-w", "--stdin"], cwd, input=data)
            run(["update-index", "--add", "--cacheinfo", f"100644,{oid},{path}"], cwd, index=scratch)
        return text(run(["write-tree"], cwd, index=scratch).stdout).strip()


def commit(cwd: str | Path, message_text: str) -> str:
    """Commit the index with ``message_text`` (hooks run); the new commit's id."""
    run(["commit", "-q", "-F", "-"], cwd, input=message_text.encode("utf-8", "surrogateescape"))
    return rev_parse(cwd, "HEAD")


def switch_new(cwd: str | Path, branch: str) -> None:
    """A new branch here, keeping the index and the work tree."""
    run(["switch", "-q", "-c", branch], cwd)


def tag_annotated(cwd: str | Path, name: str, message_text: str) -> None:
    # whitespace, not strip: Markdown headings ("### Added") must survive as the tag's message
    run(["tag", "-a", "--cleanup=whitespace", "-F", "-", name], cwd, input=message_text.encode())


def push(cwd: str | Path, remote: str, refspecs: Sequence[str], *, set_upstream: bool = False,
         atomic: bool = False) -> PushResult:
    args = ["push", "-q", *(["-u"] if set_upstream else []), *(["--atomic"] if atomic else []), remote, *refspecs]
    proc = run(args, cwd, check=False)
    lines = text(proc.stderr).strip().splitlines()
    said = [ln for ln in lines if ln.startswith("remote:") or "rejected" in ln] or lines[-1:]
    return PushResult(proc.returncode == 0, " / ".join(said[:6]))


def objects_dir(cwd: str | Path) -> str | None:
    """Where the repository at ``cwd`` keeps its loose objects, read from the files git keeps
    (``.git``, a worktree's ``gitdir:`` and ``commondir``); None when that is not plain."""
    if os.environ.get("GIT_OBJECT_DIRECTORY"):  # pre-receive's quarantine, or the user's own
        return os.path.join(cwd, os.environ["GIT_OBJECT_DIRECTORY"])
    dotgit = os.path.join(cwd, ".git")
    if os.path.isfile(dotgit):  # a worktree or a submodule
        try:
            with open(dotgit, encoding="utf-8") as fh:
                pointer = fh.read()
        except (OSError, UnicodeDecodeError):
            return None
        if not pointer.startswith("gitdir: "):
            return None
        dotgit = os.path.join(cwd, pointer[8:].strip())
        try:
            with open(os.path.join(dotgit, "commondir"), encoding="utf-8") as fh:
                dotgit = os.path.join(dotgit, fh.read().strip())
        except (OSError, UnicodeDecodeError):
            pass  # a submodule's git dir is its own common dir
    elif not os.path.isdir(dotgit):
        dotgit = os.fspath(cwd)  # a bare repository: cwd is the git dir
    objects = os.path.normpath(os.path.join(dotgit, "objects"))
    return objects if os.path.isdir(objects) else None


_LOOSE_MAX = 1 << 20  # compressed bytes; anything larger streams through cat-file


def read_loose(objects: str, oid: str, limit: int | None = None) -> tuple[int, bytes] | None:
    """(size, content or its first ``limit`` bytes) of a loose blob, read and inflated here.

    A file ``git add`` has just staged is a loose object, so a hook usually reads the blobs it
    needs without starting ``git cat-file`` (one process fewer). An object is named by its
    content, so one found under its id is the right one wherever the file was found; anything
    else (packed, another object type, an odd header, larger than ``_LOOSE_MAX``) returns None
    and is read by git."""
    if len(oid) < 40 or not oid.isalnum():
        return None
    try:
        with open(os.path.join(objects, oid[:2], oid[2:]), "rb") as fh:
            # the header (type and size) is in the first bytes: a size needs no more
            raw = fh.read(_LOOSE_MAX + 1 if limit != 0 else 512)
    except OSError:
        return None
    if len(raw) > _LOOSE_MAX:
        return None
    import zlib

    inflate = zlib.decompressobj()
    try:
        head = inflate.decompress(raw, 64)
        nul = head.find(b"\0")
        kind, _, size_text = head[:nul].partition(b" ")
        if nul < 0 or kind != b"blob" or not size_text.isdigit():
            return None
        size = int(size_text)
        keep = size if limit is None else min(size, limit)
        data = head[nul + 1:]
        if len(data) < keep:
            data += inflate.decompress(inflate.unconsumed_tail, keep - len(data))
    except zlib.error:
        return None
    data = data[:keep]
    return (size, data) if len(data) == keep else None


class BlobReader:
    """Reads blob contents on demand: loose objects in-process, the rest through one
    long-lived ``git cat-file --batch``."""

    def __init__(self, cwd: str | Path) -> None:
        self._cwd = cwd
        self._proc: Proc | None = None
        self._sizes: dict[str, int] = {}
        self._objects: str | bool | None = False  # False: not looked up yet

    def _start(self) -> Proc:
        if self._proc is None:
            self._proc = _start(["cat-file", "--batch"], self._cwd, stdin=True)
        return self._proc

    def read(self, oid: str, limit: int | None = None) -> bytes:
        """Return the blob's content (or its first ``limit`` bytes, streaming past the rest)."""
        loose = self._loose(oid, limit)
        if loose is not None:
            return loose
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(oid.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            raise GitError(f"object {oid} is missing from the repository")
        size = int(header[2])
        self._sizes[oid] = size
        keep = size if limit is None else min(size, limit)
        data = proc.stdout.read(keep)
        remaining = size - keep
        while remaining > 0:  # stream through the rest so memory stays bounded
            chunk = proc.stdout.read(min(remaining, 1 << 20))
            if not chunk:
                break
            remaining -= len(chunk)
        proc.stdout.read(1)  # the newline after the content
        return data

    def _loose(self, oid: str, limit: int | None) -> bytes | None:
        if self._objects is False:
            self._objects = objects_dir(self._cwd)
        if not isinstance(self._objects, str):
            return None
        loose = read_loose(self._objects, oid, limit)
        if loose is None:
            return None
        self._sizes[oid] = loose[0]
        return loose[1]

    def sizes(self, oids: Sequence[str]) -> dict[str, int]:
        """Sizes of many blobs: a few loose ones from their headers, the rest with one
        ``git cat-file --batch-check`` process."""
        if len(oids) <= 64:  # a hook's staged files; a range's many blobs are mostly packed
            for oid in oids:
                if oid not in self._sizes:
                    self._loose(oid, 0)
        wanted = [o for o in oids if o not in self._sizes]
        if wanted:
            res = run(["cat-file", "--batch-check"], self._cwd, input="\n".join(wanted).encode() + b"\n")
            for line in text(res.stdout).splitlines():
                parts = line.split()
                if len(parts) == 3:
                    self._sizes[parts[0]] = int(parts[2])
        return {o: self._sizes.get(o, 0) for o in oids}

    def read_many(self, oids: Sequence[str], limit: int = 1 << 20) -> dict[str, bytes | None]:
        """Contents of many blobs; blobs over ``limit`` bytes map to None (read no further)."""
        if len(oids) <= 8:  # the usual hook: one process, streamed, memory bounded by ``limit``
            out: dict[str, bytes | None] = {}
            for oid in oids:
                data = self.read(oid, limit + 1)
                out[oid] = data if len(data) <= limit else None
            return out
        sizes = self.sizes(oids)
        small = [o for o in dict.fromkeys(oids) if sizes.get(o, 0) <= limit]
        result: dict[str, bytes | None] = {o: None for o in oids}
        if not small:
            return result
        data = run(["cat-file", "--batch"], self._cwd, input="\n".join(small).encode() + b"\n").stdout
        pos = 0
        for oid in small:
            end = data.index(b"\n", pos)
            header = data[pos:end].split()
            pos = end + 1
            if len(header) < 3 or header[1] == b"missing":
                continue
            size = int(header[2])
            result[oid] = data[pos : pos + size]
            pos += size + 1
        return result

    def stream_blocks(self, oid: str, size: int = 1 << 20) -> Iterator[bytes]:
        """The blob in blocks of about ``size`` bytes that end at a line end (a line longer than
        a block is cut): memory stays bounded whatever the blob's size."""
        args = ["cat-file", "blob", oid]
        proc = popen(args, self._cwd)
        assert proc.stdout is not None
        try:
            rest = b""
            while chunk := proc.stdout.read(size):
                data = rest + chunk
                cut = data.rfind(b"\n") + 1
                if cut == 0 and len(data) < 2 * size:
                    rest = data
                    continue
                cut = cut or len(data)
                yield data[:cut]
                rest = data[cut:]
            if rest:
                yield rest
        finally:
            proc.close()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._proc is not None:
            self._proc.close()
            self._proc = None
