"""``wfguard init``: a starter .wfguard.yml fitted to the repository, then the hooks."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple

from .. import conventional, git
from ..config import CONFIG_NAME
from ..errors import WfguardError
from ..repo import Repo, current_branch, resolve
from ..resources import schema_text
from .common import emit, open_repo

SCHEMA_FILE = ".wfguard.schema.json"
_UNRELEASED = re.compile(r"^##\s*\[?\s*unreleased", re.IGNORECASE | re.MULTILINE)


class Detected(NamedTuple):
    changelog: str  # fragments | file | none
    fragment_dir: str | None
    changelog_file: str | None
    conventional_share: float | None  # None: no history yet
    commits_read: int
    default_branch: str
    source_dirs: tuple[str, ...]


def _towncrier_dir(root: Path) -> str | None:
    path = root / "pyproject.toml"
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    if sys.version_info >= (3, 11):
        import tomllib

        try:
            tc = tomllib.loads(text).get("tool", {}).get("towncrier")
        except tomllib.TOMLDecodeError:
            return None
        return None if tc is None else str(tc.get("directory") or "newsfragments")
    else:  # no tomllib: read the one key we need
        if "[tool.towncrier]" not in text:
            return None
        m = re.search(r"^\[tool\.towncrier\][^\[]*?^directory\s*=\s*[\"']([^\"']+)", text, re.M | re.S)
        return m.group(1) if m else "newsfragments"


def detect(repo: Repo) -> Detected:
    root = repo.root
    frag_dir = _towncrier_dir(root)
    if frag_dir is None:
        frag_dir = next((d for d in ("changelog.d", "newsfragments", "changes") if (root / d).is_dir()), None)
    changelog_file = next((f for f in ("CHANGELOG.md", "CHANGES.md", "HISTORY.md") if (root / f).is_file()), None)
    if frag_dir:
        style = "fragments"
    elif changelog_file and _UNRELEASED.search((root / changelog_file).read_text(encoding="utf-8", errors="replace")):
        style = "file"
    else:
        style = "fragments" if not changelog_file else "none"
    share: float | None = None
    n = 0
    if resolve(root, "HEAD"):
        subjects = git.out(["log", "-200", "--no-merges", "--format=%s"], root).splitlines()
        n = len(subjects)
        if subjects:
            share = sum(1 for s in subjects if conventional.parse_header(s) is not None) / len(subjects)
    default = "main"
    proc = git.run(["symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD"], root, check=False)
    if proc.returncode == 0 and proc.stdout.strip():
        default = proc.stdout.decode().strip().removeprefix("origin/")
    elif resolve(root, "refs/heads/main") is None and resolve(root, "refs/heads/master"):
        default = "master"
    elif resolve(root, "HEAD") is None:
        default = current_branch(root) or "main"
    sources = tuple(d for d in ("src", "lib", "app") if (root / d).is_dir())
    return Detected(style, frag_dir, changelog_file, share, n, default, sources)


def render(d: Detected) -> str:
    extends = []
    notes = []
    if d.changelog == "fragments":
        extends.append("changelog-fragments")
        notes.append(f"# changelog: a fragment in {d.fragment_dir or 'changelog.d'}/ with every change to the code"
                     + (" (towncrier layout found)" if d.fragment_dir == "newsfragments" else ""))
    elif d.changelog == "file":
        extends.append("keep-a-changelog")
        notes.append(f"# changelog: a line under '## [Unreleased]' in {d.changelog_file} with every change")
    else:
        notes.append(f"# changelog: {d.changelog_file} has no '## [Unreleased]' section, so no changelog rule "
                     "yet; add 'keep-a-changelog' or 'changelog-fragments' to extends when ready")
    if d.conventional_share is None or d.conventional_share >= 0.5:
        extends.append("conventional-commits")
        why = ("no history yet" if d.conventional_share is None
               else f"{d.conventional_share:.0%} of the last {d.commits_read} commits already follow it")
        notes.append(f"# commits: Conventional Commits ({why})")
    else:
        notes.append(f"# commits: only {d.conventional_share:.0%} of the last {d.commits_read} commits follow "
                     "Conventional Commits; add 'conventional-commits' to extends to require it")
    extends += ["protected-branches", "hygiene"]
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_FILE}",
        "# wfguard workflow: what every change must carry. Reference: wfguard explain RULE, wfguard list.",
        *notes,
        "version: 1",
        f"extends: [{', '.join(extends)}]",
    ]
    rules: list[str] = []
    if d.changelog == "fragments":
        rule = ["  changelog:"]
        if d.source_dirs:
            rule.append(f"    paths: [{', '.join(repr(s + '/**') for s in d.source_dirs)}]")
        else:
            rule.append("    paths: ['**']            # every change; narrow this to your code")
            rule.append("    ignore: ['**/*.md', 'docs/**', 'tests/**', '.*/**']")
        if d.fragment_dir and d.fragment_dir != "changelog.d":
            rule.append(f"    fragments: {{dir: {d.fragment_dir}}}")
        rules += rule
    lines.append("rules:" if rules else "rules: {}")
    lines += rules
    lines += ["ship:", f"  base: {d.default_branch}", '  branch: "{type}/{slug}"', "  push: true", ""]
    return "\n".join(lines)


def run(yes: bool, force: bool, install: bool) -> int:
    repo = open_repo()
    target = repo.root / CONFIG_NAME
    if target.exists() and not force:
        raise WfguardError(f"{CONFIG_NAME} already exists; nothing was changed",
                           hint="pass --force to replace it (wfguard validate checks the current one)")
    d = detect(repo)
    text = render(d)
    if not yes and sys.stdin.isatty() and sys.stdout.isatty():
        from rich.console import Console
        from rich.prompt import Confirm
        from rich.syntax import Syntax

        Console().print(Syntax(text, "yaml"))
        if not Confirm.ask(f"write {CONFIG_NAME}" + (" and install the hooks" if install else ""), default=True):
            emit("nothing was written", None)
            return 0
    target.write_text(text, encoding="utf-8")
    (repo.root / SCHEMA_FILE).write_text(schema_text(), encoding="utf-8")
    emit(f"wrote {CONFIG_NAME} (and {SCHEMA_FILE} for editors)", None)
    if install:
        from .install import install as install_hooks

        install_hooks()
    emit("next: review it, commit both files, and try: wfguard ship -m 'feat: ...'", None)
    return 0
