"""``changelog``: a triggering change comes with a fragment, or with an edit of CHANGELOG.md."""

from __future__ import annotations

import posixpath
import re
from typing import Any, ClassVar

from ..changeset import ChangedPath
from ..fragments import Fragment, is_ignored_file, parse_name
from ..model import RuleConfig
from .base import Context, Message, Outcome, listing

_UNRELEASED = re.compile(r"^##\s*\[?\s*unreleased\s*\]?", re.IGNORECASE)
_RELEASE = re.compile(r"^##\s")


class ChangelogRule:
    kind: ClassVar[str] = "changelog"

    def __init__(self, config: RuleConfig) -> None:
        self.config = config
        self.file: str | None = config.options.get("file")
        self.frag: dict[str, Any] = dict(config.options.get("fragments") or {})

    def fix_hint(self) -> str:
        if self.file:
            return f"add a line under '## [Unreleased]' in {self.file} and stage it"
        return f"wfguard fix {self.config.id}"

    def describe(self) -> str:
        if self.file:
            return f"a change to the matching paths adds a line under '## [Unreleased]' in {self.file}"
        f = self.frag
        return (f"a change to the matching paths adds a fragment {f['dir']}/<name>.<type>[.<ext>] "
                f"(types: {', '.join(f['types'])}; extensions: {', '.join(f['extensions'])}) "
                "holding one line for the release notes")

    def evaluate(self, ctx: Context) -> Outcome:
        return self._file_mode(ctx) if self.file else self._fragment_mode(ctx)

    def _triggers(self, ctx: Context, exclude_dir: str | None, exclude_file: str | None) -> list[str]:
        out = []
        for cp in ctx.matched:
            p = cp.path
            if exclude_dir and (p == exclude_dir or p.startswith(exclude_dir + "/")):
                continue
            if exclude_file and p == exclude_file:
                continue
            out.append(p)
        return out

    def _fragment_mode(self, ctx: Context) -> Outcome:
        folder: str = self.frag["dir"]
        output: str = self.frag.get("output", "CHANGELOG.md")
        valid: list[Fragment] = []
        problems: list[Message] = []
        named: list[tuple[ChangedPath, Fragment]] = []
        for cp in ctx.changes.paths:
            if cp.deleted or not cp.path.startswith(folder + "/"):
                continue
            rel = cp.path[len(folder) + 1 :]
            filename = posixpath.basename(rel)
            if is_ignored_file(filename):
                continue
            if cp.new_mode == "120000":
                problems.append(Message(f"{cp.path} is a symlink: a fragment must be a regular file", cp.path))
                continue
            if "/" in rel:
                problems.append(Message(f"{cp.path} is in a subfolder: fragments live directly in {folder}/", cp.path))
                continue
            parsed = parse_name(filename, self.frag["types"], self.frag["extensions"])
            if isinstance(parsed, str):
                problems.append(Message(parsed, cp.path))
            else:
                named.append((cp, parsed))
        bodies = ctx.changes.contents([cp for cp, _ in named]) if named else {}
        for cp, fragment in named:
            body = bodies.get(cp.path, b"")
            if body is not None and not body.strip():  # None: too large to read, so not empty
                problems.append(Message(f"{cp.path} is empty: write one line for the release notes", cp.path))
            else:
                valid.append(fragment)
        triggers = self._triggers(ctx, folder, output)
        if problems:
            return Outcome.failed(problems, (f"wfguard fix {self.config.id}",) if triggers else ())
        if triggers and not valid:
            types = "|".join(self.frag["types"])
            return Outcome.failed(
                [Message(f"{len(triggers)} changed path(s) need a changelog fragment in {folder}/ "
                         f"({listing(triggers)}), and none was added"),
                 Message(f"add {folder}/<name>.<{types}>.md with one line for the release notes")],
                (f"wfguard fix {self.config.id}",),
            )
        if not triggers and not valid:
            return Outcome.not_applicable()
        names = [f"{f.name}.{f.type}" for f in valid]
        return Outcome.passed(f"{len(valid)} fragment(s): {listing(names)}")

    def _file_mode(self, ctx: Context) -> Outcome:
        assert self.file is not None
        triggers = self._triggers(ctx, None, self.file)
        entry = next((cp for cp in ctx.changes.paths if cp.path == self.file and not cp.deleted), None)
        if not triggers:
            return Outcome.not_applicable()
        if entry is None:
            return Outcome.failed([Message(
                f"{len(triggers)} changed path(s) need an entry in {self.file} ({listing(triggers)}), "
                f"and {self.file} was not edited", self.file)])
        lines = ctx.changes.content(entry).decode("utf-8", "replace").splitlines()
        start = next((i for i, t in enumerate(lines, 1) if _UNRELEASED.match(t)), None)
        if start is None:
            return Outcome.failed([Message(f"{self.file} has no '## [Unreleased]' section", self.file)])
        end = next((i for i, t in enumerate(lines, 1) if i > start and _RELEASE.match(t)), len(lines) + 1)
        added = ctx.changes.added_lines().get(self.file, [])
        if any(start < a.line < end and a.text.strip() for a in added):
            return Outcome.passed(f"{self.file} has a new entry under Unreleased")
        return Outcome.failed([Message(
            f"{self.file} was edited, but no line was added under '## [Unreleased]'", self.file, start)])
