"""``wfguard changelog build``: fragments become a release section; the fragments are removed."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

from .. import git, releasenotes
from ..errors import WfguardError
from ..fragments import Fragments, pending_fragments
from ..model import RuleConfig
from ..rules.changelog import fragments_of
from .common import emit, load_config, open_repo, to_json


def _rule(rules: tuple[RuleConfig, ...]) -> tuple[RuleConfig, Fragments]:
    for rule in rules:
        frag = fragments_of(rule)
        if frag is not None:
            return rule, frag
    raise WfguardError("no changelog rule with fragments in this workflow",
                       hint="extend changelog-fragments in .wfguard.yml")


def _check_version(version: str, date: str | None) -> str:
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.+_-]*", version):
        raise WfguardError(f"{version!r} is not a version: use letters, digits, '.', '-', '+' (e.g. 1.2.0)")
    day = date or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise WfguardError(f"--date {day!r} is not a date: use YYYY-MM-DD") from None
    return day


def _run_build_tool(root: Path, argv: list[str], version: str, day: str) -> None:
    cmd = [a.replace("{version}", version).replace("{date}", day) for a in argv]
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              check=False)
    except FileNotFoundError:
        raise WfguardError(f"fragments.build: command not found: {cmd[0]}",
                           hint="install it, or remove fragments.build to let wfguard write the section") from None
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-20:]
        raise WfguardError(f"fragments.build `{' '.join(cmd)}` exited with {proc.returncode}", details=tuple(tail))


def build(version: str, date: str | None, draft: bool, fmt: str = "text") -> int:
    day = _check_version(version, date)
    repo = open_repo()
    _, frag = _rule(load_config(repo).rules)
    found = pending_fragments(repo.root, frag)
    output = repo.root / frag.output
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    if releasenotes.has_version(current, version):
        raise WfguardError(f"{frag.output} already has a section for {version}; nothing was changed")
    rst = releasenotes.is_rst(frag.output)
    title_char, sub_char = releasenotes.rst_adornments(current) if rst else ("=", "-")
    secs = releasenotes.sections(found, frag.types, frag.headings)
    section = releasenotes.render(version, day, secs, rst=rst, title_char=title_char, sub_char=sub_char)
    tool = frag.build
    data = {**releasenotes.as_json(version, day, secs), "output": frag.output,
            "removed": [] if draft else [p for p, _, _ in found], "draft": draft,
            "built_by": " ".join(tool) if tool else "wfguard",
            "next": [] if draft else [f'git commit -m "chore: release {version}"']}
    if not draft:
        if tool:
            _run_build_tool(repo.root, list(tool), version, day)
        else:
            output.write_text(releasenotes.insert(current, section, rst=rst), encoding="utf-8")
        git.run(["add", "--", frag.output], repo.root)
        for rel, _, _ in found:
            if os.path.lexists(repo.root / rel):  # a build tool may have removed it already
                git.run(["rm", "-q", "-f", "--ignore-unmatch", "--", rel], repo.root)
                (repo.root / rel).unlink(missing_ok=True)  # an untracked fragment is removed too
            else:
                git.run(["rm", "-q", "--cached", "--ignore-unmatch", "--", rel], repo.root)
    if fmt == "json":
        emit(to_json(data), None)
    elif draft:
        emit(section, None)
    else:
        if not tool:
            emit(section, None)
        by = f" with `{data['built_by']}`" if tool else ""
        emit(f"✓ wrote {version} to {frag.output}{by} and removed {len(found)} fragment(s) "
             "(staged: review with git diff --cached)", None)
    return 0
