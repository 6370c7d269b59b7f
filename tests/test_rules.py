"""Every rule kind, passing and failing, through ``wfguard check`` on real commits."""

from __future__ import annotations

import pytest
from conftest import GitRepo, result_of


def setup(repo: GitRepo, config: str) -> None:
    repo.config(config)
    repo.commit("chore: start", ".wfguard.yml", "README.md")
    repo.git("switch", "-q", "-c", "work")


def check_rule(repo: GitRepo, rule: str) -> dict[str, object]:
    res = repo.check("--base", "main")
    assert res.code in (0, 1), res
    r = dict(result_of(res.json(), rule))
    r["_exit"] = res.code
    return r


# --- changelog ---------------------------------------------------------------------------

FRAG = "version: 1\nextends: [changelog-fragments]\nrules:\n  changelog:\n    paths: [src/**]\n"


@pytest.mark.parametrize(("files", "status", "text"), [
    ([("src/a.py", "x")], "fail", "need a changelog fragment"),
    ([("src/a.py", "x"), ("changelog.d/a.feature.md", "Added a.\n")], "pass", ""),
    ([("src/a.py", "x"), ("changelog.d/a.bugfix", "Fixed a.\n")], "pass", ""),
    ([("src/a.py", "x"), ("changelog.d/a.feature.MD", "Added a.\n")], "pass", ""),
    ([("src/a.py", "x"), ("changelog.d/1.2.feature.rst", "Added.\n")], "pass", ""),
    ([("src/a.py", "x"), ("changelog.d/a.featur.md", "Added a.\n")], "fail", "unknown type 'featur'"),
    ([("changelog.d/a.featur.md", "Added a.\n")], "fail", "unknown type"),
    ([("src/a.py", "x"), ("changelog.d/a.feature.md", "  \n")], "fail", "is empty"),
    ([("src/a.py", "x"), ("changelog.d/sub/a.feature.md", "A.\n")], "fail", "subfolder"),
    ([("src/a.py", "x"), ("changelog.d/b@d.feature.md", "A.\n")], "fail", "may use only"),
    ([("src/a.py", "x"), ("changelog.d/README.md", "About.\n")], "fail", "need a changelog fragment"),
    ([("src/a.py", "x"), ("CHANGELOG.md", "## 1.0\n- a\n")], "fail", "need a changelog fragment"),
    ([("docs/guide.md", "x")], "not-applicable", ""),
    ([("src/notes.md", "x")], "not-applicable", ""),
])
def test_changelog_fragments(repo: GitRepo, files: list[tuple[str, str]], status: str, text: str) -> None:
    setup(repo, FRAG)
    repo.commit("feat: change", *files)
    r = check_rule(repo, "changelog")
    assert r["status"] == status, r
    assert text in " ".join(m["text"] for m in r["messages"])  # type: ignore[attr-defined]


def test_deleting_a_source_file_triggers(repo: GitRepo) -> None:
    repo.config(FRAG)
    repo.commit("chore: start", ".wfguard.yml", "src/old.py")
    repo.git("switch", "-q", "-c", "work")
    repo.git("rm", "-q", "src/old.py")
    repo.git("commit", "-q", "-m", "refactor: drop old")
    assert check_rule(repo, "changelog")["status"] == "fail"


KAC = "version: 1\nextends: [keep-a-changelog]\nrules:\n  changelog:\n    paths: [src/**]\n"
CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n- first\n"


@pytest.mark.parametrize(("new_text", "status"), [
    (CHANGELOG.replace("## [Unreleased]\n", "## [Unreleased]\n- added export\n"), "pass"),
    (CHANGELOG + "- added below the release\n", "fail"),
    (None, "fail"),
])
def test_changelog_file_mode(repo: GitRepo, new_text: str | None, status: str) -> None:
    repo.config(KAC)
    repo.write("CHANGELOG.md", CHANGELOG)
    repo.commit("chore: start", ".wfguard.yml", "CHANGELOG.md")
    repo.git("switch", "-q", "-c", "work")
    files: list[tuple[str, str]] = [("src/a.py", "x")]
    if new_text is not None:
        files.append(("CHANGELOG.md", new_text))
    repo.commit("feat: a", *files)
    assert check_rule(repo, "changelog")["status"] == status


# --- commit-message ----------------------------------------------------------------------

@pytest.mark.parametrize(("message", "status"), [
    ("feat(api): add export endpoint", "pass"),
    ("fix!: drop python 3.8", "pass"),
    ("Merge branch 'main' into work", "pass"),
    ('Revert "feat: x"\n\nThis reverts commit abc.', "pass"),
    ("added stuff", "fail"),
    ("feat: Add export", "fail"),
    ("feat: add export.", "fail"),
    ("Feat: add export", "fail"),
    ("feature: add export", "fail"),
    ("feat: " + "x" * 100, "fail"),
])
def test_conventional_commits(repo: GitRepo, message: str, status: str) -> None:
    setup(repo, "version: 1\nextends: [conventional-commits]\n")
    repo.commit(message, "a.txt")
    assert check_rule(repo, "conventional-commits")["status"] == status


def test_commit_message_pattern_trailers_and_forbidden_subjects(repo: GitRepo) -> None:
    setup(repo, "version: 1\nrules:\n  msg:\n    kind: commit-message\n    pattern: '^[A-Z]+-[0-9]+ '\n"
                "    require_trailers: [Signed-off-by]\n    forbid_subjects: ['^WIP', '^fixup!']\n")
    repo.commit("ABC-12 add export\n\nSigned-off-by: A <a@b>", "a.txt")
    assert check_rule(repo, "msg")["status"] == "pass"
    repo.commit("WIP ABC-13 more", "b.txt")
    r = check_rule(repo, "msg")
    text = " ".join(m["text"] for m in r["messages"])  # type: ignore[attr-defined]
    assert r["status"] == "fail"
    assert "forbidden pattern" in text and "does not match the pattern" in text
    assert "Signed-off-by" in text


def test_custom_types_override_the_preset(repo: GitRepo) -> None:
    setup(repo, "version: 1\nextends: [conventional-commits]\nrules:\n  conventional-commits:\n"
                "    types: [feat, fix, wip]\n")
    repo.commit("wip: halfway", "a.txt")
    assert check_rule(repo, "conventional-commits")["status"] == "pass"
    repo.commit("docs: readme", "b.txt")
    assert check_rule(repo, "conventional-commits")["status"] == "fail"


# --- branch -----------------------------------------------------------------------------

def test_branch_pattern_in_ci(repo: GitRepo) -> None:
    cfg = ("version: 1\nrules:\n  branches:\n    kind: branch\n    protected: [main]\n"
           "    pattern: '(feat|fix)/[a-z0-9-]+'\n")
    setup(repo, cfg)
    repo.commit("feat: a", "a.txt")
    assert check_rule(repo, "branches")["status"] == "fail"  # "work" is off the pattern
    repo.git("branch", "-q", "-m", "feat/good-name")
    assert check_rule(repo, "branches")["status"] == "pass"


# --- co-change --------------------------------------------------------------------------

def test_co_change(repo: GitRepo) -> None:
    setup(repo, "version: 1\nrules:\n  lock:\n    kind: co-change\n    if_changed: pyproject.toml\n"
                "    then_change: [requirements.lock]\n")
    repo.commit("build: bump", "pyproject.toml")
    assert check_rule(repo, "lock")["status"] == "fail"
    repo.commit("build: lock", "requirements.lock")
    assert check_rule(repo, "lock")["status"] == "pass"


def test_co_change_not_applicable(repo: GitRepo) -> None:
    setup(repo, "version: 1\nrules:\n  lock:\n    kind: co-change\n    if_changed: pyproject.toml\n"
                "    then_change: [requirements.lock]\n")
    repo.commit("docs: x", "docs.md")
    assert check_rule(repo, "lock")["status"] == "not-applicable"


# --- forbid -----------------------------------------------------------------------------

def test_forbid_conflict_markers_and_keys(repo: GitRepo) -> None:
    setup(repo, "version: 1\nextends: [hygiene]\n")
    repo.commit("fix: a", ("a.py", "ok\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other\n"))
    r = check_rule(repo, "no-conflict-markers")
    assert r["status"] == "fail"
    assert r["messages"][0]["path"] == "a.py" and r["messages"][0]["line"] == 2  # type: ignore[index]
    key_header = "-----BEGIN RSA " + "PRIVATE KEY-----"  # split, so this file holds no key header itself
    repo.commit("fix: k", ("k.pem", f"{key_header}\nabc\n"))
    assert check_rule(repo, "no-private-keys")["status"] == "fail"


def test_forbid_only_added_lines_count(repo: GitRepo) -> None:
    repo.config("version: 1\nrules:\n  no-todo:\n    kind: forbid\n    content: 'TODO'\n")
    repo.write("a.py", "# TODO old\n")
    repo.commit("chore: start", ".wfguard.yml", "a.py")
    repo.git("switch", "-q", "-c", "work")
    repo.commit("fix: a", ("a.py", "# TODO old\nclean\n"))
    assert check_rule(repo, "no-todo")["status"] == "pass"


def test_forbid_files_and_size(repo: GitRepo) -> None:
    setup(repo, "version: 1\nrules:\n  no-env:\n    kind: forbid\n    files: ['**/.env']\n"
                "  small:\n    kind: forbid\n    max_size: 1KB\n")
    repo.commit("fix: a", ("app/.env", "SECRET=1\n"), ("big.bin", b"\0" * 2048))
    assert check_rule(repo, "no-env")["status"] == "fail"
    r = check_rule(repo, "small")
    assert r["status"] == "fail" and "big.bin is 2.0 KB" in r["messages"][0]["text"]  # type: ignore[index]


def test_forbid_searches_binary_content_as_bytes(repo: GitRepo) -> None:
    setup(repo, "version: 1\nrules:\n  no-todo:\n    kind: forbid\n    content: 'TODO'\n")
    repo.commit("fix: bin", ("blob.bin", b"\0\1TODO\0"))
    assert check_rule(repo, "no-todo")["status"] == "fail"


# --- command ----------------------------------------------------------------------------

def test_command_rule(repo: GitRepo) -> None:
    setup(repo, "version: 1\nrules:\n  ok:\n    kind: command\n    run: [python3, -c, 'print(1)']\n"
                "  bad:\n    kind: command\n    run: 'echo broken; exit 3'\n"
                "  files:\n    kind: command\n    run: 'ls --'\n"
                "    pass_files: true\n"
                "  slow:\n    kind: command\n    run: 'sleep 5'\n    timeout: 0.5\n"
                "  missing:\n    kind: command\n    run: [no-such-binary-wfguard]\n")
    repo.commit("fix: a", "a.txt", ("odd name; $(rm -rf x).txt", "x\n"))
    assert check_rule(repo, "ok")["status"] == "pass"
    bad = check_rule(repo, "bad")
    assert bad["status"] == "fail"
    texts = [m["text"] for m in bad["messages"]]  # type: ignore[attr-defined]
    assert "exited with 3" in texts[0] and "broken" in texts
    # names reach the command intact, as arguments, never through the shell's parser
    assert check_rule(repo, "files")["status"] == "pass"
    assert (repo.path / "a.txt").exists()
    assert "timed out" in check_rule(repo, "slow")["messages"][0]["text"]  # type: ignore[index]
    assert "not found" in check_rule(repo, "missing")["messages"][0]["text"]  # type: ignore[index]


# --- severity and skips -----------------------------------------------------------------

def test_warning_severity_does_not_block(repo: GitRepo) -> None:
    setup(repo, FRAG + "    severity: warning\n")
    repo.commit("feat: a", "src/a.py")
    r = check_rule(repo, "changelog")
    assert r["status"] == "fail" and r["_exit"] == 0
    report = repo.check("--base", "main").json()
    assert report["passed"] is True and report["summary"]["warnings"] == 1


def test_skip_by_trailer_with_reason(repo: GitRepo) -> None:
    setup(repo, FRAG)
    repo.commit("feat: a\n\nWfguard-Skip: changelog: internal refactor only", "src/a.py")
    r = check_rule(repo, "changelog")
    assert r["status"] == "skip" and r["_exit"] == 0
    assert r["skipped"] == {"by": "trailer", "reason": "internal refactor only"}


def test_skip_without_required_reason_is_refused(repo: GitRepo) -> None:
    setup(repo, FRAG)
    repo.commit("feat: a\n\nWfguard-Skip: changelog", "src/a.py")
    r = check_rule(repo, "changelog")
    assert r["status"] == "fail"
    assert "needs one" in " ".join(m["text"] for m in r["messages"])  # type: ignore[attr-defined]


def test_skip_not_allowed(repo: GitRepo) -> None:
    setup(repo, FRAG + "    skip: {allowed: false}\n")
    repo.commit("feat: a\n\nWfguard-Skip: changelog: please", "src/a.py")
    r = check_rule(repo, "changelog")
    assert r["status"] == "fail"
    assert "may not be skipped" in " ".join(m["text"] for m in r["messages"])  # type: ignore[attr-defined]


def test_env_skip_is_ignored_by_check(repo: GitRepo) -> None:
    setup(repo, FRAG)
    repo.commit("feat: a", "src/a.py")
    res = repo.check("--base", "main", env={"WFGUARD_SKIP": "changelog", "WFGUARD_SKIP_REASON": "x"})
    assert res.code == 1


def test_forbid_content_in_odd_file_names(repo: GitRepo) -> None:
    setup(repo, "version: 1\nrules:\n  no-todo:\n    kind: forbid\n    content: 'TODO'\n")
    names = ["with space.py", "new\nline.py", "ünïcødé.py", 'quo"te.py', "-dash.py", "tab\tname.py"]
    for n in names:
        repo.write(n, "ok\nTODO here\n")
    repo.git("add", "--", *names)
    repo.git("commit", "-q", "-m", "fix: odd")
    r = check_rule(repo, "no-todo")
    found = sorted(m["path"] for m in r["messages"])  # type: ignore[attr-defined]
    assert found == sorted(names)
    assert all(m["line"] == 2 for m in r["messages"])  # type: ignore[attr-defined]
