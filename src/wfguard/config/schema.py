"""The JSON Schema of ``.wfguard.yml``, derived from the rule kinds' own ``SCHEMA`` tables.

``schema.json`` in the package is this document written out (for editors and ``wfguard schema``);
a test keeps the two equal, and ``python -m wfguard.config.schema --write`` regenerates it.
"""

from __future__ import annotations

import json
import sys

from ..model import STAGES
from ..records import TYPE_CHECKING
from ..rules import KINDS, kind_module

if TYPE_CHECKING:
    from typing import Any

_STRING = {"type": "string", "minLength": 1}

RULE_FIELDS: dict[str, Any] = {
    "kind": {"enum": list(KINDS), "description": "What the rule checks."},
    "paths": {"$ref": "#/$defs/globs", "description": "The rule applies when a changed path matches "
              "(gitignore-style globs). Absent: every changed path."},
    "ignore": {"$ref": "#/$defs/globs", "description": "Changed paths that never trigger the rule."},
    "stages": {"type": "array", "items": {"enum": list(STAGES)}, "uniqueItems": True,
               "description": "Where the rule runs."},
    "severity": {"enum": ["error", "warning"], "description": "error blocks; warning reports only."},
    "skip": {"type": "object", "additionalProperties": False,
             "properties": {"allowed": {"type": "boolean"}, "reason_required": {"type": "boolean"}},
             "description": "Whether Wfguard-Skip trailers and WFGUARD_SKIP may skip this rule."},
    "why": {"type": "string", "description": "Why the rule exists; shown whenever it blocks."},
    "fix": {"type": "string", "description": "The hint shown with a failure."},
    "enabled": {"type": "boolean", "description": "false drops the rule (e.g. one from extends)."},
}

SHIP: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"base": _STRING, "branch": _STRING, "push": {"type": "boolean"}, "remote": _STRING},
}


SHARED: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["git", "ref", "path"],
    "properties": {
        "git": {**_STRING, "description": "Any URL git fetches: https, ssh, file."},
        "ref": {**_STRING, "description": "The full 40-hex commit the file is read from."},
        "path": {**_STRING, "description": "The workflow file in that repository."},
        "track": {**_STRING, "description": "What 'wfguard update' follows: a branch, or a tag glob like 'v*'."},
    },
}
_LEVEL = {"enum": ["major", "minor", "patch"]}
RELEASE: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "tag": {"type": "string", "pattern": "\\{version\\}",
                "description": "Tag name with {version}; the newest such tag reachable from HEAD is "
                "the current version."},
        "version_files": {"type": "array", "items": _STRING,
                          "description": "Where the version is written: FILE (pyproject.toml, "
                          "package.json, a .py with __version__) or FILE:REGEX."},
        "bump": {"type": "object", "additionalProperties": _LEVEL,
                 "description": "Fragment type -> the level it asks for (others: patch)."},
        "commit": {"type": "string", "pattern": "\\{version\\}",
                   "description": "The release commit's message."},
        "zero_major": {"enum": ["minor", "major"],
                       "description": "Below 1.0.0 a major bump raises the minor (minor) or not."},
        "scheme": {"enum": ["pep440", "semver"],
                   "description": "How versions are ordered and pre-releases written."},
    },
}


PACKAGE: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["path"],
    "properties": {
        "path": {**_STRING, "description": "The package's folder, from the repository root."},
        "fragments": {"type": "object", "description": "Overrides of the changelog rule's fragments "
                      "settings for this package (paths relative to the package)."},
        "file": {**_STRING, "description": "This package keeps a changelog file instead (relative)."},
        "release": {"$ref": "#/$defs/release"},
    },
}


def derived() -> dict[str, Any]:
    fields = {f"{k}-fields": {"type": "object", "properties": kind_module(k).SCHEMA} for k in KINDS}
    when = [{"if": {"required": ["kind"], "properties": {"kind": {"const": k}}},
             "then": {"$ref": f"#/$defs/{k}-fields"}} for k in KINDS]
    # a rule that only overrides fields of an extended one names no kind: any kind's fields do
    when.append({"if": {"not": {"required": ["kind"]}},
                 "then": {"anyOf": [{"$ref": f"#/$defs/{k}-fields"} for k in KINDS]}})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:wfguard:config:1",
        "title": "wfguard workflow configuration (.wfguard.yml)",
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": {
            "$schema": {"type": "string"},
            "version": {"const": 1},
            "extends": {"oneOf": [_STRING, SHARED, {"type": "array", "items": {"oneOf": [_STRING, SHARED]}}],
                        "description": "Built-in workflows by name, ./relative.yml files, or a workflow "
                        "file of another git repository pinned to a commit."},
            "rules": {"type": "object", "propertyNames": {"pattern": "^[a-z0-9][a-z0-9-]*$"},
                      "additionalProperties": {"$ref": "#/$defs/rule"}},
            "ship": {"$ref": "#/$defs/ship"},
            "release": {"$ref": "#/$defs/release"},
            "bots": {"type": "object", "additionalProperties": False, "properties": {
                "authors": {"$ref": "#/$defs/globs", "description": "Commit author names or emails (globs), "
                            "e.g. 'dependabot[bot]', '*[bot]@users.noreply.github.com'."},
                "branches": {"$ref": "#/$defs/globs", "description": "Head branches (globs), e.g. 'renovate/**'."},
                "rules": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9/-]*$"},
                          "description": "The rules a bot's change is exempt from (default: every changelog "
                          "and commit-message rule)."}},
                "description": "Changes by bots (dependabot, renovate, pre-commit.ci) that `check` exempts "
                "from some rules: every commit by a listed author, or a listed head branch."},
            "packages": {"type": "object", "propertyNames": {"pattern": "^[A-Za-z0-9@][A-Za-z0-9@._-]*$"},
                         "additionalProperties": {"$ref": "#/$defs/package"},
                         "description": "Monorepo packages: each gets its own changelog rule and release."},
        },
        "$defs": {
            "globs": {"oneOf": [_STRING, {"type": "array", "items": _STRING}],
                      "description": "A glob or a list of globs."},
            **fields,
            "rule": {"type": "object", "properties": RULE_FIELDS, "allOf": when,
                     "unevaluatedProperties": False},
            "ship": SHIP,
            "release": RELEASE,
            "package": PACKAGE,
        },
    }


def text() -> str:
    return json.dumps(derived(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # python -m wfguard.config.schema --write
    from pathlib import Path

    if sys.argv[1:] == ["--write"]:
        (Path(__file__).resolve().parent.parent / "schema.json").write_text(text(), encoding="utf-8")
    else:
        sys.stdout.write(text())
