"""`wfguard ship` and `wfguard fix` in real repositories with a local bare remote."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import GitRepo, wfguard_argv

SHIP_CONFIG = """\
version: 1
extends: [changelog-fragments, conventional-commits, protected-branches]
rules:
  changelog:
    paths: ["src/**"]
"""


@pytest.fixture
def origin(repo: GitRepo, tmp_path: Path) -> GitRepo:
    """A repository on main with hooks installed and a bare remote holding main."""
    remote = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.config(SHIP_CONFIG)
    repo.write("changelog.d/.gitkeep", "")
    repo.commit("chore: start", ".wfguard.yml", "changelog.d/.gitkeep", "README.md")
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    assert repo.wfguard("install").code == 0
    return repo


def state(repo: GitRepo) -> tuple[str, str, str]:
    return (repo.git("rev-parse", "HEAD"), repo.git("diff", "--cached", "--name-status"),
            repo.git("status", "--porcelain", "--untracked-files=all"))


def test_ship_commits_pushes_and_passes_check(origin: GitRepo) -> None:
    origin.write("src/export.py", "def export(): ...\n")
    origin.git("add", "src/export.py")
    res = origin.wfguard("ship", "-m", "feat: add export", "--yes", "--format", "json")
    assert res.code == 0, res
    data = res.json()
    assert data["ok"] and data["pushed"] and data["branch"] == "feat/add-export"
    assert data["fixes"] == ["changelog.d/add-export.feature.md"]
    assert (origin.path / "changelog.d/add-export.feature.md").read_text() == "Add export.\n"
    assert origin.git("rev-parse", "HEAD") == data["commit"]
    assert origin.git("ls-remote", "origin", "refs/heads/feat/add-export").startswith(data["commit"])
    assert origin.git("rev-parse", "--abbrev-ref", "@{upstream}") == "origin/feat/add-export"
    check = origin.check("--base", "main")
    assert check.code == 0, check
    assert not (origin.path / ".git" / "wfguard" / "ship-record.json").exists()


def test_ship_creates_branch_from_main_and_keeps_a_feature_branch(origin: GitRepo) -> None:
    origin.write("src/a.py", "a\n")
    origin.git("add", "-A")
    assert origin.wfguard("ship", "-m", "fix(parser): handle empty input", "--yes", "--no-push").code == 0
    assert origin.git("branch", "--show-current") == "fix/handle-empty-input"
    assert origin.git("rev-parse", "main") != origin.git("rev-parse", "HEAD")
    origin.write("src/b.py", "b\n")
    origin.git("add", "-A")
    assert origin.wfguard("ship", "-m", "fix: second", "--yes", "--no-push").code == 0
    assert origin.git("branch", "--show-current") == "fix/handle-empty-input"


def test_failing_check_commits_nothing_and_keeps_the_index(origin: GitRepo) -> None:
    origin.write("docs/guide.md", "guide\n")
    origin.git("add", "docs/guide.md")
    before = state(origin)
    res = origin.wfguard("ship", "-m", "Update the guide.", "--yes")
    assert res.code == 1, res
    assert "conventional-commits" in res.err and "nothing was committed" in res.err
    after = state(origin)
    assert after[0] == before[0] and after[1] == before[1]


def test_failing_command_rule_leaves_fix_named_and_no_commit(origin: GitRepo) -> None:
    origin.write(".wfguard.yml", SHIP_CONFIG + "  tests:\n    kind: command\n    run: 'echo tests failed; exit 1'\n"
                 "    stages: [pre-push]\n")
    origin.commit("chore: add tests rule", ".wfguard.yml")
    head = origin.git("rev-parse", "HEAD")
    origin.write("src/a.py", "a\n")
    origin.git("add", "src/a.py")
    res = origin.wfguard("ship", "-m", "feat: add a", "--yes")
    assert res.code == 1, res
    assert "tests failed" in res.err
    assert "changelog.d/add-a.feature.md" in res.err  # the fix it wrote is named
    assert origin.git("rev-parse", "HEAD") == head
    staged = origin.git("diff", "--cached", "--name-only").splitlines()
    assert sorted(staged) == ["changelog.d/add-a.feature.md", "src/a.py"]


def test_nothing_staged_is_exit_2(origin: GitRepo) -> None:
    origin.write("src/a.py", "a\n")  # untracked: never swept in
    res = origin.wfguard("ship", "-m", "feat: a", "--yes")
    assert res.code == 2 and "nothing is staged" in res.err
    res = origin.wfguard("ship", "-m", "feat: a", "--yes", "--all")
    assert res.code == 2  # --all stages tracked modifications only


def test_all_stages_tracked_modifications(origin: GitRepo) -> None:
    origin.write("README.md", "changed\n")
    origin.write("stray.txt", "untracked\n")
    res = origin.wfguard("ship", "-m", "docs: readme", "--yes", "--all", "--no-push")
    assert res.code == 0, res
    assert origin.git("show", "--name-only", "--format=", "HEAD") == "README.md"
    assert (origin.path / "stray.txt").exists()


def test_no_message_without_a_terminal_names_the_flag(origin: GitRepo) -> None:
    origin.write("src/a.py", "a\n")
    origin.git("add", "-A")
    res = origin.wfguard("ship", "--yes")
    assert res.code == 2 and "-m" in res.err


def test_dry_run_writes_nothing(origin: GitRepo) -> None:
    origin.write("src/a.py", "a\n")
    origin.git("add", "-A")
    before = state(origin)
    res = origin.wfguard("ship", "-m", "feat: add a", "--dry-run", "--format", "json")
    assert res.code == 0, res
    data = res.json()
    assert data["commit"] is None and not data["pushed"]
    assert any(s["step"] == "fix" and s["status"] == "planned" for s in data["steps"])
    assert state(origin) == before
    assert origin.git("branch", "--show-current") == "main"
    assert not (origin.path / "changelog.d/add-a.feature.md").exists()
    res = origin.wfguard("ship", "-m", "feat: Add a.", "--dry-run")  # type known, header breaks the rules
    assert res.code == 1 and state(origin) == before
    res = origin.wfguard("ship", "-m", "Add a", "--dry-run")
    assert res.code == 2 and "--type" in res.err  # the fragment type cannot be guessed


def test_failed_push_keeps_the_commit_and_says_how_to_retry(origin: GitRepo, tmp_path: Path) -> None:
    origin.git("remote", "set-url", "origin", str(tmp_path / "gone.git"))
    origin.write("src/a.py", "a\n")
    origin.git("add", "-A")
    res = origin.wfguard("ship", "-m", "feat: add a", "--yes")
    assert res.code == 2, res
    assert "git push -u origin feat/add-a" in res.err
    assert origin.git("log", "-1", "--format=%s") == "feat: add a"


def test_hooks_during_ship_pass_at_once_but_not_afterwards(origin: GitRepo) -> None:
    origin.write("src/a.py", "a\n")
    origin.git("add", "-A")
    assert origin.wfguard("ship", "-m", "feat: add a", "--yes", "--no-push").code == 0
    events = [json.loads(x) for x in (origin.path / ".git/wfguard/events.jsonl").read_text().splitlines()]
    assert [e["source"] for e in events if e["rule"] is None] == ["ship"]  # the hooks did not run again
    origin.write("src/b.py", "b\n")
    origin.git("add", "-A")
    res = subprocess.run(["git", "commit", "-q", "-m", "feat: b"], cwd=origin.path, capture_output=True, text=True)
    assert res.returncode == 1  # no record now: the hook checks (and blocks) as usual


def _wait_for(path: Path, timeout: float = 20) -> None:
    end = time.time() + timeout
    while not path.exists():
        if time.time() > end:
            raise AssertionError(f"{path} never appeared")
        time.sleep(0.05)


def test_sigint_during_the_command_step(origin: GitRepo, tmp_path: Path) -> None:
    flag = tmp_path / "running"
    origin.write(".wfguard.yml", SHIP_CONFIG + f"  slow:\n    kind: command\n    run: 'touch {flag}; sleep 30'\n"
                 "    stages: [pre-push]\n")
    origin.commit("chore: slow rule", ".wfguard.yml")
    head = origin.git("rev-parse", "HEAD")
    origin.write("src/a.py", "a\n")
    origin.git("add", "src/a.py")
    proc = subprocess.Popen([*wfguard_argv(), "ship", "-m", "feat: add a", "--yes"], cwd=origin.path,
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(flag)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground process group
    _, _err = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert origin.git("rev-parse", "HEAD") == head  # no commit
    assert "src/a.py" in origin.git("diff", "--cached", "--name-only")  # the staged change is kept
    assert not list((origin.path / ".git").glob("index.lock"))


@pytest.mark.parametrize("how", ["sigint-to-the-group", "sigterm-to-ship"])
def test_sigint_during_the_push(origin: GitRepo, tmp_path: Path, how: str) -> None:
    flag = tmp_path / "receiving"
    hook = Path(origin.git("remote", "get-url", "origin")) / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\ntouch {flag}\nsleep 30\n")
    hook.chmod(0o755)
    origin.write("src/a.py", "a\n")
    origin.git("add", "src/a.py")
    proc = subprocess.Popen([*wfguard_argv(), "ship", "-m", "feat: add a", "--yes"], cwd=origin.path,
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(flag)
    if how == "sigterm-to-ship":
        os.kill(proc.pid, signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert origin.git("log", "-1", "--format=%s") == "feat: add a"  # the commit is kept
    assert "git push -u origin feat/add-a" in err
    assert not (origin.path / ".git/wfguard/ship-record.json").exists()
    assert origin.git("status", "--porcelain") == ""


def test_interactive_flow_under_a_pseudo_terminal(origin: GitRepo) -> None:
    import pty

    origin.write("src/a.py", "a\n")
    origin.git("add", "-A")
    pid, fd = pty.fork()
    if pid == 0:  # the child: wfguard ship on a terminal, no -m
        os.chdir(origin.path)
        os.environ["COLUMNS"] = "200"
        argv = [*wfguard_argv(), "ship", "--no-push"]
        os.execv(argv[0], argv)
    output = b""
    answers = [(b"type of change", b"feat\n"), (b"scope", b"api\n"), (b"describe it", b"add export\n")]
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if answers and answers[0][0] in output:
            os.write(fd, answers.pop(0)[1])
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output.decode(errors="replace")
    assert origin.git("log", "-1", "--format=%s") == "feat(api): add export"


def test_fix_writes_and_stages_a_fragment(origin: GitRepo) -> None:
    origin.git("switch", "-q", "-c", "feat/x")
    origin.write("src/a.py", "a\n")
    origin.git("add", "-A")
    res = origin.wfguard("fix", "changelog", "-m", "fix: handle empty input")
    assert res.code == 0, res
    assert "changelog.d/handle-empty-input.bugfix.md" in res.out
    assert "changelog.d/handle-empty-input.bugfix.md" in origin.git("diff", "--cached", "--name-only")
    # a second fragment for the same subject gets a name that does not collide
    origin.git("commit", "-q", "--no-verify", "-m", "fix: handle empty input")
    origin.write("src/b.py", "b\n")
    origin.git("add", "-A")
    res = origin.wfguard("fix", "-m", "fix: handle empty input")
    assert "handle-empty-input-2.bugfix.md" in res.out, res
    res = origin.wfguard("fix")
    assert res.code == 0


def test_fix_after_a_commit_uses_its_message(origin: GitRepo) -> None:
    origin.git("switch", "-q", "-c", "feat/x")
    origin.commit("feat: add export", "src/export.py")
    res = origin.wfguard("fix", "changelog")
    assert res.code == 0 and "add-export.feature.md" in res.out, res


def test_fix_needs_a_type_it_cannot_guess(origin: GitRepo) -> None:
    origin.write("src/a.py", "a\n")
    origin.git("add", "-A")
    res = origin.wfguard("fix", "-m", "Add a thing")
    assert res.code == 2 and "--type" in res.err
    res = origin.wfguard("fix", "-m", "Add a thing", "--type", "misc")
    assert res.code == 0 and "add-a-thing.misc.md" in res.out


def test_ship_all_sees_an_edit_git_can_only_tell_by_content(repo: GitRepo) -> None:
    """A same-size edit whose file time equals the index's ("racy git"): git spots it only by
    comparing contents, because the entry is not older than the index. ship plans on a copy of
    the index, which must keep the index's time, or the edit would be left out of the commit."""
    repo.config("version: 1\nextends: [conventional-commits]\n")
    repo.git("config", "core.trustctime", "false")  # so that the file time alone decides, as in one second
    stamp = int((repo.path / ".wfguard.yml").stat().st_mtime) - 100
    repo.write("app.txt", "x\n")
    os.utime(repo.path / "app.txt", (stamp, stamp))
    repo.commit("chore: start", ".wfguard.yml", "app.txt")
    repo.write("app.txt", "y\n")  # same size, same time as the index entry
    os.utime(repo.path / "app.txt", (stamp, stamp))
    os.utime(repo.path / ".git" / "index", (stamp, stamp))
    res = repo.wfguard("ship", "--all", "--yes", "--no-push", "-m", "fix: y", "--format", "json")
    assert res.code == 0, res
    assert repo.git("show", "HEAD:app.txt") == "y"
