"""Shared workflows pinned to a commit of another repository, and `wfguard update`, through real git
(a `file://` platform repository, a team repository with hooks installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import GitRepo

STRICT = """\
version: 1
extends: [conventional-commits, ./base.yml]
rules:
  platform-tests:
    kind: command
    run: ["true"]
    stages: [ci]
"""
BASE = """\
version: 1
rules:
  no-env-files:
    kind: forbid
    files: ["*.env"]
    why: "Secrets live in the vault, not in the repository."
"""


@pytest.fixture
def platform(tmp_path: Path) -> GitRepo:
    path = tmp_path / "platform"
    path.mkdir()
    p = GitRepo(path)
    p.git("init", "-q", "-b", "main")
    p.commit("feat: python service workflow", ("python.yml", STRICT), ("base.yml", BASE))
    return p


def pinned(platform: GitRepo, ref: str | None = None, track: str = "main", path: str = "python.yml") -> str:
    ref = ref or platform.git("rev-parse", "HEAD")
    return (f"version: 1\nextends:\n  - git: file://{platform.path}\n    ref: {ref}   # pinned\n"
            f"    path: {path}\n    track: {track}\nrules:\n  local-rule:\n    kind: branch\n"
            "    protected: [main]\n")


@pytest.fixture
def team(repo: GitRepo, platform: GitRepo) -> GitRepo:
    repo.git("switch", "-q", "-c", "main")
    repo.config(pinned(platform))
    repo.commit("chore: adopt the platform workflow", ".wfguard.yml")
    return repo


def test_rules_come_from_the_pinned_commit_and_say_so(team: GitRepo, platform: GitRepo) -> None:
    data = team.wfguard("list", "--format", "json").json()
    origins = {r["rule"]: r["origin"] for r in data["rules"]}
    sha = platform.git("rev-parse", "HEAD")[:12]
    assert origins["platform-tests"] == f"file://{platform.path}@{sha}:python.yml"
    assert origins["no-env-files"] == f"file://{platform.path}@{sha}:base.yml"  # nested, same commit
    assert origins["conventional-commits"] == "workflow:conventional-commits"
    assert origins["local-rule"] == ".wfguard.yml"
    assert "from" in team.wfguard("explain", "no-env-files").out
    # a later commit of the platform changes nothing here until the pin moves
    platform.commit("chore: drop the env rule", ("base.yml", "version: 1\nrules: {}\n"))
    assert "no-env-files" in {r["rule"] for r in team.wfguard("list", "--format", "json").json()["rules"]}


def test_hooks_never_fetch_they_fail_closed_with_the_fix(team: GitRepo, tmp_path: Path) -> None:
    assert team.wfguard("install").code == 0
    shutil.rmtree(team.path / ".git" / "wfguard", ignore_errors=True)
    shutil.rmtree(Path.home() / ".cache" / "wfguard", ignore_errors=True)
    team.git("switch", "-q", "-c", "feat/x")
    team.write("app.py", "x\n")
    team.git("add", "app.py")
    blocked = subprocess.run(["git", "commit", "-q", "-m", "feat: x"], cwd=team.path, capture_output=True, text=True)
    assert blocked.returncode != 0
    assert "wfguard update --fetch-only" in blocked.stderr and "not in the cache" in blocked.stderr
    assert team.wfguard("update", "--fetch-only").code == 0
    ok = subprocess.run(["git", "commit", "-q", "-m", "feat: x"], cwd=team.path, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    # the config cache keys on the pins: with the shared cache gone, a hook still runs offline
    shutil.rmtree(Path.home() / ".cache" / "wfguard")
    team.write("app.py", "y\n")
    team.git("add", "app.py")
    again = subprocess.run(["git", "commit", "-q", "-m", "fix: y"], cwd=team.path, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr


def test_a_shared_rule_blocks_like_a_local_one(team: GitRepo) -> None:
    team.git("switch", "-q", "-c", "feat/x")
    team.commit("feat: config", ("prod.env", "KEY=1\n"))
    res = team.check("--base", "main")
    assert res.code == 1
    assert any(r["rule"] == "no-env-files" and r["status"] == "fail" for r in res.json()["results"])


@pytest.mark.parametrize(("case", "expect"), [
    ("branch-name", "is not a full 40-hex commit id"),
    ("missing-path", "does not exist in the shared repository"),
    ("no-such-commit", "has no commit"),
    ("unreachable", "cannot fetch the shared workflow repository"),
])
def test_errors_name_the_fix(repo: GitRepo, platform: GitRepo, case: str, expect: str) -> None:
    text = pinned(platform)
    if case == "branch-name":
        text = pinned(platform, ref="main")
    elif case == "missing-path":
        text = pinned(platform, path="nope.yml")
    elif case == "no-such-commit":
        text = pinned(platform, ref="0123456789abcdef0123456789abcdef01234567")
    elif case == "unreachable":
        text = text.replace(f"file://{platform.path}", f"file://{platform.path}-gone")
    repo.config(text)
    res = repo.wfguard("validate")
    assert res.code == 2, res
    assert expect in res.err and "Traceback" not in res.err


def test_a_loop_inside_a_shared_repository_is_named(repo: GitRepo, platform: GitRepo) -> None:
    platform.commit("chore: loop", ("a.yml", "version: 1\nextends: [./b.yml]\n"),
                    ("b.yml", "version: 1\nextends: [./a.yml]\n"))
    repo.config(pinned(platform, path="a.yml"))
    res = repo.wfguard("validate")
    assert res.code == 2 and "loops back" in res.err and "a.yml -> " in res.err


def test_a_damaged_cache_is_fetched_again_never_trusted(team: GitRepo, platform: GitRepo) -> None:
    assert team.wfguard("update", "--fetch-only").code == 0
    cache = next((Path.home() / ".cache" / "wfguard" / "repos").iterdir())
    blob = platform.git("rev-parse", "HEAD:base.yml")
    # replace the blob by another object's bytes under the same name: git itself would not notice
    obj = cache / "objects" / blob[:2] / blob[2:]
    if not obj.exists():  # packed by the fetch: unpack into loose objects first
        for pack in (cache / "objects" / "pack").glob("*.pack"):
            data = pack.read_bytes()
            pack.rename(pack.with_suffix(".old"))
            subprocess.run(["git", "unpack-objects", "-q"], cwd=cache, input=data, check=True)
    other = platform.git("rev-parse", "HEAD:python.yml")
    obj.chmod(0o644)
    obj.write_bytes((cache / "objects" / other[:2] / other[2:]).read_bytes())
    shutil.rmtree(team.path / ".git" / "wfguard", ignore_errors=True)
    res = team.wfguard("list", "--format", "json")  # a command may fetch: it replaces the damaged copy
    assert res.code == 0, res
    assert "no-env-files" in {r["rule"] for r in res.json()["rules"]}


def test_update_moves_the_pin_keeps_the_file_and_flags_what_weakens(team: GitRepo, platform: GitRepo) -> None:
    old = platform.git("rev-parse", "HEAD")
    platform.commit("feat: lint and drop the env rule", ("base.yml", "version: 1\nrules: {}\n"),
                    ("python.yml", STRICT.replace('run: ["true"]', 'run: ["ruff", "check"]')))
    new = platform.git("rev-parse", "HEAD")
    before = (team.path / ".wfguard.yml").read_text()
    dry = team.wfguard("update", "--dry-run", "--format", "json").json()
    assert dry["moved"] == [{"git": f"file://{platform.path}", "track": "main", "from": old, "to": new}]
    assert dry["removed"] == ["no-env-files"] and "no-env-files: removed or disabled" in dry["weakened"]
    assert dry["commands"]["platform-tests"]["options"]["run"] == ["ruff", "check"]
    assert (team.path / ".wfguard.yml").read_text() == before
    res = team.wfguard("update")
    assert res.code == 0 and "weaker: no-env-files: removed or disabled" in res.out
    assert "command rule platform-tests will run on every machine" in res.out
    assert (team.path / ".wfguard.yml").read_text() == before.replace(old, new)  # only the ref changed
    assert "✓" in team.wfguard("update").out  # nothing further to move


def test_update_cooldown_keeps_commits_younger_than_the_cooldown_out(team: GitRepo, platform: GitRepo) -> None:
    old = platform.git("rev-parse", "HEAD")
    platform.git("commit", "-q", "--allow-empty", "-m", "chore: fresh",
                 env={"GIT_COMMITTER_DATE": "2099-01-01T00:00:00Z"})
    res = team.wfguard("update", "--cooldown", "7", "--format", "json").json()
    assert res["moved"] == []  # the fresh commit is not old enough; the pinned one is already newest of the rest
    assert old in (team.path / ".wfguard.yml").read_text()


def test_a_pull_request_moving_the_pin_is_judged_by_the_old_rules(team: GitRepo, platform: GitRepo) -> None:
    platform.commit("chore: drop the env rule", ("base.yml", "version: 1\nrules: {}\n"))
    team.git("switch", "-q", "-c", "chore/bump")
    assert team.wfguard("update").code == 0
    team.commit("chore: update shared workflows", ".wfguard.yml", ("prod.env", "KEY=1\n"))
    res = team.check("--base", "main")
    results = {r["rule"]: r for r in res.json()["results"]}
    assert results["no-env-files"]["status"] == "fail"  # the base's pin still holds the rule
    assert results["workflow-weakened"]["status"] == "fail"
    assert any("no-env-files: removed or disabled" in m["text"] for m in results["workflow-weakened"]["messages"])


def test_update_pins_a_branch_name_and_follows_tag_globs(repo: GitRepo, platform: GitRepo) -> None:
    platform.git("tag", "v1.0.0")
    first = platform.git("rev-parse", "HEAD")
    platform.commit("feat: more", ("extra.yml", "version: 1\n"))
    platform.git("tag", "v1.1.0")
    platform.commit("feat: unreleased", ("more.yml", "version: 1\n"))
    repo.config(pinned(platform, ref="main", track="v1.*"))
    assert repo.wfguard("validate").code == 2  # not pinned yet
    res = repo.wfguard("update", "--format", "json").json()
    tagged = platform.git("rev-parse", "v1.1.0^{commit}")
    assert res["moved"][0]["to"] == tagged and tagged != first
    assert f"ref: {tagged}   # pinned" in (repo.path / ".wfguard.yml").read_text()
    assert repo.wfguard("validate").code == 0


def test_a_schema_error_in_a_shared_file_names_repository_commit_file_and_line(repo: GitRepo,
                                                                               platform: GitRepo) -> None:
    platform.commit("chore: typo", ("python.yml", STRICT.replace("    stages: [ci]", "    stagez: [ci]")))
    repo.config(pinned(platform))
    res = repo.wfguard("validate")
    sha = platform.git("rev-parse", "HEAD")[:12]
    assert res.code == 2
    assert f"file://{platform.path}@{sha}:python.yml:7" in res.err and "stagez" in res.err


def test_shared_workflows_nest_at_most_five_deep(tmp_path: Path, repo: GitRepo) -> None:
    def chain(n: int) -> str:
        """n repositories, each extending the next by pin; the text that extends the first."""
        ref, url = None, None
        for i in range(n, 0, -1):
            p = GitRepo(tmp_path / f"chain{n}-{i}")
            p.path.mkdir()
            p.git("init", "-q", "-b", "main")
            text = "version: 1\n" + (f"extends:\n  - {{git: '{url}', ref: {ref}, path: w.yml}}\n" if url else "")
            p.commit("chore: w", ("w.yml", text + f"rules:\n  level-{i}:\n    kind: branch\n    protected: [l{i}]\n"))
            ref, url = p.git("rev-parse", "HEAD"), f"file://{p.path}"
        return f"version: 1\nextends:\n  - {{git: '{url}', ref: {ref}, path: w.yml}}\n"

    repo.config(chain(5))
    assert repo.wfguard("validate").code == 0
    repo.config(chain(6))
    res = repo.wfguard("validate")
    assert res.code == 2 and "more than 5 deep" in res.err


def test_update_on_broken_yaml_is_a_located_error(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [\n")
    res = repo.wfguard("update")
    assert res.code == 2 and ".wfguard.yml:3: invalid YAML" in res.err and "Traceback" not in res.err
