"""Frozen value types for the validated configuration."""

from __future__ import annotations

from types import MappingProxyType

from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Literal

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
    # where it came from: "workflow:NAME" (built in), a file of this repository, or
    # URL@COMMIT:PATH (a shared workflow), with the files that changed its fields after
    origin: str = ""
    package: str | None = None  # a monorepo package's copy of a top-level rule ("changelog/api")

    @property
    def base_id(self) -> str:
        """The id in .wfguard.yml: what a skip trailer names to skip every package's copy."""
        return self.id.split("/", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "origin": self.origin,
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
            origin=d.get("origin", ""),
            package=d.get("package"),
        )


class ShipConfig(NamedTuple):
    base: str = "main"
    branch: str = "{type}/{slug}"
    push: bool = True
    remote: str = "origin"


DEFAULT_BUMP: Mapping[str, str] = MappingProxyType(
    {"removal": "major", "breaking": "major", "feature": "minor", "deprecation": "minor", "bugfix": "patch"})


AUTO_VERSION_FILES = ("pyproject.toml", "package.json")


class ReleaseConfig(NamedTuple):
    tag: str = "v{version}"
    version_files: tuple[str, ...] | None = None  # None: pyproject.toml / package.json if they hold one
    bump: Mapping[str, str] = DEFAULT_BUMP  # fragment type -> major | minor | patch
    commit: str = "chore(release): {version}"
    zero_major: Literal["minor", "major"] = "minor"
    scheme: Literal["pep440", "semver"] = "pep440"
    tag_set: bool = True  # False: `tag` is the default, and release follows the shape of existing tags

    def to_dict(self) -> dict[str, Any]:
        d = self._asdict()
        d["version_files"] = list(self.version_files) if self.version_files is not None else None
        d["bump"] = dict(self.bump)
        return d

    @property
    def version_paths(self) -> tuple[str, ...]:
        """The files the version is written to (FILE of FILE:REGEX)."""
        specs = self.version_files if self.version_files is not None else AUTO_VERSION_FILES
        return tuple(s.partition(":")[0] for s in specs)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ReleaseConfig:
        d = dict(d)
        if d.get("version_files") is not None:
            d["version_files"] = tuple(d["version_files"])
        d["bump"] = {**DEFAULT_BUMP, **(d.get("bump") or {})}
        d.setdefault("tag_set", "tag" in d)
        return cls(**d)


class Package(NamedTuple):
    name: str
    path: str  # from the repository root, no trailing slash
    release: ReleaseConfig


class Config(NamedTuple):
    rules: tuple[RuleConfig, ...]
    ship: ShipConfig
    sources: tuple[str, ...] = ()
    release: ReleaseConfig = ReleaseConfig()
    packages: tuple[Package, ...] = ()
    bots: Mapping[str, Any] = MappingProxyType({})  # authors, branches, rules (check's bot exemption)

    def package(self, name: str) -> Package | None:
        return next((p for p in self.packages if p.name == name), None)

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
            "release": self.release.to_dict(),
            "packages": {p.name: {"path": p.path, "release": p.release.to_dict()} for p in self.packages},
            "bots": dict(self.bots),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Config:
        ship = d.get("ship") or {}
        return cls(
            rules=tuple(RuleConfig.from_dict(k, v) for k, v in d["rules"].items()),
            ship=ShipConfig(**ship),
            sources=tuple(d.get("sources") or ()),
            release=ReleaseConfig.from_dict(d.get("release") or {}),
            packages=tuple(Package(name, p["path"], ReleaseConfig.from_dict(p.get("release") or {}))
                           for name, p in (d.get("packages") or {}).items()),
            bots=d.get("bots") or {},
        )
