"""Timing whole processes, tools alternated round by round, medians reported.

These machines are shared and noisy: each round runs every tool once, in a rotating order,
so a burst of load hits all of them alike; ratios of medians are what we quote.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Tool:
    name: str
    argv: Sequence[str]
    cwd: Path
    env: Mapping[str, str] = field(default_factory=dict)
    setup: Callable[[], None] | None = None  # run before each timed run, not timed
    ok_codes: tuple[int, ...] = (0,)


def time_once(tool: Tool) -> float:
    if tool.setup:
        tool.setup()
    start = time.perf_counter()
    proc = subprocess.run(tool.argv, cwd=tool.cwd, env={**os.environ, **tool.env},
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in tool.ok_codes:
        raise SystemExit(f"{tool.name} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    return elapsed


def alternate(tools: Sequence[Tool], rounds: int, warmup: int = 2) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {t.name: [] for t in tools}
    for r in range(warmup + rounds):
        order = list(tools[r % len(tools):]) + list(tools[: r % len(tools)])
        for tool in order:
            elapsed = time_once(tool)
            if r >= warmup:
                times[tool.name].append(elapsed)
    return times


def median_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1000


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {load} at the start")


def git(*args: str, cwd: Path, input: bytes | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    proc = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, env=env, check=True)
    return proc.stdout.decode().strip()


def update_results(section: str, body: str) -> None:
    """Replace one section of bench/RESULTS.md (between its markers), keeping the others."""
    path = Path(__file__).with_name("RESULTS.md")
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
