"""``wfguard changelog build``: fragments become a release section; the fragments are removed."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from .. import git, releasenotes
from ..errors import WfguardError
from ..fragments import Fragment, classify
from ..model import RuleConfig
from .common import emit, load_config, open_repo, to_json


def _rule(rules: tuple[RuleConfig, ...]) -> RuleConfig:
    for rule in rules:
        if rule.kind == "changelog" and "fragments" in rule.options:
            return rule
    raise WfguardError("no changelog rule with fragments in this workflow",
                       hint="extend changelog-fragments in .wfguard.yml")


def pending_fragments(root: Path, frag: dict[str, Any]) -> list[tuple[str, Fragment, str]]:
    """(path, fragment, body) of every fragment in the folder; refuses bad or empty ones."""
    folder = root / frag["dir"]
    if folder.exists() and root.resolve() not in folder.resolve().parents:
        raise WfguardError(f"{frag['dir']} resolves outside the repository ({folder.resolve()}); nothing was changed")
    allow_empty = set(frag.get("allow_empty") or ())
    found, bad = [], []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        rel = f"{frag['dir']}/{path.name}"
        parsed = classify(path.name, rel, frag["types"], frag["extensions"], frag.get("ignore") or ())
        if parsed is None:
            continue
        source = path
        if path.is_symlink():
            # a link to a sibling lists one note under two types, as towncrier reads it; a link
            # anywhere else is never read
            target = os.readlink(path)
            source = folder / target
            if "/" in target or target in (".", "..") or source.is_symlink() or not source.is_file():
                bad.append(f"{path.name} is a symlink to {target!r}: a fragment may link only to another "
                           f"file in {frag['dir']}/")
                continue
        elif not path.is_file():
            continue
        if isinstance(parsed, str):
            bad.append(parsed)
            continue
        body = source.read_text(encoding="utf-8", errors="replace")
        if not body.strip() and parsed.type not in allow_empty:
            bad.append(f"{path.name} is empty")
            continue
        found.append((rel, parsed, body))
    if bad:
        raise WfguardError(f"{len(bad)} file(s) in {frag['dir']}/ are not valid fragments; nothing was changed",
                           details=tuple(bad), hint="rename them, or list them under fragments.ignore")
    return found


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
    rule = _rule(load_config(repo).rules)
    frag = rule.options["fragments"]
    found = pending_fragments(repo.root, frag)
    output = repo.root / frag["output"]
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    if releasenotes.has_version(current, version):
        raise WfguardError(f"{frag['output']} already has a section for {version}; nothing was changed")
    rst = releasenotes.is_rst(frag["output"])
    title_char, sub_char = releasenotes.rst_adornments(current) if rst else ("=", "-")
    secs = releasenotes.sections(found, frag["types"], frag["headings"])
    section = releasenotes.render(version, day, secs, rst=rst, title_char=title_char, sub_char=sub_char)
    tool = frag.get("build")
    data = {**releasenotes.as_json(version, day, secs), "output": frag["output"],
            "removed": [] if draft else [p for p, _, _ in found], "draft": draft,
            "built_by": " ".join(tool) if tool else "wfguard",
            "next": [] if draft else [f'git commit -m "chore: release {version}"']}
    if not draft:
        if tool:
            _run_build_tool(repo.root, list(tool), version, day)
        else:
            output.write_text(releasenotes.insert(current, section, rst=rst), encoding="utf-8")
        git.run(["add", "--", frag["output"]], repo.root)
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
        emit(f"✓ wrote {version} to {frag['output']}{by} and removed {len(found)} fragment(s) "
             "(staged: review with git diff --cached)", None)
    return 0
