"""Changelog fragment files, named as towncrier reads them.

``<name>.<type>[.<counter>][.<ext>]`` directly inside the fragment folder: ``<name>`` of
``[A-Za-z0-9._-]``, optionally after a ``+`` (an orphan note with no issue number); ``<type>``
is the last dot-separated part after the first that is a known type, so
``fix-1.2.3.feature.md`` is a feature; ``<counter>`` digits (two notes for one issue).
"""

from __future__ import annotations

import os

from . import lazyre
from .globs import any_match
from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path
    from typing import Any

_HOUSEKEEPING = frozenset({".gitignore", ".gitkeep", ".keep"})


class Fragments(NamedTuple):
    """A changelog rule's fragment settings, defaults filled in (see ``rules.changelog.parse``)."""

    dir: str
    types: tuple[str, ...]
    extensions: tuple[str, ...]
    output: str
    headings: Mapping[str, str]
    commit_types: Mapping[str, str]  # Conventional Commits type -> fragment type
    ignore: tuple[str, ...] = ()
    build: tuple[str, ...] | None = None  # the project's own renderer, {version}/{date} filled in
    allow_empty: tuple[str, ...] = ()
    format: str = "towncrier"  # or "changesets": .changeset/*.md with package levels in front matter
    names: tuple[str, ...] = ()  # changesets: the names this package goes by (its key, its manifest's)
    known: tuple[str, ...] = ()  # changesets: every package name of the workspace

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Fragments:
        d = dict(data)
        return cls(
            dir=str(d["dir"]).rstrip("/"), types=tuple(d["types"]), extensions=tuple(d["extensions"]),
            output=d["output"], headings=dict(d.get("headings") or {}),
            commit_types=dict(d.get("commit_types") or {}), ignore=tuple(d.get("ignore") or ()),
            build=tuple(d["build"]) if d.get("build") else None,
            allow_empty=tuple(d.get("allow_empty") or ()),
            format=str(d.get("format") or "towncrier"), names=tuple(d.get("names") or ()),
            known=tuple(d.get("known") or ()),
        )


class Fragment(NamedTuple):
    name: str
    type: str
    counter: int | None
    ext: str | None


def is_ignored_file(filename: str, path: str | None = None, ignore: Sequence[str] = ()) -> bool:
    """README*, .gitkeep, hidden files and ``fragments.ignore`` matches live in the folder but
    are not fragments (``path``: the file's path from the repository root, for ``ignore``)."""
    if filename in _HOUSEKEEPING or filename.startswith(".") or filename.upper().startswith("README"):
        return True
    return bool(ignore) and any_match(ignore, path or filename)


def parse_name(filename: str, types: Sequence[str], extensions: Sequence[str]) -> Fragment | str:
    """The fragment a file name describes, or a sentence saying what is wrong with it."""
    parts = filename.split(".")
    known = set(types)
    at = next((i for i in range(len(parts) - 1, 0, -1) if parts[i] in known), None)
    if at is None:
        exts = {e.lower() for e in extensions}
        guess = [p for p in parts[1:] if p and not p.isdigit() and p.lower() not in exts]
        if not guess:
            return (f"{filename!r} has no known type: name it <name>.<type>[.<ext>] with a type from "
                    f"{', '.join(types)}")
        import difflib  # only on this error path: the hook does not pay for it

        close = difflib.get_close_matches(guess[-1], types, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{filename!r} has the unknown type {guess[-1]!r}{hint}; expected one of: {', '.join(types)}"
    name, ftype, rest = ".".join(parts[:at]), parts[at], parts[at + 1 :]
    if not _valid_name(name):
        return (f"{filename!r}: the name before .{ftype} may use only letters, digits, '.', '_' and '-' "
                "(a leading '+' marks a note with no issue number)")
    counter: int | None = None
    if rest and rest[0].isdigit():
        counter = int(rest.pop(0))
    exts = {e.lower() for e in extensions}
    ext: str | None = None
    if len(rest) == 1 and rest[0].lower() in exts:
        ext = rest.pop()
    if rest:
        return (f"{filename!r}: '.{'.'.join(rest)}' after the type {ftype!r} is not a counter or an "
                f"extension ({', '.join(extensions) or 'none'})")
    return Fragment(name, ftype, counter, ext)


def _valid_name(name: str) -> bool:
    """Letters, digits, '.', '_' and '-', after an optional leading '+' (string methods, not a
    regex: classifying a fragment is on every hook's path)."""
    body = name[1:] if name.startswith("+") else name
    return bool(body) and body.isascii() and all(c.isalnum() or c in "._-" for c in body)


def looks_like_template(filename: str) -> bool:
    """A towncrier template kept beside the fragments: never a fragment when it has no known type."""
    low = filename.lower()
    return "template" in low or low.endswith((".j2", ".jinja", ".jinja2"))


def classify(filename: str, path: str, types: Sequence[str], extensions: Sequence[str],
             ignore: Sequence[str] = ()) -> Fragment | str | None:
    """A file in the fragment folder: a Fragment, a problem (str), or None when it is not a
    fragment at all (housekeeping, ``fragments.ignore``, a template)."""
    if is_ignored_file(filename, path, ignore):
        return None
    parsed = parse_name(filename, types, extensions)
    if isinstance(parsed, str) and looks_like_template(filename):
        return None
    return parsed


_WORD = lazyre.compile(r"\w+")


def opening_words(text: str, count: int = 8) -> list[str]:
    """The first words of a note, case-folded, punctuation and markup ignored."""
    return _WORD.findall(text.casefold())[:count]


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def _error(message: str, **kw: Any) -> Exception:
    from .errors import WfguardError

    return WfguardError(message, **kw)


def pending_fragments(root: Path, frag: Fragments) -> list[tuple[str, Fragment, str]]:
    """(path, fragment, body) of every fragment in the folder; refuses bad or empty ones."""
    folder = root / frag.dir
    if folder.exists() and root.resolve() not in folder.resolve().parents:
        raise _error(f"{frag.dir} resolves outside the repository ({folder.resolve()}); nothing was changed")
    allow_empty = set(frag.allow_empty)
    found, bad = [], []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        rel = f"{frag.dir}/{path.name}"
        parsed = classify(path.name, rel, frag.types, frag.extensions, frag.ignore)
        if parsed is None:
            continue
        source = path
        if path.is_symlink():
            # a link to a sibling lists one note under two types, as towncrier reads it; a link
            # anywhere else is never read
            target = os.readlink(path)
            source = folder / target
            if "/" in target or target in (".", "..") or source.is_symlink() or not source.is_file():
                bad.append(f"{path.name} is a symlink to {target!r}: a fragment may link only to another "
                           f"file in {frag.dir}/")
                continue
        elif not path.is_file():
            continue
        if isinstance(parsed, str):
            bad.append(parsed)
            continue
        body = source.read_text(encoding="utf-8", errors="replace")
        if not body.strip() and parsed.type not in allow_empty:
            bad.append(f"{path.name} is empty")
            continue
        found.append((rel, parsed, body))
    if bad:
        raise _error(f"{len(bad)} file(s) in {frag.dir}/ are not valid fragments; nothing was changed",
                           details=tuple(bad), hint="rename them, or list them under fragments.ignore")
    return found


# --- changesets (https://github.com/changesets/changesets) ----------------------------------

_CHANGESET_LINE = lazyre.compile(r"""^\s*(?P<q>["']?)(?P<name>[^"':]+?)(?P=q)\s*:\s*(?P<level>\S*)\s*$""")
CHANGESET_LEVELS = ("major", "minor", "patch")


class Changeset(NamedTuple):
    levels: dict[str, tuple[str, int]]  # package name -> (level, line)
    summary: str
    problems: tuple[tuple[int, str], ...]  # (line, what is wrong)


def is_changeset(filename: str) -> bool:
    return filename.endswith(".md") and not filename.upper().startswith("README")


def parse_changeset(text: str) -> Changeset:
    """The front matter (package: level lines between two ``---``) and the summary below it."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return Changeset({}, text.strip(), ((1, "no front matter: a changeset starts with '---', the "
                                              "package levels, and '---'"),))
    end = next((i for i, ln in enumerate(lines[1:], 1) if ln.strip() == "---"), None)
    if end is None:
        return Changeset({}, "", ((1, "the front matter is not closed by a '---' line"),))
    levels: dict[str, tuple[str, int]] = {}
    problems: list[tuple[int, str]] = []
    for i, line in enumerate(lines[1:end], 2):
        if not line.strip():
            continue
        m = _CHANGESET_LINE.match(line)
        if not m:
            problems.append((i, f"not a 'package: level' line: {line.strip()!r}"))
        elif m.group("level") not in CHANGESET_LEVELS:
            problems.append((i, f"{m.group('name')}: unknown level {m.group('level')!r} (major, minor or patch)"))
        else:
            levels[m.group("name")] = (m.group("level"), i)
    summary = "\n".join(lines[end + 1:]).strip()
    if levels and not summary:
        problems.append((end + 1, "the summary below the front matter is empty: it is the release note"))
    return Changeset(levels, summary, tuple(problems))
