"""`wfguard report` over real history and event logs: skips, late repairs, CI's events, agents,
suggestions (each in a history built for it, and none where none applies), the HTML page."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import CHANGELOG_CONFIG, GitRepo

CONFIG = CHANGELOG_CONFIG + """\
  tests:
    kind: command
    run: ["true"]
    timeout: 60
"""


@pytest.fixture
def team(repo: GitRepo) -> GitRepo:
    repo.git("switch", "-q", "-c", "main")
    repo.config(CONFIG)
    repo.commit("chore: start", ".wfguard.yml", ("changelog.d/.gitkeep", ""))
    return repo


def report(repo: GitRepo, *args: str) -> dict[str, Any]:
    res = repo.wfguard("report", "--since", "5y", "--format", "json", *args)
    assert res.code == 0, res
    data: dict[str, Any] = res.json()
    return data


def events_file(path: Path, *events: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


def fail(rule: str, stage: str, **extra: Any) -> dict[str, Any]:
    return {"time": "2026-11-30T10:00:00Z", "source": "hook", "stage": stage, "rule": rule, "status": "fail",
            "severity": "error", "duration_ms": 5, **extra}


def test_history_skips_and_late_repairs(team: GitRepo) -> None:
    team.commit("feat: a\n\nWfguard-Skip: changelog: generated code", ("src/gen/a.py", "a\n"))
    team.commit("feat: b", ("src/b.py", "b\n"))
    team.commit("docs: changelog for b", ("changelog.d/b.feature.md", "B.\n"))  # the late repair
    team.commit("chore(release): 1.0.0", ("CHANGELOG.md", "# 1.0.0\n"))  # a release is not one
    data = report(team)
    skip = data["skips"][0]
    assert (skip["rule"], skip["reason"], skip["author"], skip["paths"]) == (
        "changelog", "generated code", "Test User", ["src/gen/a.py"])
    assert [r["header"] for r in data["late_repairs"]] == ["docs: changelog for b"]
    row = next(r for r in data["rules"] if r["rule"] == "changelog")
    assert row["skips"] == 1 and row["late_repairs"] == 1 and row["retries"] == 1
    ranged = report(team, "--range", "HEAD~1..HEAD")
    assert ranged["late_repairs"] == [] and ranged["skips"] == []


def test_ci_events_joined_and_corrupt_lines_counted(team: GitRepo, tmp_path: Path) -> None:
    team.git("switch", "-q", "-c", "feat/x")
    team.commit("feat: x", ("src/x.py", "x\n"))
    ci_log = tmp_path / "ci-events.jsonl"
    assert team.wfguard("check", "--base", "main", "--events", str(ci_log)).code == 1
    with ci_log.open("a") as fh:
        fh.write("{not json\n")
    other = events_file(tmp_path / "other.jsonl", fail("changelog", "pre-push"))
    data = report(team, "--events", str(ci_log), "--events", str(other))
    row = next(r for r in data["rules"] if r["rule"] == "changelog")
    # the local log and the CI file hold the same check: both count, as two machines' runs would
    assert row["failures_by_stage"] == {"ci": 2, "pre-push": 1}
    assert data["corrupt_lines"] == 1
    missing = team.wfguard("report", "--events", str(tmp_path / "nope.jsonl"))
    assert missing.code == 2 and "cannot read --events" in missing.err


def test_agents_refusals_are_counted(team: GitRepo) -> None:
    hook_input = json.dumps({"tool_name": "Bash", "tool_input": {"command": "git commit --no-verify -m x"},
                             "cwd": str(team.path)})
    res = team.wfguard("hook", "agent-command", "--agent", "claude", input=hook_input)
    assert res.code == 2
    data = report(team)
    assert data["agents"][0]["agent"] == "claude" and data["agents"][0]["refused"] == 1


def test_each_suggestion_in_the_history_built_for_it(team: GitRepo, tmp_path: Path) -> None:
    for i in range(3):  # skipped three times, always for generated files under src/gen/
        team.commit(f"feat: gen {i}\n\nWfguard-Skip: changelog: generated", (f"src/gen/m{i}.py", f"{i}\n"))
    late = events_file(tmp_path / "late.jsonl", *[fail("changelog", "ci") for _ in range(3)],
                       fail("changelog", "commit-msg"),
                       *[fail("tests", "pre-push", reason="timeout") for _ in range(3)], fail("tests", "pre-push"))
    data = report(team, "--suggest", "--events", str(late))
    by_change = {(s["rule"], s["change"]): s for s in data["suggestions"]}
    ignore = by_change[("changelog", "ignore src/gen/")]
    assert "all 3 skips of changelog" in ignore["evidence"] and '"src/gen/**"' in ignore["yaml"]
    earlier = by_change[("changelog", "catch it at commit time")]
    assert "3 of 4 failures" in earlier["evidence"] and "stages: [commit-msg" in earlier["yaml"]
    timeout = by_change[("tests", "raise the timeout")]
    assert timeout["evidence"] == "3 of 4 failures of tests were timeouts (limit 60 s)"
    assert "timeout: 120" in timeout["yaml"]
    review = by_change[("changelog", "review the rule")]
    assert "skipped 3 times and passed 0" in review["evidence"]


def test_no_suggestion_where_none_applies(team: GitRepo, tmp_path: Path) -> None:
    team.commit("feat: a\n\nWfguard-Skip: changelog: one-off", ("src/a.py", "a\n"))
    team.commit("feat: b\n\nWfguard-Skip: changelog: one-off", ("docs/b.md", "b\n"))
    early = events_file(tmp_path / "e.jsonl", *[fail("changelog", "commit-msg") for _ in range(5)],
                        fail("tests", "pre-push", reason="timeout"), *[fail("tests", "pre-push") for _ in range(2)],
                        *[{"time": "2026-11-30T10:00:00Z", "source": "hook", "stage": "commit-msg",
                           "rule": "changelog", "status": "pass", "severity": "error"} for _ in range(5)])
    assert report(team, "--suggest", "--events", str(early))["suggestions"] == []


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.external += [v for k, v in attrs if k in ("src", "href") and v]


def test_the_html_page_is_self_contained(team: GitRepo, tmp_path: Path) -> None:
    team.commit("feat: <script>alert(1)</script>\n\nWfguard-Skip: changelog: <b>x</b>", ("src/a.py", "a\n"))
    page = tmp_path / "report.html"
    log = events_file(tmp_path / "e.jsonl", fail("changelog", "ci"))
    assert team.wfguard("report", "--since", "5y", "--suggest", "--events", str(log), "--html", str(page)).code == 0
    parser = _Page()
    html = page.read_text()
    parser.feed(html)
    assert "script" not in parser.tags and parser.external == []
    assert parser.tags.count("table") >= 2 and "svg" in parser.tags and "h1" in parser.tags
    assert "&lt;b&gt;x&lt;/b&gt;" in html


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="no headless Chromium on this machine")
def test_the_html_page_renders_in_a_browser(team: GitRepo, tmp_path: Path) -> None:
    team.commit("feat: a\n\nWfguard-Skip: changelog: later", ("src/a.py", "a\n"))
    page = tmp_path / "report.html"
    log = events_file(tmp_path / "e.jsonl", fail("changelog", "ci"))
    assert team.wfguard("report", "--since", "5y", "--events", str(log), "--html", str(page)).code == 0
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser is not None
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0 and "Rules by the retries they cost" in dom.stdout and "<svg" in dom.stdout


def test_a_bad_period_is_an_error_even_without_history(repo: GitRepo) -> None:
    res = repo.wfguard("report", "--since", "bogus")
    assert res.code == 2 and "--since 'bogus' is not a period" in res.err
