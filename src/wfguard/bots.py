"""Bot changes `check` exempts from some rules (``bots:`` in the config): a pull request whose
head branch is a bot's (``dependabot/**``), or whose every commit a bot authored. The exemption
is reported and recorded as a skip, so `report` shows how often bots are let through."""

from __future__ import annotations

import re

from . import git
from .records import TYPE_CHECKING
from .skips import Request

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from .changeset import ChangeSet
    from .model import Config


def _authors(root: str | Path, cs: ChangeSet) -> list[tuple[str, str]]:
    if not cs.commits:
        return []
    out = git.out(["log", "--no-walk=unsorted", "--format=%an%x00%ae", *(c.sha for c in cs.commits)], root)
    return [(ln.split("\0", 1)[0], ln.split("\0", 1)[-1]) for ln in out.splitlines() if ln]


def _author_regex(pattern: str) -> str:
    """Only ``*`` is a wildcard: ``dependabot[bot]`` is the literal name GitHub gives the bot."""
    return "(?:" + ".*".join(re.escape(part) for part in pattern.split("*")) + ")"


def who(config: Config, cs: ChangeSet, branch: str | None) -> str | None:
    """The bot this change is from (its branch, or the author of every commit), else None."""
    bots = config.bots
    if not bots:
        return None
    from .globs import match_branch

    branches: Sequence[str] = bots.get("branches") or ()
    if branch and branches and match_branch(list(branches), branch):
        return f"the bot branch {branch}"
    patterns: Sequence[str] = bots.get("authors") or ()
    authors = _authors(cs.root, cs) if patterns else []
    rx = re.compile("|".join(_author_regex(p) for p in patterns)) if patterns else None
    if rx is not None and authors and all(rx.fullmatch(name) or rx.fullmatch(email) for name, email in authors):
        names = sorted({name for name, _ in authors})
        return f"{', '.join(names)} (every commit)"
    return None


def exemptions(config: Config, cs: ChangeSet, branch: str | None) -> Mapping[str, list[Request]]:
    """Skip requests for the rules ``bots.rules`` names, when the change is a bot's."""
    bot = who(config, cs, branch)
    if bot is None:
        return {}
    return {rule: [Request("bot", f"bots: a change by {bot}")] for rule in config.bots.get("rules") or ()}
