"""Repositories shaped like real towncrier projects: wfguard agrees with ``towncrier check`` on
each change, releases pass their own rules, and ``changelog build`` writes the file's format.

The fixture follows pytest's layout: fragments in ``changelog/`` with custom types, counters and
orphans, ``misc`` with ``showcontent = false``, a template kept in the folder, and an ``.rst``
changelog under ``doc/en/`` with towncrier's start marker.
"""

from __future__ import annotations

import itertools
import re
import subprocess

import pytest
from conftest import GitRepo, result_of

TYPES = ["breaking", "deprecation", "feature", "improvement", "bugfix", "vendor", "doc", "packaging",
         "contrib", "misc"]
HEADINGS = {"breaking": "Breaking Changes", "deprecation": "Deprecations", "feature": "New features",
            "improvement": "Improvements in existing functionality", "bugfix": "Bug fixes",
            "vendor": "Vendored libraries", "doc": "Improved documentation", "packaging": "Packaging updates",
            "contrib": "Contributor-facing changes", "misc": "Miscellaneous internal changes"}

PYPROJECT = '[tool.towncrier]\nname = "pkg"\nfilename = "doc/en/changelog.rst"\ndirectory = "changelog/"\n' \
    'title_format = "pkg {version} ({project_date})"\ntemplate = "changelog/_template.rst"\n' + "".join(
        f'\n[[tool.towncrier.type]]\ndirectory = "{t}"\nname = "{HEADINGS[t]}"\n'
        f'showcontent = {"false" if t == "misc" else "true"}\n' for t in TYPES)

WFGUARD = f"""\
version: 1
rules:
  changelog:
    kind: changelog
    fragments:
      dir: changelog
      types: [{", ".join(TYPES)}]
      allow_empty: [misc]
      output: doc/en/changelog.rst
      ignore: [_template.rst]
      headings: {{{", ".join(f'{t}: "{h}"' for t, h in HEADINGS.items())}}}
"""

CHANGELOG = """\
=========
Changelog
=========

.. towncrier release notes start

pkg 1.0.0 (2026-01-01)
======================

Bug fixes
---------

- `#1 <https://example.com/1>`_: An old fix.
"""

TEMPLATE = "{% for section, _ in sections.items() %}{{ section }}{% endfor %}\n"


@pytest.fixture
def towncrier_repo(repo: GitRepo) -> GitRepo:
    repo.write("pyproject.toml", PYPROJECT)
    repo.config(WFGUARD)
    repo.write("changelog/_template.rst", TEMPLATE)
    repo.write("changelog/README.rst", "How to write a fragment.\n")
    repo.write("doc/en/changelog.rst", CHANGELOG)
    repo.write("src/pkg/__init__.py", '__version__ = "1.0.0"\n')
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "chore: start")
    repo.git("switch", "-q", "-c", "work")
    return repo


def towncrier_check(repo: GitRepo) -> bool:
    proc = subprocess.run(["towncrier", "check", "--compare-with", "main"], cwd=repo.path,
                          capture_output=True, text=True)
    return proc.returncode == 0


def wfguard_check(repo: GitRepo) -> tuple[bool, dict[str, object]]:
    res = repo.check("--base", "main")
    assert res.code in (0, 1), res
    return res.code == 0, dict(result_of(res.json(), "changelog"))


CASES = [
    ("issue fragment", [("src/pkg/a.py", "x"), ("changelog/12345.improvement.rst", "Faster.\n")], True),
    ("counters", [("src/pkg/a.py", "x"), ("changelog/10745.improvement.1.rst", "One.\n"),
                  ("changelog/10745.improvement.2.rst", "Two.\n")], True),
    ("orphan", [("src/pkg/a.py", "x"), ("changelog/+orphan.bugfix.rst", "Fixed.\n")], True),
    ("empty misc", [("src/pkg/a.py", "x"), ("changelog/669.misc.rst", "")], True),
    ("dotted name", [("src/pkg/a.py", "x"), ("changelog/fix-1.2.3.feature.rst", "A feature.\n")], True),
    ("custom type", [("src/pkg/a.py", "x"), ("changelog/7.contrib.rst", "CI.\n")], True),
    ("no fragment", [("src/pkg/a.py", "x")], False),
    ("unknown type", [("src/pkg/a.py", "x"), ("changelog/123.featur.rst", "Typo.\n")], False),
    ("only the template", [("changelog/_template.rst", TEMPLATE + "\n")], False),
    ("only the readme", [("changelog/README.rst", "More words.\n")], False),
]


@pytest.mark.parametrize(("files", "passes"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_check_agrees_with_towncrier_check(towncrier_repo: GitRepo, files: list[tuple[str, str]],
                                           passes: bool) -> None:
    towncrier_repo.commit("feat: change", *files)
    ours, result = wfguard_check(towncrier_repo)
    assert towncrier_check(towncrier_repo) is passes
    assert ours is passes, result


def test_release_passes_and_agrees(towncrier_repo: GitRepo) -> None:
    towncrier_repo.commit("feat: a", ("src/pkg/a.py", "x"), ("changelog/5.feature.rst", "Add a.\n"))
    towncrier_repo.git("switch", "-q", "main")
    towncrier_repo.git("merge", "-q", "--no-ff", "-m", "Merge branch 'work'", "work")
    towncrier_repo.git("switch", "-q", "-c", "release")
    res = towncrier_repo.wfguard("changelog", "build", "--version", "1.1.0", "--date", "2026-02-01")
    assert res.code == 0, res
    towncrier_repo.write("src/pkg/__init__.py", '__version__ = "1.1.0"\n')
    towncrier_repo.git("add", "-A")
    towncrier_repo.git("commit", "-q", "--no-verify", "-m", "chore: release 1.1.0")
    ours, result = wfguard_check(towncrier_repo)
    assert ours and towncrier_check(towncrier_repo)
    assert result["messages"][0]["text"] == "release: 1 notes moved into doc/en/changelog.rst"  # type: ignore[index]


def test_known_difference_output_edit_is_not_a_fragment(towncrier_repo: GitRepo) -> None:
    """towncrier check skips any change that touches the news file; wfguard asks for a fragment
    (docs/design-notes.md): an edit of the output by hand is what fragments exist to prevent."""
    towncrier_repo.commit("feat: a", ("src/pkg/a.py", "x"),
                          ("doc/en/changelog.rst", CHANGELOG + "\n- Sneaked in by hand.\n"))
    assert towncrier_check(towncrier_repo)
    ours, result = wfguard_check(towncrier_repo)
    assert not ours and "none was added" in str(result["messages"])


def _fragments(repo: GitRepo) -> None:
    repo.write("changelog/12345.improvement.rst", "Faster collection.\n")
    repo.write("changelog/12345.improvement.1.rst", "Second note\nwith two lines.\n")
    repo.write("changelog/+orph.bugfix.rst", "Fix it.\n")
    repo.write("changelog/669.misc.rst", "")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "feat: notes")


def _bullets(text: str) -> list[str]:
    return sorted(re.findall(r"^- (.*)$", text, re.MULTILINE))


def test_build_writes_rst_below_the_start_marker_like_towncrier(towncrier_repo: GitRepo) -> None:
    _fragments(towncrier_repo)
    draft = subprocess.run(["towncrier", "build", "--draft", "--version", "1.1.0", "--date", "2026-02-01"],
                           cwd=towncrier_repo.path, capture_output=True, text=True, check=True).stdout
    res = towncrier_repo.wfguard("changelog", "build", "--version", "1.1.0", "--date", "2026-02-01")
    assert res.code == 0, res
    text = (towncrier_repo.path / "doc/en/changelog.rst").read_text()
    head, _, rest = text.partition(".. towncrier release notes start\n\n")
    assert head.startswith("=========\nChangelog") and rest
    assert rest.startswith("1.1.0 (2026-02-01)\n==================\n\n")
    assert rest.index("1.1.0 (2026-02-01)") < rest.index("pkg 1.0.0 (2026-01-01)")
    assert "\nImprovements in existing functionality\n--------------------------------------\n" in rest
    assert "## [" not in text and not any(line != line.rstrip() for line in text.splitlines())
    section = rest[: rest.index("pkg 1.0.0")]
    # the same notes as towncrier's own rendering (its template here prints only the sections)
    ours = _bullets(section)
    assert ours == sorted(["Faster collection. (#12345)", "Second note", "Fix it.", "#669"])
    assert "with two lines" in section and not draft.startswith("## [")
    status = towncrier_repo.git("status", "--porcelain")
    assert "D  changelog/669.misc.rst" in status and "changelog/_template.rst" not in status


def test_build_refuses_a_version_the_file_has(towncrier_repo: GitRepo) -> None:
    _fragments(towncrier_repo)
    res = towncrier_repo.wfguard("changelog", "build", "--version", "1.0.0")
    assert res.code == 2 and "already has a section for 1.0.0" in res.err
    assert towncrier_repo.git("status", "--porcelain") == ""


@pytest.mark.parametrize("heading", ["## [26.1.0](https://example.com/compare) (2026-01-01)", "## 26.1.0",
                                     "## v26.1.0 - 2026-01-01", "# 26.1.0 (2026-01-01)"])
def test_build_refuses_markdown_versions_however_written(repo: GitRepo, heading: str) -> None:
    repo.config("version: 1\nextends: [changelog-fragments]\n")
    repo.write("CHANGELOG.md", f"# Changelog\n\n{heading}\n\n- Old.\n")
    repo.write("changelog.d/a.feature.md", "New.\n")
    repo.commit("chore: start", ".wfguard.yml", "CHANGELOG.md", "changelog.d/a.feature.md")
    res = repo.wfguard("changelog", "build", "--version", "26.1.0")
    assert res.code == 2 and "already has a section" in res.err
    ok = repo.wfguard("changelog", "build", "--version", "26.1.1", "--date", "2026-02-02")
    assert ok.code == 0, ok
    assert ok.out.startswith("## [26.1.1] - 2026-02-02\n") and all(ln == ln.rstrip() for ln in ok.out.splitlines())
    text = (repo.path / "CHANGELOG.md").read_text()
    assert text.index("## [26.1.1] - 2026-02-02") < text.index(heading)


def test_build_hands_rendering_to_towncrier(towncrier_repo: GitRepo) -> None:
    cfg = WFGUARD + '      build: [towncrier, build, --yes, --version, "{version}", --date, "{date}"]\n'
    towncrier_repo.config(cfg)
    (towncrier_repo.path / "changelog/_template.rst").unlink()
    towncrier_repo.write("pyproject.toml", PYPROJECT.replace('template = "changelog/_template.rst"\n', ""))
    towncrier_repo.git("add", "-A")
    towncrier_repo.git("commit", "-q", "-m", "chore: default template")
    _fragments(towncrier_repo)
    res = towncrier_repo.wfguard("changelog", "build", "--version", "1.1.0", "--date", "2026-02-01")
    assert res.code == 0, res
    text = (towncrier_repo.path / "doc/en/changelog.rst").read_text()
    assert "pkg 1.1.0 (2026-02-01)" in text and "Faster collection." in text
    status = towncrier_repo.git("status", "--porcelain").splitlines()
    assert "M  doc/en/changelog.rst" in status and "D  changelog/12345.improvement.rst" in status
    # and the result is a release that passes the rule
    towncrier_repo.git("commit", "-q", "--no-verify", "-m", "chore: release 1.1.0")
    assert towncrier_repo.check("--base", "HEAD~1").code == 0


def test_a_link_to_a_sibling_fragment_is_one_note_under_two_types(towncrier_repo: GitRepo) -> None:
    """pytest lists one note under two types with a symlink (changelog/13933.packaging.rst)."""
    import os

    towncrier_repo.write("src/pkg/a.py", "x\n")
    towncrier_repo.write("changelog/13933.contrib.rst", "Tox 4 is required.\n")
    os.symlink("13933.contrib.rst", towncrier_repo.path / "changelog/13933.packaging.rst")
    towncrier_repo.git("add", "-A")
    towncrier_repo.git("commit", "-q", "-m", "chore: tox")
    ours, result = wfguard_check(towncrier_repo)
    assert ours and towncrier_check(towncrier_repo), result
    res = towncrier_repo.wfguard("changelog", "build", "--version", "1.1.0", "--date", "2026-02-01")
    assert res.code == 0, res
    text = (towncrier_repo.path / "doc/en/changelog.rst").read_text()
    assert text.count("- Tox 4 is required. (#13933)") == 2
    assert not (towncrier_repo.path / "changelog/13933.packaging.rst").is_symlink()


def test_a_link_out_of_the_folder_is_refused(towncrier_repo: GitRepo) -> None:
    import os

    towncrier_repo.write("src/pkg/a.py", "x\n")
    os.symlink("../pyproject.toml", towncrier_repo.path / "changelog/1.feature.rst")
    towncrier_repo.git("add", "-A")
    towncrier_repo.git("commit", "-q", "-m", "feat: x")
    ours, result = wfguard_check(towncrier_repo)
    assert not ours and "may link only to another file in changelog/" in str(result["messages"])
    res = towncrier_repo.wfguard("changelog", "build", "--version", "1.1.0")
    assert res.code == 2 and "symlink" in res.err


def test_build_renders_the_notes_towncrier_renders(towncrier_repo: GitRepo) -> None:
    """Same fragments, towncrier's default template: the same type headings, in the same order,
    and the same bullets."""
    (towncrier_repo.path / "changelog/_template.rst").unlink()
    towncrier_repo.write("pyproject.toml", PYPROJECT.replace('template = "changelog/_template.rst"\n', ""))
    towncrier_repo.git("add", "-A")
    towncrier_repo.git("commit", "-q", "-m", "chore: default template")
    _fragments(towncrier_repo)
    towncrier_repo.write("changelog/7.feature.rst", "A feature.\n")
    towncrier_repo.git("add", "-A")
    towncrier_repo.git("commit", "-q", "-m", "feat: more")
    theirs = subprocess.run(["towncrier", "build", "--draft", "--version", "1.1.0", "--date", "2026-02-01"],
                            cwd=towncrier_repo.path, capture_output=True, text=True, check=True).stdout
    ours = towncrier_repo.wfguard("changelog", "build", "--draft", "--version", "1.1.0", "--date", "2026-02-01").out

    def shape(text: str) -> tuple[list[str], list[str]]:
        lines = text.splitlines()
        heads = [a for a, b in itertools.pairwise(lines) if b and set(b) == {"-"} and len(b) == len(a)]
        return heads, _bullets(text)

    assert shape(ours) == shape(theirs)
    assert ours.startswith("1.1.0 (2026-02-01)\n==================\n")


def test_release_preview_is_what_towncrier_writes(towncrier_repo: GitRepo) -> None:
    """`release --dry-run` (and the tag's notes) show towncrier's own rendering when towncrier
    builds the changelog: its order, its layout, its issue links."""
    cfg = WFGUARD + '      build: [towncrier, build, --yes, --version, "{version}", --date, "{date}"]\n'
    towncrier_repo.config(cfg + "release:\n  version_files: [src/pkg/__init__.py]\n")
    (towncrier_repo.path / "changelog/_template.rst").unlink()
    towncrier_repo.write("pyproject.toml", PYPROJECT.replace('template = "changelog/_template.rst"\n', "")
                         .replace('name = "pkg"\n', 'name = "pkg"\nissue_format = "`#{issue} <https://x/{issue}>`_"\n'))
    towncrier_repo.git("add", "-A")
    towncrier_repo.git("commit", "-q", "-m", "chore: default template")
    _fragments(towncrier_repo)
    towncrier_repo.git("switch", "-q", "main")
    towncrier_repo.git("merge", "-q", "--ff-only", "work")
    dry = towncrier_repo.wfguard("release", "--dry-run", "--format", "json", "--version", "1.1.0")
    assert dry.code == 0, dry
    preview = dry.json()["notes"]
    assert "`#12345 <https://x/12345>`_" in preview, preview  # towncrier's issue links, not wfguard's
    done = towncrier_repo.wfguard("release", "--yes", "--no-push", "--format", "json", "--version", "1.1.0")
    assert done.code == 0, done
    written = (towncrier_repo.path / "doc/en/changelog.rst").read_text()
    assert preview.strip() in written, (preview, written)
    assert done.json()["notes"] == preview
