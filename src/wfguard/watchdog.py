"""A time budget for user regexes: one that backtracks for ever (``^(a+)+$``) fails its rule
with a message naming it, instead of hanging a hook.

Python's ``re`` checks for signals while it matches, so a SIGALRM handler can stop it. Arming a
timer around every search would cost two system calls a line; instead one interval timer ticks
each second and stops the work only when the caller's progress counter has not moved since the
previous tick, so a search is stopped after one to two seconds on the same line.
"""

from __future__ import annotations

from .records import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

BUDGET = 1.0


def _signal_module() -> Any:
    """``_signal``, the C module ``signal`` wraps (its enums cost ~0.7 ms of a hook's start),
    and ``signal`` itself where an interpreter has no ``_signal``."""
    try:
        import _signal  # type: ignore[import-not-found]

        return _signal
    except ImportError:  # pragma: no cover - CPython always has it
        import signal

        return signal


class Expired(Exception):
    """The watched work made no progress for a whole budget."""


class Progress:
    __slots__ = ("done", "seen")

    def __init__(self) -> None:
        self.done = 0
        self.seen = -1

    def tick(self) -> None:
        self.done += 1


class watch:
    """Raise :class:`Expired` in the block when ``progress.tick()`` is not called for a budget.
    Off the main thread (or without SIGALRM) it only counts. A plain class, not contextlib:
    the hook path does not pay for that import."""

    def __init__(self, budget: float = BUDGET) -> None:
        self.budget = budget
        self.progress = Progress()
        self.previous: object = None
        self.armed = False

    def __enter__(self) -> Progress:
        signal = _signal_module()

        if hasattr(signal, "setitimer"):
            progress = self.progress

            def expire(signum: int, frame: object) -> None:
                if progress.done == progress.seen:
                    raise Expired()
                progress.seen = progress.done

            try:
                self.previous = signal.signal(signal.SIGALRM, expire)
            except ValueError:  # not the main thread (check parses in a thread): no alarm there
                return self.progress
            signal.setitimer(signal.ITIMER_REAL, self.budget, self.budget)
            self.armed = True
        return self.progress

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            signal = _signal_module()
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
