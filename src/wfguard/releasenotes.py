"""Fragments into a release-notes section (Keep a Changelog layout): pure functions, no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from .fragments import Fragment

MARKER = "<!-- wfguard:release-notes -->"
_UNRELEASED = re.compile(r"^##\s*\[?\s*unreleased\s*\]?.*$", re.IGNORECASE | re.MULTILINE)
_RELEASE = re.compile(r"^## ", re.MULTILINE)


class Entry(NamedTuple):
    fragment: str  # its path
    text: str


class Section(NamedTuple):
    type: str
    heading: str
    entries: tuple[Entry, ...]


def entry_text(body: str) -> str:
    """A fragment's body as one bullet: a leading '- ' or '* ' dropped, later lines indented."""
    lines = body.strip("\n").splitlines()
    if lines:
        lines[0] = re.sub(r"^\s*[-*]\s+", "", lines[0])
    return "\n".join([lines[0], *("  " + ln if ln.strip() else "" for ln in lines[1:])]) if lines else ""


def sections(found: Sequence[tuple[str, Fragment, str]], types: Sequence[str],
             headings: Mapping[str, str]) -> list[Section]:
    """Group (path, fragment, body) by type, in the configured order of types; entries by name."""
    out = []
    for t in types:
        entries = sorted((Entry(path, entry_text(body)) for path, frag, body in found if frag.type == t),
                         key=lambda e: e.fragment)
        if entries:
            out.append(Section(t, headings.get(t, t.capitalize()), tuple(entries)))
    return out


def render(version: str, date: str, secs: Sequence[Section]) -> str:
    lines = [f"## [{version}] - {date}", ""]
    if not secs:
        lines += ["No significant changes.", ""]
    for sec in secs:
        lines += [f"### {sec.heading}", ""]
        lines += [f"- {e.text}" for e in sec.entries]
        lines.append("")
    return "\n".join(lines)


def has_version(changelog: str, version: str) -> bool:
    return re.search(rf"^##\s*\[?{re.escape(version)}\]?(\s|$)", changelog, re.MULTILINE) is not None


def insert(changelog: str, section: str) -> str:
    """Place ``section`` after the marker, else under the Unreleased heading, else above the
    first release heading, else at the end."""
    if not changelog.strip():
        return "# Changelog\n\n" + section
    block = section.rstrip("\n") + "\n\n"
    if MARKER in changelog:
        i = changelog.index(MARKER) + len(MARKER)
        return changelog[:i].rstrip("\n") + "\n\n" + block + changelog[i:].lstrip("\n")
    m = _UNRELEASED.search(changelog)
    if m:
        i = m.end()
        return changelog[:i] + "\n\n" + block + changelog[i:].lstrip("\n")
    m = _RELEASE.search(changelog)
    if m:
        return changelog[: m.start()] + block + changelog[m.start():]
    return changelog.rstrip("\n") + "\n\n" + block


def as_json(version: str, date: str, secs: Sequence[Section]) -> dict[str, Any]:
    return {"version": version, "date": date,
            "sections": [{"type": s.type, "heading": s.heading,
                          "entries": [{"text": e.text, "fragment": e.fragment} for e in s.entries]}
                         for s in secs]}
