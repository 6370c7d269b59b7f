"""The event log: one JSON line per rule result of every hook run and check.

It lives in the common git dir, so all worktrees share it. Each line is written with one
``write`` on a file opened with O_APPEND, so lines from concurrent hooks never interleave.
"""

from __future__ import annotations

import os
import time

from .records import TYPE_CHECKING

try:  # the string encoder json.dumps itself uses, without importing json (and re) on a hook's path
    from _json import encode_basestring_ascii as _quote
except ImportError:  # an interpreter without the C accelerator
    from json import dumps as _quote

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from typing import Any

    from .report import Report

EVENTS_FILE = "events.jsonl"


def append(state_dir: str | Path, event: dict[str, Any]) -> None:
    """One event of another kind (an agent's refused command) on the same log."""
    import json

    _write(state_dir, (json.dumps(event) + "\n").encode("utf-8", "backslashreplace"))


def dumps(event: dict[str, str | int | float | bool | None]) -> str:
    """``json.dumps(event)`` for the flat events a hook writes, byte for byte (a test holds it to
    json's), ASCII escapes included: any character of a reason, lone surrogates too, encodes."""
    parts = []
    for key, value in event.items():
        if isinstance(value, str):
            text = _quote(value)
        elif value is None:
            text = "null"
        elif value is True or value is False:
            text = "true" if value else "false"
        elif isinstance(value, int):
            text = int.__repr__(value)
        elif isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
            text = float.__repr__(value)
        else:
            import json

            text = json.dumps(value)
        parts.append(f"{_quote(key)}: {text}")
    return "{" + ", ".join(parts) + "}"


def record(state_dir: str | Path, report: Report, total_ms: int, source: str, also: str | Path | None = None
           ) -> None:
    """The report's events, on the repository's log and on ``also`` (``check --events FILE``)."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    lines = []
    for r in report.results:
        if r.status == "not-applicable":
            continue
        event: dict[str, str | int | float | bool | None] = {
            "time": now, "source": source, "stage": report.stage, "rule": r.rule,
            "status": r.status, "severity": r.severity, "duration_ms": r.duration_ms,
        }
        if r.reason:
            event["reason"] = r.reason
        if r.skipped:
            event["skip_by"] = r.skipped["by"]
            event["skip_reason"] = r.skipped["reason"]
        lines.append(dumps(event))  # ASCII escapes: any bytes of a reason (surrogates too) encode
    lines.append(dumps({"time": now, "source": source, "stage": report.stage, "rule": None,
                        "status": "pass" if report.passed else "fail", "duration_ms": total_ms}))
    data = ("\n".join(lines) + "\n").encode("utf-8", "backslashreplace")
    _write(state_dir, data)
    if also is not None:
        _write(os.path.dirname(os.path.abspath(also)), data, os.path.basename(also))


def _write(state_dir: str | Path, data: bytes, name: str = EVENTS_FILE) -> None:
    try:
        os.makedirs(state_dir, exist_ok=True)
        fd = os.open(os.path.join(state_dir, name), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    except OSError:
        pass  # the log is a diagnostic; never a reason to block or fail a commit


class Counted:
    """Lines read and lines skipped as corrupt (not JSON, not an object, not UTF-8)."""

    def __init__(self) -> None:
        self.read = 0
        self.corrupt = 0


def read(state_dir: str | Path, counted: Counted | None = None, path: str | Path | None = None
         ) -> Iterator[dict[str, Any]]:
    """Events one line at a time (a large log is never held whole); corrupt lines are counted
    and skipped, never fatal."""
    import json

    counted = counted or Counted()
    try:
        with open(path or os.path.join(state_dir, EVENTS_FILE), "rb") as fh:
            for raw in fh:
                counted.read += 1
                try:
                    event = json.loads(raw.decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    counted.corrupt += 1
                    continue
                if not isinstance(event, dict):
                    counted.corrupt += 1
                    continue
                yield event
    except (FileNotFoundError, IsADirectoryError):
        return
