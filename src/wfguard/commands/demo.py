"""``wfguard demo``: a throwaway repository where the workflow is shown blocking and passing."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.panel import Panel

DEMO_CONFIG = """\
# yaml-language-server: $schema=https://wfguard.invalid/schema.json
version: 1
extends: [changelog-fragments, conventional-commits, hygiene]
"""


class _Demo:
    def __init__(self, root: Path, console: Console) -> None:
        self.root = root
        self.c = console
        self.env = {**os.environ, "GIT_AUTHOR_NAME": "Demo", "GIT_AUTHOR_EMAIL": "demo@example.com",
                    "GIT_COMMITTER_NAME": "Demo", "GIT_COMMITTER_EMAIL": "demo@example.com",
                    "NO_COLOR": os.environ.get("NO_COLOR", "")}

    def sh(self, *argv: str, show: bool = True) -> subprocess.CompletedProcess[str]:
        if show:
            self.c.print(f"[bold cyan]$[/bold cyan] {shlex.join(argv)}")
        proc = subprocess.run(argv, cwd=self.root, env=self.env, capture_output=True, text=True, check=False)
        if show and (proc.stdout or proc.stderr):
            self.c.print((proc.stdout + proc.stderr).rstrip(), markup=False, highlight=False, soft_wrap=True)
        return proc

    def wfguard(self, *args: str) -> subprocess.CompletedProcess[str]:
        self.c.print(f"[bold cyan]$[/bold cyan] wfguard {shlex.join(args)}")
        proc = subprocess.run([sys.executable, "-m", "wfguard", *args], cwd=self.root, env=self.env,
                              capture_output=True, text=True, check=False)
        self.c.print((proc.stdout + proc.stderr).rstrip(), markup=False, highlight=False, soft_wrap=True)
        return proc

    def write(self, rel: str, text: str) -> None:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    def step(self, title: str, body: str) -> None:
        self.c.print()
        self.c.print(Panel(body, title=title, title_align="left", border_style="blue"))


def run(directory: str | None = None) -> int:
    console = Console()
    root = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="wfguard-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        from ..errors import WfguardError
        raise WfguardError(f"{root} is not empty; the demo needs an empty folder (or none)")
    d = _Demo(root, console)
    d.step("1. A repository with a workflow",
           "The team's rule: every change under src/ ships with a changelog fragment, because the\n"
           "client release notes are built from changelog.d/. Commits follow Conventional Commits.")
    d.sh("git", "init", "-q", "-b", "main", show=False)
    d.write(".wfguard.yml", DEMO_CONFIG)
    d.write("src/app.py", "def export():\n    return []\n")
    d.write("changelog.d/.gitkeep", "")
    d.sh("git", "add", ".", show=False)
    d.sh("git", "commit", "-q", "-m", "chore: start the project", show=False)
    d.sh("cat", ".wfguard.yml")
    d.step("2. A shortcut: a feature without a changelog entry",
           "An engineer (or a coding agent) adds a feature on a branch and forgets the fragment.")
    d.sh("git", "switch", "-q", "-c", "feat/export-csv")
    d.write("src/app.py", "def export(fmt='json'):\n    return []\n")
    d.sh("git", "commit", "-q", "-am", "feat: export as csv")
    blocked = d.wfguard("check", "--base", "main")
    d.step("3. The compliant path",
           "The check said what is missing, why it matters and the exact fix. The fragment is one line:")
    d.write("changelog.d/export-csv.feature.md", "Export data as CSV.\n")
    d.sh("git", "add", "changelog.d/export-csv.feature.md")
    d.sh("git", "commit", "-q", "-m", "docs: add the changelog fragment for csv export")
    passed = d.wfguard("check", "--base", "main")
    ok = blocked.returncode == 1 and passed.returncode == 0
    d.step("Done" if ok else "Something went wrong",
           f"The demo repository is at {root}\n"
           "Try it on yours: wfguard init (coming soon), or write .wfguard.yml and run wfguard check.")
    return 0 if ok else 1
