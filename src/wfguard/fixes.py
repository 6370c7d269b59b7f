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


def numbered_name(root: str | Path, folder: str, number: str, ftype: str, ext: str | None,
                  taken: set[str]) -> str:
    """``123.feature.md``, then towncrier's counter form ``123.feature.1.md`` for a second note."""
    suffix = f".{ext}" if ext else ""
    for n in range(1000):
        rel = f"{folder}/{number}.{ftype}" + (f".{n}" if n else "") + suffix
        if not os.path.lexists(os.path.join(root, rel)) and rel not in taken:
            return rel
    raise WfguardError(f"cannot find a free fragment name for issue {number} in {folder}/")


def issue_number(text: str) -> str:
    number = text.strip().lstrip("#")
    if not number.isdigit():
        raise WfguardError(f"--issue {text!r} is not an issue number", hint="pass the number alone, e.g. --issue 1234")
    return number


# an issue number in a branch name: fix/1234-crash, 1234-crash, issue-1234, gh-1234, feat/GH1234
_BRANCH_ISSUE = re.compile(r"(?:^|[/_-])(?:issues?|gh|#)?[-_]?(\d{2,})(?=$|[/_-])", re.IGNORECASE)


def branch_issue(root: str | Path) -> str | None:
    branch = git.symbolic_ref(root, "HEAD", short=True)
    m = _BRANCH_ISSUE.search(branch or "")
    return m.group(1) if m else None


class Naming(NamedTuple):
    by_issue: bool  # fragments are <issue>.<type>, as in most towncrier projects
    ext: str | None  # the extension most of them use, when it is one the rule accepts


def naming(root: str | Path, folder: str, extensions: tuple[str, ...]) -> Naming:
    """How the project names its fragments, from those in the folder now and those added in
    recent history (a release empties the folder): by issue number when most are
    ``<number>.<type>``, and with the extension most of them have."""
    names = set()
    if os.path.isdir(os.path.join(root, folder)):
        names.update(os.listdir(os.path.join(root, folder)))
    proc = git.run(["log", "-n", "300", "--diff-filter=A", "--name-only", "--format=", "--", f"{folder}/"],
                   root, check=False)
    names.update(line.rsplit("/", 1)[-1] for line in git.text(proc.stdout).splitlines() if line.strip())
    notes = [n for n in names if n.count(".") >= 1 and not n.startswith((".", "_"))
             and not n.upper().startswith(("README", "TEMPLATE"))]
    stems = [n.split(".", 1)[0] for n in notes]
    numbered = sum(1 for st in stems if st.isdigit())
    orphans = sum(1 for st in stems if st.startswith("+"))
    exts: dict[str, int] = {}
    for n in notes:
        last = n.rsplit(".", 1)[-1]
        if last in extensions:
            exts[last] = exts.get(last, 0) + 1
    ext = max(exts, key=lambda e: (exts[e], -extensions.index(e))) if exts else None
    return Naming(numbered >= 3 and numbered + orphans >= 0.7 * len(stems), ext)


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
         only: str | None = None, package: str | None = None, issue: str | None = None) -> list[Fix]:
    """``only``: a rule id (its packages' copies too); ``package``: that package's rules alone;
    ``issue``: the issue number the fragment is named after (towncrier's ``123.feature.md``)."""
    fixes: list[Fix] = []
    changesets: dict[str, list[RuleConfig]] = {}  # folder -> the package rules one changeset covers
    given = issue_number(issue) if issue else None
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
        seen = naming(cs.root, frag.dir, tuple(frag.extensions))
        ext = seen.ext or (frag.extensions[0] if frag.extensions else None)
        taken = {f.path for f in fixes}
        number = given
        if number is None and seen.by_issue:
            number = branch_issue(cs.root)
            if number is None:  # towncrier's orphan prefix: a note that links to no issue
                slug = "+" + (slug or "change")
        rel = (numbered_name(cs.root, frag.dir, number, kind, ext, taken) if number is not None
               else unique_name(cs.root, frag.dir, slug, kind, ext, taken))
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
