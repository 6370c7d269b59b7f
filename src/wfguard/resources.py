"""Files shipped with the package: the schema, built-in workflows and hook shim templates.

Read with importlib.resources: in a wheel, ``workflows/`` and ``hooks/`` sit inside the package.
From a source checkout (an editable install) they are the repository's own folders.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@lru_cache(maxsize=4)
def _data_dir(name: str) -> Path:
    from importlib.resources import as_file, files

    packaged = files("wfguard").joinpath(name)
    if packaged.is_dir():
        with as_file(packaged) as path:  # a real folder for any installed (non-zipped) package
            return Path(path)
    return _PKG.parent.parent / name


def workflows_dir() -> Path:
    return _data_dir("workflows")


def hooks_dir() -> Path:
    return _data_dir("hooks")


def builtin_workflows() -> list[str]:
    return sorted(p.stem for p in workflows_dir().glob("*.yml"))


def schema_text() -> str:
    from importlib.resources import files

    return files("wfguard").joinpath("schema.json").read_text(encoding="utf-8")
