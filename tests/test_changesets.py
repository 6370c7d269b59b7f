"""changesets' format as a fragment format: a two-package npm workspace, judged as `changeset status`
judges it (compared with the real `@changesets/cli` where bench/setup.sh installed it), and
released per package with the levels its changesets give."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import GitRepo

CONFIG = """\
version: 1
extends: [changelog-fragments]
rules:
  changelog:
    paths: ["src/**"]
    fragments: {dir: .changeset, format: changesets}
packages:
  a: {path: packages/a}
  b: {path: packages/b}
"""
CHANGESET_CLI = Path(__file__).resolve().parents[1] / "bench" / "work" / "node_modules" / ".bin" / "changeset"


def changeset(*lines: str, summary: str = "Something changed.") -> str:
    return "---\n" + "".join(f"{ln}\n" for ln in lines) + "---\n\n" + summary + "\n"


@pytest.fixture
def workspace(repo: GitRepo) -> GitRepo:
    repo.git("switch", "-q", "-c", "main")
    repo.config(CONFIG)
    repo.commit("chore: start", ".wfguard.yml",
                ("package.json", '{"name": "root", "private": true, "workspaces": ["packages/*"]}\n'),
                ("packages/a/package.json", '{\n  "name": "@acme/a",\n  "version": "1.0.0"\n}\n'),
                ("packages/b/package.json", '{\n  "name": "@acme/b",\n  "version": "0.2.0"\n}\n'),
                ("packages/a/src/index.js", "a\n"), ("packages/b/src/index.js", "b\n"),
                (".changeset/config.json", json.dumps({"changelog": False, "commit": False, "access": "restricted",
                                                       "baseBranch": "main", "updateInternalDependencies": "patch",
                                                       "ignore": []}) + "\n"),
                (".changeset/README.md", "Changesets live here.\n"))
    repo.git("switch", "-q", "-c", "feat/x")
    return repo


def results(repo: GitRepo) -> dict[str, dict[str, object]]:
    return {r["rule"]: r for r in repo.check("--base", "main").json()["results"]}


@pytest.mark.parametrize(("changesets", "expected"), [
    ([], {"changelog/a": "fail", "changelog/b": "fail"}),
    ([changeset('"@acme/a": minor')], {"changelog/a": "pass", "changelog/b": "fail"}),
    ([changeset('"@acme/a": minor', '"@acme/b": patch')], {"changelog/a": "pass", "changelog/b": "pass"}),
    ([changeset('"@acme/a": minor'), changeset("'@acme/b': major")], {"changelog/a": "pass", "changelog/b": "pass"}),
])
def test_a_touched_package_is_named_in_a_changeset(workspace: GitRepo, changesets: list[str],
                                                   expected: dict[str, str]) -> None:
    files = [(f".changeset/c{i}.md", text) for i, text in enumerate(changesets)]
    workspace.commit("feat: both", ("packages/a/src/index.js", "a2\n"), ("packages/b/src/index.js", "b2\n"), *files)
    found = results(workspace)
    assert {rid: found[rid]["status"] for rid in expected} == expected
    if expected["changelog/b"] == "fail":
        assert "need a changeset naming '@acme/b'" in found["changelog/b"]["messages"][0]["text"]  # type: ignore[index]
    if CHANGESET_CLI.exists() and shutil.which("node"):
        status = subprocess.run([str(CHANGESET_CLI), "status", "--since=main"], cwd=workspace.path,
                                capture_output=True, text=True, env={**os.environ, "CI": "true"})
        wfguard_passes = all(v == "pass" for v in expected.values())
        # changesets' status fails only when no changeset at all covers a change; wfguard is
        # stricter (each touched package named), so: wfguard passes => status passes, and
        # status fails => wfguard fails
        if wfguard_passes:
            assert status.returncode == 0, status.stdout + status.stderr
        if status.returncode != 0:
            assert not wfguard_passes
        assert (status.returncode != 0) == (not changesets)


@pytest.mark.parametrize(("text", "expect"), [
    (changeset('"@acme/nope": minor'), ".changeset/bad.md:2: unknown package '@acme/nope'"),
    (changeset('"@acme/a": huge'), ".changeset/bad.md:2: @acme/a: unknown level 'huge'"),
    (changeset('"@acme/a": minor', summary=""), ".changeset/bad.md:3: the summary below the front matter is empty"),
    ("just text\n", ".changeset/bad.md:1: no front matter"),
])
def test_bad_changesets_fail_with_file_and_line(workspace: GitRepo, text: str, expect: str) -> None:
    workspace.commit("feat: a", ("packages/a/src/index.js", "a2\n"), (".changeset/bad.md", text))
    top = results(workspace)["changelog"]
    assert top["status"] == "fail"
    assert any(expect in m["text"] for m in top["messages"]), top["messages"]  # type: ignore[attr-defined]


def test_release_takes_the_levels_from_the_changesets(workspace: GitRepo) -> None:
    workspace.git("switch", "-q", "main")
    workspace.commit("feat: both", ("packages/a/src/index.js", "a2\n"), ("packages/b/src/index.js", "b2\n"),
                     (".changeset/shared.md", changeset('"@acme/a": minor', '"@acme/b": patch',
                                                        summary="Export as CSV.")),
                     (".changeset/only-a.md", changeset('"@acme/a": patch', summary="Fix a crash.")))
    one = workspace.wfguard("release", "--package", "a", "--yes", "--no-push", "--format", "json")
    assert one.code == 0, one
    data = one.json()
    assert data["version"] == "1.1.0" and data["tag"] == "a-v1.1.0"
    assert "### Minor Changes\n\n- Export as CSV." in data["notes"]
    assert "### Patch Changes\n\n- Fix a crash." in data["notes"]
    assert '"version": "1.1.0"' in (workspace.path / "packages/a/package.json").read_text()
    assert not (workspace.path / ".changeset/only-a.md").exists()
    shared = (workspace.path / ".changeset/shared.md").read_text()
    assert '"@acme/a"' not in shared and '"@acme/b": patch' in shared  # still pending for b
    two = workspace.wfguard("release", "--package", "b", "--yes", "--no-push", "--format", "json").json()
    assert two["version"] == "0.2.1" and not (workspace.path / ".changeset/shared.md").exists()
    assert (workspace.path / ".changeset/README.md").exists() and (workspace.path / ".changeset/config.json").exists()


def test_changesets_own_version_commit_passes(workspace: GitRepo) -> None:
    """`changeset version` (the "Version Packages" pull request): changesets removed, or moved into
    .changeset/pre/ in pre mode, versions bumped, changelogs written: a release, not a change."""
    workspace.git("switch", "-q", "main")
    workspace.config(CONFIG.replace('    paths: ["src/**"]\n', ""))  # every path of a package counts
    workspace.commit("feat: a", ".wfguard.yml", ("packages/a/src/index.js", "a2\n"),
                     (".changeset/one.md", changeset('"@acme/a": minor')),
                     (".changeset/two.md", changeset('"@acme/b": patch')))
    workspace.git("switch", "-q", "-c", "changeset-release/main")
    workspace.git("rm", "-q", ".changeset/one.md")
    workspace.git("mv", ".changeset/two.md", ".changeset/pre-two.md")
    version = '{\n  "name": "@acme/a",\n  "version": "1.1.0"\n}\n'
    notes = "# @acme/a\n\n## 1.1.0\n\n### Minor Changes\n\n- Something changed.\n"
    workspace.commit("Version Packages", ("packages/a/package.json", version), ("packages/a/CHANGELOG.md", notes))
    found = results(workspace)
    assert found["changelog/a"]["status"] == "pass", found["changelog/a"]
    assert "release" in found["changelog/a"]["messages"][0]["text"]  # type: ignore[index]
    # the same files with a code change riding along are no release
    workspace.commit("feat: sneak", ("packages/a/src/index.js", "a3\n"))
    assert results(workspace)["changelog/a"]["status"] == "fail"


@pytest.mark.parametrize(("message", "ftype", "level"), [
    ("feat: export as CSV", None, "minor"),
    ("fix(a): no crash on empty input", None, "patch"),
    ("feat!: drop the old API", None, "major"),
    ("Export as CSV", "minor", "minor"),
])
def test_fix_writes_a_changeset_that_changesets_accepts(workspace: GitRepo, message: str, ftype: str | None,
                                                        level: str) -> None:
    workspace.write("packages/a/src/index.js", "a2\n")
    workspace.write("packages/b/src/index.js", "b2\n")
    workspace.git("add", "-A")
    res = workspace.wfguard("fix", "-m", message, *(["--type", ftype] if ftype else []), "--format", "json")
    assert res.code == 0, res
    [fixed] = res.json()["fixed"]
    path = fixed["path"]
    assert path.startswith(".changeset/") and path.endswith(".md") and Path(path).name.count(".") == 1, path
    text = (workspace.path / path).read_text()
    assert text.startswith(f'---\n"@acme/a": {level}\n"@acme/b": {level}\n---\n\n'), text
    workspace.git("commit", "-q", "--no-verify", "-m", message)
    found = results(workspace)
    assert found["changelog"]["status"] != "fail", found["changelog"]
    assert found["changelog/a"]["status"] == found["changelog/b"]["status"] == "pass"
    again = workspace.wfguard("fix", "-m", message)
    assert again.code == 0 and "nothing to fix" in again.out, again  # no loop
    if CHANGESET_CLI.exists():
        status = subprocess.run([str(CHANGESET_CLI), "status", "--verbose"], cwd=workspace.path,
                                capture_output=True, text=True)
        assert status.returncode == 0, status.stdout + status.stderr
        assert "@acme/a" in status.stdout and f"bumped at {level}" in status.stdout


def test_fix_names_only_the_packages_touched(workspace: GitRepo) -> None:
    workspace.write("packages/b/src/index.js", "b2\n")
    workspace.git("add", "-A")
    res = workspace.wfguard("fix", "-m", "fix: b only")
    assert res.code == 0, res
    [written] = [p for p in (workspace.path / ".changeset").iterdir() if p.name.endswith(".md")
                 and p.name != "README.md"]
    assert written.read_text() == '---\n"@acme/b": patch\n---\n\nB only.\n'


def test_fix_without_a_level_asks_for_one(workspace: GitRepo) -> None:
    workspace.write("packages/a/src/index.js", "a2\n")
    workspace.git("add", "-A")
    res = workspace.wfguard("fix", "-m", "Export as CSV")
    assert res.code == 2 and "major, minor, patch" in res.err, res
    bad = workspace.wfguard("fix", "-m", "Export as CSV", "--type", "feature")
    assert bad.code == 2 and "not a changesets level" in bad.err, bad


def test_ship_in_a_changesets_workspace(workspace: GitRepo) -> None:
    workspace.write("packages/a/src/index.js", "a2\n")
    workspace.git("add", "-A")
    res = workspace.wfguard("ship", "--yes", "--no-push", "-m", "feat(a): export as CSV")
    assert res.code == 0, res
    shown = workspace.git("show", "--name-only", "--format=", "HEAD").splitlines()
    [cs] = [p for p in shown if p.startswith(".changeset/")]
    assert (workspace.path / cs).read_text() == '---\n"@acme/a": minor\n---\n\nExport as CSV.\n'
    if CHANGESET_CLI.exists():
        status = subprocess.run([str(CHANGESET_CLI), "status"], cwd=workspace.path, capture_output=True, text=True)
        assert status.returncode == 0, status.stdout + status.stderr
