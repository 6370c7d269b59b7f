"""``wfguard init`` on repositories shaped like real ones: towncrier, commitizen, commitlint,
hook managers (husky 9, lefthook, pre-commit), a ``trunk`` default branch; and the day-to-day
path after it: the README quickstart, blocked commits that continue as printed, old branches."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import CHANGELOG_CONFIG, GitRepo, wfguard_argv

HERE = Path(__file__).resolve().parent


def git_commit(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "commit", "-q", *args], cwd=repo.path, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def config_of(repo: GitRepo) -> dict[str, object]:
    data = yaml.safe_load((repo.path / ".wfguard.yml").read_text())
    assert isinstance(data, dict)
    return data


def rule_of(repo: GitRepo, rule: str) -> dict[str, object]:
    """The rule as the config loader normalizes it, options included."""
    from wfguard.config import WorkTree, load_uncached

    found = load_uncached(WorkTree(repo.path))[0].rule(rule)
    assert found is not None, rule
    return found.to_dict()


# --- towncrier --------------------------------------------------------------------------------

TOWNCRIER = """\
[tool.towncrier]
package = "pkg"
package_dir = "src"
filename = "NEWS.rst"
template = "src/pkg/newsfragments/_template.rst"

[[tool.towncrier.type]]
directory = "feature"
name = "Features"
showcontent = true

[[tool.towncrier.type]]
directory = "improvement"
name = "Improvements"
showcontent = true

[[tool.towncrier.type]]
directory = "contrib"
name = "Contributor-facing changes"
showcontent = true

[[tool.towncrier.type]]
directory = "misc"
name = "Misc"
showcontent = false
"""


@pytest.mark.parametrize("where", ["pyproject.toml", "towncrier.toml"])
def test_init_reads_towncrier(repo: GitRepo, where: str) -> None:
    repo.write(where, TOWNCRIER)
    repo.write("src/pkg/__init__.py", "")
    repo.write("src/pkg/newsfragments/_template.rst", "{{ sections }}\n")
    repo.write("src/pkg/newsfragments/12.improvement.rst", "Faster.\n")
    repo.write("src/pkg/newsfragments/13.misc.rst", "")
    repo.write("NEWS.rst", "News\n====\n\n.. towncrier release notes start\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "chore: start")
    res = repo.wfguard("init", "--yes", "--no-install")
    assert res.code == 0, res
    assert f"towncrier settings in {where}" in res.out
    changelog = rule_of(repo, "changelog")
    frag = changelog["options"]["fragments"]  # type: ignore[index]
    assert frag["dir"] == "src/pkg/newsfragments" and frag["output"] == "NEWS.rst"
    assert frag["types"] == ["feature", "improvement", "contrib", "misc"]
    assert frag["allow_empty"] == ["misc"] and frag["ignore"] == ["_template.rst"]
    assert frag["extensions"][0] == "rst" and frag["build"][:2] == ["towncrier", "build"]
    assert "src/pkg/newsfragments/" in str(changelog["why"]) and "NEWS.rst" in str(changelog["why"])
    assert "changelog//" not in (repo.path / ".wfguard.yml").read_text()
    # the project's existing fragments pass at once, as towncrier reads them
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "chore: adopt wfguard")
    repo.write("src/pkg/core.py", "x = 1\n")
    repo.write("src/pkg/newsfragments/14.contrib.1.rst", "CI runs on 3.13.\n")
    repo.write("src/pkg/newsfragments/+misc.misc.rst", "")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "ci: 3.13")
    res = repo.check("--base", "HEAD~1")
    assert res.code == 0, res
    fix = repo.wfguard("explain", "changelog").out
    assert "src/pkg/newsfragments/" in fix


# --- commit conventions ------------------------------------------------------------------------

def test_init_with_commitizen_lets_cz_bump_commit(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "x"\nversion = "1.0.0"\n\n[tool.commitizen]\n'
                                 'name = "cz_conventional_commits"\nversion = "1.0.0"\ntag_format = "v$version"\n')
    repo.commit("feat: start", "pyproject.toml")
    repo.commit("bump: version 0.9.0 → 1.0.0", ("pyproject.toml", repo.path.joinpath("pyproject.toml").read_text()
                                                 + "# bumped\n"))
    repo.commit("fix: Capitalised subjects pass cz check", "a.txt")
    res = repo.wfguard("init", "--yes")
    assert res.code == 0, res
    assert "commitizen (pyproject.toml)" in res.out and "100%" in res.out
    repo.git("add", "-A")
    assert git_commit(repo, "-m", "chore: adopt wfguard").returncode == 0
    repo.git("switch", "-q", "-c", "release")
    repo.write("pyproject.toml", repo.path.joinpath("pyproject.toml").read_text().replace("1.0.0", "1.1.0"))
    repo.git("add", "-A")
    res = git_commit(repo, "-m", "bump: version 1.0.0 → 1.1.0")  # what `cz bump --yes` commits
    assert res.returncode == 0, res.stderr
    bad = git_commit(repo, "--allow-empty", "-m", "Updated stuff")
    assert bad.returncode != 0 and "does not match the pattern" in bad.stderr


@pytest.mark.parametrize(("name", "text"), [
    (".commitlintrc.json", '{"extends": ["@commitlint/config-conventional"], '
                           '"rules": {"type-enum": [2, "always", ["feat", "fix", "deps", "chore"]]}}'),
    (".commitlintrc.yaml", "extends: ['@commitlint/config-conventional']\nrules:\n"
                           "  type-enum: [2, always, [feat, fix, deps, chore]]\n"
                           "  header-max-length: [2, always, 72]\n"),
    ("commitlint.config.js", "module.exports = {extends: ['@commitlint/config-conventional'],\n"
                             "  rules: {'type-enum': [2, 'always', ['feat', 'fix', 'deps', 'chore']]}};\n"),
])
def test_init_reads_commitlint(repo: GitRepo, name: str, text: str) -> None:
    repo.write(name, text)
    repo.commit("deps: bump x", name)
    res = repo.wfguard("init", "--yes", "--no-install")
    assert res.code == 0, res
    rule = rule_of(repo, "conventional-commits")
    assert rule["options"]["types"] == ["feat", "fix", "deps", "chore"]  # type: ignore[index]
    if name.endswith(".yaml"):
        assert rule["options"]["subject_max"] == 72  # type: ignore[index]


def test_history_share_counts_headers_the_rule_accepts(repo: GitRepo) -> None:
    """lefthook's history: 'deps:' commits are common, '2.1.10: ...' release commits are not
    Conventional Commits. The share is of headers the written rule accepts."""
    for i in range(12):
        repo.commit(f"fix: thing {i}", f"f{i}")
    for i in range(4):
        repo.commit(f"deps: bump lib {i}", f"d{i}")
    for i in range(3):
        repo.commit(f"2.1.{i}: release", f"r{i}")
    res = repo.wfguard("init", "--yes", "--no-install")
    assert res.code == 0, res
    assert "84% of the last 19 commits pass the rule written" in res.out, res.out
    assert "deps" in rule_of(repo, "conventional-commits")["options"]["types"]  # type: ignore[index,operator]
    assert "2.1.0: release" in res.out and "rebase" not in res.out


def test_bad_commits_are_never_met_with_a_rebase(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [conventional-commits]\n")
    repo.commit("chore: start", ".wfguard.yml")
    repo.commit("Bad header", "a")
    repo.commit("feat: fine", "b")
    res = repo.check("--base", "HEAD~2")
    assert res.code == 1 and not any("rebase" in n for n in res.json()["next"])


# --- default branch -----------------------------------------------------------------------------

def test_trunk_is_protected_and_the_quickstart_commit_passes(tmp_path: Path) -> None:
    path = tmp_path / "trunk"
    subprocess.run(["git", "init", "-q", "-b", "trunk", str(path)], check=True)
    repo = GitRepo(path)
    repo.commit("feat: start", "src/a.py")
    assert repo.wfguard("init", "--yes").code == 0
    assert config_of(repo)["ship"] == {"base": "trunk", "branch": "{type}/{slug}", "push": True}
    repo.git("add", ".wfguard.yml", ".wfguard.schema.json")
    res = git_commit(repo, "-m", "chore: adopt wfguard")
    assert res.returncode == 0 and "its rules apply from the next commit on" in res.stderr
    repo.write("src/a.py", "y\n")
    repo.write("changelog.d/a.feature.md", "A.\n")
    repo.git("add", "-A")
    res = git_commit(repo, "-m", "feat: on trunk directly")
    assert res.returncode != 0 and "protected branch 'trunk'" in res.stderr
    assert "WFGUARD_SKIP=protected-branches" in res.stderr  # what skips a pre-commit rule


# --- hook managers ------------------------------------------------------------------------------

HUSKY_H = """\
#!/usr/bin/env sh
# husky 9's helper, as `husky` writes it into .husky/_/h
n=$(basename "$0")
s=$(dirname "$(dirname "$0")")/$n
[ ! -f "$s" ] && exit 0
export PATH="node_modules/.bin:$PATH"
sh -e "$s" "$@"
c=$?
[ $c != 0 ] && echo "husky - $n script failed (code $c)"
exit $c
"""


def husky_setup(repo: GitRepo) -> None:
    """What `npx husky` does: husky's own folder written, git pointed at it."""
    repo.write(".husky/_/h", HUSKY_H)
    for hook in ("pre-commit", "commit-msg", "pre-push"):
        repo.write(f".husky/_/{hook}", '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n')
        os.chmod(repo.path / f".husky/_/{hook}", 0o755)
    os.chmod(repo.path / ".husky/_/h", 0o755)
    repo.git("config", "core.hooksPath", ".husky/_")


def husky9(repo: GitRepo) -> None:
    """What `npx husky init` leaves: hooks in .husky/, git pointed at .husky/_."""
    repo.write(".husky/pre-commit", "touch team-hook-ran\n")
    husky_setup(repo)


def conflict_commit(repo: GitRepo) -> subprocess.CompletedProcess[str]:
    repo.write("notes.txt", "<<<<<<< HEAD\n")
    repo.git("add", "notes.txt")
    return git_commit(repo, "-m", "chore: notes")


def adopt(repo: GitRepo) -> str:
    repo.commit("chore: start", "README.md")
    res = repo.wfguard("init", "--yes")
    assert res.code == 0, res
    repo.git("switch", "-q", "-c", "work")
    return res.out


def test_husky_keeps_running_with_wfguard(repo: GitRepo) -> None:
    husky9(repo)
    out = adopt(repo)
    assert ".husky/pre-commit: added `wfguard hook pre-commit \"$@\"`" in out
    assert (repo.path / ".husky/pre-commit").read_text() == 'touch team-hook-ran\nwfguard hook pre-commit "$@"\n'
    assert not list((repo.path / ".husky/_").glob("*.wfguard-*"))  # husky's own files untouched
    res = conflict_commit(repo)
    assert (repo.path / "team-hook-ran").exists(), "the team's husky hook must still run"
    assert res.returncode != 0 and "no-conflict-markers" in res.stdout + res.stderr
    assert repo.wfguard("doctor").code == 0
    (repo.path / ".husky/pre-commit").write_text("touch team-hook-ran\n")
    res = repo.wfguard("doctor", "--format", "json")
    assert res.code == 1 and any("does not run wfguard at pre-commit" in f["text"] for f in res.json()["findings"])


@pytest.mark.skipif(shutil.which("lefthook") is None, reason="lefthook is a test dependency")
def test_lefthook_keeps_running_with_wfguard(repo: GitRepo) -> None:
    repo.write("lefthook.yml",
               "# the team's hooks\npre-commit:\n  commands:\n    team:\n      run: touch team-hook-ran\n")
    subprocess.run(["lefthook", "install"], cwd=repo.path, check=True, capture_output=True)
    out = adopt(repo)
    assert "lefthook.yml: added a `wfguard` job to pre-commit" in out
    text = (repo.path / "lefthook.yml").read_text()
    assert text.startswith("# the team's hooks\npre-commit:\n  commands:\n    wfguard:")
    # lefthook's own install again: wfguard is in its config, so nothing is demoted
    subprocess.run(["lefthook", "install", "--force"], cwd=repo.path, check=True, capture_output=True)
    res = conflict_commit(repo)
    assert (repo.path / "team-hook-ran").exists()
    assert res.returncode != 0 and "no-conflict-markers" in res.stdout + res.stderr
    bad = git_commit(repo, "--allow-empty", "-m", "Bad header")
    assert bad.returncode != 0 and "wfguard" in bad.stdout + bad.stderr
    assert repo.wfguard("doctor").code == 0


def test_doctor_sees_a_shim_demoted_by_a_manager(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [hygiene]\n")
    repo.commit("chore: start", ".wfguard.yml")
    assert repo.wfguard("install").code == 0
    hooks = repo.path / ".git/hooks"
    os.replace(hooks / "pre-commit", hooks / "pre-commit.old")  # what `lefthook install` does
    (hooks / "pre-commit").write_text("#!/bin/sh\nexit 0\n")
    os.chmod(hooks / "pre-commit", 0o755)
    res = repo.wfguard("doctor", "--format", "json")
    assert res.code == 1 and any("moved aside to pre-commit.old" in f["text"] for f in res.json()["findings"])


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is a test dependency")
def test_pre_commit_framework_runs_wfguard(repo: GitRepo, tmp_path: Path) -> None:
    repo.write(".pre-commit-config.yaml", "repos:\n  - repo: local\n    hooks:\n      - id: team\n        name: team\n"
               "        entry: touch team-hook-ran\n        language: system\n        pass_filenames: false\n")
    repo.commit("chore: start", "README.md", ".pre-commit-config.yaml")
    subprocess.run(["pre-commit", "install"], cwd=repo.path, check=True, capture_output=True)
    res = repo.wfguard("init", "--yes")
    assert res.code == 0, res
    cfg = yaml.safe_load((repo.path / ".pre-commit-config.yaml").read_text())
    assert set(cfg["default_install_hook_types"]) >= {"pre-commit", "commit-msg", "pre-push"}
    ids = [h["id"] for r in cfg["repos"] for h in r["hooks"]]
    assert ids[0] == "team" and "wfguard-commit-msg" in ids and "wfguard-pre-push" in ids
    assert (repo.path / ".git/hooks/commit-msg").exists()  # init ran `pre-commit install`
    repo.git("switch", "-q", "-c", "work")
    repo.git("add", "-A")
    assert git_commit(repo, "-m", "chore: adopt wfguard").returncode == 0
    res = conflict_commit(repo)
    assert (repo.path / "team-hook-ran").exists()
    assert res.returncode != 0 and "no-conflict-markers" in res.stdout + res.stderr
    # pre-push through pre-commit: the refs arrive as PRE_COMMIT_* variables
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("reset", "-q", "--hard")
    repo.commit("Bad header", "x.txt")  # --no-verify: slipped past commit-msg
    push = subprocess.run(["git", "push", "-q", "origin", "work"], cwd=repo.path, capture_output=True, text=True)
    assert push.returncode != 0 and "Bad header" in push.stdout + push.stderr


# pytest's own .pre-commit-config.yaml writes its repos at column 0, in two styles (2026-12)
PYTEST_STYLE = ('minimum_pre_commit_version: "4.4.0"\nrepos:\n- repo: https://github.com/astral-sh/ruff-pre-commit\n'
                '  rev: "v0.16.3"\n  hooks:\n    - id: ruff-check\n-   repo: local\n    hooks:\n'
                '    -   id: rst\n        name: rst\n        entry: rst-lint\n        language: python\n'
                '        types: [rst]\n')


@pytest.mark.parametrize("text", [
    PYTEST_STYLE,
    "repos:\n  - repo: local\n    hooks:\n      - id: team\n        name: team\n        entry: x\n"
    "        language: system\n",
    "repos:\n    -   repo: local\n        hooks:\n        -   id: team\n            name: team\n"
    "            entry: x\n            language: system\n",
    "repos:\n",
    "# only a comment\n",
], ids=["pytest", "two", "four", "empty-repos", "no-repos"])
def test_pre_commit_entries_follow_the_file_s_indentation(repo: GitRepo, text: str) -> None:
    repo.write(".pre-commit-config.yaml", text)
    repo.config(CHANGELOG_CONFIG)
    res = repo.wfguard("install")
    assert res.code == 0, res
    after = (repo.path / ".pre-commit-config.yaml").read_text()
    assert text.rstrip("\n") in after  # added to, nothing rewritten
    cfg = yaml.safe_load(after)
    before = (yaml.safe_load(text) or {}).get("repos") or []
    assert cfg["repos"][:len(before)] == before and cfg["repos"][-1]["repo"] == "local"
    assert {h["id"] for h in cfg["repos"][-1]["hooks"]} == {"wfguard-commit-msg", "wfguard-pre-push"}
    if shutil.which("pre-commit"):  # the peer itself accepts the edited file
        check = subprocess.run(["pre-commit", "validate-config", ".pre-commit-config.yaml"], cwd=repo.path,
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    assert repo.wfguard("install").code == 0 and (repo.path / ".pre-commit-config.yaml").read_text() == after


@pytest.mark.parametrize("text", [
    "repos: [{repo: local, hooks: []}]\n",  # a flow list
    "repos:\n  - repo: local\n   hooks: [\n",  # broken YAML
], ids=["flow", "broken"])
def test_pre_commit_config_that_cannot_be_appended_to_is_left_alone(repo: GitRepo, text: str) -> None:
    repo.write(".pre-commit-config.yaml", text)
    repo.config(CHANGELOG_CONFIG)
    res = repo.wfguard("install")
    assert res.code == 2 and "nothing was changed" in res.err and "Traceback" not in res.err, res
    assert (repo.path / ".pre-commit-config.yaml").read_text() == text


# --- the day-to-day path ------------------------------------------------------------------------

def quickstart() -> list[str]:
    readme = (HERE.parent / "README.md").read_text()
    block = readme.split("## Quickstart", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [re.sub(r"\s+#.*$", "", ln).strip() for ln in block.splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


@pytest.mark.parametrize("existing_hook", [False, True])
def test_readme_quickstart_runs_verbatim(repo: GitRepo, tmp_path: Path, existing_hook: bool) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.commit("feat: start", "src/app.py")
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    if existing_hook:
        repo.write(".git/hooks/pre-commit", "#!/bin/sh\ntouch team-hook-ran\n")
        os.chmod(repo.path / ".git/hooks/pre-commit", 0o755)
    bindir = Path(wfguard_argv()[0]).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    for line in quickstart():
        if line.startswith("pip install"):
            continue  # installed already
        if line.startswith("git add --all"):  # the change being shipped
            repo.write("src/app.py", "def export(): ...\n")
        proc = subprocess.run(line, shell=True, cwd=repo.path, capture_output=True, text=True, env=env)
        assert proc.returncode == 0, (line, proc.stdout, proc.stderr)
    assert repo.git("log", "-1", "--format=%s") == "feat(api): add the export endpoint"
    assert repo.git("ls-remote", "origin", "feat/add-the-export-endpoint")
    if existing_hook:
        assert (repo.path / "team-hook-ran").exists()


def test_a_blocked_commit_continues_as_printed(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [changelog-fragments, conventional-commits]\n")
    repo.commit("chore: start", ".wfguard.yml")
    assert repo.wfguard("install").code == 0
    repo.git("switch", "-q", "-c", "feat/x")
    repo.write("src/a.py", "x\n")
    repo.git("add", "-A")
    blocked = git_commit(repo, "-m", "feat(api): add the export endpoint")
    assert blocked.returncode != 0
    nxt = re.search(r"^next: (.*)$", blocked.stderr, re.M)
    assert nxt and nxt.group(1) == "wfguard fix changelog"
    fixed = subprocess.run(nxt.group(1), shell=True, cwd=repo.path, capture_output=True, text=True,
                           env={**os.environ, "PATH": f"{Path(wfguard_argv()[0]).parent}:{os.environ['PATH']}"})
    assert fixed.returncode == 0, fixed
    retry = re.search(r"^next: (.*)$", fixed.stdout, re.M)
    assert retry and retry.group(1) == "git commit -m 'feat(api): add the export endpoint'"
    done = subprocess.run(retry.group(1), shell=True, cwd=repo.path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (repo.path / "changelog.d/add-the-export-endpoint.feature.md").read_text() == "Add the export endpoint.\n"


def test_a_branch_from_before_the_workflow_commits(repo: GitRepo) -> None:
    repo.commit("chore: start", "README.md")
    repo.git("branch", "old")
    repo.config("version: 1\nextends: [changelog-fragments, hygiene]\n")
    repo.commit("chore: adopt", ".wfguard.yml")
    assert repo.wfguard("install").code == 0
    repo.git("switch", "-q", "old")
    repo.write("src/a.py", "x\n")
    repo.git("add", "-A")
    res = git_commit(repo, "-m", "feat: old work")
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip().count("\n") == 0 and "nothing was checked" in res.stderr
    repo.git("switch", "-q", "main")
    repo.git("rm", "-q", ".wfguard.yml")
    res = git_commit(repo, "-m", "chore: drop the workflow")
    assert res.returncode != 0 and "workflow-weakened" in res.stderr


def test_amend_with_a_reasonless_skip_is_refused(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [changelog-fragments]\n")
    repo.commit("chore: start", ".wfguard.yml")
    assert repo.wfguard("install").code == 0
    repo.git("switch", "-q", "-c", "feat/x")
    repo.commit("feat: a", "src/a.py")  # --no-verify
    res = git_commit(repo, "--amend", "-m", "feat: a\n\nWfguard-Skip: changelog")
    assert res.returncode != 0 and "needs one" in res.stderr


def test_a_change_to_the_workflow_says_it_applies_after_merge(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [changelog-fragments]\n")
    repo.commit("chore: start", ".wfguard.yml")
    repo.git("switch", "-q", "-c", "wf")
    repo.commit("chore: workflow", (".wfguard.yml", "version: 1\nextends: [changelog-fragments, hygiene]\n"))
    res = repo.check("--base", "main")
    assert res.code == 0 and "its own rules apply once it is merged" in res.err


# --- errors and output ----------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/nonexistent/dir/x.sarif", "/tmp"])
def test_check_output_that_cannot_be_written(repo: GitRepo, target: str) -> None:
    repo.config("version: 1\nextends: [hygiene]\n")
    repo.commit("chore: start", ".wfguard.yml")
    res = repo.wfguard("check", "--base", "HEAD", "--format", "sarif", "--output", target)
    assert res.code == 2 and "Traceback" not in res.err and "--output" in res.err


def test_validate_reports_every_problem(repo: GitRepo) -> None:
    repo.config("version: 1\nrules:\n  tests:\n    kind: command\n    run: true\n"
                "  other:\n    kind: changelog\n    fragmentz: {}\n")
    res = repo.wfguard("validate")
    assert res.code == 2 and "rules.tests.run" in res.err and "fragmentz" in res.err
    assert "unknown key 'kind'" not in res.err


def test_json_errors_reach_stdout(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [changelog-fragments]\n")
    repo.commit("chore: start", ".wfguard.yml")
    for args in (["ship", "--yes", "-m", "feat: x", "--format", "json"],
                 ["fix", "nope", "--format", "json"]):
        res = repo.wfguard(*args)
        assert res.code == 2 and res.json()["error"]["message"], res


def test_github_format_has_one_annotation_per_finding(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [changelog-fragments]\n")
    repo.commit("chore: start", ".wfguard.yml")
    repo.commit("feat: a", "src/a.py")
    res = repo.wfguard("check", "--base", "HEAD~1", "--format", "github")
    errors = [ln for ln in res.out.splitlines() if ln.startswith("::error")]
    assert len(errors) == 1 and "file=src/a.py" in errors[0]
    listed = next(r for r in repo.wfguard("list", "--format", "json").json()["rules"] if r["rule"] == "changelog")
    assert isinstance(listed["paths"], list) and isinstance(listed["ignore"], list)


def test_help_shows_no_type_for_flags() -> None:
    out = subprocess.run([*wfguard_argv(), "init", "--help"], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "100"}).stdout
    assert "<bool>" not in out and "[default: True]" not in out


# the tail of a real pre-commit.ci project's config: `ci:` after `repos:`, comments leading into it
PRE_COMMIT_CI = """\
repos:
  - repo: local
    hooks:
      - id: team
        name: team
        entry: touch team-hook-ran
        language: system
        pass_filenames: false
        always_run: true

# pre-commit.ci
ci:
  autofix_prs: false
  skip: [mypy]
"""


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is a test dependency")
def test_pre_commit_ci_project(repo: GitRepo) -> None:
    repo.write(".pre-commit-config.yaml", PRE_COMMIT_CI)
    repo.config(CHANGELOG_CONFIG.replace("extends: [", "extends: [hygiene, "))
    repo.commit("chore: start", ".wfguard.yml", ".pre-commit-config.yaml", "README.md")
    res = repo.wfguard("install")
    assert res.code == 0, res
    text = (repo.path / ".pre-commit-config.yaml").read_text()
    cfg = yaml.safe_load(text)
    assert [r["repo"] for r in cfg["repos"]] == ["local", "local"] and cfg["ci"]["autofix_prs"] is False
    assert cfg["ci"]["skip"] == ["mypy", "wfguard", "wfguard-commit-msg", "wfguard-pre-push"]
    assert cfg["default_stages"] == ["pre-commit"]  # the team hook keeps to pre-commit
    assert text.index("# pre-commit.ci") > text.index("wfguard-pre-push")
    check = subprocess.run(["pre-commit", "validate-config", ".pre-commit-config.yaml"], cwd=repo.path,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    subprocess.run(["pre-commit", "install"], cwd=repo.path, check=True, capture_output=True)
    repo.git("switch", "-q", "-c", "work")
    repo.git("add", "-A")
    ok = git_commit(repo, "-m", "chore: adopt wfguard")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    out = ok.stdout + ok.stderr
    assert out.count("team...") == 1, out  # not again at commit-msg
    (repo.path / "team-hook-ran").unlink()
    blocked = conflict_commit(repo)
    assert blocked.returncode != 0 and "no-conflict-markers" in blocked.stdout + blocked.stderr
    assert (repo.path / "team-hook-ran").exists()
