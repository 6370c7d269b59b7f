"""``wfguard check``: the CI command, evaluating the ``ci`` stage over a commit range.

Its arguments are parsed with argparse rather than typer: CI runs it on every push, and the
difference in start-up time is most of its run time on a typical pull request.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import git
from ..checkrange import changes, resolve_range, start_log
from ..config.sources import CONFIG_NAME
from ..errors import WfguardError
from ..records import NamedTuple
from .common import emit, guarded, open_repo, to_json

if TYPE_CHECKING:
    from ..model import Config
    from ..repo import Repo
    from ..report import Result

FORMATS = ("text", "json", "sarif", "junit", "github")
WORKTREE = "worktree"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="wfguard check",
        description="Evaluate the workflow's 'ci' stage over the commits of a pull request "
                    "or push: merge-base(base, head)..head.",
    )
    p.add_argument("--base", help="compare with this commit or branch (default: from the CI "
                   "environment, else the remote's default branch)")
    p.add_argument("--head", help="the last commit to check (default: HEAD)")
    p.add_argument("--config-from", metavar="REF", help="read .wfguard.yml from this commit (default: the base, so "
                   "a pull request cannot weaken the rules it is checked by); 'worktree' for the checked-out files")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format")
    p.add_argument("--output", metavar="FILE", help="write the report to FILE (the text report still goes to stdout)")
    p.add_argument("--no-exec", action="store_true", help="do not run command rules (code the repository "
                   "provides); they are reported as skipped")
    p.add_argument("--events", metavar="FILE", help="also append this check's events to FILE (keep it as a CI "
                   "artifact; wfguard report --events FILE reads it)")
    p.add_argument("-v", "--verbose", action="store_true", help="also list passing rules' details")
    return p


def _check_output(output: str) -> None:
    """Refuse an --output that cannot be written before any work is done."""
    path = Path(output)
    if path.is_dir():
        raise WfguardError(f"--output {output} is a folder; name a file in it", hint=f"--output {path / 'report'}")
    if not path.parent.is_dir():
        raise WfguardError(f"--output {output}: the folder {path.parent} does not exist",
                           hint=f"mkdir -p {path.parent}")


def _load(repo: Repo, rev: str) -> tuple[Config, str]:
    """The config at ``rev``; the work tree's when ``rev`` has none (a change adopting wfguard)."""
    from .. import config as config_mod
    from .common import load_config

    if rev == WORKTREE:
        return load_config(repo), "the work tree"
    if config_mod.CommitSource(repo.root, rev).read(config_mod.CONFIG_NAME) is None:
        sys.stderr.write(f"wfguard: {rev[:12]} has no {config_mod.CONFIG_NAME} yet; using the work tree's\n")
        return load_config(repo), "the work tree"
    return load_config(repo, rev), rev[:12]


def _agents_result(repo: Repo, head: str, grep: git.Proc) -> Result | None:
    """A warning when a tracked AGENTS.md-style block no longer matches the head's config."""
    from .. import agents
    from ..report import Result
    from ..rules.base import Message
    from .common import load_config

    out, _ = grep.communicate()
    files = [name.split(":", 1)[1] for name in git.split_z(out) if ":" in name]  # REV:path, NUL-ended
    if not files:
        return None
    start = time.perf_counter()
    expected = agents.render(load_config(repo, head))
    stale = []
    for path in files:
        text = (git.blob_at(repo.root, head, path) or b"").decode("utf-8", "replace")
        if agents.block_of(text) != expected:
            stale.append(path)
    fix = f"wfguard agents --write {stale[0] if stale else files[0]}"
    msgs = tuple(Message(f"{p}: the wfguard block is stale: the workflow changed since it was written", p)
                 for p in stale)
    return Result(agents.RULE_ID, "agents", "fail" if stale else "pass", "warning", msgs,
                  "Coding agents follow AGENTS.md; instructions that lag the workflow send them down the wrong path.",
                  fix, duration_ms=round((time.perf_counter() - start) * 1000), next=(fix,) if stale else ())


class Options(NamedTuple):
    """``wfguard check``'s options, as parsed from its command line."""

    base: str | None = None
    head: str | None = None
    fmt: str = "text"
    output: str | None = None
    verbose: bool = False
    config_from: str | None = None
    no_exec: bool = False
    events: str | None = None


def run(opts: Options) -> int:
    base, head, fmt, output = opts.base, opts.head, opts.fmt, opts.output
    verbose, config_from, no_exec = opts.verbose, opts.config_from, opts.no_exec
    start = time.perf_counter()
    if output:
        _check_output(output)
    repo = open_repo()
    rng = resolve_range(repo, base, head, os.environ)
    # git walks the history while Python imports the engine and loads the config
    pending = start_log(repo, rng)
    # a block's start marker stands alone on its line; a mention of it in code or prose does not count
    # only files that can hold agent instructions are read (a 1 GiB data file anywhere is not)
    grep = git.popen(["grep", "-l", "-z", "-I", "-E", "-e", "^<!-- wfguard:agents:start -->$", rng.head, "--",
                      ":(glob)**/*.md", ":(glob)**/*.mdc", ":(glob)**/.cursorrules"], repo.root)
    from .. import engine, events
    from ..render import text
    from ..render.style import Styler, use_color

    config, source = _load(repo, config_from or rng.base or WORKTREE)
    cs = changes(repo, rng, pending=pending)
    if source != "the work tree" and any(cp.path == CONFIG_NAME for cp in cs.paths):
        sys.stderr.write(f"wfguard: note: this change edits {CONFIG_NAME}; it is judged by the rules of {source} "
                         "(the base), and its own rules apply once it is merged\n")
    from ..bots import exemptions
    from ..progress import for_stream

    with cs:
        report = engine.evaluate(config, cs, os.environ, no_exec=no_exec,
                                 progress=for_stream() if fmt == "text" else None,
                                 exempt=exemptions(config, cs, rng.branch))
    extra = [_agents_result(repo, rng.head, grep)]
    if source != "the work tree":
        from .. import weaken
        from .common import load_config

        extra.append(weaken.evaluate(
            config, lambda: load_config(repo, rng.head), cs))
    found = tuple(r for r in extra if r is not None)
    if found:
        report = report._replace(results=(*report.results, *found))
    events.record(repo.state_dir, report, round((time.perf_counter() - start) * 1000), "check",
                  also=Path(opts.events) if opts.events else None)
    n = len(cs.commits)
    title = (f"wfguard check: {n} commit{'s' if n != 1 else ''} {(cs.base or '')[:10]}..{rng.head[:10]} "
             f"({len(cs.paths)} paths changed; rules from {source})")
    human = text.render(report, Styler(use_color(sys.stdout) and not output), verbose=verbose, title=title)
    if fmt == "text":
        emit(human, output)
        return report.exit_code
    if fmt == "json":
        body = to_json(report.to_json())
    else:
        from ..render import formats

        body = {"sarif": formats.sarif, "junit": formats.junit, "github": formats.github}[fmt](report)
    emit(body, output)
    if output:
        emit(human, None)
    return report.exit_code


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv))
    opts = Options(args.base, args.head, args.format, args.output, args.verbose, args.config_from, args.no_exec,
                   args.events)
    return guarded(lambda: run(opts), "json" if args.format == "json" else "text")
