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

# a line that ends the script (or may) before what follows it runs, and can do so with success;
# `exit 1` after a failed check refuses the push anyway, so wfguard not running then costs nothing
_ENDS = re.compile(r"(?:^|[;&|{(]|\bthen|\bdo|\belse)\s*(?:exit\b(?!\s+[1-9][0-9]*\b)|exec\s+(?![0-9]*[<>]))")
# a command that reads the hook's stdin, where pre-push receives git's ref lines
_READS_STDIN = re.compile(r"\bread\b|\bcat\s*(?:$|[|;&)])|/dev/stdin|<&0|\bxargs\b|\btee\b|\bexec\s+[0-9]*<")
_PRESERVE = "wfguard_refs"  # the name the stdin-keeping pre-push line uses, so it is recognised


def husky_line(stage: str) -> str:
    """The line wfguard adds to ``.husky/<stage>``. pre-push keeps git's ref lines for the
    commands after it: wfguard reads them from a file, then the script's stdin is that file."""
    if stage != "pre-push":
        return f'{command(stage)} "$@"'
    return (f'{_PRESERVE}=$(mktemp) && cat > "${_PRESERVE}" && {command(stage)} "$@" < "${_PRESERVE}" '
            f'|| {{ s=$?; rm -f "${_PRESERVE}"; exit "$s"; }}; exec < "${_PRESERVE}"; rm -f "${_PRESERVE}"')


def _code(line: str) -> str:
    """A shell line without its comment (a ``#`` that starts a word)."""
    return re.sub(r"(?:^|\s)#.*$", "", line)


def _is_ours(line: str, stage: str) -> bool:
    return command(stage) in _code(line)


def husky_unreachable(text: str, stage: str) -> str | None:
    """Why wfguard's line in a husky script would not do its job, or None when it runs with
    what it needs: no line before it may end the script, and at pre-push nothing before it may
    read the ref lines git writes on stdin (wfguard would see none and check nothing)."""
    lines = text.splitlines()
    at = next((i for i, ln in enumerate(lines) if _is_ours(ln, stage)), None)
    if at is None:
        return None
    for i, ln in enumerate(lines[:at], 1):
        code = _code(ln)
        if _ENDS.search(code):
            return f"line {i} (`{ln.strip()}`) can end the script before it"
        if stage == "pre-push" and _READS_STDIN.search(code):
            return f"line {i} (`{ln.strip()}`) reads git's ref lines before it, so wfguard gets none"
    if stage == "pre-push" and _PRESERVE not in lines[at] and any(
            _READS_STDIN.search(_code(ln)) for ln in lines[at + 1:]):
        return "it reads git's ref lines, so the commands after it get none"
    return None


def _preamble(lines: list[str]) -> int:
    """How many leading lines come before any command: the shebang, comments, blank lines and
    husky 4-8's ``. "$(dirname -- "$0")/_/husky.sh"``."""
    n = 0
    for ln in lines:
        if not ln.strip() or ln.lstrip().startswith("#") or "husky.sh" in ln:
            n += 1
        else:
            break
    return n


def husky_placed(text: str, stage: str) -> str:
    """``text`` with wfguard's line where it runs: after the script's commands when nothing
    there can stop it, else first (after the preamble). A line of wfguard's that could not run
    is moved; the team's lines are kept as they are."""
    lines = [ln for ln in text.splitlines() if not _is_ours(ln, stage)]
    line = husky_line(stage)
    appended = [*lines, line]
    if husky_unreachable("\n".join(appended), stage) is None:
        return "\n".join(appended) + "\n"
    at = _preamble(lines)
    return "\n".join([*lines[:at], line, *lines[at:]]) + "\n"


def _husky(root: Path, stages: Sequence[str]) -> list[Change]:
    changes = []
    for stage in stages:
        path = root / ".husky" / stage
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            present = any(_is_ours(ln, stage) for ln in text.splitlines())
            if present and husky_unreachable(text, stage) is None:
                continue
            new = husky_placed(text, stage)
            first = not new.rstrip("\n").endswith(husky_line(stage))
            shown = command(stage) if stage == "pre-push" else husky_line(stage)
            where = "before the existing commands, where it always runs" if first else "after the existing commands"
            path.write_text(new, encoding="utf-8", errors="surrogateescape")
            changes.append(Change(f".husky/{stage}", f"{'moved' if present else 'added'} `{shown}` {where}"))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(husky_line(stage) + "\n", encoding="utf-8")
            changes.append(Change(f".husky/{stage}", f"created, running `{command(stage)}`"))
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


def _repos_indent(text: str) -> tuple[int, int | None] | None:
    """Where an entry goes in the ``repos:`` list: the column of the ``-`` of its items, as the
    file writes them (pytest's own config has them at column 0, pre-commit's examples at 2), and
    the offset to insert at when other keys follow the list (``ci:`` for pre-commit.ci, before
    the comments that lead into that key), else None (the end of the file). None when ``repos``
    is not a block list."""
    import yaml

    root = yaml.compose(text)
    if root is None:  # comments only
        return 2, None
    if not isinstance(root, yaml.MappingNode):
        return None
    for i, (key, value) in enumerate(root.value):
        if key.value != "repos":
            continue
        if isinstance(value, yaml.ScalarNode) and value.value in ("", "null", "~"):
            return (2, None) if i == len(root.value) - 1 else None
        if not isinstance(value, yaml.SequenceNode) or not value.value or value.flow_style:
            return None
        if i == len(root.value) - 1:
            return int(value.start_mark.column), None
        lines = text.splitlines(keepends=True)
        at = root.value[i + 1][0].start_mark.line
        while at > 0 and (not lines[at - 1].strip() or lines[at - 1].startswith("#")):
            at -= 1
        return int(value.start_mark.column), sum(len(ln) for ln in lines[:at])
    return 2, None


def _ci_skip(text: str, ids: Sequence[str]) -> tuple[str, bool]:
    """pre-commit.ci runs the hooks on its own machines, where no wfguard is installed: its
    ``ci: skip`` lists wfguard's hook ids (CI runs `wfguard check` instead)."""
    import yaml

    data = yaml.safe_load(text) or {}
    ci = data.get("ci") if isinstance(data, dict) else None
    if not isinstance(ci, dict):
        return text, False
    skip = ci.get("skip") or []
    missing = [i for i in ids if i not in skip]
    if not missing:
        return text, False
    flow = re.search(r"^(?P<pad>[ \t]+)skip:[ \t]*\[(?P<items>[^\]\n]*)\]", text, re.M)
    if flow and "skip" in ci:
        items = ", ".join([*(x.strip() for x in flow.group("items").split(",") if x.strip()), *missing])
        return text[:flow.start()] + f"{flow.group('pad')}skip: [{items}]" + text[flow.end():], True
    if "skip" in ci:
        return text, False  # a block list or another form: left as it is, said in docs/ci.md
    head = re.search(r"^ci:[ \t]*\n(?P<pad>[ \t]+)", text, re.M)
    if head is None:
        return text, False
    at = head.end("pad") - len(head.group("pad"))
    return text[:at] + f"{head.group('pad')}skip: [{', '.join(missing)}]\n" + text[at:], True


def _pre_commit(root: Path, stages: Sequence[str]) -> list[Change]:
    import yaml

    path = root / PRE_COMMIT_FILE
    text = path.read_text(encoding="utf-8")
    manual = (f"add a local repo with wfguard's hooks to {PRE_COMMIT_FILE} by hand (docs/ci.md, 'With a hook "
              "manager'), or run 'wfguard install --force' to install wfguard's own hooks instead")
    try:
        data = yaml.safe_load(text) or {}
        place = _repos_indent(text) if text.strip() else (2, None)
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
        if place is None:
            raise WfguardError(f"cannot add to the repos list of {PRE_COMMIT_FILE} (it is not a block list); "
                               "nothing was changed", hint=manual)
        indent, insert_at = place
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
        if insert_at is None:
            text = text.rstrip("\n") + "\n" + "\n".join(block) + "\n"
        else:  # before the keys that follow the list
            text = text[:insert_at] + "\n".join(block) + "\n" + text[insert_at:]
        changes.append(Change(PRE_COMMIT_FILE, f"added a local repo with {', '.join(_PC_IDS[s] for s in missing)} "
                              "(language: system, the wfguard on PATH; docs/ci.md has the hook repository "
                              "with language: python for teammates without it)"))
        text, skipped = _ci_skip(text, [_PC_IDS[s] for s in stages])
        if skipped:
            changes.append(Change(PRE_COMMIT_FILE, "ci: skip lists wfguard's hooks (pre-commit.ci has no wfguard; "
                                  "CI runs `wfguard check`)"))
    installed = data.get("default_install_hook_types") or ["pre-commit"]
    wanted = list(dict.fromkeys([*installed, *stages]))
    if wanted != list(installed):
        flow = f"default_install_hook_types: [{', '.join(wanted)}]"
        m = re.search(r"^default_install_hook_types:.*(?:\n[ \t]+-.*)*", text, re.M)
        text = text[:m.start()] + flow + text[m.end():] if m else flow + "\n" + text
        changes.append(Change(PRE_COMMIT_FILE, f"default_install_hook_types: {', '.join(wanted)}"))
        if "default_stages" not in data:
            # a hook without `stages` runs at every installed type: the project's own would run
            # again at commit-msg and pre-push
            text = f"default_stages: [{', '.join(installed)}]\n" + text
            changes.append(Change(PRE_COMMIT_FILE, f"default_stages: {', '.join(installed)} (the project's hooks "
                                  "keep running where they ran)"))
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


# --- which manager git is running in this clone ---------------------------------------------

def owner(path: Path) -> str | None:
    """The manager whose generated hook the file at ``path`` is (``lefthook``, or
    ``pre-commit`` for pre-commit and prek, which read the same config), else None."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return None
    if "File generated by pre-commit" in head or "File generated by prek" in head:
        return "pre-commit"
    if "call_lefthook" in head or ("lefthook" in head and "LEFTHOOK" in head):
        return "lefthook"
    return None


def husky_folder(root: Path, hooks_dir: Path) -> str | None:
    """``9`` when git runs hooks from husky 9's ``.husky/_``, ``4-8`` from ``.husky`` itself
    (husky 5-8's layout), else None: husky is then not what git runs here."""
    real = os.path.realpath(hooks_dir)
    if real == os.path.realpath(root / ".husky" / "_"):
        return "9"
    if real == os.path.realpath(root / ".husky"):
        return "4-8"
    return None


def state(root: Path, manager: Manager, hooks_dir: Path) -> str:
    """``active`` when git runs the manager's hooks in this clone; ``inactive`` when it is
    configured in the repository but not set up here (a fresh clone before ``npm install``,
    ``lefthook install`` or ``pre-commit install``): git runs from ``hooks_dir`` whatever is
    there; ``unready`` when git is pointed at the manager's folder but the manager has not
    written it, so no hook runs and only the manager's own install can fix that."""
    if manager.name == "husky":
        layout = husky_folder(root, hooks_dir)
        if layout is None:
            return "inactive"
        # husky 5-8: git runs the .husky/<hook> scripts themselves
        return "active" if layout == "4-8" or (hooks_dir / "h").is_file() else "unready"
    if not hooks_dir.is_dir():
        return "inactive"
    mine = [p for p in hooks_dir.iterdir() if "." not in p.name and owner(p) == manager.name]
    return "active" if mine else "inactive"


def serves(root: Path, manager: Manager, hooks_dir: Path, stage: str) -> bool:
    """Whether git's ``stage`` hook here is the manager's, so it runs what the manager's config
    says for ``stage``."""
    if manager.name == "husky":
        layout = husky_folder(root, hooks_dir)
        if layout == "9":  # husky's own file there (wfguard's shim may stand in for a missing one)
            return (hooks_dir / "h").is_file() and (hooks_dir / stage).is_file() and \
                "wfguard-hook:" not in (hooks_dir / stage).read_text(encoding="utf-8", errors="replace")[:400]
        return layout == "4-8" and (root / ".husky" / stage).is_file()
    return owner(hooks_dir / stage) == manager.name

