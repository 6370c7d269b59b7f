"""Version numbers under two schemes: PEP 440 (through ``packaging``) and SemVer 2.0.0.

Only ``release`` imports this module (never a hook). A version is reduced to what a release
decides on: the release triple, an optional pre-release (label, number), and an order key.
"""

from __future__ import annotations

import re

from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Literal

    Level = Literal["major", "minor", "patch"]

    Scheme = Literal["pep440", "semver"]

LEVELS: tuple[Level, ...] = ("patch", "minor", "major")  # lowest first

# SemVer 2.0.0's own regular expression (semver.org), without the optional leading "v"
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


class InvalidVersion(ValueError):
    pass


class Version(NamedTuple):
    text: str
    release: tuple[int, int, int]
    pre: tuple[str, int] | None  # ("rc", 1)
    key: tuple[object, ...]  # sorts as the scheme orders versions

    @property
    def base(self) -> str:
        return ".".join(map(str, self.release))


def parse(text: str, scheme: Scheme) -> Version:
    return _parse_semver(text) if scheme == "semver" else _parse_pep440(text)


def _parse_pep440(text: str) -> Version:
    from packaging.version import InvalidVersion as Bad
    from packaging.version import Version as Pep440

    try:
        v = Pep440(text)
    except Bad:
        raise InvalidVersion(f"{text!r} is not a PEP 440 version") from None
    if v.epoch or v.post is not None or v.local or (v.dev is not None and v.pre is not None):
        raise InvalidVersion(f"{text!r}: epochs, .post and +local versions are not released by wfguard")
    parts = (*v.release, 0, 0)[:3]
    if len(v.release) > 3:
        raise InvalidVersion(f"{text!r} has more than three release numbers")
    pre: tuple[str, int] | None = (v.pre[0], v.pre[1]) if v.pre else None
    if v.dev is not None:
        # a X.Y.Z.devN tag (pytest, setuptools_scm projects) opens X.Y.Z's development: the next
        # release reaches X.Y.Z as it would after a pre-release
        pre = ("dev", v.dev)
    return Version(str(v), (parts[0], parts[1], parts[2]), pre, (v,))


def _parse_semver(text: str) -> Version:
    m = _SEMVER.match(text)
    if not m:
        raise InvalidVersion(f"{text!r} is not a SemVer 2.0.0 version (MAJOR.MINOR.PATCH[-PRE][+BUILD])")
    release = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    pre_ids = m.group(4).split(".") if m.group(4) else []
    pre: tuple[str, int] | None = None
    if pre_ids:
        label = pre_ids[0]
        number = int(pre_ids[1]) if len(pre_ids) > 1 and pre_ids[1].isdigit() else 0
        pre = (label, number)
    # precedence (semver.org, item 11): a pre-release sorts before its release; identifiers
    # compare numerically when numeric, and numbers before words
    ids = tuple((0, int(i), "") if i.isdigit() else (1, 0, i) for i in pre_ids)
    key = (release, 0 if pre_ids else 1, ids)
    return Version(text, release, pre, key)


def format_version(release: tuple[int, int, int], pre: tuple[str, int] | None, scheme: Scheme) -> str:
    base = ".".join(map(str, release))
    if pre is None:
        return base
    label, n = pre
    if scheme == "semver":
        return f"{base}-{label}.{n}"
    return f"{base}{label}{n}"


def bump(release: tuple[int, int, int], level: Level, zero_major: Literal["minor", "major"]) -> tuple[int, int, int]:
    major, minor, patch = release
    if level == "major" and major == 0 and zero_major == "minor":
        level = "minor"  # below 1.0.0 a breaking change raises the minor
    if level == "major":
        return (major + 1, 0, 0)
    if level == "minor":
        return (major, minor + 1, 0)
    return (major, minor, patch + 1)


def pre_label(label: str, scheme: Scheme) -> str:
    """``--pre`` as the scheme writes it: PEP 440 knows a, b and rc (alpha, beta, c, pre, preview
    are its spellings of the same); SemVer takes any identifier."""
    if scheme == "semver":
        if not re.fullmatch(r"[0-9A-Za-z-]+", label) or label.isdigit():
            raise InvalidVersion(f"--pre {label!r}: a SemVer pre-release label is letters, digits and '-'")
        return label
    spelled = {"a": "a", "alpha": "a", "b": "b", "beta": "b", "rc": "rc", "c": "rc", "pre": "rc",
               "preview": "rc"}
    if label.lower() not in spelled:
        raise InvalidVersion(f"--pre {label!r}: PEP 440 pre-releases are a (alpha), b (beta) or rc")
    return spelled[label.lower()]


def next_version(current: Version, level: Level | None, pre: str | None, scheme: Scheme,
                 zero_major: Literal["minor", "major"]) -> str | None:
    """The version after ``current`` for the pending ``level`` (None: nothing pending).

    After pre-releases, the release they prepare is reached without a further bump unless the
    pending changes ask for a higher level than the pre-release already made; ``--pre`` counts
    up (rc1, rc2) while the target stays the same and starts at 1 for a new target or label.
    """
    if current.pre is not None:
        target = current.release
        if level is not None and _needs_more(current, level, zero_major):
            target = bump(current.release, level, zero_major)
    elif level is None:
        return None
    else:
        target = bump(current.release, level, zero_major)
    if pre is None:
        return format_version(target, None, scheme)
    if current.pre is not None and target == current.release and current.pre[0] == pre:
        return format_version(target, (pre, current.pre[1] + 1), scheme)
    return format_version(target, (pre, 1), scheme)


def _needs_more(current: Version, level: Level, zero_major: Literal["minor", "major"]) -> bool:
    """A pre-release of X.Y.0 already carries a minor bump; of X.0.0 a major one."""
    major, minor, patch = current.release
    made: Level = "patch" if patch else ("minor" if minor or (major == 0 and zero_major == "minor") else "major")
    if major == 0 and level == "major" and zero_major == "minor":
        level = "minor"
    return LEVELS.index(level) > LEVELS.index(made)
