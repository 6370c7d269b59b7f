"""wfguard's changelog rule against ``towncrier check`` on a real project's merged pull requests.

    python bench/agreement.py REPO [N] [--config FILE]

REPO is a clone of a towncrier project (pytest, say). For each of the last N merges on the
first-parent history (base = first parent, head = second parent), a detached worktree at the
head runs ``towncrier check --compare-with BASE`` and ``wfguard check --base BASE --head HEAD``
with the workflow in FILE, or else the project's own ``[tool.towncrier]`` settings at that head
written as wfguard config (directory, filename, types, template), as a team adopting wfguard
would write them. Prints every disagreement and the agreement rate as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

TOWNCRIER_DEFAULT_TYPES = ["feature", "bugfix", "doc", "removal", "misc"]


def from_towncrier(worktree: Path) -> str:
    """wfguard config equivalent to the project's towncrier settings."""
    import tomllib

    tc = tomllib.loads((worktree / "pyproject.toml").read_text()).get("tool", {}).get("towncrier", {})
    folder = tc.get("directory") or f"{tc.get('package_dir', '.')}/{tc.get('package', '')}/newsfragments"
    folder = folder.strip("/").removeprefix("./")
    types = [t.get("directory") or t["name"] for t in tc.get("type", [])] or TOWNCRIER_DEFAULT_TYPES
    empty = [t.get("directory") or t["name"] for t in tc.get("type", []) if not t.get("showcontent", True)]
    ignore = [*tc.get("ignore", []), *([Path(tc["template"]).name] if "template" in tc else [])]
    return json.dumps({"version": 1, "rules": {"changelog": {
        "kind": "changelog", "stages": ["ci"],
        "fragments": {"dir": folder, "types": types, "extensions": ["rst", "md", "txt"],
                      "output": tc.get("filename", "NEWS.rst"), "allow_empty": empty,
                      **({"ignore": ignore} if ignore else {})}}}})


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("repo", type=Path)
    ap.add_argument("n", type=int, nargs="?", default=100)
    ap.add_argument("--config", type=Path)
    args = ap.parse_args()
    fixed = args.config.read_text() if args.config else None
    merges = git(args.repo, "log", "--first-parent", "--merges", f"-{args.n}", "--format=%H %P%x09%s",
                 "HEAD").splitlines()
    work = Path(tempfile.mkdtemp(prefix="wfguard-agree-")) / "wt"
    git(args.repo, "worktree", "add", "-q", "--detach", str(work), "HEAD")
    rows, agree, passed, releases = [], 0, 0, 0
    try:
        for line in merges:
            shas, subject = line.split("\t", 1)
            merge, base, head = shas.split()[:3]
            subprocess.run(["git", "checkout", "-q", "--detach", "-f", head], cwd=work, check=True)
            subprocess.run(["git", "clean", "-qfdx", "-e", ".wfguard.yml"], cwd=work, check=True)
            (work / ".wfguard.yml").write_text(fixed or from_towncrier(work))
            tc = subprocess.run(["towncrier", "check", "--compare-with", base], cwd=work,
                                capture_output=True, text=True)
            wf = subprocess.run(["wfguard", "check", "--base", base, "--head", head, "--config-from", "worktree",
                                 "--format", "json"], cwd=work, capture_output=True, text=True)
            if wf.returncode == 2:
                rows.append((merge[:10], subject, tc.returncode == 0, "error", wf.stderr.strip()[:200]))
                continue
            result = next(r for r in json.loads(wf.stdout)["results"] if r["rule"] == "changelog")
            ours, theirs = wf.returncode == 0, tc.returncode == 0
            passed += theirs
            releases += any(m["text"].startswith("release: ") for m in result["messages"])
            if ours == theirs:
                agree += 1
            else:
                why = "; ".join(m["text"] for m in result["messages"])[:200]
                rows.append((merge[:10], subject, theirs, ours, why))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(work)], cwd=args.repo, check=False)
        shutil.rmtree(work.parent, ignore_errors=True)
    print(f"{agree} of {len(merges)} merged pull requests agree ({100 * agree / max(1, len(merges)):.0f} %); "
          f"towncrier check passed {passed}, wfguard saw {releases} release(s)\n")
    if rows:
        print("| merge | subject | towncrier check | wfguard check | wfguard said |\n|---|---|---|---|---|")
        for merge, subject, theirs, ours, why in rows:
            print(f"| {merge} | {subject[:60]} | {'pass' if theirs else 'fail'} | "
                  f"{ours if isinstance(ours, str) else ('pass' if ours else 'fail')} | {why} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
