"""The hook path with 20 monorepo packages vs with none: does it stay within the budget?

    bench/work/venv/bin/python bench/monorepo_bench.py [ROUNDS]

Two repositories with the same 20 package folders and the same staged change (a file in each of
three packages, with a fragment for each): one whose .wfguard.yml lists the 20 packages (so 21
changelog rules run), one with the plain top-level rule. The commit-msg hook (where the changelog
rules run) is started directly, rounds alternating, config cache warm; medians.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WFGUARD = str(HERE / "work" / "venv" / "bin" / "wfguard")
BASE = 'version: 1\nextends: [changelog-fragments, conventional-commits]\nrules:\n  changelog:\n    paths: ["src/**"]\n'


def build(root: Path, packages: bool) -> Path:
    root.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)

    git("init", "-q", "-b", "main")
    config = BASE + ("packages:\n" + "".join(f"  p{i}: {{path: packages/p{i}}}\n" for i in range(20))
                     if packages else "")
    (root / ".wfguard.yml").write_text(config)
    for i in range(20):
        src = root / "packages" / f"p{i}" / "src"
        src.mkdir(parents=True)
        (src / "m.py").write_text("x\n")
    git("add", "-A")
    git("commit", "-q", "-m", "chore: start")
    git("switch", "-q", "-c", "feat/x")
    subprocess.run([WFGUARD, "install"], cwd=root, check=True, capture_output=True)
    for i in range(3):
        (root / "packages" / f"p{i}" / "src" / "m.py").write_text("y\n")
        folder = root / "packages" / f"p{i}" / "changelog.d" if packages else root / "changelog.d"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"x{i}.feature.md").write_text("X.\n")
    git("add", "-A")
    msg = root / ".git" / "MSG"
    msg.write_text("feat: x\n")
    return msg


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    with tempfile.TemporaryDirectory() as tmp:
        repos = {name: Path(tmp) / name for name in ("20 packages", "no packages")}
        msgs = {name: build(path, name == "20 packages") for name, path in repos.items()}
        times: dict[str, list[float]] = {name: [] for name in repos}
        for _ in range(rounds + 1):
            for name, path in repos.items():
                start = time.perf_counter()
                proc = subprocess.run([str(path / ".git" / "hooks" / "commit-msg"), str(msgs[name])], cwd=path,
                                      capture_output=True, text=True)
                times[name].append((time.perf_counter() - start) * 1000)
                if proc.returncode != 0:
                    raise SystemExit(f"{name}: {proc.stderr}")
    print("| config | commit-msg hook, median ms |\n| --- | ---: |")
    for name, v in times.items():
        print(f"| {name} | {statistics.median(v[1:]):.1f} |")
    print(f"ratio: {statistics.median(times['20 packages'][1:]) / statistics.median(times['no packages'][1:]):.2f}")


if __name__ == "__main__":
    main()
