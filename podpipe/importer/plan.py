"""Which items of the old feed become episodes, with which GUID, number, date and folder.

Pure decisions, no files: each item is planned, skipped (not an episode, a duplicate
GUID) or already imported (its GUID is in guids.yaml), and every decision the host
should know about is kept as a note on the item.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import urllib.parse
from dataclasses import dataclass, field

from podpipe.config import AUDIO_SUFFIXES
from podpipe.importer.feed import Item
from podpipe.scaffold import slugify

# Enclosure types podpipe can master (ffmpeg decodes them all).
AUDIO_TYPES = ("audio/",)


@dataclass
class PlannedEpisode:
    item: Item
    guid: str
    number: int
    date: dt.date
    folder: str  # episodes/<folder>
    audio_file: str  # the name the audio gets in the folder
    attention: list[str] = field(default_factory=list)  # what the host should look at

    @property
    def audio_ok(self) -> bool:
        """The enclosure announces audio (or says nothing): worth downloading."""
        kind = self.item.enclosure.type.lower() if self.item.enclosure else ""
        return not kind or kind.startswith(AUDIO_TYPES)


@dataclass(frozen=True)
class Skipped:
    item: Item
    reason: str


@dataclass
class Plan:
    new: list[PlannedEpisode]
    skipped: list[Skipped]
    existing: dict[str, str]  # GUID -> folder, for items imported before


def plan_items(
    items: tuple[Item, ...],
    *,
    recorded: dict[str, str],
    used_numbers: set[int],
    used_folders: set[str],
    today: dt.date,
    limit: int | None = None,
) -> Plan:
    """Decide every item: new episodes (numbered, dated, named), skipped ones, and
    those already imported (``recorded``: GUID -> folder from guids.yaml)."""
    skipped: list[Skipped] = []
    existing: dict[str, str] = {}
    seen: dict[str, Item] = {}
    chosen: list[tuple[Item, str, list[str]]] = []
    for item in items:
        if item.enclosure is None:
            skipped.append(Skipped(item, "no enclosure (no audio file): not an episode, skipped"))
            continue
        notes: list[str] = []
        guid = item.guid
        if not guid:
            guid = item.enclosure.url
            notes.append(
                "has no <guid>: its enclosure URL, which apps used instead, is kept as its GUID"
            )
        if guid in seen:
            skipped.append(
                Skipped(
                    item,
                    f"duplicate GUID {guid!r} (also {seen[guid].label}): skipped; apps "
                    "show only one of them, so check which one you meant to keep",
                )
            )
            continue
        seen[guid] = item
        if guid in recorded:
            existing[guid] = recorded[guid]
            continue
        chosen.append((item, guid, notes))
    dates = _dates(items)
    # Each episode's place in the whole feed by date: what an untagged episode is
    # numbered, however many are imported at a time (--limit, a re-run).
    eligible = [i for i in items if i.index in {it.index for it in seen.values()}]
    by_date = sorted(eligible, key=lambda i: (dates.get(i.index, today), -i.index))
    rank = {item.index: n for n, item in enumerate(by_date, start=1)}
    if limit is not None:  # the newest ones
        chosen = sorted(chosen, key=lambda c: (dates.get(c[0].index, today), -c[0].index))
        chosen = chosen[len(chosen) - limit :] if limit else []
    for item, _guid, notes in chosen:
        if item.date is None:
            why = (
                f"its date {item.date_text!r} does not parse"
                if item.date_text
                else "it has no date"
            )
            notes.append(
                f"{why}: dated {dates.get(item.index, today)} after its neighbour in the feed; "
                "set date: in episode.yaml"
            )
    # Oldest first: episodes without a number are numbered in date order.
    ordered = sorted(chosen, key=lambda c: (dates.get(c[0].index, today), -c[0].index))
    numbers = _numbers([c[0] for c in ordered], used_numbers, rank)
    new: list[PlannedEpisode] = []
    folders = set(used_folders)
    for item, guid, notes in ordered:
        number, note = numbers[item.index]
        if note:
            notes.append(note)
        folder = _folder(number, item.title, folders)
        folders.add(folder)
        new.append(
            PlannedEpisode(
                item=item,
                guid=guid,
                number=number,
                date=dates.get(item.index, today),
                folder=folder,
                audio_file=audio_name(item.enclosure.url, item.enclosure.type),
                attention=notes,
            )
        )
    return Plan(new, skipped, existing)


def _dates(items: tuple[Item, ...]) -> dict[int, dt.date]:
    """Each item's date; an undated one takes its nearest dated neighbour's in feed order."""
    dated = [(i.index, i.date) for i in items if i.date is not None]
    out: dict[int, dt.date] = {}
    for item in items:
        if item.date is not None:
            out[item.index] = item.date
        elif dated:
            out[item.index] = min(dated, key=lambda d: (abs(d[0] - item.index), d[0]))[1]
    return out


def _numbers(
    ordered: list[Item], used: set[int], rank: dict[int, int]
) -> dict[int, tuple[int, str | None]]:
    """Item index -> (number, note). The feed's own number when it is free; without
    one, its place in the feed by date when that is free; otherwise (taken: seasons
    restarting at 1) the next free one, in date order."""
    taken = set(used)
    out: dict[int, tuple[int, str | None]] = {}
    wanted = [i.number for i in ordered if i.number is not None]
    for item in ordered:
        n = item.number
        if n is not None and n not in taken and wanted.count(n) == 1:
            taken.add(n)
            out[item.index] = (n, None)
    for item in ordered:
        n = rank[item.index]
        if item.number is None and item.index not in out and n not in taken:
            taken.add(n)
            out[item.index] = (n, None)
    next_free = max(taken, default=0) + 1
    for item in ordered:
        if item.index in out:
            continue
        while next_free in taken:
            next_free += 1
        taken.add(next_free)
        note = None
        if item.number is not None:
            note = (
                f"the feed numbers it {item.number}, which another episode has: numbered "
                f"{next_free} (podpipe numbers are unique across seasons)"
            )
        out[item.index] = (next_free, note)
    return out


def _folder(number: int, title: str, taken: set[str]) -> str:
    base = f"{number:03d}-{slugify(title or 'episode')}"
    folder, n = base, 2
    while folder in taken:
        folder, n = f"{base}-{n}", n + 1
    return folder


def audio_name(url: str, mime: str) -> str:
    """audio.<ext>, the extension from the enclosure's URL path or its MIME type."""
    ext = posixpath.splitext(urllib.parse.urlsplit(url).path)[1].lower()
    if ext not in AUDIO_SUFFIXES:
        by_type = {
            "audio/mpeg": ".mp3",
            "audio/mp3": ".mp3",
            "audio/x-m4a": ".m4a",
            "audio/mp4": ".m4a",
            "audio/aac": ".aac",
            "audio/ogg": ".ogg",
            "audio/opus": ".opus",
            "audio/wav": ".wav",
            "audio/x-wav": ".wav",
            "audio/flac": ".flac",
        }
        ext = by_type.get(mime.lower(), ".mp3")
    return f"audio{ext}"
