"""Fragments named the way the project names them. A towncrier project shaped like pytest names
each fragment after its issue (``1234.bugfix.rst``) and its own hook refuses anything else:
`ship` and `fix` take the number from ``--issue`` or the branch, else towncrier's ``+`` orphan
prefix, and a commit the project's hook refuses is reported as it is, never as "untouched"."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import GitRepo
from test_towncrier import PYPROJECT, TEMPLATE, WFGUARD

# what pytest's own `changelogs-rst` hook checks, as a plain git hook
PROJECT_HOOK = """\
#!/bin/sh
bad=$(git diff --cached --name-only --diff-filter=A -- changelog/ |
      grep -Ev '^changelog/([0-9]+\\.[a-z]+(\\.[0-9]+)?\\.rst|README\\.rst|_template\\.rst)$')
if [ -n "$bad" ]; then
  echo "changelog files must be named ####.(type).rst: $bad" >&2
  exit 1
fi
"""


@pytest.fixture
def pytest_like(repo: GitRepo) -> GitRepo:
    repo.write("pyproject.toml", PYPROJECT)
    repo.config(WFGUARD.replace("    kind: changelog\n", '    kind: changelog\n    paths: ["src/**"]\n'))
    repo.write("changelog/_template.rst", TEMPLATE)
    repo.write("changelog/README.rst", "Name fragments <issue>.<type>.rst.\n")
    for name in ("1204.bugfix.rst", "1330.feature.rst", "987.doc.rst", "1400.improvement.rst"):
        repo.write(f"changelog/{name}", "An earlier note.\n")
    repo.write("src/pkg/__init__.py", '__version__ = "1.0.0"\n')
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "chore: start")
    hook = repo.write(".git/hooks/pre-commit", PROJECT_HOOK)
    os.chmod(hook, 0o755)
    assert repo.wfguard("install", "--chain").code == 0
    return repo


def ship(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    repo.write("src/pkg/core.py", "fixed\n")
    repo.git("add", "src/pkg/core.py")
    from conftest import wfguard_argv

    return subprocess.run([*wfguard_argv(), "ship", "--yes", "--no-push", "-m", "fix: no crash on empty input",
                           *args], cwd=repo.path, capture_output=True, text=True)


def test_the_issue_number_comes_from_the_branch(pytest_like: GitRepo) -> None:
    pytest_like.git("switch", "-q", "-c", "fix/4321-empty-input")
    res = ship(pytest_like)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "changelog/4321.bugfix.rst" in pytest_like.git("show", "--name-only", "--format=", "HEAD").splitlines()
    assert (pytest_like.path / "changelog/4321.bugfix.rst").read_text() == "No crash on empty input.\n"


def test_issue_option_and_a_second_note_for_the_same_issue(pytest_like: GitRepo) -> None:
    pytest_like.git("switch", "-q", "-c", "work")
    pytest_like.write("src/pkg/core.py", "fixed\n")
    pytest_like.git("add", "-A")
    first = pytest_like.wfguard("fix", "-m", "fix: no crash", "--issue", "#77")
    assert first.code == 0 and "changelog/77.bugfix.rst" in first.out, first
    pytest_like.git("commit", "-q", "--no-verify", "-m", "fix: no crash")
    pytest_like.write("src/pkg/other.py", "x\n")
    pytest_like.git("add", "-A")
    second = pytest_like.wfguard("fix", "-m", "feat: more", "--issue", "77")
    assert second.code == 0 and "changelog/77.feature.rst" in second.out, second
    (pytest_like.path / "changelog/77.feature.rst").unlink()
    pytest_like.git("rm", "-q", "--cached", "changelog/77.feature.rst")
    pytest_like.write("changelog/77.feature.rst", "taken\n")
    third = pytest_like.wfguard("fix", "-m", "feat: more", "--issue", "77")
    assert third.code == 0 and "changelog/77.feature.1.rst" in third.out, third  # towncrier's counter form
    bad = pytest_like.wfguard("fix", "-m", "feat: more", "--issue", "abc")
    assert bad.code == 2 and "not an issue number" in bad.err


def test_no_issue_number_gives_an_orphan_and_a_refusal_said_as_it_is(pytest_like: GitRepo) -> None:
    pytest_like.git("switch", "-q", "-c", "work")
    res = ship(pytest_like)
    out = res.stdout + res.stderr
    # the project's hook refuses orphans too: ship says what it wrote, and that nothing was committed
    assert res.returncode != 0, out
    assert "changelog/+no-crash-on-empty-input.bugfix.rst" in out and "nothing was committed" in out, out
    assert "untouched" not in out
    assert "####.(type).rst" in out  # the project's own words reach the user
    assert pytest_like.git("rev-list", "--count", "HEAD") == "1"
    assert (pytest_like.path / "changelog/+no-crash-on-empty-input.bugfix.rst").exists()  # kept, nothing lost


@pytest.mark.skipif(shutil.which("towncrier") is None, reason="towncrier is a test dependency")
def test_towncrier_renders_the_orphan_without_an_issue_link(pytest_like: GitRepo) -> None:
    pytest_like.write("pyproject.toml", PYPROJECT.replace('name = "pkg"\n',
                                                          'name = "pkg"\nissue_format = "`#{issue} <https://x/{issue}>`_"\n'))
    pytest_like.write("changelog/_template.rst", "")
    pytest_like.git("rm", "-q", "--cached", "changelog/_template.rst")
    (pytest_like.path / "changelog/_template.rst").unlink()
    pytest_like.write("pyproject.toml", pytest_like.path.joinpath("pyproject.toml").read_text()
                      .replace('template = "changelog/_template.rst"\n', ""))
    pytest_like.git("switch", "-q", "-c", "work")
    pytest_like.write("src/pkg/core.py", "fixed\n")
    pytest_like.git("add", "-A")
    assert pytest_like.wfguard("fix", "-m", "fix: no crash").code == 0
    draft = subprocess.run(["towncrier", "build", "--draft", "--version", "1.1.0"], cwd=pytest_like.path,
                           capture_output=True, text=True)
    assert draft.returncode == 0, draft.stderr
    line = next(ln for ln in draft.stdout.splitlines() if "No crash." in ln)
    assert "#" not in line and "+" not in line, draft.stdout
    assert "`#1204 <https://x/1204>`_" in draft.stdout  # the numbered ones keep their links
