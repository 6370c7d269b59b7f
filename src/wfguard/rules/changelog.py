"""``changelog``: a triggering change comes with a fragment, or with an edit of CHANGELOG.md.

One verdict (:func:`ChangelogRule.verdict`) serves ``check`` and ``fix`` alike, so the two never
disagree on whether a fragment is what is missing.
"""

from __future__ import annotations

import posixpath

from .. import lazyre
from ..fragments import Fragment, Fragments, classify, is_changeset, opening_words, parse_changeset, words
from ..globs import check_glob
from ..records import TYPE_CHECKING, NamedTuple
from . import options
from .base import Context, Message, Outcome, listing
from .releaseshape import release_only

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any, ClassVar

    from ..changeset import ChangedPath
    from ..model import RuleConfig, Stage

_NAME = {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}
SCHEMA: dict[str, Any] = {
    "fragments": {"type": "object", "additionalProperties": False, "properties": {
        "dir": {"type": "string", "minLength": 1},
        "types": {"type": "array", "items": _NAME, "minItems": 1, "uniqueItems": True},
        "extensions": {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z0-9]+$"},
                       "uniqueItems": True},
        "output": {"type": "string", "minLength": 1},
        "headings": {"type": "object", "additionalProperties": {"type": "string"},
                     "description": "Release-notes heading per fragment type."},
        "commit_types": {"type": "object", "additionalProperties": {"type": "string"},
                         "description": "Conventional Commits type -> fragment type, for wfguard fix."},
        "ignore": {**options.GLOBS, "description": "Files in the folder that are not fragments "
                   "(a template, notes for maintainers)."},
        "build": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                  "description": "The project's own tool that renders the release section, e.g. "
                  "[towncrier, build, --yes, --version, \"{version}\"]; {version} and {date} are "
                  "substituted."},
        "allow_empty": {"type": "array", "items": {"type": "string"}, "uniqueItems": True,
                        "description": "Types whose fragments may be empty (towncrier's "
                        "showcontent = false)."},
        "format": {"enum": ["towncrier", "changesets"],
                   "description": "changesets: .changeset/*.md files naming packages and levels."},
    }},
    "file": {"type": "string", "minLength": 1},
}
DEFAULT_STAGES: tuple[Stage, ...] = ("commit-msg", "pre-push", "ci", "pre-receive")
RUNS_CODE = False

FRAGMENT_DEFAULTS: dict[str, Any] = {
    "dir": "changelog.d",
    "types": ["feature", "bugfix", "removal", "doc", "misc"],
    "extensions": ["md", "rst", "txt"],
    "output": "CHANGELOG.md",
}
DEFAULT_HEADINGS = {
    "feature": "Added", "bugfix": "Fixed", "removal": "Removed", "doc": "Documentation",
    "misc": "Other", "security": "Security", "deprecation": "Deprecated", "change": "Changed",
}
DEFAULT_COMMIT_TYPES = {
    "feat": "feature", "fix": "bugfix", "docs": "doc", "perf": "feature", "refactor": "misc",
    "build": "misc", "ci": "misc", "chore": "misc", "style": "misc", "test": "misc",
    "revert": "bugfix",
}


class Options(NamedTuple):
    """Exactly one of the two modes: a fragment folder, or one changelog file."""

    fragments: Fragments | None = None
    file: str | None = None

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Options:
        frag = data.get("fragments")
        return cls(Fragments.load(frag) if frag is not None else None, data.get("file"))


def fragments_of(rule: RuleConfig) -> Fragments | None:
    """The fragment settings of a changelog rule in fragments mode; None for any other rule."""
    return Options.load(rule.options).fragments if rule.kind == "changelog" else None


def parse(fields: Mapping[str, Any], fail: options.Fail) -> Options:
    if "fragments" in fields and "file" in fields:
        raise fail("file", "use either 'fragments' or 'file', not both")
    if "file" in fields:
        return Options(file=fields["file"])
    frag = {**FRAGMENT_DEFAULTS, **(fields.get("fragments") or {})}
    folder = str(frag["dir"]).rstrip("/")
    parts = folder.replace("\\", "/").split("/")
    if folder.startswith(("/", "~")) or ".." in parts or any(p in ("", ".") for p in parts):
        raise fail("fragments", f"fragments.dir {folder!r} must be a folder inside the repository, "
                   "like changelog.d", ("dir",))
    types = tuple(frag["types"])
    ignore = options.as_list(frag.get("ignore"))
    for i, g in enumerate(ignore):
        problem = check_glob(g)
        if problem:
            raise fail("fragments", problem, ("ignore", i))
    for i, t in enumerate(frag.get("allow_empty") or ()):
        if t not in types:
            raise fail("fragments", f"allow_empty names {t!r}, which is not in fragments.types",
                       ("allow_empty", i))
    headings = {**{t: DEFAULT_HEADINGS.get(t, t.capitalize()) for t in types}, **frag.get("headings", {})}
    commit_types = {**{k: v for k, v in DEFAULT_COMMIT_TYPES.items() if v in types},
                    **frag.get("commit_types", {})}
    for ctype, ftype in commit_types.items():
        if ftype not in types:
            raise fail("fragments", f"commit type {ctype!r} maps to {ftype!r}, which is not in "
                       "fragments.types", ("commit_types", ctype))
    return Options(Fragments(
        dir=folder, types=types, extensions=tuple(frag["extensions"]), output=frag["output"],
        headings=headings, commit_types=commit_types, ignore=tuple(ignore),
        build=tuple(frag["build"]) if frag.get("build") else None,
        allow_empty=tuple(frag.get("allow_empty") or ()),
        format=str(frag.get("format") or "towncrier"),
        names=tuple(frag.get("names") or ()), known=tuple(frag.get("known") or ()),
    ))

_UNRELEASED = lazyre.compile(r"(?i)^##\s*\[?\s*unreleased\s*\]?")
_RELEASE = lazyre.compile(r"^##\s")
# a Keep-a-Changelog release heading: "## [1.2.0] - 2026-01-01", "## 1.2.0", "## v1.2.0"
_VERSION_HEADING = lazyre.compile(r"^##\s*\[?v?\d+\.\d+")


def close_matches(name: str, known: Sequence[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)


MISSING = "missing-note"  # Outcome.reason when only a note is owed: what `wfguard fix` writes


class Verdict(NamedTuple):
    """What the change holds, in fragments mode."""

    valid: tuple[Fragment, ...]
    problems: tuple[Message, ...]  # bad names, empty bodies, misplaced files
    hints: tuple[str, ...]  # a command per problem where one fixes it
    triggers: tuple[str, ...]  # changed paths that need a note
    released: tuple[ChangedPath, ...]  # fragments a release moved into the output
    lost: tuple[str, ...]  # released fragments whose words the output did not gain

    @property
    def missing(self) -> bool:
        """A note is owed and none came: what ``wfguard fix`` writes."""
        return bool(self.triggers) and not self.valid and not self.released


class ChangelogRule:
    kind: ClassVar[str] = "changelog"

    def __init__(self, config: RuleConfig) -> None:
        self.config = config
        self.options = Options.load(config.options)
        self.file = self.options.file
        # file mode reads none of it; the defaults keep the attribute typed
        self.frag: Fragments = self.options.fragments or Fragments.load(FRAGMENT_DEFAULTS)

    @property
    def folder(self) -> str:
        return self.frag.dir

    @property
    def output(self) -> str:
        return self.frag.output

    def fix_hint(self) -> str:
        if self.file:
            return f"add a line under '## [Unreleased]' in {self.file} and stage it"
        return f"wfguard fix {self.config.id}"

    def describe(self) -> str:
        if self.file:
            return f"a change to the matching paths adds a line under '## [Unreleased]' in {self.file}"
        f = self.frag
        return (f"a change to the matching paths adds a fragment {f.dir}/<name>.<type>[.<ext>] "
                f"(types: {', '.join(f.types)}; extensions: {', '.join(f.extensions)}) "
                "holding one line for the release notes")

    def evaluate(self, ctx: Context) -> Outcome:
        if release_only(ctx) and (self.frag.format == "changesets" or not ctx.changes.removed_under(self.folder)):
            # a bump with nothing left to move (the release after its pre-releases), or changesets
            # consumed by their own `changeset version`
            return Outcome.passed("release: only the version files and the changelog change")
        if self.file:
            return self._file_mode(ctx)
        return self._changesets(ctx) if self.frag.format == "changesets" else self._fragment_mode(ctx)

    def _changesets(self, ctx: Context) -> Outcome:
        """changesets' format: the package must be named, with a level, in a changeset of the change.
        The top-level rule (no package) also judges every changeset's syntax and names."""
        folder = self.folder + "/"
        files = [cp for cp in ctx.changes.paths if not cp.deleted and cp.path.startswith(folder)
                 and "/" not in cp.path[len(folder):] and is_changeset(cp.path[len(folder):])]
        bodies = ctx.changes.contents(files) if files else {}
        covered: list[str] = []
        problems: list[Message] = []
        for cp in files:
            cs = parse_changeset((bodies.get(cp.path) or b"").decode("utf-8", "replace"))
            if self.config.package is None:
                problems += [Message(f"{cp.path}:{line}: {text}", cp.path, line) for line, text in cs.problems]
                unknown = [(n, ln) for n, (_, ln) in cs.levels.items() if self.frag.known and n not in self.frag.known]
                problems += [Message(f"{cp.path}:{line}: unknown package {name!r}; {self._known(name)}", cp.path,
                                     line) for name, line in unknown]
            if not cs.problems and any(n in self.frag.names for n in cs.levels):
                covered.append(cp.path)
        if problems:
            return Outcome.failed(problems)
        triggers = [cp.path for cp in ctx.matched if not cp.path.startswith(folder)]
        if not triggers:
            return Outcome.not_applicable()
        if covered:
            return Outcome.passed(f"changeset(s) for {self.config.package or 'the root'}: {listing(covered)}")
        if self.config.package is None:
            return Outcome.not_applicable("files outside every package need no changeset")
        name = self.frag.names[0] if self.frag.names else self.config.package
        return Outcome.failed([Message(
            f"{len(triggers)} changed path(s) of package {self.config.package} ({listing(triggers)}) need a "
            f"changeset naming {name!r}: add {folder}<name>.md holding '---', '\"{name}\": patch' (or minor, "
            "major), '---' and one line for the release notes", triggers[0])], reason=MISSING)

    def _known(self, name: str) -> str:
        """The package names to suggest: the close ones, else the first few of a large workspace."""
        close = close_matches(name, self.frag.known)
        if close:
            return f"did you mean {' or '.join(repr(c) for c in close)}?"
        more = len(self.frag.known) - 8
        return "known: " + ", ".join(self.frag.known[:8]) + (f", and {more} more" if more > 0 else "")

    def _triggers(self, ctx: Context, exclude_file: str, fragments: bool = False) -> list[str]:
        """Matched paths that need a note: not the output itself, nor a fragment (a template or
        README kept in the fragment folder is not one, and triggers like any other file)."""
        prefix = self.folder + "/" if fragments else None
        return [cp.path for cp in ctx.matched if cp.path != exclude_file
                and not (prefix and cp.path.startswith(prefix) and self.classify(cp.path) is not None)]

    def classify(self, path: str) -> Fragment | str | None:
        """A path inside the fragment folder: Fragment, problem, or None (not a fragment)."""
        rel = path[len(self.folder) + 1 :]
        return classify(posixpath.basename(rel), path, self.frag.types, self.frag.extensions,
                        self.frag.ignore)

    def verdict(self, ctx: Context) -> Verdict:
        folder = self.folder
        allow_empty = set(self.frag.allow_empty)
        valid: list[Fragment] = []
        problems: list[Message] = []
        hints: list[str] = []
        named: list[tuple[ChangedPath, Fragment]] = []
        links: list[tuple[ChangedPath, Fragment | str]] = []
        for cp in ctx.changes.paths:
            if cp.deleted or not cp.path.startswith(folder + "/"):
                continue
            rel = cp.path[len(folder) + 1 :]
            parsed = self.classify(cp.path)
            if parsed is None:
                continue
            if "/" not in rel and cp.new_mode == "120000":
                links.append((cp, parsed))
            elif "/" in rel:
                problems.append(Message(f"{cp.path} is in a subfolder: fragments live directly in {folder}/", cp.path))
                hints.append(f"git mv -- {cp.path} {folder}/{posixpath.basename(rel)}")
            elif isinstance(parsed, str):
                problems.append(Message(parsed, cp.path))
                hints.append(f"git mv -- {cp.path} {folder}/<name>.<{'|'.join(self.frag.types)}>"
                             + (f".{self.frag.extensions[0]}" if self.frag.extensions else ""))
            else:
                named.append((cp, parsed))
        targets = ctx.changes.contents([cp for cp, _ in links]) if links else {}
        for cp, parsed in links:
            # towncrier follows a link to a sibling: one note listed under two types (pytest does)
            target = (targets.get(cp.path) or b"").decode("utf-8", "replace")
            if not target or "/" in target or target in (".", ".."):
                problems.append(Message(f"{cp.path} is a symlink to {target!r}: a fragment may link only "
                                        f"to another file in {folder}/", cp.path))
            elif isinstance(parsed, str):
                problems.append(Message(parsed, cp.path))
            else:
                valid.append(parsed)
        bodies = ctx.changes.contents([cp for cp, _ in named]) if named else {}
        for cp, fragment in named:
            body = bodies.get(cp.path, b"")
            # None: too large to read, so not empty
            if body is not None and not body.strip() and fragment.type not in allow_empty:
                problems.append(Message(f"{cp.path} is empty: write one line for the release notes", cp.path))
            else:
                valid.append(fragment)
        triggers = tuple(self._triggers(ctx, self.output, fragments=True))
        released, lost = self._release(ctx)
        return Verdict(tuple(valid), tuple(problems), tuple(hints), triggers, released, lost)

    def _release(self, ctx: Context) -> tuple[tuple[ChangedPath, ...], tuple[str, ...]]:
        """A change that removes fragments and edits the output is a release: the fragments it
        removed, and those whose opening words the output did not gain (edited or lost notes)."""
        output = self.output
        if not any(cp.path == output and not cp.deleted for cp in ctx.changes.paths):
            return (), ()
        removed = tuple(cp for cp in ctx.changes.removed_under(self.folder)
                        if isinstance(self.classify(cp.path), Fragment))
        if not removed:
            return (), ()
        gained = words("\n".join(a.text for a in ctx.changes.added_lines().get(output, [])))
        before = ctx.changes.old_contents(removed)
        lost = []
        for cp in removed:
            body = before.get(cp.path)
            if body is None:
                continue  # too large to compare
            opening = opening_words(body.decode("utf-8", "replace"))
            if opening and not set(opening) <= gained:
                lost.append(cp.path)
        return removed, tuple(lost)

    def _fix_command(self, ctx: Context) -> str:
        """``wfguard fix ID``, with ``--type`` when the message gives no fragment type (not
        Conventional Commits, or a type this rule does not map): printed, it runs as printed."""
        from .. import conventional

        fix = f"wfguard fix {self.config.id}"
        messages = ctx.changes.all_messages
        header = conventional.parse_header(messages[-1].split("\n", 1)[0]) if messages else None
        if header is not None and header.type in self.frag.commit_types:
            return fix
        if not messages and ctx.changes.stage == "pre-commit":
            return fix  # the message is not written yet: fix asks for -m, as its error says
        fallback = "misc" if "misc" in self.frag.types else self.frag.types[-1]
        return f"{fix} --type {fallback}"

    def _fragment_mode(self, ctx: Context) -> Outcome:
        v = self.verdict(ctx)
        folder = self.folder
        fix = self._fix_command(ctx)
        if v.problems:
            return Outcome.failed(list(v.problems), (*v.hints, *((fix,) if v.missing else ())))
        if v.released:
            notes = [f"note: {p}: its opening words are not among the lines added to {self.output} "
                     "(edited by hand, or lost?)" for p in v.lost]
            return Outcome.passed(f"release: {len(v.released)} notes moved into {self.output}", notes=tuple(notes))
        if v.missing:
            types = "|".join(self.frag.types)
            ext = f".{self.frag.extensions[0]}" if self.frag.extensions else ""
            return Outcome.failed(
                [Message(f"{len(v.triggers)} changed path(s) need a changelog fragment in {folder}/ "
                         f"({listing(list(v.triggers))}), and none was added: add {folder}/<name>.<{types}>{ext} "
                         "with one line for the release notes", v.triggers[0])],
                (fix,),
            )
        if not v.valid:
            return Outcome.not_applicable()
        names = [f"{f.name}.{f.type}" for f in v.valid]
        return Outcome.passed(f"{len(v.valid)} fragment(s): {listing(names)}")

    def _file_mode(self, ctx: Context) -> Outcome:
        assert self.file is not None
        triggers = self._triggers(ctx, self.file)
        entry = next((cp for cp in ctx.changes.paths if cp.path == self.file and not cp.deleted), None)
        if not triggers:
            return Outcome.not_applicable()
        if entry is None:
            return Outcome.failed([Message(
                f"{len(triggers)} changed path(s) need an entry in {self.file} ({listing(triggers)}), "
                f"and {self.file} was not edited", self.file)])
        added = ctx.changes.added_lines().get(self.file, [])
        released = [a.text.strip() for a in added if _VERSION_HEADING.match(a.text)]
        if released:  # the Unreleased entries moved under a new version heading
            return Outcome.passed(f"release: {released[0]} added to {self.file}")
        lines = ctx.changes.content(entry).decode("utf-8", "replace").splitlines()
        start = next((i for i, t in enumerate(lines, 1) if _UNRELEASED.match(t)), None)
        if start is None:
            return Outcome.failed([Message(f"{self.file} has no '## [Unreleased]' section", self.file)])
        end = next((i for i, t in enumerate(lines, 1) if i > start and _RELEASE.match(t)), len(lines) + 1)
        if any(start < a.line < end and a.text.strip() for a in added):
            return Outcome.passed(f"{self.file} has a new entry under Unreleased")
        return Outcome.failed([Message(
            f"{self.file} was edited, but no line was added under '## [Unreleased]'", self.file, start)])
