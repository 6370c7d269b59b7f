"""Hook managers a repository already uses (husky, lefthook, pre-commit). wfguard joins each
through the manager's own tracked config, so the manager keeps running every existing hook and
its own install never removes or demotes wfguard's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from ..errors import WfguardError
from ..records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

LEFTHOOK_FILES = ("lefthook.yml", ".lefthook.yml", "lefthook.yaml", ".lefthook.yaml",
                  ".config/lefthook.yml", ".config/lefthook.yaml")
PRE_COMMIT_FILE = ".pre-commit-config.yaml"
OVERCOMMIT_FILE = ".overcommit.yml"


class Manager(NamedTuple):
    name: str  # husky | lefthook | pre-commit | overcommit
    config: str  # the tracked file or folder wfguard's lines go into, relative to the root


class Change(NamedTuple):
    path: str
    what: str


def detect(root: Path) -> Manager | None:
    if (root / ".husky").is_dir():
        return Manager("husky", ".husky")
    for name in LEFTHOOK_FILES:
        if (root / name).is_file():
            return Manager("lefthook", name)
    if (root / PRE_COMMIT_FILE).is_file():
        return Manager("pre-commit", PRE_COMMIT_FILE)
    if (root / OVERCOMMIT_FILE).is_file():
        return Manager("overcommit", OVERCOMMIT_FILE)
    return None


def command(stage: str) -> str:
    return f"wfguard hook {stage}"


# --- husky: one line in .husky/<hook> -------------------------------------------------------

def _husky(root: Path, stages: Sequence[str]) -> list[Change]:
    changes = []
    for stage in stages:
        path = root / ".husky" / stage
        line = f'{command(stage)} "$@"'
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            if re.search(rf"^\s*{re.escape(command(stage))}\b", text, re.M):
                continue
            path.write_text(text + ("" if text.endswith("\n") or not text else "\n") + line + "\n",
                            encoding="utf-8", errors="surrogateescape")
            changes.append(Change(f".husky/{stage}", f"added `{line}` after the existing commands"))
        else:
            path.write_text(line + "\n", encoding="utf-8")
            changes.append(Change(f".husky/{stage}", f"created with `{line}`"))
        os.chmod(path, path.stat().st_mode | 0o755)
    return changes


# --- lefthook: a `wfguard` job under each hook -----------------------------------------------

def _lefthook_fields(stage: str) -> list[str]:
    args = {"commit-msg": " {1}", "pre-push": " {1} {2}"}.get(stage, "")
    fields = [f"run: {command(stage)}{args}"]
    if stage == "pre-push":
        fields.append("use_stdin: true")  # git's ref lines reach wfguard
    return fields


def _as_command(stage: str, indent: str) -> list[str]:
    return [f"{indent}wfguard:", *(f"{indent}  {f}" for f in _lefthook_fields(stage))]


def _as_job(stage: str, indent: str) -> list[str]:
    return [f"{indent}- name: wfguard", *(f"{indent}  {f}" for f in _lefthook_fields(stage))]


def _lefthook(root: Path, rel: str, stages: Sequence[str]) -> list[Change]:
    import yaml

    path = root / rel
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    lines = text.splitlines()
    changes = []
    for stage in stages:
        hook = data.get(stage) if isinstance(data, dict) else None
        if isinstance(hook, dict) and any(command(stage) in str(v) for v in _walk(hook)):
            continue
        at = next((i for i, ln in enumerate(lines) if re.match(rf"^{re.escape(stage)}:\s*(#.*)?$", ln)), None)
        if at is None:
            lines += ["", f"{stage}:", "  commands:", *_as_command(stage, "    ")]
        else:
            end = next((i for i in range(at + 1, len(lines)) if lines[i] and not lines[i][0].isspace()
                        and not lines[i].startswith("#")), len(lines))
            body = [(i, ln) for i, ln in enumerate(lines[at + 1:end], at + 1) if ln.strip()
                    and not ln.lstrip().startswith("#")]
            indent = re.match(r"\s*", body[0][1]).group(0) if body else "  "  # type: ignore[union-attr]
            group = next((i for i, ln in body if re.match(rf"^{indent}(commands|jobs):\s*$", ln)), None)
            if group is not None and lines[group].strip().startswith("jobs"):
                lines[group + 1:group + 1] = _as_job(stage, indent * 2)
            elif group is not None:
                lines[group + 1:group + 1] = _as_command(stage, indent * 2)
            else:
                lines[at + 1:at + 1] = [f"{indent}commands:", *_as_command(stage, indent * 2)]
        changes.append(Change(rel, f"added a `wfguard` job to {stage}"))
    if changes:
        new = "\n".join(lines) + "\n"
        check = yaml.safe_load(new)
        if not all(command(s) in str(list(_walk(check.get(s) or {}))) for s in stages):
            raise WfguardError(f"could not add wfguard to {rel} without changing its meaning; nothing was changed",
                               hint=f"add a job running `{command(stages[0])}` to each of {', '.join(stages)} by hand")
        path.write_text(new, encoding="utf-8")
    return changes


def _walk(node: object) -> list[object]:
    if isinstance(node, dict):
        return [x for v in node.values() for x in [v, *_walk(v)]]
    if isinstance(node, list):
        return [x for v in node for x in [v, *_walk(v)]]
    return []


# --- pre-commit: a local repo entry, and the hook types it installs ----------------------------

_PC_IDS = {"pre-commit": "wfguard", "commit-msg": "wfguard-commit-msg", "pre-push": "wfguard-pre-push"}


def _repos_indent(text: str) -> int | None:
    """The column of the ``-`` of the ``repos:`` list's items, as the file writes them (pytest's
    own config has them at column 0, pre-commit's examples at 2); None when ``repos`` is not a
    block list at the end of the file's top level, where an entry can be appended."""
    import yaml

    root = yaml.compose(text)
    if root is None:  # comments only
        return 2
    if not isinstance(root, yaml.MappingNode):
        return None
    for i, (key, value) in enumerate(root.value):
        if key.value == "repos":
            if i != len(root.value) - 1 and isinstance(value, yaml.SequenceNode) and value.value:
                return None  # other keys follow the list: appending would land under them
            if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
                return int(value.start_mark.column)
            return 2 if isinstance(value, yaml.ScalarNode) and value.value in ("", "null", "~") else None
    return 2


def _pre_commit(root: Path, stages: Sequence[str]) -> list[Change]:
    import yaml

    path = root / PRE_COMMIT_FILE
    text = path.read_text(encoding="utf-8")
    manual = (f"add a local repo with wfguard's hooks to {PRE_COMMIT_FILE} by hand (docs/ci.md, 'With a hook "
              "manager'), or run 'wfguard install --force' to install wfguard's own hooks instead")
    try:
        data = yaml.safe_load(text) or {}
        indent = _repos_indent(text) if text.strip() else 2
    except yaml.YAMLError as exc:
        raise WfguardError(f"{PRE_COMMIT_FILE} is not valid YAML ({getattr(exc, 'problem', None) or exc}); "
                           "nothing was changed",
                           hint=manual) from None
    if not isinstance(data, dict):
        raise WfguardError(f"{PRE_COMMIT_FILE} does not hold a mapping; nothing was changed", hint=manual)
    have = {h.get("id") for r in data.get("repos") or () if isinstance(r, dict)
            for h in (r.get("hooks") or ()) if isinstance(h, dict)}
    missing = [s for s in stages if _PC_IDS[s] not in have]
    changes = []
    if missing:
        if indent is None:
            raise WfguardError(f"cannot append to the repos list of {PRE_COMMIT_FILE} (it is not the file's last "
                               "key, or not a block list); nothing was changed", hint=manual)
        pad = " " * indent
        hooks = []
        for s in missing:
            # commit-msg gets the message file as its one file name; the others take none
            hooks += [f"{pad}  - id: {_PC_IDS[s]}", f"{pad}    name: wfguard ({s})", f"{pad}    entry: {command(s)}",
                      f"{pad}    language: system", *([f"{pad}    pass_filenames: false"] if s != "commit-msg" else []),
                      f"{pad}    always_run: true", f"{pad}    stages: [{s}]"]
        block = [f"{pad}- repo: local", f"{pad}  hooks:", *hooks]
        if "repos" not in data:
            text = text.rstrip("\n") + "\nrepos:\n"
        elif data["repos"] is None:  # "repos:" with nothing under it
            text = re.sub(r"^repos:[ \t]*(?:(?:null|~)[ \t]*)?$", "repos:", text, count=1, flags=re.M)
        text = text.rstrip("\n") + "\n" + "\n".join(block) + "\n"
        changes.append(Change(PRE_COMMIT_FILE, f"added a local repo with {', '.join(_PC_IDS[s] for s in missing)}"))
    installed = data.get("default_install_hook_types") or ["pre-commit"]
    wanted = list(dict.fromkeys([*installed, *stages]))
    if wanted != list(installed):
        flow = f"default_install_hook_types: [{', '.join(wanted)}]"
        m = re.search(r"^default_install_hook_types:.*(?:\n[ \t]+-.*)*", text, re.M)
        text = text[:m.start()] + flow + text[m.end():] if m else flow + "\n" + text
        changes.append(Change(PRE_COMMIT_FILE, f"default_install_hook_types: {', '.join(wanted)}"))
    if changes:
        try:
            after = yaml.safe_load(text)
        except yaml.YAMLError:
            after = None
        ids = {h.get("id") for r in (after or {}).get("repos") or () if isinstance(r, dict)
               for h in (r.get("hooks") or ()) if isinstance(h, dict)} if isinstance(after, dict) else set()
        # the edit must keep every repo that was there and add ours, or it is not written at all
        if not isinstance(after, dict) or not have | {_PC_IDS[s] for s in stages} <= ids or \
                len(after.get("repos") or ()) != len(data.get("repos") or ()) + bool(missing):
            raise WfguardError(f"could not add wfguard to {PRE_COMMIT_FILE}; nothing was changed", hint=manual)
        path.write_text(text, encoding="utf-8")
    return changes


def integrate(root: Path, manager: Manager, stages: Sequence[str]) -> list[Change]:
    """Add wfguard to the manager's config for ``stages``; idempotent."""
    if manager.name == "husky":
        return _husky(root, stages)
    if manager.name == "lefthook":
        return _lefthook(root, manager.config, stages)
    if manager.name == "pre-commit":
        return _pre_commit(root, stages)
    raise WfguardError(
        f"{manager.config} says Overcommit manages this repository's hooks, and wfguard cannot add itself "
        "to it yet; nothing was changed",
        hint="add a hook to .overcommit.yml that runs `wfguard hook <stage>` for each stage "
        "'wfguard list' shows, or run 'wfguard install --force' to replace Overcommit's hooks")


_REINSTALL = {"lefthook": ["lefthook", "install"], "pre-commit": ["pre-commit", "install"],
              "husky": ["npx", "husky"]}


def reinstall_command(manager: Manager) -> str:
    return " ".join(_REINSTALL.get(manager.name, ["wfguard", "install"]))


def reinstall(root: Path, manager: Manager) -> str | None:
    """Run the manager's own install so new hook types take effect; the command that is still
    needed when the manager is not on PATH."""
    if manager.name not in ("lefthook", "pre-commit"):
        return None  # husky reads .husky/<hook> at run time: nothing to reinstall
    argv = _REINSTALL[manager.name]
    if shutil.which(argv[0]) is None:
        return " ".join(argv)
    proc = subprocess.run(argv, cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    if proc.returncode != 0:
        raise WfguardError(f"`{' '.join(argv)}` failed", details=tuple((proc.stdout + proc.stderr).splitlines()[-10:]))
    return None


def runs_wfguard(root: Path, manager: Manager, stage: str) -> bool:
    """Whether the manager's config runs wfguard at ``stage``."""
    if manager.name == "husky":
        path = root / ".husky" / stage
        return path.is_file() and command(stage) in path.read_text(encoding="utf-8", errors="replace")
    path = root / manager.config
    try:
        return command(stage) in path.read_text(encoding="utf-8", errors="replace") and (
            manager.name != "pre-commit" or _PC_IDS[stage] in path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return False
