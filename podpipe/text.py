"""Plain-text formatting shared by the library and the terminal: clock times, durations,
columns, and the one text policy (which characters may reach XML, HTML and the terminal)."""

from __future__ import annotations

import re

# Characters XML 1.0 cannot carry (C0 controls other than tab, newline and carriage
# return; lone surrogates; the noncharacters U+FFFE and U+FFFF), plus DEL and the C1
# controls, which XML allows but terminals obey (U+009B starts an escape sequence).
UNSAFE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# An ANSI escape sequence (CSI ... final byte, or ESC and one byte): dropped whole.
_ANSI_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]?")


def clock(seconds: float | None) -> str:
    """Seconds -> 'M:SS' or 'H:MM:SS' (progress, summaries, chapters, transcript cues)."""
    seconds = max(0, int(seconds or 0))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def whole_seconds(duration: float | None) -> int:
    """A duration in whole seconds, half up: the one rounding of an episode's length
    (the feed's itunes:duration, the pages, the publish summary)."""
    return max(0, int((duration or 0) + 0.5))


def duration(seconds: float | None) -> str:
    """An episode's length as 'M:SS' or 'H:MM:SS', rounded like the feed's (a position
    in an episode, by clock(), is cut down instead: 0:09.8 is still 0:09)."""
    return clock(whole_seconds(seconds))


def table(rows: list[tuple[str, ...]]) -> list[str]:
    """Plain-text columns, left-aligned, two spaces apart (summaries and status)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def megabytes(n: int) -> str:
    """Bytes for people: 48 kB, 12.3 MB."""
    return f"{n / 1000:.0f} kB" if n < 1_000_000 else f"{n / 1_000_000:.1f} MB"


def unsafe_chars(text: str) -> str:
    """What is wrong with ``text`` under the text policy ("" when nothing is), e.g.
    "U+0001 (a control character) at character 12"."""
    match = UNSAFE_RE.search(text)
    if not match:
        return ""
    char = match.group()
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate"
    elif code in (0xFFFE, 0xFFFF):
        kind = "a noncharacter"
    elif code == 0x1B:
        kind = "an escape, as in terminal colour codes"
    else:
        kind = "a control character"
    more = len(UNSAFE_RE.findall(text)) - 1
    also = f" and {more} more such character{'s' if more != 1 else ''}" if more else ""
    return f"U+{code:04X} ({kind}) at character {match.start() + 1}{also}"


def clean(text: str) -> str:
    """``text`` with escape sequences and every unsafe character dropped."""
    return UNSAFE_RE.sub("", _ANSI_RE.sub("", text))


def terminal_safe(text: str) -> str:
    """``text`` fit to print: unsafe characters shown as escapes (\\x1b), never obeyed."""
    return UNSAFE_RE.sub(lambda m: repr(m.group())[1:-1], text)


def line_in(text: str, position: int) -> int:
    """The 1-based line of a 0-based character position."""
    return text.count("\n", 0, position) + 1
