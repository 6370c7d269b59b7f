"""``wfguard ship``: the compliant path in one command (branch, fixes, checks, commit, push).

It never loses work: a failed check leaves no commit and the index as it was plus the fixes
it wrote (named in the output); a failed push leaves the commit and says how to retry.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from .. import changeset, conventional, engine, events, fixes, git, shiprecord
from ..errors import EXIT_ERROR, EXIT_FAILED, GitError, NeedsChoice, WfguardError
from ..fragments import CHANGESET_LEVELS
from ..globs import match_branch
from ..model import HOOK_STAGES, Config
from ..progress import for_stream
from ..records import NamedTuple
from ..render import text
from ..render.style import Styler, use_color
from ..repo import Repo, current_branch, resolve
from ..report import Report, Result
from ..rules.branch import Options as BranchOptions
from ..rules.changelog import fragments_of
from ..rules.commit_message import Options as MessageOptions
from .common import load_config, open_repo


class Step(NamedTuple):
    step: str
    status: str  # done | planned | skipped | failed
    detail: str


class Ship:
    def __init__(self, repo: Repo, config: Config, *, dry_run: bool, interactive: bool, fmt: str) -> None:
        self.repo, self.config = repo, config
        self.dry_run, self.interactive, self.fmt = dry_run, interactive, fmt
        self.package: str | None = None
        self.issue: str | None = None
        self.steps: list[Step] = []
        from rich.console import Console

        # people read progress on stderr; --format json keeps stdout for the result
        self.console = Console(stderr=True, quiet=fmt == "json", soft_wrap=True)

    def step(self, name: str, status: str, detail: str) -> None:
        self.steps.append(Step(name, status, detail))
        mark = {"done": "[green]✓[/green]", "planned": "[cyan]→[/cyan]", "skipped": "[dim]·[/dim]",
                "failed": "[red]✗[/red]"}[status]
        from rich.markup import escape

        self.console.print(f"{mark} [bold]{name}[/bold] {escape(detail)}")

    # --- the parts -----------------------------------------------------------------------

    def protected(self, branch: str) -> bool:
        globs = [self.config.ship.base]
        for rule in self.config.rules:
            if rule.kind == "branch":
                globs += BranchOptions.load(rule.options).protected
        return match_branch(globs, branch)

    def branch_name(self, message: str) -> str:
        header = conventional.parse_header(message.split("\n", 1)[0])
        values = {"type": header.type if header else "change",
                  "slug": conventional.slug(header.subject if header else message.split("\n", 1)[0])[:50].strip("-")
                  or "change",
                  "scope": (header.scope or "") if header else ""}
        try:
            name = self.config.ship.branch.format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            raise WfguardError(f"ship.branch {self.config.ship.branch!r} is not a valid template: {exc}",
                               hint="use {type}, {scope} and {slug}") from None
        candidate, n = name, 2
        while resolve(self.repo.root, f"refs/heads/{candidate}"):
            candidate, n = f"{name}-{n}", n + 1
        if not git.valid_branch_name(self.repo.root, candidate):
            raise WfguardError(f"{candidate!r} is not a valid branch name", hint="change ship.branch")
        return candidate

    def checks(self, branch: str, message: str, tree: str, command: str = "ship") -> Report:
        """Every rule of pre-commit, commit-msg and pre-push, each run once, over the commit of
        ``tree`` about to be made with ``message`` on ``branch``."""
        root = self.repo.root
        done: set[str] = set()
        results: list[Result] = []
        for stage in HOOK_STAGES:
            ids = [r.id for r in self.config.for_stage(stage) if r.id not in done]
            if not ids:
                continue
            done.update(ids)
            if stage == "pre-push":
                cs = self.push_changes(branch, message, tree)
            else:
                cs = changeset.from_tree(root, stage, tree, message if stage == "commit-msg" else None, branch)
            ticker = None if self.console.quiet else for_stream(sys.stderr)
            with cs:
                report = engine.evaluate(self.config, cs, os.environ, only=ids, progress=ticker)
            if ticker is None:  # no terminal: the lines the ticker would have shown, at the end
                for r in report.results:
                    self.console.print(f"  {text.status_line(r, Styler(use_color(sys.stderr)))}")
            results += report.results
        report = Report(command, None, None, tuple(results))
        events.record(self.repo.state_dir, report, 0, command)
        return report

    def push_changes(self, branch: str, message: str, tree: str) -> changeset.ChangeSet:
        """What the push will carry: the unpushed commits plus the commit about to be made."""
        root, remote = self.repo.root, self.config.ship.remote
        upstream = (resolve(root, f"refs/remotes/{remote}/{branch}")
                    or resolve(root, f"refs/remotes/{remote}/{self.config.ship.base}"))
        return changeset.from_unpushed(root, "pre-push", upstream, branch, message, f"refs/heads/{branch}", tree)


def _ask_message(config: Config) -> str:
    from rich.prompt import Prompt

    preset = [o for o in (MessageOptions.load(r.options) for r in config.rules
                          if r.kind == "commit-message") if o.preset]
    if not preset:  # the repository keeps no Conventional Commits: ask for a plain message
        text = Prompt.ask("commit message")
        if not text.strip():
            raise WfguardError("no commit message given: nothing was changed")
        return text.strip()
    types = list(preset[0].commit_types)
    ctype = Prompt.ask("type of change", choices=types, default="feat" if "feat" in types else types[0])
    scope = Prompt.ask("scope (optional)", default="")
    subject = Prompt.ask("describe it (lower case, no full stop)")
    if not subject.strip():
        raise WfguardError("no description given: nothing was changed")
    return f"{ctype}({scope}): {subject.strip()}" if scope else f"{ctype}: {subject.strip()}"


def _ask_type(config: Config) -> str:
    from rich.prompt import Prompt

    for rule in config.rules:
        frag = fragments_of(rule)
        if frag is not None and frag.format == "changesets":
            return Prompt.ask("changeset level", choices=list(CHANGESET_LEVELS), default="patch")
        if frag is not None:
            types = list(frag.types)
            return Prompt.ask("changelog fragment type", choices=types, default=types[0])
    raise WfguardError("no changelog rule with fragments")


class Options(NamedTuple):
    """``wfguard ship``'s options, as typed on the command line."""

    message: str | None = None
    ftype: str | None = None  # --type: the changelog fragment type
    all: bool = False  # stage tracked modifications first
    no_push: bool = False
    yes: bool = False
    dry_run: bool = False
    fmt: str = "text"
    package: str | None = None  # write the fragment of this monorepo package only
    issue: str | None = None  # --issue: the number the fragment is named after


def run(opts: Options) -> int:
    message, ftype, all_, no_push = opts.message, opts.ftype, opts.all, opts.no_push
    yes, dry_run, fmt = opts.yes, opts.dry_run, opts.fmt
    repo = open_repo()
    if repo.bare:
        raise WfguardError("ship needs a work tree; this is a bare repository")
    config = load_config(repo)
    interactive = not yes and fmt != "json" and sys.stdin.isatty() and sys.stdout.isatty()
    ship = Ship(repo, config, dry_run=dry_run, interactive=interactive, fmt=fmt)
    if not message:
        if not interactive:
            raise WfguardError("no commit message", hint="pass -m 'type(scope): description' "
                               "(ship never prompts with --yes or without a terminal)")
        message = _ask_message(config)
    message = message.strip() + "\n"
    import signal

    def terminated(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # the same clean-up and retry hint as Ctrl-C

    signal.signal(signal.SIGTERM, terminated)
    if opts.package is not None and config.package(opts.package) is None:
        raise WfguardError(f"no package {opts.package!r} in this workflow",
                           hint="packages: " + (", ".join(p.name for p in config.packages) or "none"))
    ship.package = opts.package
    ship.issue = opts.issue
    return _run(ship, message, ftype, all_, no_push)


class Plan(NamedTuple):
    """Everything ship will do, decided before anything is written: shown by --dry-run, carried
    out otherwise. ``tree`` is the commit's content, which the checks judge in both cases."""

    stage_all: bool
    fixes: tuple[fixes.Fix, ...]
    branch: str
    new_branch: str | None  # created only once the checks pass
    message: str
    tree: str
    staged: int  # paths staged (after `git add -u` with --all), before the fixes


def plan(ship: Ship, message: str, ftype: str | None, all_: bool) -> Plan:
    root, config = ship.repo.root, ship.config
    staged_tree = git.planned_tree(root, tracked_changes=all_)
    staged = changeset.from_tree(root, "commit-msg", staged_tree)
    if not staged.paths:
        if all_:
            raise WfguardError("nothing to commit: no tracked file is modified and nothing is staged",
                               hint="new files are never swept in: git add them first")
        raise WfguardError("nothing is staged: stage your change with git add, or pass --all",
                           hint="ship commits exactly what is staged, so it never sweeps in stray files")
    try:
        planned = fixes.plan(config, staged, message, ftype, package=ship.package, issue=ship.issue)
    except NeedsChoice:
        if not ship.interactive:
            raise
        planned = fixes.plan(config, staged, message, _ask_type(config), package=ship.package, issue=ship.issue)
    tree = git.planned_tree(root, tracked_changes=all_, contents={f.path: f.content.encode() for f in planned})
    current = current_branch(root)
    new_branch = ship.branch_name(message) if current is None or ship.protected(current) else None
    return Plan(all_, tuple(planned), new_branch or current or "", new_branch, message, tree, len(staged.paths))


def _left_behind(root: Path, p: Plan, written: list[str]) -> str:
    """What ship changed before the commit failed, as it is now (checked, not assumed): nothing
    was committed, and every file is where the user can see it."""
    staged = set(git.out(["diff", "--cached", "--name-only", "-z"], root).split("\0")) - {""}
    done = []
    if written:
        kept = [w for w in written if w in staged]
        done.append(f"wrote {', '.join(written)}" + (" (staged)" if kept == written else ""))
    if p.stage_all:
        done.append("staged the tracked modifications (git add -u)")
    if p.new_branch is not None:
        done.append(f"switched to the new branch {p.new_branch}")
    said = "; ".join(done) if done else "changed nothing"
    return (f"nothing was committed; before the commit ship {said}, and {len(staged)} path(s) are staged now. "
            "Fix what the hook said (a project hook may want another fragment name: git mv it), then run "
            "ship again")


def _run(ship: Ship, message: str, ftype: str | None, all_: bool, no_push: bool) -> int:
    repo, config, root = ship.repo, ship.config, Path(ship.repo.root)
    dry = ship.dry_run
    p = plan(ship, message, ftype, all_)
    if p.stage_all and dry:
        ship.step("stage", "planned", "tracked modifications (git add -u)")
    ship.step("change", "done", f"{p.staged} staged path(s)")
    if p.new_branch is not None:
        current = current_branch(root)
        why = "detached HEAD" if current is None else f"{current} is protected"
        ship.step("branch", "planned", f"{p.new_branch} ({why})")
    else:
        ship.step("branch", "done", p.branch)
    for f in p.fixes if dry else ():
        ship.step("fix", "planned", f"would write {f.path}: {f.content.strip()}")
    report = ship.checks(p.branch, p.message, p.tree)
    written = [f.path for f in p.fixes]
    if not report.passed:
        shown = report._replace(results=tuple(r for r in report.results if r.status in ("fail", "skip")))
        ship.console.file.write(text.render(shown, Styler(use_color(sys.stderr)), show_next=False) + "\n")
        note = "nothing was committed; the index is as it was"
        if written and not dry:
            fixes.apply(root, list(p.fixes))  # the note is written either way: it is what is missing
            note += f", plus the fix(es) wfguard wrote and staged: {', '.join(written)}"
        ship.step("check", "failed", note)
        return _result(ship, EXIT_FAILED, report, p.branch, None, False, written)
    ship.step("check", "done", f"{report.summary()['passed']} rule(s) passed")
    if dry:
        ship.step("commit", "planned", message.splitlines()[0])
        ship.step("push", "skipped" if no_push or not config.ship.push else "planned",
                  f"{config.ship.remote} {p.branch}")
        return _result(ship, 0, report, p.branch, None, False, written)
    # carried out: the index becomes the planned tree, then the branch, the commit, the push
    if p.stage_all:
        git.add_tracked_changes(root)
        ship.step("stage", "done", "tracked modifications (git add -u)")
    fixes.apply(root, list(p.fixes))
    for f in p.fixes:
        ship.step("fix", "done", f"{f.description}: {f.content.strip()}")
    branch = p.branch
    if p.new_branch is not None:
        git.switch_new(root, p.new_branch)
        ship.step("branch", "done", p.new_branch)
    # commit: the hooks it fires see the record and pass at once
    shiprecord.write(repo.state_dir, root, shiprecord.index_tree(root), message)
    try:
        try:
            sha = git.commit(root, message)
        except GitError as exc:
            raise GitError(f"git commit failed: {exc.message}", details=exc.details,
                           hint=_left_behind(root, p, written)) from None
        ship.step("commit", "done", f"{sha[:10]} {message.splitlines()[0]}")
        if no_push or not config.ship.push:
            ship.step("push", "skipped", "--no-push" if no_push else "ship.push is false")
            return _result(ship, 0, report, branch, sha, False, written)
        remote = config.ship.remote
        retry = f"git push -u {remote} {branch}"
        if not git.remote_exists(root, remote):
            ship.step("push", "failed", f"no remote {remote!r}; the commit is made. Add one, then: {retry}")
            return _result(ship, EXIT_ERROR, report, branch, sha, False, written)
        try:
            with ship.console.status(f"pushing {branch} to {remote}"):
                push = git.push(root, remote, [f"HEAD:refs/heads/{branch}"], set_upstream=True)
        except KeyboardInterrupt:
            ship.step("push", "failed", f"interrupted; the commit {sha[:10]} is kept. Retry: {retry}")
            raise
        if not push.ok:
            ship.step("push", "failed", f"{push.said or 'push failed'}; the commit {sha[:10]} is kept. "
                      f"Retry: {retry}")
            return _result(ship, EXIT_ERROR, report, branch, sha, False, written)
        ship.step("push", "done", f"{remote} {branch} (upstream set)")
        return _result(ship, 0, report, branch, sha, True, written)
    finally:
        shiprecord.clear(repo.state_dir)


def _result(ship: Ship, code: int, report: Report, branch: str, sha: str | None, pushed: bool,
            written: list[str]) -> int:
    nxt: list[str] = []
    if code == EXIT_FAILED:
        nxt = report.next() or [r.fix for r in report.results if r.blocking]
    elif pushed:
        nxt = [f"open a pull request for {branch}"]
    elif sha and code == 0:
        nxt = [f"git push -u {ship.config.ship.remote} {branch}"]
    if ship.fmt == "json":
        data: dict[str, Any] = {
            "version": 1, "ok": code == 0, "dry_run": ship.dry_run, "branch": branch, "commit": sha,
            "pushed": pushed, "fixes": written, "steps": [s._asdict() for s in ship.steps],
            "checks": report.to_json(), "next": nxt,
        }
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif nxt:
        ship.console.print("next: " + "; ".join(nxt))
    return code
