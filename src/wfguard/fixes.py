"""Automatic fixes: today, the changelog fragment written from the commit subject."""

from __future__ import annotations

import json
import os
import re

from . import conventional, git
from .engine import matched_paths
from .errors import NeedsChoice, WfguardError
from .fragments import CHANGESET_LEVELS
from .records import TYPE_CHECKING, NamedTuple
from .rules.base import Context
from .rules.changelog import MISSING, ChangelogRule, fragments_of

if TYPE_CHECKING:
    from pathlib import Path

    from .changeset import ChangeSet
    from .model import Config, RuleConfig


class Fix(NamedTuple):
    rule: str
    path: str  # relative to the repository root
    content: str
    description: str


def fragment_type(rule: RuleConfig, message: str, explicit: str | None) -> str | None:
    """The fragment type: --type, else the mapping from the Conventional Commits type."""
    frag = fragments_of(rule)
    assert frag is not None, "only changelog rules in fragments mode ask for a type"
    if explicit:
        if explicit not in frag.types:
            raise WfguardError(f"--type {explicit!r} is not a fragment type of rule {rule.id!r}; "
                               f"expected one of: {', '.join(frag.types)}")
        return explicit
    header = conventional.parse_header(message.split("\n", 1)[0])
    if header is None:
        return None
    mapped: str | None = frag.commit_types.get(header.type)
    return mapped


def fragment_text(message: str) -> str:
    """``feat(api): add export endpoint`` -> ``Add export endpoint.``"""
    first = message.strip().split("\n", 1)[0]
    header = conventional.parse_header(first)
    text = (header.subject if header else first).strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in ".!?":
        text += "."
    return text + "\n"


def unique_name(root: str | Path, folder: str, slug: str, ftype: str, ext: str | None,
                taken: set[str]) -> str:
    base = slug or "change"
    for n in range(1, 1000):
        name = base if n == 1 else f"{base}-{n}"
        rel = f"{folder}/{name}.{ftype}" + (f".{ext}" if ext else "")
        if not os.path.lexists(os.path.join(root, rel)) and rel not in taken:  # a dangling symlink is taken too
            return rel
    raise WfguardError(f"cannot find a free fragment name for {slug!r} in {folder}/")


def needs_fragment(rule: RuleConfig, cs: ChangeSet) -> bool:
    """True when the changelog rule fails only for want of a fragment (which a fix can write)."""
    impl = ChangelogRule(rule)
    if impl.file:
        return False
    ctx = Context(rule, cs, matched_paths(rule, cs))
    if impl.frag.format == "changesets":
        return impl.evaluate(ctx).reason == MISSING
    return impl.verdict(ctx).missing


def plan(config: Config, cs: ChangeSet, message: str | None, ftype: str | None,
         only: str | None = None, package: str | None = None) -> list[Fix]:
    """``only``: a rule id (its packages' copies too); ``package``: that package's rules alone."""
    fixes: list[Fix] = []
    changesets: dict[str, list[RuleConfig]] = {}  # folder -> the package rules one changeset covers
    for rule in config.rules:
        frag = fragments_of(rule)
        if frag is None or (only and only not in (rule.id, rule.base_id)):
            continue
        if package is not None and rule.package != package:
            continue
        if not needs_fragment(rule, cs):
            continue
        if not message:
            raise WfguardError(f"{rule.id}: the fragment is written from the commit message",
                               hint="pass -m 'feat: what changed' (or commit first, then run wfguard fix)")
        if frag.format == "changesets":
            changesets.setdefault(frag.dir, []).append(rule)
            continue
        kind = fragment_type(rule, message, ftype)
        if kind is None:
            raise NeedsChoice(
                f"{rule.id}: cannot tell the fragment type from {message.splitlines()[0]!r}",
                hint=f"pass --type, one of: {', '.join(frag.types)}")
        header = conventional.parse_header(message.split("\n", 1)[0])
        slug = conventional.slug(header.subject if header else message.split("\n", 1)[0])[:60].strip("-")
        ext = frag.extensions[0] if frag.extensions else None
        rel = unique_name(cs.root, frag.dir, slug, kind, ext, {f.path for f in fixes})
        fixes.append(Fix(rule.id, rel, fragment_text(message), f"wrote the changelog fragment {rel}"))
    for folder, rules in changesets.items():
        assert message is not None
        fixes.append(changeset_fix(cs.root, folder, rules, message, ftype, {f.path for f in fixes}))
    return fixes


def changeset_level(message: str, explicit: str | None) -> str | None:
    """The semver level a change asks for: --type (a level), else from the Conventional Commits
    header: breaking -> major, feat -> minor, any other type -> patch."""
    if explicit:
        if explicit not in CHANGESET_LEVELS:
            raise WfguardError(f"--type {explicit!r} is not a changesets level; expected one of: "
                               f"{', '.join(CHANGESET_LEVELS)}")
        return explicit
    header = conventional.parse_header(message.split("\n", 1)[0])
    if header is None:
        return None
    if header.breaking or re.search(r"^BREAKING[ -]CHANGE:", message, re.M):
        return "major"
    return "minor" if header.type == "feat" else "patch"


def changeset_fix(root: str | Path, folder: str, rules: list[RuleConfig], message: str, ftype: str | None,
                  taken: set[str]) -> Fix:
    """One changeset, as `changeset add` writes it, naming every package of the change that needs
    one: front matter of ``"name": level`` lines, then the summary (the release note)."""
    level = changeset_level(message, ftype)
    if level is None:
        raise NeedsChoice(f"cannot tell the changeset level from {message.splitlines()[0]!r}",
                          hint=f"pass --type, one of: {', '.join(CHANGESET_LEVELS)}")
    names = [frag.names[0] if frag.names else str(rule.package)
             for rule in rules if (frag := fragments_of(rule)) is not None]
    header = conventional.parse_header(message.split("\n", 1)[0])
    slug = conventional.slug(header.subject if header else message.split("\n", 1)[0])[:60].strip("-") or "change"
    rel = next((r for n in range(1, 1000) if (r := f"{folder}/{slug if n == 1 else f'{slug}-{n}'}.md") not in taken
                and not os.path.lexists(os.path.join(root, r))), None)
    if rel is None:
        raise WfguardError(f"cannot find a free changeset name for {slug!r} in {folder}/")
    body = "---\n" + "".join(f"{json.dumps(n)}: {level}\n" for n in names) + "---\n\n" + fragment_text(message)
    return Fix(", ".join(r.id for r in rules), rel, body,
               f"wrote the changeset {rel} ({', '.join(f'{n}: {level}' for n in names)})")


def apply(root: Path, fixes: list[Fix]) -> None:
    """Write and stage each fix; an existing file is never overwritten, and nothing is written
    outside the repository (a fragment folder that is a symlink out of it is refused)."""
    real_root = root.resolve()
    for fix in fixes:
        path = root / fix.path
        parent = path.parent.resolve()
        if parent != real_root and real_root not in parent.parents:
            raise WfguardError(f"{fix.path}: the fragment folder resolves outside the repository ({parent}); "
                               "nothing was written")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8") as fh:  # "x": fail rather than overwrite
                fh.write(fix.content)
        except FileExistsError:
            raise WfguardError(f"{fix.path} appeared while wfguard was writing it; nothing was overwritten",
                               hint="run the command again") from None
        git.add(root, [fix.path])
