"""shared/design.md, "Fail closed": what no change, file or push can get through. Each test
drives real git and the installed hooks or the real entry point."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import GitRepo, result_of

KEY = "-----BEGIN OPENSSH PRIVATE KEY-----"
HYGIENE = "version: 1\nextends: [hygiene]\n"


def git_commit(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "commit", "-q", *args], cwd=repo.path, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def guarded(repo: GitRepo) -> GitRepo:
    repo.config(HYGIENE)
    repo.commit("chore: start", ".wfguard.yml")
    assert repo.wfguard("install").code == 0
    return repo


def blocked(repo: GitRepo, *files: tuple[str, bytes], message: str = "chore: add") -> str:
    for path, data in files:
        repo.write(path, data)
        repo.git("add", "--", path)
    res = git_commit(repo, "-m", message)
    assert res.returncode != 0, f"the commit went through: {res.stderr}"
    assert repo.git("rev-list", "--count", "HEAD") == "1"
    return res.stderr


@pytest.mark.parametrize("attributes", ["*.txt -diff\n", "*.txt binary\n", "*.txt diff=hide\n"])
def test_attributes_do_not_hide_content(guarded: GitRepo, attributes: str) -> None:
    guarded.write(".gitattributes", attributes)
    guarded.git("config", "diff.hide.textconv", "true")
    err = blocked(guarded, (".gitattributes", attributes.encode()), ("k.txt", f"{KEY}\n".encode()))
    assert "k.txt:1" in err and "no-private-keys" in err


@pytest.mark.parametrize("data", [b"\0\1binary\0" + KEY.encode() + b"\n",
                                  ("\ufeff" + KEY + "\n").encode("utf-16-le"),
                                  ("\ufeff" + KEY + "\n").encode("utf-16-be")],
                         ids=["nul-bytes", "utf-16-le", "utf-16-be"])
def test_binary_and_utf16_files_are_searched(guarded: GitRepo, data: bytes) -> None:
    err = blocked(guarded, ("id.bin", data))
    assert "no-private-keys" in err and "id.bin" in err


def test_a_large_file_is_scanned_even_when_its_size_is_skipped(guarded: GitRepo) -> None:
    big = (KEY + "\n").encode() + b"x" * 80 + b"\n"
    big += b"y" * 79 + b"\n" * ((9 * 1024 * 1024) // 80)
    err = blocked(guarded, ("dump.bin", big), message="chore: data\n\nWfguard-Skip: no-large-files: fixture data")
    assert "dump.bin:1: added line matches" in err and "no-private-keys" in err


@pytest.mark.parametrize("module", ["json.py", "typing.py", "re.py", "subprocess.py"])
def test_modules_in_the_work_tree_cannot_shadow_the_hook(guarded: GitRepo, module: str) -> None:
    guarded.write(module, "raise SystemExit(0)\n")
    err = blocked(guarded, ("k.pem", f"{KEY}\n".encode()))
    assert "no-private-keys" in err and "Traceback" not in err


FORBID = "version: 1\nrules:\n  migrations:\n    kind: forbid\n    files: [migrations/]\n    stages: [pre-commit, ci]\n"


@pytest.mark.parametrize("how", ["rename", "delete", "rename-and-edit"])
def test_forbidden_paths_cannot_be_renamed_or_deleted(repo: GitRepo, how: str) -> None:
    repo.config(FORBID)
    repo.commit("chore: start", ".wfguard.yml", ("migrations/0001.py", "up = 1\n"))
    assert repo.wfguard("install").code == 0
    if how == "delete":
        repo.git("rm", "-q", "migrations/0001.py")
    else:
        repo.git("mv", "migrations/0001.py", "old.py")
        if how == "rename-and-edit":
            repo.write("old.py", "up = 2\n")
            repo.git("add", "old.py")
    res = git_commit(repo, "-m", "chore: move")
    assert res.returncode != 0 and "migrations/0001.py may not be" in res.stderr


def test_check_reads_attributes_hidden_content_too(repo: GitRepo) -> None:
    repo.config(HYGIENE)
    repo.commit("chore: start", ".wfguard.yml")
    repo.commit("chore: k", (".gitattributes", "*.txt -diff\n"), ("k.txt", f"{KEY}\n"))
    res = repo.check("--base", "HEAD~1")
    assert res.code == 1 and result_of(res.json(), "no-private-keys")["status"] == "fail"


def test_hook_shim_runs_python_isolated(guarded: GitRepo) -> None:
    shim = (guarded.path / ".git/hooks/pre-commit").read_text()
    assert " -I -S -c " in shim


def test_rename_of_a_forbidden_file_is_reported_with_both_names(repo: GitRepo, tmp_path: Path) -> None:
    repo.config(FORBID)
    repo.commit("chore: start", ".wfguard.yml", ("migrations/0001.py", "up = 1\n"))
    repo.git("mv", "migrations/0001.py", "legacy.py")
    repo.git("commit", "-q", "--no-verify", "-m", "chore: move")
    res = repo.check("--base", "HEAD~1")
    texts = " ".join(m["text"] for m in result_of(res.json(), "migrations")["messages"])
    assert res.code == 1 and "migrations/0001.py" in texts and "legacy.py" in texts


# --- pushes and the server ---------------------------------------------------------------------

SERVER_CONFIG = "version: 1\nextends: [hygiene, protected-branches, conventional-commits]\n"


@pytest.fixture
def server(repo: GitRepo, tmp_path: Path) -> Path:
    """A bare server with pre-receive, holding main and release/1.0."""
    repo.config(SERVER_CONFIG)
    repo.commit("chore: start", ".wfguard.yml")
    repo.git("branch", "release/1.0")
    bare = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    repo.git("remote", "add", "origin", str(bare))
    repo.git("push", "-q", "origin", "main", "release/1.0")
    assert repo.wfguard("install", "--server", cwd=bare).code == 0
    return bare


def push(repo: GitRepo, *refs: str, verify: bool = False) -> subprocess.CompletedProcess[str]:
    args = ["git", "push", "-q", *([] if verify else ["--no-verify"]), "origin", *refs]
    return subprocess.run(args, cwd=repo.path, capture_output=True, text=True)


def test_server_head_naming_a_missing_branch_refuses_every_push(repo: GitRepo, server: Path) -> None:
    subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/master"], cwd=server, check=True)
    repo.git("switch", "-q", "-c", "feat/weak")
    repo.commit("chore: relax", (".wfguard.yml", "version: 1\nrules: {}\n"), ("k.pem", f"{KEY}\n"))
    res = push(repo, "feat/weak")
    assert res.returncode != 0 and "git symbolic-ref HEAD refs/heads/" in res.stderr


def test_a_tag_of_a_blob_is_refused(repo: GitRepo, server: Path) -> None:
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo.path, input=f"{KEY}\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    repo.git("tag", "lw", blob)
    res = push(repo, "refs/tags/lw")
    assert res.returncode != 0 and "points at a blob" in res.stderr
    assert repo.wfguard("install").code == 0
    res = push(repo, "refs/tags/lw", verify=True)  # and at pre-push
    assert res.returncode != 0 and "points at a blob" in res.stderr


@pytest.mark.parametrize("ref", ["release/1.0", "main"])
def test_protected_branches_cannot_be_deleted(repo: GitRepo, server: Path, ref: str) -> None:
    res = push(repo, f":{ref}")
    assert res.returncode != 0 and f"deleting the protected branch {ref!r}" in res.stderr
    assert repo.wfguard("install").code == 0
    res = push(repo, f":{ref}", verify=True)
    assert res.returncode != 0 and f"deleting the protected branch {ref!r}" in res.stderr


def test_a_push_that_breaks_the_workflow_is_refused(repo: GitRepo, server: Path) -> None:
    direct = "\n\nWfguard-Skip: protected-branches: a direct fix"  # main is protected too
    repo.commit("chore: tweak" + direct, (".wfguard.yml", "version: 1\nrules:\n  x: {kind: nope}\n"))
    res = push(repo, "main")
    assert res.returncode != 0 and "unreadable on the default branch" in res.stderr
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit("chore: fine" + direct, ("notes.txt", "ok\n"))
    res = push(repo, "main")
    assert res.returncode == 0, res.stderr  # and the server still takes the repair
