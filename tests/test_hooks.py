"""The installed hooks, driven through real `git commit` and `git push` to a local bare remote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHANGELOG_CONFIG, GitRepo

PY = sys.executable


def commit(repo: GitRepo, message: str, *extra: str, env: dict[str, str] | None = None,
           cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "commit", "-q", "-m", message, *extra], cwd=cwd or repo.path,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


def snapshot(repo: GitRepo) -> tuple[str, str, str, str]:
    """HEAD, the index, the work tree's unstaged diff, and the stash list."""
    return (repo.git("rev-parse", "-q", "--verify", "HEAD", check=False),
            repo.git("diff", "--cached", "--binary"), repo.git("diff", "--binary"),
            repo.git("stash", "list"))


@pytest.fixture
def hooked(feature_repo: GitRepo) -> GitRepo:
    res = feature_repo.wfguard("install")
    assert res.code == 0, res
    return feature_repo


def test_install_writes_shims_for_used_stages(hooked: GitRepo) -> None:
    hooks = hooked.path / ".git" / "hooks"
    assert (hooks / "commit-msg").exists() and (hooks / "pre-push").exists()
    assert not (hooks / "pre-commit").exists()  # no rule of this workflow runs at pre-commit
    assert os.access(hooks / "commit-msg", os.X_OK)
    again = hooked.wfguard("install")
    assert again.code == 0 and "unchanged" in again.out


def test_compliant_commit_passes(hooked: GitRepo) -> None:
    hooked.write("src/a.py", "x\n")
    hooked.write("changelog.d/a.feature.md", "Added a.\n")
    hooked.git("add", "-A")
    res = commit(hooked, "feat: add a")
    assert res.returncode == 0, res.stderr
    assert hooked.git("log", "-1", "--format=%s") == "feat: add a"


def test_blocked_commit_explains_and_changes_nothing(hooked: GitRepo) -> None:
    hooked.write("src/a.py", "x\n")
    hooked.git("add", "src/a.py")
    hooked.write("src/a.py", "x\nunstaged edit\n")  # an unstaged edit of the same file
    hooked.write("notes.txt", "untracked\n")
    before = snapshot(hooked)
    res = commit(hooked, "feat: add a")
    assert res.returncode == 1
    assert "changelog" in res.stderr and "why:" in res.stderr and "wfguard fix changelog" in res.stderr
    assert "src/a.py" in res.stderr
    assert snapshot(hooked) == before  # no commit, index and work tree untouched, nothing stashed
    assert (hooked.path / "src/a.py").read_text() == "x\nunstaged edit\n"
    assert (hooked.path / "notes.txt").exists()


def test_bad_message_blocked(hooked: GitRepo) -> None:
    hooked.write("docs.md", "x\n")
    hooked.git("add", "docs.md")
    res = commit(hooked, "Updated docs.")
    assert res.returncode == 1 and "conventional-commits" in res.stderr


def test_comment_lines_and_scissors_are_not_the_message(hooked: GitRepo, tmp_path: Path) -> None:
    hooked.write("docs.md", "x\n")
    hooked.git("add", "docs.md")
    msg = tmp_path / "msg"
    msg.write_text("docs: explain\n# Please enter the commit message\n# ------------------------ >8 "
                   "------------------------\nNot A Conventional Header.\n")
    res = subprocess.run(["git", "commit", "-q", "-F", str(msg), "--cleanup=scissors"], cwd=hooked.path,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_custom_comment_char(hooked: GitRepo) -> None:
    hooked.git("config", "core.commentChar", ";")
    hooked.write("docs.md", "x\n")
    hooked.git("add", "docs.md")
    path = hooked.path / ".git" / "COMMIT_EDITMSG_TEST"
    path.write_text("docs: explain\n; a comment line\n")
    res = hooked.wfguard("hook", "commit-msg", str(path))
    assert res.code == 0, res


def test_skip_trailer_and_env_in_hooks(hooked: GitRepo) -> None:
    hooked.write("src/a.py", "x\n")
    hooked.git("add", "src/a.py")
    res = commit(hooked, "refactor: rename\n\nWfguard-Skip: changelog: internal only")
    assert res.returncode == 0, res.stderr
    hooked.write("src/b.py", "x\n")
    hooked.git("add", "src/b.py")
    res = commit(hooked, "refactor: more", env={"WFGUARD_SKIP": "changelog"})
    assert res.returncode == 1 and "needs one" in res.stderr  # a reason is required
    res = commit(hooked, "refactor: more", env={"WFGUARD_SKIP": "changelog", "WFGUARD_SKIP_REASON": "spike"})
    assert res.returncode == 0, res.stderr


def test_first_commit_without_head(repo: GitRepo) -> None:
    repo.config(CHANGELOG_CONFIG)
    assert repo.wfguard("install").code == 0
    repo.write("src/a.py", "x\n")
    repo.git("add", "-A")
    res = commit(repo, "feat: first")
    assert res.returncode == 1 and "src/a.py" in res.stderr
    repo.write("changelog.d/first.feature.md", "First.\n")
    repo.git("add", "-A")
    assert commit(repo, "feat: first").returncode == 0


def test_commit_all_and_commit_paths_use_gits_index(hooked: GitRepo) -> None:
    hooked.write("src/a.py", "x\n")
    hooked.write("changelog.d/a.feature.md", "A.\n")
    hooked.git("add", "-A")
    assert commit(hooked, "feat: a").returncode == 0
    # `commit -a`: the tracked modification is what is checked
    hooked.write("src/a.py", "y\n")
    res = commit(hooked, "feat: change a", "-a")
    assert res.returncode == 1 and "src/a.py" in res.stderr
    # `commit <path>`: only that path is committed, so a fragment staged elsewhere does not count
    hooked.write("changelog.d/b.feature.md", "B.\n")
    hooked.git("add", "changelog.d/b.feature.md")
    res = commit(hooked, "feat: change a", "--", "src/a.py")
    assert res.returncode == 1, res.stderr
    res = commit(hooked, "feat: change a", "--", "src/a.py", "changelog.d/b.feature.md")
    assert res.returncode == 0, res.stderr


def test_linked_worktree_uses_the_shared_hooks_and_log(hooked: GitRepo, tmp_path: Path) -> None:
    wt = tmp_path / "wt"
    hooked.git("worktree", "add", "-q", "-b", "feat/y", str(wt))
    (wt / "src").mkdir()
    (wt / "src" / "y.py").write_text("y\n")
    subprocess.run(["git", "add", "-A"], cwd=wt, check=True)
    res = commit(hooked, "feat: y", cwd=wt)
    assert res.returncode == 1 and "changelog" in res.stderr
    events = (hooked.path / ".git" / "wfguard" / "events.jsonl").read_text().splitlines()
    assert any(json.loads(e).get("rule") == "changelog" for e in events)


def test_install_from_a_linked_worktree(feature_repo: GitRepo, tmp_path: Path) -> None:
    wt = tmp_path / "wt2"
    feature_repo.git("worktree", "add", "-q", "-b", "feat/z", str(wt))
    res = feature_repo.wfguard("install", cwd=wt)
    assert res.code == 0, res
    assert (feature_repo.path / ".git" / "hooks" / "commit-msg").exists()


def test_repository_hooks_path(feature_repo: GitRepo) -> None:
    feature_repo.git("config", "core.hooksPath", ".githooks")
    assert feature_repo.wfguard("install").code == 0
    assert (feature_repo.path / ".githooks" / "commit-msg").exists()
    feature_repo.write("src/a.py", "x\n")
    feature_repo.git("add", "src/a.py")
    assert commit(feature_repo, "feat: a").returncode == 1


def test_global_hooks_path_is_refused_without_hooks_path(feature_repo: GitRepo, tmp_path: Path) -> None:
    shared = tmp_path / "global-hooks"
    subprocess.run(["git", "config", "--global", "core.hooksPath", str(shared)], check=True)
    res = feature_repo.wfguard("install")
    assert res.code == 2 and "global" in res.err and "--hooks-path" in res.err
    assert not shared.exists()
    res = feature_repo.wfguard("install", "--hooks-path", str(shared))
    assert res.code == 0 and (shared / "commit-msg").exists()


FOREIGN = b"#!/bin/sh\n# someone else's hook\necho foreign ran >> foreign.log\nexit ${FOREIGN_EXIT:-0}\n"


def test_foreign_hook_refused_then_chained_then_restored(feature_repo: GitRepo) -> None:
    hook = feature_repo.path / ".git" / "hooks" / "commit-msg"
    hook.write_bytes(FOREIGN)
    hook.chmod(0o755)
    res = feature_repo.wfguard("install")
    assert res.code == 2 and "--chain" in res.err
    assert hook.read_bytes() == FOREIGN
    assert feature_repo.wfguard("install", "--chain").code == 0
    feature_repo.write("docs.md", "x\n")
    feature_repo.git("add", "docs.md")
    res = commit(feature_repo, "docs: a", env={"FOREIGN_EXIT": "3"})
    assert res.returncode != 0  # the chained hook failed: stop there
    assert feature_repo.git("rev-list", "--count", "HEAD") == "1"
    assert commit(feature_repo, "docs: a").returncode == 0
    assert (feature_repo.path / "foreign.log").read_text().count("foreign ran") == 2
    assert feature_repo.wfguard("uninstall").code == 0
    assert hook.read_bytes() == FOREIGN and os.access(hook, os.X_OK)


def test_chained_pre_push_hook_and_wfguard_both_read_stdin(feature_repo: GitRepo, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    feature_repo.git("remote", "add", "origin", str(remote))
    hook = feature_repo.path / ".git" / "hooks" / "pre-push"
    hook.write_text("#!/bin/sh\ncat > pushed-lines.txt\n")
    hook.chmod(0o755)
    assert feature_repo.wfguard("install", "--chain").code == 0
    feature_repo.commit("feat: a", "src/a.py")  # no fragment, committed past the hooks
    res = subprocess.run(["git", "push", "-q", "origin", "feat/x"], cwd=feature_repo.path,
                         capture_output=True, text=True)
    assert res.returncode != 0 and "changelog" in res.stderr
    assert "refs/heads/feat/x" in (feature_repo.path / "pushed-lines.txt").read_text()


def test_force_backs_up_and_uninstall_restores(feature_repo: GitRepo) -> None:
    hook = feature_repo.path / ".git" / "hooks" / "commit-msg"
    hook.write_bytes(FOREIGN)
    hook.chmod(0o700)
    assert feature_repo.wfguard("install", "--force").code == 0
    assert (hook.parent / "commit-msg.wfguard-backup").read_bytes() == FOREIGN
    feature_repo.write("docs.md", "x\n")
    feature_repo.git("add", "docs.md")
    assert commit(feature_repo, "docs: a").returncode == 0
    assert not (feature_repo.path / "foreign.log").exists()  # a backed-up hook does not run
    feature_repo.wfguard("uninstall")
    assert hook.read_bytes() == FOREIGN and (hook.stat().st_mode & 0o777) == 0o700
    assert feature_repo.wfguard("uninstall").code == 0  # idempotent


def test_shim_fails_closed(hooked: GitRepo) -> None:
    hook = hooked.path / ".git" / "hooks" / "commit-msg"
    text = hook.read_text()
    hook.write_text(text.replace("WFGUARD_PYTHON=", "WFGUARD_PYTHON=/nonexistent/python #", 1))
    hooked.write("docs.md", "x\n")
    hooked.git("add", "docs.md")
    env = {"PATH": "/usr/bin:/bin"}  # git, but no wfguard
    res = commit(hooked, "docs: a", env=env)
    assert res.returncode != 0
    assert "cannot run the commit-msg hook" in res.stderr
    assert hooked.git("rev-list", "--count", "HEAD") == "1"


# Never on a hook's path: the CLI's libraries, the config parsers, and the standard modules that
# cost milliseconds of start-up each (issue 17: records.py, lazyre.py, spawn.py say why).
HEAVY = {"typer", "rich", "jsonschema", "git", "yaml", "subprocess", "threading", "typing", "pathlib", "json",
         "contextlib", "dataclasses", "importlib", "urllib", "fnmatch"}
# ...and none of these when no rule needs a regex (a changelog rule on 'src/**')
REGEX = {"re", "enum", "functools", "collections"}


def hook_modules(repo: GitRepo, *args: str) -> tuple[str, set[str]]:
    """Exit code and top-level modules of a hook run the way the shim runs it (-I -S), on a
    cache hit (the first run may fill the cache)."""
    import wfguard

    pkg_parent = str(Path(wfguard.__file__).resolve().parent.parent)
    # the collector is off while a hook imports, and back on (what was loaded frozen out of it)
    # by the time it returns
    code = ("import gc, sys; sys.path.insert(0, sys.argv.pop(1)); from wfguard.hookentry import main\n"
            "code = main(sys.argv[1:])\n"
            "assert gc.isenabled() and gc.get_freeze_count() > 1000, gc.get_freeze_count()\n"
            "print(code, ' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    for _ in range(2):
        res = subprocess.run([PY, "-I", "-S", "-c", code, pkg_parent, *args], cwd=repo.path,
                             capture_output=True, text=True)
    code_text, _, modules = res.stdout.strip().partition(" ")
    assert code_text, res.stderr
    return code_text, set(modules.split())


def test_hook_path_imports_nothing_heavy(hooked: GitRepo, tmp_path: Path) -> None:
    """The built-in workflows at commit-msg: the Conventional Commits preset's regexes, the
    globs, the trailers are all rebuilt from the programs the first run stored: no re."""
    hooked.write("docs.md", "x\n")
    hooked.git("add", "docs.md")
    msg = tmp_path / "msg"
    msg.write_text("docs: a\n")
    code, modules = hook_modules(hooked, "commit-msg", str(msg))
    assert code == "0" and modules & (HEAVY | REGEX) == set(), modules
    msg.write_text("Docs: A.\n")  # blocked: same patterns, other paths through them
    code, modules = hook_modules(hooked, "commit-msg", str(msg))
    assert code == "1" and modules & (HEAVY | REGEX) == set(), modules


def test_a_user_regex_is_served_from_the_stored_program(feature_repo: GitRepo, tmp_path: Path) -> None:
    feature_repo.write(".wfguard.yml", "version: 1\nrules:\n  header:\n    kind: commit-message\n"
                       "    pattern: '^(feat|fix)(\\([a-z]+\\))?: [a-z]'\n")
    feature_repo.git("add", "-A")
    msg = tmp_path / "msg"
    for text, verdict in (("feat(api): add\n", "0"), ("chore: x\n", "1"), ("fix: y\n", "0")):
        msg.write_text(text)
        code, modules = hook_modules(feature_repo, "commit-msg", str(msg))
        assert code == verdict and modules & (HEAVY | REGEX) == set(), (text, modules)


def test_hook_without_regex_rules_imports_no_re(feature_repo: GitRepo) -> None:
    """A pre-commit changelog rule on plain globs: the standard library a hook loads is os,
    select, time and marshal (plus what Python itself starts with)."""
    feature_repo.write(".wfguard.yml", "version: 1\nrules:\n  changelog:\n    kind: changelog\n"
                       "    paths: ['src/**']\n    fragments: {dir: changelog.d}\n    stages: [pre-commit]\n")
    feature_repo.write("src/a.py", "x\n")
    feature_repo.write("changelog.d/a.feature.md", "A new thing.\n")
    feature_repo.git("add", "-A")
    code, modules = hook_modules(feature_repo, "pre-commit")
    assert code == "0" and modules & (HEAVY | REGEX) == set(), modules
    feature_repo.git("rm", "-q", "--cached", "changelog.d/a.feature.md")
    code, modules = hook_modules(feature_repo, "pre-commit")  # blocked: the message is drawn, still no re
    assert code == "1" and modules & (HEAVY | REGEX) == set(), modules


def test_events_are_json_lines(hooked: GitRepo) -> None:
    hooked.write("src/a.py", "x\n")
    hooked.git("add", "src/a.py")
    commit(hooked, "feat: a")
    lines = (hooked.path / ".git" / "wfguard" / "events.jsonl").read_text().splitlines()
    events = [json.loads(line) for line in lines]
    failed = [e for e in events if e["rule"] == "changelog"]
    assert failed and failed[-1]["status"] == "fail" and failed[-1]["stage"] == "commit-msg"


# --- pushing ----------------------------------------------------------------------------

@pytest.fixture
def pushing(hooked: GitRepo, tmp_path: Path) -> GitRepo:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    hooked.git("remote", "add", "origin", str(remote))
    hooked.git("push", "-q", "origin", "main")
    return hooked


def push(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "push", "-q", "origin", *args], cwd=repo.path, capture_output=True, text=True)


def test_push_new_branch_checks_only_new_work(pushing: GitRepo) -> None:
    pushing.commit("feat: a", "src/a.py")  # --no-verify: slipped past commit-msg
    res = push(pushing, "feat/x")
    assert res.returncode != 0 and "changelog" in res.stderr and "push was stopped" in res.stderr
    pushing.commit("docs: fragment", ("changelog.d/a.feature.md", "A.\n"))
    res = push(pushing, "feat/x")
    assert res.returncode == 0, res.stderr


def test_push_existing_branch_range(pushing: GitRepo) -> None:
    pushing.commit("feat: a", "src/a.py", ("changelog.d/a.feature.md", "A.\n"))
    assert push(pushing, "-u", "feat/x").returncode == 0
    pushing.commit("Bad message", "docs.md")
    res = push(pushing, "feat/x")
    assert res.returncode != 0 and "conventional-commits" in res.stderr


def test_push_delete_and_tags(pushing: GitRepo) -> None:
    pushing.commit("feat: a", "src/a.py", ("changelog.d/a.feature.md", "A.\n"))
    assert push(pushing, "feat/x").returncode == 0
    pushing.git("tag", "-a", "v1.0", "-m", "release 1.0")
    assert push(pushing, "v1.0").returncode == 0
    assert push(pushing, "--delete", "feat/x").returncode == 0


def test_pre_receive_rejects_and_cannot_be_weakened_by_the_push(feature_repo: GitRepo, tmp_path: Path) -> None:
    server = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", str(server)], check=True)
    feature_repo.git("remote", "add", "server", str(server))
    feature_repo.git("push", "-q", "server", "main")
    res = feature_repo.wfguard("install", "--server", cwd=server)
    assert res.code == 0, res
    assert (server / "hooks" / "pre-receive").exists()
    feature_repo.commit("feat: a", "src/a.py")
    res = subprocess.run(["git", "push", "-q", "server", "feat/x"], cwd=feature_repo.path,
                         capture_output=True, text=True)
    assert res.returncode != 0 and "changelog" in res.stderr
    # a push that also deletes the changelog rule is still judged by main's rules
    feature_repo.write(".wfguard.yml", "version: 1\nextends: [conventional-commits]\n")
    feature_repo.commit("chore: relax the workflow", ".wfguard.yml")
    res = subprocess.run(["git", "push", "-q", "server", "feat/x"], cwd=feature_repo.path,
                         capture_output=True, text=True)
    assert res.returncode != 0 and "changelog" in res.stderr
    assert subprocess.run(["git", "rev-parse", "-q", "--verify", "refs/heads/feat/x"], cwd=server,
                          capture_output=True).returncode != 0


def test_pre_receive_on_an_empty_server_uses_the_pushed_config(feature_repo: GitRepo, tmp_path: Path) -> None:
    server = tmp_path / "empty.git"
    subprocess.run(["git", "init", "-q", "--bare", str(server)], check=True)
    assert feature_repo.wfguard("install", "--server", cwd=server).code == 0
    feature_repo.git("remote", "add", "server", str(server))
    feature_repo.commit("Not conventional", "docs.md")
    res = subprocess.run(["git", "push", "-q", "server", "feat/x"], cwd=feature_repo.path,
                         capture_output=True, text=True)
    assert res.returncode != 0 and "conventional-commits" in res.stderr


def test_report_counts_blocks_and_skips(hooked: GitRepo) -> None:
    hooked.write("src/a.py", "x\n")
    hooked.git("add", "src/a.py")
    commit(hooked, "feat: a")
    commit(hooked, "feat: a\n\nWfguard-Skip: changelog: prototype")
    data = hooked.wfguard("report", "--format", "json").json()
    assert data["most_failed"][0] == {"rule": "changelog", "count": 1}
    assert data["most_skipped"][0]["rule"] == "changelog"
    assert data["most_skipped"][0]["reasons"] == ["prototype"]
    assert data["hook_time_ms"]["commit-msg"]["runs"] == 2
    assert "changelog" in hooked.wfguard("report").out


def test_doctor(hooked: GitRepo) -> None:
    res = hooked.wfguard("doctor", "--format", "json")
    assert res.code == 0 and res.json()["healthy"] is True
    (hooked.path / ".git" / "hooks" / "pre-push").unlink()
    hook = hooked.path / ".git" / "hooks" / "commit-msg"
    hook.write_text(hook.read_text().replace("WFGUARD_PYTHON=", "WFGUARD_PYTHON=/gone/python #", 1))
    res = hooked.wfguard("doctor", "--format", "json")
    assert res.code == 1
    texts = " ".join(f["text"] for f in res.json()["findings"])
    assert "pre-push hook is not installed" in texts
    assert "commit-msg hook was written by another wfguard version" in texts


def test_command_rule_says_when_unstaged_edits_differ(repo: GitRepo) -> None:
    repo.config("version: 1\nrules:\n  lint:\n    kind: command\n    run: 'true'\n    paths: ['src/**']\n"
                "    stages: [pre-commit]\n")
    repo.commit("chore: start", ".wfguard.yml")
    assert repo.wfguard("install").code == 0
    repo.write("src/a.py", "staged\n")
    repo.git("add", "src/a.py")
    repo.write("src/a.py", "staged\nand an unstaged edit\n")
    res = commit(repo, "feat: a")
    assert res.returncode == 0, res.stderr
    assert "ran on the work tree, where unstaged edits of src/a.py differ" in res.stderr


def test_pre_receive_with_a_config_file_given_at_install(feature_repo: GitRepo, tmp_path: Path) -> None:
    policy = tmp_path / "server-policy.yml"
    policy.write_text("version: 1\nextends: [conventional-commits]\n")
    server = tmp_path / "policy.git"
    subprocess.run(["git", "init", "-q", "--bare", str(server)], check=True)
    assert feature_repo.wfguard("install", "--server", "--config", str(policy), cwd=server).code == 0
    feature_repo.git("remote", "add", "policy", str(server))
    feature_repo.commit("Not conventional", "docs.md")  # the repository's own config would not matter
    res = subprocess.run(["git", "push", "-q", "policy", "feat/x"], cwd=feature_repo.path,
                         capture_output=True, text=True)
    assert res.returncode != 0 and "conventional-commits" in res.stderr and "changelog" not in res.stderr


BUILTIN = "version: 1\nextends: [changelog-fragments, conventional-commits, hygiene]\n"
# the git processes one hook run starts with a warm config cache (bench/RESULTS.md has the
# peers' counts): pre-commit reads the repository, the staged change and its added lines (the
# key scan); commit-msg asks for core.commentChar instead. Staged blobs are loose objects,
# read in-process (their sizes too), so neither starts cat-file.
MAX_GIT = {"pre-commit": 3, "commit-msg": 3}


@pytest.mark.parametrize("stage", ["pre-commit", "commit-msg"])
def test_a_hook_run_starts_few_git_processes(repo: GitRepo, tmp_path: Path, stage: str) -> None:
    repo.config(BUILTIN)
    repo.commit("chore: start", ".wfguard.yml")
    repo.git("switch", "-q", "-c", "feat/x")
    assert repo.wfguard("install").code == 0
    repo.write("src/a.py", "x\n")
    repo.write("changelog.d/a.feature.md", "A.\n")
    repo.git("add", "-A")
    msg = tmp_path / "msg"
    msg.write_text("feat: a\n")
    hook = repo.path / ".git" / "hooks" / stage
    args = [str(hook), *([str(msg)] if stage == "commit-msg" else [])]
    assert subprocess.run(args, cwd=repo.path, capture_output=True).returncode == 0  # fills the config cache
    trace = tmp_path / "trace.log"
    res = subprocess.run(args, cwd=repo.path, capture_output=True, text=True,
                         env={**os.environ, "GIT_TRACE": str(trace)})
    assert res.returncode == 0, res.stderr
    started = [ln for ln in trace.read_text().splitlines() if "trace: built-in: git" in ln]
    assert len(started) <= MAX_GIT[stage], "\n".join(started)
