"""Peak memory of the fail-closed paths, measured with /usr/bin/time -v (whole processes).

    python bench/failclosed_memory.py [SIZE_MIB]

A file of SIZE_MIB (default 1024) with a private key on its first line is staged in a scratch
repository with the built-in hygiene workflow. Measured: the installed pre-commit hook, `wfguard
check` over the commit, the server's pre-receive hook for a push of it, and `wfguard report` over
a 200 MB event log. Prints a Markdown table (for docs/reliability.md).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

KEY = b"-----BEGIN OPENSSH " + b"PRIVATE KEY-----\n"  # split: no key header in this file


def timed(argv: list[str], cwd: Path, stdin: bytes = b"") -> tuple[int, float, float]:
    """(exit code, peak RSS in MiB, wall seconds) of a whole process tree."""
    proc = subprocess.run(["/usr/bin/time", "-v", *argv], cwd=cwd, input=stdin, capture_output=True)
    err = proc.stderr.decode("utf-8", "replace")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024  # type: ignore[union-attr]
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", err)
    assert wall
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return proc.returncode, rss, seconds


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def main() -> int:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    root = Path(tempfile.mkdtemp(prefix="wfguard-mem-"))
    repo, bare = root / "repo", root / "server.git"
    git(root, "init", "-q", "-b", "main", str(repo))
    git(repo, "config", "user.name", "Bench")
    git(repo, "config", "user.email", "bench@example.com")
    (repo / ".wfguard.yml").write_text("version: 1\nextends: [hygiene]\n")
    git(repo, "add", ".wfguard.yml")
    git(repo, "commit", "-q", "-m", "chore: start")
    git(root, "init", "-q", "--bare", "-b", "main", str(bare))
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "push", "-q", "origin", "main")
    subprocess.run(["wfguard", "install"], cwd=repo, check=True, capture_output=True)
    line = b"INSERT INTO t VALUES (1, 'some row of data in a dump');\n"
    block = line * ((1 << 20) // len(line))
    with open(repo / "dump.sql", "wb") as fh:
        fh.write(KEY)
        for _ in range(size):
            fh.write(block)
    git(repo, "add", "dump.sql")
    rows = []
    code, rss, wall = timed([str(repo / ".git/hooks/pre-commit")], repo)
    rows.append(("pre-commit hook", code, rss, wall))
    git(repo, "commit", "-q", "--no-verify", "-m", "chore: data")
    code, rss, wall = timed(["wfguard", "check", "--base", "HEAD~1", "--format", "json"], repo)
    rows.append(("wfguard check", code, rss, wall))
    head, base = git(repo, "rev-parse", "HEAD"), git(repo, "rev-parse", "HEAD~1")
    # the objects reach the server before its hook exists (a receive-pack holds them in quarantine)
    git(repo, "push", "-q", "--no-verify", str(bare), "HEAD:refs/heads/staging")
    subprocess.run(["wfguard", "install", "--server"], cwd=bare, check=True, capture_output=True)
    code, rss, wall = timed([str(bare / "hooks/pre-receive")], bare, f"{base} {head} refs/heads/feat/data\n".encode())
    rows.append(("pre-receive hook", code, rss, wall))
    log = repo / ".git/wfguard/events.jsonl"
    event = json.dumps({"time": "2026-01-01T00:00:00Z", "source": "hook", "stage": "commit-msg",
                        "rule": "changelog", "status": "fail", "severity": "error", "duration_ms": 12})
    with open(log, "w") as fh:
        chunk = (event + "\n") * 10_000
        while fh.tell() < 200 * (1 << 20):
            fh.write(chunk)
    code, rss, wall = timed(["wfguard", "report", "--format", "json"], repo)
    rows.append((f"wfguard report ({os.path.getsize(log) >> 20} MB log)", code, rss, wall))
    print(f"File: {size} MiB, a private key on line 1. Peak RSS of the whole process tree (/usr/bin/time -v).\n")
    print("| run | exit | peak RSS | wall |\n| --- | ---: | ---: | ---: |")
    for name, code, rss, wall in rows:
        print(f"| {name} | {code} | {rss:.0f} MiB | {wall:.1f} s |")
    subprocess.run(["rm", "-rf", str(root)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
