"""The agent guard: what shared/design.md refuses and allows, through the real entry point, and
generated command lines checked against what a real git does with them in a sandbox."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest
from conftest import GitRepo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wfguard import agentguard

REFUSED = [
    "git commit --no-verify -m x", "git commit --no-verif -m x", "git commit --no-veri -m x",
    "git commit -nm x", "git commit -anm x", "git push --no-verify", "git merge --no-verify main",
    "git -c core.hooksPath=/dev/null commit -m x", "git -c core.hookspath=x commit -m x",
    "git -ccore.hooksPath=x commit -m x",
    "git --config-env=core.hooksPath=HP commit -m x", "git --config-env core.hooksPath=HP commit -m x",
    "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/dev/null git commit -m x",
    "export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=x; git commit -m x",
    "GIT_CONFIG_PARAMETERS=\"'core.hooksPath'='/x'\" git commit -m x",
    "git config core.hooksPath /tmp/none", "git config --local core.hooksPath x", "git config --unset core.hooksPath",
    "git config set core.hooksPath x",
    "git -c alias.c='commit --no-verify' c -m x", "git -c 'alias.c=!git commit -n -m x' c",
    "git config alias.ci 'commit -n'",
    "env git commit --no-verify -m x", "time git commit -n -m x", "nice -n 5 git commit -n -m x",
    "nohup git push --no-verify", "exec git commit -n -m x", "command git commit -n -m x",
    "echo --no-verify | xargs git commit -m x", "sh -c 'git commit --no-verify -m x'",
    "bash -c \"git push --no-verify\"", "bash -lc 'git commit -n -m x'", "(git commit -n -m x)",
    "{ git commit -n -m x; }", "if true; then git commit -n -m x; fi", "true && git commit -n -m x",
    "false || git commit -n -m x", "git commit -n -m x &", "cd app; git commit -n -m x",
    "git commit $'--no-verify' -m x", "git commit $'-\\x6e' -m x", "F=--no-verify; git commit $F -m x",
    "git commit $FLAGS -m x", "git commit \"$@\" -m x", "/usr/bin/git commit -n -m x",
    "chmod -x .git/hooks/pre-commit", "chmod 644 .git/hooks/commit-msg", "chmod a-x .husky/pre-commit",
    "git commit-tree HEAD^{tree} -m x", "git update-ref refs/heads/main abc",
    "HUSKY=0 git commit -m x", "echo $(git commit -n -m x)", "eval 'git commit -n -m x'",
    "env -S 'git commit -n -m x'", "sudo git commit -n -m x", "timeout 10 git commit -n -m x",
    "cat <<EOF > f\ndon't\nEOF\ngit commit -n -m x",  # an apostrophe in a here-document hides nothing
    "cat <<-EOF\n\t$(git commit -n -m x)\n\tEOF",  # an unquoted here-document runs its substitutions
]
ALLOWED = [
    "git commit -m \"-n\"", "git commit -m '--no-verify'", "git commit -m -n", "git status -uno",
    "git commit -uno -m x", "git config core.hooksPath", "git config --get core.hooksPath",
    "git push -n origin main", "git commit -m x", "wfguard ship --yes -m 'feat: x'",
    "echo git commit --no-verify", "git log --oneline", "git commit -sm 'x'", "git commit -m \"$MSG\"",
    "chmod +x .git/hooks/pre-commit", "git merge -n main", "git rebase -x 'make test' main",
    "git commit -F msg.txt", "git commit --message='-n'", "command -v git", "git config user.name x",
    "git commit -m x 2>&1 | tail -1", "GIT_TRACE=1 git push origin feat/x",
    "git commit -F - <<'EOF'\nfeat: document git commit --no-verify\ndon't\nEOF",
    "cat <<'EOF'\n$(git commit -n -m x)\nEOF",
]


@pytest.mark.parametrize("command", REFUSED)
def test_refused(command: str) -> None:
    assert agentguard.problem(command) is not None, command


@pytest.mark.parametrize("command", ALLOWED)
def test_allowed(command: str) -> None:
    assert agentguard.problem(command) is None, (command, agentguard.problem(command))


@pytest.mark.parametrize("agent", ["claude", "gemini", "cursor"])
def test_each_agents_protocol(repo: GitRepo, agent: str) -> None:
    bad = "git commit --no-verify -m x"
    call = {"command": bad} if agent == "cursor" else {"tool_name": "Bash", "tool_input": {"command": bad}}
    res = repo.wfguard("hook", "agent-command", "--agent", agent, input=json.dumps(call))
    if agent == "cursor":
        assert res.code == 0 and res.json()["permission"] == "deny" and "wfguard ship" in res.json()["agent_message"]
        ok = repo.wfguard("hook", "agent-command", "--agent", agent, input=json.dumps({"command": "git status"}))
        assert ok.json() == {"permission": "allow"}
    else:
        assert res.code == 2 and "wfguard ship" in res.err
    events = (repo.path / ".git/wfguard/events.jsonl").read_text().splitlines()
    last = json.loads(events[-1])
    assert last["agent"] == agent and last["command"] == bad and "skips" in last["reason"]


# --- generated command lines against a real git --------------------------------------------------

HOOK = "#!/bin/sh\ntouch \"$(git rev-parse --git-dir)/hook-ran\"\n"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("guard-sandbox")
    home = root / "home"
    home.mkdir()
    cfg = home / ".gitconfig"
    cfg.write_text("[user]\n\tname = T\n\temail = t@example.com\n[init]\n\tdefaultBranch = main\n")
    repo = root / "repo"
    env = {**os.environ, "HOME": str(home), "GIT_CONFIG_GLOBAL": str(cfg), "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    for hook in ("pre-commit", "commit-msg"):
        path = repo / ".git" / "hooks" / hook
        path.write_text(HOOK)
        path.chmod(0o755)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "start"], cwd=repo, check=True, env=env)
    return repo


def _quote(word: str, style: int) -> str:
    if style == 1:
        return shlex.quote(word)
    if style == 2:
        return '"' + word + '"'
    if style == 3:
        return "$'" + "".join(f"\\x{ord(c):02x}" if c == "-" else c for c in word) + "'"
    return word


FLAGS = ["--no-verify", "--no-verif", "--no-veri", "-n", "-a", "-q", "-s", "-uno", "-v", "--allow-empty"]
GLOBALS = ["", "-c core.hooksPath=/nonexistent", "-c user.name=x", "-c core.hookspath=/nonexistent",
           "--config-env=core.hooksPath=HP"]
ENVS = ["", "GIT_TRACE=0", "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/nonexistent",
        "HP=/nonexistent"]
WRAPPERS = ["{}", "env {}", "command {}", "nice {}", "nohup {}", "time {}", "( {} )", "{{ {} ; }}",
            "true && {}", "false || {}", "bash -c {q}", "sh -c {q}", "eval {q}"]
MESSAGES = ["-m x", "-m -n", "-m --no-verify", "-nm x", "-anm x", "-sm x", "-qm x"]


@settings(max_examples=int(os.environ.get("WFGUARD_GUARD_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(env=st.sampled_from(ENVS), glob=st.sampled_from(GLOBALS),
       flags=st.lists(st.tuples(st.sampled_from(FLAGS), st.integers(0, 3)), max_size=3),
       message=st.sampled_from(MESSAGES), wrapper=st.sampled_from(WRAPPERS))
def test_the_guard_refuses_exactly_what_skips_the_hooks(sandbox: Path, env: str, glob: str,
                                                        flags: list[tuple[str, int]], message: str,
                                                        wrapper: str) -> None:
    git_cmd = " ".join(x for x in ["git", glob, "commit", "--allow-empty",
                                    *(_quote(f, q) for f, q in flags), message] if x)
    inner = f"{env} {git_cmd}".strip() if not env.startswith("HP=") else f"HP=/nonexistent {git_cmd}"
    command = wrapper.format(inner, q=shlex.quote(inner))
    marker = sandbox / ".git" / "hook-ran"
    marker.unlink(missing_ok=True)
    before = subprocess.run(["git", "rev-parse", "HEAD"], cwd=sandbox, capture_output=True, text=True).stdout
    subprocess.run(["bash", "-c", command], cwd=sandbox, capture_output=True, timeout=30,
                   env={k: v for k, v in os.environ.items() if not k.startswith("GIT_")})
    after = subprocess.run(["git", "rev-parse", "HEAD"], cwd=sandbox, capture_output=True, text=True).stdout
    committed = before != after
    bypassed = committed and not marker.exists()
    refused = agentguard.problem(command) is not None
    if bypassed:
        assert refused, f"let through a commit that skipped the hooks: {command}"
    elif committed:
        assert not refused, f"refused a commit that ran the hooks: {command}: {agentguard.problem(command)}"


@pytest.mark.parametrize(("agent", "path", "event"), [
    ("claude", ".claude/settings.json", "PreToolUse"), ("gemini", ".gemini/settings.json", "BeforeTool"),
    ("cursor", ".cursor/hooks.json", "beforeShellExecution"),
])
def test_guard_config_is_merged_for_each_agent(repo: GitRepo, agent: str, path: str, event: str) -> None:
    repo.config("version: 1\nextends: [hygiene]\n")
    target = repo.path / path
    target.parent.mkdir()
    target.write_text(json.dumps({"theirs": True, "hooks": {event: [{"command": "other"}]}}))
    assert repo.wfguard("agents", "--guard", agent).code == 0
    assert repo.wfguard("agents", "--guard", agent).code == 0  # idempotent
    data = json.loads(target.read_text())
    assert data["theirs"] is True and len(data["hooks"][event]) == 2
    assert "wfguard hook agent-command" in json.dumps(data["hooks"][event][1])
