"""Release notes from fragments, `wfguard init` on repositories of each style, and the demo."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import GitRepo, wfguard_argv

from wfguard import releasenotes

CONFIG = """\
version: 1
extends: [changelog-fragments]
rules:
  changelog:
    fragments: {types: [feature, bugfix, removal, doc, misc]}
"""


@pytest.fixture
def fragments(repo: GitRepo) -> GitRepo:
    repo.config(CONFIG)
    repo.write("changelog.d/.gitkeep", "")
    repo.write("changelog.d/README.md", "How to write fragments.\n")
    repo.write("changelog.d/export.feature.md", "Export data as CSV.\n")
    repo.write("changelog.d/api.feature.md", "- New API endpoint.\n")
    repo.write("changelog.d/crash.bugfix", "Fix a crash on empty input.\nIt happened on Tuesdays.\n")
    repo.write("changelog.d/old.removal.md", "Drop Python 3.8.\n")
    repo.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2026-01-01\n\n- Older.\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "chore: fragments")
    return repo


def test_build_writes_a_section_and_removes_exactly_the_fragments(fragments: GitRepo) -> None:
    res = fragments.wfguard("changelog", "build", "--version", "1.2.0", "--date", "2026-11-23")
    assert res.code == 0, res
    text = (fragments.path / "CHANGELOG.md").read_text()
    expected = ("## [Unreleased]\n\n## [1.2.0] - 2026-11-23\n\n### Added\n\n- New API endpoint.\n"
                "- Export data as CSV.\n\n### Fixed\n\n- Fix a crash on empty input.\n  It happened on Tuesdays.\n\n"
                "### Removed\n\n- Drop Python 3.8.\n\n## [1.1.0] - 2026-01-01")
    assert expected in text
    status = sorted(fragments.git("status", "--porcelain").splitlines())
    assert status == ["D  changelog.d/api.feature.md", "D  changelog.d/crash.bugfix",
                      "D  changelog.d/export.feature.md", "D  changelog.d/old.removal.md", "M  CHANGELOG.md"]
    assert (fragments.path / "changelog.d/README.md").exists()


def test_existing_version_is_refused(fragments: GitRepo) -> None:
    res = fragments.wfguard("changelog", "build", "--version", "1.1.0")
    assert res.code == 2 and "already has a section for 1.1.0" in res.err
    assert fragments.git("status", "--porcelain") == ""


def test_draft_changes_nothing(fragments: GitRepo) -> None:
    res = fragments.wfguard("changelog", "build", "--version", "1.2.0", "--draft", "--date", "2026-11-23")
    assert res.code == 0 and res.out.startswith("## [1.2.0] - 2026-11-23")
    assert fragments.git("status", "--porcelain") == ""


def test_json_release_data(fragments: GitRepo) -> None:
    res = fragments.wfguard("changelog", "build", "--version", "1.2.0", "--draft", "--format", "json")
    data = res.json()
    assert [s["type"] for s in data["sections"]] == ["feature", "bugfix", "removal"]
    assert data["sections"][0]["entries"][0] == {"text": "New API endpoint.", "fragment": "changelog.d/api.feature.md",
                                                  "refs": []}
    assert data["removed"] == []


def test_no_fragments(repo: GitRepo) -> None:
    repo.config(CONFIG)
    res = repo.wfguard("changelog", "build", "--version", "0.1.0", "--date", "2026-11-23")
    assert res.code == 0, res
    assert (repo.path / "CHANGELOG.md").read_text() == (
        "# Changelog\n\n## [0.1.0] - 2026-11-23\n\nNo significant changes.\n")


def test_invalid_fragment_stops_the_build(fragments: GitRepo) -> None:
    fragments.write("changelog.d/typo.featur.md", "x\n")
    res = fragments.wfguard("changelog", "build", "--version", "1.2.0")
    assert res.code == 2 and "featur" in res.err
    assert "1.2.0" not in (fragments.path / "CHANGELOG.md").read_text()


@pytest.mark.parametrize(("before", "after"), [
    ("# C\n\n<!-- wfguard:release-notes -->\n\n## [1.0] - x\n",
     "# C\n\n<!-- wfguard:release-notes -->\n\n## [2.0] - d\n\nX\n\n## [1.0] - x\n"),
    ("# C\n\n## [Unreleased]\n\n## [1.0] - x\n", "# C\n\n## [Unreleased]\n\n## [2.0] - d\n\nX\n\n## [1.0] - x\n"),
    ("# C\n\nIntro.\n\n## [1.0] - x\n", "# C\n\nIntro.\n\n## [2.0] - d\n\nX\n\n## [1.0] - x\n"),
    ("# C\n", "# C\n\n## [2.0] - d\n\nX\n\n"),
])
def test_insert_positions(before: str, after: str) -> None:
    assert releasenotes.insert(before, "## [2.0] - d\n\nX\n") == after


# --- init -------------------------------------------------------------------------------

def test_init_fragments_and_conventional_history(repo: GitRepo) -> None:
    for i in range(3):
        repo.commit(f"feat: step {i}", f"src/f{i}.py")
    repo.write("changelog.d/.gitkeep", "")
    res = repo.wfguard("init", "--yes")
    assert res.code == 0, res
    text = (repo.path / ".wfguard.yml").read_text()
    assert text.startswith("# yaml-language-server: $schema=.wfguard.schema.json")
    assert "changelog-fragments" in text and "conventional-commits" in text and '"src/**"' in text
    assert (repo.path / ".wfguard.schema.json").exists()
    assert (repo.path / ".git/hooks/commit-msg").exists()
    assert repo.wfguard("validate").code == 0
    res = repo.wfguard("init", "--yes")
    assert res.code == 2 and "--force" in res.err
    assert repo.wfguard("init", "--yes", "--force", "--no-install").code == 0


def test_init_keep_a_changelog_and_free_form_history(repo: GitRepo) -> None:
    repo.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n- thing\n")
    for i in range(3):
        repo.commit(f"Did thing {i}", f"lib/f{i}.py")
    assert repo.wfguard("init", "--yes", "--no-install").code == 0
    text = (repo.path / ".wfguard.yml").read_text()
    assert "keep-a-changelog" in text
    assert "conventional-commits," not in text and "0% of the last 3 commits are Conventional" in text
    assert repo.wfguard("validate").code == 0


def test_init_towncrier(repo: GitRepo) -> None:
    repo.write("pyproject.toml", "[project]\nname = 'x'\n\n[tool.towncrier]\ndirectory = 'newsfragments'\n")
    repo.commit("chore: start", "pyproject.toml")
    assert repo.wfguard("init", "--yes", "--no-install").code == 0
    text = (repo.path / ".wfguard.yml").read_text()
    assert 'dir: "newsfragments"' in text and 'output: "NEWS.rst"' in text
    assert repo.wfguard("validate").code == 0


def test_init_empty_repository(repo: GitRepo) -> None:
    assert repo.wfguard("init", "--yes").code == 0
    assert "conventional-commits" in (repo.path / ".wfguard.yml").read_text()


# --- demo -------------------------------------------------------------------------------

def test_demo_runs_start_to_end(tmp_path: Path) -> None:
    proc = subprocess.run([*wfguard_argv(), "demo", str(tmp_path / "demo")], capture_output=True, text=True,
                          timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "need a changelog fragment" in proc.stdout
    assert "Export as csv." in (tmp_path / "demo" / "app" / "CHANGELOG.md").read_text()
    proc = subprocess.run([*wfguard_argv(), "demo", str(tmp_path / "demo")], capture_output=True, text=True)
    assert proc.returncode == 2 and "not empty" in proc.stderr
