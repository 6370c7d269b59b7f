"""A child process without the ``subprocess`` module, for the hook path.

Importing ``subprocess`` pulls in ``signal``, ``threading``, ``selectors``, ``locale`` and more: a
large share of a hook's start-up, spent to run three git commands. This is the part of
``Popen`` wfguard uses: ``posix_spawnp`` with pipes, ``communicate`` over ``select.poll``, and the
same attributes (``stdin``, ``stdout``, ``returncode``, ``wait``), so callers do not change. The
working directory is given to the program itself (``git -C DIR``): ``posix_spawn`` has no chdir.
"""

from __future__ import annotations

import os
import select

from .records import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import IO

_CHUNK = 1 << 16
# Settings that would make git's output depend on the user's config or terminal.
GIT_BASE_ARGS = ("-c", "core.quotePath=false", "-c", "color.ui=false", "-c", "diff.noprefix=false")
# git commands a hook started before its imports, by (working directory, arguments): git works
# while Python loads the rest of wfguard, and the named operation that needs the answer takes it
STARTED: dict[tuple[str, tuple[str, ...]], Proc] = {}


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C")
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def start_git_early(cwd: str, args: Sequence[str]) -> None:
    where = os.path.realpath(cwd)
    try:  # noqa: SIM105 - not contextlib: it would be imported before git starts
        STARTED[(where, tuple(args))] = Proc(["git", "-C", where, *GIT_BASE_ARGS, *args], git_env())
    except OSError:
        pass  # started again, the usual way, when it is needed


def drop_early() -> None:
    """What a run started early and did not use: ended, so nothing stale is ever read."""
    while STARTED:
        _, proc = STARTED.popitem()
        try:  # noqa: SIM105
            proc.close()
        except OSError:
            pass


def take_early(cwd: str, args: Sequence[str]) -> Proc | None:
    if not STARTED:
        return None
    return STARTED.pop((os.path.realpath(cwd), tuple(args)), None)


class Proc:
    def __init__(self, argv: Sequence[str], env: Mapping[str, str], *, stdin: bool = False) -> None:
        actions: list[tuple[int, ...]] = []
        parent_in = None
        if stdin:
            child_in, parent_in = os.pipe()
        else:
            child_in = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        # the pipes are close-on-exec (PEP 446); dup2 makes the child's 0, 1 and 2 inheritable
        actions += [(os.POSIX_SPAWN_DUP2, child_in, 0), (os.POSIX_SPAWN_DUP2, out_w, 1),
                    (os.POSIX_SPAWN_DUP2, err_w, 2)]
        try:
            self.pid = os.posix_spawnp(argv[0], list(argv), dict(env), file_actions=actions)
        except FileNotFoundError:
            for fd in (child_in, out_r, out_w, err_r, err_w, *([parent_in] if parent_in is not None else [])):
                os.close(fd)
            raise
        finally:
            pass
        for fd in (child_in, out_w, err_w):
            os.close(fd)
        self.stdin: IO[bytes] | None = os.fdopen(parent_in, "wb") if parent_in is not None else None
        self.stdout: IO[bytes] = os.fdopen(out_r, "rb")
        self._err = err_r
        self.returncode: int | None = None

    def communicate(self, input: bytes | None = None) -> tuple[bytes, bytes]:
        """Write ``input``, read both outputs to their end, wait: as ``Popen.communicate``."""
        out, err = bytearray(), bytearray()
        poller = select.poll()
        reading = {self.stdout.fileno(): out, self._err: err}
        for fd in reading:
            poller.register(fd, select.POLLIN | select.POLLHUP)
        view, sent, write_fd = memoryview(input or b""), 0, None
        if self.stdin is not None:
            self.stdin.flush()
            if input:
                write_fd = self.stdin.fileno()
                os.set_blocking(write_fd, False)
                poller.register(write_fd, select.POLLOUT)
            else:
                self.stdin.close()
                self.stdin = None
        while reading or write_fd is not None:
            for fd, _event in poller.poll():
                if fd == write_fd:
                    try:
                        sent += os.write(fd, view[sent:sent + _CHUNK])
                    except BrokenPipeError:
                        sent = len(view)
                    if sent >= len(view):
                        poller.unregister(fd)
                        assert self.stdin is not None
                        self.stdin.close()
                        self.stdin, write_fd = None, None
                elif fd in reading:
                    data = os.read(fd, _CHUNK)
                    if data:
                        reading[fd] += data
                    else:
                        poller.unregister(fd)
                        del reading[fd]
        self.stdout.close()
        os.close(self._err)
        self._err = -1
        self.wait()
        return bytes(out), bytes(err)

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def close(self) -> None:
        """End a process read as a stream: close what is open, then wait for it."""
        if self.stdin is not None:
            self.stdin.close()
            self.stdin = None
        self.stdout.close()
        if self._err >= 0:
            os.close(self._err)
            self._err = -1
        self.wait()
