"""``wfguard check``: ranges, CI variables, JSON shape, exit codes, awkward repositories."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from conftest import GitRepo, result_of


def test_src_change_without_fragment_fails_and_names_the_rule(feature_repo: GitRepo) -> None:
    feature_repo.commit("feat: add export", "src/export.py")
    res = feature_repo.check("--base", "main")
    assert res.code == 1, res
    report = res.json()
    assert report["passed"] is False
    changelog = result_of(report, "changelog")
    assert changelog["status"] == "fail"
    assert "src/export.py" in changelog["messages"][0]["text"]
    assert report["next"] == ["wfguard fix changelog"]


def test_valid_fragment_passes(feature_repo: GitRepo) -> None:
    feature_repo.commit("feat: add export", "src/export.py",
                        ("changelog.d/export.feature.md", "Add an export endpoint.\n"))
    res = feature_repo.check("--base", "main")
    assert res.code == 0, res
    assert result_of(res.json(), "changelog")["status"] == "pass"


def test_json_has_exactly_the_designed_shape(feature_repo: GitRepo) -> None:
    feature_repo.commit("feat: add export", "src/export.py")
    report = feature_repo.check("--base", "main").json()
    assert set(report) == {"version", "stage", "base", "head", "passed", "results", "summary", "next"}
    assert report["version"] == 1 and report["stage"] == "ci"
    assert re.fullmatch(r"[0-9a-f]{40}", report["base"]) and re.fullmatch(r"[0-9a-f]{40}", report["head"])
    assert report["base"] == feature_repo.git("merge-base", "main", "HEAD")
    for r in report["results"]:
        assert set(r) == {"rule", "kind", "status", "severity", "messages", "why", "fix", "skipped",
                          "duration_ms"}
        assert r["status"] in ("pass", "fail", "skip", "not-applicable")
        for m in r["messages"]:
            assert set(m) == {"text", "path", "line"}
    assert set(report["summary"]) == {"passed", "failed", "warnings", "skipped", "not_applicable"}
    assert report["summary"]["failed"] == 1


def test_text_output_names_rule_why_and_fix(feature_repo: GitRepo) -> None:
    feature_repo.commit("feat: add export", "src/export.py")
    res = feature_repo.wfguard("check", "--base", "main")
    assert res.code == 1
    assert "changelog" in res.out and "why:" in res.out and "wfguard fix changelog" in res.out
    assert "\x1b[" not in res.out  # no colour without a terminal


def test_output_file(feature_repo: GitRepo, tmp_path: Path) -> None:
    feature_repo.commit("feat: add export", "src/export.py")
    out = tmp_path / "report.json"
    res = feature_repo.wfguard("check", "--base", "main", "--format", "json", "--output", str(out))
    assert res.code == 1
    assert json.loads(out.read_text())["passed"] is False


def test_base_from_default_branch_of_the_remote(feature_repo: GitRepo, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    feature_repo.git("remote", "add", "origin", str(remote))
    feature_repo.git("push", "-q", "origin", "main")
    feature_repo.git("remote", "set-head", "origin", "main")
    feature_repo.commit("feat: add export", "src/export.py")
    res = feature_repo.check()
    assert res.code == 1, res
    assert res.json()["base"] == feature_repo.git("rev-parse", "main")


def test_github_pull_request_variables(feature_repo: GitRepo, tmp_path: Path) -> None:
    feature_repo.git("update-ref", "refs/remotes/origin/main", "main")
    feature_repo.commit("feat: add export", "src/export.py")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "feat/x"}
    res = feature_repo.check(env=env)
    assert res.code == 1 and res.json()["base"] == feature_repo.git("rev-parse", "main")


def test_github_push_uses_event_before_and_ignores_empty_base_ref(feature_repo: GitRepo, tmp_path: Path) -> None:
    first = feature_repo.commit("feat: add export", "src/export.py",
                                ("changelog.d/e.feature.md", "Export.\n"))
    feature_repo.commit("fix: bad", "src/other.py")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"before": first}))
    env = {"GITHUB_ACTIONS": "true", "GITHUB_BASE_REF": "", "GITHUB_EVENT_PATH": str(event)}
    res = feature_repo.check(env=env)
    assert res.code == 1, res
    assert res.json()["base"] == first
    assert "src/other.py" in result_of(res.json(), "changelog")["messages"][0]["text"]


def test_gitlab_merge_request_variables(feature_repo: GitRepo) -> None:
    base = feature_repo.git("rev-parse", "main")
    feature_repo.commit("feat: add export", "src/export.py", ("changelog.d/e.feature.md", "E.\n"))
    env = {"GITLAB_CI": "true", "CI_MERGE_REQUEST_DIFF_BASE_SHA": base}
    res = feature_repo.check(env=env)
    assert res.code == 0, res
    assert res.json()["base"] == base


def test_no_base_anywhere_is_a_clear_error(feature_repo: GitRepo) -> None:
    res = feature_repo.check()
    assert res.code == 2
    assert "--base" in res.err and "Traceback" not in res.err


def test_no_config_points_at_init(repo: GitRepo) -> None:
    repo.commit("chore: start", "a.txt")
    res = repo.check("--base", "HEAD")
    assert res.code == 2
    assert "wfguard init" in res.err


def test_outside_a_repository(tmp_path: Path, repo: GitRepo) -> None:
    res = repo.wfguard("check", cwd=tmp_path)
    assert res.code == 2 and "not inside a git repository" in res.err


def test_no_commits_yet(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [conventional-commits]\n")
    res = repo.check("--base", "HEAD")
    assert res.code == 2 and "no commits yet" in res.err


def test_first_commit_without_parent_is_checked_against_nothing(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [changelog-fragments, conventional-commits]\n")
    root = repo.commit("feat: first", ".wfguard.yml", "src/app.py")
    res = repo.check("--base", root, "--head", root)
    assert res.code == 0, res  # an empty range: nothing to check
    assert res.json()["summary"]["failed"] == 0


def test_detached_head(feature_repo: GitRepo) -> None:
    feature_repo.commit("feat: add export", "src/export.py", ("changelog.d/a.feature.md", "A.\n"))
    feature_repo.git("switch", "-q", "--detach", "HEAD")
    res = feature_repo.check("--base", "main")
    assert res.code == 0, res


def test_bad_base_is_exit_2(feature_repo: GitRepo) -> None:
    res = feature_repo.check("--base", "no-such-branch")
    assert res.code == 2 and "no-such-branch" in res.err


def test_shallow_clone_without_base_says_how_to_fetch(feature_repo: GitRepo, tmp_path: Path) -> None:
    for i in range(3):
        feature_repo.commit(f"feat: step {i}", f"src/s{i}.py", (f"changelog.d/s{i}.feature.md", "S.\n"))
    base = feature_repo.git("rev-parse", "main")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feat/x",
                    f"file://{feature_repo.path}", str(clone)], check=True)
    res = GitRepo(clone).check("--base", base)
    assert res.code == 2, res
    assert "shallow" in res.err and "fetch" in res.err
    res = GitRepo(clone).check("--base", "origin/feat/x~2")
    assert res.code == 2 and "shallow" in res.err


def test_odd_file_names(feature_repo: GitRepo) -> None:
    names = ["src/with space.py", "src/ünïcødé.py", "src/-leading-dash.py", "src/new\nline.py",
             'src/quote"d.py']
    for n in names:
        feature_repo.write(n, "x\n")
    feature_repo.git("add", "--", *names)
    feature_repo.git("commit", "-q", "-m", "feat: odd names")
    res = feature_repo.check("--base", "main")
    assert res.code == 1, res
    text = result_of(res.json(), "changelog")["messages"][0]["text"]
    assert "5 changed path(s)" in text
    assert "src/with space.py" in text and "src/ünïcødé.py" in text


def test_many_commits_use_a_constant_number_of_git_processes(feature_repo: GitRepo, tmp_path: Path) -> None:
    """The process count must not grow with the number of commits."""
    import os
    counts = []
    feature_repo.wfguard("check", "--base", "main")  # fill the config cache first
    for n in (2, 40):
        while int(feature_repo.git("rev-list", "--count", "main..HEAD") or 0) < n:
            feature_repo.commit("chore: tick", allow_empty=True)
        trace = tmp_path / f"trace{n}"
        feature_repo.wfguard("check", "--base", "main", env={"GIT_TRACE": str(trace)})
        counts.append(trace.read_text().count("trace: built-in: git"))
        os.unlink(trace)
    assert counts[0] == counts[1], counts


def test_entry_points(repo: GitRepo) -> None:
    import sys

    from wfguard import __version__

    assert repo.wfguard("--version").out.strip() == f"wfguard {__version__}"
    res = subprocess.run([sys.executable, "-m", "wfguard", "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "ship" in res.stdout and "check" in res.stdout
    res = repo.wfguard("check", "--help")
    assert res.code == 0 and "--config-from" in res.out and "--no-exec" in res.out
    res = repo.wfguard("check", "--format", "xml")
    assert res.code == 2 and "invalid choice" in res.err


def test_a_change_set_is_a_value(repo: GitRepo) -> None:
    """Built whole by its constructors, never changed after (issue 13)."""
    import pytest

    from wfguard import changeset

    repo.commit("chore: start", "a.txt")
    cs = changeset.from_index(repo.path, "commit-msg")
    with pytest.raises(AttributeError, match="is a value"):
        cs.message = "feat: x"  # type: ignore[misc]
    with_message = cs.with_message("feat: x\n")
    assert with_message.message == "feat: x\n" and cs.message is None and with_message.paths == cs.paths
