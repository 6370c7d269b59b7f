"""Shared workflows from another repository, read from exactly the pinned commit.

Each repository is fetched with the system git (argv lists, no shell) into a bare cache under
``$XDG_CACHE_HOME/wfguard/repos/``. What is read is verified by id: the commit, every tree on
the path and the file itself are hashed here and compared with the ids that name them, so a
damaged or tampered cache is never trusted (it is fetched again when fetching is allowed, and
refused otherwise). Hooks never fetch: a cache miss there fails closed with the command that
fixes it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from .. import git
from ..errors import ConfigError, GitError, WfguardError
from ..records import NamedTuple

FULL_SHA = re.compile(r"^[0-9a-f]{40}$")
MAX_DEPTH = 5


class Pin(NamedTuple):
    url: str
    ref: str  # a full commit id
    path: str
    track: str | None = None

    @property
    def label(self) -> str:
        return f"{self.url}@{self.ref[:12]}:{self.path}"


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wfguard" / "repos"


def cache_dir(url: str) -> Path:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", url.rstrip("/").rsplit("/", 1)[-1])[:40] or "repo"
    return cache_root() / f"{name}-{hashlib.sha256(url.encode()).hexdigest()[:16]}.git"


class NotCached(WfguardError):
    """The pinned commit is not in the cache and this caller may not fetch (a hook)."""


def fetch(url: str, commit: str | None = None) -> Path:
    """Fill the cache for ``url`` (every branch and tag, and ``commit`` if it is not among them)."""
    repo = cache_dir(url)
    if not (repo / "HEAD").exists():
        repo.parent.mkdir(parents=True, exist_ok=True)
        git.run(["init", "-q", "--bare", str(repo)], repo.parent)
    try:
        git.run(["fetch", "-q", "--prune", "--no-write-fetch-head", "--", url,
                 "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"], repo)
    except GitError as exc:
        raise WfguardError(f"cannot fetch the shared workflow repository {url}: {exc.message}",
                           details=exc.details, hint="check the URL and your access (git ls-remote URL)") from None
    if commit is not None and not _has_commit(repo, commit):
        git.run(["fetch", "-q", "--no-write-fetch-head", "--", url, commit], repo, check=False)
        if not _has_commit(repo, commit):
            raise WfguardError(f"{url} has no commit {commit}",
                               hint="run 'wfguard update' to pin a commit the repository has")
    return repo


def _has_commit(repo: Path, commit: str) -> bool:
    return git.object_type(repo, commit) == "commit"


def read(pin: Pin, *, allow_fetch: bool) -> bytes:
    """The bytes of ``pin.path`` at ``pin.ref``, verified by id."""
    if not FULL_SHA.match(pin.ref):
        raise ConfigError(f"ref {pin.ref!r} of {pin.url} is not a full 40-hex commit id",
                          hint="pin a commit: 'wfguard update' writes the newest commit of 'track' into ref")
    repo = cache_dir(pin.url)
    for attempt in (1, 2):
        if not (repo / "HEAD").exists() or not _has_commit(repo, pin.ref):
            if not allow_fetch:
                raise NotCached(f"the shared workflow {pin.label} is not in the cache ({cache_root()})",
                                hint="run 'wfguard update --fetch-only' (hooks never touch the network)")
            fetch(pin.url, pin.ref)
        try:
            return _verified_blob(repo, pin.ref, pin.path)
        except _Corrupt as exc:
            if attempt == 2 or not allow_fetch:
                raise WfguardError(f"the cached copy of {pin.url} is damaged ({exc}); it was not used",
                                   hint="run 'wfguard update --fetch-only' to fetch it again") from None
            shutil.rmtree(repo, ignore_errors=True)  # never trusted again: fetched anew
    raise AssertionError("unreachable")


class _Corrupt(Exception):
    pass


def _object(repo: Path, oid: str) -> tuple[str, bytes]:
    proc = git.run(["cat-file", "--batch"], repo, input=oid.encode() + b"\n", check=False)
    header, _, rest = proc.stdout.partition(b"\n")
    parts = header.split()
    if proc.returncode != 0 or len(parts) < 3 or parts[1] == b"missing":
        raise _Corrupt(f"object {oid} is missing")
    kind, size = parts[1].decode(), int(parts[2])
    data = rest[:size]
    if hashlib.sha1(f"{kind} {size}\0".encode() + data, usedforsecurity=False).hexdigest() != oid:
        raise _Corrupt(f"object {oid} does not hash to its id")
    return kind, data


def _tree_entry(tree: bytes, name: str) -> tuple[str, str] | None:
    """(mode, id) of ``name`` in a raw tree object."""
    pos = 0
    while pos < len(tree):
        space = tree.index(b" ", pos)
        nul = tree.index(b"\0", space)
        mode, entry = tree[pos:space].decode(), tree[space + 1:nul].decode("utf-8", "surrogateescape")
        oid = tree[nul + 1:nul + 21].hex()
        pos = nul + 21
        if entry == name:
            return mode, oid
    return None


def _verified_blob(repo: Path, commit: str, path: str) -> bytes:
    kind, data = _object(repo, commit)
    if kind != "commit":
        raise _Corrupt(f"{commit} is a {kind}, not a commit")
    m = re.match(rb"tree ([0-9a-f]{40})\n", data)
    if not m:
        raise _Corrupt(f"commit {commit} names no tree")
    oid = m.group(1).decode()
    parts = [p for p in path.split("/") if p]
    for i, part in enumerate(parts):
        kind, tree = _object(repo, oid)
        if kind != "tree":
            raise _Corrupt(f"{oid} is a {kind}, not a tree")
        entry = _tree_entry(tree, part)
        if entry is None:
            raise ConfigError(f"{'/'.join(parts[:i + 1])} does not exist in the shared repository at {commit[:12]}",
                              file=f"{repo.name}@{commit[:12]}:{path}",
                              hint="fix 'path', or pin a commit that has the file")
        mode, oid = entry
        if i < len(parts) - 1 and mode != "40000":
            raise ConfigError(f"{'/'.join(parts[:i + 1])} is not a folder at {commit[:12]}", hint="fix 'path'")
    kind, blob = _object(repo, oid)
    if kind != "blob":
        raise ConfigError(f"{path} is not a file at {commit[:12]}", hint="fix 'path'")
    return blob


class RemoteSource:
    """The shared repository at the pinned commit, as a config source: a file it extends with
    ``./other.yml`` is read from the same commit."""

    def __init__(self, pin: Pin, allow_fetch: bool) -> None:
        self.pin = pin
        self.allow_fetch = allow_fetch

    def read(self, relpath: str) -> bytes | None:
        try:
            return read(self.pin._replace(path=relpath), allow_fetch=self.allow_fetch)
        except ConfigError:
            return None

    def label(self, relpath: str) -> str:
        return self.pin._replace(path=relpath).label
