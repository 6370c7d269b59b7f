"""Repository data (file names, messages, trailers) made safe to print: control characters and
bytes that are not UTF-8 become visible escapes, so no name can move the cursor, colour the
terminal, start a GitHub workflow command on a line of its own, or break UTF-8 JSON and XML."""

from __future__ import annotations


def text(s: str) -> str:
    if s.isprintable():  # the usual case, checked in C
        return s
    out = []
    for ch in s:
        o = ord(ch)
        if 0xDC80 <= o <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{o - 0xDC00:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif o <= 0xFF:
            out.append(f"\\x{o:02x}")
        else:
            out.append(f"\\u{o:04x}")
    return "".join(out)


def path_bytes(path: str) -> bytes:
    """A path as the bytes git stores (undecodable bytes restored), for URIs."""
    return path.encode("utf-8", "surrogateescape")
