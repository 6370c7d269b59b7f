"""``wfguard hook NAME [ARGS]``: what the installed shims run. This is the hot path.

It imports none of typer, rich, jsonschema, GitPython or PyYAML when the validated config is
cached; the shims start Python with ``-S`` and add site-packages only when a config must be
parsed again. A hook never stashes and never writes the work tree: it reads the index and
objects straight from git.
"""

from __future__ import annotations

import gc
import sys
import time

from .errors import EXIT_ERROR
from .exits import guarded, lossless_streams

HOOKS = ("pre-commit", "commit-msg", "pre-push", "pre-receive", "agent-command")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    lossless_streams()
    if not args or args[0] not in HOOKS:
        sys.stderr.write(f"wfguard hook: expected one of {', '.join(HOOKS)}\n")
        return EXIT_ERROR
    name, rest = args[0], args[1:]
    start = time.perf_counter()
    # The imports of a hook make some 20,000 objects that live as long as the process; the
    # collector would walk them all, several times, for nothing (1-2 ms of a 25 ms hook).
    # githooks turns it back on, with those objects frozen out of it, before any rule runs.
    gc.disable()
    if name in ("pre-commit", "commit-msg"):
        # git answers these two while Python imports the rest (argv kept equal to the named
        # operations': repo.DISCOVER_ARGS and changeset's diff of the index)
        from .spawn import start_git_early

        start_git_early(".", ("rev-parse", "--is-bare-repository", "--git-dir", "--git-common-dir",
                              "--is-shallow-repository", "--show-toplevel"))
        start_git_early(".", ("diff", "--raw", "-z", "-M", "--no-abbrev", "--no-ext-diff", "--no-textconv",
                              "--cached"))
        if name == "commit-msg" and rest:  # githooks: how git marks comment lines in the message
            start_git_early(".", ("config", "--get", "core.commentChar"))

    def run() -> int:
        if name == "agent-command":
            from . import agentguard

            gc.enable()
            agent = rest[rest.index("--agent") + 1] if "--agent" in rest[:-1] else "claude"
            return agentguard.main(sys.stdin.read(), agent)
        from . import githooks

        return githooks.run(name, rest, start)

    try:
        return guarded(run)
    finally:
        gc.enable()  # whatever way the hook went (and for a caller that goes on: the tests)
        from .spawn import drop_early

        drop_early()
        if "wfguard.lazyre" in sys.modules:  # the programs of regexes this run compiled, for the next
            sys.modules["wfguard.lazyre"].save_cache()


if __name__ == "__main__":
    sys.exit(main())
