"""Which commits ``wfguard check`` looks at: what the pull request (or the push) shows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import changeset, git
from .errors import GitError, NoCommonHistory
from .records import TYPE_CHECKING
from .repo import Repo, resolve

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .changeset import ChangeSet

SHALLOW_HINT = ("fetch the history the check needs: 'git fetch --unshallow' (or in GitHub Actions "
                "'actions/checkout' with 'fetch-depth: 0'; in GitLab 'GIT_DEPTH: 0')")


@dataclass(frozen=True)
class Range:
    base: str | None  # the base commit (the merge-base is found with the change set)
    head: str
    base_ref: str | None  # what the base was asked as (a branch, a sha)
    source: str  # where it came from: "--base", "github", "gitlab", "default-branch"
    branch: str | None


def _get(env: Mapping[str, str], key: str) -> str | None:
    value = env.get(key, "").strip()
    return value or None  # GitHub sets some variables to "" on pushes: that means absent


def _null(sha: str | None) -> bool:
    return not sha or set(sha) == {"0"}


def _branch(env: Mapping[str, str], repo: Repo) -> str | None:
    for key in ("GITHUB_HEAD_REF", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "CI_COMMIT_BRANCH"):
        if _get(env, key):
            return _get(env, key)
    if _get(env, "GITHUB_REF_TYPE") == "branch" and _get(env, "GITHUB_REF_NAME"):
        return _get(env, "GITHUB_REF_NAME")
    return None  # from git only if a rule needs it: see ChangeSet.branch


def _default_branch(root: str | Path) -> str | None:
    ref = git.symbolic_ref(root, "refs/remotes/origin/HEAD")
    if ref:
        return ref.removeprefix("refs/remotes/")
    for candidate in ("origin/main", "origin/master"):
        if resolve(root, candidate):
            return candidate
    return None


def _base_from_env(env: Mapping[str, str], root: str | Path) -> tuple[str | None, str]:
    if _get(env, "GITHUB_ACTIONS"):
        base_ref = _get(env, "GITHUB_BASE_REF")
        if base_ref:
            return f"origin/{base_ref}", "github"
        event_path = _get(env, "GITHUB_EVENT_PATH")
        if event_path:
            import json

            try:
                before = json.loads(Path(event_path).read_text(encoding="utf-8")).get("before")
            except (OSError, ValueError):
                before = None
            if isinstance(before, str) and not _null(before):
                return before, "github"
    if _get(env, "GITLAB_CI"):
        sha = _get(env, "CI_MERGE_REQUEST_DIFF_BASE_SHA")
        if sha:
            return sha, "gitlab"
        sha = _get(env, "CI_COMMIT_BEFORE_SHA")
        if sha and not _null(sha):
            return sha, "gitlab"
    return None, ""


def _resolve_pair(root: str | Path, base: str, head: str) -> tuple[str | None, str | None]:
    """Both revisions in one git call (the usual case), one by one only to report which is bad."""
    proc = git.run(["rev-parse", "--end-of-options", f"{base}^{{commit}}", f"{head}^{{commit}}"], root, check=False)
    shas = git.text(proc.stdout).split()
    if proc.returncode == 0 and len(shas) == 2:
        return shas[0], shas[1]
    return resolve(root, base), resolve(root, head)


def resolve_range(repo: Repo, base: str | None, head: str | None, env: Mapping[str, str]) -> Range:
    """Resolve what to compare. ``Range.base`` is the base commit; the merge-base is computed
    by ``changeset`` together with the log, so history is walked by git processes side by side."""
    head_ref = head or "HEAD"
    source = "--base"
    if base is None:
        base, source = _base_from_env(env, repo.root)
    if base is None:
        base, source = _default_branch(repo.root), "default-branch"
    if base is None:
        if resolve(repo.root, head_ref) is None:
            raise GitError("this repository has no commits yet: there is nothing to check",
                           hint="commit first, or pass --head REV")
        raise GitError(
            "cannot tell which commits to check: no --base, no CI variables, and no "
            "origin/HEAD, origin/main or origin/master",
            hint="pass --base REV (e.g. --base origin/main)")
    base_sha, head_sha = _resolve_pair(repo.root, base, head_ref)
    if head_sha is None:
        if head is None:
            raise GitError("this repository has no commits yet: there is nothing to check",
                           hint="commit first, or pass --head REV")
        raise GitError(f"--head {head!r} is not a commit in this repository")
    if base_sha is None:
        if repo.shallow:
            raise GitError(f"the base {base!r} is not in this shallow clone", hint=SHALLOW_HINT)
        raise GitError(f"the base {base!r} is not a commit in this repository",
                       hint="fetch it first (git fetch origin) or pass --base REV")
    return Range(base_sha, head_sha, base, source, _branch(env, repo))


def start_log(repo: Repo, rng: Range) -> changeset.PendingLog:
    return changeset.PendingLog(repo.root, rng.base, rng.head)


def changes(repo: Repo, rng: Range, stage: str = "ci", pending: changeset.PendingLog | None = None) -> ChangeSet:
    """The change set of merge-base(base, head)..head, with a shallow clone's missing history
    reported as such rather than passed over."""
    try:
        return changeset.from_merge_base(repo.root, stage, rng.base or "", rng.head, branch=rng.branch,
                                         pending=pending)
    except NoCommonHistory:
        if repo.shallow:
            raise GitError(f"{rng.base_ref!r} and {rng.head[:10]} share no history in this shallow clone",
                           hint=SHALLOW_HINT) from None
        raise GitError(f"{rng.base_ref!r} and {rng.head[:10]} share no history: there is no merge-base",
                       hint="pass --base with a commit that the checked branch grew from") from None
