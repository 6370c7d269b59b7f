"""Shared plumbing of commands: loading the repo and config, writing output."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from ..errors import EXIT_ERROR, WfguardError
from ..repo import Repo, discover

if TYPE_CHECKING:
    from ..model import Config

T = TypeVar("T")


def load_config(repo: Repo, rev: str | None = None) -> Config:
    from .. import config as config_mod

    source: config_mod.Source = (config_mod.WorkTree(repo.root) if rev is None
                                 else config_mod.Commit(repo.root, rev))
    return config_mod.load(source, repo.state_dir)


def open_repo(cwd: str | Path = ".") -> Repo:
    return discover(cwd)


def emit(text: str, output: str | None, stream: TextIO | None = None) -> None:
    """Write ``text`` to ``output`` (a file path) or to stdout."""
    if output:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        return
    out = stream or sys.stdout
    out.write(text if text.endswith("\n") else text + "\n")
    out.flush()


def to_json(data: object) -> str:
    """Readable JSON; file names that are not UTF-8 (kept as surrogates) become \\u escapes,
    so the output is always valid UTF-8 JSON."""
    import json

    text = json.dumps(data, indent=2, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, indent=2, ensure_ascii=True)
    return text


def guarded(fn: Callable[[], int]) -> int:
    """Run a command; a WfguardError becomes its message on stderr and exit code 2."""
    try:
        return fn()
    except WfguardError as exc:
        sys.stderr.write(exc.render() + "\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("wfguard: interrupted\n")
        return 130
    except BrokenPipeError:
        # the reader went away (| head); not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
