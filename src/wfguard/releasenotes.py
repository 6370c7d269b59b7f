"""Fragments into a release section of the changelog, in the changelog's own format.

Markdown follows Keep a Changelog (``## [V] - DATE``, ``### Added``); reStructuredText follows
towncrier (``V (DATE)`` underlined as the file's existing release titles are, then the type
headings). Pure functions, no I/O.
"""

from __future__ import annotations

import re

from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from .fragments import Fragment

MARKER = "<!-- wfguard:release-notes -->"
TOWNCRIER_MARKERS = (".. towncrier release notes start", "<!-- towncrier release notes start -->")
_UNRELEASED = re.compile(r"^#{1,6}\s*\[?\s*unreleased\s*\]?.*$", re.IGNORECASE | re.MULTILINE)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_VERSIONISH = re.compile(r"(?<![\w.])v?\d+\.\d+")
_RST_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+:.<>_])\1{2,}\s*$")


class Entry(NamedTuple):
    fragment: str  # its path
    text: str
    refs: tuple[str, ...] = ()  # issue references, as "#123"


class Section(NamedTuple):
    type: str
    heading: str
    entries: tuple[Entry, ...]


def is_rst(output: str) -> bool:
    return output.lower().endswith(".rst")


def entry_text(body: str) -> str:
    """A fragment's body as one bullet: a leading '- ' or '* ' dropped, later lines indented."""
    lines = [ln.rstrip() for ln in body.strip("\n").splitlines()]
    if lines:
        lines[0] = re.sub(r"^\s*[-*]\s+", "", lines[0])
    return "\n".join([lines[0], *("  " + ln if ln.strip() else "" for ln in lines[1:])]) if lines else ""


def _ref(fragment: Fragment) -> tuple[str, ...]:
    # towncrier's "(#123)" for a fragment named by its issue number; slugs and orphans carry none
    return (f"#{int(fragment.name)}",) if fragment.name.isdigit() else ()


def sections(found: Sequence[tuple[str, Fragment, str]], types: Sequence[str],
             headings: Mapping[str, str]) -> list[Section]:
    """Group (path, fragment, body) by type, in the configured order of types; entries by name.
    Notes with the same text become one entry with every reference, as towncrier does."""
    out = []
    for t in types:
        merged: dict[str, Entry] = {}
        for path, frag, body in sorted(found, key=lambda f: f[0]):
            if frag.type != t:
                continue
            text = entry_text(body)
            key = text or f"\0{path}"  # empty notes (allow_empty types) are each their own entry
            prev = merged.get(key)
            refs = _ref(frag)
            merged[key] = prev._replace(refs=prev.refs + refs) if prev else Entry(path, text, refs)
        entries = tuple(e for e in merged.values() if e.text or e.refs)
        if entries:
            out.append(Section(t, headings.get(t, t.capitalize()), entries))
    return out


def _bullet(e: Entry) -> str:
    refs = ", ".join(e.refs)
    if not e.text:
        return f"- {refs}"
    return f"- {e.text}" + (f" ({refs})" if refs else "")


def render(version: str, date: str, secs: Sequence[Section], *, rst: bool = False,
           title_char: str = "=", sub_char: str = "-") -> str:
    if rst:
        title = f"{version} ({date})"
        lines = [title, title_char * len(title), ""]
    else:
        lines = [f"## [{version}] - {date}", ""]
    if not secs:
        lines += ["No significant changes.", ""]
    for sec in secs:
        lines += [sec.heading, sub_char * len(sec.heading)] if rst else [f"### {sec.heading}"]
        lines.append("")
        lines += [_bullet(e) for e in sec.entries]
        lines.append("")
    return "\n".join(lines)


# --- reading the existing changelog --------------------------------------------------------

class Heading(NamedTuple):
    start: int  # offset of the heading's first line
    text: str
    adornment: str | None  # the RST underline character, None for Markdown


def headings(changelog: str) -> list[Heading]:
    """Markdown ``#`` headings and reStructuredText underlined titles, in order."""
    out: list[Heading] = []
    lines = changelog.splitlines(keepends=True)
    offset = 0
    offsets = []
    for ln in lines:
        offsets.append(offset)
        offset += len(ln)
    in_fence = False
    for i, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        if line.startswith("```"):
            in_fence = not in_fence
        if in_fence:
            continue
        m = _MD_HEADING.match(line)
        if m:
            out.append(Heading(offsets[i], m.group(2).strip(), None))
            continue
        if i + 1 < len(lines) and line.strip() and not _RST_ADORNMENT.match(line):
            under = lines[i + 1].rstrip("\r\n")
            a = _RST_ADORNMENT.match(under)
            if a and len(under.rstrip()) >= len(line.rstrip()):
                start = offsets[i]
                # an overline above the title belongs to it
                if i > 0 and lines[i - 1].rstrip("\r\n") == under:
                    start = offsets[i - 1]
                out.append(Heading(start, line.strip(), a.group(1)))
    return out


def _names_version(text: str, version: str) -> bool:
    v = re.escape(version.lstrip("vV"))
    return re.search(rf"(?<![\w.+-])\[?v?{v}(?![\w+-]|\.\w)", text) is not None


def has_version(changelog: str, version: str) -> bool:
    return any(_names_version(h.text, version) for h in headings(changelog))


def _release_headings(changelog: str) -> list[Heading]:
    return [h for h in headings(changelog) if _VERSIONISH.search(h.text)
            and not _UNRELEASED.match("# " + h.text)]


def rst_adornments(changelog: str) -> tuple[str, str]:
    """The underline characters of release titles and of the sections inside them."""
    releases = _release_headings(changelog)
    title = next((h.adornment for h in releases if h.adornment), "=")
    chars = [h.adornment for h in headings(changelog) if h.adornment]
    sub = next((c for c in chars if c != title), "-" if title != "-" else "~")
    return title, sub


def insert(changelog: str, section: str, *, rst: bool = False) -> str:
    """Place ``section`` below a start marker, else under the Unreleased heading (Markdown),
    else above the newest release, else below the document title, else at the end."""
    block = section.rstrip("\n") + "\n\n"
    if not changelog.strip():
        return ("Changelog\n=========\n\n" if rst else "# Changelog\n\n") + block.rstrip("\n") + "\n"
    for marker in (MARKER, *TOWNCRIER_MARKERS):
        i = changelog.find(marker)
        if i >= 0 and (i == 0 or changelog[i - 1] == "\n"):
            end = changelog.find("\n", i)
            end = len(changelog) if end < 0 else end + 1
            return changelog[:end].rstrip("\n") + "\n\n" + block + changelog[end:].lstrip("\n")
    if not rst:
        m = _UNRELEASED.search(changelog)
        if m:
            i = m.end()
            return changelog[:i] + "\n\n" + block + changelog[i:].lstrip("\n")
    releases = _release_headings(changelog)
    if releases:
        i = releases[0].start
        return changelog[:i] + block + changelog[i:]
    hs = headings(changelog)
    if hs:  # below the document's title and whatever introduces it
        first = hs[0]
        line_end = changelog.find("\n", first.start)
        if first.adornment:
            line_end = changelog.find("\n", line_end + 1)
        line_end = len(changelog) if line_end < 0 else line_end + 1
        return changelog[:line_end].rstrip("\n") + "\n\n" + block + changelog[line_end:].lstrip("\n")
    return changelog.rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n"


def as_json(version: str, date: str, secs: Sequence[Section]) -> dict[str, Any]:
    return {"version": version, "date": date,
            "sections": [{"type": s.type, "heading": s.heading,
                          "entries": [{"text": e.text, "fragment": e.fragment, "refs": list(e.refs)}
                                      for e in s.entries]}
                         for s in secs]}


def notes(secs: Sequence[Section]) -> str:
    """The release notes clients read: the section in Markdown, without its version heading."""
    if not secs:
        return "No significant changes.\n"
    lines: list[str] = []
    for sec in secs:
        lines += [f"### {sec.heading}", "", *(_bullet(e) for e in sec.entries), ""]
    return "\n".join(lines)


def unreleased(changelog: str) -> tuple[int, int] | None:
    """The span of the body under Keep a Changelog's ``## [Unreleased]``, to the next heading
    of the same or a higher level; None when there is no such heading."""
    m = _UNRELEASED.search(changelog)
    if not m:
        return None
    level = len(m.group(0)) - len(m.group(0).lstrip("#"))
    start = m.end() + 1 if m.end() < len(changelog) else m.end()
    for h in headings(changelog):
        hm = _MD_HEADING.match(changelog[h.start:].split("\n", 1)[0])
        if h.start >= start and hm and len(hm.group(1)) <= level:
            return start, h.start
    return start, len(changelog)
