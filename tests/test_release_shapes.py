"""Releases that follow what a project already has: the shape of its existing tags when the
config names none (bare ``0.4.1``, lerna's and changesets' ``name@1.2.0``), lerna.json, and the
version files Python build tools read; a package with no history is said, never invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GitRepo

from wfguard import versionfiles

FRAGMENTS = "version: 1\nextends: [changelog-fragments]\nrules:\n  changelog:\n    paths: [\"src/**\"]\n"


def release(repo: GitRepo, *args: str) -> dict[str, object]:
    res = repo.wfguard("release", "--yes", "--no-push", "--format", "json", *args)
    assert res.code == 0, res
    data = res.json()
    assert isinstance(data, dict)
    return data


def test_bare_version_tags_are_followed_when_the_config_names_no_tag(repo: GitRepo) -> None:
    repo.config(FRAGMENTS)
    repo.commit("chore: start", ".wfguard.yml", ("pyproject.toml", '[project]\nname = "p"\nversion = "0.4.1"\n'))
    repo.git("tag", "0.4.1")
    repo.commit("feat: x", ("src/x.py", "x\n"), ("changelog.d/x.feature.md", "X.\n"))
    dry = repo.wfguard("release", "--dry-run")
    assert dry.code == 0 and "shaped {version}" in dry.out + dry.err, dry
    data = release(repo)
    assert data["tag"] == "0.5.0" and data["previous"] == "0.4.1", data
    assert repo.git("tag", "--list", "v*") == ""


def test_init_writes_the_bare_tag_shape_it_found(repo: GitRepo) -> None:
    repo.commit("chore: start", ("pyproject.toml", '[project]\nname = "p"\nversion = "0.4.1"\n'
                                 '[tool.towncrier]\ndirectory = "changes"\n'), ("changes/.gitkeep", ""))
    repo.git("tag", "0.4.1")
    res = repo.wfguard("init", "--yes", "--no-install")
    assert res.code == 0 and "tags like {version}" in res.out, res
    assert 'tag: "{version}"' in (repo.path / ".wfguard.yml").read_text()


MONO = FRAGMENTS + "packages:\n  a: {path: packages/a}\n  b: {path: packages/b}\n"


@pytest.fixture
def mono(repo: GitRepo) -> GitRepo:
    repo.config(MONO)
    repo.commit("chore: start", ".wfguard.yml",
                ("packages/a/package.json", '{\n  "name": "@x/a",\n  "version": "1.4.0"\n}\n'),
                ("packages/b/README.md", "no manifest with a version\n"), ("packages/a/src/a.js", "a\n"))
    repo.git("tag", "@x/a@1.4.0")  # lerna's independent mode and changesets tag so
    return repo


def test_a_package_follows_its_own_name_at_version_tags(mono: GitRepo) -> None:
    mono.commit("feat: a", ("packages/a/src/a.js", "a2\n"), ("packages/a/changelog.d/a.feature.md", "A.\n"))
    data = release(mono, "--package", "a")
    assert data["tag"] == "@x/a@1.5.0" and data["previous"] == "1.4.0", data


def test_a_package_with_no_history_is_said_not_invented(mono: GitRepo) -> None:
    mono.commit("feat: b", ("packages/b/src/b.js", "b\n"), ("packages/b/changelog.d/b.feature.md", "B.\n"))
    res = mono.wfguard("release", "--package", "b", "--yes", "--no-push")
    assert res.code == 2 and "will not invent" in res.err and "--version" in res.err, res
    assert mono.git("tag", "--list", "b-v*") == ""
    ok = release(mono, "--package", "b", "--version", "0.1.0")
    assert ok["tag"] == "b-v0.1.0"


@pytest.mark.parametrize("mode", ["independent", "fixed"])
def test_init_reads_lerna_json(repo: GitRepo, mode: str) -> None:
    lerna = {"packages": ["packages/*"], "version": "independent" if mode == "independent" else "2.3.0"}
    repo.commit("chore: start", ("lerna.json", json.dumps(lerna, indent=2) + "\n"),
                ("packages/a/package.json", '{"name": "@x/a", "version": "2.3.0"}\n'),
                ("packages/b/package.json", '{"name": "@x/b", "version": "2.3.0"}\n'))
    res = repo.wfguard("init", "--yes", "--no-install")
    assert res.code == 0, res
    text = (repo.path / ".wfguard.yml").read_text()
    assert repo.wfguard("validate").code == 0
    if mode == "independent":
        assert '"a": {path: "packages/a", release: {tag: "@x/a@{version}"}}' in text
        assert "packages in lerna.json" in text
    else:
        assert 'version_files: ["lerna.json"' in text and 'tag: "v{version}"' in text
        assert "fixed mode" in res.out and "packages:" not in text


@pytest.mark.parametrize(("files", "expected"), [
    ({"pyproject.toml": '[project]\nname = "p"\ndynamic = ["version"]\n'
      '[tool.setuptools.dynamic]\nversion = {attr = "p.__version__"}\n',
      "src/p/__init__.py": '__version__ = "1.0.0"\n'}, ["src/p/__init__.py"]),
    ({"pyproject.toml": '[project]\nname = "my-pkg"\ndynamic = ["version"]\n[build-system]\n'
      'requires = ["flit_core"]\n', "my_pkg/__init__.py": '"""Doc."""\n__version__ = "2.0"\n'},
     ["my_pkg/__init__.py"]),
    ({"pyproject.toml": '[project]\nname = "p"\ndynamic = ["version"]\n',
      "src/p/_version.py": '__version__ = "0.3.0"\n', "src/p/__init__.py": "from ._version import __version__\n"},
     ["src/p/_version.py"]),
    ({"pyproject.toml": '[project]\nname = "p"\ndynamic = ["version"]\n[tool.hatch.version]\npath = "p/about.py"\n',
      "p/about.py": '__version__ = "4.5"\n'}, ["p/about.py"]),
    ({"pyproject.toml": '[project]\nname = "p"\ndynamic = ["version"]\n[build-system]\n'
      'requires = ["setuptools>=64", "setuptools-scm>=8"]\n[tool.setuptools_scm]\nversion_file = "p/_version.py"\n',
      "p/_version.py": '__version__ = "1.2.3.dev4"\n'}, []),  # generated: the tag is the version
], ids=["setuptools-attr", "flit", "_version.py", "hatch-path", "setuptools-scm"])
def test_version_files_found_as_the_build_tool_finds_them(tmp_path: Path, files: dict[str, str],
                                                           expected: list[str]) -> None:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert versionfiles.detect(tmp_path) == expected


def test_lerna_json_is_a_version_file(tmp_path: Path) -> None:
    (tmp_path / "lerna.json").write_text('{\n  "version": "2.3.0",\n  "packages": ["packages/*"]\n}\n')
    found = versionfiles.read(tmp_path, "lerna.json")
    assert found.version == "2.3.0"
    assert found.replaced("2.4.0") == '{\n  "version": "2.4.0",\n  "packages": ["packages/*"]\n}\n'
