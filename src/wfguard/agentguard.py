"""``wfguard hook agent-command``: refuse a coding agent's shortcuts around the hooks.

Claude Code runs it as a PreToolUse hook with the tool call as JSON on stdin; exit 2 blocks the
call and shows our message to the agent.
"""

from __future__ import annotations

import json
import re
import shlex
import sys

_SEGMENTS = re.compile(r"&&|\|\||;|\||\n")
_ARG_SHORT = set("mFcCtS")  # short options of git commit that take a value
_GIT_OPTS_WITH_VALUE = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path"}
_VERIFYING = {"commit", "push", "merge", "rebase", "am", "cherry-pick", "revert", "pull"}

ADVICE = ('Use the compliant path instead: wfguard ship --yes -m "type(scope): description" '
          "(it writes the changelog fragment, runs the checks, commits and pushes). If a rule truly does "
          "not apply, add the trailer 'Wfguard-Skip: <rule>: <reason>' to the message; "
          "'wfguard explain <rule>' says whether it may be skipped.")


def _git_calls(command: str) -> list[list[str]]:
    calls = []
    for segment in _SEGMENTS.split(command):
        try:
            words = shlex.split(segment)
        except ValueError:
            words = segment.split()
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
            words = words[1:]  # VAR=value prefixes
        if words and words[0] == "command":
            words = words[1:]
        if words and (words[0] == "git" or words[0].endswith("/git")):
            calls.append(words[1:])
    return calls


def problem(command: str) -> str | None:
    """Why ``command`` bypasses the workflow, or None."""
    for args in _git_calls(command):
        i = 0
        while i < len(args) and args[i].startswith("-"):
            opt = args[i]
            value = args[i + 1] if i + 1 < len(args) else ""
            if opt == "-c" and "hookspath" in value.lower().replace(" ", ""):
                return "it overrides core.hooksPath, which turns the repository's hooks off"
            if opt.startswith("-c") and "hookspath" in opt.lower():
                return "it overrides core.hooksPath, which turns the repository's hooks off"
            i += 2 if opt in _GIT_OPTS_WITH_VALUE else 1
        if i >= len(args):
            continue
        sub, rest = args[i], args[i + 1:]
        if sub == "config" and any("hookspath" in a.lower() for a in rest):
            return "it changes core.hooksPath, which turns the repository's hooks off"
        if sub not in _VERIFYING:
            continue
        for a in rest:
            if a == "--":
                break
            if a == "--no-verify":
                return f"`git {sub} --no-verify` skips the workflow's hooks"
            if sub == "commit" and a.startswith("-") and not a.startswith("--"):
                for ch in a[1:]:
                    if ch == "n":
                        return "`git commit -n` (--no-verify) skips the workflow's hooks"
                    if ch in _ARG_SHORT:
                        break
    return None


def main(stdin_text: str) -> int:
    try:
        call = json.loads(stdin_text)
    except ValueError:
        return 0  # not a tool call we understand; git's own hooks still guard the commit
    tool_input = call.get("tool_input") if isinstance(call, dict) else None
    command = tool_input.get("command") if isinstance(tool_input, dict) else None
    if not isinstance(command, str):
        return 0
    why = problem(command)
    if why is None:
        return 0
    sys.stderr.write(f"wfguard refused this command: {why}. {ADVICE}\n")
    return 2
