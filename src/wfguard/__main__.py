"""The ``wfguard`` entry point: the hot commands skip the Typer CLI's import cost."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from .exits import lossless_streams

    lossless_streams()
    if args[:1] == ["hook"]:
        from .hookentry import main as hook_main

        return hook_main(args[1:])
    if args[:1] == ["check"]:
        from .commands import check

        return check.main(args[1:])
    from .cli import app

    try:
        app(args=args, prog_name="wfguard", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
