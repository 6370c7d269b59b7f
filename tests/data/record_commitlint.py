"""Record @commitlint/config-conventional's verdict on every message of the corpus.

Run with commitlint installed (npm i @commitlint/cli @commitlint/config-conventional):
    python tests/data/record_commitlint.py /path/to/node_modules/.bin/commitlint
It rewrites commitlint_verdicts.json, which test_conventional.py replays without node.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).parent

MESSAGES = [
    "feat: add export", "feat(api): add export endpoint", "fix!: drop python 3.8",
    "feat(api)!: change the response", "chore: release 1.2.3", "docs: fix typo in README",
    "added stuff", "Feat: add export", "feat: Add export", "feat: add export.", "feat: add export...",
    "feature: add export", "FEAT: add", "feat:add", "feat: ", "feat:", ": add", "(api): add",
    "feat(): add", "feat(a b): add", "feat: 404 page fixes", "feat: (paren) start",
    "feat: `Code` first", "feat: 'quoted' first", "feat: iOS support", "feat: add API", "feat: ADD API",
    "feat: éclair support", "feat: Éclair support", "feat: 日本語", "feat: _private helper",
    "feat:  two spaces", " feat: leading space", "feat: trailing space ", "feat: add\n\nbody line",
    "feat: add\n\n" + "x" * 101, "feat: add\n\n" + "x" * 100,
    "feat: add\n\nsee https://example.com/" + "x" * 120,
    "feat: add\n\nBREAKING CHANGE: " + "y" * 100,
    "feat: " + "x" * 94, "feat: " + "x" * 95,
    "Merge branch 'main' into feature", "Merge pull request #12 from a/b", 'Revert "feat: add"',
    "revert: feat: add", "fixup! feat: add", "squash! feat: add", "amend! feat: add", "WIP",
    "wip: stuff", "1.2.3", "v1.2.3", "Merge remote-tracking branch 'origin/main'",
    "Automatic merge from CI", "test: add case\n\nSigned-off-by: A <a@b.c>", "perf: speed up.",
    "refactor(core)!: rename", "style: format", "ci: cache deps", "build: bump deps",
    "feat(scope): add thing\r\n\r\nbody", "fix: a\n\n\nmore", "fix: Ünicode", "fix: ǅ titlecase",
]


def main(commitlint: str) -> None:
    # commitlint resolves its config's `extends` next to the config file, so it lives there
    project = Path(commitlint).resolve().parent.parent.parent
    cfg = project / "commitlint.config.mjs"
    cfg.write_text("export default { extends: ['@commitlint/config-conventional'] };\n")

    def verdict(msg: str) -> dict[str, object]:
        proc = subprocess.run([commitlint], input=msg, text=True, capture_output=True,
                              cwd=project, check=False)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"commitlint failed on {msg!r}: {proc.stderr}")
        return {"message": msg, "passes": proc.returncode == 0}

    with ThreadPoolExecutor(4) as pool:
        verdicts = list(pool.map(verdict, MESSAGES))
    (HERE / "commitlint_verdicts.json").write_text(json.dumps(verdicts, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
