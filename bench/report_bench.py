"""`wfguard report` at scale: 10,000 commits of history, and a 100 MB event log.

    bench/work/venv/bin/python bench/report_bench.py [ROUNDS]

A synthetic repository of 10,000 commits (one in 50 carries a Wfguard-Skip trailer, one in 40 is
a late repair adding only a fragment) is written with one `git fast-import`; `wfguard report
--since 100y --format json` runs over all of it (whole process, median of ROUNDS), then with a
100 MB `--events` file, each under `/usr/bin/time -v` for its peak memory.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WFGUARD = str(HERE / "work" / "venv" / "bin" / "wfguard")
CONFIG = "version: 1\nextends: [changelog-fragments]\nrules:\n  changelog:\n    paths: [\"src/**\"]\n"


def build(root: Path, n: int) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    lines: list[bytes] = []

    def data(b: bytes) -> None:
        lines.append(f"data {len(b)}\n".encode() + b + b"\n")

    stamp = int(time.time()) - n * 60
    for i in range(n):
        msg = f"feat: change {i}\n".encode()
        if i % 50 == 1:
            msg += f"\nWfguard-Skip: changelog: generated batch {i % 7}\n".encode()
        path = f"changelog.d/late-{i}.feature.md" if i % 40 == 2 else f"src/m{i % 500}.py"
        lines.append(f"commit refs/heads/main\nmark :{i + 1}\n".encode())
        lines.append(f"author A <a@example.com> {stamp + i * 60} +0000\ncommitter A <a@example.com> "
                     f"{stamp + i * 60} +0000\n".encode())
        data(msg)
        if i:
            lines.append(f"from :{i}\n".encode())
        if i == 0:
            lines.append(b"M 100644 inline .wfguard.yml\n")
            data(CONFIG.encode())
        lines.append(f"M 100644 inline {path}\n".encode())
        data(f"line {i}\n".encode())
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(lines), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)


def timed(argv: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *argv], cwd=cwd, capture_output=True, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))  # type: ignore[union-attr]
    return elapsed, rss


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        build(root, 10_000)
        events = Path(tmp) / "events.jsonl"
        line = json.dumps({"time": "2026-11-30T10:00:00Z", "source": "hook", "stage": "commit-msg",
                           "rule": "changelog", "status": "fail", "severity": "error", "duration_ms": 40}) + "\n"
        with events.open("w") as fh:
            for _ in range(100 * 1024 * 1024 // len(line)):
                fh.write(line)
        report = [WFGUARD, "report", "--since", "100y", "--format", "json"]
        log = ["git", "log", "--format=%B", "main"]
        results: dict[str, list[tuple[float, int]]] = {"report": [], "git log": [], "report+100MB": []}
        for _ in range(rounds):
            results["git log"].append(timed(log, root))
            results["report"].append(timed(report, root))
        results["report+100MB"].append(timed([*report, "--events", str(events)], root))
        data = json.loads(subprocess.run(report, cwd=root, capture_output=True, text=True).stdout)
    print(f"history: 10,000 commits; {len(data['skips'])} skip trailers and {len(data['late_repairs'])} late "
          f"repairs found")
    print("| run | median ms | max RSS MiB |\n| --- | ---: | ---: |")
    for name, v in results.items():
        print(f"| {name} | {statistics.median(t for t, _ in v):.0f} | {max(r for _, r in v) / 1024:.1f} |")


if __name__ == "__main__":
    main()
