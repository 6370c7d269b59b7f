"""``wfguard report``: which step keeps failing, and what to change in the workflow itself.

Joins the local event log, any ``--events FILE`` (other clones, CI artifacts written by
``check --events``) and the base branch's history (skip trailers, late repairs), then renders
the same data as text, JSON or one self-contained HTML page.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import events, history, insights
from ..errors import WfguardError
from ..model import Config
from ..records import NamedTuple
from ..repo import Repo, resolve
from ..rules.changelog import Options as ChangelogOptions
from .common import emit, load_config, open_repo, to_json


class Options(NamedTuple):
    since: str = "90d"
    range: str | None = None
    events: tuple[str, ...] = ()
    suggest: bool = False
    html: str | None = None
    fmt: str = "text"


def _since(value: str) -> str:
    m = re.fullmatch(r"(\d+)([dwmy])", value.strip())
    if m:
        n, unit = int(m.group(1)), m.group(2)
        days = n * {"d": 1, "w": 7, "m": 30, "y": 365}[unit]
        # git reads a --since before 1970 as no commit at all: that far back means everything
        return f"--since={days}.days.ago" if days < 365 * 50 else "--since=1970-01-02"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return f"--since={value.strip()}"
    raise WfguardError(f"--since {value!r} is not a period", hint="use 90d, 12w, 6m, 1y or a date like 2026-01-01")


def _revs(repo: Repo, config: Config | None, opts: Options) -> tuple[list[str], str]:
    since = _since(opts.since)  # a bad period is an error even where there is no history yet
    if opts.range:
        if ".." not in opts.range:
            raise WfguardError(f"--range {opts.range!r} is not a range", hint="use A..B, e.g. v1.0.0..main")
        return [opts.range], opts.range
    base = config.ship.base if config else "main"
    for ref in (f"refs/remotes/origin/{base}", f"refs/heads/{base}", "HEAD"):
        if resolve(repo.root, ref):
            name = ref.removeprefix("refs/remotes/").removeprefix("refs/heads/")
            return [since, ref], f"{name}, last {opts.since}"
    return [], "no history yet"


def _events(repo: Repo, files: tuple[str, ...], counted: events.Counted) -> Iterator[dict[str, Any]]:
    sources = [events.read(repo.state_dir, counted)]
    for f in files:
        path = Path(f)
        if not path.is_file():
            raise WfguardError(f"cannot read --events {f}: no such file", hint="pass a file check --events wrote")
        sources.append(events.read(repo.state_dir, counted, path))
    return itertools.chain(*sources)


def _release_header(config: Config | None) -> re.Pattern[str]:
    template = config.release.commit if config else "chore(release): {version}"
    head, _, tail = template.partition("{version}")
    return re.compile(f"^{re.escape(head)}.+{re.escape(tail)}$")


def gather(repo: Repo, config: Config | None, opts: Options) -> dict[str, Any]:
    counted = events.Counted()
    evts = _events(repo, opts.events, counted)
    revs, described = _revs(repo, config, opts)
    skips: list[history.Skip] = []
    repairs: list[history.Repair] = []
    changelogs = []
    for rule in config.rules if config else ():
        if rule.kind == "changelog":
            o = ChangelogOptions.load(rule.options)
            changelogs.append((rule.id, o.fragments.dir if o.fragments else None, o.file))
    release = _release_header(config)
    watched = [p for _, folder, file in changelogs for p in (folder, file) if p]
    for c in history.commits(Path(repo.root), revs, watched) if revs else ():
        skips += history.skips(c)
        if release.match(c.message.split("\n", 1)[0]):
            continue
        for rid, folder, file in changelogs:
            found = history.repair(c, rid, folder, file)
            if found:
                repairs.append(found)
    data = insights.summarize(evts, skips, repairs, config)
    data["history"] = described
    data["corrupt_lines"] = counted.corrupt
    if opts.suggest:
        data["suggestions"] = insights.suggest(data, skips, config)
    # the first report's keys, kept for scripts that read them
    data["most_failed"] = [{"rule": r["rule"], "count": r["failures"]} for r in data["rules"] if r["failures"]]
    data["most_skipped"] = [
        {"rule": r["rule"], "count": r["skips"], "reasons": [x["reason"] for x in r["skip_reasons"]]}
        for r in sorted(data["rules"], key=lambda r: -r["skips"]) if r["skips"]]
    top = next((r["rule"] for r in data["rules"] if r["retries"]), None)
    data["next"] = [f"wfguard explain {top}"] if top else []
    return data


def run(opts: Options) -> int:
    repo = open_repo()
    try:
        config: Config | None = load_config(repo)
    except WfguardError:
        config = None  # a report of what happened is still worth reading with a broken config
    data = gather(repo, config, opts)
    if opts.html:
        from ..render.html import page

        try:
            Path(opts.html).write_text(page(data, f"wfguard report: {Path(repo.root).name}"), encoding="utf-8")
        except OSError as exc:
            raise WfguardError(f"cannot write --html {opts.html}: {exc.strerror or exc}") from None
    if opts.fmt == "json":
        emit(to_json(data), None)
        return 0
    _text(data, opts)
    return 0


def _text(data: dict[str, Any], opts: Options) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    c = Console()
    c.print(f"[bold]{data['runs']}[/bold] hook runs and checks recorded; history: {escape(data['history'])}, "
            f"{len(data['skips'])} skip trailer(s), {len(data['late_repairs'])} late repair(s)"
            + (f" ({data['corrupt_lines']} corrupt line(s) skipped)" if data["corrupt_lines"] else ""))
    if not data["rules"] and not data["agents"]:
        c.print("Nothing recorded yet: hooks and checks write .git/wfguard/events.jsonl.")
        return
    table = Table(title="Rules by the retries they cost", title_justify="left")
    for col in ("rule", "retries", "failures by stage", "skips", "top skip reasons", "late repairs", "passes"):
        table.add_column(col, justify="right" if col in ("retries", "skips", "late repairs", "passes") else "left")
    for r in data["rules"]:
        table.add_row(escape(r["rule"]), str(r["retries"]),
                      escape(", ".join(f"{k} {v}" for k, v in r["failures_by_stage"].items()) or "-"),
                      str(r["skips"]), escape("; ".join(f"{x['reason']} ({x['count']})" for x in r["skip_reasons"])),
                      str(r["late_repairs"]), str(r["passes"]))
    c.print(table)
    if data["weekly_failures"]:
        top = max(w["failures"] for w in data["weekly_failures"])
        c.print("[bold]Failures per week[/bold]")
        for w in data["weekly_failures"]:
            c.print(f"  {w['week']}  {insights.bar(w['failures'], top)} {w['failures']}")
    if data["hook_time_ms"]:
        c.print("[bold]Hook time (median)[/bold]  " + ", ".join(
            f"{stage} {t['median']} ms ({t['runs']} runs)" for stage, t in data["hook_time_ms"].items()))
    for a in data["agents"]:
        c.print(f"[bold]agent {escape(a['agent'])}[/bold]: {a['refused']} command(s) refused, most often: "
                + escape("; ".join(f"{t['what']} ({t['count']})" for t in a["top"])))
    if opts.suggest:
        c.print("\n[bold]Suggested changes to the workflow[/bold]")
        if not data["suggestions"]:
            c.print("  none: nothing in this data argues for a change")
        for s in data["suggestions"]:
            c.print(f"\n[bold]{escape(s['rule'])}[/bold]: {escape(s['change'])}\n  evidence: {escape(s['evidence'])}")
            sys.stdout.flush()
            c.print(escape(s["yaml"]), highlight=False)
    elif data["rules"] and data["rules"][0]["retries"]:
        top_rule = data["rules"][0]["rule"]
        c.print(f"\nThe rule that costs the most retries is [bold]{escape(top_rule)}[/bold]: "
                f"'wfguard explain {escape(top_rule)}'; 'wfguard report --suggest' says what to change.")
