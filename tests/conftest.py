"""Fixtures: real git repositories in temp dirs, driven through the real ``wfguard`` entry point.

Every test runs with its own HOME and global git config, a fixed identity and default branch,
and none of the caller's GIT_* or WFGUARD_* variables, so it holds on any machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


def wfguard_argv() -> list[str]:
    exe = Path(sys.executable).parent / "wfguard"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("wfguard")
    return [found] if found else [sys.executable, "-m", "wfguard"]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    for key in list(os.environ):
        if key.startswith(("GIT_", "WFGUARD_", "GITHUB_", "GITLAB", "CI_")) or key in (
            "NO_COLOR", "FORCE_COLOR", "CI",
        ):
            monkeypatch.delenv(key, raising=False)
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
        "[advice]\n\tdetachedHead = false\n[protocol \"file\"]\n\tallow = always\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)  # shared workflows are cached under HOME/.cache


class Result:
    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self) -> Any:
        return json.loads(self.out)

    def __repr__(self) -> str:
        return f"<exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


def in_process(args: list[str], cwd: Path, env: Mapping[str, str], input: str | None) -> Result:
    """``wfguard.__main__.main(args)`` with its own cwd, environment, stdin and captured output;
    everything process-wide it could touch is put back."""
    import io
    import signal

    from wfguard.__main__ import main

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    saved_signals = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM)}
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape", write_through=True)
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = io.StringIO(input or ""), out, err
        try:
            code = main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        for sig, handler in saved_signals.items():
            signal.signal(sig, handler)
        import gc

        gc.unfreeze()  # a hook freezes what it loaded, as a process about to exit may; this one goes on
        gc.enable()
    text = [s.buffer.getvalue().decode("utf-8", "surrogateescape") for s in (out, err)]  # type: ignore[attr-defined]
    return Result(subprocess.CompletedProcess(args, code, text[0], text[1]))


class GitRepo:
    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, check: bool = True, input: str | None = None,
            env: Mapping[str, str] | None = None) -> str:
        proc = subprocess.run(["git", *args], cwd=self.path, capture_output=True, text=True,
                              input=input, env={**os.environ, **(env or {})})
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout.strip()

    def write(self, rel: str, content: str | bytes = "x\n") -> Path:
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return p

    def commit(self, message: str, *files: tuple[str, str | bytes] | str, allow_empty: bool = False) -> str:
        for f in files:
            if isinstance(f, tuple):
                self.write(*f)
                self.git("add", "--", f[0])
            else:
                if not (self.path / f).exists():
                    self.write(f, f"{f}\n")
                self.git("add", "--", f)
        args = ["commit", "-q", "--no-verify", "-m", message]
        if allow_empty:
            args.append("--allow-empty")
        self.git(*args)
        return self.git("rev-parse", "HEAD")

    def config(self, text: str) -> None:
        self.write(".wfguard.yml", text)

    def wfguard(self, *args: str, env: Mapping[str, str] | None = None, input: str | None = None,
                cwd: Path | None = None) -> Result:
        """The real entry point, in this process (fast), or as the installed console script
        when WFGUARD_TEST_SUBPROCESS=1. Hooks fired by git, and tests of the shims and the
        installed script, always run as processes of their own."""
        full_env = {**os.environ, **(env or {})}
        if os.environ.get("WFGUARD_TEST_SUBPROCESS") != "1":
            return in_process(list(args), cwd or self.path, full_env, input)
        proc = subprocess.run([*wfguard_argv(), *args], cwd=cwd or self.path, capture_output=True,
                              text=True, input=input, env=full_env, timeout=120)
        return Result(proc)

    def check(self, *args: str, env: Mapping[str, str] | None = None) -> Result:
        return self.wfguard("check", "--format", "json", *args, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[GitRepo]:
    path = tmp_path / "repo"
    path.mkdir()
    r = GitRepo(path)
    r.git("init", "-q")
    yield r


CHANGELOG_CONFIG = """\
version: 1
extends: [changelog-fragments, conventional-commits]
rules:
  changelog:
    paths: ["src/**"]
"""


@pytest.fixture
def feature_repo(repo: GitRepo) -> GitRepo:
    """main with one commit and a config; the work happens on branch feat/x."""
    repo.config(CHANGELOG_CONFIG)
    repo.write("changelog.d/.gitkeep", "")
    repo.commit("chore: start", ".wfguard.yml", "changelog.d/.gitkeep", "README.md")
    repo.git("switch", "-q", "-c", "feat/x")
    return repo


def result_of(report: Mapping[str, Any], rule: str) -> Mapping[str, Any]:
    for r in report["results"]:
        if r["rule"] == rule:
            return r
    raise AssertionError(f"no result for {rule!r} in {report}")
