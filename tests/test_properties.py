"""Property tests and bounded fuzzing (hypothesis): globs against git check-ignore, the commit parser,
the config loader and the pre-push input parser never fail with anything but a clear error."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_globs import check_ignore

from wfguard import conventional, events
from wfguard.config import WorkTree, load_uncached
from wfguard.errors import WfguardError
from wfguard.githooks import parse_push_lines
from wfguard.globs import GlobError, _plain, any_match, compile_glob

# Fuzzing budget: CI runs the default; raise it locally with WFGUARD_FUZZ_EXAMPLES=5000.
FUZZ = int(os.environ.get("WFGUARD_FUZZ_EXAMPLES", "200"))
SLOW = settings(max_examples=int(os.environ.get("WFGUARD_GLOB_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

segment = st.text(alphabet="ab.c", min_size=1, max_size=3).filter(lambda s: s not in (".", ".."))
paths = st.lists(st.lists(segment, min_size=1, max_size=3).map("/".join), min_size=1, max_size=12, unique=True)
glob_token = st.sampled_from(["a", "b", "c", ".", "*", "**", "?", "/", "[ab]", "[!a]"])
patterns = st.lists(glob_token, min_size=1, max_size=6).map("".join)


def _tree(files: list[str]) -> Path:
    root = Path(tempfile.mkdtemp(prefix="wfguard-prop-"))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    made = []
    for f in files:
        p = root / f
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("x")
            made.append(f)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue  # "a" as a file and "a/b" cannot both exist
    if made:
        subprocess.run(["git", "add", "--", *made], cwd=root, check=True)
    return root


@SLOW
@given(files=paths, pats=st.lists(patterns, min_size=1, max_size=5))
def test_globs_agree_with_gitignore(files: list[str], pats: list[str]) -> None:
    root = _tree(files)
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    listed = [x for x in tracked.decode().split("\0") if x]
    for pattern in pats:
        try:
            rx = compile_glob(pattern)
        except GlobError:
            continue
        ours = sorted(f for f in listed if rx.fullmatch(f))
        assert ours == check_ignore(root, pattern, listed), (pattern, listed)


# the shapes matched with string methods, and their near misses: a literal, DIR/**, *.ext,
# anchored or not, folder-only, with spaces and escapes
plain_token = st.sampled_from(["a", "b", ".", "/", "**", "*", " ", "\\ ", "a.b", "-", "ü"])
plain_patterns = st.lists(plain_token, min_size=1, max_size=5).map("".join)
wide_paths = st.lists(st.text(alphabet="ab. ü*-", min_size=1, max_size=3).filter(lambda s: s not in (".", "..")),
                      min_size=1, max_size=4).map("/".join)


@settings(max_examples=FUZZ * 5, deadline=None)
@given(pattern=st.one_of(plain_patterns, patterns), path=st.one_of(wide_paths, paths.map(lambda p: p[0])))
def test_string_matching_agrees_with_the_regex(pattern: str, path: str) -> None:
    """any_match skips the regex for the common globs; its verdict must be the regex's (which
    test_globs_agree_with_gitignore holds to git)."""
    try:
        rx = compile_glob(pattern)
    except GlobError:
        assert _plain(pattern) is None
        return
    assert any_match([pattern], path) == (rx.fullmatch(path) is not None), (pattern, path, _plain(pattern))


@settings(max_examples=FUZZ * 5, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ09._-+ü/\n\t ")))
def test_fragment_names_as_the_documented_regex(name: str) -> None:
    """A fragment's name: letters, digits, '.', '_', '-' after an optional '+' (string methods on
    the hook's path; this regex is the definition, except that a trailing newline is refused)."""
    import re

    from wfguard.fragments import _valid_name

    expected = re.fullmatch(r"\+?[A-Za-z0-9._-]+", name) is not None and name != "+"
    assert _valid_name(name) == expected


event_values = st.one_of(st.text(), st.text(alphabet=st.characters(blacklist_categories=())), st.integers(),
                         st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none())


@settings(max_examples=FUZZ * 5, deadline=None)
@given(st.dictionaries(st.text(min_size=1), event_values, max_size=8))
def test_event_lines_are_json_dumps(event: dict[str, str | int | float | bool | None]) -> None:
    """A hook writes its events without importing json: the same line, byte for byte (lone
    surrogates and control characters included)."""
    import json

    assert events.dumps(event) == json.dumps(event)


@settings(max_examples=FUZZ * 5, deadline=None)
@given(st.text())
def test_commit_parser_never_raises_and_is_consistent(message: str) -> None:
    problems = conventional.check(message)
    assert isinstance(problems, list)
    checker = conventional.Checker()
    if not conventional.is_ignored(message):
        # the single-regex fast path never passes what the full check fails
        assert (not checker.problems_of_authored(message)) == (not checker._full(message))
    if not problems and not conventional.is_ignored(message):
        header = message.lstrip("\r\n").split("\n", 1)[0]
        parsed = conventional.parse_header(header)
        assert parsed is not None and parsed.type in conventional.TYPES and len(header) <= 100


headers = st.builds(
    lambda t, scope, bang, subject: f"{t}{f'({scope})' if scope else ''}{'!' if bang else ''}: {subject}",
    st.sampled_from([*conventional.TYPES, "Feat", "wip", "feat-x"]),
    st.one_of(st.none(), st.text(alphabet="abc-_ ()", max_size=5)),
    st.booleans(),
    st.text(max_size=40),
)


@settings(max_examples=FUZZ * 5, deadline=None)
@given(headers, st.text(max_size=300))
def test_fast_path_agrees_on_conventional_shaped_messages(header: str, body: str) -> None:
    checker = conventional.Checker()
    message = f"{header}\n\n{body}"
    if not conventional.is_ignored(message):
        assert (not checker.problems_of_authored(message)) == (not checker._full(message))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)
keys = st.sampled_from(["version", "extends", "rules", "ship", "kind", "paths", "ignore", "stages", "severity",
                        "skip", "fragments", "types", "dir", "pattern", "content", "max_size", "run", "if_changed",
                        "then_change", "protected", "enabled", "changelog", "commit-message", "forbid", "x"])
config_like = st.recursive(
    st.none() | st.booleans() | st.integers(0, 3) | st.sampled_from(["src/**", "[", "(", "1KB", "changelog",
                                                                      "conventional", "commit-msg", "../x"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=4),
    max_leaves=16,
)


def _load(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, ".wfguard.yml").write_text(text, encoding="utf-8", errors="surrogateescape")
        try:
            load_uncached(WorkTree(Path(tmp)))
        except WfguardError as exc:
            assert exc.message  # a clear message, never a traceback


@settings(max_examples=FUZZ, deadline=None)
@given(st.one_of(json_values, config_like, st.builds(lambda r: {"version": 1, "rules": r}, config_like)))
def test_any_yaml_document_is_a_config_or_a_config_error(doc: object) -> None:
    _load(yaml.safe_dump(doc))


@settings(max_examples=FUZZ, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_config_text(text: str) -> None:
    _load(text)


@settings(max_examples=FUZZ * 2, deadline=None)
@given(st.text(max_size=300))
def test_fuzz_pre_push_input(text: str) -> None:
    try:
        updates = parse_push_lines(text)
    except WfguardError:
        return
    assert all(len(u) == 4 for u in updates)
