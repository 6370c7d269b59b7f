"""``wfguard check``: the CI command, evaluating the ``ci`` stage over a commit range.

Its arguments are parsed with argparse rather than typer: CI runs it on every push, and
the difference in start-up time is most of its run time on a typical pull request.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence

from ..cirange import changes, resolve_range, start_log
from .common import emit, guarded, open_repo

FORMATS = ("text", "json")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="wfguard check",
        description="Evaluate the workflow's 'ci' stage over the commits of a pull request "
                    "or push: merge-base(base, head)..head.",
    )
    p.add_argument("--base", help="compare with this commit or branch (default: from the CI "
                   "environment, else the remote's default branch)")
    p.add_argument("--head", help="the last commit to check (default: HEAD)")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format")
    p.add_argument("--output", metavar="FILE", help="write the report to FILE")
    p.add_argument("-v", "--verbose", action="store_true", help="also list passing rules' details")
    return p


def run(base: str | None = None, head: str | None = None, fmt: str = "text",
        output: str | None = None, verbose: bool = False) -> int:
    start = time.perf_counter()
    repo = open_repo()
    rng = resolve_range(repo, base, head, os.environ)
    # git walks the history while Python imports the engine and loads the config
    pending = start_log(repo, rng)
    from .. import engine, events
    from ..render import text
    from ..render.style import Styler, use_color
    from .common import load_config

    config = load_config(repo)
    cs = changes(repo, rng, pending=pending)
    try:
        report = engine.evaluate(config, cs, os.environ)
    finally:
        cs.close()
    events.record(repo.state_dir, report, round((time.perf_counter() - start) * 1000), "check")
    if fmt == "json":
        emit(json.dumps(report.to_json(), indent=2, ensure_ascii=False), output)
    else:
        n = len(cs.commits)
        title = (f"wfguard check: {n} commit{'s' if n != 1 else ''} "
                 f"{(rng.base or '')[:10]}..{rng.head[:10]} ({len(cs.paths)} paths changed)")
        if output:
            emit(text.render(report, Styler(False), verbose=verbose, title=title), output)
        else:
            emit(text.render(report, Styler(use_color(sys.stdout)), verbose=verbose, title=title), None)
    return report.exit_code


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv))
    return guarded(lambda: run(args.base, args.head, args.format, args.output, args.verbose))
