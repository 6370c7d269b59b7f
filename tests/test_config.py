"""Config loading: every kind of error names the file, the line and the path; exit 2, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GitRepo


def validate(repo: GitRepo, text: str) -> tuple[int, str]:
    repo.config(text)
    res = repo.wfguard("validate")
    assert "Traceback" not in res.err + res.out, res
    return res.code, res.err


CASES = [
    pytest.param("version: 1\nrules:\n  a: [unclosed\n", ".wfguard.yml:", "invalid YAML", id="broken-yaml"),
    pytest.param("version: 1\nrulez: {}\n", ".wfguard.yml:2", "did you mean 'rules'", id="unknown-top-key"),
    pytest.param(
        "version: 1\nrules:\n  c:\n    kind: changelog\n    pathz: [src/**]\n",
        ".wfguard.yml:5: rules.c.pathz", "did you mean 'paths'", id="unknown-rule-key"),
    pytest.param(
        "version: 1\nrules:\n  c:\n    kind: changelg\n",
        ".wfguard.yml:4: rules.c.kind", "did you mean 'changelog'", id="unknown-kind"),
    pytest.param(
        "version: 1\nrules:\n  c:\n    kind: changelog\n    fragments:\n      dir: x\n      types: feature\n",
        ".wfguard.yml:7: rules.c.fragments.types", "expected a list", id="wrong-type"),
    pytest.param(
        "version: 1\nrules:\n  c:\n    kind: changelog\n    fragments: {dri: x}\n",
        "rules.c.fragments.dri", "did you mean 'dir'", id="unknown-nested-key"),
    pytest.param("version: 2\n", ".wfguard.yml:1: version", "expected 1", id="bad-version"),
    pytest.param("rules: {}\n", ".wfguard.yml", "missing required key 'version'", id="no-version"),
    pytest.param("version: 1\nrules:\n  c: !!python/object:os.system {}\n", ".wfguard.yml:3",
                 "not allowed", id="python-tag"),
    pytest.param("version: 1\nrules:\n  a:\n    kind: forbid\n    files: x\n  a:\n    kind: forbid\n    files: y\n",
                 ".wfguard.yml:6: rules.a", "duplicate key 'a'", id="duplicate-rule-id"),
    pytest.param("version: 1\nrules:\n  a:\n    kind: forbid\n    files: ['src/[abc']\n",
                 ".wfguard.yml:5: rules.a.files[0]", "unclosed '['", id="bad-glob"),
    pytest.param("version: 1\nrules:\n  a:\n    kind: forbid\n    content: ['(unclosed']\n",
                 ".wfguard.yml:5: rules.a.content[0]", "invalid regular expression", id="bad-regex"),
    pytest.param("version: 1\nrules:\n  a:\n    kind: commit-message\n    pattern: '[z-a]'\n",
                 "rules.a.pattern", "invalid regular expression", id="bad-pattern"),
    pytest.param("version: 1\nrules:\n  Bad_Id:\n    kind: forbid\n    files: x\n",
                 ".wfguard.yml:3: rules.Bad_Id", "invalid rule id", id="bad-rule-id"),
    pytest.param("version: 1\nrules:\n  a:\n    paths: [src/**]\n",
                 ".wfguard.yml:3: rules.a", "has no 'kind'", id="missing-kind"),
    pytest.param("version: 1\nextends: [changelog-fragmnts]\n",
                 ".wfguard.yml:2: extends", "did you mean 'changelog-fragments'", id="unknown-workflow"),
    pytest.param("version: 1\nextends: ['./missing.yml']\n", "extends", "does not exist", id="missing-extends"),
    pytest.param("version: 1\nrules:\n  a:\n    kind: forbid\n    max_size: 5 parsecs\n",
                 "rules.a.max_size", "", id="bad-size"),
    pytest.param("version: 1\nrules:\n  a:\n    kind: command\n", "rules.a", "needs 'run'", id="command-no-run"),
    pytest.param("version: 1\nrules:\n  a:\n    kind: changelog\n    stages: [pre-comit]\n",
                 "rules.a.stages[0]", "expected one of", id="bad-stage"),
    pytest.param("", ".wfguard.yml:1", "empty", id="empty-file"),
    pytest.param("- a\n- b\n", ".wfguard.yml:1", "mapping at the top level", id="not-a-mapping"),
]


@pytest.mark.parametrize(("text", "where", "what"), CASES)
def test_config_errors(repo: GitRepo, text: str, where: str, what: str) -> None:
    code, err = validate(repo, text)
    assert code == 2
    assert where in err, err
    assert what in err, err


def test_error_in_an_override_is_located_in_the_local_file(repo: GitRepo) -> None:
    code, err = validate(repo, "version: 1\nextends: [changelog-fragments]\nrules:\n  changelog:\n"
                               "    severity: fatal\n")
    assert code == 2
    assert ".wfguard.yml:5: rules.changelog.severity" in err


def test_field_of_another_kind_in_an_override(repo: GitRepo) -> None:
    code, err = validate(repo, "version: 1\nextends: [changelog-fragments]\nrules:\n  changelog:\n"
                               "    pattern: '^x'\n")
    assert code == 2
    assert "unknown key 'pattern'" in err and "rules.changelog" in err


def test_extends_merge_override_and_disable(repo: GitRepo) -> None:
    repo.write("team.yml", "version: 1\nrules:\n  no-todo:\n    kind: forbid\n    content: ['TODO']\n")
    repo.config("version: 1\nextends: [changelog-fragments, hygiene, ./team.yml]\nrules:\n"
                "  changelog:\n    paths: [lib/**]\n    fragments: {dir: news}\n"
                "  no-large-files:\n    enabled: false\n")
    res = repo.wfguard("list", "--format", "json")
    assert res.code == 0, res
    rules = {r["rule"]: r for r in res.json()["rules"]}
    assert "no-large-files" not in rules and "no-todo" in rules
    assert rules["changelog"]["paths"] == ["lib/**"]
    # a partial override of a mapping keeps the rest of it
    assert "news/<name>" in rules["changelog"]["satisfied_when"]
    assert "feature" in rules["changelog"]["satisfied_when"]


def test_extends_cycle(repo: GitRepo) -> None:
    repo.write("a.yml", "version: 1\nextends: ['./b.yml']\n")
    repo.write("b.yml", "version: 1\nextends: ['./a.yml']\n")
    code, err = validate(repo, "version: 1\nextends: ['./a.yml']\n")
    assert code == 2 and "loops" in err


def test_validate_json(repo: GitRepo) -> None:
    repo.config("version: 1\nrules:\n  c:\n    kind: changelg\n")
    res = repo.wfguard("validate", "--format", "json")
    assert res.code == 2
    data = res.json()
    assert data["valid"] is False
    assert data["error"]["line"] == 4 and data["error"]["path"] == "rules.c.kind"


def test_schema_command_prints_a_2020_12_schema(repo: GitRepo) -> None:
    res = repo.wfguard("schema")
    assert res.code == 0
    schema = json.loads(res.out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(schema)


def test_builtin_workflows_are_valid_and_explained(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [changelog-fragments, conventional-commits, protected-branches, "
                "hygiene]\n")
    res = repo.wfguard("list", "--format", "json")
    assert res.code == 0, res
    for rule in res.json()["rules"]:
        assert rule["why"], rule
        assert rule["fix"], rule
    # keep-a-changelog is the alternative to fragments
    repo.config("version: 1\nextends: [keep-a-changelog]\n")
    assert repo.wfguard("validate").code == 0


def test_cache_is_refreshed_when_an_extended_file_changes(repo: GitRepo) -> None:
    repo.write("team.yml", "version: 1\nrules:\n  a:\n    kind: forbid\n    files: x\n")
    repo.config("version: 1\nextends: ['./team.yml']\n")
    repo.commit("chore: start", ".wfguard.yml", "team.yml")
    assert repo.wfguard("list", "--format", "json").code == 0
    repo.write("team.yml", "version: 1\nrules:\n  a:\n    kind: forbd\n")
    res = repo.wfguard("list", "--format", "json")
    assert res.code == 2 and "team.yml:4" in res.err


def test_explain(repo: GitRepo) -> None:
    repo.config("version: 1\nextends: [changelog-fragments]\n")
    res = repo.wfguard("explain", "changelog")
    assert res.code == 0, res
    assert "Wfguard-Skip: changelog: <reason>" in res.out
    assert "changelog.d" in res.out
    res = repo.wfguard("explain", "changelogg")
    assert res.code == 2 and "did you mean 'changelog'" in res.err


def test_validate_a_file_elsewhere_with_relative_extends(repo: GitRepo, tmp_path: Path) -> None:
    shared = tmp_path / "team"
    shared.mkdir()
    (shared / "base.yml").write_text("version: 1\nrules:\n  a:\n    kind: forbid\n    files: x\n")
    (shared / "policy.yml").write_text("version: 1\nextends: ['./base.yml']\n")
    res = repo.wfguard("validate", str(shared / "policy.yml"))
    assert res.code == 0 and "1 rule(s)" in res.out, res
    (shared / "base.yml").write_text("version: 1\nrules:\n  a:\n    kind: forbd\n")
    res = repo.wfguard("validate", str(shared / "policy.yml"))
    assert res.code == 2 and f"{shared / 'base.yml'}:4" in res.err


def test_every_rule_kind_is_described_once() -> None:
    """A kind's module is the one source: the shipped schema is derived from the kinds' own
    SCHEMA tables, and every kind provides what the loader, the engine and the docs read."""
    import json

    from wfguard.config import validate
    from wfguard.config.schema import derived, text
    from wfguard.resources import schema_text
    from wfguard.rules import KINDS, kind_module, rule_class

    assert json.loads(schema_text()) == derived(), "run: python -m wfguard.config.schema --write"
    assert schema_text() == text()
    schema = derived()
    assert schema["$defs"]["rule"]["properties"]["kind"]["enum"] == list(KINDS)
    assert tuple(KINDS) == validate.KINDS
    for kind in KINDS:
        module = kind_module(kind)
        assert rule_class(kind).kind == kind and module.DEFAULT_STAGES
        assert set(schema["$defs"][f"{kind}-fields"]["properties"]) == set(module.Options._fields)  # type: ignore[attr-defined]
    assert [k for k in KINDS if kind_module(k).RUNS_CODE] == ["command"]


@pytest.mark.parametrize(("kind", "fields", "expected"), [
    ("forbid", {"content": "BEGIN", "max_size": "1KB"}, {"files": [], "content": ["BEGIN"], "max_size": 1024}),
    ("branch", {"protected": "main"}, {"protected": ["main"]}),
    ("co-change", {"if_changed": "a/**", "then_change": ["b"]}, {"if_changed": ["a/**"], "then_change": ["b"]}),
    ("command", {"run": ["pytest"]}, {"run": ["pytest"], "timeout": 600, "pass_files": False}),
    ("commit-message", {"preset": "conventional"}, {"preset": "conventional", "types": [],
                                                   "require_trailers": [], "forbid_subjects": []}),
])
def test_kind_options_parse_and_round_trip(kind: str, fields: dict[str, object], expected: dict[str, object]) -> None:
    """parse fills defaults once; the cached JSON loads back to the same typed value."""
    from wfguard.errors import ConfigError
    from wfguard.rules import kind_module, options

    def fail(key: str, message: str, sub: tuple[str | int, ...] = ()) -> ConfigError:
        return ConfigError(message, path=key)

    module = kind_module(kind)
    value = module.parse(fields, fail)
    assert options.to_json(value) == expected
    assert type(value).load(options.to_json(value)) == value

