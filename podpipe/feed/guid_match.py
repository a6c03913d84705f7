"""Which record of guids.yaml is which episode's (the four passes guids describes), and
what of a record an episode's current folder, number, title and date would change."""

from __future__ import annotations

from typing import Any

from podpipe.config import Episode


def match(episodes: tuple[Episode, ...], records: list) -> dict[str, int]:
    """Episode folder name -> index of its record: by folder, else by two of date, title
    and number (title with date first: renumbering episodes must not swap GUIDs)."""
    found: dict[str, int] = {}
    keys = (
        lambda r: str(r.get("folder")),
        lambda r: (str(r.get("date")), str(r.get("title"))),
        lambda r: (as_int(r.get("number")), str(r.get("date"))),
        lambda r: (as_int(r.get("number")), str(r.get("title"))),
    )
    wants = (
        lambda e: e.slug,
        lambda e: (e.date.isoformat(), e.title),
        lambda e: (e.number, e.date.isoformat()),
        lambda e: (e.number, e.title),
    )
    for key, want in zip(keys, wants, strict=True):
        free: dict[Any, list[int]] = {}
        claimed = set(found.values())
        for i, record in enumerate(records):
            if i not in claimed:
                free.setdefault(key(record), []).append(i)
        for episode in episodes:
            if episode.slug in found:
                continue
            candidates = free.get(want(episode), [])
            # Ambiguous (two free records with the same number): claim neither, rather
            # than guess and hand an episode another one's GUID.
            if len(candidates) == 1:
                found[episode.slug] = candidates.pop()
    return found


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def differences(record, episode: Episode) -> dict[str, Any]:
    """The record's descriptive fields that differ from the episode, with its values."""
    current = {
        "folder": episode.slug,
        "number": episode.number,
        "title": episode.title,
        "date": episode.date,
    }
    return {k: v for k, v in current.items() if str(record.get(k)) != str(v)}
