"""The conventional preset gives @commitlint/config-conventional's verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wfguard import conventional

VERDICTS = json.loads((Path(__file__).parent / "data" / "commitlint_verdicts.json").read_text())


@pytest.mark.parametrize("case", VERDICTS, ids=[repr(v["message"][:40]) for v in VERDICTS])
def test_same_verdict_as_commitlint(case: dict[str, object]) -> None:
    message = str(case["message"])
    problems = conventional.check(message)
    assert (not problems) == case["passes"], problems


@pytest.mark.parametrize(("header", "expected"), [
    ("feat(api)!: add", ("feat", "api", True, "add")),
    ("fix: x", ("fix", None, False, "x")),
    ("nope", None),
])
def test_parse_header(header: str, expected: tuple[object, ...] | None) -> None:
    parsed = conventional.parse_header(header)
    if expected is None:
        assert parsed is None
    else:
        assert parsed is not None
        assert (parsed.type, parsed.scope, parsed.breaking, parsed.subject) == expected


def test_slug() -> None:
    assert conventional.slug("Add export endpoint (v2)!") == "add-export-endpoint-v2"
