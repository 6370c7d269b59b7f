"""Path globs with the meaning of a line of ``.gitignore``, matched against repository paths.

A pattern with no slash but a trailing one (``*.pem``, ``secrets/``, ``docs``) matches at any
depth; a slash at the start or inside (``/build``, ``src/*.py``) anchors it at the root. A
pattern that matches a folder matches everything under it; a trailing ``/`` matches folders
only. ``*`` and ``?`` stay inside one folder; ``**/``, ``/**/`` and ``/**`` span folders; any
other run of stars is one ``*``. ``git check-ignore`` is the oracle the tests hold this to.

Branch names are not paths: :func:`match_branch` anchors a glob at both ends of the name.
"""

from __future__ import annotations

from . import lazyre
from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Sequence

# re is imported where a regex is built: the usual globs ('src/**', 'docs', '*.md') are matched
# with string methods (see _plain), and a hook whose rules have only those never loads re
_SPECIAL = frozenset("*?[\\")


class GlobError(ValueError):
    pass


# what re.escape escapes, without importing re
_ESCAPES = {i: "\\" + chr(i) for i in b"()[]{}?*+-|^$\\.&~# \t\n\r\v\f"}


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


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
            out.append(_escape(pattern[i + 1]))
            i += 2
        else:
            out.append(_escape(c))
            i += 1
    return "".join(out)


def _strip_trailing_spaces(pattern: str) -> str:
    # as git: trailing spaces are dropped unless escaped with a backslash
    stripped = pattern.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(pattern):
        stripped += " "
    return stripped


def _parts(pattern: str) -> tuple[str, bool, bool]:
    """(body, anchored, folders only) of a valid glob; GlobError names what is wrong."""
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
    return pat, anchored, dir_only


_REGEXES: dict[str, str] = {}


def _regex(pattern: str) -> str:
    regex = _REGEXES.get(pattern)
    if regex is None:
        pat, anchored, dir_only = _parts(pattern)
        # a match of any leading folder covers everything below it, as an ignored folder does
        regex = ("" if anchored else "(?:.*/)?") + _translate(pat) + ("/.*" if dir_only else "(?:/.*)?")
        _REGEXES[pattern] = regex
    return regex


def _plain(pattern: str) -> Callable[[str], bool] | None:
    """The glob's verdict by string methods, for the shapes that need no regex: a literal path
    or name (``docs``, ``/build``, ``src/app.py``, ``secrets/``), ``DIR/**`` and ``*.ext``.
    None for any other glob (and for an invalid one: the regex path names the problem). The
    tests hold each shape to the regex, and the regex to git."""
    try:
        pat, anchored, dir_only = _parts(pattern)
    except GlobError:
        return None
    if pat.endswith("/**") and not dir_only:
        stem = pat[:-3]
        if not stem or _SPECIAL.intersection(stem):
            return None
        prefix = stem + "/"
        return lambda path: path.startswith(prefix)
    if pat.startswith("*") and not anchored and not dir_only:
        tail = pat[1:]
        if not tail or _SPECIAL.intersection(tail):
            return None
        return lambda path: any(seg.endswith(tail) for seg in path.split("/"))
    if _SPECIAL.intersection(pat):
        return None
    if anchored:
        prefix = pat + "/"
        return (lambda path: path.startswith(prefix)) if dir_only else \
            (lambda path: path == pat or path.startswith(prefix))
    if dir_only:
        return lambda path: pat in path.split("/")[:-1]
    return lambda path: pat in path.split("/")


def compile_glob(pattern: str) -> re.Pattern[str]:
    import re

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


def compile_globs(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """Several globs as one regex: one match per path, however many globs a rule lists."""
    return lazyre.compile("|".join(f"(?:{_regex(p)})" for p in patterns), lazyre.DOTALL)


_MATCHERS: dict[tuple[str, ...], Callable[[str], bool]] = {}


def matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a path matches any of ``patterns``: string methods when every glob allows them,
    else one regex for all of them."""
    found = _MATCHERS.get(patterns)
    if found is None:
        plain = [_plain(p) for p in patterns]
        if all(plain):
            tests = tuple(f for f in plain if f is not None)
            found = tests[0] if len(tests) == 1 else (lambda path: any(test(path) for test in tests))
        else:
            fullmatch = compile_globs(patterns).fullmatch
            found = lambda path: fullmatch(path) is not None  # noqa: E731
        if len(_MATCHERS) >= 256:  # rule sets are few; a long-running caller never grows this unbounded
            _MATCHERS.clear()
        _MATCHERS[patterns] = found
    return found


class PathFilter(NamedTuple):
    """``paths`` (absent: every path) minus ``ignore``."""

    include: tuple[str, ...] | None
    exclude: tuple[str, ...] = ()

    def matches(self, path: str) -> bool:
        if self.include is not None and not any_match(self.include, path):
            return False
        return not (self.exclude and any_match(self.exclude, path))


def any_match(patterns: Sequence[str], path: str) -> bool:
    return bool(patterns) and matcher(tuple(patterns))(path)


_BRANCH_REGEXES: dict[tuple[str, ...], re.Pattern[str]] = {}


def _branch_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    regex = _BRANCH_REGEXES.get(patterns)
    if regex is None:
        regex = lazyre.compile("|".join(f"(?:{_translate(p.strip('/'))})" for p in patterns), lazyre.DOTALL)
        _BRANCH_REGEXES[patterns] = regex
    return regex


def match_branch(patterns: Sequence[str], branch: str) -> bool:
    """Whether a branch name matches one of ``patterns`` as a whole (``release/*``, ``main``)."""
    return bool(patterns) and _branch_regex(tuple(patterns)).fullmatch(branch) is not None
