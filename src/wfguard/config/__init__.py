"""``config.load()``: the validated workflow config, from a cache keyed by file contents.

On a cache hit nothing heavier than ``json`` is imported: YAML parsing and schema validation
(PyYAML, jsonschema) happen only when a config file changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .. import __version__
from ..model import Config
from ..records import TYPE_CHECKING
from ..resources import workflows_dir
from .sources import CONFIG_NAME, CommitSource, File, WorkTree

if TYPE_CHECKING:
    from .sources import Source

__all__ = ["CONFIG_NAME", "CommitSource", "File", "WorkTree", "load", "load_uncached"]

_CACHE_FILE = "config-cache.json"
# bumped when the stored config changes shape; the loader's file time joins it, so installing
# another build of the same version (pip rewrites every file) never reads a cache the old one wrote
_CACHE_FORMAT = f"{__version__}/3"


def _cache_key() -> str:
    try:
        return f"{_CACHE_FORMAT}/{os.stat(Path(__file__).with_name('loader.py')).st_mtime_ns}"
    except OSError:
        return _CACHE_FORMAT
_BUILTIN = "<builtin>/"
_SHARED = "<git>/"


def _read_dep(source: Source, rel: str, builtin_dir: Path) -> bytes | None:
    if rel.startswith(_BUILTIN):
        try:
            return (builtin_dir / rel[len(_BUILTIN):]).read_bytes()
        except OSError:
            return None
    return source.read(rel)


def load_uncached(source: Source, allow_fetch: bool = False) -> tuple[Config, dict[str, bytes]]:
    import sys

    if sys.flags.no_site:  # a hook shim starts Python with -S; parsing needs site-packages
        import site

        site.main()
        if sys.flags.isolated:  # -I leaves out the user site, not the repository: put it back
            site.addsitedir(site.getusersitepackages())  # a `pip install --user` wfguard's libraries
    from .loader import load_documents  # the slow path: PyYAML and jsonschema

    data, read = load_documents(source, allow_fetch)
    return Config.from_dict(data), read


def _text(b: bytes) -> str:
    return b.decode("latin-1")  # any bytes, round-tripped exactly through JSON


def load(source: Source, cache_dir: Path | None = None, *, allow_fetch: bool = False) -> Config:
    """Load the config from ``source``, using (and refreshing) the cache in ``cache_dir``.

    The cache holds the exact content of every file the config was built from (they are
    small), so a hit is a byte comparison: no hashing, no YAML, no schema.
    """
    raw = source.read(CONFIG_NAME)
    if raw is None or cache_dir is None:
        return load_uncached(source, allow_fetch)[0]
    cache_file = cache_dir / _CACHE_FILE
    try:
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
        files = cached["files"]
        if cached.get("version") == _cache_key() and files.get(CONFIG_NAME) == _text(raw):
            builtin_dir = Path(cached["builtin_dir"])
            for rel, content in files.items():
                # a shared file is what its pinned commit holds, and the pin is in a file compared here
                if rel != CONFIG_NAME and not rel.startswith(_SHARED):
                    dep = _read_dep(source, rel, builtin_dir)
                    if dep is None or _text(dep) != content:
                        break
            else:
                return Config.from_dict(cached["config"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # a missing or damaged cache is rebuilt
    config, read = load_uncached(source, allow_fetch)
    entry = {"version": _cache_key(), "files": {rel: _text(b) for rel, b in read.items()},
             "builtin_dir": str(workflows_dir()), "config": config.to_dict()}
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_name(f"{_CACHE_FILE}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(entry), encoding="utf-8")
            os.replace(tmp, cache_file)  # atomic: a concurrent reader sees the old or the new
        finally:
            if tmp.exists():  # a full disk leaves no half-written file behind
                tmp.unlink()
    except OSError:
        pass  # a read-only git dir or a full disk just means no cache
    return config
