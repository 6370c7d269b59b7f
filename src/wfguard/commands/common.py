"""Shared plumbing of commands: loading the repo and config, writing output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..exits import guarded
from ..repo import Repo, discover

if TYPE_CHECKING:
    from ..config.sources import Source
    from ..model import Config



def load_config(repo: Repo, rev: str | None = None) -> Config:
    from .. import config as config_mod

    source: Source = (config_mod.WorkTree(repo.root) if rev is None
                                 else config_mod.CommitSource(repo.root, rev))
    return config_mod.load(source, repo.state_dir, allow_fetch=True)  # commands may fetch; hooks never


def open_repo(cwd: str | Path = ".") -> Repo:
    return discover(cwd)


def emit(text: str, output: str | None, stream: TextIO | None = None) -> None:
    """Write ``text`` to ``output`` (a file path) or to stdout."""
    if output:
        try:
            Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        except OSError as exc:
            from ..errors import WfguardError

            raise WfguardError(f"cannot write --output {output}: {exc.strerror or exc}",
                               hint="name a file in a folder that exists and that you may write to") from None
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


__all__ = ["emit", "guarded", "load_config", "open_repo", "to_json"]
