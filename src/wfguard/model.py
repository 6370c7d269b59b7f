"""Frozen value types for the validated configuration."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

Stage = Literal["pre-commit", "commit-msg", "pre-push", "ci", "pre-receive"]
STAGES: tuple[Stage, ...] = ("pre-commit", "commit-msg", "pre-push", "ci", "pre-receive")
HOOK_STAGES = ("pre-commit", "commit-msg", "pre-push")

COMMON_FIELDS = ("kind", "paths", "ignore", "stages", "severity", "skip", "why", "fix", "enabled")


class SkipPolicy(NamedTuple):
    allowed: bool = True
    reason_required: bool = True


class RuleConfig(NamedTuple):
    id: str
    kind: str
    paths: tuple[str, ...] | None
    ignore: tuple[str, ...]
    stages: tuple[str, ...]
    severity: Literal["error", "warning"]
    skip: SkipPolicy
    why: str
    fix: str | None
    options: Mapping[str, Any] = MappingProxyType({})

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "paths": list(self.paths) if self.paths is not None else None,
            "ignore": list(self.ignore),
            "stages": list(self.stages),
            "severity": self.severity,
            "skip": {"allowed": self.skip.allowed, "reason_required": self.skip.reason_required},
            "why": self.why,
            "fix": self.fix,
            "options": dict(self.options),
        }

    @classmethod
    def from_dict(cls, rule_id: str, d: Mapping[str, Any]) -> RuleConfig:
        skip = d.get("skip") or {}
        return cls(
            id=rule_id,
            kind=d["kind"],
            paths=tuple(d["paths"]) if d.get("paths") is not None else None,
            ignore=tuple(d.get("ignore") or ()),
            stages=tuple(d["stages"]),
            severity=d.get("severity", "error"),
            skip=SkipPolicy(skip.get("allowed", True), skip.get("reason_required", True)),
            why=d.get("why") or "",
            fix=d.get("fix"),
            options=dict(d.get("options") or {}),
        )


class ShipConfig(NamedTuple):
    base: str = "main"
    branch: str = "{type}/{slug}"
    push: bool = True
    remote: str = "origin"


class Config(NamedTuple):
    rules: tuple[RuleConfig, ...]
    ship: ShipConfig
    sources: tuple[str, ...] = ()

    def rule(self, rule_id: str) -> RuleConfig | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def for_stage(self, stage: str) -> tuple[RuleConfig, ...]:
        return tuple(r for r in self.rules if stage in r.stages)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": {r.id: r.to_dict() for r in self.rules},
            "ship": {
                "base": self.ship.base,
                "branch": self.ship.branch,
                "push": self.ship.push,
                "remote": self.ship.remote,
            },
            "sources": list(self.sources),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Config:
        ship = d.get("ship") or {}
        return cls(
            rules=tuple(RuleConfig.from_dict(k, v) for k, v in d["rules"].items()),
            ship=ShipConfig(**ship),
            sources=tuple(d.get("sources") or ()),
        )
