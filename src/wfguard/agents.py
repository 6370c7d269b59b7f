"""The workflow as instructions for coding agents, kept in a marked block of AGENTS.md."""

from __future__ import annotations

from .records import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Config, RuleConfig

START = "<!-- wfguard:agents:start -->"
END = "<!-- wfguard:agents:end -->"
RULE_ID = "agents-instructions"


def _rule_text(rule: RuleConfig) -> list[str]:
    from . import rules as rule_kinds

    impl = rule_kinds.build(rule)
    where = ", ".join(f"`{p}`" for p in rule.paths) if rule.paths is not None else "every change"
    if rule.ignore:
        where += " (except " + ", ".join(f"`{p}`" for p in rule.ignore) + ")"
    lines = [f"- **{rule.id}** ({rule.kind}, {rule.severity}; checked at {', '.join(rule.stages)})",
             f"  - Applies to: {where}.",
             f"  - Passes when: {impl.describe()}."]
    if rule.why:
        lines.append(f"  - Why: {rule.why}")
    lines.append(f"  - Fix: `{rule.fix or impl.fix_hint()}`" if (rule.fix or impl.fix_hint()).startswith("wfguard ")
                 else f"  - Fix: {rule.fix or impl.fix_hint()}")
    if rule.skip.allowed:
        reason = ": <reason>" if rule.skip.reason_required else ""
        lines.append(f"  - Skip only when it truly does not apply: add the trailer `Wfguard-Skip: {rule.id}{reason}`.")
    else:
        lines.append("  - It cannot be skipped.")
    return lines


def render(config: Config) -> str:
    """The block, markers included. Deterministic: the same config renders the same text."""
    lines = [
        START,
        "## Workflow rules (enforced by wfguard)",
        "",
        "This repository's workflow is declared in `.wfguard.yml`. Git hooks block commits and pushes",
        "that break it, and CI runs `wfguard check`, which cannot be skipped. The one command that does",
        "it right:",
        "",
        "```sh",
        'wfguard ship --yes -m "type(scope): description"',
        "```",
        "",
        "It branches off a protected branch, writes the changelog fragment from the message, runs every",
        "rule, commits and pushes. Stage your change first (`git add`), or pass `--all` for tracked files.",
        "Do not use `git commit --no-verify`, `git push --no-verify` or `core.hooksPath` overrides: CI",
        "fails the change anyway. To see what is wrong: `wfguard check --format json`; its `next` list",
        "holds the exact commands that fix it.",
        "",
        "### Rules",
        "",
    ]
    for rule in config.rules:
        lines += _rule_text(rule)
    lines += ["", END]
    return "\n".join(lines) + "\n"


def find_block(text: str) -> tuple[int, int] | None:
    start = text.find(START)
    if start < 0:
        return None
    end = text.find(END, start)
    if end < 0:
        return None
    end += len(END)
    if text[end:end + 1] == "\n":
        end += 1
    return start, end


def write_block(text: str, block: str) -> str:
    """Replace the marked block in ``text`` (or append one), leaving the rest intact."""
    span = find_block(text)
    if span is None:
        sep = "" if not text else ("\n" if text.endswith("\n") else "\n\n")
        if text and not text.endswith("\n\n"):
            sep = "\n" if text.endswith("\n") else "\n\n"
        return text + sep + block
    return text[: span[0]] + block + text[span[1]:]


def block_of(text: str) -> str | None:
    span = find_block(text)
    return None if span is None else text[span[0]:span[1]].rstrip("\n") + "\n"
