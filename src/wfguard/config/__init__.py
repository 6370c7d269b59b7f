"""``config.load()``: the validated workflow config, from a cache keyed by file contents.

On a cache hit nothing heavier than ``json`` is imported: YAML parsing and schema validation
(PyYAML, jsonschema) happen only when a config file changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .. import __version__
from ..model import Config
from ..resources import workflows_dir
from .sources import CONFIG_NAME, Commit, Source, WorkTree

__all__ = ["CONFIG_NAME", "Commit", "Source", "WorkTree", "load", "load_uncached"]

_CACHE_FILE = "config-cache.json"
_BUILTIN = "<builtin>/"


def _digest(parts: dict[str, bytes]) -> str:
    h = hashlib.sha256(__version__.encode())
    for rel in sorted(parts):
        h.update(rel.encode("utf-8", "surrogateescape") + b"\0" + parts[rel] + b"\0")
    return h.hexdigest()


def _read_dep(source: Source, rel: str) -> bytes | None:
    if rel.startswith(_BUILTIN):
        try:
            return (workflows_dir() / rel[len(_BUILTIN):]).read_bytes()
        except OSError:
            return None
    return source.read(rel)


def load_uncached(source: Source) -> tuple[Config, dict[str, bytes]]:
    from .loader import load_documents  # the slow path: PyYAML and jsonschema

    data, read = load_documents(source)
    return Config.from_dict(data, _digest(read)), read


def load(source: Source, cache_dir: Path | None = None) -> Config:
    """Load the config from ``source``, using (and refreshing) the cache in ``cache_dir``."""
    raw = source.read(CONFIG_NAME)
    if raw is None or cache_dir is None:
        return load_uncached(source)[0]
    key = hashlib.sha256(__version__.encode() + b"\0" + raw).hexdigest()
    cache_file = cache_dir / _CACHE_FILE
    try:
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            parts = {CONFIG_NAME: raw}
            for rel, sha in cached["deps"].items():
                content = _read_dep(source, rel)
                if content is None or hashlib.sha256(content).hexdigest() != sha:
                    break
                parts[rel] = content
            else:
                return Config.from_dict(cached["config"], _digest(parts))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # a missing or damaged cache is rebuilt
    config, read = load_uncached(source)
    entry = {
        "key": key,
        "deps": {rel: hashlib.sha256(b).hexdigest() for rel, b in read.items() if rel != CONFIG_NAME},
        "config": config.to_dict(),
    }
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_name(f"{_CACHE_FILE}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(entry), encoding="utf-8")
        os.replace(tmp, cache_file)  # atomic: a concurrent reader sees the old or the new
    except OSError:
        pass  # a read-only git dir just means no cache
    return config


