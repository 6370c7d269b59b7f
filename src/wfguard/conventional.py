"""Conventional Commits 1.0.0, with the verdicts of @commitlint/config-conventional.

The error-level rules of that config: type in the list, lower-case type, non-empty subject,
header at most 100 characters without surrounding whitespace, no trailing full stop, subject
not in sentence/start/pascal/upper case, body and footer lines at most 100 characters (lines
holding a URL exempt). Messages commitlint ignores (merges, reverts, fixup!/squash!/amend!,
bare version bumps) pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TYPES = ("build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert", "style", "test")
HEADER_MAX = 100
LINE_MAX = 100

# conventional-changelog-conventionalcommits' headerPattern; \w is ASCII, as in JavaScript.
_HEADER = re.compile(r"^(\w*)(?:\((.*)\))?(!?): (.*)$", re.ASCII)
_URL = re.compile(r"\bhttps?://\S+")
_SEMVER = re.compile(
    r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"
)
_IGNORED = [
    re.compile(r"^((Merge pull request)|(Merge (.*?) into (.*?)|(Merge branch (.*?)))(?:\r?\n)*$)", re.M),
    re.compile(r"^(Merge tag (.*?))(?:\r?\n)*$", re.M),
    re.compile(r"^(R|r)evert (.*)"),
    re.compile(r"^(R|r)eapply (.*)"),
    re.compile(r"^(amend|fixup|squash)!"),
    re.compile(r"^(Merged (.*?)(in|into) (.*)|Merged PR (.*): (.*))"),
    re.compile(r"^Merge remote-tracking branch(\s*)(.*)"),
    re.compile(r"^Automatic merge(.*)"),
    re.compile(r"^Auto-merged (.*?) into (.*)"),
]


@dataclass(frozen=True)
class Header:
    type: str
    scope: str | None
    breaking: bool
    subject: str


def parse_header(header: str) -> Header | None:
    m = _HEADER.match(header)
    if not m:
        return None
    return Header(m.group(1), m.group(2), bool(m.group(3)), m.group(4))


def _is_semver_bump(message: str) -> bool:
    first = message.split("\n", 1)[0]
    stripped = re.sub(r"^chore(\([^)]+\))?:", "", first)
    stripped = re.sub(r"\[(skip|ci)(-|\s)(ci|skip)\]", "", stripped, flags=re.I)
    stripped = re.sub(r"\((skip|ci)(-|\s)(ci|skip)\)", "", stripped, flags=re.I).strip()
    return bool(_SEMVER.match(stripped))


def is_ignored(message: str) -> bool:
    """Messages git (or a forge) writes itself, which no person should have to reword."""
    return any(rx.search(message) for rx in _IGNORED) or _is_semver_bump(message)


def is_git_generated(message: str) -> bool:
    return bool(re.match(r"^(Merge (branch|pull request|remote-tracking branch|tag|commit)\b|Revert \")", message))


def _subject_case_problem(subject: str) -> str | None:
    if not subject or not subject[0].isalpha() or subject[0].lower() == subject[0].upper():
        return None  # commitlint only checks subjects that start with a cased letter
    # Sentence, start, pascal and upper case all begin with an upper-case letter, and a
    # lower-case first letter rules them all out: that first letter decides the verdict.
    if subject[0].upper() == subject[0]:
        return ("the description must start with a lower-case letter "
                "(not sentence, start, pascal or upper case)")
    return None


def check(message: str, types: tuple[str, ...] | list[str] = TYPES,
          header_max: int | None = HEADER_MAX, line_max: int | None = LINE_MAX) -> list[str]:
    """The problems with ``message`` (a full commit message); empty when it passes."""
    if is_ignored(message):
        return []
    # conventional-commits-parser drops leading blank lines and reads the header from the first line
    stripped = message.lstrip("\r\n")
    header = stripped.split("\n", 1)[0].rstrip("\r")
    problems: list[str] = []
    if header.strip() != header:
        problems.append("the header must not start or end with whitespace")
    if header_max is not None and len(header) > header_max:
        problems.append(f"the header is {len(header)} characters long; at most {header_max} allowed")
    parsed = parse_header(header)
    if parsed is None or not parsed.type:
        problems.append(
            "the header must look like 'type(scope): description', e.g. 'feat(api): add export'; "
            f"types: {', '.join(types)}"
        )
        if header.endswith(".") and not header.endswith("..."):
            problems.append("the header must not end with a full stop")
        return problems
    if parsed.type.lower() != parsed.type:
        problems.append(f"the type {parsed.type!r} must be lower case")
    if parsed.type not in types:
        problems.append(f"the type {parsed.type!r} is not one of: {', '.join(types)}")
    if not parsed.subject:
        problems.append("the description after 'type: ' is empty")
    else:
        colon = header.find(":")
        if header.endswith(".") and not header.endswith("...") and colon != len(header) - 1:
            problems.append("the description must not end with a full stop")
        case = _subject_case_problem(parsed.subject)
        if case:
            problems.append(case)
    if line_max is not None:
        body = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        for line in body.split("\n"):
            line = line.rstrip("\r")
            if len(line) > line_max and not _URL.search(line):
                problems.append(f"body and footer lines must be at most {line_max} characters "
                                f"(one is {len(line)})")
                break
    return problems


def slug(text: str) -> str:
    """``add export endpoint!`` -> ``add-export-endpoint``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
