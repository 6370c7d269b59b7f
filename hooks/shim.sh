#!/bin/sh
# wfguard-hook: installed by `wfguard install` (shim version 2). `wfguard uninstall` removes it.
# Runs the @HOOK@ stage of .wfguard.yml. It fails closed: if wfguard cannot be found, the
# commit or push is stopped, never let through unchecked.
WFGUARD_PYTHON=@PYTHON@
WFGUARD_PATH=@PKGPATH@
@CHAIN@
if [ -x "$WFGUARD_PYTHON" ] && [ -f "$WFGUARD_PATH/wfguard/hookentry.py" ]; then
    # -I: isolated, so nothing in the work tree (a json.py, a typing.py) can shadow a module;
    # -S skips site-packages start-up work; the package path was recorded at install time
    exec "$WFGUARD_PYTHON" -I -S -c 'import sys; sys.path.insert(0, sys.argv.pop(1)); from wfguard.hookentry import main; sys.exit(main())' "$WFGUARD_PATH" @HOOK@ @ARGS@"$@"
fi
if command -v wfguard >/dev/null 2>&1; then
    exec wfguard hook @HOOK@ @ARGS@"$@"
fi
echo "wfguard: cannot run the @HOOK@ hook: the Python that installed it ($WFGUARD_PYTHON) is gone and no 'wfguard' is on PATH." >&2
echo "wfguard: reinstall wfguard and run 'wfguard install', or 'wfguard uninstall' to remove this hook." >&2
exit 1
