"""``config.load()``: the validated workflow config, from a cache keyed by file contents.

On a cache hit nothing heavier than ``marshal`` (built in) is read: YAML parsing and schema validation
(PyYAML, jsonschema) happen only when a config file changed.
"""

from __future__ import annotations

import marshal
import os
import sys

from .. import __version__
from ..model import Config
from ..records import TYPE_CHECKING
from .sources import CONFIG_NAME, CommitSource, File, WorkTree

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from .sources import Source

__all__ = ["CONFIG_NAME", "CommitSource", "File", "WorkTree", "cached_files", "load", "load_uncached"]

# marshal, not JSON: built into the interpreter (json would load re on a hook's path), bytes
# as they are, and several times faster to read
_CACHE_FILE = "config-cache.marshal"
# bumped when the stored config changes shape; the loader's file time joins it, so installing
# another build of the same version (pip rewrites every file) never reads a cache the old one wrote,
# and the interpreter's version, as marshal's format is the interpreter's
_CACHE_FORMAT = f"{__version__}/5/{sys.hexversion}"


def _cache_key() -> str:
    try:
        return f"{_CACHE_FORMAT}/{os.stat(os.path.join(os.path.dirname(__file__), 'loader.py')).st_mtime_ns}"
    except OSError:
        return _CACHE_FORMAT
_BUILTIN = "<builtin>/"
_SHARED = "<git>/"


def _read_dep(source: Source, rel: str, builtin_dir: str) -> bytes | None:
    if rel.startswith(_BUILTIN):
        try:
            with open(os.path.join(builtin_dir, rel[len(_BUILTIN):]), "rb") as fh:
                return fh.read()
        except OSError:
            return None
    return source.read(rel)


def load_uncached(source: Source, allow_fetch: bool = False) -> tuple[Config, dict[str, bytes]]:
    if sys.flags.no_site:  # a hook shim starts Python with -S; parsing needs site-packages
        import site

        site.main()
        if sys.flags.isolated:  # -I leaves out the user site, not the repository: put it back
            site.addsitedir(site.getusersitepackages())  # a `pip install --user` wfguard's libraries
    from .loader import load_documents  # the slow path: PyYAML and jsonschema

    data, read = load_documents(source, allow_fetch)
    return Config.from_dict(data), read


def _read_cache(cache_dir: str | Path) -> dict[str, Any] | None:
    try:
        with open(os.path.join(cache_dir, _CACHE_FILE), "rb") as fh:
            cached = marshal.loads(fh.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None  # a missing or damaged cache is rebuilt
    return cached if isinstance(cached, dict) and cached.get("version") == _cache_key() else None


def cached_files(cache_dir: str | Path) -> dict[str, bytes] | None:
    """The content of every file the cached config was built from (ship's record keys on it)."""
    cached = _read_cache(cache_dir)
    files = cached.get("files") if cached else None
    return files if isinstance(files, dict) else None


def load(source: Source, cache_dir: str | Path | None = None, *, allow_fetch: bool = False) -> Config:
    """Load the config from ``source``, using (and refreshing) the cache in ``cache_dir``.

    The cache holds the exact content of every file the config was built from (they are
    small), so a hit is a byte comparison: no hashing, no YAML, no schema.
    """
    raw = source.read(CONFIG_NAME)
    if raw is None or cache_dir is None:
        return load_uncached(source, allow_fetch)[0]
    cached = _read_cache(cache_dir)
    try:
        if cached is not None and cached["files"].get(CONFIG_NAME) == raw:
            builtin_dir = cached["builtin_dir"]
            for rel, content in cached["files"].items():
                # a shared file is what its pinned commit holds, and the pin is in a file compared here
                if rel != CONFIG_NAME and not rel.startswith(_SHARED):
                    dep = _read_dep(source, rel, builtin_dir)
                    if dep is None or dep != content:
                        break
            else:
                return Config.from_dict(cached["config"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # a damaged cache is rebuilt
    config, read = load_uncached(source, allow_fetch)
    from ..resources import workflows_dir

    entry = {"version": _cache_key(), "files": dict(read), "builtin_dir": str(workflows_dir()),
             "config": config.to_dict()}
    cache_file = os.path.join(cache_dir, _CACHE_FILE)
    tmp = f"{cache_file}.{os.getpid()}.tmp"
    try:
        data = marshal.dumps(entry)
        os.makedirs(cache_dir, exist_ok=True)
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
            os.replace(tmp, cache_file)  # atomic: a concurrent reader sees the old or the new
            if os.path.exists(os.path.join(cache_dir, "config-cache.json")):  # 0.1's format, never read again
                os.unlink(os.path.join(cache_dir, "config-cache.json"))
        finally:
            if os.path.exists(tmp):  # a full disk leaves no half-written file behind
                os.unlink(tmp)
    except (OSError, ValueError):
        pass  # a read-only git dir or a full disk just means no cache
    return config
