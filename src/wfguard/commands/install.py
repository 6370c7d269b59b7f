"""``wfguard install`` / ``uninstall``: hook shims, never at the cost of someone else's hook, and
never a success line while git would run no hook of wfguard's."""

from __future__ import annotations

import os
from pathlib import Path

from .. import hookhealth
from ..adopt import managers
from ..errors import EXIT_ERROR, WfguardError
from ..model import HOOK_STAGES
from ..repo import Repo
from ..shims import Action, hooks_dir, install_hooks, is_ours, uninstall_hooks
from .common import emit, load_config, open_repo


def install(chain: bool = False, force: bool = False, hooks_path: str | None = None,
            server: bool = False, config_file: str | None = None, quiet: bool = False) -> int:
    repo = open_repo()
    if server:
        if not repo.bare:
            raise WfguardError("--server installs pre-receive in a bare repository; this one has a work tree")
        extra = ["--config", str(Path(config_file).resolve())] if config_file else []
        directory = hooks_dir(repo, hooks_path)
        actions = install_hooks(directory, ["pre-receive"], chain=chain, force=force, extra_args=extra)
        if not quiet:
            _show(directory, actions, [])
        return 0
    if repo.bare:
        raise WfguardError("this is a bare repository: use 'wfguard install --server' for pre-receive")
    config = load_config(repo)
    wanted = [s for s in HOOK_STAGES if config.for_stage(s)]
    root = Path(repo.root)
    manager = managers.detect(root)
    directory = hooks_dir(repo, hooks_path)
    if manager is not None and not (force or hooks_path):  # --force/--hooks-path: wfguard's own shims only
        lines = _with_manager(root, directory, manager, wanted, chain)
    else:
        actions = install_hooks(directory, wanted, chain=chain, force=force)
        # a stage the workflow no longer uses keeps no shim of ours
        actions += [a for a in uninstall_hooks(directory, keep=tuple(wanted)) if a.what == "removed"]
        lines = [f"wfguard hooks in {directory}", *(f"  {a.hook}: {a.what}" for a in actions)]
        if not actions:
            lines.append("  no hook stage is used by this workflow")
    # the verdict doctor gives, from the same function: install never says more than it is
    findings = hookhealth.verdict(repo, wanted)
    bad = hookhealth.problems(findings)
    if not quiet or bad:
        for f in bad:
            lines.append(f"✗ {f.text}" + (f"  → {f.fix}" if f.fix else ""))
        lines.append(hookhealth.summary(findings))
        emit("\n".join(lines), None)
    return EXIT_ERROR if bad else 0


def _foreign(directory: Path, stages: list[str], manager: managers.Manager) -> list[str]:
    """Stages whose hook file is neither wfguard's nor the manager's: someone else's hook."""
    return [s for s in stages if os.path.lexists(directory / s) and not is_ours(directory / s)
            and managers.owner(directory / s) != manager.name]


def _with_manager(root: Path, directory: Path, manager: managers.Manager, stages: list[str],
                  chain: bool) -> list[str]:
    """A hook manager is configured: wfguard joins its tracked config, so every clone that sets
    the manager up runs wfguard; and where the manager does not run a stage in this clone (not
    set up yet, or no hook of that type), wfguard's own shim in git's hooks folder does."""
    state = managers.state(root, manager, directory)
    rel = _rel(directory, root)
    if state == "unready":
        raise WfguardError(
            f"git runs hooks from {rel}, which {manager.name} has not written in this clone, so no hook "
            "runs here; nothing was changed",
            hint=f"run `{managers.reinstall_command(manager)}` (it writes {rel}), then 'wfguard install'")
    ours = [s for s in stages if state != "active" or not managers.serves(root, manager, directory, s)]
    foreign = _foreign(directory, ours, manager)
    if foreign and not chain:
        raise WfguardError(
            f"{', '.join(foreign)} hook(s) already exist in {directory} and are neither wfguard's nor "
            f"{manager.name}'s; nothing was changed",
            hint="--chain keeps each one and runs it before wfguard (stopping if it fails)")
    lines = [f"{manager.config}: {c.what}" if c.path == manager.config else f"{c.path}: {c.what}"
             for c in managers.integrate(root, manager, stages)]
    if not lines:
        lines.append(f"{manager.config} already runs wfguard at {', '.join(stages) or 'no stage'}")
    if state == "active":
        pending = managers.reinstall(root, manager)
        if pending:
            lines.append(f"run `{pending}` so {manager.name} installs the new hook types")
    own = [s for s in stages if state != "active" or not managers.serves(root, manager, directory, s)]
    for a in install_hooks(directory, own, chain=True, force=False):
        if a.what in ("installed", "upgraded", "unchanged"):
            why = (f"{manager.name} is not set up in this clone" if state != "active"
                   else f"{manager.name} installs no {a.hook} hook here")
            lines.append(f"{rel}/{a.hook}: wfguard's own hook {a.what}, since {why}")
        elif a.what == "chained":
            lines.append(f"{rel}/{a.hook}: the existing hook is kept and runs before wfguard")
    if state != "active":
        lines.append(f"`{managers.reinstall_command(manager)}` later hands the hooks to {manager.name}, "
                     f"which then runs wfguard from {manager.config}")
    return [f"{manager.name} is this repository's hook manager; commit {manager.config} so every clone "
            "runs wfguard", *(f"  {ln}" for ln in lines)]


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _show(directory: Path, actions: list[Action], extra: list[str]) -> None:
    lines = [f"{a.hook}: {a.what}" for a in actions] or ["no hook stage is used by this workflow"]
    emit(f"wfguard hooks in {directory}\n" + "\n".join(f"  {line}" for line in [*lines, *extra]), None)


def uninstall(hooks_path: str | None = None) -> int:
    repo: Repo = open_repo()
    directory = hooks_dir(repo, hooks_path)
    _show(directory, uninstall_hooks(directory), [])
    return 0
