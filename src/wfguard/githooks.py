"""One function per git hook: build the change set git is about to accept, evaluate, report."""

from __future__ import annotations

import os
import sys
import time

from . import changeset, engine, events, git, lazyre
from . import rules as rule_kinds
from .config import CONFIG_NAME, CommitSource, File, WorkTree, load
from .errors import GitError, WfguardError
from .progress import for_stream
from .records import TYPE_CHECKING, NamedTuple
from .repo import Repo, discover, resolve
from .report import Report

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from .model import Config

ZERO = git.ZERO_SHA
SCISSORS = "------------------------ >8 ------------------------"


class RefUpdate(NamedTuple):
    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str


def collect_from_here() -> None:
    """The garbage collector back on (hookentry turned it off for the imports), leaving what is
    loaded so far out of every later collection."""
    import gc

    gc.freeze()
    gc.enable()


def run(name: str, args: Sequence[str], start: float) -> int:
    if name == "pre-receive":
        collect_from_here()
        return pre_receive(args, start)
    repo = discover()
    lazyre.use_cache(repo.state_dir)
    source = WorkTree(repo.root)
    if not os.path.isfile(os.path.join(repo.root, CONFIG_NAME)):
        return without_workflow(repo, name, start)
    if (os.environ.get("PRE_COMMIT_RUNNING_LEGACY") or os.environ.get("PREK_RUNNING_LEGACY")) and \
            _pre_commit_runs_us(repo, name):
        return 0
    config = load(source, repo.state_dir)
    here = config.for_stage(name)
    if not here:
        return 0  # nothing to do at this stage: the cheapest possible hook
    for rule in here:  # loaded while git still works on the change set
        rule_kinds.kind_module(rule.kind)
    collect_from_here()
    push_input = sys.stdin.read() if name == "pre-push" else ""
    shipped = os.path.exists(os.path.join(repo.state_dir, "ship-record.json"))
    if shipped and _checked_by_ship(repo, name, args, push_input):
        return 0
    if name in ("pre-commit", "commit-msg"):
        if name == "commit-msg" and not args:
            raise WfguardError("commit-msg: git passes the message file; none was given")
        comment = git.popen(["config", "--get", "core.commentChar"], repo.root) if args else None
        cs = changeset.from_index(repo.root, name)
        if comment is not None and name == "commit-msg":
            cs = cs.with_message(message_as_recorded(repo, args[0], _comment_char(comment)))
        elif comment is not None:
            comment.communicate()
        if adopting(repo, cs):
            sys.stderr.write(f"wfguard: this commit adds {CONFIG_NAME}: its rules apply from the next commit on; "
                             "nothing was checked\n")
            return 0
        reports = [engine.evaluate(config, cs, os.environ, progress=for_stream())]
    elif name == "pre-push":
        remote = _remote_name(repo, args[0] if args else "origin", args[1] if len(args) > 1 else None)
        updates = parse_push_lines(push_input) or _pre_commit_framework_update()
        reports = [engine.evaluate(config, cs, os.environ, progress=for_stream())
                   for cs in push_changes(repo, remote, updates)]
        refused = ref_report(repo, config, "pre-push", updates)
        if refused is not None:
            reports.append(refused)
    else:
        raise WfguardError(f"unknown hook {name!r}")
    return conclude(repo, reports, name, start)


def _pre_commit_runs_us(repo: Repo, name: str) -> bool:
    """This shim was moved aside as ``<hook>.legacy`` by ``pre-commit install`` (or prek's), which
    runs it before its own hooks: when its config runs wfguard at this stage too, that run is the
    one, not this."""
    from pathlib import Path

    from .adopt import managers

    return managers.runs_wfguard(Path(repo.root), managers.Manager("pre-commit", managers.PRE_COMMIT_FILE), name)


def adopting(repo: Repo, cs: changeset.ChangeSet) -> bool:
    """A commit that adds the workflow to a branch that has history without one: the adoption
    itself (README's quickstart commits it on main). The first commit of a new repository is
    checked as usual."""
    if not any(cp.path == CONFIG_NAME and cp.status == "A" for cp in cs.paths):
        return False
    return resolve(repo.root, "HEAD") is not None


def without_workflow(repo: Repo, name: str, start: float) -> int:
    """A branch whose tree has no workflow (it predates the adoption): nothing to check, unless
    the staged change is what deletes the workflow."""
    if name in ("pre-commit", "commit-msg"):
        if git.staged_deletion(repo.root, CONFIG_NAME):
            from . import weaken
            from .report import Result
            from .rules.base import Message

            deleted = Result(weaken.RULE_ID, "workflow", "fail", "error",
                             (Message(f"this commit deletes {CONFIG_NAME}: every rule of the workflow would stop "
                                      "applying", CONFIG_NAME),),
                             weaken.WHY, f"git restore --staged --worktree -- {CONFIG_NAME}")
            return conclude(repo, [Report(name, None, None, (deleted,))], name, start)
    elif name == "pre-push":
        sys.stdin.read()
    if name != "pre-commit":  # one line per commit: commit-msg says it
        sys.stderr.write(f"wfguard: no {CONFIG_NAME} on this branch (it predates the workflow): nothing was checked\n")
    return 0


def _pre_commit_framework_update() -> list[RefUpdate]:
    """Under pre-commit's pre-push hook, git's ref lines arrive as PRE_COMMIT_* variables (pre-commit
    has read stdin itself)."""
    local = os.environ.get("PRE_COMMIT_LOCAL_BRANCH") or "HEAD"
    # a push of history the remote has none of comes without the two refs ("all files")
    to_ref = os.environ.get("PRE_COMMIT_TO_REF") or os.environ.get("PRE_COMMIT_LOCAL_BRANCH")
    if not to_ref:
        return []
    remote_ref = os.environ.get("PRE_COMMIT_REMOTE_BRANCH") or local
    return [RefUpdate(local, to_ref, remote_ref, os.environ.get("PRE_COMMIT_FROM_REF") or ZERO)]


def _checked_by_ship(repo: Repo, name: str, args: Sequence[str], push_input: str) -> bool:
    """`wfguard ship` just ran these rules on this very tree: don't run them twice."""
    from . import shiprecord

    if name == "pre-commit":
        return shiprecord.matches(repo.state_dir, repo.root, tree=shiprecord.index_tree(repo.root))
    if name == "commit-msg" and args:
        message = clean_message(args[0])
        return shiprecord.matches(repo.state_dir, repo.root, tree=shiprecord.index_tree(repo.root), message=message)
    if name == "pre-push":
        updates = parse_push_lines(push_input)
        live = [u for u in updates if u.local_sha != ZERO]
        return bool(live) and all(shiprecord.matches(repo.state_dir, repo.root, commit=u.local_sha) for u in live)
    return False


def conclude(repo: Repo, reports: list[Report], name: str, start: float) -> int:
    total = round((time.perf_counter() - start) * 1000)
    failed = [r for r in reports if not r.passed]
    shown = [r for r in reports if not r.passed or any(
        x.status in ("fail", "skip") or any(m.level == "note" for m in x.messages) for x in r.results)]
    if shown:  # the renderer is loaded only when there is something to say
        from .render import text
        from .render.style import Styler, use_color

        styler = Styler(use_color(sys.stderr))
        for report in shown:
            sys.stderr.write(text.render(report, styler) + "\n")
    for report in reports:
        events.record(repo.state_dir, report, total, "hook")
    if failed:
        sys.stderr.write(
            "wfguard: nothing was changed: your staged work is exactly as it was.\n"
            if name in ("pre-commit", "commit-msg") else "wfguard: the push was stopped.\n"
        )
        return 1
    return 0


# --- pre-commit and commit-msg ----------------------------------------------------------

def _comment_char(proc: git.Proc) -> str:
    value = git.text(proc.communicate()[0]).strip()
    return value if value and value != "auto" else "#"


def _read_message(path: str | Path) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", "replace")
    except OSError as exc:
        raise WfguardError(f"cannot read the commit message file {path}: {exc.strerror}") from None


def clean_message(path: str | Path, char: str = "#") -> str:
    """The message as git will record it: comment lines and everything below the scissors
    line dropped, surrounding blank lines trimmed."""
    return _cleaned(_read_message(path), char)


def _cleaned(raw: str, char: str) -> str:
    lines = []
    for line in raw.splitlines():
        if line.startswith(char):
            if line[len(char):].strip() == SCISSORS:
                break
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip("\n") + "\n"


def message_as_recorded(repo: Repo, path: str | Path, char: str) -> str:
    """The message the rules judge. One that opens with a comment line is ambiguous: git drops
    that line, or keeps it as the header under ``--cleanup=verbatim``, which a hook cannot see.
    Unless a commit template explains the comment, it is judged as written (fail closed)."""
    raw = _read_message(path)
    message = _cleaned(raw, char)
    if not raw.startswith(char):
        return message
    settings = git.config_matching(repo.root, r"^commit\.(template|cleanup)$")
    if "commit.template" in settings and settings.get("commit.cleanup") not in ("verbatim", "whitespace"):
        return message
    return raw.rstrip("\n") + "\n"


# --- pre-push ---------------------------------------------------------------------------

def parse_push_lines(data: str) -> list[RefUpdate]:
    updates = []
    for line in data.splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise WfguardError(f"pre-push: unexpected input line from git: {line[:200]!r}")
        updates.append(RefUpdate(*parts))
    return updates


def push_changes(repo: Repo, remote: str | None, updates: list[RefUpdate]) -> list[changeset.ChangeSet]:
    out = []
    for u in updates:
        if u.local_sha == ZERO:
            continue  # a deleted ref brings nothing new
        head = resolve(repo.root, u.local_sha)
        if head is None:
            continue  # e.g. a tag of a tree or blob: no commits to check
        old = u.remote_sha if u.remote_sha != ZERO and resolve(repo.root, u.remote_sha) else None
        # what the remote already has: its tracking refs (any remote's, pushing to a bare URL)
        theirs = f"--remotes={remote}" if remote else "--remotes"
        out.append(changeset.for_ref_update(repo.root, "pre-push", old, head, u.remote_ref, ["--not", theirs]))
    return out


def ref_report(repo: Repo, config: Config, stage: str, updates: Sequence[RefUpdate]) -> Report | None:
    """What no push may do whatever its commits hold: delete a protected branch, or point a ref
    at a tree or blob (which carries content past every rule)."""
    from .globs import match_branch
    from .report import Result
    from .rules.base import Message

    results = []
    for u in updates:
        if u.local_sha == ZERO:
            from .rules.branch import Options as BranchOptions

            name = u.remote_ref.removeprefix("refs/heads/")
            for rule in config.rules:
                if (rule.kind == "branch" and stage in rule.stages and u.remote_ref.startswith("refs/heads/")
                        and match_branch(BranchOptions.load(rule.options).protected, name)):
                    results.append(Result(rule.id, rule.kind, "fail", "error",
                                          (Message(f"deleting the protected branch {name!r}"),), rule.why,
                                          "protected branches are removed by an administrator, not by a push"))
            continue
        if resolve(repo.root, u.local_sha) is None:
            kind = git.object_type(repo.root, u.local_sha)
            what = f"a {kind}" if kind else "an object that is not a commit"
            results.append(Result("ref-target", "ref", "fail", "error",
                                  (Message(f"{u.remote_ref} points at {what}: only commits (and tags of "
                                           "commits) may be pushed, since nothing else is checked"),),
                                  "Content pushed as a bare tree or blob skips every rule of the workflow.",
                                  f"point {u.remote_ref} at a commit"))
    if not results:
        return None
    return Report(stage, None, None, tuple(results))


def _remote_name(repo: Repo, name: str, url: str | None) -> str | None:
    """The configured remote a push goes to; git passes the URL as the name for
    ``git push <url>``, so look it up by URL (None: no configured remote has it)."""
    remotes = {key[len("remote."):-len(".url")]: value for key, value in git.remote_urls(repo.root).items()}
    if name in remotes:
        return name
    return next((r for r, u in remotes.items() if u in (name, url)), None)


# --- pre-receive ------------------------------------------------------------------------

def pre_receive(args: Sequence[str], start: float) -> int:
    repo = discover()
    config_file = args[args.index("--config") + 1] if "--config" in args else None
    updates = []
    for line in sys.stdin.read().splitlines():
        parts = line.split()
        if len(parts) == 3:
            updates.append(RefUpdate(parts[2], parts[1], parts[2], parts[0]))
    default = _default_branch(repo)
    reports = []
    for u in updates:
        head = resolve(repo.root, u.local_sha) if u.local_sha != ZERO else None
        if u.local_sha == ZERO and default is None and not config_file:
            continue  # nothing to delete in a repository without branches
        config = _server_config(repo, config_file, default, head or u.local_sha)
        refused = ref_report(repo, config, "pre-receive", [u])
        if refused is not None:
            reports.append(refused)
        if head is None:
            continue
        if default and u.remote_ref == default and not config_file:
            broken = _unreadable_workflow(repo, head)
            if broken is not None:
                reports.append(broken)
        if not config.for_stage("pre-receive"):
            continue
        cs = changeset.for_ref_update(repo.root, "pre-receive", None if u.remote_sha == ZERO else u.remote_sha,
                                      head, u.remote_ref, ["--not", "--all"])
        report = engine.evaluate(config, cs, {})
        if default and not config_file:  # rules from the default branch: may the push weaken them?
            from . import weaken

            tip = CommitSource(repo.root, head)
            # called at once, within this iteration
            weakened = weaken.evaluate(config, lambda: load(tip, repo.state_dir), cs)  # noqa: B023
            if weakened is not None:
                report = report._replace(results=(*report.results, weakened))
        reports.append(report)
    return conclude(repo, reports, "pre-receive", start)


def _default_branch(repo: Repo) -> str | None:
    """The branch ``HEAD`` names (None in an empty repository). A ``HEAD`` naming a branch that
    does not exist while others do is refused: the rules would otherwise come from the push."""
    ref = git.symbolic_ref(repo.root) or ""
    if ref and resolve(repo.root, ref):
        return ref
    branches = git.first_branch(repo.root)
    if branches:
        raise WfguardError(
            f"pre-receive: this repository's HEAD names {ref or 'nothing'}, which does not exist, so the "
            "workflow to check pushes with is unknown; every push is refused until that is fixed",
            hint=f"git symbolic-ref HEAD {branches} (in the server repository), or "
            "wfguard install --server --config FILE")
    return None


def _unreadable_workflow(repo: Repo, head: str) -> Report | None:
    """A push to the default branch must leave a readable workflow there. Read through the
    config cache: a hit means these exact bytes were read and validated before."""
    from .report import Result
    from .rules.base import Message

    try:
        load(CommitSource(repo.root, head), repo.state_dir)
    except WfguardError as exc:
        where = exc.location()
        return Report("pre-receive", None, head, (Result(
            "workflow-weakened", "workflow", "fail", "error",
            (Message(f"this push leaves {CONFIG_NAME} unreadable on the default branch: "
                     f"{where + ': ' if where else ''}{exc.message}"),),
            "The default branch must always hold a workflow the server can read; without one, every "
            "later push (the repair included) would be refused.", "fix the config, then push again"),))
    return None


def _server_config(repo: Repo, config_file: str | None, default: str | None, head: str) -> Config:
    """The rules a push is checked by: never the ones it brings. Read from --config, else the
    default branch as it was before this push, else (an empty repository) the pushed tip."""
    if config_file:
        return load(File(config_file), repo.state_dir)
    rev = default or head
    try:
        return load(CommitSource(repo.root, rev), repo.state_dir)
    except WfguardError as exc:
        raise GitError(f"pre-receive: cannot read the workflow from {rev}: {exc.message}") from None
