""""Checked by ship": lets the hooks fired by ship's own commit and push pass at once.

``wfguard ship`` runs every rule of pre-commit, commit-msg and pre-push, then commits and
pushes; the hooks those trigger would run the same rules on the same tree again. ship leaves
a record keyed by the tree id, the message and the config's content; a hook that sees the
same three passes at once. The record is short-lived and only ever skips a repeat: the tree
and config it names were just checked. (Local hooks can always be bypassed with --no-verify;
CI and pre-receive are where the rules are enforced.)
"""

from __future__ import annotations

import contextlib
import json
import os
import time

from . import git
from .records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

RECORD = "ship-record.json"
MAX_AGE_S = 600


def _config_key(state_dir: Path) -> str:
    """The content of every file the current config was built from (the config cache's key)."""
    import hashlib

    try:
        files = json.loads((state_dir / "config-cache.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def _message_key(message: str) -> str:
    import hashlib

    return hashlib.sha256(message.strip().encode("utf-8", "surrogateescape")).hexdigest()


def index_tree(root: Path) -> str:
    """The tree id of the index (git writes the tree objects a commit would write anyway)."""
    return git.write_tree(root)


def write(state_dir: Path, root: Path, tree: str, message: str) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    data = {"tree": tree, "message": _message_key(message), "config": _config_key(state_dir), "time": time.time()}
    tmp = state_dir / f"{RECORD}.{os.getpid()}"
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, state_dir / RECORD)


def clear(state_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (state_dir / RECORD).unlink()


def matches(state_dir: Path, root: Path, *, tree: str | None = None, message: str | None = None,
            commit: str | None = None) -> bool:
    """True when ship just checked this tree (and message) under this config."""
    try:
        data = json.loads((state_dir / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if time.time() - float(data.get("time", 0)) > MAX_AGE_S:
        return False
    if commit is not None:
        tree = git.rev_parse(root, f"{commit}^{{tree}}")
        message = git.message(root, commit)
    if tree is None or tree != data.get("tree"):
        return False
    if message is not None and _message_key(message) != data.get("message"):
        return False
    key = _config_key(state_dir)
    return bool(key) and data.get("config") == key
