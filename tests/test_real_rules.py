"""Rules on the changes real projects make: releases through the installed hooks, nested secrets
through real commits, a failing test suite's last line, live progress on a terminal, and one
verdict for ``check`` and ``fix``."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CHANGELOG_CONFIG as RELEASE_CONFIG
from conftest import GitRepo, result_of


def git_commit(repo: GitRepo, message: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo.path, capture_output=True, text=True)


@pytest.fixture
def released(repo: GitRepo, tmp_path: Path) -> GitRepo:
    """A project with a changelog, hooks installed, and a remote."""
    repo.config(RELEASE_CONFIG)
    repo.write("CHANGELOG.md", "# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- First.\n")
    repo.write("src/pkg/__init__.py", '__version__ = "1.0.0"\n')
    repo.write("changelog.d/.gitkeep", "")
    repo.commit("chore: start", ".wfguard.yml", "CHANGELOG.md", "src/pkg/__init__.py", "changelog.d/.gitkeep")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    assert repo.wfguard("install").code == 0
    return repo


def cut_release(repo: GitRepo, version: str) -> None:
    res = repo.wfguard("changelog", "build", "--version", version, "--date", "2026-03-01")
    assert res.code == 0, res
    repo.write("src/pkg/__init__.py", f'__version__ = "{version}"\n')
    repo.git("add", "src/pkg/__init__.py")


def test_release_commits_through_the_hooks_without_a_skip(released: GitRepo) -> None:
    released.git("switch", "-q", "-c", "feat/a")
    released.write("src/pkg/a.py", "x\n")
    released.write("changelog.d/a.feature.md", "Add the a module.\n")
    released.git("add", "-A")
    assert git_commit(released, "feat: add a").returncode == 0
    cut_release(released, "1.1.0")
    res = git_commit(released, "chore: release 1.1.0")
    assert res.returncode == 0, res.stderr
    assert "Wfguard-Skip" not in released.git("log", "-1", "--format=%B")
    # the branch holds the feature and its release: the fragment was added and consumed
    push = subprocess.run(["git", "push", "-q", "origin", "feat/a"], cwd=released.path, capture_output=True, text=True)
    assert push.returncode == 0, push.stderr
    res = released.check("--base", "main")
    assert res.code == 0, res
    changelog = result_of(res.json(), "changelog")
    assert changelog["messages"][0]["text"] == "release: 1 notes moved into CHANGELOG.md"


def test_release_names_a_note_the_changelog_lost(released: GitRepo) -> None:
    released.commit("feat: a", ("src/pkg/a.py", "x"), ("changelog.d/a.feature.md", "Add the a module.\n"),
                    ("changelog.d/b.bugfix.md", "Repair the frobnicator wheel.\n"))
    cut_release(released, "1.1.0")
    text = (released.path / "CHANGELOG.md").read_text().replace("Repair the frobnicator wheel.", "Fixed stuff.")
    released.write("CHANGELOG.md", text)
    released.git("add", "CHANGELOG.md")
    released.git("commit", "-q", "--no-verify", "-m", "chore: release 1.1.0")
    res = released.check("--base", "HEAD~1")
    assert res.code == 0, res
    texts = [m["text"] for m in result_of(res.json(), "changelog")["messages"]]
    assert texts[0] == "release: 2 notes moved into CHANGELOG.md"
    assert any("changelog.d/b.bugfix.md" in t and "opening words" in t for t in texts)
    assert not any("a.feature.md" in t for t in texts[1:])


def test_removing_a_fragment_alone_is_not_a_release(released: GitRepo) -> None:
    released.commit("feat: a", ("src/pkg/a.py", "x"), ("changelog.d/a.feature.md", "Add a.\n"))
    released.git("rm", "-q", "changelog.d/a.feature.md")
    released.write("src/pkg/a.py", "y\n")
    released.git("add", "-A")
    res = git_commit(released, "fix: b")
    assert res.returncode != 0 and "none was added" in res.stderr


def test_keep_a_changelog_release_passes(repo: GitRepo) -> None:
    repo.config("version: 1\nrules:\n  changelog: {kind: changelog, file: CHANGELOG.md, paths: [src/]}\n")
    repo.commit("chore: start", ".wfguard.yml", ("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n- A thing.\n"))
    repo.commit("chore: release 1.0.0", ("src/v.py", "V = '1.0.0'\n"), (
        "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n- A thing.\n"))
    res = repo.check("--base", "HEAD~1")
    assert res.code == 0, res
    assert "release" in result_of(res.json(), "changelog")["messages"][0]["text"]


FORBID = """\
version: 1
rules:
  secrets:
    kind: forbid
    files: ["*.pem", "secrets/", "id_rsa", ".env"]
    stages: [pre-commit, ci]
  changelog:
    kind: changelog
    paths: [src/]
    ignore: ["*.md"]
    stages: [commit-msg, ci]
"""


@pytest.mark.parametrize("path", ["certs/server.pem", "a/b/c.pem", "lib/secrets/x.txt", "keys/id_rsa",
                                  "config/.env", "key.pem"])
def test_nested_secrets_are_blocked_at_commit(repo: GitRepo, path: str) -> None:
    repo.config(FORBID)
    repo.commit("chore: start", ".wfguard.yml")
    assert repo.wfguard("install").code == 0
    repo.write(path, "secret\n")
    repo.git("add", "--", path)
    res = git_commit(repo, "chore: add")
    assert res.returncode != 0 and f"{path} may not be added" in res.stderr
    assert repo.git("rev-list", "--count", "HEAD") == "1"


@pytest.mark.parametrize(("path", "needs_fragment"), [
    ("src/deep/er/a.py", True), ("lib/src/a.py", True), ("src/docs/guide.md", False), ("docs/src.txt", False),
])
def test_paths_and_ignore_through_commits(repo: GitRepo, path: str, needs_fragment: bool) -> None:
    repo.config(FORBID)
    repo.commit("chore: start", ".wfguard.yml")
    assert repo.wfguard("install").code == 0
    repo.write(path, "x\n")
    repo.git("add", "--", path)
    res = git_commit(repo, "feat: change")
    assert (res.returncode != 0) is needs_fragment, res.stderr


def test_a_failing_command_keeps_its_last_line(repo: GitRepo) -> None:
    script = "; ".join(f"echo line {i}" for i in range(1, 60)) + "; echo '5 failed, 328 passed in 5.57s'; exit 1"
    repo.config(f"version: 1\nrules:\n  tests:\n    kind: command\n    run: \"{script}\"\n    stages: [ci]\n")
    repo.commit("chore: start", ".wfguard.yml", "a.py")
    repo.commit("feat: x", ("a.py", "y"))
    res = repo.check("--base", "HEAD~1")
    texts = [m["text"] for m in result_of(res.json(), "tests")["messages"]]
    assert texts[-1] == "5 failed, 328 passed in 5.57s"
    assert "line 11" in texts and "line 10" not in texts  # the last 50 lines, whole
    assert not any("more" in t for t in texts)


def run_on_pty(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal; what the terminal showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(), b"".join(chunks).decode("utf-8", "replace")


def test_command_rule_shows_live_progress_on_a_terminal(repo: GitRepo) -> None:
    cmd = f"{sys.executable} -c 'import time; time.sleep(1.6)'"
    repo.config(f"version: 1\nrules:\n  slow-tests:\n    kind: command\n    run: \"{cmd}\"\n    stages: [ci]\n")
    repo.commit("chore: start", ".wfguard.yml", "a.py")
    repo.commit("feat: x", ("a.py", "y"))
    from conftest import wfguard_argv

    start = time.monotonic()
    code, screen = run_on_pty([*wfguard_argv(), "check", "--base", "HEAD~1"], repo.path)
    assert code == 0, screen
    assert time.monotonic() - start >= 1.6
    assert "⠋ slow-tests 1.0 s" in screen or "slow-tests 1.1 s" in screen  # the spinner with elapsed time
    assert "✓ slow-tests pass (1." in screen  # and its duration when done
    # no terminal: nothing extra
    plain = repo.wfguard("check", "--base", "HEAD~1")
    assert "⠋" not in plain.out + plain.err and "pass (1." not in plain.out + plain.err


@pytest.mark.parametrize(("files", "fix_writes"), [
    ([("src/a.py", "x"), ("changelog.d/a.featur.md", "A.\n")], True),
    ([("changelog.d/a.featur.md", "A.\n")], False),
    ([("src/a.py", "x"), ("changelog.d/+orphan.feature.md", "A.\n")], False),
])
def test_check_and_fix_agree(repo: GitRepo, files: list[tuple[str, str]], fix_writes: bool) -> None:
    repo.config(RELEASE_CONFIG)
    repo.commit("chore: start", ".wfguard.yml")
    for path, content in files:
        repo.write(path, content)
        repo.git("add", "--", path)
    repo.git("commit", "-q", "--no-verify", "-m", "feat: the change")
    report = repo.check("--base", "HEAD~1").json()
    says_fix = "wfguard fix changelog" in report["next"]
    repo.git("reset", "-q", "--soft", "HEAD~1")
    fixed = repo.wfguard("fix", "changelog", "-m", "feat: the change")
    assert fixed.code == 0, fixed
    wrote = "wrote" in fixed.out + fixed.err
    assert says_fix is fix_writes and wrote is fix_writes, (report["next"], fixed)
