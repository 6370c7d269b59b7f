"""Each rule kind as a table: change sets built from plain values (no git), one verdict per row.

What a rule decides from paths, messages, branches and refs alone is pinned here; what needs
blob contents or a diff (fragment bodies, added lines) is covered through real repositories in
the other test files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wfguard import engine
from wfguard.changeset import ChangedPath, ChangeSet, Commit
from wfguard.errors import ConfigError
from wfguard.model import Config, ReleaseConfig, RuleConfig, ShipConfig, SkipPolicy
from wfguard.rules import kind_module, options


def rule(kind: str, **fields: Any) -> RuleConfig:
    def fail(key: str, message: str, sub: tuple[str | int, ...] = ()) -> ConfigError:
        return ConfigError(message, path=key)

    module = kind_module(kind)
    parsed = options.to_json(module.parse(fields, fail))
    return RuleConfig(f"{kind}-rule", kind, None, (), tuple(module.DEFAULT_STAGES), "error", SkipPolicy(), "", None,
                      parsed)


def changes(stage: str, *paths: str, message: str | None = None, commits: tuple[str, ...] = (),
            branch: str | None = "feat/x", refs: tuple[str, ...] = (), deleted: tuple[str, ...] = ()) -> ChangeSet:
    cps = tuple(ChangedPath(p, "M") for p in paths) + tuple(ChangedPath(p, "D") for p in deleted)
    return ChangeSet(stage, Path("/nonexistent"), cps, tuple(Commit(f"{i:040x}", m) for i, m in enumerate(commits)),
                     branch=branch, message=message, target_refs=refs)


def status(r: RuleConfig, cs: ChangeSet, config: Config | None = None) -> str:
    workflow = config or Config((r,), ShipConfig(), (), ReleaseConfig())
    return engine.evaluate_rule(r, cs, {}, workflow).status


CONVENTIONAL = rule("commit-message", preset="conventional")
PATTERN = rule("commit-message", pattern=r"^[A-Z]+-\d+ ", subject_max=50)
TRAILER = rule("commit-message", require_trailers=["Signed-off-by"])


@pytest.mark.parametrize(("r", "message", "expected"), [
    (CONVENTIONAL, "feat(api): add export\n", "pass"),
    (CONVENTIONAL, "feat!: drop the old API\n", "pass"),
    (CONVENTIONAL, "Add export\n", "fail"),
    (CONVENTIONAL, "feat: Add export.\n", "fail"),
    (CONVENTIONAL, "Merge branch 'main' into feat/x\n", "pass"),  # git's own messages are not judged
    (CONVENTIONAL, "fixup! feat: add export\n", "pass"),
    (PATTERN, "ABC-12 add export\n", "pass"),
    (PATTERN, "add export\n", "fail"),
    (PATTERN, "ABC-12 " + "x" * 60 + "\n", "fail"),
    (TRAILER, "feat: x\n\nSigned-off-by: A <a@example.com>\n", "pass"),
    (TRAILER, "feat: x\n", "fail"),
])
def test_commit_message_table(r: RuleConfig, message: str, expected: str) -> None:
    assert status(r, changes("commit-msg", "src/a.py", message=message)) == expected
    assert status(r, changes("ci", "src/a.py", commits=(message,))) == expected


COCHANGE = rule("co-change", if_changed="api/**", then_change=["docs/api.md", "CHANGELOG.md"])


@pytest.mark.parametrize(("paths", "expected"), [
    (("api/v1.py",), "fail"),
    (("api/v1.py", "docs/api.md"), "pass"),
    (("api/v1.py", "CHANGELOG.md"), "pass"),
    (("src/other.py",), "not-applicable"),
])
def test_co_change_table(paths: tuple[str, ...], expected: str) -> None:
    assert status(COCHANGE, changes("ci", *paths)) == expected


BRANCH = rule("branch", protected=["main", "release/*"], pattern=r"(feat|fix)/[a-z0-9-]+")


@pytest.mark.parametrize(("stage", "branch", "refs", "expected"), [
    ("pre-commit", "feat/export", (), "pass"),
    ("pre-commit", "main", (), "fail"),
    ("pre-commit", "release/1.2", (), "fail"),
    ("pre-commit", "Feature_X", (), "fail"),
    ("ci", "main", (), "pass"),  # CI builds protected branches after every merge
    ("pre-push", "feat/x", ("refs/heads/main",), "fail"),
    ("pre-push", "feat/x", ("refs/heads/fix/y",), "pass"),
    ("pre-push", "feat/x", ("refs/tags/v1.0.0",), "not-applicable"),
])
def test_branch_table(stage: str, branch: str | None, refs: tuple[str, ...], expected: str) -> None:
    assert status(BRANCH, changes(stage, "src/a.py", branch=branch, refs=refs)) == expected


FORBID = rule("forbid", files=["*.pem", "secrets/"])


@pytest.mark.parametrize(("paths", "deleted", "expected"), [
    (("src/a.py",), (), "pass"),
    (("deploy/key.pem",), (), "fail"),
    (("secrets/prod.env",), (), "fail"),
    ((), ("secrets/old.env",), "fail"),  # deleting a protected file is a change to it too
])
def test_forbid_files_table(paths: tuple[str, ...], deleted: tuple[str, ...], expected: str) -> None:
    assert status(FORBID, changes("pre-commit", *paths, deleted=deleted)) == expected
