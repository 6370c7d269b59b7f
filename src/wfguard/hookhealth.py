"""Whether git will run wfguard in this clone, stage by stage: the one verdict that ``doctor``
prints and that ``install`` ends with, so the two can never disagree."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .adopt import managers
from .errors import WfguardError
from .model import HOOK_STAGES
from .records import NamedTuple
from .shims import CHAINED, hooks_dir, is_ours, render_shim

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .repo import Repo

LEGACY = (".legacy",)  # pre-commit and prek run <hook>.legacy before their own hooks


class Finding(NamedTuple):
    level: str  # ok | warning | error
    text: str
    fix: str = ""


def _interpreter(shim: str) -> str | None:
    m = re.search(r"^WFGUARD_PYTHON=(.*)$", shim, re.M)
    return m.group(1).strip("'\"") if m else None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _our_shim(path: Path, stage: str) -> list[Finding]:
    """A wfguard shim that git will run: executable, its Python still there, current."""
    found = []
    if not os.access(path, os.X_OK):
        found.append(Finding("error", f"{path} is not executable, so git skips it", f"chmod +x {path}"))
    text = path.read_text(encoding="utf-8", errors="replace")
    py = _interpreter(text)
    if py and not Path(py).exists():
        found.append(Finding("error", f"the {stage} hook's Python ({py}) is gone; the hook would fail closed",
                             "wfguard install"))
    chained = path.with_name(stage + CHAINED).exists()
    if text != render_shim(stage, chained, []):
        found.append(Finding("warning", f"the {stage} hook was written by another wfguard version", "wfguard install"))
    return found or [Finding("ok", f"{stage}: wfguard runs ({path})")]


def stage_findings(root: Path, directory: Path, stage: str, manager: managers.Manager | None) -> list[Finding]:
    """What git runs at ``stage`` here, followed to the end: wfguard's shim, a manager's hook and
    the manager's config, or something that never reaches wfguard."""
    path = directory / stage
    if manager is not None and managers.serves(root, manager, directory, stage):
        return _through_manager(root, manager, stage)
    if manager is not None and manager.name == "husky" and managers.husky_folder(root, directory) == "9" \
            and not is_ours(path):
        return [Finding("error", f"husky has not installed a {stage} hook in {_rel(directory, root)}",
                        managers.reinstall_command(manager))]
    if not os.path.lexists(path):
        aside = directory / f"{stage}.old"
        if aside.exists() and is_ours(aside):
            return [Finding("error", f"wfguard's {stage} hook was moved aside to {aside.name} (a hook manager's "
                            "install does this) and no longer runs", "wfguard install")]
        return [Finding("error", f"the {stage} hook is not installed", "wfguard install")]
    if is_ours(path):
        return _our_shim(path, stage)
    who = managers.owner(path)
    if who is not None:  # a manager's hook, though the repository's config is not that manager's
        legacy = [p for p in (directory / f"{stage}{s}" for s in LEGACY) if is_ours(p)]
        if who == "pre-commit" and legacy:
            return _our_shim(legacy[0], stage)
        return [Finding("error", f"{path} is {who}'s hook, and this repository has no {who} config that runs "
                        f"wfguard at {stage}", "wfguard install --force")]
    if managers.command(stage) in path.read_text(encoding="utf-8", errors="replace"):
        return [Finding("ok", f"{stage}: {path} runs wfguard")]
    aside = directory / f"{stage}.old"
    if aside.exists() and is_ours(aside):
        return [Finding("error", f"wfguard's {stage} hook was moved aside to {aside.name} (a hook manager's "
                        "install does this) and no longer runs", "wfguard install")]
    return [Finding("error", f"{path} is another tool's hook, so wfguard's {stage} rules do not run locally",
                    "wfguard install --chain")]


def _through_manager(root: Path, manager: managers.Manager, stage: str) -> list[Finding]:
    where = f".husky/{stage}" if manager.name == "husky" else manager.config
    if not managers.runs_wfguard(root, manager, stage):
        return [Finding("error", f"{manager.name} runs this repository's hooks, and {where} does not run "
                        f"wfguard at {stage}", "wfguard install")]
    if manager.name == "husky":
        why = managers.husky_unreachable((root / ".husky" / stage).read_text(encoding="utf-8", errors="replace"),
                                         stage)
        if why:
            return [Finding("error", f".husky/{stage} runs wfguard, but {why}", "wfguard install")]
    found = [Finding("ok", f"{stage}: {manager.name} runs wfguard ({where})")]
    if shutil.which("wfguard") is None:
        found.append(Finding("warning", f"{manager.name} runs `{managers.command(stage)}` from PATH, and no wfguard "
                             "is on PATH in this shell: commits from here fail until it is",
                             "put wfguard's folder on PATH (pipx install, or activate its venv)"))
    return found


def verdict(repo: Repo, stages: Sequence[str] | None = None) -> list[Finding]:
    """Every finding about whether this clone is guarded. ``stages``: the hook stages the
    workflow uses, when the caller has loaded it; else the config is loaded here."""
    from .commands.common import load_config

    findings: list[Finding] = []
    if stages is None:
        try:
            config = load_config(repo)
            stages = [s for s in HOOK_STAGES if config.for_stage(s)]
            findings.append(Finding("ok", f"config is valid: {len(config.rules)} rule(s); hook stages in use: "
                                    f"{', '.join(stages) or 'none'}"))
        except WfguardError as exc:
            stages = list(HOOK_STAGES)
            findings.append(Finding("error", f"the config cannot be loaded: {exc.location()} {exc.message}".strip(),
                                    exc.hint or "wfguard validate"))
    root = Path(repo.root)
    machine_wide = False
    try:
        directory = hooks_dir(repo, None)
        findings.append(Finding("ok", f"git runs hooks from {directory}"))
    except WfguardError:  # a machine-wide core.hooksPath: git still runs from there, as judged below
        from . import git

        directory, machine_wide = git.git_path(repo.root, "hooks"), True
        findings.append(Finding("warning", f"core.hooksPath in your global or system git config makes every "
                                f"repository on this machine run hooks from {directory}"))
    manager = managers.detect(root)
    state = managers.state(root, manager, directory) if manager is not None else None
    if manager is not None and state == "unready":
        findings.append(Finding("error", f"git runs hooks from {_rel(directory, root)}, which {manager.name} has "
                                "not written in this clone, so no hook runs",
                                managers.reinstall_command(manager)))
    elif manager is not None and state == "inactive" and stages:
        findings.append(Finding("ok", f"{manager.config} is {manager.name}'s config, but {manager.name} is not set "
                                f"up in this clone; wfguard's own hooks guard it until "
                                f"`{managers.reinstall_command(manager)}`"))
    for stage in stages if state != "unready" else ():
        findings += stage_findings(root, directory, stage, manager)
    if repo.shallow:
        findings.append(Finding("warning", "this is a shallow clone: checks over ranges may lack the base commit",
                                "git fetch --unshallow"))
    if os.environ.get("WFGUARD_SKIP"):
        findings.append(Finding("warning", f"WFGUARD_SKIP={os.environ['WFGUARD_SKIP']} is set in this shell: those "
                                "rules are skipped in every hook run", "unset WFGUARD_SKIP"))
    if not machine_wide and not str(directory).startswith((str(repo.root), str(repo.common_dir))):
        from . import git

        if git.config_get(repo.root, "core.hooksPath") is not None:
            findings.append(Finding("warning", f"core.hooksPath points outside this repository ({directory})"))
    return findings


def problems(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "error"]


def summary(findings: Sequence[Finding]) -> str:
    bad = problems(findings)
    return "hooks look healthy" if not bad else f"{len(bad)} problem(s) stop hooks from guarding this repository"
