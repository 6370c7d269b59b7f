"""Blob contents read in-process from loose objects agree with git's, and everything else
(packed objects, big or odd ones, worktrees) is still read correctly, through git."""

from __future__ import annotations

import os
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import GitRepo

from wfguard.git import BlobReader, objects_dir, read_loose


def stage(repo: GitRepo, name: str, data: bytes) -> str:
    (repo.path / name).write_bytes(data)
    repo.git("add", "--", name)
    return repo.git("rev-parse", f":{name}")


def git_bytes(repo: GitRepo, oid: str) -> bytes:
    return subprocess.run(["git", "cat-file", "blob", oid], cwd=repo.path, capture_output=True,
                          check=True).stdout


CASES = [b"", b"x\n", b"\x00\x01binary\xff", "ünï\n".encode() * 1000, os.urandom(200_000)]


@pytest.mark.parametrize("data", CASES, ids=["empty", "line", "binary", "unicode", "random"])
def test_loose_blob_is_read_in_process_as_git_reads_it(repo: GitRepo, data: bytes) -> None:
    oid = stage(repo, "f.bin", data)
    objects = objects_dir(repo.path)
    assert objects is not None and Path(objects, oid[:2], oid[2:]).is_file()
    assert read_loose(objects, oid) == (len(data), git_bytes(repo, oid))
    assert read_loose(objects, oid, 5) == (len(data), data[:5])
    assert read_loose(objects, oid, 0) == (len(data), b"")
    with BlobReader(repo.path) as blobs:
        assert blobs.read(oid) == data and blobs.read(oid, 3) == data[:3]
        assert blobs.sizes([oid]) == {oid: len(data)}
        assert blobs._proc is None  # no cat-file was started


def test_a_big_compressible_blob_is_never_inflated_whole(repo: GitRepo) -> None:
    with open(repo.path / "zeros", "wb") as fh:  # 64 MiB that compresses to about 64 KiB
        for _ in range(64):
            fh.write(b"0" * (1 << 20))
    repo.git("add", "zeros")
    oid = repo.git("rev-parse", ":zeros")
    objects = objects_dir(repo.path)
    assert objects is not None
    assert read_loose(objects, oid, 10) == (64 << 20, b"0" * 10)


def test_packed_and_non_blob_objects_are_read_by_git(repo: GitRepo) -> None:
    oid = stage(repo, "a.txt", b"packed\n")
    repo.git("commit", "-q", "-m", "a")
    tree = repo.git("rev-parse", "HEAD^{tree}")
    objects = objects_dir(repo.path)
    assert objects is not None
    assert read_loose(objects, tree) is None  # a tree, not a blob
    repo.git("gc", "-q", "--prune=now")
    assert read_loose(objects, oid) is None  # packed now
    with BlobReader(repo.path) as blobs:
        assert blobs.read(oid) == b"packed\n"
        assert blobs.sizes([oid]) == {oid: 7}


def test_an_incompressible_blob_over_the_limit_streams_through_git(repo: GitRepo) -> None:
    data = os.urandom((1 << 20) + 4096)
    oid = stage(repo, "noise", data)
    objects = objects_dir(repo.path)
    assert objects is not None and read_loose(objects, oid) is None
    with BlobReader(repo.path) as blobs:
        assert blobs.read(oid) == data


def test_a_damaged_loose_object_is_left_to_git(repo: GitRepo) -> None:
    oid = stage(repo, "a.txt", b"fine\n")
    objects = objects_dir(repo.path)
    assert objects is not None
    path = Path(objects, oid[:2], oid[2:])
    path.chmod(0o644)
    path.write_bytes(zlib.compress(b"tree 5\0fine\n"))  # says it is not a blob
    assert read_loose(objects, oid) is None
    path.write_bytes(b"not zlib at all")
    assert read_loose(objects, oid) is None


def test_worktrees_find_the_shared_objects(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("chore: start", ("README.md", "x\n"))
    wt = tmp_path / "wt"
    repo.git("worktree", "add", "-q", str(wt), "-b", "side")
    (wt / "new.txt").write_bytes(b"from the worktree\n")
    subprocess.run(["git", "add", "new.txt"], cwd=wt, check=True)
    oid = subprocess.run(["git", "rev-parse", ":new.txt"], cwd=wt, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert objects_dir(wt) == objects_dir(repo.path)
    with BlobReader(wt) as blobs:
        assert blobs.read(oid) == b"from the worktree\n" and blobs._proc is None
