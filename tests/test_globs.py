"""Globs agree with git's own ``:(glob)`` pathspecs on the same tree."""

from __future__ import annotations

import pytest
from conftest import GitRepo

from wfguard.globs import GlobError, compile_glob

FILES = ["top.md", "src/a.py", "src/sub/b.py", "src/sub/c.md", "docs/x.md", "srcs/z.py",
         "with space/f.txt", "ünï/c.md", "-dash/x.py", "a[1].txt"]
PATTERNS = ["src", "src/", "s*", "*.md", "**/*.md", "src/**", "src/*", "sr?/a.py", "src/**/b.py",
            "**/sub", "src/s*", "**", "[st]*.md", "src/[!a]*.py", "**/sub/**", "with space/*",
            "ünï/**", "-dash/*", "*/x.*", "src/**/*.py", "a[[]1].txt"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_matches_like_git_pathspec(repo: GitRepo, pattern: str) -> None:
    for f in FILES:
        repo.write(f, "x\n")
    repo.git("add", "--", *FILES)
    ours = sorted(f for f in FILES if compile_glob(pattern).fullmatch(f))
    out = repo.git("-c", "core.quotePath=false", "ls-files", "-z", "--", f":(glob){pattern}")
    theirs = sorted(x for x in out.split("\0") if x)
    assert ours == theirs


@pytest.mark.parametrize("bad", ["", "   ", "src/[abc"])
def test_invalid_globs(bad: str) -> None:
    with pytest.raises(GlobError):
        compile_glob(bad)
