"""``wfguard changelog build``: fragments become a release section; the fragments are removed."""

from __future__ import annotations

import datetime as dt
import json
import re

from .. import git, releasenotes
from ..errors import WfguardError
from ..fragments import is_ignored_file, parse_name
from ..model import RuleConfig
from .common import emit, load_config, open_repo


def _rule(rules: tuple[RuleConfig, ...]) -> RuleConfig:
    for rule in rules:
        if rule.kind == "changelog" and "fragments" in rule.options:
            return rule
    raise WfguardError("no changelog rule with fragments in this workflow",
                       hint="extend changelog-fragments in .wfguard.yml")


def build(version: str, date: str | None, draft: bool, fmt: str = "text") -> int:
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.+_-]*", version):
        raise WfguardError(f"{version!r} is not a version: use letters, digits, '.', '-', '+' (e.g. 1.2.0)")
    day = date or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise WfguardError(f"--date {day!r} is not a date: use YYYY-MM-DD") from None
    repo = open_repo()
    rule = _rule(load_config(repo).rules)
    frag = rule.options["fragments"]
    folder = repo.root / frag["dir"]
    if folder.exists() and repo.root.resolve() not in folder.resolve().parents:
        raise WfguardError(f"{frag['dir']} resolves outside the repository ({folder.resolve()}); nothing was changed")
    found = []
    bad = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_symlink() or not path.is_file() or is_ignored_file(path.name):
            continue  # a symlink could point anywhere: never read or removed
        parsed = parse_name(path.name, frag["types"], frag["extensions"])
        if isinstance(parsed, str):
            bad.append(parsed)
            continue
        body = path.read_text(encoding="utf-8", errors="replace")
        if not body.strip():
            bad.append(f"{path.name} is empty")
            continue
        found.append((f"{frag['dir']}/{path.name}", parsed, body))
    if bad:
        raise WfguardError(f"{len(bad)} file(s) in {frag['dir']}/ are not valid fragments; nothing was changed",
                           details=tuple(bad))
    secs = releasenotes.sections(found, frag["types"], frag["headings"])
    section = releasenotes.render(version, day, secs)
    output = repo.root / frag["output"]
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    if releasenotes.has_version(current, version):
        raise WfguardError(f"{frag['output']} already has a section for {version}; nothing was changed")
    data = {**releasenotes.as_json(version, day, secs), "output": frag["output"],
            "removed": [] if draft else [p for p, _, _ in found], "draft": draft,
            "next": [] if draft else [f'git commit -m "chore: release {version}"']}
    if not draft:
        output.write_text(releasenotes.insert(current, section), encoding="utf-8")
        git.run(["add", "--", frag["output"]], repo.root)
        for rel, _, _ in found:
            git.run(["rm", "-q", "-f", "--ignore-unmatch", "--", rel], repo.root)
            (repo.root / rel).unlink(missing_ok=True)  # an untracked fragment is removed too
    if fmt == "json":
        emit(json.dumps(data, indent=2, ensure_ascii=False), None)
    elif draft:
        emit(section, None)
    else:
        from rich.console import Console
        from rich.markdown import Markdown

        c = Console()
        c.print(Markdown(section))
        c.print(f"[green]✓[/green] wrote {version} to {frag['output']} and removed {len(found)} fragment(s) "
                "(staged: review with git diff --cached)")
    return 0
