"""shared/design.md, "Fail closed": what no change, file or push can get through. Each test
drives real git and the installed hooks or the real entry point."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import GitRepo, result_of

KEY = "-----BEGIN OPENSSH " + "PRIVATE KEY-----"  # split: this file holds no key header itself
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


# --- bad input is bounded ----------------------------------------------------------------------

def _bomb(levels: int) -> str:
    lines = ["version: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join([*lines, "rules: {}", ""])


@pytest.mark.parametrize(("text", "says"), [
    (_bomb(9), "expands to more than 10,000 values"),
    ("version: 1\nrules: &r\n  x: *r\n", "refers to the value that contains it"),
    ("version: 1\nrules:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(120)), "nests deeper than 100"),
])
def test_yaml_bombs_are_config_errors(repo: GitRepo, text: str, says: str) -> None:
    repo.config(text)
    res = repo.wfguard("validate")
    assert res.code == 2 and says in res.err and "Traceback" not in res.err
    repo.git("add", ".wfguard.yml")
    hook = repo.wfguard("hook", "pre-commit")
    assert hook.code == 2 and says in hook.err


def test_a_runaway_regex_fails_its_rule_instead_of_hanging(repo: GitRepo) -> None:
    repo.config("version: 1\nrules:\n  slow:\n    kind: forbid\n    content: ['^(a+)+$']\n    stages: [ci]\n"
                "  header:\n    kind: commit-message\n    pattern: '^(a+)+$'\n    stages: [ci]\n")
    repo.commit("chore: start", ".wfguard.yml")
    repo.commit("a" * 40 + "b", ("x.txt", "a" * 40 + "b\n"))
    import time

    start = time.monotonic()
    res = repo.check("--base", "HEAD~1")
    assert time.monotonic() - start < 15
    for rule in ("slow", "header"):
        texts = " ".join(m["text"] for m in result_of(res.json(), rule)["messages"])
        assert "/^(a+)+$/ ran for more than 1 s" in texts


@pytest.mark.parametrize(("key", "value"), [("run", "[]"), ("timeout", "-1")])
def test_bad_command_fields_name_the_field(repo: GitRepo, key: str, value: str) -> None:
    run = "" if key == "run" else "    run: [x]\n"
    repo.config(f"version: 1\nrules:\n  t:\n    kind: command\n{run}    {key}: {value}\n")
    res = repo.wfguard("validate")
    assert res.code == 2 and f"rules.t.{key}" in res.err and "unknown key 'kind'" not in res.err


@pytest.mark.parametrize("extends", ["/etc/passwd.yml", "./link.yml"])
def test_extends_never_reads_outside_the_repository(repo: GitRepo, tmp_path: Path, extends: str) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("version: 1\nrules: {}\n")
    os.symlink(outside, repo.path / "link.yml")
    repo.config(f"version: 1\nextends: ['{extends}']\n")
    res = repo.wfguard("validate")
    assert res.code == 2 and ("outside the repository" in res.err), res


def test_option_like_file_names_stay_file_names(repo: GitRepo) -> None:
    repo.config("version: 1\nrules:\n  t:\n    kind: command\n    run: [ls, -d]\n    pass_files: true\n"
                "    stages: [ci]\n")
    repo.commit("chore: start", ".wfguard.yml")
    repo.commit("chore: odd", ("--checkpoint=1", "x"), ("-rf", "y"))
    res = repo.check("--base", "HEAD~1")
    assert res.code == 0, res


# --- names, messages and logs of any bytes -----------------------------------------------------

NASTY = "x\n::error file=README.md,line=1::INJECTED\x1b[31m\x01.pem"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_any_file_name_reports_safely(repo: GitRepo, tmp_path: Path, fmt: str) -> None:
    repo.config("version: 1\nrules:\n  pem:\n    kind: forbid\n    files: ['*.pem', '*.bin']\n    stages: [ci]\n")
    repo.commit("chore: start", ".wfguard.yml")
    (repo.path / NASTY).write_text("k\n")
    (repo.path / os.fsdecode(b"caf\xe9.bin")).write_text("k\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-verify", "-m", "chore: odd names")
    out = tmp_path / f"report.{fmt}"
    res = repo.wfguard("check", "--base", "HEAD~1", "--format", fmt, "--output", str(out))
    assert res.code == 1, res
    data = out.read_bytes()
    text = data.decode("utf-8")  # valid UTF-8, whatever the names
    assert "\x1b" not in text and "\x01" not in text
    assert not any(line.startswith("::error file=README.md") for line in text.splitlines())
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        ET.fromstring(data)
    if fmt in ("json", "sarif"):
        import json

        json.loads(text)
    stdout = repo.wfguard("check", "--base", "HEAD~1", "--format", fmt)
    assert stdout.code == 1 and "Traceback" not in stdout.err


def test_a_skip_reason_of_any_bytes_is_recorded(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [changelog-fragments]\n")
    repo.commit("chore: start", ".wfguard.yml")
    msg = b"feat: a\n\nWfguard-Skip: changelog: caf\xe9 \x1b[2J\n"
    repo.write("src/a.py", "x\n")
    repo.git("add", "-A")
    subprocess.run(["git", "commit", "-q", "--no-verify", "-F", "-"], cwd=repo.path, input=msg, check=True)
    res = repo.check("--base", "HEAD~1")
    assert res.code == 0 and "Traceback" not in res.err
    rep = repo.wfguard("report", "--format", "json")
    assert rep.code == 0 and rep.json()["most_skipped"][0]["rule"] == "changelog"


def test_report_survives_a_corrupt_log(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [hygiene]\n")
    repo.commit("chore: start", ".wfguard.yml")
    log = repo.path / ".git/wfguard/events.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(b'{"rule": null, "stage": "pre-commit", "source": "hook", "duration_ms": 5}\n'
                    b"\xff\xfe not utf-8\n[1, 2]\n\"a string\"\n{broken\n"
                    b'{"rule": "x", "status": "fail", "duration_ms": "soon"}\n')
    res = repo.wfguard("report", "--format", "json")
    assert res.code == 0 and res.json()["corrupt_lines"] == 4
    assert repo.wfguard("report").code == 0


# --- commits and pushes that slip past ----------------------------------------------------------

def test_a_verbatim_comment_header_is_judged_as_written(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [conventional-commits]\n")
    repo.commit("chore: start", ".wfguard.yml")
    assert repo.wfguard("install").code == 0
    res = git_commit(repo, "--allow-empty", "--cleanup=verbatim", "-m", "#bad", "-m", "feat: ok")
    assert res.returncode != 0 and "conventional-commits" in res.stderr


def test_pushing_to_a_url_checks_only_new_work(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("Old free-form history", "a.txt")  # older than the workflow
    repo.config("version: 1\nextends: [conventional-commits]\nrules:\n"
                "  conventional-commits: {stages: [pre-push]}\n")
    remote = tmp_path / "r.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    repo.commit("chore: adopt", ".wfguard.yml")
    assert repo.wfguard("install").code == 0
    repo.git("switch", "-q", "-c", "feat/x")
    repo.commit("feat: new work", "b.txt")
    res = subprocess.run(["git", "push", "-q", str(remote), "feat/x"], cwd=repo.path, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_ship_all_puts_back_a_partial_selection(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [hygiene]\n")
    repo.commit("chore: start", ".wfguard.yml", ("a.txt", "one\ntwo\n"))
    repo.git("switch", "-q", "-c", "work")
    repo.write("a.txt", "one changed\ntwo\n")
    repo.git("add", "a.txt")  # the selection
    repo.write("a.txt", "one changed\n<<<<<<< HEAD\n")  # a later, unstaged edit with a marker
    before = repo.git("diff", "--cached")
    res = repo.wfguard("ship", "--all", "--yes", "--no-push", "-m", "fix: a")
    assert res.code == 1 and "the index is as it was" in res.err
    assert repo.git("diff", "--cached") == before


def test_a_dangling_symlink_at_the_fragment_name(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [changelog-fragments]\n")
    repo.commit("chore: start", ".wfguard.yml")
    repo.git("switch", "-q", "-c", "work")
    (repo.path / "changelog.d").mkdir()
    os.symlink("/nonexistent", repo.path / "changelog.d/add-a.feature.md")
    repo.write("src/a.py", "x\n")
    repo.git("add", "src/a.py")
    res = repo.wfguard("ship", "--yes", "--no-push", "-m", "feat: add a")
    assert "Traceback" not in res.err and res.code in (0, 1, 2), res
    assert os.path.islink(repo.path / "changelog.d/add-a.feature.md")


def test_an_inert_foreign_hook_stays_inert_when_chained(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [hygiene]\n")
    repo.commit("chore: start", ".wfguard.yml")
    hook = repo.path / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    os.chmod(hook, 0o644)  # git ignores it
    assert repo.wfguard("install", "--chain").code == 0
    assert git_commit(repo, "--allow-empty", "-m", "chore: fine").returncode == 0


def test_a_dangling_symlink_hook_is_kept_and_restored(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [hygiene]\n")
    repo.commit("chore: start", ".wfguard.yml")
    hook = repo.path / ".git/hooks/pre-commit"
    os.symlink("/nonexistent/hook", hook)
    assert repo.wfguard("install", "--force").code == 0
    assert repo.wfguard("uninstall").code == 0
    assert os.path.islink(hook) and os.readlink(hook) == "/nonexistent/hook"


# --- the workflow cannot be weakened quietly -----------------------------------------------------

BASE_WORKFLOW = """\
version: 1
extends: [changelog-fragments, conventional-commits, hygiene]
rules:
  changelog:
    paths: ["src/**"]
"""


@pytest.mark.parametrize(("change", "says"), [
    ("version: 1\nextends: [changelog-fragments, conventional-commits]\nrules:\n  changelog:\n    paths: ['src/**']\n",
     "no-private-keys: removed or disabled"),
    (BASE_WORKFLOW + "    severity: warning\n", "changelog: severity lowered from error to warning"),
    (BASE_WORKFLOW + "    stages: [ci]\n", "changelog: no longer runs at commit-msg"),
    (BASE_WORKFLOW + "  conventional-commits:\n    skip: {allowed: true}\n",
     "conventional-commits: may now be skipped"),
    (BASE_WORKFLOW.replace('["src/**"]', '["src/api/**"]'), "changelog: paths narrowed"),
    (BASE_WORKFLOW + "  no-private-keys: {enabled: false}\n", "no-private-keys: removed or disabled"),
    (BASE_WORKFLOW + "  conventional-commits:\n    types: [feat, fix, wip]\n", "now accepts the types wip"),
])
def test_a_weaker_workflow_fails_check(repo: GitRepo, change: str, says: str) -> None:
    repo.config(BASE_WORKFLOW)
    repo.commit("chore: start", ".wfguard.yml")
    repo.git("switch", "-q", "-c", "relax")
    repo.commit("chore: relax the workflow", (".wfguard.yml", change))
    res = repo.check("--base", "main")
    weakened = result_of(res.json(), "workflow-weakened")
    assert res.code == 1 and weakened["status"] == "fail", res
    assert any(says in m["text"] for m in weakened["messages"]), weakened
    # said out loud, it passes
    repo.git("commit", "-q", "--amend", "-m", "chore: relax the workflow\n\n"
             "Wfguard-Skip: workflow-weakened: agreed in the team meeting")
    res = repo.check("--base", "main")
    assert res.code == 0 and result_of(res.json(), "workflow-weakened")["status"] == "skip"


def test_a_stricter_workflow_passes(repo: GitRepo) -> None:
    repo.config(BASE_WORKFLOW)
    repo.commit("chore: start", ".wfguard.yml")
    repo.git("switch", "-q", "-c", "tighten")
    repo.commit("chore: tighten", (".wfguard.yml", BASE_WORKFLOW + "  branch-names:\n    kind: branch\n"
                                   "    pattern: '[a-z]+/[a-z-]+'\n"))
    res = repo.check("--base", "main")
    assert res.code == 0 and result_of(res.json(), "workflow-weakened")["status"] == "pass"


def test_the_server_refuses_a_weaker_workflow(repo: GitRepo, tmp_path: Path) -> None:
    repo.config(BASE_WORKFLOW)
    repo.commit("chore: start", ".wfguard.yml")
    bare = tmp_path / "srv.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    repo.git("remote", "add", "origin", str(bare))
    repo.git("push", "-q", "origin", "main")
    assert repo.wfguard("install", "--server", cwd=bare).code == 0
    repo.git("switch", "-q", "-c", "relax")
    repo.commit("chore: relax", (".wfguard.yml", "version: 1\nrules: {}\n"))
    res = push(repo, "relax")
    assert res.returncode != 0 and "workflow-weakened" in res.stderr and "removed or disabled" in res.stderr


def test_the_agents_block_is_looked_for_only_in_instruction_files(repo: GitRepo) -> None:
    """A data file anywhere is never read for it (a 1 GiB dump would cost 1 GiB)."""
    repo.config("version: 1\nextends: [hygiene]\n")
    block = "<!-- wfguard:agents:start -->\nstale\n<!-- wfguard:agents:end -->\n"
    repo.commit("chore: start", ".wfguard.yml", ("data/dump.sql", block), ("AGENTS.md", block))
    repo.commit("chore: more", "b.txt")
    results = {r["rule"]: r for r in repo.check("--base", "HEAD~1").json()["results"]}
    texts = " ".join(m["text"] for m in results["agents-instructions"]["messages"])
    assert "AGENTS.md" in texts and "dump.sql" not in texts
