"""The result of evaluating a stage: what every renderer and exit code is derived from."""

from __future__ import annotations

from types import MappingProxyType

from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Literal

    from .rules.base import Message

    ResultStatus = Literal["pass", "fail", "skip", "not-applicable"]

    Severity = Literal["error", "warning"]

STATUSES = ("pass", "fail", "skip", "not-applicable")


class Result(NamedTuple):
    rule: str
    kind: str
    status: ResultStatus
    severity: Severity
    messages: tuple[Message, ...]
    why: str
    fix: str
    skipped: dict[str, str] | None = None
    duration_ms: int = 0
    next: tuple[str, ...] = ()
    skippable: bool = False
    reason: str = ""  # Outcome.reason
    package: str | None = None  # the monorepo package the result is about

    @property
    def blocking(self) -> bool:
        return self.status == "fail" and self.severity == "error"

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "status": self.status,
            "severity": self.severity,
            "messages": [{"text": m.text, "path": m.path, "line": m.line} for m in self.messages],
            "why": self.why,
            "fix": self.fix,
            "skipped": self.skipped,
            "duration_ms": self.duration_ms,
            # the design's shape, plus the package a monorepo finding is about
            **({"package": self.package} if self.package else {}),
        }


class Report(NamedTuple):
    stage: str
    base: str | None
    head: str | None
    results: tuple[Result, ...]
    extra: Mapping[str, Any] = MappingProxyType({})

    @property
    def passed(self) -> bool:
        return not any(r.blocking for r in self.results)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def summary(self) -> dict[str, int]:
        return {
            "passed": sum(r.status == "pass" for r in self.results),
            "failed": sum(r.blocking for r in self.results),
            "warnings": sum(r.status == "fail" and r.severity == "warning" for r in self.results),
            "skipped": sum(r.status == "skip" for r in self.results),
            "not_applicable": sum(r.status == "not-applicable" for r in self.results),
        }

    def next(self) -> list[str]:
        out: list[str] = []
        for r in self.results:
            if r.status == "fail":
                out += [n for n in r.next if n not in out]
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "stage": self.stage,
            "base": self.base,
            "head": self.head,
            "passed": self.passed,
            "results": [r.to_json() for r in self.results],
            "summary": self.summary(),
            "next": self.next(),
            **self.extra,
        }
