"""The one small wrapper through which wfguard runs git: bytes in, NUL-split records out."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import GitError

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
ZERO_SHA = "0" * 40

# Settings that would make git's output depend on the user's config or terminal.
_BASE_ARGS = ("-c", "core.quotePath=false", "-c", "color.ui=false", "-c", "diff.noprefix=false")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C")
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def run(
    args: Sequence[str],
    cwd: str | Path,
    *,
    input: bytes | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git ARGS`` in ``cwd``; raise GitError with git's own message when it fails."""
    try:
        proc = subprocess.run(
            ["git", *_BASE_ARGS, *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            env=_env(),
            check=False,
        )
    except FileNotFoundError as exc:  # pragma: no cover - git is a hard requirement
        raise GitError("git is not installed or not on PATH") from exc
    if check and proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
        raise GitError(msg.splitlines()[-1] if msg else msg, details=tuple(msg.splitlines()[:-1]))
    return proc


def popen(args: Sequence[str], cwd: str | Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["git", *_BASE_ARGS, *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=_env())


def collect(proc: subprocess.Popen[bytes], args: Sequence[str]) -> bytes:
    """Wait for a process started with ``popen``; its stdout, or GitError with git's message."""
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        msg = stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
        raise GitError(msg.splitlines()[-1], details=tuple(msg.splitlines()[:-1]))
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


class BlobReader:
    """Reads blob contents on demand through one long-lived ``git cat-file --batch``."""

    def __init__(self, cwd: str | Path) -> None:
        self._cwd = cwd
        self._proc: subprocess.Popen[bytes] | None = None
        self._sizes: dict[str, int] = {}

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._proc = subprocess.Popen(
                ["git", *_BASE_ARGS, "cat-file", "--batch"],
                cwd=self._cwd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=_env(),
            )
        return self._proc

    def read(self, oid: str, limit: int | None = None) -> bytes:
        """Return the blob's content (or its first ``limit`` bytes, streaming past the rest)."""
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

    def sizes(self, oids: Sequence[str]) -> dict[str, int]:
        """Sizes of many blobs with one ``git cat-file --batch-check`` process."""
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
            proc.stdout.close()
            proc.wait()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.wait()
            if self._proc.stdout:
                self._proc.stdout.close()
            self._proc = None
