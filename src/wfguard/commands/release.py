"""``wfguard release``: the next version from what is pending, written everywhere, checked by the
workflow's own rules, committed, tagged with the notes and pushed.

Everything is decided first (:func:`decide`, which writes nothing: it is also ``--dry-run``);
:func:`carry_out` then writes, and puts every file back byte for byte if anything fails before
the commit.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import conventional, git, releasenotes, versionfiles, versions
from ..changeset import log_commits, parse_trailers
from ..errors import EXIT_ERROR, EXIT_FAILED, WfguardError
from ..fragments import Fragments
from ..model import Config, Package, ReleaseConfig
from ..records import NamedTuple
from ..repo import Repo, current_branch, resolve
from ..rules.changelog import Options as ChangelogOptions
from . import changelog
from .common import emit, load_config, open_repo, to_json

if TYPE_CHECKING:
    from ..versions import Level


class Options(NamedTuple):
    version: str | None = None
    bump: Level | None = None
    pre: str | None = None
    dry_run: bool = False
    no_push: bool = False
    no_tag: bool = False
    yes: bool = False
    notes_file: str | None = None
    date: str | None = None
    fmt: str = "text"
    package: str | None = None  # a monorepo package: its fragments, version files and tag


class Reason(NamedTuple):
    source: str  # a fragment's path, "commit <sha> <header>", or the flag that decided
    level: Level | None


class Plan(NamedTuple):
    version: str
    previous: str
    bump: Level | Literal["explicit", "pre-release"]
    reasons: tuple[Reason, ...]
    notes: str
    tag: str
    branch: str
    message: str
    files: tuple[versionfiles.Found, ...]
    section: changelog.Built | None  # fragments mode
    fragments: Fragments | None
    keep_a_changelog: str | None  # file mode: the changelog whose Unreleased part is released
    date: str
    warnings: tuple[str, ...] = ()
    # changesets: the section written to the package's changelog, and each changeset file's new
    # text without this package's line (None: nothing left in it, so it is removed)
    changesets: tuple[str, tuple[tuple[str, str | None], ...]] | None = None


# --- the current version ------------------------------------------------------------------

def _tag_regex(template: str) -> re.Pattern[str]:
    head, _, tail = template.partition("{version}")
    return re.compile(f"^{re.escape(head)}(?P<v>.+){re.escape(tail)}$")


def released_tags(root: Path, rel: ReleaseConfig) -> list[tuple[versions.Version, str]]:
    """(version, tag) of every tag matching ``release.tag`` reachable from HEAD, oldest first."""
    rx = _tag_regex(rel.tag)
    glob = rel.tag.replace("{version}", "*")
    names = git.tags(root, glob, merged_into="HEAD")
    found = []
    for name in names:
        m = rx.match(name)
        if m:
            try:
                found.append((versions.parse(m.group("v"), rel.scheme), name))
            except versions.InvalidVersion:
                continue  # a tag of another scheme or a typo: not a release of this project
    return sorted(found, key=lambda f: f[0].key)


def tag_shapes(rel: ReleaseConfig, names: Sequence[str] = ()) -> list[str]:
    """The tag templates to look for when ``release.tag`` is not set: the default first, then
    the other common forms; for a package, those of lerna and changesets (``name@1.2.0``)."""
    shapes = [rel.tag]
    if not names:
        shapes += ["v{version}", "{version}"]
    for name in names:
        shapes += [f"{name}@{{version}}", f"{name}-v{{version}}", f"{name}-{{version}}", f"{name}/v{{version}}"]
    return list(dict.fromkeys(shapes))


def with_tag_shape(root: Path, rel: ReleaseConfig, names: Sequence[str] = ()) -> ReleaseConfig:
    """``rel`` with the tag template the existing tags use, when the config does not set one:
    the shape of the newest version tagged (``0.4.1`` bare, ``v0.4.1``, ``@scope/pkg@0.4.1``)."""
    if rel.tag_set:
        return rel
    best: tuple[tuple[Any, ...], str] | None = None
    for shape in tag_shapes(rel, names):
        found = released_tags(root, rel._replace(tag=shape))
        if found and (best is None or found[-1][0].key > best[0]):
            best = (found[-1][0].key, shape)
    return rel._replace(tag=best[1]) if best else rel


def current_version(root: Path, rel: ReleaseConfig, files: list[versionfiles.Found]
                    ) -> tuple[versions.Version, str | None]:
    tags = released_tags(root, rel)
    if tags:
        return tags[-1]
    text = files[0].version if files else "0.0.0"
    try:
        return versions.parse(text, rel.scheme), None
    except versions.InvalidVersion as exc:
        raise WfguardError(f"the version in {files[0].path} is not one wfguard can release: {exc}",
                           hint="fix it, or pass --version") from None


# --- what is pending ----------------------------------------------------------------------

_COMMIT_LEVELS: dict[str, Level] = {"feat": "minor", "fix": "patch", "perf": "patch"}


def _level_of_commit(message: str, bump: Mapping[str, str] | None = None) -> Level | None:
    """``!`` or a BREAKING CHANGE trailer major, feat minor, fix and perf patch; ``release.bump``
    may name further commit types (commitizen also bumps a patch for ``refactor``)."""
    header = conventional.parse_header(message.split("\n", 1)[0])
    if header is None:
        return None
    if header.breaking or any(k.upper() in ("BREAKING CHANGE", "BREAKING-CHANGE") for k, _ in parse_trailers(message)):
        return "major"
    level = (bump or {}).get(header.type) or _COMMIT_LEVELS.get(header.type)
    return next((lv for lv in versions.LEVELS if lv == level), None)


def _commit_reasons(root: Path, since: str | None, bump: Mapping[str, str]) -> list[tuple[Reason, str]]:
    commits = log_commits(root, [f"{since}..HEAD" if since else "HEAD", "--no-merges"])
    return [(Reason(f"commit {c.short} {c.header}", _level_of_commit(c.message, bump)), c.message)
            for c in commits]


def _highest(levels: list[Level | None]) -> Level | None:
    real = [lv for lv in levels if lv is not None]
    return max(real, key=versions.LEVELS.index) if real else None


def _commit_sections(messages: list[str], bump: Mapping[str, str] | None = None) -> list[releasenotes.Section]:
    groups: dict[str, list[releasenotes.Entry]] = {"Breaking changes": [], "Added": [], "Fixed": []}
    for message in messages:
        header = conventional.parse_header(message.split("\n", 1)[0])
        level = _level_of_commit(message, bump)
        if header is None or level is None:
            continue
        heading = "Breaking changes" if level == "major" else ("Added" if header.type == "feat" else "Fixed")
        groups[heading].append(releasenotes.Entry("", header.subject))
    return [releasenotes.Section(h.lower(), h, tuple(es)) for h, es in groups.items() if es]


def _changelog_mode(config: Config, package: str | None = None) -> tuple[Fragments | None, str | None]:
    for rule in config.rules:
        if rule.kind == "changelog" and rule.package == package:
            o = ChangelogOptions.load(rule.options)
            if o.fragments is not None:
                return o.fragments, None
            return None, o.file
    return None, None


# --- refusals -----------------------------------------------------------------------------

def _refuse(message: str, hint: str) -> WfguardError:
    return WfguardError(f"{message}; nothing was changed", hint=hint)


def _check_repository(repo: Repo, config: Config, opts: Options) -> str:
    root = Path(repo.root)
    if repo.bare:
        raise _refuse("release needs a work tree; this is a bare repository", "run it in a clone")
    if resolve(root, "HEAD") is None:
        raise _refuse("there is no commit to release yet", "commit your work first")
    branch = current_branch(root)
    base = config.ship.base
    if branch != base:
        where = "a detached HEAD" if branch is None else f"{branch!r}"
        raise _refuse(f"releases are made from {base!r} (ship.base), not from {where}", f"git switch {base}")
    dirty = git.dirty_tracked(root)
    if dirty:
        raise _refuse(f"uncommitted changes to tracked files ({', '.join(dirty[:5])})",
                      "commit or stash them: a release commits exactly the release")
    name = git.upstream(root)
    if name is not None:
        behind, ahead = git.behind_ahead(root, name)
        if behind:
            raise _refuse(f"{base} is {behind} commit(s) behind {name}", "git pull --ff-only, then release")
        if ahead and not opts.no_push and config.ship.push and not opts.dry_run:
            raise _refuse(f"{base} has {ahead} commit(s) not on {name}: the release push would carry them "
                          "past review", f"land them through a pull request, or reset {base} to {name}")
    return base


# --- deciding -----------------------------------------------------------------------------

def decide(repo: Repo, config: Config, opts: Options) -> Plan | None:
    """The release this would make, or None when nothing is pending. Writes nothing."""
    root, rel = Path(repo.root), config.release
    pkg = config.package(opts.package) if opts.package else None
    if opts.package and pkg is None:
        raise WfguardError(f"no package {opts.package!r} in this workflow",
                           hint="packages: " + (", ".join(p.name for p in config.packages) or "none"))
    branch = _check_repository(repo, config, opts)
    day = changelog.check_date(opts.date)
    if pkg is not None:
        rel = with_tag_shape(root, pkg.release, _package_names(root, pkg))
        specs = (list(rel.version_files) if rel.version_files is not None
                 else [f"{pkg.path}/{f}" for f in versionfiles.detect(root / pkg.path)])
    else:
        rel = with_tag_shape(root, rel)
        specs = list(rel.version_files) if rel.version_files is not None else versionfiles.detect(root)
    files = [versionfiles.read(root, s) for s in specs]
    current, current_tag = current_version(root, rel, files)
    unknown = current_tag is None and not files  # no release found, no version written anywhere
    frag, keep_file = _changelog_mode(config, opts.package)
    if config.packages and pkg is None and frag is None:
        return None  # a monorepo's root releases only from fragments of its own

    found: list[Any] = []
    messages: list[str] = []
    pending_sets: list[tuple[str, str, str, str]] = []  # path, level, summary, text
    if frag is not None and frag.format == "changesets":
        pending_sets = _pending_changesets(root, frag)
        reasons = [Reason(p, _as_level(lv)) for p, lv, _, _ in pending_sets]
    elif frag is not None:
        from ..fragments import pending_fragments

        found = pending_fragments(root, frag)
        reasons = [Reason(p, _fragment_level(rel, f.type)) for p, f, _ in found]
    else:
        pairs = _commit_reasons(root, current_tag, rel.bump)
        reasons = [r for r, _ in pairs if r.level is not None]
        messages = [m for _, m in pairs]
    level: Level | None = _highest([r.level for r in reasons])
    if unknown and pkg is not None and not opts.version and (level is not None or opts.bump):
        raise WfguardError(
            f"package {pkg.name} has no version file and no tag like {rel.tag.replace('{version}', '1.0.0')}: "
            "wfguard will not invent its version; nothing was changed",
            hint=f"pass --version for its first release, or set packages.{pkg.name}.release.version_files "
            "(and release.tag if its tags are shaped otherwise)")
    how: Level | Literal["explicit", "pre-release"]
    try:
        pre = versions.pre_label(opts.pre, rel.scheme) if opts.pre else None
        if opts.version:
            target = versions.parse(opts.version.lstrip("v") if rel.tag.startswith("v") else opts.version,
                                    rel.scheme)
            if target.key <= current.key:
                raise _refuse(f"--version {target.text} is not newer than the current {current.text}",
                              "pass a higher version")
            version, how, reasons = target.text, "explicit", [Reason("--version", None)]
        else:
            if opts.bump:
                level, reasons = opts.bump, [Reason("--bump", opts.bump)]
            nxt = versions.next_version(current, level, pre, rel.scheme, rel.zero_major)
            if nxt is None:
                return None
            version = nxt
            how = level if level is not None else "pre-release"
    except versions.InvalidVersion as exc:
        raise WfguardError(str(exc)) from None

    tag = rel.tag.replace("{version}", version)
    if resolve(root, f"refs/tags/{tag}") is not None:
        raise _refuse(f"the tag {tag} already exists", "pass --version with a new version, or delete the stale tag")
    section = None
    changesets = None
    if frag is not None and frag.format == "changesets":
        secs = _changeset_sections(pending_sets)
        text = releasenotes.render(version, day, secs)
        changesets = (text, tuple((p, _without(t, frag.names)) for p, _, _, t in pending_sets))
    elif frag is not None:
        section, _ = changelog.prepare(root, frag, version, day)
        secs = list(section.sections)
    elif keep_file is not None:
        secs = []
    else:
        secs = _commit_sections(messages, rel.bump)
    notes = releasenotes.notes(secs) if keep_file is None else _unreleased_notes(root, keep_file, messages)
    if section is not None and frag is not None and frag.build and section.removed:
        notes = _without_title(section.section)  # what the build tool writes, as it writes it
    if current.pre is not None and version == current.base:
        notes += _pre_release_notes(root, rel, current)
    message = rel.commit.replace("{version}", version)
    warnings = []
    default = (pkg.release if pkg is not None else config.release).tag
    if rel.tag != default:
        warnings.append(f"release.tag is not set, and the existing tags are shaped {rel.tag}: tagging {tag} "
                        f"(set release.tag: {json.dumps(rel.tag)} to pin it)")
    if unknown and pkg is None and not opts.version:
        warnings.append(f"no earlier release: no tag like {default.replace('{version}', '1.0.0')} and no "
                        f"version file, so counting from {current.text}")
    for f in files:
        try:
            ahead = versions.parse(f.version, rel.scheme).key > current.key
        except versions.InvalidVersion:
            continue
        if ahead and current_tag is not None:
            warnings.append(f"{f.path} says {f.version}, newer than the newest tag reachable from HEAD "
                            f"({current_tag}): was a release tagged on a commit {branch} no longer contains?")
    # the lock follows its pyproject.toml (a lock's version may lag: it is rewritten, never compared)
    locks = [lock for f in files if (lock := versionfiles.uv_lock(root, f)) is not None]
    files += [lock for lock in locks if lock.path not in {f.path for f in files}]
    return Plan(version, current.text, how, tuple(reasons), notes, tag, branch, message, tuple(files),
                section, frag, keep_file, day, tuple(warnings), changesets)


def _without_title(section: str) -> str:
    """A changelog section without its version title (``# 1.2.0`` or an underlined rst title)."""
    lines = section.strip("\n").splitlines()
    if len(lines) > 1 and lines[1] and len(set(lines[1])) == 1 and lines[1][0] in "=-~^*#":
        lines = lines[2:]
    elif lines and lines[0].startswith("#"):
        lines = lines[1:]
    return "\n".join(lines).strip("\n") + "\n"


def _pending_changesets(root: Path, frag: Fragments) -> list[tuple[str, str, str, str]]:
    """(path, level, summary, text) of each changeset naming this package."""
    from ..fragments import is_changeset, parse_changeset

    out = []
    folder = root / frag.dir
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not path.is_file() or not is_changeset(path.name):
            continue
        text = path.read_text(encoding="utf-8")
        cs = parse_changeset(text)
        if cs.problems:
            line, what = cs.problems[0]
            raise WfguardError(f"{frag.dir}/{path.name}:{line}: {what}; nothing was changed", hint="fix the changeset")
        named = [lv for n, (lv, _) in cs.levels.items() if n in frag.names]
        if named:
            level = max(named, key=versions.LEVELS.index)
            out.append((f"{frag.dir}/{path.name}", level, cs.summary, text))
    return out


def _changeset_sections(pending: list[tuple[str, str, str, str]]) -> list[releasenotes.Section]:
    heads = {"major": "Major Changes", "minor": "Minor Changes", "patch": "Patch Changes"}
    return [releasenotes.Section(lv, heads[lv], tuple(releasenotes.Entry(p, releasenotes.entry_text(s))
                                                       for p, level, s, _ in pending if level == lv))
            for lv in ("major", "minor", "patch") if any(level == lv for _, level, _, _ in pending)]


def _without(text: str, names: tuple[str, ...]) -> str | None:
    """The changeset without this package's lines; None when no package is left in it."""
    from ..fragments import parse_changeset

    cs = parse_changeset(text)
    drop = {line for n, (_, line) in cs.levels.items() if n in names}
    if len(drop) == len(cs.levels):
        return None
    lines = text.splitlines(keepends=True)
    return "".join(ln for i, ln in enumerate(lines, 1) if i not in drop)


def _fragment_level(rel: ReleaseConfig, ftype: str) -> Level:
    return _as_level(rel.bump.get(ftype, "patch"))


def _as_level(text: str) -> Level:
    return next((lv for lv in versions.LEVELS if lv == text), "patch")


def _unreleased_notes(root: Path, file: str, messages: list[str]) -> str:
    path = root / file
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    span = releasenotes.unreleased(text)
    body = text[span[0]:span[1]].strip() if span else ""
    if body:
        return body + "\n"
    return releasenotes.notes(_commit_sections(messages))


def _pre_release_notes(root: Path, rel: ReleaseConfig, current: versions.Version) -> str:
    """The final release after pre-releases: their notes belong to it too (the fragments they
    took are gone from the folder), read back from their annotated tags."""
    parts = []
    for v, tag in released_tags(root, rel):
        if v.pre is not None and v.pre[0] != "dev" and v.release == current.release:  # a .devN tag holds no notes
            body = git.tag_message(root, tag)
            if body:
                parts.append(f"\n### From {v.text}\n\n{body}\n")
    return "".join(parts)


# --- carrying it out ----------------------------------------------------------------------

class _Snapshot:
    """The bytes of every file a release may touch, put back if it fails before the commit."""

    def __init__(self, root: Path, paths: list[str]) -> None:
        self.root = root
        self.head = resolve(root, "HEAD")
        self.saved: dict[str, bytes | None] = {}
        for rel in paths:
            p = root / rel
            self.saved[rel] = p.read_bytes() if p.is_file() and not p.is_symlink() else None
        self.links = {rel: os.readlink(root / rel) for rel in paths if (root / rel).is_symlink()}

    def restore(self) -> None:
        for rel, data in self.saved.items():
            p = self.root / rel
            if rel in self.links:
                if not p.is_symlink():
                    p.unlink(missing_ok=True)
                    os.symlink(self.links[rel], p)
            elif data is None:
                p.unlink(missing_ok=True)
            else:
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_bytes(data)
        git.read_tree(self.root, "HEAD")  # the index was clean: HEAD's tree is it


def carry_out(repo: Repo, config: Config, plan: Plan, opts: Options, out: Any) -> tuple[int, str | None, bool]:
    """Write, check, commit, tag, push. Returns (exit code, commit, pushed)."""
    root = Path(repo.root)
    touched = [f.path for f in plan.files]
    if plan.section is not None and plan.fragments is not None:
        touched += [plan.fragments.output, *plan.section.removed]
    if plan.keep_a_changelog:
        touched.append(plan.keep_a_changelog)
    if plan.changesets is not None and plan.fragments is not None:
        touched += [plan.fragments.output, *(p for p, _ in plan.changesets[1])]
    snapshot = _Snapshot(root, touched)
    try:
        for f in plan.files:
            (root / f.path).write_text(f.replaced(plan.version), encoding="utf-8")
        git.add(root, [f.path for f in plan.files])
        if plan.changesets is not None and plan.fragments is not None:
            _write_changesets(root, plan.fragments, plan.changesets)
        elif plan.section is not None and plan.fragments is not None:
            changelog.write(root, plan.fragments, plan.section)
        elif plan.keep_a_changelog:
            _release_unreleased(root, plan.keep_a_changelog, plan.version, plan.date)
        from .ship import Ship

        checker = Ship(repo, config, dry_run=False, interactive=False, fmt=opts.fmt)
        report = checker.checks(plan.branch, plan.message + "\n", git.write_tree(root), command="release")
        if not report.passed:
            from ..render import text
            from ..render.style import Styler, use_color

            shown = report._replace(results=tuple(r for r in report.results if r.status in ("fail", "skip")))
            sys.stderr.write(text.render(shown, Styler(use_color(sys.stderr)), show_next=False) + "\n")
            snapshot.restore()
            out("✗ the release change fails the workflow's rules: nothing was committed, every file is as it was")
            return EXIT_FAILED, None, False
        from .. import shiprecord

        shiprecord.write(repo.state_dir, root, shiprecord.index_tree(root), plan.message + "\n")
        sha = git.commit(root, plan.message + "\n")
    except BaseException:
        if resolve(root, "HEAD") == snapshot.head:  # no commit made: nothing of it may remain
            snapshot.restore()
        raise
    out(f"✓ committed {sha[:10]} {plan.message}")
    try:
        if not opts.no_tag:
            git.tag_annotated(root, plan.tag, plan.notes)
            out(f"✓ tagged {plan.tag}")
        if opts.no_push or not config.ship.push:
            return 0, sha, False
        remote = config.ship.remote
        refs = [f"HEAD:refs/heads/{plan.branch}", *(() if opts.no_tag else (f"refs/tags/{plan.tag}",))]
        retry = f"git push --atomic {remote} {' '.join(refs)}"
        if not git.remote_exists(root, remote):
            out(f"✗ no remote {remote!r}: the commit and tag are kept. Add one, then: {retry}")
            return EXIT_ERROR, sha, False
        push = git.push(root, remote, refs, atomic=True)
        if not push.ok:
            out(f"✗ push failed: {push.said or 'no reason given'}; the commit and tag are kept. Retry: {retry}")
            return EXIT_ERROR, sha, False
        out(f"✓ pushed {plan.branch}" + ("" if opts.no_tag else f" and {plan.tag}") + f" to {remote}")
        return 0, sha, True
    finally:
        from .. import shiprecord

        shiprecord.clear(repo.state_dir)


def _write_changesets(root: Path, frag: Fragments, plan: tuple[str, tuple[tuple[str, str | None], ...]]) -> None:
    section, files = plan
    output = root / frag.output
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(releasenotes.insert(current, section), encoding="utf-8")
    git.add(root, [frag.output])
    for path, text in files:
        if text is None:
            git.remove(root, path)
            (root / path).unlink(missing_ok=True)
        else:
            (root / path).write_text(text, encoding="utf-8")
            git.add(root, [path])


def _release_unreleased(root: Path, file: str, version: str, day: str) -> None:
    """Keep a Changelog: the Unreleased entries move under a new version heading."""
    path = root / file
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    span = releasenotes.unreleased(text)
    heading = f"## [{version}] - {day}\n\n"
    if span is None:
        text = releasenotes.insert(text, heading.rstrip("\n") + "\n")
    else:
        start, end = span
        body = text[start:end].strip("\n")
        text = text[:start] + "\n" + heading + (body + "\n\n" if body else "") + text[end:].lstrip("\n")
    path.write_text(text, encoding="utf-8")
    git.add(root, [file])


# --- the command --------------------------------------------------------------------------

def run(opts: Options) -> int:
    repo = open_repo()
    config = load_config(repo)
    if config.packages and opts.package is None:
        return _each_package(repo, config, opts)
    return _single(repo, config, opts)


def _each_package(repo: Repo, config: Config, opts: Options) -> int:
    """Plain ``release`` in a monorepo: every package with pending fragments (and the root, from
    its own fragments), one commit and tag each, in the order the config lists them."""
    results: list[dict[str, Any]] = []
    code = 0
    for name in (None, *(p.name for p in config.packages)):
        sub = opts._replace(package=name)
        plan = decide(repo, config, sub)
        if plan is None:
            continue
        _printer(opts.fmt)(f"== {name or 'the repository root'}")
        code, data = _one(repo, config, sub, plan)
        results.append({"package": name, **data})
        if code:
            break
    if opts.fmt == "json":
        emit(to_json({"releases": results, "next": [n for r in results for n in r.get("next", [])]}), None)
    elif not results:
        _printer(opts.fmt)("nothing to release: no package has pending fragments")
    return code


def _single(repo: Repo, config: Config, opts: Options) -> int:
    plan = decide(repo, config, opts)
    if plan is None:
        if opts.fmt == "json":
            emit(to_json({"version": None, "previous": _previous(repo, config, opts.package), "bump": None,
                          "reasons": [], "notes": "", "tag": None, "commit": None, "pushed": False,
                          "dry_run": opts.dry_run, "next": []}), None)
        else:
            _printer(opts.fmt)("nothing to release: no pending fragments or releasable commits since the last release")
        return 0
    code, data = _one(repo, config, opts, plan)
    if opts.fmt == "json":
        emit(to_json(data), None)
    return code


def _one(repo: Repo, config: Config, opts: Options, plan: Plan) -> tuple[int, dict[str, Any]]:
    """Show the plan, and carry it out unless it is a dry run: the exit code and the JSON."""
    out = _printer(opts.fmt)
    if opts.dry_run:
        if opts.notes_file:
            _write_notes(opts.notes_file, plan.notes)
        _show(plan, opts, out)
        return 0, _json(plan, None, False, opts)
    _show(plan, opts, out)
    if not opts.yes and opts.fmt != "json" and sys.stdin.isatty() and sys.stdout.isatty():
        from rich.prompt import Confirm

        if not Confirm.ask(f"release {plan.version}?", default=False):
            out("nothing was changed")
            return 0, _json(plan, None, False, opts)
    code, sha, pushed = carry_out(repo, config, plan, opts, out)
    if sha and opts.notes_file:  # the notes of a release that exists, pushed or still to push
        _write_notes(opts.notes_file, plan.notes)
    return code, _json(plan, sha, pushed, opts)


def _package_names(root: Path, pkg: Package) -> list[str]:
    """The names a package's tags may use: its manifest's name (lerna and changesets tag
    ``name@1.2.0``), then its key."""
    from ..adopt.workspaces import manifest_name

    return list(dict.fromkeys(n for n in (manifest_name(root, pkg.path)[0], pkg.name) if n))


def _previous(repo: Repo, config: Config, package: str | None = None) -> str | None:
    pkg = config.package(package) if package else None
    root = Path(repo.root)
    rel = with_tag_shape(root, pkg.release, _package_names(root, pkg)) if pkg else \
        with_tag_shape(root, config.release)
    tags = released_tags(root, rel)
    return tags[-1][0].text if tags else None


def _printer(fmt: str) -> Any:
    def out(line: str) -> None:
        if fmt != "json":
            sys.stdout.write(line + "\n")
    return out


def _write_notes(path: str, notes: str) -> None:
    try:
        Path(path).write_text(notes, encoding="utf-8")
    except OSError as exc:
        raise WfguardError(f"cannot write --notes-file {path}: {exc.strerror or exc}",
                           hint="name a file in a folder that exists") from None


def _show(plan: Plan, opts: Options, out: Any) -> None:
    verb = "would release" if opts.dry_run else "releasing"
    out(f"{verb} {plan.version} (from {plan.previous}, {plan.bump}) as {plan.tag} on {plan.branch}")
    for r in plan.reasons:
        out(f"  {r.level or '-':<6} {r.source}")
    for f in plan.files:
        out(f"  version {f.version} -> {plan.version} in {f.path}")
    for w in plan.warnings:
        out(f"  warning: {w}")
    out("")
    out(plan.notes.rstrip("\n"))
    out("")


def _json(plan: Plan, sha: str | None, pushed: bool, opts: Options) -> dict[str, Any]:
    nxt = []
    if sha and not pushed:
        nxt = [f"git push --atomic origin HEAD:refs/heads/{plan.branch} refs/tags/{plan.tag}"]
    elif pushed:
        nxt = [f"gh release create {plan.tag} --notes-file {opts.notes_file or 'NOTES.md'}"]
    return {"version": plan.version, "previous": plan.previous, "bump": plan.bump,
            "reasons": [{"source": r.source, "level": r.level} for r in plan.reasons],
            "notes": plan.notes, "tag": None if opts.no_tag else plan.tag, "commit": sha, "pushed": pushed,
            "dry_run": opts.dry_run, "files": [f.path for f in plan.files], "warnings": list(plan.warnings),
            "next": nxt}
