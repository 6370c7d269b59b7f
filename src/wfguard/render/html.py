"""The team report as one self-contained HTML page: tables and inline SVG bar charts, no script,
no font or style from the network, every string escaped."""

from __future__ import annotations

from html import escape

from ..records import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:60rem;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}pre{background:#f6f8fa;padding:.6rem;overflow:auto}
.muted{color:#57606a}svg text{font:12px system-ui,sans-serif;fill:#1b1f24}
"""


def _bars(rows: list[tuple[str, int]], title: str) -> str:
    """A horizontal bar chart as inline SVG."""
    if not rows:
        return f'<p class="muted">{escape(title)}: nothing recorded.</p>'
    top = max(n for _, n in rows) or 1
    height = 22 * len(rows) + 10
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="640" height="{height}" '
             f'viewBox="0 0 640 {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, n) in enumerate(rows):
        y = 5 + 22 * i
        width = round(400 * n / top)
        parts.append(f'<text x="0" y="{y + 14}">{escape(label[:28])}</text>'
                     f'<rect x="200" y="{y + 2}" width="{width}" height="16" fill="#0969da"/>'
                     f'<text x="{206 + width}" y="{y + 14}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    if not rows:
        return '<p class="muted">None.</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(
        f'<td class="n">{c}</td>' if isinstance(c, int) else f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(data: dict[str, Any], title: str) -> str:
    rules = data["rules"]
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
             f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>",
             f'<p class="muted">{data["runs"]} hook runs and checks, {len(data["skips"])} skip trailers and '
             f'{len(data["late_repairs"])} late repairs in {escape(data.get("history", ""))}.</p>',
             "<h2>Rules by the retries they cost</h2>",
             _bars([(r["rule"], r["retries"]) for r in rules if r["retries"]], "retries per rule"),
             _table(["rule", "failures", "by stage", "skips", "top skip reasons", "late repairs", "passes"],
                    [[r["rule"], r["failures"], ", ".join(f"{k} {v}" for k, v in r["failures_by_stage"].items()),
                      r["skips"], "; ".join(f"{x['reason']} ({x['count']})" for x in r["skip_reasons"]),
                      r["late_repairs"], r["passes"]] for r in rules]),
             "<h2>Failures per week</h2>",
             _bars([(w["week"], w["failures"]) for w in data["weekly_failures"]], "failures per week"),
             "<h2>Hook time</h2>",
             _table(["stage", "runs", "median ms"],
                    [[s, t["runs"], t["median"]] for s, t in data["hook_time_ms"].items()]),
             "<h2>Skips</h2>",
             _table(["rule", "reason", "author", "date", "commit", "paths"],
                    [[s["rule"], s["reason"], s["author"], s["date"][:10], s["sha"][:10],
                      ", ".join(s["paths"][:5])] for s in data["skips"]]),
             "<h2>Late repairs</h2>",
             _table(["rule", "commit", "author", "date", "header"],
                    [[r["rule"], r["sha"][:10], r["author"], r["date"][:10], r["header"]]
                     for r in data["late_repairs"]]),
             "<h2>Agents' refused commands</h2>",
             _table(["agent", "refused", "most often"],
                    [[a["agent"], a["refused"], "; ".join(f"{t['what']} ({t['count']})" for t in a["top"])]
                     for a in data["agents"]])]
    if data.get("suggestions") is not None:
        parts.append("<h2>Suggested changes to the workflow</h2>")
        if not data["suggestions"]:
            parts.append('<p class="muted">None: nothing in this data argues for a change.</p>')
        for s in data["suggestions"]:
            parts.append(f"<h3>{escape(s['rule'])}: {escape(s['change'])}</h3><p>{escape(s['evidence'])}</p>"
                         f"<pre>{escape(s['yaml'])}</pre>")
    parts.append("</body></html>\n")
    return "".join(parts)
