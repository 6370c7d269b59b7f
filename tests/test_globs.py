"""Globs mean what a line of ``.gitignore`` means: the design's table, and git itself as oracle."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import GitRepo

from wfguard.globs import GlobError, _plain, any_match, compile_glob, match_branch

# shared/design.md, "Rule fields": pattern -> (matches, does not match)
DESIGN_TABLE = [
    ("*.pem", ["key.pem", "certs/server.pem", "a/b/c.pem"], ["key.pem.bak"]),
    ("secrets/", ["secrets/y.txt", "lib/secrets/x.txt", "a/secrets/b/c"], ["secrets", "secretsx/y"]),
    ("src/*.py", ["src/a.py"], ["src/x/a.py", "lib/src/a.py"]),
    ("src/**", ["src/a.py", "src/x/y/z.py"], ["src", "lib/src/a.py"]),
    ("**/test_*.py", ["test_a.py", "t/test_a.py", "a/b/test_x.py"], ["t/atest_a.py"]),
    ("docs", ["docs", "docs/x.md", "a/docs/y/z.md"], ["docsx", "mydocs/a"]),
    ("id_rsa", ["id_rsa", "keys/id_rsa"], ["id_rsa.pub"]),
    (".env", [".env", "config/.env"], [".envrc"]),
]


@pytest.mark.parametrize(("pattern", "yes", "no"), DESIGN_TABLE)
def test_design_glob_table(pattern: str, yes: list[str], no: list[str]) -> None:
    rx = compile_glob(pattern)
    assert [p for p in yes if not rx.fullmatch(p)] == []
    assert [p for p in no if rx.fullmatch(p)] == []


def check_ignore(root: Path, pattern: str, files: list[str]) -> list[str]:
    """The files git itself ignores with ``pattern`` as the only exclude line."""
    (root / ".git" / "info").mkdir(parents=True, exist_ok=True)
    (root / ".git" / "info" / "exclude").write_bytes(pattern.encode() + b"\n")
    proc = subprocess.run(["git", "check-ignore", "--no-index", "-z", "-v", "-n", "--stdin"], cwd=root,
                          input="\0".join(files).encode() + b"\0", capture_output=True)
    fields = proc.stdout.decode().split("\0")
    # records of four fields: source, line, pattern, path; no match has an empty source
    return sorted(fields[i + 3] for i in range(0, len(fields) - 3, 4) if fields[i])


FILES = ["top.md", "src/a.py", "src/sub/b.py", "src/sub/c.md", "docs/x.md", "srcs/z.py",
         "with space/f.txt", "ünï/c.md", "-dash/x.py", "a[1].txt", "lib/src/a.py", "secrets/k",
         "lib/secrets/k", "certs/server.pem", "key.pem", "key.pem.bak", "sub"]
PATTERNS = ["src", "src/", "s*", "*.md", "**/*.md", "src/**", "src/*", "sr?/a.py", "src/**/b.py",
            "**/sub", "src/s*", "**", "[st]*.md", "src/[!a]*.py", "**/sub/**", "with space/*",
            "ünï/**", "-dash/*", "*/x.*", "src/**/*.py", "a[[]1].txt", "/src", "/src/", "sub/",
            "secrets/", "*.pem", "a**", "src/**/", "/*.md", "sub", "lib/src"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_matches_like_gitignore(repo: GitRepo, pattern: str) -> None:
    for f in FILES:
        repo.write(f, "x\n")
    ours = sorted(f for f in FILES if compile_glob(pattern).fullmatch(f))
    assert ours == check_ignore(repo.path, pattern, FILES)


@pytest.mark.parametrize("pattern", ["src/**", "docs", "docs/", "/build", "/build/", "src/app.py", "*.md",
                                     "secrets/", ".env", "a b/**"])
def test_common_globs_need_no_regex(pattern: str) -> None:
    """These shapes are matched with string methods (a hook that only has them never imports
    re), with the regex's verdict on every file of the gitignore test."""
    assert _plain(pattern) is not None
    rx = compile_glob(pattern)
    assert [f for f in FILES if any_match([pattern], f)] == [f for f in FILES if rx.fullmatch(f)]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_any_match_is_the_regex(pattern: str) -> None:
    rx = compile_glob(pattern)
    assert [f for f in FILES if any_match([pattern], f)] == [f for f in FILES if rx.fullmatch(f)]
    assert [f for f in FILES if any_match([pattern, "nothing/here"], f)] == [f for f in FILES if rx.fullmatch(f)]


@pytest.mark.parametrize("bad", ["", "   ", "src/[abc", "a//b", "!src", "./src", "src/../x", "/"])
def test_invalid_globs(bad: str) -> None:
    with pytest.raises(GlobError):
        compile_glob(bad)


def test_branch_globs_match_whole_names() -> None:
    assert match_branch(["main"], "main")
    assert not match_branch(["main"], "feature/main")
    assert match_branch(["release/*"], "release/1.0")
    assert not match_branch(["release/*"], "release/1.0/x")
    assert match_branch(["release/**"], "release/1.0/x")
