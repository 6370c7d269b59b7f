"""Adversarial git situations, concurrency and safety, each through real git and the real hooks."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHANGELOG_CONFIG, GitRepo, result_of, wfguard_argv

HYGIENE = CHANGELOG_CONFIG.replace("extends: [changelog-fragments, conventional-commits]",
                                   "extends: [changelog-fragments, conventional-commits, hygiene]")


def commit(repo: GitRepo | Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    cwd = repo.path if isinstance(repo, GitRepo) else repo
    return subprocess.run(["git", "commit", "-q", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def hooked(feature_repo: GitRepo) -> GitRepo:
    feature_repo.write(".wfguard.yml", HYGIENE)
    feature_repo.commit("chore: hygiene", ".wfguard.yml")
    assert feature_repo.wfguard("install").code == 0
    return feature_repo


def test_merge_in_progress(hooked: GitRepo) -> None:
    hooked.commit("feat: a", "src/a.py", ("changelog.d/a.feature.md", "A.\n"))
    hooked.git("switch", "-q", "-c", "feat/y", "main")
    hooked.commit("feat: b", "src/b.py", ("changelog.d/b.feature.md", "B.\n"))
    hooked.git("merge", "-q", "--no-ff", "--no-commit", "feat/x")
    assert (hooked.path / ".git" / "MERGE_HEAD").exists()
    res = commit(hooked, "--no-edit")  # git writes "Merge branch 'feat/x' into feat/y"
    assert res.returncode == 0, res.stderr


def test_conflict_markers_left_in_a_merge_are_blocked(hooked: GitRepo) -> None:
    hooked.commit("feat: a", ("src/a.py", "one\n"), ("changelog.d/a.feature.md", "A.\n"))
    hooked.git("switch", "-q", "-c", "feat/y", "main")
    hooked.commit("feat: a2", ("src/a.py", "two\n"), ("changelog.d/a2.feature.md", "A2.\n"))
    proc = subprocess.run(["git", "merge", "-q", "feat/x"], cwd=hooked.path, capture_output=True, text=True)
    assert proc.returncode != 0  # a conflict
    hooked.git("add", "src/a.py", "changelog.d")  # markers and all
    res = commit(hooked, "--no-edit")
    assert res.returncode == 1 and "no-conflict-markers" in res.stderr


def test_rebase_reword_and_edit_run_the_hooks(hooked: GitRepo) -> None:
    hooked.commit("feat: a", "src/a.py", ("changelog.d/a.feature.md", "A.\n"))
    hooked.commit("docs: b", "docs.md")
    # reword the last commit into a bad header: the commit-msg hook refuses during the rebase
    editor = "sed -i '1s/^pick/reword/'"
    env = {"GIT_SEQUENCE_EDITOR": editor, "GIT_EDITOR": "sed -i '1s/.*/Bad header./'"}
    proc = subprocess.run(["git", "rebase", "-i", "HEAD~1"], cwd=hooked.path, capture_output=True, text=True,
                          env={**os.environ, **env})
    assert "conventional-commits" in proc.stderr
    subprocess.run(["git", "rebase", "--abort"], cwd=hooked.path, capture_output=True)
    assert hooked.git("log", "-1", "--format=%s") == "docs: b"
    # edit: stop on a commit, amend it with a compliant change, continue
    env = {"GIT_SEQUENCE_EDITOR": "sed -i '1s/^pick/edit/'", "GIT_EDITOR": "true"}
    proc = subprocess.run(["git", "rebase", "-i", "HEAD~1"], cwd=hooked.path, capture_output=True, text=True,
                          env={**os.environ, **env})
    assert proc.returncode == 0, proc.stderr
    hooked.write("docs.md", "more\n")
    hooked.git("add", "docs.md")
    assert commit(hooked, "--amend", "-m", "docs: b, amended").returncode == 0
    assert subprocess.run(["git", "rebase", "--continue"], cwd=hooked.path, capture_output=True,
                          env={**os.environ, "GIT_EDITOR": "true"}).returncode == 0
    assert hooked.git("log", "-1", "--format=%s") == "docs: b, amended"


def test_cherry_pick_in_progress(hooked: GitRepo) -> None:
    hooked.commit("feat: a", "src/a.py", ("changelog.d/a.feature.md", "A.\n"))
    sha = hooked.git("rev-parse", "HEAD")
    hooked.git("switch", "-q", "-c", "feat/z", "main")
    proc = subprocess.run(["git", "cherry-pick", "--no-commit", sha], cwd=hooked.path, capture_output=True)
    assert proc.returncode == 0
    assert commit(hooked, "-m", "feat: a (picked)").returncode == 0


def test_amend_and_empty_commit(hooked: GitRepo) -> None:
    assert commit(hooked, "--allow-empty", "-m", "chore: trigger ci").returncode == 0
    assert commit(hooked, "--allow-empty", "-m", "Trigger CI").returncode == 1
    assert commit(hooked, "--amend", "--allow-empty", "-m", "ci: trigger the pipeline").returncode == 0


def test_submodule_symlink_and_binary(hooked: GitRepo, tmp_path: Path) -> None:
    sub = GitRepo(tmp_path / "sub")
    sub.path.mkdir()
    sub.git("init", "-q")
    sub.commit("chore: sub", "x.txt")
    hooked.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub.path), "vendor/sub")
    os.symlink("../README.md", hooked.path / "docs-link")
    (hooked.path / "logo.bin").write_bytes(bytes(range(256)) * 10 + b"<<<<<<< HEAD\n")
    hooked.git("add", "-A")
    res = commit(hooked, "-m", "build: vendor sub, link docs, add logo")
    assert res.returncode == 0, res.stderr


def test_a_200_mb_file_is_checked_with_bounded_memory(hooked: GitRepo) -> None:
    big = hooked.path / "data" / "dump.sql"
    big.parent.mkdir()
    with open(big, "wb") as fh:
        line = b"INSERT INTO t VALUES (1, 'xy');\n" * 32768  # 32-byte lines: 1 MiB
        for _ in range(200):
            fh.write(line)
    hooked.git("add", "data/dump.sql")
    hook = hooked.path / ".git" / "hooks" / "pre-commit"
    # Started from a small process of its own: Linux keeps a forked child's peak RSS across exec,
    # so a hook forked straight from this (large) test process would report the test's memory.
    launcher = ("import os, sys\npid = os.fork()\nif pid == 0:\n    os.execv(sys.argv[1], sys.argv[1:])\n"
                "_, status, usage = os.wait4(pid, 0)\nprint(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n")
    res = subprocess.run([sys.executable, "-S", "-c", launcher, str(hook)], cwd=hooked.path, capture_output=True,
                         text=True)
    code, maxrss = (int(x) for x in res.stdout.split())
    assert code == 1, res.stderr  # over hygiene's 5 MB limit
    assert "data/dump.sql is 200.0 MB" in res.stderr
    # ru_maxrss (KiB on Linux) covers the hook and the git processes it waited for
    print(f"peak RSS of the pre-commit hook on a 200 MB file: {maxrss / 1024:.1f} MiB")
    assert maxrss < 100 * 1024, f"peak RSS {maxrss} KiB"


def test_ten_thousand_staged_files(hooked: GitRepo) -> None:
    src = hooked.path / "src" / "many"
    src.mkdir(parents=True)
    for i in range(10_000):
        (src / f"f{i}.py").write_text(f"x = {i}\n")
    hooked.write("changelog.d/many.feature.md", "Many files.\n")
    hooked.git("add", "-A")
    res = commit(hooked, "-m", "feat: many files")
    assert res.returncode == 0, res.stderr[-2000:]


def test_non_utf8_file_names(hooked: GitRepo) -> None:
    name = b"src/caf\xe9.py"  # Latin-1, not UTF-8
    (hooked.path / os.fsdecode(name)).parent.mkdir(exist_ok=True)
    with open(os.path.join(os.fsencode(hooked.path), name), "wb") as fh:
        fh.write(b"x\n")
    hooked.git("add", "-A")
    res = subprocess.run(["git", "commit", "-q", "-m", "feat: cafe"], cwd=hooked.path, capture_output=True)
    assert res.returncode == 1 and b"caf\\xe9.py" in res.stderr  # escaped, never raw bytes
    hooked.git("commit", "-q", "--no-verify", "-m", "feat: cafe")
    report = subprocess.run([*wfguard_argv(), "check", "--base", "main", "--format", "json"], cwd=hooked.path,
                            capture_output=True)
    assert report.returncode == 1
    data = json.loads(report.stdout)  # valid JSON, whatever the names
    assert "caf\udce9.py" in result_of(data, "changelog")["messages"][0]["text"]


def test_repository_path_with_spaces(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "my projects" / "the repo")
    repo.path.mkdir(parents=True)
    repo.git("init", "-q")
    repo.config(CHANGELOG_CONFIG)
    repo.commit("chore: start", ".wfguard.yml")
    assert repo.wfguard("install").code == 0
    repo.write("src/a.py", "x\n")
    repo.git("add", "-A")
    assert commit(repo, "-m", "feat: a").returncode == 1
    repo.write("changelog.d/a.feature.md", "A.\n")
    repo.git("add", "-A")
    assert commit(repo, "-m", "feat: a").returncode == 0


def test_concurrent_commits_in_two_worktrees(hooked: GitRepo, tmp_path: Path) -> None:
    trees = []
    for n in range(2):
        wt = tmp_path / f"wt{n}"
        hooked.git("worktree", "add", "-q", "-b", f"feat/w{n}", str(wt))
        trees.append(wt)
    for round_ in range(4):
        procs = []
        for wt in trees:
            (wt / "src").mkdir(exist_ok=True)
            (wt / "src" / f"r{round_}.py").write_text("x\n")
            subprocess.run(["git", "add", "-A"], cwd=wt, check=True)
            procs.append(subprocess.Popen(["git", "commit", "-q", "-m", f"feat: round {round_}"], cwd=wt,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        assert all(p.wait() == 1 for p in procs)  # both blocked (no fragment), at the same time
    lines = (hooked.path / ".git" / "wfguard" / "events.jsonl").read_text().splitlines()
    events = [json.loads(line) for line in lines]  # every line is whole JSON
    assert sum(1 for e in events if e["rule"] == "changelog" and e["status"] == "fail") >= 8


# --- safety -----------------------------------------------------------------------------

def test_file_names_never_reach_a_shell(repo: GitRepo, tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    repo.config("version: 1\nrules:\n  lint:\n    kind: command\n    run: 'true'\n    pass_files: true\n"
                "  lint2:\n    kind: command\n    run: [echo]\n    pass_files: true\n")
    repo.commit("chore: start", ".wfguard.yml")
    repo.git("switch", "-q", "-c", "work")
    evil = [f"$(touch {canary}).py", f"`touch {canary}`.py", f"; touch {canary}.py", "--help"]
    for name in evil:
        repo.write(name, "x\n")
    repo.git("add", "--", *evil)
    repo.git("commit", "-q", "--no-verify", "-m", "feat: evil names")
    res = repo.check("--base", "main")
    assert res.code == 0, res
    assert not canary.exists()
    repo.git("branch", "-m", "feat/$(touch${IFS}pwned)")  # a valid ref name that is a shell command
    assert repo.check("--base", "main").code == 0
    assert not (repo.path / "pwned").exists()


def test_check_no_exec_skips_command_rules(repo: GitRepo, tmp_path: Path) -> None:
    canary = tmp_path / "ran"
    repo.config(f"version: 1\nrules:\n  build:\n    kind: command\n    run: 'touch {canary}'\n")
    repo.commit("chore: start", ".wfguard.yml")
    repo.git("switch", "-q", "-c", "work")
    repo.commit("feat: a", "a.txt")
    res = repo.check("--base", "main", "--no-exec")
    assert res.code == 0 and not canary.exists()
    r = result_of(res.json(), "build")
    assert r["status"] == "skip" and r["skipped"]["by"] == "no-exec"
    assert repo.check("--base", "main").code == 0 and canary.exists()


@pytest.mark.parametrize("bad_dir", ["../outside", "/etc", "a/../../b", "~/notes"])
def test_fragment_folder_must_stay_inside(repo: GitRepo, bad_dir: str) -> None:
    repo.config("version: 1\nextends: [changelog-fragments]\nrules:\n  changelog:\n"
                f"    fragments: {{dir: '{bad_dir}'}}\n")
    res = repo.wfguard("validate")
    assert res.code == 2 and "inside the repository" in res.err


def test_fragment_folder_symlinked_outside_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo.config(CHANGELOG_CONFIG)
    os.symlink(outside, repo.path / "changelog.d")
    repo.commit("chore: start", ".wfguard.yml", "README.md")
    repo.git("switch", "-q", "-c", "work")
    repo.write("src/a.py", "x\n")
    repo.git("add", "src/a.py")
    res = repo.wfguard("fix", "-m", "feat: a")
    assert res.code == 2 and "outside the repository" in res.err
    assert list(outside.iterdir()) == []
    res = repo.wfguard("changelog", "build", "--version", "1.0.0")
    assert res.code == 2 and list(outside.iterdir()) == []


def test_symlinked_fragment_is_not_a_fragment(repo: GitRepo) -> None:
    repo.config(CHANGELOG_CONFIG)
    repo.commit("chore: start", ".wfguard.yml")
    repo.git("switch", "-q", "-c", "work")
    (repo.path / "changelog.d").mkdir()
    os.symlink("/etc/hostname", repo.path / "changelog.d" / "x.feature.md")
    repo.write("src/a.py", "x\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-verify", "-m", "feat: a")
    r = result_of(repo.check("--base", "main").json(), "changelog")
    assert r["status"] == "fail" and "symlink" in r["messages"][0]["text"]


def test_peak_memory_helper_is_linux_kib() -> None:
    # ru_maxrss is KiB on Linux (bytes on macOS): the 200 MB test relies on it
    assert sys.platform != "darwin" or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 1 << 20
