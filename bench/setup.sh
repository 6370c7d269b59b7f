#!/usr/bin/env bash
# Installs the benchmark's peers next to wfguard, all in bench/work/ (git-ignored):
# a venv with wfguard, commitizen, pre-commit and lefthook (from PyPI), and commitlint from npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$here/work"
mkdir -p "$work"
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install -q --upgrade pip
"$work/venv/bin/pip" install -q "$here/.." commitizen pre-commit lefthook prek
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is needed for commitlint (apt-get install -y npm)" >&2
  exit 2
fi
if [ ! -x "$work/node_modules/.bin/commitlint" ]; then
  (cd "$work" && [ -f package.json ] || echo '{"private": true}' > "$work/package.json")
  (cd "$work" && npm install --no-audit --no-fund --silent @commitlint/cli @commitlint/config-conventional)
fi
if [ ! -x "$work/node_modules/.bin/changeset" ]; then
  # tests/test_changesets.py compares wfguard with `changeset status` when this is installed
  (cd "$work" && npm install --no-audit --no-fund --silent @changesets/cli@2)
fi
echo "peers installed in $work"
