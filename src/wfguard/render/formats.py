"""Machine formats of a check report: SARIF 2.1.0, JUnit XML, GitHub workflow commands."""

from __future__ import annotations

import json
from urllib.parse import quote

from .. import __version__
from ..records import TYPE_CHECKING
from . import safe

if TYPE_CHECKING:
    from typing import Any

    from ..report import Report, Result

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _findings(r: Result) -> list[tuple[str, str | None, int | None]]:
    """One (text, path, line) per message of a failed rule."""
    if r.status != "fail":
        return []
    return ([(safe.text(m.text), m.path, m.line) for m in r.messages]
            or [(f"rule {r.rule} failed", None, None)])


def sarif(report: Report) -> str:
    rules = []
    results: list[dict[str, Any]] = []
    for i, r in enumerate(report.results):
        rules.append({
            "id": r.rule,
            "name": r.rule,
            "shortDescription": {"text": r.why or f"wfguard rule {r.rule} ({r.kind})"},
            "help": {"text": f"Fix: {r.fix}"},
            "defaultConfiguration": {"level": "error" if r.severity == "error" else "warning"},
            "properties": {"kind": r.kind, **({"package": r.package} if r.package else {})},
        })
        for text, path, line in _findings(r):
            result: dict[str, Any] = {
                "ruleId": r.rule, "ruleIndex": i,
                **({"properties": {"package": r.package}} if r.package else {}),
                "level": "error" if r.severity == "error" else "warning",
                "message": {"text": f"{text}\nWhy: {r.why}\nFix: {r.fix}" if r.why else f"{text}\nFix: {r.fix}"},
            }
            if path:
                uri = quote(safe.path_bytes(path))
                physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
                if line:
                    physical["region"] = {"startLine": line}
                result["locations"] = [{"physicalLocation": physical}]
            results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "wfguard", "version": __version__, "rules": rules}},
        "results": results,
        "invocations": [{"executionSuccessful": True}],
    }
    if report.head:
        run["versionControlProvenance"] = [{"repositoryUri": "urn:wfguard:repository", "revisionId": report.head}]
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False)


def junit(report: Report) -> str:
    import xml.etree.ElementTree as ET

    failures = sum(r.blocking for r in report.results)
    skipped = sum(r.status in ("skip", "not-applicable") for r in report.results)
    total_s = sum(r.duration_ms for r in report.results) / 1000
    suites = ET.Element("testsuites", name="wfguard", tests=str(len(report.results)), failures=str(failures),
                        errors="0", skipped=str(skipped), time=f"{total_s:.3f}")
    suite = ET.SubElement(suites, "testsuite", name=f"wfguard {report.stage}", tests=str(len(report.results)),
                          failures=str(failures), errors="0", skipped=str(skipped), time=f"{total_s:.3f}")
    for r in report.results:
        case = ET.SubElement(suite, "testcase", classname=f"wfguard.{report.stage}", name=r.rule,
                             time=f"{r.duration_ms / 1000:.3f}")
        body = "\n".join(safe.text(m.text) for m in r.messages)
        if r.blocking:
            first = safe.text(r.messages[0].text) if r.messages else f"{r.rule} failed"
            fail = ET.SubElement(case, "failure", message=first, type=r.kind)
            fail.text = f"{body}\nwhy: {r.why}\nfix: {r.fix}"
        elif r.status == "skip":
            ET.SubElement(case, "skipped", message=body or "skipped")
        elif r.status == "not-applicable":
            ET.SubElement(case, "skipped", message="not applicable to this change")
        elif r.status == "fail":  # a warning: reported, not failed
            out = ET.SubElement(case, "system-out")
            out.text = f"warning: {body}\nfix: {r.fix}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


def _esc_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _esc_prop(s: str) -> str:
    return _esc_data(s).replace(":", "%3A").replace(",", "%2C")


def github(report: Report) -> str:
    """GitHub Actions workflow commands: an annotation per finding, on its file and line."""
    lines = []
    for r in report.results:
        command = "error" if r.severity == "error" else "warning"
        for text, path, line in _findings(r):
            props = []
            if path:
                props.append(f"file={_esc_prop(safe.text(path))}")
                if line:
                    props.append(f"line={line}")
            props.append(f"title={_esc_prop(f'wfguard: {r.rule}')}")
            lines.append(f"::{command} {','.join(props)}::{_esc_data(f'{text} — fix: {r.fix}')}")
        if r.status == "skip" and r.skipped:
            lines.append(f"::notice title={_esc_prop(f'wfguard: {r.rule} skipped')}::"
                         f"{_esc_data(safe.text(r.skipped.get('reason') or '(no reason)'))}")
    verdict = "passed" if report.passed else "failed"
    lines.append(f"wfguard check {verdict}: {json.dumps(report.summary())}")
    return "\n".join(lines)
