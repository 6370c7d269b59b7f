"""Each rule shown as it runs, on a terminal only: a line when it is done, with its duration, and
a spinner with the elapsed time while one runs longer than a second (a test suite at pre-push).

Plain writes to stderr and one thread per slow rule: the hook path cannot afford rich.
"""

from __future__ import annotations

import os
import sys
import time

from .records import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

if TYPE_CHECKING:
    from .model import RuleConfig
    from .report import Result

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_MARKS = {"pass": "✓", "fail": "✗", "skip": "↷", "not-applicable": "·"}
SPIN_AFTER = 1.0


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def _escape(text: str) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class Ticker:
    """Progress for one run of rules; create it with :func:`for_stream`."""

    def __init__(self, stream: TextIO, spin_after: float = SPIN_AFTER) -> None:
        import threading  # only with a terminal to draw on: a hook in a GUI or CI never loads it

        self.stream = stream
        self.spin_after = spin_after
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = 0.0
        self._lock = threading.Lock()

    def start(self, rule: RuleConfig) -> None:
        self._started = time.perf_counter()
        self._stop.clear()
        import threading

        self._thread = threading.Thread(target=self._spin, args=(_escape(rule.id),), daemon=True)
        self._thread.start()

    def _spin(self, name: str) -> None:
        if self._stop.wait(self.spin_after):
            return
        i = 0
        while not self._stop.is_set():
            with self._lock:
                elapsed = time.perf_counter() - self._started
                self.stream.write(f"\r\x1b[2K{_FRAMES[i % len(_FRAMES)]} {name} {elapsed:.1f} s")
                self.stream.flush()
            i += 1
            self._stop.wait(0.1)

    def done(self, result: Result) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        elapsed = time.perf_counter() - self._started
        status = "not applicable" if result.status == "not-applicable" else result.status
        with self._lock:
            self.stream.write(f"\r\x1b[2K{_MARKS.get(result.status, '?')} {_escape(result.rule)} "
                              f"{status} ({_fmt(elapsed)})\n")
            self.stream.flush()


def for_stream(stream: TextIO | None = None) -> Ticker | None:
    """A Ticker when ``stream`` (stderr by default) is a terminal, else None: nothing extra is
    printed for CI logs, pipes and agents."""
    stream = stream or sys.stderr
    if os.environ.get("WFGUARD_NO_PROGRESS"):
        return None
    try:
        return Ticker(stream) if stream.isatty() else None
    except (AttributeError, ValueError):
        return None
