"""CI and agent integrations: SARIF, JUnit, annotations, --config-from, the action, agents."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import CHANGELOG_CONFIG, GitRepo, result_of

from wfguard import agentguard

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

CONFIG = CHANGELOG_CONFIG + "  no-todo:\n    kind: forbid\n    content: 'TODO'\n    severity: warning\n"


@pytest.fixture
def failing(repo: GitRepo) -> GitRepo:
    repo.config(CONFIG)
    repo.commit("chore: start", ".wfguard.yml", "README.md")
    repo.git("switch", "-q", "-c", "feat/x")
    repo.commit("feat: add export", ("src/ex port.py", "x = 1\n# TODO later\n"))
    return repo


def test_sarif_validates_against_the_official_schema(failing: GitRepo, tmp_path: Path) -> None:
    out = tmp_path / "r.sarif"
    res = failing.wfguard("check", "--base", "main", "--format", "sarif", "--output", str(out))
    assert res.code == 1
    assert "changelog" in res.out  # the human report still goes to stdout
    sarif = json.loads(out.read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    results = sarif["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["changelog"]["level"] == "error"
    todo = by_rule["no-todo"]
    assert todo["level"] == "warning"
    loc = todo["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "src/ex%20port.py" and loc["region"]["startLine"] == 2


def test_junit_parses_with_the_standard_library(failing: GitRepo) -> None:
    res = failing.wfguard("check", "--base", "main", "--format", "junit")
    assert res.code == 1
    root = ET.fromstring(res.out.split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    failure = cases["changelog"].find("failure")
    assert failure is not None and "why:" in (failure.text or "")
    assert cases["conventional-commits"].find("failure") is None
    assert cases["no-todo"].find("failure") is None  # a warning does not fail the suite


def test_github_annotations(failing: GitRepo) -> None:
    res = failing.wfguard("check", "--base", "main", "--format", "github")
    lines = res.out.splitlines()
    changelog = [ln for ln in lines if "title=wfguard%3A changelog" in ln]
    assert changelog and changelog[0].startswith("::error ")
    todo = [ln for ln in lines if "no-todo" in ln]
    assert todo == [f"::warning file=src/ex port.py,line=2,title=wfguard%3A no-todo::"
                    f"src/ex port.py:2: added line matches /TODO/ — fix: {result_fix(failing)}"]
    assert lines[-1].startswith("wfguard check failed:")


def result_fix(repo: GitRepo) -> str:
    return str(result_of(repo.check("--base", "main").json(), "no-todo")["fix"])


def test_annotation_escaping() -> None:
    from wfguard.render.formats import _esc_data, _esc_prop

    assert _esc_data("50%\nnext") == "50%25%0Anext"
    assert _esc_prop("a:b,c") == "a%3Ab%2Cc"


# --- --config-from --------------------------------------------------------------------

def weakened(repo: GitRepo) -> GitRepo:
    """A pull request that removes the changelog rule and skips the fragment."""
    repo.config(CHANGELOG_CONFIG)
    repo.commit("chore: start", ".wfguard.yml", "README.md")
    repo.git("switch", "-q", "-c", "feat/sneaky")
    repo.write(".wfguard.yml", "version: 1\nextends: [conventional-commits]\n")
    repo.commit("feat: add export", ".wfguard.yml", "src/export.py")
    return repo


def test_config_from_base_refuses_a_weakened_rule(repo: GitRepo) -> None:
    weakened(repo)
    res = repo.check("--base", "main")
    assert res.code == 1, res
    assert result_of(res.json(), "changelog")["status"] == "fail"
    res = repo.check("--base", "main", "--config-from", "worktree")  # the documented opt-out
    assert res.code == 0
    assert all(r["rule"] != "changelog" for r in res.json()["results"])


def test_adopting_wfguard_uses_the_work_tree(repo: GitRepo) -> None:
    repo.commit("chore: start", "README.md")
    repo.git("switch", "-q", "-c", "feat/adopt")
    repo.config(CHANGELOG_CONFIG)
    repo.commit("chore: adopt wfguard", ".wfguard.yml")
    res = repo.check("--base", "main")
    assert res.code == 0 and "has no .wfguard.yml yet" in res.err


def test_the_action_fails_the_weakened_pull_request(repo: GitRepo, tmp_path: Path) -> None:
    weakened(repo)
    repo.git("update-ref", "refs/remotes/origin/main", "main")
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    script = next(s["run"] for s in action["runs"]["steps"] if s.get("id") == "check")
    outputs = tmp_path / "outputs"
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "feat/sneaky",
           "GITHUB_OUTPUT": str(outputs), "INPUT_BASE": "", "INPUT_CONFIG_FROM": "", "SARIF_FILE": "out.sarif"}
    proc = subprocess.run(["bash", "-c", script], cwd=repo.path, env=env, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "::error" in proc.stdout and "changelog" in proc.stdout
    assert "passed=false" in outputs.read_text()
    sarif = json.loads((repo.path / "out.sarif").read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)


def test_pre_commit_hooks_file() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["wfguard"]["stages"] == ["pre-commit"] and hooks["wfguard"]["entry"] == "wfguard hook pre-commit"
    assert hooks["wfguard-commit-msg"]["stages"] == ["commit-msg"]


# --- next actions in every json report -------------------------------------------------

def test_every_json_report_has_next(failing: GitRepo) -> None:
    assert failing.check("--base", "main").json()["next"] == ["wfguard fix changelog"]
    for args in (["list"], ["explain", "changelog"], ["validate"], ["report"], ["doctor"]):
        res = failing.wfguard(*args, "--format", "json")
        assert "next" in res.json(), args
    assert failing.wfguard("explain", "changelog", "--format", "json").json()["next"] == ["wfguard fix changelog"]


# --- agents -----------------------------------------------------------------------------

def test_agents_block_written_idempotent_and_reported_stale(repo: GitRepo) -> None:
    repo.config(CHANGELOG_CONFIG)
    repo.write("AGENTS.md", "# Agents\n\nKeep this paragraph.\n")
    res = repo.wfguard("agents", "--write", "AGENTS.md")
    assert res.code == 0, res
    text = (repo.path / "AGENTS.md").read_text()
    assert text.startswith("# Agents\n\nKeep this paragraph.\n")
    assert "<!-- wfguard:agents:start -->" in text and "wfguard ship --yes -m" in text
    assert "Wfguard-Skip: changelog: <reason>" in text
    assert "up to date" in repo.wfguard("agents", "--write", "AGENTS.md").out
    assert (repo.path / "AGENTS.md").read_text() == text
    repo.commit("chore: start", ".wfguard.yml", "AGENTS.md")
    repo.git("switch", "-q", "-c", "feat/x")
    repo.commit("docs: x", "notes.md")
    report = repo.check("--base", "main").json()
    assert result_of(report, "agents-instructions")["status"] == "pass"
    # the workflow changes, the block does not: a stale warning (the check still passes)
    repo.write(".wfguard.yml", CHANGELOG_CONFIG + "    why: Clients read the notes.\n")
    repo.commit("chore: explain", ".wfguard.yml")
    res = repo.check("--base", "main")
    agents_result = result_of(res.json(), "agents-instructions")
    assert agents_result["status"] == "fail" and agents_result["severity"] == "warning"
    assert agents_result["fix"] == "wfguard agents --write AGENTS.md"
    assert res.code == 0


def test_guard_claude_merges_settings(repo: GitRepo) -> None:
    repo.config(CHANGELOG_CONFIG)
    settings = repo.path / ".claude" / "settings.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps({"model": "x", "hooks": {"PreToolUse": [
        {"matcher": "Write", "hooks": [{"type": "command", "command": "other"}]}]}}))
    assert repo.wfguard("agents", "--guard", "claude").code == 0
    data = json.loads(settings.read_text())
    assert data["model"] == "x"
    commands = [h["command"] for e in data["hooks"]["PreToolUse"] for h in e["hooks"]]
    assert commands == ["other", "wfguard hook agent-command"]
    assert repo.wfguard("agents", "--guard", "claude").code == 0
    assert json.loads(settings.read_text()) == data  # idempotent
    settings.write_text("{not json")
    res = repo.wfguard("agents", "--guard", "claude")
    assert res.code == 2 and settings.read_text() == "{not json"


@pytest.mark.parametrize(("command", "refused"), [
    ("git commit --no-verify -m 'feat: x'", True),
    ("git commit -n -m x", True),
    ("git commit -anm 'x'", True),
    ("git commit -m 'no -n here'", False),
    ("git commit -mn", False),
    ("cd app && git push --no-verify origin main", True),
    ("git -c core.hooksPath=/dev/null commit -m x", True),
    ("git config core.hooksPath /tmp/none", True),
    ("GIT_TRACE=1 git push origin feat/x", False),
    ("git push -n origin main", False),  # push -n is --dry-run
    ("wfguard ship --yes -m 'feat: x'", False),
    ("echo git commit --no-verify", False),
    ("git log --oneline", False),
])
def test_agent_command_guard(repo: GitRepo, command: str, refused: bool) -> None:
    call = json.dumps({"tool_name": "Bash", "tool_input": {"command": command}})
    res = repo.wfguard("hook", "agent-command", input=call)
    assert res.code == (2 if refused else 0), (command, res)
    if refused:
        assert "wfguard ship" in res.err
    assert (agentguard.problem(command) is not None) == refused


def test_agent_command_guard_ignores_other_tools(repo: GitRepo) -> None:
    for payload in ('{"tool_name": "Write", "tool_input": {"file_path": "x"}}', "not json", "[]"):
        assert repo.wfguard("hook", "agent-command", input=payload).code == 0


def test_a_mention_of_the_marker_is_not_a_block(repo: GitRepo) -> None:
    repo.config(CHANGELOG_CONFIG)
    repo.write("docs.md", "Use `<!-- wfguard:agents:start -->` markers.\n")
    repo.write("tool.py", 'START = "<!-- wfguard:agents:start -->"\n')
    repo.commit("chore: start", ".wfguard.yml", "docs.md", "tool.py")
    repo.git("switch", "-q", "-c", "feat/x")
    repo.commit("docs: x", "notes.md")
    report = repo.check("--base", "main").json()
    assert all(r["rule"] != "agents-instructions" for r in report["results"])
