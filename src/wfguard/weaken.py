"""``workflow-weakened``: a change that makes the effective rules weaker fails, naming each
weakening, unless a commit of the change carries ``Wfguard-Skip: workflow-weakened: <reason>``.

The rules a change is judged by come from its base, so a change cannot weaken the rules that
judge it; this rule makes the weakening itself visible and deliberate before it lands.
"""

from __future__ import annotations

from .records import TYPE_CHECKING
from .report import Result
from .rules.base import Message

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .changeset import ChangeSet
    from .model import Config, RuleConfig

RULE_ID = "workflow-weakened"
WHY = ("The workflow is what keeps shortcuts out; loosening it quietly in the same change that "
       "benefits from it is the shortcut of all shortcuts.")
FIX = f"keep the rule, or say why in a trailer: 'Wfguard-Skip: {RULE_ID}: <reason>'"


def _removed(before: Sequence[str] | None, after: Sequence[str] | None) -> list[str]:
    return [x for x in before or () if x not in (after or ())]


def _rule_weakenings(old: RuleConfig, new: RuleConfig) -> list[str]:
    out: list[str] = []
    rid = old.id
    if old.severity == "error" and new.severity != "error":
        out.append(f"{rid}: severity lowered from error to {new.severity}")
    for stage in _removed(old.stages, new.stages):
        out.append(f"{rid}: no longer runs at {stage}")
    if not old.skip.allowed and new.skip.allowed:
        out.append(f"{rid}: may now be skipped")
    elif old.skip.reason_required and not new.skip.reason_required:
        out.append(f"{rid}: a skip no longer needs a reason")
    if old.paths is None and new.paths is not None:
        out.append(f"{rid}: paths narrowed from every path to {', '.join(new.paths)}")
    elif old.paths is not None and new.paths is not None and _removed(old.paths, new.paths):
        out.append(f"{rid}: paths narrowed (dropped {', '.join(_removed(old.paths, new.paths))})")
    added_ignore = _removed(new.ignore, old.ignore)
    if added_ignore:
        out.append(f"{rid}: now ignores {', '.join(added_ignore)}")
    o, n = old.options, new.options
    for key in ("files", "content", "require_trailers", "forbid_subjects", "protected", "then_change"):
        gone = _removed(o.get(key), n.get(key))
        if gone:
            out.append(f"{rid}: {key} no longer lists {', '.join(map(str, gone))}")
    for key in ("max_size", "subject_max", "body_max_line", "timeout"):
        if isinstance(o.get(key), int) and isinstance(n.get(key), (int, type(None))) and \
                (n.get(key) is None or n[key] > o[key]):
            out.append(f"{rid}: {key} raised from {o[key]} to {n.get(key) or 'no limit'}")
    if o.get("preset") and not n.get("preset"):
        out.append(f"{rid}: the {o['preset']} preset was dropped")
    if old.kind == "commit-message" and new.kind == "commit-message":
        from . import conventional

        extra = _removed(n.get("types") or conventional.TYPES, o.get("types") or conventional.TYPES)
        if extra:
            out.append(f"{rid}: now accepts the types {', '.join(extra)}")
    if old.kind != new.kind:
        out.append(f"{rid}: kind changed from {old.kind} to {new.kind}")
    return out


def weakenings(base: Config, head: Config) -> list[str]:
    """Each way ``head``'s effective rules are weaker than ``base``'s."""
    out: list[str] = []
    for old in base.rules:
        new = head.rule(old.id)
        if new is None:
            out.append(f"{old.id}: removed or disabled")
        else:
            out += _rule_weakenings(old, new)
    return out


def touches_workflow(cs: ChangeSet) -> bool:
    """Whether the change can alter the workflow: the config or a YAML file it may extend."""
    return any(p.endswith((".yml", ".yaml")) for cp in cs.paths for p in (cp.path, cp.old_path or ""))


def evaluate(base: Config, load_head: Callable[[], Config], cs: ChangeSet) -> Result | None:
    """The ``workflow-weakened`` result for a change judged by ``base`` (None: nothing to say)."""
    if not touches_workflow(cs):
        return None
    from .errors import WfguardError

    try:
        found = weakenings(base, load_head())
    except WfguardError as exc:
        where = exc.location()
        found = [f"the workflow at the head cannot be read: {where + ': ' if where else ''}{exc.message}"]
    skip = [v.partition(":")[2].strip() for v in cs.trailer_values("Wfguard-Skip")
            if v.partition(":")[0].strip() == RULE_ID]
    if not found:
        return Result(RULE_ID, "workflow", "pass", "error", (), WHY, FIX)
    messages = tuple(Message(f) for f in found)
    reason = next((r for r in skip if r), None)
    if reason is not None:
        return Result(RULE_ID, "workflow", "skip", "error", (*messages, Message(f"skipped by trailer: {reason}")),
                      WHY, FIX, skipped={"by": "trailer", "reason": reason})
    if skip:
        messages = (*messages, Message(f"a skip was requested without a reason; '{RULE_ID}' needs one"))
    return Result(RULE_ID, "workflow", "fail", "error", messages, WHY, FIX, skippable=True)
