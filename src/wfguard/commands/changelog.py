"""``wfguard changelog build``: fragments become a release section; the fragments are removed."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

from .. import git, releasenotes
from ..errors import WfguardError
from ..fragments import Fragment, Fragments, pending_fragments
from ..model import RuleConfig
from ..records import NamedTuple
from ..rules.changelog import fragments_of
from .common import emit, load_config, open_repo, to_json


def changelog_rule(rules: tuple[RuleConfig, ...]) -> tuple[RuleConfig, Fragments]:
    for rule in rules:
        frag = fragments_of(rule)
        if frag is not None:
            return rule, frag
    raise WfguardError("no changelog rule with fragments in this workflow",
                       hint="extend changelog-fragments in .wfguard.yml")


def check_version(version: str, date: str | None) -> str:
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.+_-]*", version):
        raise WfguardError(f"{version!r} is not a version: use letters, digits, '.', '-', '+' (e.g. 1.2.0)")
    return check_date(date)


def check_date(date: str | None) -> str:
    day = date or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise WfguardError(f"--date {day!r} is not a date: use YYYY-MM-DD") from None
    return day


def _tool(root: Path, cmd: list[str]) -> str:
    """Run ``fragments.build`` (or its draft); its output, or a clear error."""
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              check=False)
    except FileNotFoundError:
        raise WfguardError(f"fragments.build: command not found: {cmd[0]}",
                           hint="install it, or remove fragments.build to let wfguard write the section") from None
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-20:]
        raise WfguardError(f"fragments.build `{' '.join(cmd)}` exited with {proc.returncode}", details=tuple(tail))
    return proc.stdout


def _run_build_tool(root: Path, argv: list[str], version: str, day: str) -> None:
    _tool(root, [a.replace("{version}", version).replace("{date}", day) for a in argv])


def _draft(root: Path, argv: list[str], version: str, day: str) -> str | None:
    """What ``fragments.build`` will write, when the tool can say so without writing: towncrier's
    ``--draft`` (its order, its template, its issue links). None for a tool that cannot."""
    if not argv or Path(argv[0]).name != "towncrier" or "build" not in argv:
        return None
    cmd = [a.replace("{version}", version).replace("{date}", day) for a in argv if a not in ("--yes", "-y")]
    if "--date" not in cmd:
        cmd += ["--date", day]
    return _tool(root, [*cmd, "--draft"]).strip("\n") + "\n"


class Built(NamedTuple):
    """A release section: what it says, where it went, which fragments it took."""

    version: str
    date: str
    sections: tuple[releasenotes.Section, ...]
    section: str  # as written to the output (wfguard's builder) or as it would be
    output: str
    removed: tuple[str, ...]
    built_by: str


def prepare(root: Path, frag: Fragments, version: str, day: str) -> tuple[Built, list[tuple[str, Fragment, str]]]:
    """The section for ``version`` from the pending fragments; refuses before anything changes."""
    found = pending_fragments(root, frag)
    output = root / frag.output
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    if releasenotes.has_version(current, version):
        raise WfguardError(f"{frag.output} already has a section for {version}; nothing was changed")
    rst = releasenotes.is_rst(frag.output)
    title_char, sub_char = releasenotes.rst_adornments(current) if rst else ("=", "-")
    secs = releasenotes.sections(found, frag.types, frag.headings)
    section = (_draft(root, list(frag.build), version, day) if frag.build and found else None) or \
        releasenotes.render(version, day, secs, rst=rst, title_char=title_char, sub_char=sub_char)
    built = Built(version, day, tuple(secs), section, frag.output, tuple(p for p, _, _ in found),
                  " ".join(frag.build) if frag.build else "wfguard")
    return built, found


def write(root: Path, frag: Fragments, built: Built) -> None:
    """Write the section (or run ``fragments.build``), remove the fragments, stage both."""
    if frag.build:
        _run_build_tool(root, list(frag.build), built.version, built.date)
    else:
        output = root / frag.output
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        rst = releasenotes.is_rst(frag.output)
        output.write_text(releasenotes.insert(current, built.section, rst=rst), encoding="utf-8")
    git.add(root, [frag.output])
    for rel in built.removed:
        if os.path.lexists(root / rel):  # a build tool may have removed it already
            git.remove(root, rel)
            (root / rel).unlink(missing_ok=True)  # an untracked fragment is removed too
        else:
            git.remove(root, rel, cached=True)


def build(version: str, date: str | None, draft: bool, fmt: str = "text") -> int:
    day = check_version(version, date)
    repo = open_repo()
    _, frag = changelog_rule(load_config(repo).rules)
    built, _ = prepare(Path(repo.root), frag, version, day)
    data = {**releasenotes.as_json(version, day, built.sections), "output": frag.output,
            "removed": [] if draft else list(built.removed), "draft": draft,
            "built_by": built.built_by,
            "next": [] if draft else [f'git commit -m "chore: release {version}"']}
    if not draft:
        write(Path(repo.root), frag, built)
    tool = frag.build
    if fmt == "json":
        emit(to_json(data), None)
    elif draft:
        emit(built.section, None)
    else:
        if not tool:
            emit(built.section, None)
        by = f" with `{built.built_by}`" if tool else ""
        emit(f"✓ wrote {version} to {frag.output}{by} and removed {len(built.removed)} fragment(s) "
             "(staged: review with git diff --cached)", None)
    return 0
