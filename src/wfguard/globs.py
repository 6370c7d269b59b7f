"""Path globs with the meaning of a line of ``.gitignore``, matched against repository paths.

A pattern with no slash but a trailing one (``*.pem``, ``secrets/``, ``docs``) matches at any
depth; a slash at the start or inside (``/build``, ``src/*.py``) anchors it at the root. A
pattern that matches a folder matches everything under it; a trailing ``/`` matches folders
only. ``*`` and ``?`` stay inside one folder; ``**/``, ``/**/`` and ``/**`` span folders; any
other run of stars is one ``*``. ``git check-ignore`` is the oracle the tests hold this to.

Branch names are not paths: :func:`match_branch` anchors a glob at both ends of the name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Sequence


class GlobError(ValueError):
    pass


def _translate(pattern: str) -> str:
    """One gitignore-style pattern (no leading or trailing slash) as a regex body."""
    first_wildcard = min((pattern.find(c) for c in "*?[\\" if c in pattern), default=len(pattern))
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            j = i
            while j < n and pattern[j] == "*":
                j += 1
            # As git: it compares the literal prefix before the first wildcard on its own and
            # matches the rest as a new pattern, so '**' right after that prefix starts a segment
            # ('b**/c' matches 'bc').
            at_start = i == 0 or pattern[i - 1] == "/" or i == first_wildcard
            at_end = j == n or pattern[j] == "/"
            if j - i >= 2 and at_start and at_end:
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


def _strip_trailing_spaces(pattern: str) -> str:
    # as git: trailing spaces are dropped unless escaped with a backslash
    stripped = pattern.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(pattern):
        stripped += " "
    return stripped


@lru_cache(maxsize=512)
def _regex(pattern: str) -> str:
    if not pattern.strip():
        raise GlobError("empty glob")
    if pattern.startswith("!"):
        raise GlobError(f"glob {pattern!r} starts with '!': list the exception under 'ignore' "
                        "instead (write '\\!' for a name that starts with '!')")
    pat = _strip_trailing_spaces(pattern)
    if "//" in pat:
        raise GlobError(f"glob {pattern!r} has an empty segment ('//'), which never matches a path")
    dir_only = pat.endswith("/")
    pat = pat.rstrip("/")
    anchored = "/" in pat
    pat = pat.lstrip("/")
    if not pat:
        raise GlobError(f"glob {pattern!r} names no path")
    if any(seg in (".", "..") for seg in pat.split("/")):
        raise GlobError(f"glob {pattern!r} has a '.' or '..' segment, which never matches a path: "
                        "write it relative to the repository root, e.g. 'src/**' or '/build'")
    body = _translate(pat)
    # a match of any leading folder covers everything below it, as an ignored folder does
    return ("" if anchored else "(?:.*/)?") + body + ("/.*" if dir_only else "(?:/.*)?")


def compile_glob(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(_regex(pattern), re.DOTALL)
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
    return re.compile("|".join(f"(?:{_regex(p)})" for p in patterns), re.DOTALL)


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


@lru_cache(maxsize=64)
def _branch_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{_translate(p.strip('/'))})" for p in patterns), re.DOTALL)


def match_branch(patterns: Sequence[str], branch: str) -> bool:
    """Whether a branch name matches one of ``patterns`` as a whole (``release/*``, ``main``)."""
    return bool(patterns) and _branch_regex(tuple(patterns)).fullmatch(branch) is not None
