"""Enough of the POSIX shell grammar to see which commands a command line runs.

Words are split and unquoted as the shell does (single and double quotes, backslashes, ANSI-C
``$'...'``); operators (``&& || ; & | ( ) { }`` and newlines) separate simple commands; the text
of command substitutions (``$(...)``, backticks, ``<(...)``) is returned as commands of its own.
A word that still depends on an expansion the parser cannot know (``$VAR`` not assigned in the
same line, ``$(...)``) is marked dynamic, so a caller can fail closed on it.
"""

from __future__ import annotations

from .records import NamedTuple

OPERATORS = ("&&", "||", ";;", "|&", ";", "&", "|", "(", ")", "\n")
_ANSI = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f",
         "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


class Word(NamedTuple):
    text: str
    dynamic: bool = False  # holds an expansion whose value is unknown here


class Parsed(NamedTuple):
    commands: list[list[Word]]  # simple commands, in order, keywords and groups removed
    nested: list[str]  # the text of command substitutions, to be parsed in turn


_KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "while", "until", "do", "done", "for", "in",
                       "case", "esac", "!", "{", "}", "function", "select", "time"})


def _ansi_c(s: str, i: int) -> tuple[str, int]:
    """``$'...'`` from the character after the opening quote; (text, index after the close)."""
    out = []
    while i < len(s) and s[i] != "'":
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n in _ANSI:
                out.append(_ANSI[n])
                i += 2
            elif n == "x":
                j = i + 2
                while j < len(s) and j < i + 4 and s[j] in "0123456789abcdefABCDEF":
                    j += 1
                out.append(chr(int(s[i + 2:j], 16)) if j > i + 2 else "\\x")
                i = j
            elif n in "01234567":
                j = i + 1
                while j < len(s) and j < i + 4 and s[j] in "01234567":
                    j += 1
                out.append(chr(int(s[i + 1:j], 8)))
                i = j
            else:
                out.append(c + n)
                i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out), i + 1


def _matching(s: str, i: int, open_: str, close: str) -> int:
    """Index just past the ``close`` matching the ``open_`` before ``i`` (quotes respected)."""
    depth = 1
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            i = s.find("'", i + 1)
            if i < 0:
                return len(s)
        elif c == '"':
            i += 1
            while i < len(s) and s[i] != '"':
                i += 2 if s[i] == "\\" else 1
        elif c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(s)


def _substitutions(text: str) -> list[str]:
    """The commands inside ``$(...)`` and backticks of a here-document line."""
    out = []
    i = 0
    while i < len(text):
        if text.startswith("$(", i):
            end = _matching(text, i + 2, "(", ")")
            out.append(text[i + 2:end - 1])
            i = end
        elif text[i] == "`":
            end = text.find("`", i + 1)
            end = len(text) if end < 0 else end
            out.append(text[i + 1:end])
            i = end + 1
        else:
            i += 1
    return out


def parse(s: str, env: dict[str, str] | None = None) -> Parsed:
    """Split ``s`` into simple commands of unquoted words. ``env`` holds variables assigned
    earlier in the line, substituted where they are expanded."""
    env = dict(env or {})
    commands: list[list[Word]] = []
    nested: list[str] = []
    current: list[Word] = []
    word: list[str] = []
    in_word = dynamic = False
    i, n = 0, len(s)

    def end_word() -> None:
        nonlocal word, in_word, dynamic
        if in_word:
            current.append(Word("".join(word), dynamic))
        word, in_word, dynamic = [], False, False

    def end_command() -> None:
        nonlocal current
        end_word()
        words = current
        while words and words[0].text in _KEYWORDS and not words[0].dynamic:
            words = words[1:]
        if words:
            commands.append(words)
            for w in words:  # NAME=value before the command, kept for later expansions
                if "=" in w.text and w.text.split("=", 1)[0].isidentifier() and not w.dynamic:
                    name, value = w.text.split("=", 1)
                    env[name] = value
                else:
                    break
        current = []

    def expand(j: int) -> tuple[str, bool, int]:
        """A ``$`` expansion at ``s[j]``: (value, known, index after it)."""
        if j + 1 < n and s[j + 1] == "(":
            end = _matching(s, j + 2, "(", ")")
            nested.append(s[j + 2:end - 1])
            return "", False, end
        if j + 1 < n and s[j + 1] == "{":
            end = s.find("}", j + 2)
            end = n if end < 0 else end
            name = s[j + 2:end]
            return (env[name], True, end + 1) if name in env else ("", False, end + 1)
        k = j + 1
        while k < n and (s[k].isalnum() or s[k] == "_"):
            k += 1
        if k == j + 1:
            if k < n and s[k] in "@*#?$!-0123456789":
                return "", False, k + 1
            return "$", True, k
        name = s[j + 1:k]
        return (env[name], True, k) if name in env else ("", False, k)

    heredocs: list[tuple[str, bool, bool]] = []  # (delimiter, strip tabs, quoted) awaiting a newline

    def skip_heredocs(j: int) -> int:
        """Past the bodies of the here-documents the line opened; an unquoted body's command
        substitutions run, so their text is parsed too."""
        for delimiter, strip, quoted in heredocs:
            while j < n:
                end = s.find("\n", j)
                end = n if end < 0 else end
                line = s[j:end]
                j = end + 1
                if (line.lstrip("\t") if strip else line) == delimiter:
                    break
                if not quoted:
                    nested.extend(_substitutions(line))
        heredocs.clear()
        return j

    while i < n:
        c = s[i]
        if c == "\\":
            if i + 1 < n and s[i + 1] == "\n":
                i += 2
                continue
            word.append(s[i + 1] if i + 1 < n else "")
            in_word = True
            i += 2
        elif c == "'":
            end = s.find("'", i + 1)
            end = n if end < 0 else end
            word.append(s[i + 1:end])
            in_word = True
            i = end + 1
        elif c == "$" and i + 1 < n and s[i + 1] == "'":
            text, i = _ansi_c(s, i + 2)
            word.append(text)
            in_word = True
        elif c == '"':
            i += 1
            in_word = True
            while i < n and s[i] != '"':
                if s[i] == "\\" and i + 1 < n and s[i + 1] in '$`"\\\n':
                    word.append(s[i + 1])
                    i += 2
                elif s[i] == "$":
                    value, known, i = expand(i)
                    word.append(value)
                    dynamic = dynamic or not known
                elif s[i] == "`":
                    end = s.find("`", i + 1)
                    end = n if end < 0 else end
                    nested.append(s[i + 1:end])
                    dynamic = True
                    i = end + 1
                else:
                    word.append(s[i])
                    i += 1
            i += 1
        elif c == "$":
            value, known, i = expand(i)
            word.append(value)
            in_word = True
            dynamic = dynamic or not known
        elif c == "`":
            end = s.find("`", i + 1)
            end = n if end < 0 else end
            nested.append(s[i + 1:end])
            in_word, dynamic = True, True
            i = end + 1
        elif c in "<>" and i + 1 < n and s[i + 1] == "(":
            end = _matching(s, i + 2, "(", ")")
            nested.append(s[i + 2:end - 1])
            in_word, dynamic = True, True
            i = end
        elif c == "#" and not in_word:
            end = s.find("\n", i)
            i = n if end < 0 else end
        elif c in " \t":
            end_word()
            i += 1
        elif c in "<>":  # a redirection: its target is not an argument, nor is a fd number
            if in_word and not dynamic and "".join(word).isdigit():
                word, in_word = [], False
            end_word()
            j = i + 1
            while j < n and s[j] in "<>&|":
                j += 1
            while j < n and s[j] in " \t":
                j += 1
            k = j
            while k < n and s[k] not in " \t\n;&|()<>":
                k += 1
            if s.startswith("<<", i) and not s.startswith("<<<", i):  # a here-document
                target = s[j:k]
                quoted = any(q in target for q in "'\"\\")
                heredocs.append((target.replace("'", "").replace('"', "").replace("\\", ""),
                                 s.startswith("<<-", i), quoted))
            i = k
        else:
            op = next((o for o in OPERATORS if s.startswith(o, i)), None)
            if op == "\n" and heredocs:
                end_command()
                i = skip_heredocs(i + 1)
            elif op is not None:
                end_command()
                i += len(op)
            else:
                word.append(c)
                in_word = True
                i += 1
    end_command()
    return Parsed(commands, nested)
