"""``wfguard demo``: a throwaway repository where the workflow is shown blocking and passing."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

DEMO_CONFIG = """\
version: 1
extends: [changelog-fragments, conventional-commits, protected-branches, hygiene]
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
            self.output(proc.stdout + proc.stderr)
        return proc

    def output(self, text: str) -> None:
        """A command's output, wrapped by rich to the terminal, each line under its own indent."""
        for line in text.rstrip().splitlines():
            body = line.lstrip(" ")
            self.c.print(Padding(Text(body), (0, 0, 0, len(line) - len(body)), expand=False))

    def wfguard(self, *args: str) -> subprocess.CompletedProcess[str]:
        self.c.print(f"[bold cyan]$[/bold cyan] wfguard {shlex.join(args)}")
        # one stream, so progress (stderr) and results (stdout) read in the order they happened
        proc = subprocess.run([sys.executable, "-m", "wfguard", *args], cwd=self.root, env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        self.output(proc.stdout)
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
    root = Path(directory).resolve() if directory else Path(tempfile.mkdtemp(prefix="wfguard-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        from ..errors import WfguardError
        raise WfguardError(f"{root} is not empty; the demo needs an empty folder (or none)")
    work, remote = root / "app", root / "origin.git"
    work.mkdir()
    d = _Demo(work, console)
    empty = root / ".gitconfig"
    empty.write_text("")
    # the demo's git ignores your global config (hooksPath, templates, signing) and touches nothing of yours
    d.env.update({"GIT_CONFIG_GLOBAL": str(empty), "GIT_CONFIG_NOSYSTEM": "1"})
    ok: list[bool] = []

    d.step("1. A repository with a workflow",
           "The team's rule: every change under src/ ships with a changelog fragment, because the client "
           "release notes are built from changelog.d/. Commits follow Conventional Commits, and nobody "
           "commits straight to main.")
    d.sh("git", "init", "-q", "--bare", str(remote), show=False)
    d.sh("git", "init", "-q", "-b", "main", show=False)
    d.write(".wfguard.yml", DEMO_CONFIG)
    d.write("src/app.py", "def export():\n    return []\n")
    d.write("changelog.d/.gitkeep", "")
    d.write("pyproject.toml", '[project]\nname = "app"\nversion = "0.1.0"\n')
    d.write(".gitignore", "RELEASE_NOTES.md\n")
    d.sh("git", "add", ".", show=False)
    d.sh("git", "commit", "-q", "-m", "chore: start the project", show=False)
    d.sh("git", "tag", "-a", "v0.1.0", "-m", "0.1.0", show=False)
    d.sh("git", "remote", "add", "origin", str(remote), show=False)
    d.sh("git", "push", "-q", "-u", "origin", "main", "v0.1.0", show=False)
    d.sh("cat", ".wfguard.yml")
    ok.append(d.wfguard("install").returncode == 0)

    d.step("2. A shortcut: a feature without a changelog entry",
           "An engineer (or a coding agent) changes src/ and commits, forgetting the fragment. "
           "The commit-msg hook stops it, says why the rule exists and prints the exact fix.")
    d.sh("git", "switch", "-q", "-c", "feat/export-csv")
    d.write("src/app.py", "def export(fmt='json'):\n    return []\n")
    d.sh("git", "add", "src/app.py")
    blocked = d.sh("git", "commit", "-q", "-m", "feat: export as csv")
    ok.append(blocked.returncode != 0)
    d.sh("git", "status", "--short")

    d.step("3. The compliant path, in one command",
           "wfguard ship writes the fragment from the message, runs every rule once, commits and "
           "pushes (from main it would first move the work to a new branch). The hooks it fires "
           "pass at once: the same tree was just checked.")
    ok.append(d.wfguard("ship", "-m", "feat: export as csv", "--yes").returncode == 0)
    d.sh("git", "log", "--stat", "-1", "--format=%h %s")

    d.step("4. CI runs the same rules", "What a pull request check runs; it cannot be skipped with --no-verify.")
    ok.append(d.wfguard("check", "--base", "main").returncode == 0)

    d.step("5. The pull request is merged; the release makes itself",
           "wfguard release reads the pending fragments (a feature: a minor bump), writes the version into "
           "pyproject.toml, turns the fragments into a CHANGELOG.md section, checks the release against "
           "the same rules, commits, tags with the notes and pushes. The notes are what clients read.")
    sha = d.sh("git", "rev-parse", "HEAD", show=False).stdout.strip()
    d.sh("git", "--git-dir", str(remote), "update-ref", "refs/heads/main", sha, show=False)  # the merge button
    d.sh("git", "switch", "-q", "main", show=False)
    d.sh("git", "pull", "-q", "--ff-only", "origin", "main", show=False)
    ok.append(d.wfguard("release", "--yes", "--notes-file", "RELEASE_NOTES.md").returncode == 0)
    d.sh("git", "log", "--oneline", "--decorate", "-3")
    d.sh("cat", "RELEASE_NOTES.md")
    d.wfguard("report")

    good = all(ok)
    d.step("Done" if good else "Something went wrong",
           f"The demo repository is at {work}\n"  # two lines, not a wrapped sentence
           "On your own repository: wfguard init, then wfguard ship -m 'feat: ...', then wfguard release.")
    return 0 if good else 1
