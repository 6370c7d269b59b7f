"""`wfguard release` through real git: version files, changelog, commit, tag, push to a bare remote
guarded by wfguard's own pre-receive, with the local hooks installed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import CHANGELOG_CONFIG, GitRepo

from wfguard import versions

CONFIG = CHANGELOG_CONFIG + """\
  main-protected:
    kind: branch
    protected: [main]
release:
  version_files: [pyproject.toml, src/demo/__init__.py]
"""
PYPROJECT = '[project]\nname = "demo"\nversion = "1.2.0"  # the release writes only the value\n'


@pytest.fixture
def project(repo: GitRepo, tmp_path: Path) -> GitRepo:
    """main at v1.2.0 on a bare remote that runs wfguard's pre-receive; hooks installed."""
    remote = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    repo.git("switch", "-q", "-c", "main")
    repo.config(CONFIG)
    repo.commit("chore: start", ".wfguard.yml", ("pyproject.toml", PYPROJECT),
                ("src/demo/__init__.py", '__version__ = "1.2.0"\n'), ("changelog.d/.gitkeep", ""))
    repo.git("tag", "-a", "v1.2.0", "-m", "1.2.0")
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "-u", "origin", "main", "v1.2.0")
    assert repo.wfguard("install").code == 0
    server = GitRepo(remote)
    assert server.wfguard("install", "--server").code == 0
    return repo


def merged(repo: GitRepo, message: str, *files: tuple[str, str]) -> None:
    """A change that reached main through review: the server's own hook is not the point here."""
    repo.commit(message, *files)
    hook = Path(repo.git("remote", "get-url", "origin")) / "hooks" / "pre-receive"
    saved = hook.read_bytes()
    hook.unlink()
    try:
        repo.git("push", "-q", "--no-verify", "origin", "main")
    finally:
        hook.write_bytes(saved)
        hook.chmod(0o755)


def release(repo: GitRepo, *args: str) -> tuple[int, dict[str, object]]:
    r = repo.wfguard("release", "--yes", "--format", "json", *args)
    return r.code, (r.json() if r.out.strip().startswith("{") else {"stderr": r.err, "stdout": r.out})


def test_release_writes_commits_tags_and_pushes_through_every_hook(project: GitRepo, tmp_path: Path) -> None:
    merged(project, "feat: export as CSV", ("src/demo/export.py", "x = 1\n"),
           ("changelog.d/export.feature.md", "Reports can be exported as CSV.\n"))
    merged(project, "fix: empty input", ("src/demo/read.py", "y = 1\n"),
           ("changelog.d/42.bugfix.md", "Reading an empty file no longer crashes.\n"))
    notes_file = tmp_path / "notes.md"
    code, data = release(project, "--notes-file", str(notes_file))
    assert code == 0, data
    assert data["version"] == "1.3.0" and data["previous"] == "1.2.0" and data["bump"] == "minor"
    assert {"source": "changelog.d/export.feature.md", "level": "minor"} in data["reasons"]  # type: ignore[operator]
    assert {"source": "changelog.d/42.bugfix.md", "level": "patch"} in data["reasons"]  # type: ignore[operator]
    assert data["pushed"] is True and data["tag"] == "v1.3.0"
    notes = str(data["notes"])
    assert "### Added\n\n- Reports can be exported as CSV." in notes
    assert "- Reading an empty file no longer crashes. (#42)" in notes
    assert notes_file.read_text(encoding="utf-8") == notes
    # every file: only the version changed; the comment beside it is kept
    assert (project.path / "pyproject.toml").read_text() == PYPROJECT.replace("1.2.0", "1.3.0")
    assert (project.path / "src/demo/__init__.py").read_text() == '__version__ = "1.3.0"\n'
    assert "## [1.3.0] - " in (project.path / "CHANGELOG.md").read_text()
    assert not list((project.path / "changelog.d").glob("*.md"))
    assert project.git("status", "--porcelain") == ""
    # an annotated tag whose message is the notes, on the release commit, both on the remote
    assert project.git("cat-file", "-t", "v1.3.0") == "tag"
    assert project.git("tag", "-l", "--format=%(contents)", "v1.3.0").strip() == notes.strip()
    assert project.git("log", "-1", "--format=%s") == "chore(release): 1.3.0"
    remote = project.git("ls-remote", "origin")
    assert f"{data['commit']}\trefs/heads/main" in remote and "refs/tags/v1.3.0" in remote
    # the same server still refuses a feature pushed straight to main
    project.commit("feat: sneak in", ("src/demo/sneak.py", "z = 1\n"), ("changelog.d/s.feature.md", "Sneak.\n"))
    push = subprocess.run(["git", "push", "-q", "--no-verify", "origin", "main"], cwd=project.path,
                          capture_output=True, text=True)
    assert push.returncode != 0 and "protected branch 'main'" in push.stderr


UV_LOCK = """\
version = 1
revision = 3
requires-python = ">=3.10"

[[package]]
name = "demo"
version = "1.2.0"
source = { editable = "." }
dependencies = [
    { name = "idna" },
]

[package.metadata]
requires-dist = [{ name = "idna", specifier = ">=3" }]

[[package]]
name = "idna"
version = "1.2.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/idna-1.2.0.tar.gz", hash = "sha256:00", size = 1 }
"""


def test_uv_lock_follows_the_project_version(project: GitRepo) -> None:
    """uv sync --locked refuses a lock whose own entry lags pyproject.toml: the release writes the
    project's entry (editable source) and nothing else, and the release commit still passes
    the rules of protected main, locally and on the server."""
    merged(project, "build: lock with uv", ("uv.lock", UV_LOCK))
    merged(project, "feat: export", ("src/demo/export.py", "x = 1\n"), ("changelog.d/export.feature.md", "Export.\n"))
    dry = project.wfguard("release", "--dry-run")
    assert dry.code == 0 and "version 1.2.0 -> 1.3.0 in uv.lock" in dry.out, dry
    code, data = release(project)
    assert code == 0 and data["pushed"] is True, data
    assert data["files"] == ["pyproject.toml", "src/demo/__init__.py", "uv.lock"]
    lock = (project.path / "uv.lock").read_text()
    assert lock == UV_LOCK.replace('name = "demo"\nversion = "1.2.0"', 'name = "demo"\nversion = "1.3.0"')
    assert 'name = "idna"\nversion = "1.2.0"' in lock  # a dependency at the same version is left alone
    assert project.git("status", "--porcelain") == ""


def test_uv_lock_entry_of_a_workspace_member(tmp_path: Path) -> None:
    from wfguard import versionfiles

    (tmp_path / "packages" / "api").mkdir(parents=True)
    (tmp_path / "packages" / "api" / "pyproject.toml").write_text('[project]\nname = "My_Api"\nversion = "0.4.0"\n')
    lock = ('version = 1\n\n[[package]]\nname = "my-api"\nversion = "0.3.9"\nsource = { editable = "packages/api" }\n\n'
            '[[package]]\nname = "root"\nversion = "0.4.0"\nsource = { virtual = "." }\n')
    (tmp_path / "uv.lock").write_text(lock)
    member = versionfiles.read(tmp_path, "packages/api/pyproject.toml")
    found = versionfiles.uv_lock(tmp_path, member)
    assert found is not None and found.path == "uv.lock" and found.version == "0.3.9"  # a lagging lock too
    assert found.replaced("0.5.0") == lock.replace('"0.3.9"', '"0.5.0"')
    (tmp_path / "uv.lock").write_text(lock.replace("editable", "registry"))  # not the project's own entry
    assert versionfiles.uv_lock(tmp_path, member) is None
    (tmp_path / "pyproject.toml").write_text('[tool.poetry]\nname = "p"\nversion = "1.0.0"\n')
    assert versionfiles.uv_lock(tmp_path, versionfiles.read(tmp_path, "pyproject.toml")) is None


def test_dry_run_explains_and_changes_nothing(project: GitRepo) -> None:
    merged(project, "feat!: drop the old API", ("src/demo/api.py", "x = 1\n"),
           ("changelog.d/old-api.removal.md", "The old API is gone.\n"))
    before = {p: p.read_bytes() for p in project.path.rglob("*") if p.is_file() and ".git" not in p.parts}
    r = project.wfguard("release", "--dry-run")
    assert r.code == 0, r
    assert "would release 2.0.0 (from 1.2.0, major)" in r.out
    assert "major  changelog.d/old-api.removal.md" in r.out and "- The old API is gone." in r.out
    after = {p: p.read_bytes() for p in project.path.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before and project.git("tag", "-l", "v2*") == ""


def test_nothing_pending_is_not_an_error(project: GitRepo) -> None:
    code, data = release(project)
    assert code == 0 and data["version"] is None and data["previous"] == "1.2.0"
    r = project.wfguard("release", "--yes")
    assert r.code == 0 and "nothing to release" in r.out


def test_pre_releases_count_up_and_the_release_drops_the_label(project: GitRepo) -> None:
    merged(project, "feat: a", ("src/demo/a.py", "a = 1\n"), ("changelog.d/a.feature.md", "Feature A.\n"))
    assert release(project, "--pre", "rc")[1]["version"] == "1.3.0rc1"
    merged(project, "fix: b", ("src/demo/b.py", "b = 1\n"), ("changelog.d/b.bugfix.md", "Fix B.\n"))
    assert release(project, "--pre", "rc")[1]["version"] == "1.3.0rc2"
    code, data = release(project)
    assert code == 0 and data["version"] == "1.3.0" and data["bump"] == "pre-release"
    # the final notes carry what the pre-releases took from the folder
    assert "Feature A." in str(data["notes"]) and "Fix B." in str(data["notes"])
    assert project.git("describe", "--tags", "--exact-match") == "v1.3.0"


def test_semver_scheme_writes_semver_pre_releases(project: GitRepo) -> None:
    project.config(CONFIG + "  scheme: semver\n")
    merged(project, "chore: semver", (".wfguard.yml", (project.path / ".wfguard.yml").read_text()))
    merged(project, "feat: a", ("src/demo/a.py", "a = 1\n"), ("changelog.d/a.feature.md", "Feature A.\n"))
    assert release(project, "--pre", "rc")[1]["version"] == "1.3.0-rc.1"
    assert (project.path / "pyproject.toml").read_text().count('"1.3.0-rc.1"') == 1


@pytest.mark.parametrize("case", ["dirty", "branch", "behind", "tag", "no-version", "not-newer"])
def test_refusals_change_nothing(project: GitRepo, tmp_path: Path, case: str) -> None:
    merged(project, "feat: a", ("src/demo/a.py", "a = 1\n"), ("changelog.d/a.feature.md", "Feature A.\n"))
    args: list[str] = []
    expect = ""
    if case == "dirty":
        project.write("src/demo/a.py", "a = 2\n")
        expect = "uncommitted changes"
    elif case == "branch":
        project.git("switch", "-q", "-c", "feat/x")
        expect = "releases are made from 'main'"
    elif case == "behind":
        other = tmp_path / "other"
        project.git("clone", "-q", project.git("remote", "get-url", "origin"), str(other))
        o = GitRepo(other)
        o.git("config", "user.email", "o@example.com")
        o.git("config", "user.name", "O")
        hook = Path(project.git("remote", "get-url", "origin")) / "hooks" / "pre-receive"
        saved = hook.read_bytes()
        hook.unlink()
        o.commit("docs: elsewhere", ("README.md", "more\n"))
        o.git("push", "-q", "--no-verify", "origin", "main")
        hook.write_bytes(saved)
        hook.chmod(0o755)
        project.git("fetch", "-q", "origin")
        expect = "behind origin/main"
    elif case == "tag":
        project.git("switch", "-q", "-c", "side", "HEAD~1")  # a tag on work main never got
        project.commit("chore: elsewhere", ("other.txt", "x\n"))
        project.git("tag", "v1.3.0")
        project.git("switch", "-q", "main")
        expect = "already exists"
    elif case == "no-version":
        project.write("src/demo/__init__.py", "# no version here\n")
        merged(project, "refactor: drop version", ("src/demo/__init__.py", "# no version here\n"),
               ("changelog.d/v.misc.md", "Moved.\n"))
        expect = "no __version__"
    elif case == "not-newer":
        args = ["--version", "1.1.0"]
        expect = "not newer"
    before = project.git("status", "--porcelain"), project.git("rev-parse", "HEAD"), project.git("tag", "-l")
    r = project.wfguard("release", "--yes", *args)
    assert r.code == 2, r
    assert expect in r.err and "nothing was changed" in r.err
    assert (project.git("status", "--porcelain"), project.git("rev-parse", "HEAD"), project.git("tag", "-l")) == before


def test_a_release_failing_the_rules_puts_every_file_back(project: GitRepo) -> None:
    project.config(CONFIG.replace("release:", """\
  docs-with-version:
    kind: co-change
    if_changed: pyproject.toml
    then_change: docs/**
    stages: [pre-commit, ci]
release:"""))
    merged(project, "chore: rule", (".wfguard.yml", (project.path / ".wfguard.yml").read_text()))
    merged(project, "feat: a", ("src/demo/a.py", "a = 1\n"), ("changelog.d/a.feature.md", "Feature A.\n"))
    before = {p: p.read_bytes() for p in project.path.rglob("*") if p.is_file() and ".git" not in p.parts}
    head = project.git("rev-parse", "HEAD")
    r = project.wfguard("release", "--yes")
    assert r.code == 1, r
    assert "docs-with-version" in r.err and "every file is as it was" in r.out
    after = {p: p.read_bytes() for p in project.path.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before
    assert project.git("status", "--porcelain") == "" and project.git("rev-parse", "HEAD") == head
    assert project.git("tag", "-l", "v1.3*") == ""


def test_a_failed_push_keeps_the_commit_and_tag_and_says_how_to_retry(project: GitRepo, tmp_path: Path) -> None:
    merged(project, "fix: a", ("src/demo/a.py", "a = 1\n"), ("changelog.d/a.bugfix.md", "Fix A.\n"))
    project.git("remote", "set-url", "origin", str(tmp_path / "gone.git"))
    r = project.wfguard("release", "--yes")
    assert r.code == 2
    assert "the commit and tag are kept" in r.out and "git push --atomic origin" in r.out
    assert project.git("log", "-1", "--format=%s") == "chore(release): 1.2.1"
    assert project.git("tag", "-l", "v1.2.1") == "v1.2.1"


def test_conventional_commits_decide_without_fragments(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [conventional-commits]\nrelease: {tag: \"{version}\"}\n")
    repo.commit("chore: start", ".wfguard.yml", ("package.json",
                '{\n  "name": "x",\n  "version": "0.4.1",\n  "devDependencies": {"version": "1.0.0"}\n}\n'))
    repo.git("tag", "0.4.1")
    repo.commit("fix: a crash", "a.txt")
    repo.commit("feat(ui)!: new layout", "b.txt")
    repo.commit("docs: typo", "c.txt")
    code, data = release(repo, "--no-push")
    assert code == 0, data
    # below 1.0.0 a breaking change raises the minor (zero_major: minor)
    assert data["version"] == "0.5.0" and data["bump"] == "major" and data["tag"] == "0.5.0"
    assert [r["level"] for r in data["reasons"]] == ["patch", "major"]  # type: ignore[union-attr]
    assert "### Breaking changes\n\n- new layout" in str(data["notes"]) and "- a crash" in str(data["notes"])
    pkg = (repo.path / "package.json").read_text()
    assert '"version": "0.5.0"' in pkg and '{"version": "1.0.0"}' in pkg


def test_keep_a_changelog_releases_the_unreleased_section(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [conventional-commits]\nrules:\n  changelog:\n    kind: changelog\n"
                "    file: CHANGELOG.md\n    paths: [\"src/**\"]\n")
    repo.commit("chore: start", ".wfguard.yml", ("pyproject.toml", PYPROJECT),
                ("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-01-01\n\n- Old.\n"))
    repo.git("tag", "v1.2.0")
    repo.commit("feat: b", ("src/b.py", "b\n"), ("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n"
                                                  "### Added\n\n- B.\n\n## [1.2.0] - 2026-01-01\n\n- Old.\n"))
    code, data = release(repo, "--no-push", "--date", "2026-12-02")
    assert code == 0, data
    assert data["version"] == "1.3.0" and data["notes"] == "### Added\n\n- B.\n"
    assert (repo.path / "CHANGELOG.md").read_text() == (
        "# Changelog\n\n## [Unreleased]\n\n## [1.3.0] - 2026-12-02\n\n### Added\n\n- B.\n\n"
        "## [1.2.0] - 2026-01-01\n\n- Old.\n")


@pytest.mark.parametrize(("scheme", "ordered"), [
    # semver.org item 11's own example, then PEP 440's pre-release order
    ("semver", ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]),
    ("pep440", ["1.0.0a1", "1.0.0a2", "1.0.0b1", "1.0.0rc1", "1.0.0rc10", "1.0.0", "1.0.1", "1.10.0"]),
])
def test_version_order_follows_the_scheme(scheme: versions.Scheme, ordered: list[str]) -> None:
    parsed = [versions.parse(v, scheme) for v in ordered]
    assert sorted(parsed, key=lambda v: v.key) == parsed


def test_next_version_rules() -> None:
    p = versions.parse
    assert versions.next_version(p("1.2.3", "pep440"), "major", None, "pep440", "minor") == "2.0.0"
    assert versions.next_version(p("0.2.3", "pep440"), "major", None, "pep440", "minor") == "0.3.0"
    assert versions.next_version(p("0.2.3", "pep440"), "major", None, "pep440", "major") == "1.0.0"
    assert versions.next_version(p("1.3.0rc1", "pep440"), "patch", None, "pep440", "minor") == "1.3.0"
    assert versions.next_version(p("1.3.0rc1", "pep440"), "major", None, "pep440", "minor") == "2.0.0"
    assert versions.next_version(p("1.3.0rc1", "pep440"), None, "rc", "pep440", "minor") == "1.3.0rc2"
    assert versions.next_version(p("1.3.0b2", "pep440"), None, "rc", "pep440", "minor") == "1.3.0rc1"
    assert versions.next_version(p("1.2.0", "pep440"), None, None, "pep440", "minor") is None
    # a development tag opens the next version (pytest tags main X.Y.0.dev0 after branching)
    assert versions.next_version(p("9.2.0.dev0", "pep440"), "patch", None, "pep440", "minor") == "9.2.0"
    assert versions.next_version(p("9.2.0.dev0", "pep440"), None, "rc", "pep440", "minor") == "9.2.0rc1"
    assert p("9.2.0.dev0", "pep440").key < p("9.2.0rc1", "pep440").key


def test_towncrier_builds_the_section_when_configured(repo: GitRepo) -> None:
    """fragments.build hands the section to the project's own towncrier; release does the rest."""
    repo.config("version: 1\nextends: [changelog-fragments]\nrules:\n  changelog:\n    paths: [\"src/**\"]\n"
                "    fragments:\n      dir: changelog.d\n      types: [feature, bugfix]\n      output: NEWS.rst\n"
                "      build: [towncrier, build, --yes, --version, \"{version}\"]\n")
    towncrier = ('[tool.towncrier]\ndirectory = "changelog.d"\nfilename = "NEWS.rst"\n'
                 '[[tool.towncrier.type]]\ndirectory = "feature"\nname = "Features"\nshowcontent = true\n'
                 '[[tool.towncrier.type]]\ndirectory = "bugfix"\nname = "Bugfixes"\nshowcontent = true\n')
    repo.commit("chore: start", ".wfguard.yml", ("pyproject.toml", PYPROJECT + towncrier),
                ("NEWS.rst", "News\n====\n\n.. towncrier release notes start\n"))
    repo.git("tag", "v1.2.0")
    repo.commit("feat: a", ("src/a.py", "a\n"), ("changelog.d/7.feature", "Feature seven.\n"))
    code, data = release(repo, "--no-push")
    assert code == 0, data
    news = (repo.path / "NEWS.rst").read_text()
    assert "1.3.0" in news and "Feature seven. (#7)" in news and "Features" in news
    assert not (repo.path / "changelog.d/7.feature").exists()
    assert json.loads(json.dumps(data))["version"] == "1.3.0"


def test_init_reads_how_a_commitizen_project_releases(repo: GitRepo) -> None:
    repo.commit("chore: start", ("pyproject.toml", '[project]\nname = "x"\nversion = "0.3.0"\n\n'
                                 '[tool.commitizen]\nname = "cz_conventional_commits"\nversion = "0.3.0"\n'
                                 'tag_format = "v$version"\nversion_files = ["src/x/__init__.py:__version__"]\n'),
                ("src/x/__init__.py", '__version__ = "0.3.0"\n'))
    repo.git("tag", "v0.3.0")
    repo.commit("feat: something", ("src/x/a.py", "a\n"))
    assert repo.wfguard("init", "--yes", "--no-install").code == 0
    text = (repo.path / ".wfguard.yml").read_text()
    assert 'tag: "v{version}"' in text
    assert 'version_files: ["pyproject.toml:^version", "src/x/__init__.py:__version__"]' in text
    assert 'zero_major: "major"' in text  # commitizen breaks 0.x to 1.0.0 unless major_version_zero
    repo.commit("chore: adopt wfguard", ".wfguard.yml")
    r = repo.wfguard("release", "--dry-run", "--format", "json")
    assert r.code == 0, r
    data = r.json()
    assert data["version"] == "0.4.0" and data["files"] == ["pyproject.toml", "src/x/__init__.py"]


def test_init_reads_the_version_file_and_tag_form_of_a_plain_project(repo: GitRepo) -> None:
    repo.commit("chore: start", ("pyproject.toml", '[project]\nname = "x"\ndynamic = ["version"]\n'
                                 '[tool.hatch.version]\npath = "src/x/__about__.py"\n'),
                ("src/x/__about__.py", '__version__ = "2.0.1"\n'))
    repo.git("tag", "2.0.0")
    repo.git("tag", "2.0.1")
    assert repo.wfguard("init", "--yes", "--no-install").code == 0
    text = (repo.path / ".wfguard.yml").read_text()
    assert 'tag: "{version}"' in text and 'version_files: ["src/x/__about__.py"]' in text
    assert repo.wfguard("validate").code == 0


def test_the_action_releases_and_hands_the_notes_to_gh(project: GitRepo, tmp_path: Path) -> None:
    import os

    import yaml

    merged(project, "feat: a", ("src/demo/a.py", "a = 1\n"), ("changelog.d/a.feature.md", "Feature A.\n"))
    action = yaml.safe_load((Path(__file__).parent.parent / "action.yml").read_text())
    script = next(s["run"] for s in action["runs"]["steps"] if s.get("id") == "release")
    outputs = tmp_path / "outputs"
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(outputs), "RUNNER_TEMP": str(tmp_path),
           "RELEASE_ARGS": "", "NOTES_FILE": "RELEASE_NOTES.md"}
    proc = subprocess.run(["bash", "-c", script], cwd=project.path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs.read_text().splitlines() == ["version=1.3.0", "tag=v1.3.0", "notes-file=RELEASE_NOTES.md"]
    assert (project.path / "RELEASE_NOTES.md").read_text() == "### Added\n\n- Feature A.\n"


def test_version_file_regex_replaces_only_the_version(tmp_path: Path) -> None:
    """commitizen's FILE:REGEX: other numbers on a matching line (python_version) stay as they are."""
    from wfguard import versionfiles

    text = ('[project]\nversion = "4.11.0"\ndeps = ["x ; python_version < \'3.11\'"]\n'
            '[tool.commitizen]\nversion = "4.11.0"\n')
    (tmp_path / "pyproject.toml").write_text(text)
    (tmp_path / ".pre-commit-config.yaml").write_text("  - repo: x\n    rev: v4.11.0 # updated by Commitizen\n")
    found = versionfiles.read(tmp_path, "pyproject.toml:version")
    assert found.version == "4.11.0" and found.replaced("4.12.0") == text.replace("4.11.0", "4.12.0")
    hook = versionfiles.read(tmp_path, ".pre-commit-config.yaml:rev:.+Commitizen")
    assert hook.replaced("4.12.0").endswith("rev: v4.12.0 # updated by Commitizen\n")


def test_a_version_file_ahead_of_the_tags_is_reported(project: GitRepo) -> None:
    merged(project, "fix: a", ("src/demo/a.py", "a = 1\n"), ("changelog.d/a.bugfix.md", "Fix A.\n"),
           ("pyproject.toml", PYPROJECT.replace("1.2.0", "1.2.5")))
    r = project.wfguard("release", "--dry-run", "--format", "json")
    assert r.code == 0 and r.json()["version"] == "1.2.1"
    assert "pyproject.toml says 1.2.5, newer than the newest tag" in r.json()["warnings"][0]


def test_poetry_version_and_no_tag(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [conventional-commits]\n")
    poetry = '[tool.poetry]\nname = "x"\nversion = "2.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.10"\n'
    repo.commit("chore: start", ".wfguard.yml", ("pyproject.toml", poetry))
    repo.commit("fix: a", "a.txt")
    code, data = release(repo, "--no-tag", "--no-push")
    assert code == 0, data
    assert data["version"] == "2.1.1" and data["tag"] is None and data["files"] == ["pyproject.toml"]
    assert (repo.path / "pyproject.toml").read_text() == poetry.replace('"2.1.0"', '"2.1.1"')
    assert repo.git("tag", "-l") == ""


def test_an_interrupted_release_puts_every_file_back(project: GitRepo) -> None:
    """Ctrl-C while the release's own checks run (here a command rule interrupts wfguard itself):
    the version files, the changelog and the fragment (untracked too) are as they were."""
    from conftest import wfguard_argv

    project.config(CONFIG.replace("release:", """\
  interrupt:
    kind: command
    run: "kill -INT $PPID; sleep 5"
    stages: [pre-commit]
release:"""))
    merged(project, "chore: rule", (".wfguard.yml", (project.path / ".wfguard.yml").read_text()))
    merged(project, "feat: a", ("src/demo/a.py", "a = 1\n"), ("changelog.d/a.feature.md", "Feature A.\n"))
    project.write("changelog.d/b.bugfix.md", "Fix B, not committed yet.\n")  # untracked, still pending
    before = {p: p.read_bytes() for p in project.path.rglob("*") if p.is_file() and ".git" not in p.parts}
    head = project.git("rev-parse", "HEAD")
    proc = subprocess.run([*wfguard_argv(), "release", "--yes"], cwd=project.path, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode not in (0, 1), proc.stdout + proc.stderr
    after = {p: p.read_bytes() for p in project.path.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before
    assert project.git("status", "--porcelain") == "?? changelog.d/b.bugfix.md"
    assert project.git("rev-parse", "HEAD") == head and project.git("tag", "-l", "v1.3*") == ""


def test_a_release_that_also_deletes_code_is_not_a_release(project: GitRepo) -> None:
    """A version file may lose only version lines: a bump that also drops a line of code from it
    is refused on protected main by the server, while the same bump alone lands."""
    merged(project, "feat: guard", ("src/demo/__init__.py", '__version__ = "1.2.0"\nCHECK_AUTH = True\n'),
           ("changelog.d/guard.feature.md", "Guard.\n"))

    def push_release(init: str) -> subprocess.CompletedProcess[str]:
        project.commit("chore(release): 1.2.1", ("pyproject.toml", PYPROJECT.replace("1.2.0", "1.2.1")),
                       ("src/demo/__init__.py", init))
        return subprocess.run(["git", "push", "-q", "--no-verify", "origin", "main"], cwd=project.path,
                              capture_output=True, text=True)

    sneaky = push_release('__version__ = "1.2.1"\n')
    assert sneaky.returncode != 0 and "protected branch 'main'" in sneaky.stderr, sneaky.stderr
    project.git("reset", "-q", "--hard", "HEAD~1")
    honest = push_release('__version__ = "1.2.1"\nCHECK_AUTH = True\n')
    assert honest.returncode == 0, honest.stderr


def test_a_project_versioned_by_its_tags_alone_releases_on_its_protected_branch(repo: GitRepo) -> None:
    """setuptools_scm projects (pytest) write no version file: the release commit is only the
    changelog section and the removed fragments, and that is still a release."""
    repo.config(CONFIG.replace("  version_files: [pyproject.toml, src/demo/__init__.py]", "  version_files: []"))
    repo.git("switch", "-q", "-c", "main")
    repo.commit("chore: start", ".wfguard.yml", ("src/demo/x.py", "x\n"))
    repo.git("tag", "v1.2.0")
    repo.commit("feat: a", ("src/demo/a.py", "a\n"), ("changelog.d/a.feature.md", "Feature A.\n"))
    assert repo.wfguard("install").code == 0
    code, data = release(repo, "--no-push")
    assert code == 0, data
    assert data["version"] == "1.3.0" and data["files"] == []
    assert repo.git("log", "-1", "--format=%s") == "chore(release): 1.3.0"
    # and a changelog edit alone is not a release: the protected branch still refuses it
    repo.write("CHANGELOG.md", (repo.path / "CHANGELOG.md").read_text() + "\nMore.\n")
    repo.git("add", "CHANGELOG.md")
    assert subprocess.run(["git", "commit", "-q", "-m", "docs: more"], cwd=repo.path,
                          capture_output=True).returncode != 0
