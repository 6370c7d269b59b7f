"""``wfguard update``: move the pinned shared workflows to the newest commit they track, and say
what that changes in the effective rules before anything is trusted.

Only the ``ref:`` values of ``.wfguard.yml`` are rewritten (every other byte stays), and only
for entries with ``track``. The difference is computed on the effective rules, before and after:
rules added, removed and changed, every ``command`` rule added or changed in full (it will run on
every developer's machine), and each weakening, from the same comparison as ``workflow-weakened``.
"""

from __future__ import annotations

import fnmatch
import time
from pathlib import Path
from typing import Any

from .. import git
from ..config import CONFIG_NAME, WorkTree, load_uncached, shared
from ..errors import WfguardError
from ..model import Config
from ..records import NamedTuple
from .common import emit, open_repo, to_json


class Options(NamedTuple):
    cooldown: float = 0  # days a commit must have existed before it is taken
    dry_run: bool = False
    fetch_only: bool = False
    fmt: str = "text"


class Move(NamedTuple):
    entry: int  # its position in extends
    url: str
    track: str
    old: str
    new: str
    span: tuple[int, int]  # where the old ref is written in .wfguard.yml
    quoted: bool


class _Edited(WorkTree):
    """The work tree with .wfguard.yml replaced by a text in memory."""

    def __init__(self, root: Path, text: str) -> None:
        super().__init__(root)
        self.text = text

    def read(self, relpath: str) -> bytes | None:
        return self.text.encode("utf-8") if relpath == CONFIG_NAME else super().read(relpath)


def _entries(text: str) -> list[tuple[int, dict[str, Any], tuple[int, int] | None, bool]]:
    """(index, entry, span of its ref value, quoted) for each shared entry of ``extends``."""
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    out: list[tuple[int, dict[str, Any], tuple[int, int] | None, bool]] = []
    if not isinstance(root, yaml.MappingNode):
        return out
    ext = next((v for k, v in root.value if k.value == "extends"), None)
    items = [ext] if isinstance(ext, yaml.MappingNode) else (ext.value if isinstance(ext, yaml.SequenceNode) else [])
    for i, node in enumerate(items):
        if not isinstance(node, yaml.MappingNode):
            continue
        entry = {k.value: v.value for k, v in node.value if isinstance(v, yaml.ScalarNode)}
        ref = next((v for k, v in node.value if k.value == "ref" and isinstance(v, yaml.ScalarNode)), None)
        span = (ref.start_mark.index, ref.end_mark.index) if ref is not None else None
        out.append((i, entry, span, bool(ref is not None and ref.style in ("'", '"'))))
    return out


def _newest(repo: Path, track: str, cooldown_days: float) -> str:
    """The newest commit of branch ``track`` (or of the newest tag matching the glob ``track``)
    that is at least ``cooldown_days`` old."""
    cutoff = time.time() - cooldown_days * 86400
    if any(c in track for c in "*?["):
        from ..versions import InvalidVersion, parse

        def order(tag: str) -> tuple[int, object]:
            try:
                return (1, parse(tag.lstrip("vV"), "pep440").key)
            except InvalidVersion:
                return (0, tag)

        names = sorted((t for t in git.tags(repo) if fnmatch.fnmatchcase(t, track)), key=order, reverse=True)
        for tag in names:
            sha = git.rev_parse(repo, f"refs/tags/{tag}^{{commit}}")
            if int(git.out(["log", "-1", "--format=%ct", sha], repo)) <= cutoff:
                return sha
        raise WfguardError(f"no tag matching {track!r} is at least {cooldown_days:g} day(s) old",
                           hint="lower --cooldown, or check 'track'")
    if git.object_type(repo, f"refs/heads/{track}") != "commit":
        raise WfguardError(f"the shared repository has no branch {track!r}", hint="fix 'track'")
    for line in git.out(["rev-list", "--first-parent", "--format=%ct", f"refs/heads/{track}"], repo).splitlines():
        if line.startswith("commit "):
            sha = line.split()[1]
        elif int(line) <= cutoff:
            return sha
    raise WfguardError(f"no commit of {track!r} is at least {cooldown_days:g} day(s) old", hint="lower --cooldown")


def plan(root: Path, text: str, cooldown: float) -> list[Move]:
    moves = []
    for i, entry, span, quoted in _entries(text):
        track, url, old = entry.get("track"), entry.get("git"), str(entry.get("ref", ""))
        if not track or not url or span is None:
            continue
        repo = shared.fetch(url)
        new = _newest(repo, track, cooldown)
        if new != old:
            moves.append(Move(i, url, track, old, new, span, quoted))
    return moves


def rewrite(text: str, moves: list[Move]) -> str:
    for m in sorted(moves, key=lambda m: m.span[0], reverse=True):
        value = f'"{m.new}"' if m.quoted or m.new.isdigit() else m.new
        text = text[:m.span[0]] + value + text[m.span[1]:]
    return text


def difference(before: Config, after: Config) -> dict[str, Any]:
    from ..weaken import weakenings

    old = {r.id: r for r in before.rules}
    new = {r.id: r for r in after.rules}

    def fields(r: Any) -> dict[str, Any]:
        d: dict[str, Any] = r.to_dict()
        d.pop("origin", None)
        return d

    changed = {}
    for rid in old.keys() & new.keys():
        a, b = fields(old[rid]), fields(new[rid])
        diff = {k: {"from": a.get(k), "to": b.get(k)} for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)}
        if diff:
            changed[rid] = diff
    commands = {rid: fields(new[rid]) for rid in new if new[rid].kind == "command"
                and (rid not in old or rid in changed)}
    return {"added": sorted(new.keys() - old.keys()), "removed": sorted(old.keys() - new.keys()),
            "changed": changed, "commands": commands, "weakened": weakenings(before, after)}


def _before(root: Path) -> Config:
    """The effective rules now; none when they cannot be read (a ref that is not pinned yet, say),
    so the difference lists every rule the update brings."""
    try:
        return load_uncached(WorkTree(root), allow_fetch=True)[0]
    except WfguardError:
        from ..model import ShipConfig

        return Config((), ShipConfig())


def run(opts: Options) -> int:
    repo = open_repo()
    path = Path(repo.root) / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WfguardError(f"no {CONFIG_NAME} here", hint="run 'wfguard init'") from None
    from ..config import yamlpos

    yamlpos.parse(text, CONFIG_NAME)  # broken YAML: the located error, before anything is fetched
    if opts.fetch_only:
        load_uncached(WorkTree(repo.root), allow_fetch=True)  # every pin, nested ones too
        pins = [e for _, e, _, _ in _entries(text)]
        data = {"fetched": [e.get("git") for e in pins], "moved": [], "next": []}
        emit(to_json(data) if opts.fmt == "json" else f"✓ the shared workflows of {CONFIG_NAME} are in the "
             f"cache ({shared.cache_root()}): hooks can read them offline", None)
        return 0
    moves = plan(Path(repo.root), text, opts.cooldown)
    new_text = rewrite(text, moves)
    before = _before(Path(repo.root)) if moves else None
    after = load_uncached(_Edited(Path(repo.root), new_text), allow_fetch=True)[0] if moves else None
    diff = difference(before, after) if before is not None and after is not None else {
        "added": [], "removed": [], "changed": {}, "commands": {}, "weakened": []}
    if moves and not opts.dry_run:
        path.write_text(new_text, encoding="utf-8")
    moved = [{"git": m.url, "track": m.track, "from": m.old, "to": m.new} for m in moves]
    nxt = [f'git commit -am "chore: update shared workflows" -- {CONFIG_NAME}'] if moves and not opts.dry_run else []
    if opts.fmt == "json":
        emit(to_json({"moved": moved, "dry_run": opts.dry_run, **diff, "next": nxt}), None)
        return 0
    if not moves:
        emit("✓ every tracked shared workflow is at its newest eligible commit", None)
        return 0
    lines = []
    for m in moves:
        lines.append(f"{'would move' if opts.dry_run else 'moved'} {m.url} ({m.track}): {m.old[:12]} -> {m.new[:12]}")
    lines += [f"  + rule {r}" for r in diff["added"]] + [f"  - rule {r}" for r in diff["removed"]]
    for rid, fields in diff["changed"].items():
        for key, change in fields.items():
            lines.append(f"  ~ {rid}.{key}: {change['from']!r} -> {change['to']!r}")
    for rid, rule in diff["commands"].items():
        run_ = rule["options"].get("run")
        lines.append(f"  ! command rule {rid} will run on every machine: {run_!r} "
                     f"(stages {', '.join(rule['stages'])}, paths {rule['paths'] or 'every path'})")
    lines += [f"  ⚠ weaker: {w}" for w in diff["weakened"]]
    if nxt:
        lines.append("next: " + nxt[0])
    emit("\n".join(lines), None)
    return 0
