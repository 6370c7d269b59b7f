"""Synthetic repositories for the benchmarks, built with one ``git fast-import``."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from harness import git

TYPES = ["feat", "fix", "docs", "refactor", "perf", "test", "chore", "build", "ci"]
SCOPES = ["api", "cli", "core", "db", "ui", None]
WORDS = ("add handle parse render export import cache retry validate load store index merge "
         "split report format compute resolve update remove rename guard").split()


def message(rng: random.Random, i: int) -> str:
    t = rng.choice(TYPES)
    scope = rng.choice(SCOPES)
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
    header = f"{t}({scope}): {words}" if scope else f"{t}: {words}"
    body = "\n".join(f"Change {i}, line {n}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7)))
                     for n in range(rng.randint(1, 3)))
    return f"{header}\n\n{body}\n"


def build(path: Path, *, files: int, commits: int, seed: int = 7) -> Path:
    """A repository: ``files`` files in an initial commit on main, then ``commits`` commits on
    branch ``work`` each editing one file under src/ (every 10th also adding a fragment)."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=path)
    rng = random.Random(seed)
    out: list[bytes] = []

    def blob_inline(target: str, data: bytes) -> None:
        out.append(f"M 100644 inline {target}\ndata {len(data)}\n".encode() + data + b"\n")

    def commit(ref: str, msg: str, mark: int, parent: int | None) -> None:
        data = msg.encode()
        out.append(f"commit {ref}\nmark :{mark}\ncommitter Bench <bench@example.com> {1700000000 + mark} +0000\n"
                   f"data {len(data)}\n".encode() + data + b"\n")
        if parent is not None:
            out.append(f"from :{parent}\n".encode())

    commit("refs/heads/main", "chore: initial import\n", 1, None)
    for f in range(files):
        top = "src" if f % 2 == 0 else rng.choice(["lib", "docs", "tests", "assets"])
        blob_inline(f"{top}/d{f % 50}/file{f}.py", f"# file {f}\nVALUE = {f}\n".encode())
    blob_inline(".wfguard.yml", (Path(__file__).parent / "config" / "wfguard.yml").read_bytes())
    blob_inline("changelog.d/.gitkeep", b"")
    out.append(b"\n")
    parent = 1
    for i in range(commits):
        mark = i + 2
        commit("refs/heads/work", message(rng, i), mark, parent)
        f = rng.randrange(0, files, 2)
        blob_inline(f"src/d{f % 50}/file{f}.py", f"# file {f}\nVALUE = {f}\n# edit {i}\n".encode())
        if i % 10 == 0:
            blob_inline(f"changelog.d/change-{i}.feature.md", f"Change {i}.\n".encode())
        out.append(b"\n")
        parent = mark
    git("fast-import", "--quiet", cwd=path, input=b"".join(out))
    git("checkout", "-q", "-f", "work", cwd=path)
    return path
