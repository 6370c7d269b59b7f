"""A few ANSI styles, used only on a terminal and never with NO_COLOR.

rich renders the interactive commands; checks and hooks print through this instead,
so the hook path stays within its start-up budget.
"""

from __future__ import annotations

import os

from ..records import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34",
          "cyan": "36", "bold red": "1;31", "bold green": "1;32", "bold yellow": "1;33"}


def use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


class Styler:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        if not self.enabled or style not in _CODES:
            return text
        return f"\x1b[{_CODES[style]}m{text}\x1b[0m"
