"""What a release commit looks like, so the rules it would trip recognise it: the version files
bumped, the changelog edited, fragments removed, and nothing else. Being recognised by its shape
(not by a flag) holds on the server too, where only the pushed commits are known."""

from __future__ import annotations

from .. import lazyre
from ..records import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Context

_VERSIONISH = lazyre.compile(r"\d+\.\d+")


def release_only(ctx: Context) -> bool:
    """The change is a release and nothing else: the version files bumped (every line they gain
    or lose holds a version, and they lose no more lines than they gain), the changelog edited,
    fragments removed, no other path touched; and it releases something: a version file bumped,
    fragments moved into the changelog, or (a project whose version lives in its tags alone) a
    version heading added to a changelog file."""
    workflow, paths = ctx.workflow, ctx.changes.paths
    if workflow is None or not paths:
        return False
    from ..model import AUTO_VERSION_FILES
    from .changelog import _VERSION_HEADING
    from .changelog import Options as ChangelogOptions

    version_files = set(workflow.release.version_paths)
    for pkg in workflow.packages:
        version_files |= set(pkg.release.version_paths if pkg.release.version_files is not None
                             else (f"{pkg.path}/{f}" for f in AUTO_VERSION_FILES))
    for path in list(version_files):  # a release rewrites a pyproject's uv.lock entry with it
        if path == "pyproject.toml" or path.endswith("/pyproject.toml"):
            version_files |= {path[: -len("pyproject.toml")] + "uv.lock", "uv.lock"}
    outputs: set[str] = set()
    files: set[str] = set()  # Keep-a-Changelog files (file mode)
    folders: list[str] = []
    for rule in workflow.rules:
        if rule.kind == "changelog":
            o = ChangelogOptions.load(rule.options)
            if o.file:
                outputs.add(o.file)
                files.add(o.file)
            elif o.fragments:
                outputs.add(o.fragments.output)
                folders.append(o.fragments.dir + "/")
    bumped = moved = edited = False
    for cp in paths:
        if cp.old_path is not None:
            old_in = any(cp.old_path.startswith(f) for f in folders)
            if old_in and any(cp.path.startswith(f) for f in folders):
                moved = True  # changesets' pre mode moves the changesets it has used into pre/
                continue
            return False
        if cp.path in version_files and not cp.deleted:
            bumped = True
        elif cp.path in outputs and not cp.deleted:
            edited = True
        elif any(cp.path.startswith(f) for f in folders):
            # fragments removed, a changeset edited (the released package's line taken out), or
            # the release tool's own state beside them (changesets' pre.json)
            moved = moved or cp.deleted or cp.status == "M"
        else:
            return False
    added = ctx.changes.added_lines()
    if not all(_VERSIONISH.search(line.text) for path in version_files for line in added.get(path, ())):
        return False
    removed = ctx.changes.removed_lines()
    for path in version_files:  # a bump replaces version lines: a version file loses nothing else
        lost = removed.get(path, ())
        if len(lost) > len(added.get(path, ())) or not all(_VERSIONISH.search(text) for text in lost):
            return False
    headed = any(_VERSION_HEADING.match(line.text) for path in files for line in added.get(path, ()))
    return bumped or (moved and edited) or headed
