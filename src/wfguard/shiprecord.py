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


def _config_key(state_dir: str | Path) -> str:
    """The content of every file the current config was built from (the config cache's key)."""
    import hashlib

    from .config import cached_files

    files = cached_files(state_dir)
    if files is None:
        return ""
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(b"%d:%s\0%d:" % (len(rel), rel.encode("utf-8", "surrogateescape"), len(files[rel])))
        digest.update(files[rel])
    return digest.hexdigest()


def _message_key(message: str) -> str:
    import hashlib

    return hashlib.sha256(message.strip().encode("utf-8", "surrogateescape")).hexdigest()


def index_tree(root: str | Path) -> str:
    """The tree id of the index (git writes the tree objects a commit would write anyway)."""
    return git.write_tree(root)


def write(state_dir: str | Path, root: str | Path, tree: str, message: str) -> None:
    os.makedirs(state_dir, exist_ok=True)
    data = {"tree": tree, "message": _message_key(message), "config": _config_key(state_dir), "time": time.time()}
    tmp = os.path.join(state_dir, f"{RECORD}.{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data))
    os.replace(tmp, os.path.join(state_dir, RECORD))


def clear(state_dir: str | Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(state_dir, RECORD))


def matches(state_dir: str | Path, root: str | Path, *, tree: str | None = None, message: str | None = None,
            commit: str | None = None) -> bool:
    """True when ship just checked this tree (and message) under this config."""
    try:
        with open(os.path.join(state_dir, RECORD), encoding="utf-8") as fh:
            data = json.loads(fh.read())
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
