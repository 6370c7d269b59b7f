"""Per-commit hook overhead: wfguard vs lefthook vs pre-commit, each against no hook.

    bash bench/setup.sh && bench/work/venv/bin/python bench/hooks_bench.py

One synthetic repository (5,000 files, 1,200 commits) is copied four times; a staged change of
20 files under src/ plus a changelog fragment is committed in each with `git commit`, rounds
alternating the four copies. The same two rules are configured in each tool: a changelog
fragment is required when src/ changes, and the message must be a Conventional Commit.
lefthook's Go binary is called directly (LEFTHOOK_BIN), so its Python wrapper does not count.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from harness import Tool, alternate, git, machine, median_ms, update_results
from synth import build

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
BIN = WORK / "venv" / "bin"
MESSAGE = "feat(api): add the export endpoint"


def lefthook_binary() -> Path:
    found = sorted((WORK / "venv").glob("lib/python*/site-packages/lefthook/bin/*/lefthook"))
    if not found:
        raise SystemExit("lefthook's binary not found: run bench/setup.sh")
    return found[0]


def stage_change(repo: Path) -> str:
    """Stage 20 edited files under src/ plus a fragment; return the commit to reset to."""
    base = git("rev-parse", "HEAD", cwd=repo)
    files = [p for p in sorted((repo / "src").rglob("*.py"))][:20]
    for p in files:
        p.write_text(p.read_text() + "# edited for the benchmark\n")
    (repo / "changelog.d" / "export.feature.md").write_text("Export endpoint.\n")
    git("add", "-A", "src", "changelog.d", cwd=repo)
    return base


def main() -> None:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    template = build(WORK / "hooks-template", files=5000, commits=1200)
    shutil.copy(HERE / "config" / "changelog-check.sh", template / "bench-changelog-check.sh")
    env = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "b@example.com",
           "LEFTHOOK_BIN": str(lefthook_binary()), "PATH": f"{BIN}:{os.environ['PATH']}"}
    repos: dict[str, Path] = {}
    for name in ("none", "wfguard", "lefthook", "pre-commit"):
        repo = WORK / f"hooks-{name}"
        if repo.exists():
            shutil.rmtree(repo)
        shutil.copytree(template, repo, symlinks=True)
        repos[name] = repo
    subprocess.run([str(BIN / "wfguard"), "install"], cwd=repos["wfguard"], check=True, env={**os.environ, **env})
    shutil.copy(HERE / "config" / "lefthook.yml", repos["lefthook"] / "lefthook.yml")
    subprocess.run([str(lefthook_binary()), "install"], cwd=repos["lefthook"], check=True,
                   env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    shutil.copy(HERE / "config" / "pre-commit-config.yaml", repos["pre-commit"] / ".pre-commit-config.yaml")
    subprocess.run([str(BIN / "pre-commit"), "install", "--install-hooks"], cwd=repos["pre-commit"], check=True,
                   env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    tools = []
    for name, repo in repos.items():
        base = stage_change(repo)

        def reset(repo: Path = repo, base: str = base) -> None:
            git("reset", "-q", "--soft", base, cwd=repo)  # undo the commit, keep the staged change

        tools.append(Tool(name, ["git", "commit", "-q", "-m", MESSAGE], repo, env=env, setup=reset))
    times = alternate(tools, rounds, warmup=3)
    med = {name: median_ms(t) for name, t in times.items()}
    over = {name: med[name] - med["none"] for name in med if name != "none"}
    print({k: round(v, 1) for k, v in med.items()}, file=sys.stderr)
    w, lh, pc = over["wfguard"], over["lefthook"], over["pre-commit"]
    lines = [
        "## Hook overhead per commit: wfguard vs lefthook vs pre-commit",
        "",
        f"Machine: {machine()}. {rounds} alternated rounds of `git commit` per tool; medians.",
        "Reproduce: `bash bench/setup.sh && bench/work/venv/bin/python bench/hooks_bench.py`",
        "",
        "| tool | `git commit` (median) | overhead vs no hook |",
        "| --- | ---: | ---: |",
        f"| no hook | {med['none']:.1f} ms | — |",
        f"| wfguard | {med['wfguard']:.1f} ms | {w:.1f} ms |",
        f"| lefthook | {med['lefthook']:.1f} ms | {lh:.1f} ms |",
        f"| pre-commit | {med['pre-commit']:.1f} ms | {pc:.1f} ms |",
        "",
        f"Ratios of overhead: **wfguard / lefthook = {w / lh:.2f}**, **wfguard / pre-commit = {w / pc:.2f}**.",
        "",
        "Repository: 5,000 files, 1,200 commits; staged: 20 files under src/ and one fragment.",
        "wfguard runs both rules in one `commit-msg` hook; lefthook and pre-commit each run a",
        "`pre-commit` hook (the changelog script) and a `commit-msg` hook (a grep of the message).",
    ]
    update_results("hooks", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
