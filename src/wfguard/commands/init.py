"""``wfguard init``: a .wfguard.yml that adopts what the repository already has, then the hooks.

It reads towncrier's settings, an existing fragment folder or Keep-a-Changelog file, the commit
convention (commitizen, commitlint, else the history), the default branch and the hook manager,
says what it found, and writes a config under which the recent history passes as the
repository's current tools judged it.
"""

from __future__ import annotations

import fnmatch
import json
import re
import sys
from pathlib import Path
from typing import Any

from .. import git
from ..adopt import conventions, managers, workspaces
from ..adopt import release as release_mod
from ..adopt import towncrier as towncrier_mod
from ..config import CONFIG_NAME
from ..errors import WfguardError
from ..fragments import parse_name
from ..records import NamedTuple
from ..repo import Repo, current_branch, resolve
from ..resources import schema_text
from .common import emit, open_repo

SCHEMA_FILE = ".wfguard.schema.json"
_UNRELEASED = re.compile(r"^##\s*\[?\s*unreleased", re.IGNORECASE | re.MULTILINE)
FRAGMENT_FOLDERS = ("changelog.d", "changelog", "newsfragments", ".changes")
DEFAULT_TYPES = ("feature", "bugfix", "removal", "doc", "misc")
BUILTIN_PROTECTED = ("main", "master")


class Changelog(NamedTuple):
    mode: str  # fragments | file | none
    found: str  # what was read, for the report
    fragments: dict[str, Any]  # fragments options to write (fragments mode)
    file: str | None = None


class Detected(NamedTuple):
    changelog: Changelog
    commits: conventions.Rule
    default_branch: str
    manager: managers.Manager | None
    source_dirs: tuple[str, ...]
    release: release_mod.Release
    packages: dict[str, Any]  # name -> path, or {path, tag} (a monorepo)
    packages_found: str
    packages_skipped: tuple[str, ...] = ()


def _folder_types(root: Path, folder: str) -> list[str]:
    """The types an existing fragment folder's files use, beside the defaults."""
    used = []
    for path in sorted((root / folder).iterdir()):
        parts = path.name.split(".")
        candidates = [p for p in parts[1:] if p and not p.isdigit() and p.lower() not in ("md", "rst", "txt")]
        if path.is_file() and not path.name.startswith((".", "README")) and candidates:
            used.append(candidates[-1])
    return list(dict.fromkeys([*DEFAULT_TYPES, *used]))


def _has_changesets(folder: Path) -> bool:
    """A .changeset/ folder holding changesets (a project that keeps changesets' config elsewhere)."""
    from ..fragments import is_changeset, parse_changeset

    if not folder.is_dir():
        return False
    for path in sorted(folder.glob("*.md"))[:20]:
        if is_changeset(path.name):
            parsed = parse_changeset(path.read_text(encoding="utf-8", errors="replace"))
            if parsed.levels and not parsed.problems:
                return True
    return False


def detect_changelog(root: Path, commits: conventions.Rule) -> Changelog:
    if (root / ".changeset" / "config.json").is_file() or _has_changesets(root / ".changeset"):
        return Changelog("fragments", "changesets in .changeset/ (each package named with its level)",
                         {"dir": ".changeset", "format": "changesets"})
    tc = towncrier_mod.read(root)
    if tc is not None:
        ext = tc.filename.rsplit(".", 1)[-1].lower() if "." in tc.filename else "md"
        opts: dict[str, Any] = {
            "dir": tc.directory, "types": list(tc.types),
            "extensions": list(dict.fromkeys([ext if ext in ("md", "rst", "txt") else "md", "md", "rst", "txt"])),
            "output": tc.filename, "headings": tc.headings,
        }
        if tc.allow_empty:
            opts["allow_empty"] = list(tc.allow_empty)
        if tc.ignore:
            opts["ignore"] = list(tc.ignore)
        opts["build"] = ["towncrier", "build", "--yes", "--version", "{version}"]
        return Changelog("fragments", f"towncrier settings in {tc.source}: fragments in {tc.directory}/, "
                         f"{len(tc.types)} types, notes in {tc.filename}", opts)
    folder = next((d for d in FRAGMENT_FOLDERS if (root / d).is_dir() and any(
        isinstance(parse_name(p.name, _folder_types(root, d), ("md", "rst", "txt")), tuple)
        for p in (root / d).iterdir())), None)
    changelog_file = next((f for f in ("CHANGELOG.md", "CHANGES.md", "HISTORY.md") if (root / f).is_file()), None)
    if folder:
        opts = {"dir": folder, "types": _folder_types(root, folder)}
        if changelog_file:
            opts["output"] = changelog_file
        return Changelog("fragments", f"fragments in {folder}/", opts)
    if changelog_file and _UNRELEASED.search((root / changelog_file).read_text(encoding="utf-8", errors="replace")):
        return Changelog("file", f"{changelog_file} with an Unreleased section (Keep a Changelog)", {},
                         changelog_file)
    if commits.source.startswith("commitizen"):
        return Changelog("none", "commitizen writes the changelog from the commits at `cz bump`", {})
    if changelog_file:
        return Changelog("none", f"{changelog_file} without an Unreleased section", {}, changelog_file)
    return Changelog("fragments", "no changelog yet: starting changelog.d/ fragments", {})


def _named_in_changesets(folder: Path) -> set[str]:
    from ..fragments import is_changeset, parse_changeset

    names: set[str] = set()
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        if is_changeset(path.name):
            names.update(parse_changeset(path.read_text(encoding="utf-8", errors="replace")).levels)
    return names


def _lerna_version(root: Path) -> str | None:
    """lerna.json's ``version``: ``independent``, a fixed version, or None (no lerna)."""
    try:
        data = json.loads((root / "lerna.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return str(version) if isinstance(version, str) else None


def _changesets_ignore(root: Path) -> list[str]:
    try:
        data = json.loads((root / ".changeset" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    ignore = data.get("ignore") if isinstance(data, dict) else None
    return [str(g) for g in ignore] if isinstance(ignore, list) else []


def default_branch(root: Path) -> str:
    """The remote's default branch, else main, else master, else the branch checked out."""
    remote_head = git.symbolic_ref(root, "refs/remotes/origin/HEAD", short=True)
    if remote_head:
        return remote_head.removeprefix("origin/")
    for name in BUILTIN_PROTECTED:
        if resolve(root, f"refs/heads/{name}"):
            return name
    return current_branch(root) or "main"


def detect(repo: Repo) -> Detected:
    root = Path(repo.root)
    commits = conventions.detect(root)
    changelog = detect_changelog(root, commits)
    ws = workspaces.detect(root)
    packages: dict[str, Any] = dict(ws.packages)
    skipped = list(ws.skipped)
    release = release_mod.detect(root)
    if packages and changelog.fragments.get("format") == "changesets":
        # changesets publish packages and tag each as NAME@VERSION; a private package (docs, test
        # helpers) is not released to anyone, so it owes no changeset; nor one changesets ignores
        ignored = _changesets_ignore(root)
        named = _named_in_changesets(root / ".changeset")
        kept: dict[str, Any] = {}
        for name, path in packages.items():
            manifest, private = workspaces.manifest_name(root, path)
            if private and manifest not in named:  # named in a changeset: this project releases it
                skipped.append(f"{path} (private: changesets release it nowhere)")
            elif manifest is not None and any(fnmatch.fnmatchcase(manifest, g) for g in ignored):
                skipped.append(f"{path} (in the ignore list of .changeset/config.json)")
            else:
                kept[name] = path if manifest is None else {"path": path, "tag": f"{manifest}@{{version}}"}
        packages = kept if len(kept) >= 2 else {}
    lerna = _lerna_version(root)
    if packages and lerna == "independent" and changelog.fragments.get("format") != "changesets":
        # lerna's independent mode tags each package NAME@VERSION, as changesets do
        for name, path in list(packages.items()):
            manifest = workspaces.manifest_name(root, path)[0] if isinstance(path, str) else None
            if manifest is not None:
                packages[name] = {"path": path, "tag": f"{manifest}@{{version}}"}
    if lerna not in (None, "independent"):
        # lerna's fixed mode: one version for the whole repository, in lerna.json, tagged v1.2.3
        release = release._replace(
            options={**release.options, "tag": "v{version}",
                     "version_files": list(dict.fromkeys(["lerna.json", *release.options.get("version_files", [])]))},
            found=f"lerna.json (fixed mode, {lerna}): one version for every package, tags like v{{version}}")
        packages = {}  # the packages share that release; their changelog rules follow the top-level one
        skipped.append("every lerna package (fixed mode: released together, as the repository)")
    if packages:  # the repository's tags name packages, not the root: keep the root's default
        release = release._replace(options={k: v for k, v in release.options.items() if k != "tag"})
    return Detected(changelog, commits, default_branch(root),
                    managers.detect(root), tuple(d for d in ("src", "lib", "app") if (root / d).is_dir()),
                    release, packages, ws.source, tuple(skipped))


def _y(value: Any) -> str:
    """A value as YAML flow text (JSON is YAML)."""
    return json.dumps(value, ensure_ascii=False)


def render(d: Detected) -> str:
    extends = []
    notes = [f"# changelog: {d.changelog.found}"]
    rules: list[str] = []
    cl = d.changelog
    if cl.mode == "fragments":
        extends.append("changelog-fragments")
        frag = cl.fragments
        folder = frag.get("dir", "changelog.d")
        out = frag.get("output", "CHANGELOG.md")
        rules.append("  changelog:")
        if d.source_dirs:
            rules.append(f"    paths: {_y([s + '/**' for s in d.source_dirs])}")
        else:
            rules.append('    paths: ["**"]            # every change; narrow this to your code')
            # what clients never see: docs, tests in every convention (tests/, __tests__/, *.test.*)
            rules.append('    ignore: ["*.md", "docs/", "tests/", "test/", "__tests__/", "*.test.*", "*.spec.*", '
                         '"__snapshots__/", ".*/"]')
        if frag:
            rules.append("    fragments:")
            rules += [f"      {k}: {_y(v)}" for k, v in frag.items()]
        why = (f"Release notes are built from {folder}/ into {out}. A change without a fragment is "
               "invisible to the people who read them.")
        rules.append(f"    why: {_y(why)}")
    elif cl.mode == "file":
        extends.append("keep-a-changelog")
        if cl.file != "CHANGELOG.md":
            rules += ["  changelog:", f"    file: {_y(cl.file)}",
                      f"    why: {_y(f'Release notes are cut from the Unreleased section of {cl.file}.')}",
                      f"    fix: {_y(f'add a line under ## [Unreleased] in {cl.file} and stage it')}"]
    else:
        notes.append("#   no changelog rule yet; add 'keep-a-changelog' or 'changelog-fragments' to extends when ready")
    c = d.commits
    share = "" if c.share is None else f"; {c.share:.0%} of the last {c.commits_read} commits pass it"
    if c.options.get("preset"):
        extends.append("conventional-commits")
        extra = {k: v for k, v in c.options.items() if k != "preset"}
        if extra:
            rules.append("  conventional-commits:")
            rules += [f"    {k}: {_y(v)}" for k, v in extra.items()]
        notes.append(f"# commits: Conventional Commits, as {c.source} has them{share}")
    elif c.options:
        rules += ["  conventional-commits:", "    kind: commit-message",
                  *(f"    {k}: {_y(v)}" for k, v in c.options.items()),
                  f"    why: {_y(f'The commit convention {c.source} checks, so versions and notes can be derived.')}"]
        notes.append(f"# commits: the pattern of {c.source}{share}")
    else:
        notes.append(f"# commits: no convention found ({c.share or 0:.0%} of the last {c.commits_read} commits are "
                     "Conventional Commits); add 'conventional-commits' to extends to require it")
    extends += ["protected-branches", "hygiene"]
    if d.default_branch not in BUILTIN_PROTECTED:
        rules += ["  protected-branches:", f"    protected: {_y([d.default_branch, *BUILTIN_PROTECTED, 'release/*'])}"]
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_FILE}",
        "# wfguard workflow: what every change must carry. Reference: wfguard explain RULE, wfguard list.",
        *notes,
        "version: 1",
        f"extends: [{', '.join(extends)}]",
        "rules:" if rules else "rules: {}",
        *rules,
        "ship:", f"  base: {_y(d.default_branch)}", '  branch: "{type}/{slug}"', "  push: true",
        f"release:                         # {d.release.found}",
        *(f"  {k}: {_y(v)}" for k, v in d.release.options.items()),
        *([f"packages:                        # {d.packages_found}: each gets its own changelog rule, "
           "version and tag (NAME-v{version})",
           *(f"  {_y(name)}: {{path: {_y(p)}}}" if isinstance(p, str) else
             f"  {_y(name)}: {{path: {_y(p['path'])}, release: {{tag: {_y(p['tag'])}}}}}"
             for name, p in d.packages.items())] if d.packages else []),
        "",
    ]
    return "\n".join(lines)


def _must_validate(root: Path, target: Path, before: bytes | None) -> None:
    """What init writes validates, or it is taken back: a config the next command refuses is
    worse than none."""
    from ..config import WorkTree, load_uncached

    try:
        load_uncached(WorkTree(root))
    except WfguardError as exc:
        if before is None:
            target.unlink()
        else:
            target.write_bytes(before)
        raise WfguardError(f"the config init drafted does not validate ({exc.location()} {exc.message}); "
                           "nothing was written", hint="please report this with the repository's layout; "
                           "'wfguard init --no-install' on a copy shows the draft") from None


def run(yes: bool, force: bool, install: bool) -> int:
    repo = open_repo()
    target = Path(repo.root) / CONFIG_NAME
    if target.exists() and not force:
        raise WfguardError(f"{CONFIG_NAME} already exists; nothing was changed",
                           hint="pass --force to replace it (wfguard validate checks the current one)")
    d = detect(repo)
    text = render(d)
    if not yes and sys.stdin.isatty() and sys.stdout.isatty():
        from rich.console import Console
        from rich.prompt import Confirm
        from rich.syntax import Syntax

        Console().print(Syntax(text, "yaml"))
        if not Confirm.ask(f"write {CONFIG_NAME}" + (" and install the hooks" if install else ""), default=True):
            emit("nothing was written", None)
            return 0
    before = target.read_bytes() if target.exists() else None
    target.write_text(text, encoding="utf-8")
    _must_validate(Path(repo.root), target, before)
    (Path(repo.root) / SCHEMA_FILE).write_text(schema_text(), encoding="utf-8")
    c = d.commits
    if not c.options:
        commits = (f"no convention found ({c.share or 0:.0%} of the last {c.commits_read} commits are "
                   "Conventional Commits): no commit-message rule")
    else:
        commits = c.source + ("" if c.share is None else
                              f" ({c.share:.0%} of the last {c.commits_read} commits pass the rule written)")
    found = [f"changelog: {d.changelog.found}", f"commits: {commits}",
             f"default branch: {d.default_branch} (protected; ship.base)", f"release: {d.release.found}"]
    if d.packages:
        more = len(d.packages) - 12
        shown = ", ".join(list(d.packages)[:12]) + (f", and {more} more" if more > 0 else "")
        found.append(f"packages: {len(d.packages)} from {d.packages_found} ({shown})")
    if d.packages_skipped:
        more = len(d.packages_skipped) - 10
        found.append(f"not packages ({len(d.packages_skipped)} skipped): " + "; ".join(d.packages_skipped[:10])
                     + (f"; and {more} more" if more > 0 else ""))
    if d.manager:
        found.append(f"hooks: managed by {d.manager.name} ({d.manager.config})")
    emit("found:\n" + "\n".join(f"  {f}" for f in found), None)
    if d.commits.options and d.commits.failing:
        shown = "\n".join(f"    {h}" for h in d.commits.failing[:5])
        emit(f"  recent commits the commit rule would refuse (history is never rewritten; new commits follow "
             f"the rule):\n{shown}", None)
    emit(f"wrote {CONFIG_NAME} (and {SCHEMA_FILE} for editors)", None)
    code = 0
    if install:
        from .install import install as install_hooks

        # through the hook manager's own config where it runs the hooks, wfguard's shims where
        # nothing else does; a plain hook already there keeps running first
        code = install_hooks(chain=True)
    emit(f'next: git add {CONFIG_NAME} {SCHEMA_FILE}'
         + (f" {d.manager.config}" if d.manager and install else "")
         + ' && git commit -m "chore: adopt wfguard"', None)
    return code
