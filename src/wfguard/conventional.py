"""Conventional Commits 1.0.0, with the verdicts of @commitlint/config-conventional.

The error-level rules of that config: type in the list, lower-case type, non-empty subject,
header at most 100 characters without surrounding whitespace, no trailing full stop, subject
not in sentence/start/pascal/upper case, body and footer lines at most 100 characters (lines
holding a URL exempt). Messages commitlint ignores (merges, reverts, fixup!/squash!/amend!,
bare version bumps) pass.
"""

from __future__ import annotations

from . import lazyre
from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import re

TYPES = ("build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert", "style", "test")
HEADER_MAX = 100
# What JavaScript's trim() removes (commitlint's header-trim): not quite Python's str.strip().
JS_WHITESPACE = "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
                "\u2028\u2029\u202f\u205f\u3000\ufeff"
LINE_MAX = 100

# conventional-changelog-conventionalcommits' headerPattern; \w is ASCII, as in JavaScript.
_HEADER = lazyre.compile(r"(?a)^(\w*)(?:\((.*)\))?(!?): (.*)$")
_URL = lazyre.compile(r"\bhttps?://\S+")
# Compiled on first use (re caches them): only version-bump-like messages need these.
_SEMVER = lazyre.compile(r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_IGNORED_PATTERNS = (
    lazyre.compile(r"^((Merge pull request)|(Merge (.*?) into (.*?)|(Merge branch (.*?)))(?:\r?\n)*$)",
                   lazyre.MULTILINE),
    lazyre.compile(r"^(Merge tag (.*?))(?:\r?\n)*$", lazyre.MULTILINE),
    lazyre.compile(r"^(R|r)evert (.*)"),
    lazyre.compile(r"^(R|r)eapply (.*)"),
    lazyre.compile(r"^(amend|fixup|squash)!"),
    lazyre.compile(r"^(Merged (.*?)(in|into) (.*)|Merged PR (.*): (.*))"),
    lazyre.compile(r"^Merge remote-tracking branch(\s*)(.*)"),
    lazyre.compile(r"^Automatic merge(.*)"),
    lazyre.compile(r"^Auto-merged (.*?) into (.*)"),
)


class Header(NamedTuple):
    type: str
    scope: str | None
    breaking: bool
    subject: str


def parse_header(header: str) -> Header | None:
    m = _HEADER.match(header)
    if not m:
        return None
    return Header(m.group(1), m.group(2), bool(m.group(3)), m.group(4))


_CHORE_PREFIX = lazyre.compile(r"^chore(\([^)]+\))?:")
_SKIP_CI = (lazyre.compile(r"\[(skip|ci)(-|\s)(ci|skip)\]", lazyre.IGNORECASE),
            lazyre.compile(r"\((skip|ci)(-|\s)(ci|skip)\)", lazyre.IGNORECASE))
# Cheap pre-tests: every message commitlint ignores starts like one of these.
_MACHINE_START = lazyre.compile(r"^(?:Merge|Revert|revert|Reapply|reapply|amend!|fixup!|squash!|Auto)")
_VERSION_START = lazyre.compile(r"^(?:v?\d|chore|\[|\()")


def _is_semver_bump(message: str) -> bool:
    first = message.split("\n", 1)[0]
    stripped = _CHORE_PREFIX.sub("", first)
    for rx in _SKIP_CI:
        stripped = rx.sub("", stripped, count=1)
    return bool(_SEMVER.match(stripped.strip()))


def is_ignored(message: str) -> bool:
    """Messages git (or a forge) writes itself, which no person should have to reword."""
    start = message.lstrip(" ")
    machine = _MACHINE_START.match(start) or "\nMerge" in message
    if machine and any(rx.search(message) for rx in _IGNORED_PATTERNS):
        return True
    return bool(_VERSION_START.match(start)) and _is_semver_bump(message)


def _fast_valid(types: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex that accepts the usual valid header outright: a listed type, any scope, and a
    description starting with a lower-case ASCII letter and ending in neither '.' nor a space.
    Anything it does not accept gets the full, rule-by-rule check."""
    # ASCII \w+ only: such a type needs no escaping in the alternation
    words = [t for t in types if t.isascii() and t and all(c.isalnum() or c == "_" for c in t)]
    if not words:
        return None
    alternation = "|".join(sorted(words, key=len, reverse=True))
    return lazyre.compile(rf"(?:{alternation})(?:\(.*\))?!?: [a-z](?:.*[^{JS_WHITESPACE}.])?", lazyre.ASCII)


_GIT_GENERATED = lazyre.compile(r"^(Merge (branch|pull request|remote-tracking branch|tag|commit)\b|Revert \")")
_NOT_SLUG = lazyre.compile(r"[^a-z0-9]+")


def is_git_generated(message: str) -> bool:
    return bool(_GIT_GENERATED.match(message))


def _subject_case_problem(subject: str) -> str | None:
    if not subject or not subject[0].isalpha() or subject[0].lower() == subject[0].upper():
        return None  # commitlint only checks subjects that start with a cased letter
    # Sentence, start, pascal and upper case all begin with an upper-case letter, and a
    # lower-case first letter rules them all out: that first letter decides the verdict.
    if subject[0].upper() == subject[0]:
        return ("the description must start with a lower-case letter "
                "(not sentence, start, pascal or upper case)")
    return None


class Checker:
    """The preset's checks for one configuration (types, lengths), prepared once."""

    def __init__(self, types: tuple[str, ...] | list[str] = TYPES, header_max: int | None = HEADER_MAX,
                 line_max: int | None = LINE_MAX) -> None:
        self.types = tuple(types)
        self.header_max = header_max
        self.line_max = line_max
        self._fast_rx: re.Pattern[str] | bool | None = False  # compiled on the first message

    @property
    def _fast(self) -> re.Pattern[str] | None:
        if self._fast_rx is False:
            self._fast_rx = _fast_valid(self.types) if self.header_max is not None else None
        assert self._fast_rx is not True
        return self._fast_rx

    def problems(self, message: str) -> list[str]:
        """What is wrong with ``message`` (a full commit message); empty when it passes."""
        if is_ignored(message):
            return []
        return self.problems_of_authored(message)

    def problems_of_authored(self, message: str) -> list[str]:
        """``problems`` for a message known not to be one commitlint ignores."""
        fast = self._fast
        if fast is not None and message[:1] not in ("\n", "\r"):
            header, _, body = message.partition("\n")
            line_max = self.line_max
            if (len(header) <= (self.header_max or 0) and fast.fullmatch(header)
                    and (line_max is None or len(body) <= line_max
                         or max(map(len, body.split("\n"))) <= line_max)):
                return []
        return self._full(message)

    def _full(self, message: str) -> list[str]:
        types, header_max, line_max = self.types, self.header_max, self.line_max
        # conventional-commits-parser drops leading blank lines and reads the header from the first line
        stripped = message.lstrip("\r\n")
        header, _, body = stripped.partition("\n")
        header = header.rstrip("\r")
        problems: list[str] = []
        if header.strip(JS_WHITESPACE) != header:
            problems.append("the header must not start or end with whitespace")
        if header_max is not None and len(header) > header_max:
            problems.append(f"the header is {len(header)} characters long; at most {header_max} allowed")
        m = _HEADER.match(header)
        full_stop = header.endswith(".") and not header.endswith("...")
        if m is None or not m.group(1):
            problems.append(
                "the header must look like 'type(scope): description', e.g. 'feat(api): add export'; "
                f"types: {', '.join(types)}"
            )
            if full_stop:
                problems.append("the header must not end with a full stop")
            return problems
        ctype, subject = m.group(1), m.group(4)
        if ctype not in types:
            if ctype.lower() != ctype:
                problems.append(f"the type {ctype!r} must be lower case")
            problems.append(f"the type {ctype!r} is not one of: {', '.join(types)}")
        if not subject:
            problems.append("the description after 'type: ' is empty")
        else:
            if full_stop and header.find(":") != len(header) - 1:
                problems.append("the description must not end with a full stop")
            case = _subject_case_problem(subject)
            if case:
                problems.append(case)
        if line_max is not None and len(body) > line_max:  # only then can one line be too long
            for line in body.split("\n"):
                if len(line.rstrip("\r")) > line_max and not _URL.search(line):
                    problems.append(f"body and footer lines must be at most {line_max} characters "
                                    f"(one is {len(line.rstrip())})")
                    break
        return problems


_DEFAULT: list[Checker] = []  # made on first use: a hook checks with its rule's own Checker


def check(message: str) -> list[str]:
    """The problems of ``message`` under the preset's defaults; empty when it passes."""
    if not _DEFAULT:
        _DEFAULT.append(Checker())
    return _DEFAULT[0].problems(message)


def slug(text: str) -> str:
    """``add export endpoint!`` -> ``add-export-endpoint``."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")
