"""What every entry point does first and last: lossless output, and errors as exit codes."""

from __future__ import annotations

import os
import sys

from .errors import EXIT_ERROR, WfguardError
from .records import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


def lossless_streams() -> None:
    """File names that are not UTF-8 print as their own bytes instead of failing the command."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="surrogateescape")


def guarded(fn: Callable[[], int], fmt: str = "text") -> int:
    """Run a command; a WfguardError becomes its message on stderr and exit code 2. Under
    ``--format json`` it is also an object on stdout, so a script always has JSON to read."""
    try:
        return fn()
    except WfguardError as exc:
        sys.stderr.write(exc.render() + "\n")
        if fmt == "json":
            import json

            error = {"message": exc.message, "file": exc.file, "line": exc.line, "path": exc.path,
                     "hint": exc.hint, "details": list(exc.details)}
            sys.stdout.write(json.dumps({"error": error, "exit_code": EXIT_ERROR}, indent=2) + "\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("wfguard: interrupted\n")
        return 130
    except BrokenPipeError:
        # the reader went away (| head); not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
