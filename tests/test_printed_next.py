"""Every `next` wfguard prints runs as printed: the changelog fix names `--type` when the commit
message gives none (not Conventional Commits, or a type the rule does not map)."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from conftest import GitRepo, wfguard_argv

CONFIG = "version: 1\nextends: [changelog-fragments]\nrules:\n  changelog:\n    paths: [\"src/**\"]\n"


def run_printed(repo: GitRepo, line: str) -> subprocess.CompletedProcess[str]:
    bindir = Path(wfguard_argv()[0]).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(line, shell=True, cwd=repo.path, capture_output=True, text=True, env=env)


@pytest.mark.parametrize(("message", "expect_type"), [
    ("Add the export endpoint", "misc"),  # no convention at all
    ("feat: add the export endpoint", None),  # mapped: no --type needed
    ("security: patch the parser", "misc"),  # a type the rule does not map
])
def test_the_blocked_commit_s_printed_fix_runs_as_printed(repo: GitRepo, message: str,
                                                          expect_type: str | None) -> None:
    repo.config(CONFIG)
    repo.commit("chore: start", ".wfguard.yml", "README.md")
    assert repo.wfguard("install").code == 0
    repo.write("src/app.py", "x\n")
    repo.git("add", "src/app.py")
    blocked = subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo.path, capture_output=True, text=True)
    said = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, said
    line = next(ln.removeprefix("next: ") for ln in said.splitlines() if ln.startswith("next: wfguard fix"))
    assert f"fix: {line}" in said, said  # the fix shown with the rule is the same command
    assert ("--type" in line) == (expect_type is not None), line
    if expect_type:
        assert f"--type {expect_type}" in line
    done = run_printed(repo, line)
    assert done.returncode == 0, (line, done.stdout, done.stderr)
    retry = next(ln.removeprefix("next: ") for ln in done.stdout.splitlines() if ln.startswith("next: "))
    again = run_printed(repo, retry)
    assert again.returncode == 0, (retry, again.stdout, again.stderr)


def test_check_s_next_runs_as_printed(repo: GitRepo) -> None:
    repo.config(CONFIG)
    repo.commit("chore: start", ".wfguard.yml", "README.md")
    repo.git("switch", "-q", "-c", "work")
    repo.commit("Add the export endpoint", ("src/app.py", "x\n"))
    res = repo.check("--base", "main")
    assert res.code == 1
    nxt = [n for n in res.json()["next"] if n.startswith("wfguard fix")]
    assert nxt == ["wfguard fix changelog --type misc"], res.json()["next"]
    done = run_printed(repo, nxt[0])
    assert done.returncode == 0, done.stdout + done.stderr
    assert shlex.split(nxt[0])[-1] == "misc"
