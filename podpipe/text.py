"""Plain-text formatting shared by the library and the terminal: clock times, durations,
columns."""

from __future__ import annotations


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
