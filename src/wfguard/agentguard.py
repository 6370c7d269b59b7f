"""``wfguard hook agent-command``: refuse a coding agent's shell command that would run git with
its hooks turned off, however it is written.

The command line is parsed as a shell parses it (shellparse.py): quoting, ANSI-C strings,
lists, subshells, groups, command substitutions, wrappers (``env``, ``time``, ``nice``,
``nohup``, ``exec``, ``command``, ``xargs``, ``sudo``, ``timeout``), ``sh -c`` strings, ``eval``
and inline aliases are all seen through. What cannot be known (an option that comes from an
unknown variable) is refused rather than guessed.
"""

from __future__ import annotations

import json
import sys

from .records import TYPE_CHECKING
from .shellparse import Word, parse

if TYPE_CHECKING:
    from collections.abc import Sequence

ADVICE = ('Use the compliant path instead: wfguard ship --yes -m "type(scope): description" '
          "(it writes the changelog fragment, runs the checks, commits and pushes). If a rule truly does "
          "not apply, add the trailer 'Wfguard-Skip: <rule>: <reason>' to the message; "
          "'wfguard explain <rule>' says whether it may be skipped.")

VERIFYING = frozenset({"commit", "push", "merge", "rebase", "am", "cherry-pick", "revert", "pull"})
HOOKS_OFF = "which turns the repository's hooks off"
# git's global options that take a value as the next word
_GIT_VALUE_OPTS = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env",
                             "--super-prefix", "--list-cmds", "--attr-source"})
# options whose value is the next word (a message may say "-n"), per command. Only options that
# surely take a value are listed: taking a flag for one would skip the word after it unchecked.
_VALUE_OPTS: dict[str, frozenset[str]] = {
    "commit": frozenset({"-m", "-F", "-c", "-C", "-t", "--message", "--file", "--author", "--date", "--template",
                         "--reuse-message", "--reedit-message", "--fixup", "--squash", "--trailer", "--cleanup"}),
    "merge": frozenset({"-m", "-F", "-s", "-X", "--message", "--file", "--strategy", "--strategy-option"}),
    "rebase": frozenset({"-s", "-X", "-x", "--onto", "--exec", "--strategy", "--strategy-option"}),
    "push": frozenset({"-o", "--push-option", "--repo", "--receive-pack", "--exec"}),
    "pull": frozenset({"-s", "-X", "-o", "--strategy", "--strategy-option", "--push-option"}),
    "cherry-pick": frozenset({"-m", "-X", "--mainline", "--strategy", "--strategy-option"}),
    "revert": frozenset({"-m", "-X", "--mainline", "--strategy", "--strategy-option"}),
}
# short options of git commit that take a value: what follows in a bundle is that value (-uno)
_COMMIT_SHORT_VALUE = frozenset("mFcCtuS")
_DISABLING_ENV = {"HUSKY": ("0", "false"), "LEFTHOOK": ("0", "false")}


class Refusal(Exception):
    pass


def _hookspath(key: str) -> bool:
    return key.strip().lower() == "core.hookspath"


def _check_env(name: str, value: str) -> None:
    if name.startswith("GIT_CONFIG") and "hookspath" in value.lower().replace(" ", ""):
        raise Refusal(f"it sets core.hooksPath through {name}, {HOOKS_OFF}")
    if _DISABLING_ENV.get(name) and value.strip().lower() in _DISABLING_ENV[name]:
        raise Refusal(f"{name}={value} turns the hook manager's hooks off")
    if name in ("SKIP", "LEFTHOOK_EXCLUDE") and "wfguard" in value:
        raise Refusal(f"{name}={value} skips wfguard's hooks")


def _assignments(words: list[Word]) -> list[Word]:
    """Leading NAME=value words: checked, then dropped."""
    while words and "=" in words[0].text and words[0].text.split("=", 1)[0].isidentifier():
        name, value = words[0].text.split("=", 1)
        _check_env(name, value)
        words = words[1:]
    return words


def _skip_options(words: list[Word], with_value: frozenset[str] = frozenset()) -> list[Word]:
    while words and words[0].text.startswith("-") and words[0].text != "-":
        opt = words[0].text
        words = words[1:]
        if opt == "--":
            break
        if opt in with_value and words:
            words = words[1:]
    return words


def _unwrap(words: list[Word], env: dict[str, str]) -> tuple[list[Word], bool]:
    """The command a chain of wrappers runs, and whether xargs may append arguments to it."""
    via_xargs = False
    while True:
        words = _assignments(words)
        if not words:
            return words, via_xargs
        head = words[0].text.rsplit("/", 1)[-1]
        rest = words[1:]
        if head == "export" or head == "declare" or head == "typeset":
            for w in _skip_options(rest):
                if "=" in w.text:
                    name, value = w.text.split("=", 1)
                    _check_env(name, value)
            return [], via_xargs
        if head == "env":
            while rest and (rest[0].text.startswith("-") or "=" in rest[0].text):
                opt = rest[0].text
                if opt in ("-S", "--split-string") and len(rest) > 1:
                    _refuse_line(rest[1].text + " " + " ".join(w.text for w in rest[2:]), env)
                    return [], via_xargs
                if opt.startswith("-S") and len(opt) > 2:
                    _refuse_line(opt[2:] + " " + " ".join(w.text for w in rest[1:]), env)
                    return [], via_xargs
                if "=" in opt and not opt.startswith("-"):
                    name, value = opt.split("=", 1)
                    _check_env(name, value)
                rest = rest[2:] if opt in ("-u", "--unset", "-C", "--chdir") else rest[1:]
            words = rest
        elif head in ("time", "nohup", "builtin", "exec", "command", "stdbuf", "doas"):
            if head == "command" and rest and rest[0].text in ("-v", "-V"):
                return [], via_xargs  # only says where the command is
            words = _skip_options(rest, frozenset({"-a", "-i", "-o", "-e"}))
        elif head == "nice":
            words = _skip_options(rest, frozenset({"-n", "--adjustment"}))
        elif head == "sudo":
            words = _skip_options(rest, frozenset({"-u", "-g", "-C", "-h", "-p", "-U", "-r", "-t", "-D"}))
        elif head == "timeout":
            words = _skip_options(rest, frozenset({"-s", "--signal", "-k", "--kill-after"}))
            words = words[1:]  # the duration
        elif head == "xargs":
            words = _skip_options(rest, frozenset({"-n", "-I", "-i", "-d", "-L", "-l", "-P", "-s", "-a", "-E",
                                                   "-e", "--max-args", "--delimiter", "--arg-file"}))
            via_xargs = True
        elif head in ("sh", "bash", "zsh", "dash", "ksh", "ash"):
            i = 0
            while i < len(rest) and rest[i].text.startswith("-"):
                if "c" in rest[i].text.lstrip("-") and not rest[i].text.startswith("--") and i + 1 < len(rest):
                    _refuse_line(rest[i + 1].text, env)
                    break
                i += 1
            return [], via_xargs
        elif head == "eval":
            _refuse_line(" ".join(w.text for w in rest), env)
            return [], via_xargs
        else:
            return words, via_xargs


def _config_write(args: Sequence[Word], aliases: dict[str, str]) -> None:
    """``git config`` that sets or unsets core.hooksPath, or defines a bypassing alias."""
    positional: list[str] = []
    writes = False
    i = 0
    words = [w.text for w in args]
    if words[:1] and words[0] in ("set", "unset", "get", "list", "edit", "rename-section", "remove-section"):
        writes = words[0] in ("set", "unset")
        words = words[1:]
    while i < len(words):
        w = words[i]
        if w in ("--unset", "--unset-all", "--add", "--replace-all"):
            writes = True
        elif w in ("-f", "--file", "--blob", "--type", "--default", "--comment", "--value", "--fixed-value"):
            i += 1
        elif not w.startswith("-"):
            positional.append(w)
        i += 1
    if len(positional) >= 2:
        writes = True
    if not positional or not writes:
        return
    key = positional[0]
    if _hookspath(key):
        raise Refusal(f"it changes core.hooksPath, {HOOKS_OFF}")
    if key.lower().startswith("alias.") and len(positional) >= 2:
        _alias(key[6:], positional[1], aliases)


def _alias(name: str, value: str, aliases: dict[str, str]) -> None:
    aliases[name] = value
    if value.startswith("!"):
        _refuse_line(value[1:], {})
    else:
        _git([Word(w) for w in value.split()], False, aliases)


def _git(args: list[Word], via_xargs: bool, aliases: dict[str, str]) -> None:
    i = 0
    while i < len(args) and args[i].text.startswith("-"):
        opt = args[i]
        if opt.dynamic:
            raise Refusal("a git option comes from a variable whose value is unknown here")
        text = opt.text
        value = args[i + 1].text if i + 1 < len(args) else ""
        if text == "-c" or text.startswith("-c"):
            setting = text[2:] if len(text) > 2 else value
            key, _, val = setting.partition("=")
            if _hookspath(key):
                raise Refusal(f"it overrides core.hooksPath, {HOOKS_OFF}")
            if key.lower().startswith("alias."):
                _alias(key[6:], val, aliases)
        if text == "--config-env" or text.startswith("--config-env="):
            setting = text.split("=", 1)[1] if "=" in text else value
            if _hookspath(setting.partition("=")[0]):
                raise Refusal(f"it sets core.hooksPath through --config-env, {HOOKS_OFF}")
        i += 2 if text in _GIT_VALUE_OPTS else 1
    if i >= len(args):
        return
    sub, rest = args[i], args[i + 1:]
    if sub.dynamic:
        raise Refusal("the git command comes from a variable whose value is unknown here")
    name = sub.text
    if name in aliases:
        expansion = aliases.pop(name)  # an alias is expanded once, as git does
        if expansion.startswith("!"):
            return
        _git([*(Word(w) for w in expansion.split()), *rest], via_xargs, aliases)
        return
    if name == "config":
        _config_write(rest, aliases)
    elif name == "commit-tree":
        raise Refusal("`git commit-tree` writes a commit without any hook")
    elif name == "update-ref" and any(w.text.startswith("refs/heads/") or w.text == "HEAD" for w in rest):
        raise Refusal("`git update-ref` moves a branch to a commit no hook has seen")
    elif name in VERIFYING:
        _verifying(name, rest, via_xargs)


def _verifying(sub: str, rest: Sequence[Word], via_xargs: bool) -> None:
    if via_xargs:
        raise Refusal(f"xargs may add --no-verify to `git {sub}`")
    values = _VALUE_OPTS.get(sub, frozenset())
    i = 0
    while i < len(rest):
        word = rest[i]
        text = word.text
        if text == "--":
            return
        if word.dynamic and text[:1] in ("-", ""):
            raise Refusal(f"an option of `git {sub}` comes from a variable whose value is unknown here")
        if text.startswith("--"):
            flag = text.split("=", 1)[0]
            if len(flag) >= len("--no-v") and "--no-verify".startswith(flag):  # any abbreviation git takes
                raise Refusal(f"`git {sub} {text}` skips the workflow's hooks")
            i += 2 if flag in values and "=" not in text else 1
            continue
        if text.startswith("-") and len(text) > 1:
            if text in values:
                i += 2
                continue
            if sub == "commit":
                for ch in text[1:]:
                    if ch == "n":
                        raise Refusal("`git commit -n` (--no-verify) skips the workflow's hooks")
                    if ch in _COMMIT_SHORT_VALUE:
                        break  # the rest of the bundle is that option's value
        i += 1


_HOOK_DIRS = (".git/hooks", "hooks/", ".husky", ".githooks", "/hooks")


def _chmod(args: Sequence[Word]) -> None:
    words = [w.text for w in args if not w.text.startswith("--")]
    if not words:
        return
    mode, targets = words[0], words[1:]
    if mode.startswith("-") and "x" in mode:
        pass  # chmod -x FILE
    elif mode.isdigit():
        if any(int(d) % 2 for d in mode[-3:]):
            return  # some execute bit stays
    elif not ("-" in mode and "x" in mode.split("-", 1)[1]) and not ("=" in mode and "x" not in mode):
        return
    if any(any(h in t for h in _HOOK_DIRS) for t in targets):
        raise Refusal("it takes the execute bit off hook files, so git skips them")


def _refuse_line(line: str, env: dict[str, str]) -> None:
    parsed = parse(line, env)
    aliases: dict[str, str] = {}
    for words in parsed.commands:
        words, via_xargs = _unwrap(list(words), env)
        if not words:
            continue
        head = words[0].text.rsplit("/", 1)[-1]
        if head == "git":
            _git(words[1:], via_xargs, aliases)
        elif head == "chmod":
            _chmod(words[1:])
    for inner in parsed.nested:
        _refuse_line(inner, env)


def problem(command: str) -> str | None:
    """Why ``command`` would run git with its hooks off, or None."""
    try:
        _refuse_line(command, {})
    except Refusal as exc:
        return str(exc)
    except RecursionError:
        return "the command nests too deeply to be checked"
    return None


def command_of(call: object) -> str | None:
    """The shell command in an agent's pre-command hook input (Claude Code, Gemini CLI:
    ``tool_input.command``; Cursor: ``command``)."""
    if not isinstance(call, dict):
        return None
    tool_input = call.get("tool_input")
    command = tool_input.get("command") if isinstance(tool_input, dict) else call.get("command")
    return command if isinstance(command, str) else None


def main(stdin_text: str, agent: str = "claude") -> int:
    try:
        call = json.loads(stdin_text)
    except ValueError:
        call = None  # not a tool call we understand; git's own hooks still guard the commit
    command = command_of(call)
    why = problem(command) if command is not None else None
    if agent == "cursor":
        if why is None:
            sys.stdout.write(json.dumps({"permission": "allow"}) + "\n")
        else:
            sys.stdout.write(json.dumps({"permission": "deny", "user_message": f"wfguard refused: {why}",
                                         "agent_message": f"wfguard refused this command: {why}. {ADVICE}"}) + "\n")
    elif why is not None:
        sys.stderr.write(f"wfguard refused this command: {why}. {ADVICE}\n")
    if why is not None:
        _record(agent, command or "", why)
    return 2 if why is not None and agent != "cursor" else 0


def _record(agent: str, command: str, why: str) -> None:
    """Every refusal is an event, so `report` can count the shortcuts agents tried."""
    import time

    from . import events
    from .repo import discover

    try:
        repo = discover()
    except Exception:  # outside a repository: nothing to record into
        return
    events.append(repo.state_dir, {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                   "source": "agent", "stage": "agent-command", "rule": "agent-guard",
                                   "status": "fail", "agent": agent, "command": command[:2000], "reason": why})
