"""``wfguard release --dry-run`` against ``cz bump --dry-run`` on a commitizen project's history.

    python bench/release_agreement.py REPO [N] [--cz PATH]

REPO is a throwaway clone (its later tags are deleted as it goes back) of a project released with commitizen (commitizen itself, say). For each of its
last N bump commits ("bump: version A → B"), a worktree at the commit before the bump, on a
branch named like the default one, runs ``cz bump --dry-run --yes`` and, with the config
``wfguard init`` writes for that commit, ``wfguard release --dry-run --format json``; the two
next versions are compared with the version the project actually released. Prints every
disagreement and the agreement rate as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

BUMP = re.compile(r"^bump: version (\S+) → (\S+)")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("repo", type=Path)
    ap.add_argument("n", type=int, nargs="?", default=30)
    ap.add_argument("--cz", default=str(Path(__file__).parent / "work/venv/bin/cz"))
    args = ap.parse_args()
    repo = args.repo.resolve()
    branch = git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    bumps = []
    for line in git(repo, "log", "--first-parent", "--format=%H %s").splitlines():
        sha, _, subject = line.partition(" ")
        m = BUMP.match(subject)
        if m:
            bumps.append((sha, m.group(1), m.group(2)))
        if len(bumps) >= args.n:
            break
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1"}
    rows, agree_cz, agree_real = [], 0, 0
    tmp = Path(tempfile.mkdtemp(prefix="wfguard-release-agree-"))
    try:
        for sha, old, new in bumps:
            wt = tmp / sha[:10]
            # as it was then: no tag of a later release (newest first, so deleting only ever narrows)
            later = git(repo, "tag", "--no-merged", f"{sha}^").split()
            if later:
                git(repo, "tag", "-d", *later)
            git(repo, "worktree", "add", "-q", "--detach", str(wt), f"{sha}^")
            subprocess.run(["git", "switch", "-q", "-C", f"agree-{sha[:10]}"], cwd=wt, check=True)
            # release runs on ship.base: the branch checked out here stands in for it
            init = subprocess.run(["wfguard", "init", "--yes", "--no-install"], cwd=wt, capture_output=True,
                                  text=True, env=env)
            if init.returncode != 0:
                rows.append((sha, old, new, "-", f"init failed: {init.stderr.strip()[:80]}"))
                continue
            cfg = (wt / ".wfguard.yml").read_text().replace('base: "' + branch + '"', f'base: "agree-{sha[:10]}"')
            (wt / ".wfguard.yml").write_text(cfg)
            cz = subprocess.run([args.cz, "bump", "--dry-run", "--yes"], cwd=wt, capture_output=True, text=True,
                                env=env)
            m = re.search(r"bump: version \S+ → (\S+)", cz.stdout)
            cz_version = m.group(1) if m else "none"
            wf = subprocess.run(["wfguard", "release", "--dry-run", "--no-push", "--format", "json"], cwd=wt,
                                capture_output=True, text=True, env=env)
            try:
                wf_version = json.loads(wf.stdout)["version"] or "none"
            except (ValueError, KeyError):
                wf_version = f"error: {wf.stderr.strip()[:80]}"
            agree_cz += wf_version == cz_version
            agree_real += wf_version == new
            rows.append((sha, old, new, cz_version, wf_version))
            git(repo, "worktree", "remove", "--force", str(wt))
            subprocess.run(["git", "branch", "-q", "-D", f"agree-{sha[:10]}"], cwd=repo, check=False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=repo, check=False)
    print("| bump commit | from | released | cz bump --dry-run | wfguard release --dry-run |")
    print("| --- | --- | --- | --- | --- |")
    for sha, old, new, cz_v, wf_v in rows:
        mark = "" if wf_v == cz_v else " ✗"
        print(f"| {sha[:10]} | {old} | {new} | {cz_v} | {wf_v}{mark} |")
    n = len(rows) or 1
    print(f"\nwfguard agrees with cz bump on {agree_cz}/{len(rows)} ({agree_cz / n:.0%}); "
          f"with the version actually released on {agree_real}/{len(rows)} ({agree_real / n:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
