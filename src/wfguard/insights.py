"""The team report's data: events (every clone's and CI's logs) and history (skip trailers, late
repairs) joined per rule, ranked by what they cost, with the workflow changes they suggest.

Pure functions over plain values, so each suggestion is tested against a history built for it.
Every number a suggestion quotes is one the report shows.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import statistics
from collections import Counter, defaultdict

from .records import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from .history import Repair, Skip
    from .model import Config

EARLY = ("pre-commit", "commit-msg")
LATE = ("pre-push", "ci", "pre-receive")
WEEKS = 8


def _week(timestamp: str) -> str | None:
    try:
        day = dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00")).date()
    except ValueError:
        return None
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _ms(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def summarize(events: Iterable[dict[str, Any]], skips: list[Skip], repairs: list[Repair],
              config: Config | None) -> dict[str, Any]:
    fails: dict[str, Counter[str]] = defaultdict(Counter)
    passes: Counter[str] = Counter()
    event_skips: dict[str, Counter[str]] = defaultdict(Counter)
    timeouts: Counter[str] = Counter()
    times: dict[str, list[int]] = defaultdict(list)
    weekly: Counter[str] = Counter()
    agents: dict[str, Counter[str]] = defaultdict(Counter)
    runs = 0
    for e in events:
        rule, status, stage = e.get("rule"), e.get("status"), str(e.get("stage") or "")
        if e.get("source") == "agent":
            agents[str(e.get("agent") or "unknown")][str(e.get("reason") or e.get("command") or "")[:200]] += 1
            continue
        if rule is None:
            runs += 1
            if e.get("source") == "hook":
                times[stage].append(_ms(e.get("duration_ms")))
            continue
        rule = str(rule)
        if status == "fail" and e.get("severity", "error") == "error":
            fails[rule][stage] += 1
            week = _week(str(e.get("time") or ""))
            if week:
                weekly[week] += 1
            if e.get("reason") == "timeout":
                timeouts[rule] += 1
        elif status == "pass":
            passes[rule] += 1
        elif status == "skip":
            event_skips[rule][str(e.get("skip_reason") or "")] += 1
    trailer: dict[str, list[Skip]] = defaultdict(list)
    for s in skips:
        trailer[s.rule].append(s)
    late: dict[str, list[Repair]] = defaultdict(list)
    for r in repairs:
        late[r.rule].append(r)
    ids = set(fails) | set(passes) | set(event_skips) | set(trailer) | set(late)
    rules: list[dict[str, Any]] = []
    for rid in ids:
        # the same skip is usually seen twice: by the hook or check that honoured it (an event) and
        # as a trailer in the history; per reason, the larger of the two counts is the number of skips
        reasons: Counter[str] = Counter(event_skips[rid]) | Counter(s.reason for s in trailer[rid])
        cfg = config.rule(rid) if config is not None else None
        rules.append({
            "rule": rid,
            "kind": cfg.kind if cfg else None,
            "failures": sum(fails[rid].values()),
            "failures_by_stage": dict(sorted(fails[rid].items())),
            "passes": passes[rid],
            "skips": sum(reasons.values()),
            "skip_reasons": [{"reason": r or "(none)", "count": n} for r, n in reasons.most_common(5)],
            "late_repairs": len(late[rid]),
            "timeouts": timeouts[rid],
            # each failure made someone try again; each late repair is a retry after the fact
            "retries": sum(fails[rid].values()) + len(late[rid]),
        })
    rules.sort(key=lambda r: (-r["retries"], -r["skips"], r["rule"]))
    weeks = sorted(weekly)[-WEEKS:]
    return {
        "runs": runs,
        "rules": rules,
        "skips": [s._asdict() for s in skips],
        "late_repairs": [r._asdict() for r in repairs],
        "hook_time_ms": {stage: {"runs": len(v), "median": round(statistics.median(v))}
                         for stage, v in sorted(times.items()) if v},
        "weekly_failures": [{"week": w, "failures": weekly[w]} for w in weeks],
        "agents": [{"agent": a, "refused": sum(c.values()),
                    "top": [{"what": w, "count": n} for w, n in c.most_common(3)]} for a, c in sorted(agents.items())],
    }


def _common_folder(paths: Iterable[str]) -> str | None:
    folders = [posixpath.dirname(p) for p in paths]
    if not folders or any(not f for f in folders):
        return None
    common = posixpath.commonpath(folders)
    return common or None


def suggest(data: dict[str, Any], skips: list[Skip], config: Config | None) -> list[dict[str, Any]]:
    """Changes to the workflow that the data shown argues for, each with its evidence and YAML."""
    out: list[dict[str, Any]] = []
    for row in data["rules"]:
        rid = row["rule"]
        cfg = config.rule(rid) if config is not None else None
        mine = [s for s in skips if s.rule == rid]
        folder = _common_folder(p for s in mine for p in s.paths) if len(mine) >= 3 else None
        if folder:
            ignore = [*(cfg.ignore if cfg else ()), f"{folder}/**"]
            out.append({
                "rule": rid, "change": f"ignore {folder}/",
                "evidence": f"all {len(mine)} skips of {rid} were on commits touching only {folder}/",
                "yaml": f"rules:\n  {rid}:\n    ignore: [{', '.join(_q(g) for g in ignore)}]\n",
            })
        late = sum(n for st, n in row["failures_by_stage"].items() if st in LATE)
        early = sum(n for st, n in row["failures_by_stage"].items() if st in EARLY)
        fixable = cfg is not None and cfg.kind in ("changelog", "commit-message")
        if fixable and cfg is not None and late >= 3 and late > early:
            stages = list(dict.fromkeys(["commit-msg", *cfg.stages]))
            out.append({
                "rule": rid, "change": "catch it at commit time",
                "evidence": f"{late} of {late + early} failures of {rid} came at {'/'.join(LATE)}, after the "
                            "commit was made",
                "yaml": f"rules:\n  {rid}:\n    stages: [{', '.join(stages)}]\n"
                        "# and point people at: wfguard ship (it writes the fix before committing)\n",
            })
        timed_out = row["timeouts"] >= 3 and row["timeouts"] * 2 >= row["failures"]
        if cfg is not None and cfg.kind == "command" and timed_out:
            from .rules.command import Options as CommandOptions

            current = float(CommandOptions.load(cfg.options).timeout)
            out.append({
                "rule": rid, "change": "raise the timeout",
                "evidence": f"{row['timeouts']} of {row['failures']} failures of {rid} were timeouts "
                            f"(limit {current:g} s)",
                "yaml": f"rules:\n  {rid}:\n    timeout: {current * 2:g}\n",
            })
        if row["skips"] >= 3 and row["skips"] > 2 * row["passes"]:
            out.append({
                "rule": rid, "change": "review the rule",
                "evidence": f"{rid} was skipped {row['skips']} times and passed {row['passes']}: it blocks work "
                            "people consider legitimate",
                "yaml": f"rules:\n  {rid}:\n    severity: warning   # while the team reviews what it should require\n",
            })
    return out


def _q(s: str) -> str:
    return f'"{s}"' if re.search(r"[*:#\[\]{},&!|>'\"%@`]", s) else s


def bar(n: int, top: int, width: int = 30) -> str:
    if top <= 0:
        return ""
    full = n * width / top
    blocks = "▏▎▍▌▋▊▉█"
    whole, part = int(full), int((full - int(full)) * 8)
    return "█" * whole + (blocks[part - 1] if part else "")
