"""The Typer CLI: argument parsing and help for every command; the work is in ``commands``."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer
from typer.core import TyperOption

from . import __version__
from .commands import info
from .commands.common import guarded


def _flag_type(self: TyperOption, ctx: object) -> str | None:
    # typer labels every on/off flag "<bool>" in --help; a flag takes no value to describe
    return None if self.is_flag else _display_type(self, ctx)  # type: ignore[arg-type]


_display_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]

app = typer.Typer(
    name="wfguard",
    help="Make the team's workflow impossible to skip by accident and trivial to follow on purpose.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, Enum):
    text = "text"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="output format")]


def _exit(code: int) -> None:
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wfguard {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="print the version")] = False,
) -> None:
    """wfguard: workflow rules in git hooks, CI and on the server."""


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
             add_help_option=False)
def check(ctx: typer.Context) -> None:
    """Evaluate the 'ci' stage over a commit range (the CI command). See: wfguard check --help"""
    from .commands import check as check_cmd

    _exit(check_cmd.main(ctx.args))


@app.command("list")
def list_(fmt: FormatOpt = Format.text) -> None:
    """List the rules of this workflow, by stage."""
    _exit(guarded(lambda: info.list_rules(fmt.value), fmt.value))


@app.command()
def explain(rule: Annotated[str, typer.Argument(help="the rule id")],
            fmt: FormatOpt = Format.text) -> None:
    """Why a rule exists, what satisfies it, and how to skip it if allowed."""
    _exit(guarded(lambda: info.explain(rule, fmt.value), fmt.value))


@app.command()
def validate(
    file: Annotated[str | None, typer.Argument(help="a config file (default: .wfguard.yml)")] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Validate the workflow config against the schema and the rule kinds."""
    _exit(guarded(lambda: info.validate(file, fmt.value), fmt.value))


@app.command()
def schema() -> None:
    """Print the JSON Schema of .wfguard.yml (for editors)."""
    _exit(guarded(info.schema))


@app.command()
def demo(directory: Annotated[str | None, typer.Argument(help="an empty folder (default: a new temp dir)")] = None
         ) -> None:
    """Build a throwaway repository and watch the workflow block a shortcut and pass the fix."""
    from .commands import demo as demo_cmd

    _exit(guarded(lambda: demo_cmd.run(directory)))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
             add_help_option=False, hidden=True)
def hook(ctx: typer.Context) -> None:
    """What the installed hook shims run: wfguard hook NAME [ARGS]."""
    from .hookentry import main as hook_main

    _exit(hook_main(list(ctx.args)))


@app.command()
def install(
    chain: Annotated[bool, typer.Option("--chain", help="keep a foreign hook and run it first")] = False,
    force: Annotated[bool, typer.Option("--force", help="move a foreign hook aside (restored by uninstall)")] = False,
    hooks_path: Annotated[str | None, typer.Option("--hooks-path", help="write the hooks to DIR")] = None,
    server: Annotated[bool, typer.Option("--server", help="install pre-receive in a bare repository")] = False,
    config: Annotated[str | None, typer.Option("--config", help="with --server: the workflow file to enforce")] = None,
) -> None:
    """Install git hook shims for the stages the workflow uses."""
    from .commands import install as cmd

    _exit(guarded(lambda: cmd.install(chain, force, hooks_path, server, config)))


@app.command()
def uninstall(
    hooks_path: Annotated[str | None, typer.Option("--hooks-path", help="the hooks folder used at install")] = None,
) -> None:
    """Remove wfguard's hook shims and restore the hooks that were there before."""
    from .commands import install as cmd

    _exit(guarded(lambda: cmd.uninstall(hooks_path)))


@app.command()
def report(
    since: Annotated[str, typer.Option("--since", help="how far back the history goes: 90d, 12w, 6m or a date")]
    = "90d",
    range_: Annotated[str | None, typer.Option("--range", help="read this range of history instead, e.g. v1.0..main")]
    = None,
    events_: Annotated[list[str] | None, typer.Option("--events", help="also read this event log (repeatable)")]
    = None,
    suggest: Annotated[bool, typer.Option("--suggest", help="suggest changes to the workflow, with evidence")]
    = False,
    html: Annotated[str | None, typer.Option("--html", help="also write a self-contained page to FILE")] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Which rule keeps failing or being skipped, late repairs, hook time, and what to change."""
    from .commands import report as cmd

    opts = cmd.Options(since, range_, tuple(events_ or ()), suggest, html, fmt.value)
    _exit(guarded(lambda: cmd.run(opts), fmt.value))


@app.command()
def doctor(fmt: FormatOpt = Format.text) -> None:
    """Why hooks might not be running here, and how to fix it."""
    from .commands import diagnose

    _exit(guarded(lambda: diagnose.doctor(fmt.value), fmt.value))


@app.command()
def fix(
    rule: Annotated[str | None, typer.Argument(help="only this rule's fix")] = None,
    message: Annotated[str | None, typer.Option("-m", "--message", help="the commit message to write from")] = None,
    ftype: Annotated[str | None, typer.Option("--type", help="the fragment type (changesets: major, minor, patch)")]
    = None,
    issue: Annotated[str | None, typer.Option("--issue", help="name the fragment after this issue number")] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Apply the automatic fixes: write and stage the changelog fragment."""
    from .commands import fix as cmd

    _exit(guarded(lambda: cmd.run(rule, message, ftype, fmt.value, issue), fmt.value))


@app.command()
def ship(
    message: Annotated[str | None, typer.Option("-m", "--message", help="the commit message")] = None,
    ftype: Annotated[str | None, typer.Option("--type", help="the fragment type, e.g. feature (changesets: a level)")]
    = None,
    all_: Annotated[bool, typer.Option("--all", help="stage tracked modifications first")] = False,
    no_push: Annotated[bool, typer.Option("--no-push", help="commit, but do not push")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="never prompt")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="run the checks; write nothing")] = False,
    package: Annotated[str | None, typer.Option("--package", help="write only this package's fragment (monorepo)")]
    = None,
    issue: Annotated[str | None, typer.Option("--issue", help="name the fragment after this issue number")] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """The compliant path in one command: branch, fixes, checks, commit, push."""
    from .commands import ship as cmd

    opts = cmd.Options(message, ftype, all_, no_push, yes, dry_run, fmt.value, package, issue)
    _exit(guarded(lambda: cmd.run(opts), fmt.value))


changelog_app = typer.Typer(help="Release notes from changelog fragments.", no_args_is_help=True)
app.add_typer(changelog_app, name="changelog")


@changelog_app.command("build")
def changelog_build(
    version: Annotated[str, typer.Option("--version", help="the version being released, e.g. 1.2.0")],
    date: Annotated[str | None, typer.Option("--date", help="the release date, YYYY-MM-DD (default: today)")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="print the section; change nothing")] = False,
    fmt: FormatOpt = Format.text,
) -> None:
    """Turn the fragments into a section of the changelog and remove them (staged)."""
    from .commands import changelog

    _exit(guarded(lambda: changelog.build(version, date, draft, fmt.value), fmt.value))


@app.command()
def update(
    cooldown: Annotated[float, typer.Option("--cooldown", help="take only commits at least DAYS old")] = 0,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show what would move and change; write nothing")]
    = False,
    fetch_only: Annotated[bool, typer.Option("--fetch-only", help="fill the cache for offline hooks; change nothing")]
    = False,
    fmt: FormatOpt = Format.text,
) -> None:
    """Move pinned shared workflows to the newest commit they track, and show what that changes."""
    from .commands import update as cmd

    _exit(guarded(lambda: cmd.run(cmd.Options(cooldown, dry_run, fetch_only, fmt.value)), fmt.value))


class BumpLevel(str, Enum):
    major = "major"
    minor = "minor"
    patch = "patch"


@app.command()
def release(
    version: Annotated[str | None, typer.Option("--version", help="release exactly this version")] = None,
    bump: Annotated[BumpLevel | None, typer.Option("--bump", help="major, minor or patch, whatever is pending")]
    = None,
    pre: Annotated[str | None, typer.Option("--pre", help="a pre-release with this label, e.g. rc")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show the version, why, and the notes; write nothing")]
    = False,
    no_push: Annotated[bool, typer.Option("--no-push", help="commit and tag, but do not push")] = False,
    no_tag: Annotated[bool, typer.Option("--no-tag", help="commit, but do not tag")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="never prompt")] = False,
    notes_file: Annotated[str | None, typer.Option("--notes-file", help="write the release notes to FILE")] = None,
    date: Annotated[str | None, typer.Option("--date", help="the release date, YYYY-MM-DD (default: today)")] = None,
    package: Annotated[str | None, typer.Option("--package", help="release this monorepo package only")] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """The next version from the pending fragments: version files, changelog, commit, tag, push, notes."""
    from .commands import release as cmd

    if version and bump:
        _exit(guarded(lambda: _usage("use either --version or --bump, not both"), fmt.value))
    opts = cmd.Options(version, bump.value if bump else None, pre, dry_run, no_push, no_tag, yes, notes_file,
                       date, fmt.value, package)
    _exit(guarded(lambda: cmd.run(opts), fmt.value))


def _usage(message: str) -> int:
    from .errors import WfguardError

    raise WfguardError(message)


@app.command()
def init(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="never prompt")] = False,
    force: Annotated[bool, typer.Option("--force", help="replace an existing .wfguard.yml")] = False,
    install: Annotated[bool, typer.Option(
        "--install/--no-install", help="install the hooks (or join the hook manager's config)",
        show_default=False)] = True,
) -> None:
    """Write a starter .wfguard.yml fitted to this repository, then install the hooks."""
    from .commands import init as cmd

    _exit(guarded(lambda: cmd.run(yes, force, install)))


@app.command()
def agents(
    write: Annotated[str | None, typer.Option("--write", help="replace the marked block in FILE (e.g. AGENTS.md)")]
    = None,
    guard: Annotated[str | None, typer.Option(
        "--guard", help="add an agent-side guard: claude, gemini or cursor")] = None,
) -> None:
    """Render the workflow as instructions for coding agents (and guard their shortcuts)."""
    from .commands import agents as cmd

    _exit(guarded(lambda: cmd.run(write, guard)))
