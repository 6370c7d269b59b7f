"""The package as it would be published: the wheel holds what the hooks and commands read at run
time (built-in workflows, the shim template, the schema, py.typed) and nothing of the checkout;
its metadata names what a package index shows."""

from __future__ import annotations

import email
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    hatchling = pytest.importorskip("hatchling.build")
    out = tmp_path_factory.mktemp("dist")
    import os

    here = os.getcwd()
    try:
        os.chdir(ROOT)
        name = hatchling.build_wheel(str(out))
    finally:
        os.chdir(here)
    return out / name


def test_the_wheel_holds_what_wfguard_reads_at_run_time(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    workflows = {p.name for p in (ROOT / "workflows").glob("*.yml")}
    assert workflows and {f"wfguard/workflows/{w}" for w in workflows} <= names
    assert {"wfguard/hooks/shim.sh", "wfguard/schema.json", "wfguard/py.typed", "wfguard/__main__.py",
            "wfguard/hookentry.py"} <= names
    sources = {f"wfguard/{p.relative_to(ROOT / 'src/wfguard').as_posix()}"
               for p in (ROOT / "src/wfguard").rglob("*.py")}
    assert sources <= names, sources - names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "docs/", "changelog.d/")) or
                "__pycache__" in n or n.endswith(".pyc")], names


def test_the_wheel_metadata(wheel: Path) -> None:
    zf = zipfile.ZipFile(wheel)
    meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
    meta = email.message_from_bytes(zf.read(meta_name))
    assert meta["Name"] == "wfguard" and meta["Requires-Python"] == ">=3.10"
    assert meta["License-Expression"] == "MIT" or "MIT" in (meta["License"] or "")
    assert meta["Description-Content-Type"] == "text/markdown" and "wfguard" in meta.get_payload()
    requires = " ".join(meta.get_all("Requires-Dist") or []).lower()
    for dep in ("typer", "rich", "pyyaml", "jsonschema", "packaging"):
        assert dep in requires
    entry = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "wfguard = wfguard.__main__:main" in entry
    import wfguard

    assert meta["Version"] == wfguard.__version__
