"""``install`` returns 0 only when git will run wfguard: every hook-manager state a clone can be
in (none, active, configured but not set up, pointed at a folder the manager never wrote), each
shown by a real ``git commit`` that breaks a pre-commit rule."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CHANGELOG_CONFIG, GitRepo
from test_adoption import conflict_commit, git_commit, husky9, husky_setup

TEAM_LEFTHOOK = "pre-commit:\n  commands:\n    team:\n      run: touch team-hook-ran\n"
TEAM_PRE_COMMIT = ("repos:\n  - repo: local\n    hooks:\n      - id: team\n        name: team\n"
                   "        entry: touch team-hook-ran\n        language: system\n        pass_filenames: false\n"
                   "        always_run: true\n")


def wfguard_runs(repo: GitRepo) -> int:
    """How many times wfguard's pre-commit hook has judged a commit here (each run records a line
    per rule and one, without a rule, for the run)."""
    log = Path(repo.git("rev-parse", "--absolute-git-dir")) / "wfguard" / "events.jsonl"
    if not log.exists():
        return 0
    runs = [json.loads(ln) for ln in log.read_text().splitlines()]
    return sum(1 for r in runs if r.get("stage") == "pre-commit" and r.get("rule") is None)


def husky_inactive(repo: GitRepo) -> None:
    """A fresh clone of a husky project before `npm install`: .husky/ is tracked, git never
    pointed at it."""
    repo.write(".husky/pre-commit", "touch team-hook-ran\n")


def lefthook_inactive(repo: GitRepo) -> None:
    repo.write("lefthook.yml", TEAM_LEFTHOOK)


def lefthook_activate(repo: GitRepo) -> None:
    subprocess.run(["lefthook", "install"], cwd=repo.path, check=True, capture_output=True)


def pre_commit_inactive(repo: GitRepo) -> None:
    repo.write(".pre-commit-config.yaml", TEAM_PRE_COMMIT)


def pre_commit_activate(repo: GitRepo) -> None:
    subprocess.run(["pre-commit", "install"], cwd=repo.path, check=True, capture_output=True)


MANAGERS: dict[str, tuple[Callable[[GitRepo], None], Callable[[GitRepo], None], str]] = {
    "husky": (husky_inactive, husky_setup, "npx husky"),
    "lefthook": (lefthook_inactive, lefthook_activate, "lefthook install"),
    "pre-commit": (pre_commit_inactive, pre_commit_activate, "pre-commit install"),
}
needs = {"lefthook": shutil.which("lefthook"), "pre-commit": shutil.which("pre-commit"), "husky": "built in"}


CONFIG = CHANGELOG_CONFIG.replace("extends: [", "extends: [hygiene, ")


def start(repo: GitRepo) -> None:
    repo.config(CONFIG)
    repo.commit("chore: start", ".wfguard.yml", "README.md")


def blocked(repo: GitRepo) -> None:
    res = conflict_commit(repo)
    assert res.returncode != 0 and "no-conflict-markers" in res.stdout + res.stderr, res
    repo.git("reset", "-q", "--", "notes.txt")


def agrees_with_doctor(repo: GitRepo, out: str) -> None:
    doctor = repo.wfguard("doctor")
    assert doctor.code == 0, doctor
    assert out.rstrip().splitlines()[-1] == doctor.out.rstrip().splitlines()[-1] == "hooks look healthy"


def test_no_manager(repo: GitRepo) -> None:
    start(repo)
    res = repo.wfguard("install")
    assert res.code == 0, res
    agrees_with_doctor(repo, res.out)
    blocked(repo)


def test_custom_hooks_path(repo: GitRepo) -> None:
    start(repo)
    repo.git("config", "core.hooksPath", ".githooks")
    res = repo.wfguard("install")
    assert res.code == 0 and (repo.path / ".githooks/pre-commit").exists(), res
    agrees_with_doctor(repo, res.out)
    blocked(repo)


@pytest.mark.parametrize("name", list(MANAGERS))
def test_active_manager(repo: GitRepo, name: str) -> None:
    if needs[name] is None:
        pytest.skip(f"{name} is a test dependency")
    configure, activate, _ = MANAGERS[name]
    configure(repo)
    start(repo)
    activate(repo)
    res = repo.wfguard("install")
    assert res.code == 0, res
    assert "own hook" not in res.out  # the manager runs every stage: nothing of wfguard's beside it
    agrees_with_doctor(repo, res.out)
    blocked(repo)
    assert (repo.path / "team-hook-ran").exists()
    assert wfguard_runs(repo) == 1


@pytest.mark.parametrize("name", list(MANAGERS))
def test_configured_but_inactive_manager(repo: GitRepo, name: str) -> None:
    """The clone is guarded now by wfguard's own hook, and once the manager is set up, through
    the manager, wfguard running once and the team's hook still running."""
    if needs[name] is None:
        pytest.skip(f"{name} is a test dependency")
    configure, activate, command = MANAGERS[name]
    configure(repo)
    start(repo)
    res = repo.wfguard("install")
    assert res.code == 0, res
    lines = res.out.splitlines()
    assert any("runs wfguard" in ln or "added" in ln for ln in lines), res  # the tracked config
    assert any("pre-commit: wfguard's own hook installed, since" in ln and "not set up" in ln for ln in lines), res
    assert any(command in ln for ln in lines), res
    agrees_with_doctor(repo, res.out)
    blocked(repo)
    assert wfguard_runs(repo) == 1
    activate(repo)
    blocked(repo)
    assert (repo.path / "team-hook-ran").exists(), "the team's hook runs once the manager is set up"
    assert wfguard_runs(repo) == 2, "wfguard runs once per commit, not through both"
    assert repo.wfguard("doctor").code == 0


def test_husky_pointed_at_a_folder_it_never_wrote(repo: GitRepo) -> None:
    husky_inactive(repo)
    start(repo)
    repo.git("config", "core.hooksPath", ".husky/_")  # cloned config, `npm install` never ran
    before = (repo.path / ".husky/pre-commit").read_text()
    res = repo.wfguard("install")
    assert res.code == 2 and "npx husky" in res.err and "nothing was changed" in res.err, res
    assert "Traceback" not in res.err
    assert (repo.path / ".husky/pre-commit").read_text() == before
    assert not (repo.path / ".husky/_").exists()
    doctor = repo.wfguard("doctor", "--format", "json")
    assert doctor.code == 1 and "npx husky" in doctor.json()["next"]
    init = repo.wfguard("install", "--quiet")
    assert init.code == 2


def test_husky_with_a_stage_it_never_installed(repo: GitRepo) -> None:
    """husky's folder is there but lacks the pre-commit hook: wfguard's shim stands in."""
    husky9(repo)
    (repo.path / ".husky/_/pre-commit").unlink()
    start(repo)
    res = repo.wfguard("install")
    assert res.code == 0 and "pre-commit: wfguard's own hook installed" in res.out, res
    agrees_with_doctor(repo, res.out)
    blocked(repo)


def test_a_foreign_hook_beside_an_inactive_manager_is_kept(repo: GitRepo) -> None:
    lefthook_inactive(repo)
    start(repo)
    hook = repo.write(".git/hooks/pre-commit", "#!/bin/sh\ntouch old-hook-ran\n")
    os.chmod(hook, 0o755)
    res = repo.wfguard("install")
    assert res.code == 2 and "--chain" in res.err and not (repo.path / "lefthook.yml").read_text().count("wfguard")
    res = repo.wfguard("install", "--chain")
    assert res.code == 0, res
    blocked(repo)
    assert (repo.path / "old-hook-ran").exists()


def test_init_exits_2_where_it_cannot_guard(repo: GitRepo) -> None:
    husky_inactive(repo)
    repo.commit("chore: start", "README.md", ".husky/pre-commit")
    repo.git("config", "core.hooksPath", ".husky/_")
    res = repo.wfguard("init", "--yes")
    assert res.code == 2 and "npx husky" in res.err, res


def test_pre_commit_legacy_run_is_not_a_second_run(repo: GitRepo) -> None:
    """pre-commit's install keeps wfguard's shim as pre-commit.legacy and runs it first; with
    wfguard in the config, the shim steps aside and wfguard judges the commit once."""
    if needs["pre-commit"] is None:
        pytest.skip("pre-commit is a test dependency")
    pre_commit_inactive(repo)
    start(repo)
    assert repo.wfguard("install").code == 0
    pre_commit_activate(repo)
    assert (repo.path / ".git/hooks/pre-commit.legacy").exists()
    ok = git_commit(repo, "--allow-empty", "-m", "chore: nothing")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert wfguard_runs(repo) == 1
    blocked(repo)
    assert wfguard_runs(repo) == 2


# --- husky scripts where an appended line would never run --------------------------------------

# the shape of real .husky/pre-push scripts: a loop over git's ref lines, then an explicit exit
TEAM_PRE_PUSH = """\
#!/usr/bin/env sh
# refuse pushes of WIP commits
while read local_ref local_sha remote_ref remote_sha; do
  echo "$remote_ref" >> team-saw-refs
done
exit 0
"""


def pushing_repo(repo: GitRepo, tmp_path: Path) -> None:
    husky9(repo)
    repo.write(".husky/pre-push", TEAM_PRE_PUSH)
    start(repo)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("switch", "-q", "-c", "work")


def push(repo: GitRepo) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "push", "-q", "origin", "work"], cwd=repo.path, capture_output=True, text=True)


def test_husky_pre_push_line_goes_where_it_runs_and_keeps_stdin(repo: GitRepo, tmp_path: Path) -> None:
    pushing_repo(repo, tmp_path)
    res = repo.wfguard("install")
    assert res.code == 0, res
    assert "`wfguard hook pre-push` before the existing commands, where it always runs" in res.out, res
    text = (repo.path / ".husky/pre-push").read_text()
    lines = text.splitlines()
    assert lines[:2] == TEAM_PRE_PUSH.splitlines()[:2] and "wfguard hook pre-push" in lines[2]
    assert lines[3:] == TEAM_PRE_PUSH.splitlines()[2:], "the team's lines are kept as they were"
    agrees_with_doctor(repo, res.out)
    repo.commit("Bad header", "x.txt")  # --no-verify: slipped past commit-msg
    bad = push(repo)
    assert bad.returncode != 0 and "Bad header" in bad.stdout + bad.stderr, bad
    assert not (repo.path / "team-saw-refs").exists()
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit("docs: a good one", "y.txt")
    good = push(repo)
    assert good.returncode == 0, good.stdout + good.stderr
    assert (repo.path / "team-saw-refs").read_text() == "refs/heads/work\n", "the team's loop still reads the refs"
    again = repo.wfguard("install")
    assert again.code == 0 and (repo.path / ".husky/pre-push").read_text() == text  # idempotent


@pytest.mark.parametrize("script, why", [
    ('#!/bin/sh\nnpm test || exit 1\nexit 0\nwfguard hook pre-push "$@"\n', "can end the script before it"),
    (TEAM_PRE_PUSH.replace("exit 0\n", "") + 'wfguard hook pre-push "$@"\n', "reads git's ref lines before it"),
    ('#!/bin/sh\nwfguard hook pre-push "$@"\nwhile read a b c d; do echo "$c"; done\n',
     "the commands after it get none"),
], ids=["after-exit", "after-loop", "before-loop"])
def test_doctor_sees_a_hand_placed_line_that_cannot_work(repo: GitRepo, tmp_path: Path, script: str,
                                                         why: str) -> None:
    pushing_repo(repo, tmp_path)
    repo.write(".husky/pre-push", script)
    res = repo.wfguard("doctor", "--format", "json")
    assert res.code == 1, res
    assert any(why in f["text"] for f in res.json()["findings"]), res
    fixed = repo.wfguard("install")
    assert fixed.code == 0 and "moved `wfguard hook pre-push`" in fixed.out, fixed
    assert repo.wfguard("doctor").code == 0


def test_husky_pre_commit_after_an_exit(repo: GitRepo) -> None:
    husky9(repo)
    repo.write(".husky/pre-commit", "touch team-hook-ran\nexit 0\n")
    start(repo)
    res = repo.wfguard("install")
    assert res.code == 0, res
    expected = 'wfguard hook pre-commit "$@"\ntouch team-hook-ran\nexit 0\n'
    assert (repo.path / ".husky/pre-commit").read_text() == expected
    blocked(repo)


@pytest.mark.parametrize("script, ok", [
    ('npm test || exit 1\nwfguard hook pre-commit "$@"\n', True),  # ends only by failing: git refuses anyway
    ('[ -n "$CI" ] && exit 0\nwfguard hook pre-commit "$@"\n', False),
    ('exec npx lint-staged\nwfguard hook pre-commit "$@"\n', False),
    ('echo "exit early"  # exit\nwfguard hook pre-commit "$@"\n', True),
])
def test_what_counts_as_ending_a_husky_script(script: str, ok: bool) -> None:
    from wfguard.adopt.managers import husky_unreachable

    assert (husky_unreachable(script, "pre-commit") is None) is ok
