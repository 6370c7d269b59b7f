"""`bots:` exempts dependabot's, renovate's and pre-commit.ci's pull requests from the rules it
names, judged in `check` by the head branch or by the author of every commit; the rest still
apply, and each exemption is reported and recorded as a skip."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import GitRepo

CONFIG = """\
version: 1
extends: [changelog-fragments, conventional-commits, hygiene]
rules:
  changelog:
    paths: ["src/**", "package.json"]
bots:
  authors: ["dependabot[bot]", "pre-commit-ci[bot]", "*[bot]@users.noreply.github.com"]
  branches: ["dependabot/**", "renovate/**"]
"""


def start(repo: GitRepo) -> None:
    repo.config(CONFIG)
    repo.commit("chore: start", ".wfguard.yml", ("package.json", '{"version": "1.0.0"}\n'))


def statuses(repo: GitRepo, env: dict[str, str] | None = None) -> dict[str, str]:
    res = repo.wfguard("check", "--base", "main", "--format", "json", env=env)
    return {r["rule"]: r["status"] for r in res.json()["results"]}


def test_a_dependabot_branch_needs_no_fragment_and_no_conventional_header(repo: GitRepo) -> None:
    start(repo)
    repo.git("switch", "-q", "-c", "dependabot/npm_and_yarn/lodash-4.17.21")
    repo.commit("Bump lodash from 4.17.20 to 4.17.21", ("package.json", '{"version": "1.0.0", "x": 1}\n'))
    found = statuses(repo, {"GITHUB_ACTIONS": "true", "GITHUB_HEAD_REF": "dependabot/npm_and_yarn/lodash-4.17.21",
                            "GITHUB_BASE_REF": "main"})
    assert found["changelog"] == "skip" and found["conventional-commits"] == "skip", found
    assert found["no-private-keys"] == "pass"
    events = [json.loads(ln) for ln in
              (Path(repo.git("rev-parse", "--absolute-git-dir")) / "wfguard/events.jsonl").read_text().splitlines()]
    assert any(e.get("status") == "skip" and e.get("rule") == "changelog" for e in events)


def test_a_bot_author_on_any_branch(repo: GitRepo) -> None:
    start(repo)
    repo.git("switch", "-q", "-c", "pre-commit-ci-update-config")
    env = {"GIT_AUTHOR_NAME": "pre-commit-ci[bot]",
           "GIT_AUTHOR_EMAIL": "66853113+pre-commit-ci[bot]@users.noreply.github.com"}
    repo.write("src/a.py", "x\n")
    repo.git("add", "src/a.py")
    repo.git("commit", "-q", "--no-verify", "-m", "[pre-commit.ci] auto fixes", env=env)
    assert statuses(repo)["changelog"] == "skip"
    # a person's commit on top: the change is no longer the bot's alone
    repo.commit("Tweak", ("src/b.py", "y\n"))
    found = statuses(repo)
    assert found["changelog"] == "fail" and found["conventional-commits"] == "fail", found


def test_the_rest_still_apply_to_bots(repo: GitRepo) -> None:
    start(repo)
    repo.git("switch", "-q", "-c", "renovate/all")
    key = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"
    repo.commit("Update deps", ("src/key.pem", key))
    found = statuses(repo, {"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "renovate/all"})
    assert found["changelog"] == "skip" and found["no-private-keys"] == "fail", found


def test_a_person_s_branch_is_judged_in_full(repo: GitRepo) -> None:
    start(repo)
    repo.git("switch", "-q", "-c", "feat/x")
    repo.commit("Add x", ("src/x.py", "x\n"))
    found = statuses(repo)
    assert found["changelog"] == "fail" and found["conventional-commits"] == "fail"


def test_bots_config_errors(repo: GitRepo) -> None:
    repo.config(CONFIG + "  rules: [nope]\n")
    res = repo.wfguard("validate")
    assert res.code == 2 and "bots.rules names no rule" in res.err, res
    repo.config(CONFIG.replace('"renovate/**"', '"renovate/[x"'))
    res = repo.wfguard("validate")
    assert res.code == 2 and "bots.branches" in res.err, res
