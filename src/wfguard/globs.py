"""Path globs with the semantics of git's ``:(glob)`` pathspecs, anchored at the repo root.

``*`` and ``?`` stay inside one folder, ``**/`` and ``/**`` span folders, ``[...]`` is a
character class. A pattern without wildcards also matches everything under it as a folder
(``src`` matches ``src/app.py``), exactly as ``git ls-files -- ':(glob)src'`` does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

_WILDCARDS = frozenset("*?[")


class GlobError(ValueError):
    pass


def _translate(pattern: str) -> str:
    first_wildcard = min((pattern.find(c) for c in "*?[\\" if c in pattern), default=len(pattern))
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            j = i
            while j < n and pattern[j] == "*":
                j += 1
            stars = j - i
            # As git: a run of two or more '*' spans folders when it is a whole segment. git
            # strips the pattern's literal prefix before matching, so a run that starts right
            # after that prefix counts as a segment start too ('a**' spans folders, '?**' not).
            at_start = i == 0 or pattern[i - 1] == "/" or i == first_wildcard
            at_end = j == n or pattern[j] == "/"
            if stars >= 2 and at_start and at_end:
                if j == n:  # "dir/**" or a bare "**": everything below
                    out.append(".*")
                    i = j
                else:  # "**/" matches zero or more folders
                    out.append("(?:.*/)?")
                    i = j + 1
                continue
            out.append("[^/]*")
            i = j
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] in "!^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 1
            if j >= n:
                raise GlobError(f"unclosed '[' in glob {pattern!r}")
            body = pattern[i + 1 : j]
            negate = body[:1] in ("!", "^")
            if negate:
                body = body[1:]
            body = body.replace("\\", "\\\\").replace("^", "\\^").replace("[", "\\[")
            out.append(f"[^/{body}]" if negate else f"(?!/)[{body}]")
            i = j + 1
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> re.Pattern[str]:
    if not pattern.strip():
        raise GlobError("empty glob")
    # as git normalizes a pathspec: '.' components dropped, '.' alone is the whole repository
    raw_parts = pattern.strip("/").split("/")
    trailing = pattern.endswith("/") or (len(raw_parts) > 1 and raw_parts[-1] == ".")  # 'a/.' is 'a/'
    parts = [p for p in raw_parts if p not in ("", ".")]
    if ".." in parts:
        raise GlobError(f"glob {pattern!r} points outside the repository")
    if not parts:
        return re.compile(".*", re.DOTALL)
    pat = "/".join(parts) + ("/" if trailing else "")
    if not _WILDCARDS.intersection(pat):
        prefix = re.escape(pat.rstrip("/"))
        regex = f"{prefix}/.*" if pat.endswith("/") else f"{prefix}(?:/.*)?"
    else:
        regex = _translate(pat)
    try:
        return re.compile(regex, re.DOTALL)
    except re.error as exc:
        raise GlobError(f"invalid glob {pattern!r}: {exc}") from exc


def check_glob(pattern: str) -> str | None:
    """The problem with a glob, or None when it is valid."""
    try:
        compile_glob(pattern)
    except GlobError as exc:
        return str(exc)
    return None


@lru_cache(maxsize=256)
def compile_globs(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """Several globs as one regex: one match per path, however many globs a rule lists."""
    return re.compile("|".join(f"(?:{compile_glob(p).pattern})" for p in patterns), re.DOTALL)


class PathFilter(NamedTuple):
    """``paths`` (absent: every path) minus ``ignore``."""

    include: tuple[str, ...] | None
    exclude: tuple[str, ...] = ()

    def matches(self, path: str) -> bool:
        if self.include is not None and not any_match(self.include, path):
            return False
        return not (self.exclude and any_match(self.exclude, path))


def any_match(patterns: Sequence[str], path: str) -> bool:
    return bool(patterns) and compile_globs(tuple(patterns)).fullmatch(path) is not None
