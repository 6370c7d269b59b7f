"""Hook shims: where git looks for hooks, what wfguard writes there, and how a foreign hook is
kept (chained) or moved aside (backed up), never lost."""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import wfguard

from . import git
from .errors import WfguardError
from .model import HOOK_STAGES
from .repo import Repo
from .resources import hooks_dir as templates_dir

MARKER = "wfguard-hook:"
CHAINED = ".wfguard-chained"
BACKUP = ".wfguard-backup"
STDIN_HOOKS = ("pre-push", "pre-receive")
ALL_HOOKS = (*HOOK_STAGES, "pre-receive")


@dataclass(frozen=True)
class Action:
    hook: str
    what: str  # installed | upgraded | unchanged | chained | backed-up | removed | restored


def is_ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding="utf-8", errors="replace")[:400]
    except OSError:
        return False


def hooks_dir(repo: Repo, hooks_path: str | None) -> Path:
    """Where git will look for this repository's hooks, honouring ``core.hooksPath``."""
    setting = git.config_scope(repo.root, "core.hooksPath")
    if setting:
        scope, value = setting
        if scope in ("global", "system") and hooks_path is None:
            raise WfguardError(
                f"core.hooksPath is set in your {scope} git config ({value}): that folder serves every "
                "repository on this machine, so wfguard will not write there on its own",
                hint="pass --hooks-path DIR to choose where to write, or set core.hooksPath in this "
                "repository's own config (git config core.hooksPath .githooks)")
        if hooks_path is None:
            target = Path(os.path.expanduser(value))
            return target if target.is_absolute() else Path(repo.root) / target
    if hooks_path is not None:
        return Path(hooks_path).resolve()
    return git.git_path(repo.root, "hooks").resolve()


def render_shim(hook: str, chained: bool, extra_args: list[str]) -> str:
    template = (templates_dir() / "shim.sh").read_text(encoding="utf-8")
    package_parent = Path(wfguard.__file__).resolve().parent.parent
    chain = ""
    if chained and hook in STDIN_HOOKS:
        chain = (f'if [ -x "$0{CHAINED}" ]; then\n'
                 '    wfguard_stdin=$(mktemp "${TMPDIR:-/tmp}/wfguard.XXXXXX") || exit 1\n'
                 '    cat > "$wfguard_stdin"\n'
                 f'    "$0{CHAINED}" "$@" < "$wfguard_stdin" && s=0 || s=$?\n'
                 '    [ "$s" -eq 0 ] || { rm -f "$wfguard_stdin"; exit "$s"; }\n'
                 '    exec < "$wfguard_stdin"\n'
                 '    rm -f "$wfguard_stdin"  # stdin stays open on the unlinked file\n'
                 'fi')
    elif chained:
        # git runs only an executable hook; a chained one that is not stays as inert as it was
        chain = f'if [ -x "$0{CHAINED}" ]; then\n    "$0{CHAINED}" "$@" || exit $?\nfi'
    args = "".join(shlex.quote(a) + " " for a in extra_args)
    return (template.replace("@HOOK@", hook).replace("@ARGS@", args)
            .replace("@PYTHON@", shlex.quote(sys.executable))
            .replace("@PKGPATH@", shlex.quote(str(package_parent)))
            .replace("@CHAIN@\n", chain + "\n" if chain else ""))


def _write(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.wfguard-tmp")
    tmp.write_text(content, encoding="utf-8")
    os.chmod(tmp, 0o755)
    os.replace(tmp, path)


def install_hooks(directory: Path, hooks: list[str], *, chain: bool, force: bool,
                  extra_args: list[str] | None = None) -> list[Action]:
    directory.mkdir(parents=True, exist_ok=True)
    # a dangling symlink is someone's hook too: kept, never overwritten
    foreign = [h for h in hooks if os.path.lexists(directory / h) and not is_ours(directory / h)]
    if foreign and not (chain or force):
        raise WfguardError(
            f"{', '.join(foreign)} hook(s) already exist in {directory} and are not wfguard's; "
            "nothing was changed",
            hint="--chain keeps each one and runs it before wfguard (stopping if it fails); "
            "--force moves it aside as <hook>.wfguard-backup ('wfguard uninstall' restores it)")
    for h in foreign:
        if os.path.lexists(directory / f"{h}{CHAINED}") or os.path.lexists(directory / f"{h}{BACKUP}"):
            raise WfguardError(f"{directory / h} is a foreign hook, and an earlier one is already kept "
                               f"beside it ({h}{CHAINED} or {h}{BACKUP}); resolve that by hand first")
    actions: list[Action] = []
    for h in hooks:
        path = directory / h
        if h in foreign:
            kept = path.with_name(h + (CHAINED if chain else BACKUP))
            os.replace(path, kept)  # a rename keeps the bytes and the mode
            actions.append(Action(h, "chained" if chain else "backed-up"))
        chained = os.path.lexists(path.with_name(h + CHAINED))
        content = render_shim(h, chained, extra_args or [])
        if path.exists():
            if path.read_text(encoding="utf-8", errors="replace") == content:
                actions.append(Action(h, "unchanged"))
                continue
            _write(path, content)
            actions.append(Action(h, "upgraded"))
        else:
            _write(path, content)
            actions.append(Action(h, "installed"))
    return actions


def uninstall_hooks(directory: Path, keep: tuple[str, ...] = ()) -> list[Action]:
    actions = []
    for h in ALL_HOOKS:
        if h in keep:
            continue
        path = directory / h
        if path.exists() and is_ours(path):
            path.unlink()
            actions.append(Action(h, "removed"))
        for suffix in (CHAINED, BACKUP):
            kept = directory / f"{h}{suffix}"
            if os.path.lexists(kept) and not os.path.lexists(path):
                os.replace(kept, path)
                actions.append(Action(h, "restored"))
    return actions
