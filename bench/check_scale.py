"""`wfguard check` over 100,000 commits, and a pre-receive push of 10,000, against `git log`.

    bench/work/venv/bin/python bench/check_scale.py [ROUNDS]

A synthetic history (one `git fast-import`): 100,000 Conventional Commits, each changing one of
500 files under src/ plus, every 20th, a changelog fragment. `wfguard check --base ROOT --head
main` (the ci stage: conventional-commits and changelog-fragments) is timed as a whole process
against `git log --format=%B ROOT..main`, medians of ROUNDS, peak memory from `/usr/bin/time -v`.
Then a bare server with `wfguard install --server` receives a push of 10,000 new commits.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WFGUARD = str(HERE / "work" / "venv" / "bin" / "wfguard")
CONFIG = b'version: 1\nextends: [changelog-fragments, conventional-commits]\nrules:\n  changelog:\n    paths: ["src/**"]\n'


def fast_import(root: Path, n: int, start: int = 0, parent: str | None = None, branch: str = "main") -> None:
    out: list[bytes] = []

    def data(b: bytes) -> None:
        out.append(f"data {len(b)}\n".encode() + b + b"\n")

    stamp = 1_700_000_000
    for i in range(start, start + n):
        out.append(f"commit refs/heads/{branch}\nmark :{i + 1}\n".encode())
        out.append(f"author A <a@example.com> {stamp + i} +0000\ncommitter A <a@example.com> {stamp + i} +0000\n".encode())
        data(f"feat(core): change number {i}\n".encode())
        if i == start and parent:
            out.append(f"from {parent}\n".encode())
        elif i > start:
            out.append(f"from :{i}\n".encode())
        if i == 0:
            out.append(b"M 100644 inline .wfguard.yml\n")
            data(CONFIG)
        out.append(f"M 100644 inline src/m{i % 500}.py\n".encode())
        data(f"v = {i}\n".encode())
        out.append(f"M 100644 inline changelog.d/c{i // 20}.feature.md\n".encode())
        data(f"Change {i // 20}.\n".encode())
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(out), check=True)


def timed(argv: list[str], cwd: Path, ok: tuple[int, ...] = (0,), stdin: bytes | None = None) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *argv], cwd=cwd, capture_output=True, input=stdin)
    ms = (time.perf_counter() - start) * 1000
    if proc.returncode not in ok:
        raise SystemExit(proc.stderr[-3000:].decode(errors="replace"))
    m = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return ms, int(m.group(1)) / 1024 if m else 0.0


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    tmp = Path(tempfile.mkdtemp(prefix="wfguard-scale-"))
    try:
        repo = tmp / "repo"
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
        fast_import(repo, 100_001)
        subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)
        root = subprocess.run(["git", "rev-list", "--max-parents=0", "main"], cwd=repo, capture_output=True,
                              text=True, check=True).stdout.strip()
        check = [WFGUARD, "check", "--base", root, "--head", "main", "--format", "json", "--output", "/dev/null"]
        log = ["git", "log", "--format=%B", f"{root}..main"]
        rows: dict[str, list[tuple[float, float]]] = {"git log --format=%B": [], "wfguard check": []}
        timed(check, repo)  # fills the config cache
        for _ in range(rounds):
            rows["git log --format=%B"].append(timed(log, repo))
            rows["wfguard check"].append(timed(check, repo))
        # pre-receive: a server holding the first commit, receiving 10,000 more
        server = tmp / "server.git"
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(server)], check=True)
        first = subprocess.run(["git", "rev-list", "--reverse", "main"], cwd=repo, capture_output=True, text=True,
                               check=True).stdout.split()
        subprocess.run(["git", "push", "-q", str(server), f"{first[90_000]}:refs/heads/main"], cwd=repo, check=True)
        # the objects arrive first (as they do before git runs pre-receive), then the hook is run
        # with the ref update git would pass it
        subprocess.run(["git", "push", "-q", str(server), f"{first[100_000]}:refs/incoming/x"], cwd=repo, check=True)
        subprocess.run([WFGUARD, "install", "--server"], cwd=server, check=True, capture_output=True)
        hook = server / "hooks" / "pre-receive"
        line = f"{first[90_000]} {first[100_000]} refs/heads/main\n".encode()
        push_rows = [timed([str(hook)], server, stdin=line) for _ in range(rounds)]
        plog = [timed(["git", "log", "--format=%B", f"{first[90_000]}..{first[100_000]}"], server)
                for _ in range(rounds)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("| run | median ms | max RSS MiB |\n| --- | ---: | ---: |")
    for name, v in rows.items():
        print(f"| {name} (100,000 commits) | {statistics.median(t for t, _ in v):.0f} | {max(r for _, r in v):.1f} |")
    print(f"| git log --format=%B (10,000 commits) | {statistics.median(t for t, _ in plog):.0f} | "
          f"{max(r for _, r in plog):.1f} |")
    print(f"| pre-receive hook (10,000 commits) | {statistics.median(t for t, _ in push_rows):.0f} | "
          f"{max(r for _, r in push_rows):.1f} |")
    ratio = statistics.median(t for t, _ in rows["wfguard check"]) / statistics.median(
        t for t, _ in rows["git log --format=%B"])
    print(f"check / git log: {ratio:.2f}")


if __name__ == "__main__":
    main()
