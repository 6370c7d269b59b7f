"""The commit convention a repository already keeps: commitizen's or commitlint's settings,
else what its history shows, as the ``commit-message`` rule that accepts that history."""

from __future__ import annotations

import json
import re
from collections import Counter

from .. import conventional, git
from ..records import TYPE_CHECKING, NamedTuple
from ..repo import resolve
from . import toml

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

# commitizen's cz_conventional_commits schema_pattern, as `cz check` applies it (header part)
COMMITIZEN_PATTERN = (r"^(build|ci|docs|feat|fix|perf|refactor|style|test|chore|revert|bump)"
                      r"(\(\S+\))?!?: [^\n\r]+")
COMMITLINT_FILES = (".commitlintrc", ".commitlintrc.json", ".commitlintrc.yaml", ".commitlintrc.yml",
                    ".commitlintrc.js", ".commitlintrc.cjs", ".commitlintrc.mjs", ".commitlintrc.ts",
                    ".commitlintrc.cts", "commitlint.config.js", "commitlint.config.cjs",
                    "commitlint.config.mjs", "commitlint.config.ts", "commitlint.config.cts")
HISTORY = 100
THRESHOLD = 0.8


class Rule(NamedTuple):
    """The commit-message rule init writes, and why."""

    options: dict[str, Any]  # preset/types/pattern/subject_max... ({} : no rule)
    source: str  # what it was read from, for the report
    share: float | None  # of recent commits the rule accepts (None: no history)
    commits_read: int
    failing: tuple[str, ...]  # headers of recent commits it would still refuse


def commitizen_settings(root: Path) -> tuple[dict[str, Any], str] | None:
    found = toml.tool_table(root, "commitizen", ".cz.toml", "cz.toml")
    if found:
        return found
    for name in (".cz.json", "cz.json"):
        try:
            data = json.loads((root / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("commitizen"), dict):
            return data["commitizen"], name
    for name in (".cz.yaml", "cz.yaml", ".cz.yml"):
        data = _yaml(root / name)
        if isinstance(data, dict) and isinstance(data.get("commitizen"), dict):
            return data["commitizen"], name
    return None


def _yaml(path: Path) -> Any:
    if not path.is_file():
        return None
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _commitlint(root: Path) -> tuple[dict[str, Any], str] | None:
    """commitlint's rules where they can be read without running JavaScript; for a .js config the
    type list is read off its text."""
    pkg = root / "package.json"
    if pkg.is_file():
        try:
            data = json.loads(pkg.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and isinstance(data.get("commitlint"), dict):
            return data["commitlint"], "package.json"
    for name in COMMITLINT_FILES:
        path = root / name
        if not path.is_file():
            continue
        if name.endswith((".json", ".yaml", ".yml")) or name == ".commitlintrc":
            data = _yaml(path)  # YAML reads JSON too
            return (data if isinstance(data, dict) else {}), name
        text = path.read_text(encoding="utf-8", errors="replace")
        m = re.search(r"""['"]?type-enum['"]?\s*:\s*\[\s*\d\s*,\s*['"]always['"]\s*,\s*\[([^\]]*)\]""", text)
        rules = {"type-enum": [2, "always", re.findall(r"""['"]([^'"]+)['"]""", m.group(1))]} if m else {}
        return {"rules": rules}, name
    return None


def _commitlint_options(cfg: dict[str, Any]) -> dict[str, Any]:
    opts: dict[str, Any] = {"preset": "conventional"}
    rules = cfg.get("rules") if isinstance(cfg.get("rules"), dict) else {}
    assert isinstance(rules, dict)

    def value(name: str) -> Any:
        r = rules.get(name)
        if isinstance(r, list) and len(r) >= 3 and r[0] and r[1] == "always":
            return r[2]
        return None

    types = value("type-enum")
    if isinstance(types, list) and types and all(isinstance(t, str) for t in types):
        opts["types"] = types
    for key, option in (("header-max-length", "subject_max"), ("body-max-line-length", "body_max_line")):
        v = value(key)
        if isinstance(v, int) and v > 0:
            opts[option] = v
    return opts


def history(root: Path, n: int = HISTORY) -> list[str]:
    """The messages of the last ``n`` commits that are not merges (one git call)."""
    if resolve(root, "HEAD") is None:
        return []
    return [m + "\n" for m in git.messages(root, n)]


def accepts(options: dict[str, Any], message: str) -> bool:
    from ..model import RuleConfig, SkipPolicy
    from ..rules.commit_message import CommitMessageRule

    rule = CommitMessageRule(RuleConfig("conventional-commits", "commit-message", None, (), (), "error",
                                        SkipPolicy(), "", None, options))
    return not rule.problems(message)


def _score(options: dict[str, Any], messages: list[str]) -> tuple[float | None, tuple[str, ...]]:
    if not messages:
        return None, ()
    bad = [m.split("\n", 1)[0] for m in messages if not accepts(options, m)]
    return 1 - len(bad) / len(messages), tuple(bad)


def _frequent_types(messages: list[str]) -> list[str]:
    """Types outside the preset's list that the history uses more than once (``deps``)."""
    counts: Counter[str] = Counter()
    for m in messages:
        header = conventional.parse_header(m.split("\n", 1)[0])
        if header and re.fullmatch(r"[a-z][a-z0-9-]*", header.type) and header.type not in conventional.TYPES:
            counts[header.type] += 1
    return sorted(t for t, c in counts.items() if c >= 2)


def detect(root: Path) -> Rule:
    messages = history(root)
    recent = messages[:50]
    cz = commitizen_settings(root)
    if cz is not None:
        cfg, source = cz
        pattern = cfg.get("schema_pattern") if isinstance(cfg.get("schema_pattern"), str) else None
        opts: dict[str, Any] = {"pattern": pattern or COMMITIZEN_PATTERN}
        share, failing = _score(opts, recent)
        return Rule(opts, f"commitizen ({source})", share, len(recent), failing)
    cl = _commitlint(root)
    if cl is not None:
        cfg, source = cl
        opts = _commitlint_options(cfg)
        share, failing = _score(opts, recent)
        return Rule(opts, f"commitlint ({source})", share, len(recent), failing)
    if not messages:
        return Rule({"preset": "conventional"}, "no history yet", None, 0, ())
    extra = _frequent_types(messages)
    opts = {"preset": "conventional", **({"types": [*conventional.TYPES, *extra]} if extra else {})}
    share, failing = _score(opts, messages)
    if share is not None and share >= THRESHOLD:
        return Rule(opts, "history", share, len(messages), failing)
    return Rule({}, "history", share, len(messages), failing)
