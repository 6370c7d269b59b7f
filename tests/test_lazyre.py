"""lazyre: patterns compiled on first use, rebuilt from stored programs exactly as re builds them."""

from __future__ import annotations

import marshal
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wfguard import conventional, globs, lazyre

# the package's own patterns (conventional commits, globs) and user-like ones: groups, named
# groups, inline and passed flags, lookarounds, backreferences, bytes
PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?a)^(\w*)(?:\((.*)\))?(!?): (.*)$", 0),
    (r"^((Merge pull request)|(Merge (.*?) into (.*?)|(Merge branch (.*?)))(?:\r?\n)*$)", lazyre.MULTILINE),
    (r"\[(skip|ci)(-|\s)(ci|skip)\]", lazyre.IGNORECASE),
    (r"(?P<type>feat|fix)(?:\((?P<scope>[^)]*)\))?!?: (?P<subject>.+)", 0),
    (r"(?i)^(WIP|fixup!)\b", 0),
    (r"(\w+) \1", 0),
    (r"(?<=a)b(?!c)", lazyre.DOTALL),
    (r"ünï|\d{2,}", 0),
    (rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@", 0),
    (globs.compile_globs(("src/**", "*.md", "**/test_*.py", "a[!b]?/c"))._source, lazyre.DOTALL),  # type: ignore[attr-defined]
]
SAMPLES = ["feat(api): add it", "fix!: x", "Merge branch 'a' into b\n", "chore: [skip ci] 1.2.3", "WIP stuff",
           "hello hello", "ab", "abc", "ünï 123", "src/a/b.py", "docs/x.md", "t/test_a.py", "ax/c", "ab/c", ""]


def test_compiled_once_whatever_is_looked_up() -> None:
    rx = lazyre.compile(r"(a)(b)?")
    assert rx.scanner("ab").match().group(1) == "a"  # type: ignore[attr-defined]
    compiled = rx.__dict__["_compiled"]
    assert rx.fullmatch("a") is not None and rx.groups == 2 and rx.__dict__["_compiled"] is compiled
    assert repr(rx) == "lazyre.compile('(a)(b)?', 0)"


def test_flags_are_re_flags() -> None:
    assert (lazyre.IGNORECASE, lazyre.MULTILINE, lazyre.DOTALL, lazyre.ASCII) == (
        re.IGNORECASE, re.MULTILINE, re.DOTALL, re.ASCII)


@pytest.mark.parametrize(("source", "flags"), PATTERNS)
def test_a_rebuilt_pattern_is_re_s_pattern(source: str | bytes, flags: int) -> None:
    program = lazyre.program(source, flags)
    assert program is not None
    program = marshal.loads(marshal.dumps(program))  # as it comes back from the cache file
    rebuilt = lazyre._build(program)
    reference = re.compile(source, flags)
    assert (rebuilt.pattern, rebuilt.flags, rebuilt.groups, rebuilt.groupindex) == (
        reference.pattern, reference.flags, reference.groups, reference.groupindex)
    for sample in SAMPLES:
        text = sample.encode() if isinstance(source, bytes) else sample
        for method in ("match", "search", "fullmatch"):
            ours, theirs = getattr(rebuilt, method)(text), getattr(reference, method)(text)
            assert (ours and (ours.span(), ours.groups())) == (theirs and (theirs.span(), theirs.groups()))
        assert rebuilt.findall(text) == reference.findall(text)


def test_the_cache_round_trip_and_what_it_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lazyre, "_programs", {})
    monkeypatch.setattr(lazyre, "_learned", {})
    monkeypatch.setattr(lazyre, "_cache_dir", [])
    lazyre.use_cache(str(tmp_path))
    rx = lazyre.compile(r"^(fe)at: (.+)$")
    assert rx.match("feat: a") is not None
    lazyre.save_cache()
    stored = marshal.loads((tmp_path / lazyre.CACHE_FILE).read_bytes())
    assert stored["key"] == lazyre._key() and (r"^(fe)at: (.+)$", 0) in stored["programs"]

    lazyre._programs.clear()
    lazyre.use_cache(str(tmp_path))
    assert (r"^(fe)at: (.+)$", 0) in lazyre._programs
    assert lazyre.compile(r"^(fe)at: (.+)$").match("feat: b").group(2) == "b"  # type: ignore[union-attr]

    # a program stored under another pattern's key is never used for it
    lazyre._programs[("x", 0)] = lazyre._programs[(r"^(fe)at: (.+)$", 0)]
    assert lazyre.compile("x").fullmatch("x") is not None
    # a program _sre refuses falls back to re
    source, flags, code, *rest = lazyre._programs[(r"^(fe)at: (.+)$", 0)]
    lazyre._programs[(r"^(fe)at: (.+)$", 0)] = (source, flags, [99999, *code[1:]], *rest)
    assert lazyre.compile(r"^(fe)at: (.+)$").match("feat: c") is not None

    # another interpreter's cache, or a damaged file, is ignored
    for damaged in (marshal.dumps({"key": (0, 0), "programs": {("y", 0): ("z",)}}), b"\x00garbage"):
        (tmp_path / lazyre.CACHE_FILE).write_bytes(damaged)
        lazyre._programs.clear()
        lazyre.use_cache(str(tmp_path))
        assert lazyre._programs == {}


def test_conventional_verdicts_with_and_without_the_cache(tmp_path: Path) -> None:
    """The preset's verdicts on a corpus, from patterns compiled by re in one process and
    rebuilt from the cache in the next (test_hooks checks that a hook so served imports no re)."""
    messages = ["feat(api): add export", "Fix: Bad", "feat: x.", "Merge branch 'x'", "chore: 1.2.3",
                "revert: y", "docs!: z\n\nbody", "wip", "feat(a)!: b\n\nBREAKING CHANGE: c"]
    code = ("import sys, json\nsys.path.insert(0, sys.argv[1])\nfrom wfguard import lazyre, conventional\n"
            "lazyre.use_cache(sys.argv[2])\n"
            "out = [conventional.check(m) for m in json.loads(sys.argv[3])]\nlazyre.save_cache()\n"
            "print(json.dumps(out))")
    import json

    pkg = str(Path(conventional.__file__).resolve().parent.parent)
    runs = [json.loads(subprocess.run([sys.executable, "-I", "-S", "-c", code, pkg, str(tmp_path),
                                       json.dumps(messages)], capture_output=True, text=True, check=True).stdout)
            for _ in range(2)]
    expected = [conventional.check(m) for m in messages]
    assert runs[0] == expected and runs[1] == expected
