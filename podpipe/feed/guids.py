"""Feed GUIDs that never change: guids.yaml, a registry the host commits with the show.

An item's ``<guid>`` is how podcast apps recognise an episode. If it changes, every
subscriber downloads the episode again as a new one. So a GUID is a random UUID
assigned on the episode's first publish and recorded in ``<show>/guids.yaml``; after
that it is looked up, never derived from anything the host may edit.

Matching an episode to its record, in four passes (each pass only sees records no
earlier pass claimed, so one episode cannot take another's record):

1. the record's ``folder`` is the episode's folder name;
2. the record's ``date`` and ``title`` both match (the folder was renamed, the episodes
   renumbered: the number alone never decides, so renumbering cannot swap GUIDs);
3. ``number`` and ``date`` match (the folder renamed and the title changed);
4. ``number`` and ``title`` match (the folder renamed and the date moved).

A matched record is updated to the episode's current folder, number, title and date, so
the next rename is matched again. An episode of which only one of these survived gets a
new GUID, and publish warns when that happens while an unclaimed record exists (it may
be the same episode: to keep its GUID, edit ``folder`` in guids.yaml and publish again).
Deleting a record is the only way to give an episode a new GUID. Records that match no
episode are *orphans*: their episode disappeared from the feed (``podpipe check`` warns).

The show's own ``<podcast:guid>`` is recorded here too, as ``podcast_guid``: the
Podcasting 2.0 UUIDv5 of the feed URL at the first publish. It must not change when the
feed moves (a new ``base_url``), so after that it is read, not derived. A show moving to
podpipe from another host puts its existing GUID there.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podpipe.cache import write_atomic
from podpipe.config import Episode, Show, dump, line_of, parse, read_text, round_trip
from podpipe.errors import ConfigError, Problem
from podpipe.feed import guid_cache
from podpipe.feed.guid_match import as_int, differences, match
from podpipe.feed.podcast_ns import podcast_guid

REGISTRY_FILE = "guids.yaml"
HEADER = """\
# Permanent feed GUIDs, written by podpipe. Commit this file. podcast_guid is the show's
# (it stays when the feed moves); each episode has one from its first publish.
# A GUID must never change once published: podcast apps would download the episode again.
# Delete an entry only to give that episode a new GUID on its next publish.
"""


@dataclass(frozen=True)
class GuidRecord:
    guid: str
    folder: str
    number: int | None
    title: str
    date: str  # ISO date
    line: int | None = None  # 1-based line in guids.yaml


def registry_path(show: Show) -> Path:
    return show.root / REGISTRY_FILE


@dataclass(frozen=True)
class Assigned:
    show: str  # the channel's podcast:guid
    episodes: dict[str, str]  # episode folder name -> item GUID
    warnings: tuple[str, ...] = ()


def assign(show: Show, registry_path: Path) -> Assigned:
    """The show's and each episode's permanent GUID; new ones are recorded.

    Rewrites the registry (atomically, keeping the host's comments and layout) only when
    a record was added or updated; reads it from podpipe's kept copy while it is
    unchanged (guid_cache).
    """
    plain = guid_cache.cached(registry_path, show.work_dir)
    if plain is not None and plain.podcast_guid:
        fast = _assign_kept(show, registry_path, plain)
        if fast is not None:
            return fast
    doc, indent = _load(registry_path)
    changed = False
    if not doc.get("podcast_guid"):
        doc.insert(0, "podcast_guid", podcast_guid(show.feed_url))
        changed = True
    records = doc["episodes"]
    matches = match(show.episodes, records)
    out: dict[str, str] = {}
    unclaimed = [records[i] for i in range(len(records)) if i not in set(matches.values())]
    warnings = []
    for episode in show.episodes:
        index = matches.get(episode.slug)
        if index is None:
            records.append(_new_record(episode))
            changed = True
            record = records[-1]
            if unclaimed:
                names = ", ".join(f"{r.get('folder')} ({r.get('title')!r})" for r in unclaimed)
                warnings.append(
                    f"{episode.slug} is new to the feed and gets a new GUID, while "
                    f"{registry_path.name} has GUIDs of episodes no longer found: {names}. "
                    f"If one is this episode, set its 'folder:' to {episode.slug!r} in "
                    f"{registry_path.name} and delete the new record, then publish again"
                )
        else:
            record = records[index]
            changed |= _refresh(record, episode)
        out[episode.slug] = str(record["guid"])
    if changed:
        _save(registry_path, doc, indent)
        # read back for the lines of its records, so the next run needs no round trip (a
        # plain publish that finds nothing changed stops before it comes here)
        doc, _ = _load(registry_path)
    guid_cache.keep(registry_path, show.work_dir, doc)  # the lines of its records known
    # The canonical spelling (lower case, dashes) whatever form a hand edit used.
    return Assigned(str(uuid.UUID(str(doc["podcast_guid"]))), out, tuple(warnings))


def _assign_kept(show: Show, registry_path: Path, plain: guid_cache.Plain) -> Assigned | None:
    """assign() from the kept copy of the registry; None when a record must be added
    or a change cannot be written in place (then the round-trip path does it)."""
    records = plain.records
    matches = match(show.episodes, records)
    if any(e.slug not in matches for e in show.episodes):
        return None
    changes = {}
    for episode in show.episodes:
        fields = differences(records[matches[episode.slug]], episode)
        if fields:
            changes[matches[episode.slug]] = fields
    if changes and not guid_cache.rewrite_in_place(registry_path, show.work_dir, plain, changes):
        return None
    out = {e.slug: str(records[matches[e.slug]]["guid"]) for e in show.episodes}
    return Assigned(str(uuid.UUID(plain.podcast_guid)), out, ())


def orphans(show: Show, registry_path: Path) -> list[GuidRecord]:
    """Recorded GUIDs that no episode of the show claims any more."""
    if not registry_path.exists():
        return []
    plain = guid_cache.cached(registry_path, show.work_dir)
    if plain is not None:
        records, record = plain.records, _kept_record
    else:
        records, record = _load(registry_path)[0]["episodes"], _record
    claimed = set(match(show.episodes, records).values())
    return [record(r) for i, r in enumerate(records) if i not in claimed]


def recorded(registry_path: Path) -> dict[str, str]:
    """Each recorded item GUID -> its episode folder (empty without a registry)."""
    if not registry_path.exists():
        return {}
    doc, _ = _load(registry_path)
    return {str(r["guid"]): str(r["folder"]) for r in doc["episodes"]}


@dataclass(frozen=True)
class ImportedGuid:
    """An episode brought from another host, with the GUID its old feed gave it."""

    folder: str
    guid: str  # exactly as the old feed had it: any text, not only a UUID
    number: int
    title: str
    date: dt.date


def record_imported(
    registry_path: Path, imported: list[ImportedGuid], show_guid: str | None = None
) -> None:
    """Add records for imported episodes (and the old feed's podcast:guid when the
    registry has none), so the published feed keeps the GUIDs podcast apps know.

    The records are those :func:`assign` would keep as they are: the next publish
    matches them by folder and changes nothing.
    """
    from ruamel.yaml.comments import CommentedMap

    doc, indent = _load(registry_path)
    taken = {str(r["guid"]) for r in doc["episodes"]} | {str(r["folder"]) for r in doc["episodes"]}
    for entry in imported:  # the import skips these; a record must never be doubled
        if entry.guid in taken or entry.folder in taken:
            raise ValueError(f"{entry.folder} ({entry.guid}) is already in {registry_path}")
        taken |= {entry.guid, entry.folder}
    add_show = bool(show_guid and not doc.get("podcast_guid"))
    if not imported and not add_show:
        return  # a re-run with nothing new changes no file
    if add_show:
        doc.insert(0, "podcast_guid", show_guid)
    for entry in imported:
        record = CommentedMap()
        record["folder"] = entry.folder
        record["guid"] = entry.guid
        record["number"] = entry.number
        record["title"] = entry.title
        record["date"] = entry.date
        doc["episodes"].append(record)
    _save(registry_path, doc, indent)


def is_uuid(text: str) -> bool:
    return _is_uuid(text)


# --------------------------------------------------------------------------- matching


def _new_record(episode: Episode):
    from ruamel.yaml.comments import CommentedMap

    record = CommentedMap()
    record["folder"] = episode.slug
    record["guid"] = str(uuid.uuid4())
    record["number"] = episode.number
    record["title"] = episode.title
    record["date"] = episode.date
    return record


def _refresh(record, episode: Episode) -> bool:
    """Bring a record's descriptive fields up to date; the guid is never touched."""
    changed = differences(record, episode)
    for key, value in changed.items():
        record[key] = value
    return bool(changed)


def _kept_record(r: dict) -> GuidRecord:
    lines = [n for n in r.get("lines", {}).values() if n]
    return GuidRecord(
        guid=str(r["guid"]),
        folder=str(r.get("folder", "")),
        number=as_int(r.get("number")),
        title=str(r.get("title", "")),
        date=str(r.get("date", "")),
        line=min(lines) if lines else None,
    )


def _record(r) -> GuidRecord:
    return GuidRecord(
        guid=str(r["guid"]),
        folder=str(r.get("folder", "")),
        number=as_int(r.get("number")),
        title=str(r.get("title", "")),
        date=str(r.get("date", "")),
        line=line_of(r),
    )


# --------------------------------------------------------------------------- the file


def _load(path: Path) -> tuple[Any, tuple[int, int, int]]:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not path.exists():
        doc = round_trip().load(HEADER + "episodes: []\n")
        doc["episodes"] = CommentedSeq()
        return doc, (2, 4, 2)
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([Problem(path, None, "", f"cannot read the GUID registry: {e}")]) from e
    indent = _guess_indent(text)
    doc = parse(text, path, yaml=round_trip(indent), detail=False)
    if doc is None:  # an empty file
        doc = CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise ConfigError([Problem(path, 1, "", "expected a mapping with an 'episodes' list")])
    if doc.get("episodes") is None:
        doc["episodes"] = CommentedSeq()
    _validate(path, doc)
    return doc, indent


def _guess_indent(text: str) -> tuple[int, int, int]:
    """The host's sequence layout: "- folder:" flush under "episodes:" or indented."""
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if stripped.startswith("- "):
            offset = len(line) - len(stripped)
            return 2, offset + 2, offset
    return 2, 4, 2


def _validate(path: Path, doc) -> None:
    from ruamel.yaml.comments import CommentedMap

    records = doc["episodes"]
    if not isinstance(records, list):
        raise ConfigError(
            [
                Problem(
                    path,
                    line_of(doc, "episodes"),
                    "episodes",
                    "expected a list of records (folder, guid, ...)",
                )
            ]
        )
    problems: list[Problem] = []
    show_guid = doc.get("podcast_guid")
    if show_guid is not None and not _is_uuid(str(show_guid)):
        problems.append(
            Problem(
                path,
                line_of(doc, "podcast_guid"),
                "podcast_guid",
                f"expected the show's podcast:guid, a UUID such as "
                f"917393e3-1b1e-5cef-ace4-edaa54e1f810; found {show_guid!r}",
            )
        )
    seen_guids: dict[str, int] = {}
    seen_folders: dict[str, int] = {}
    for i, r in enumerate(records):
        line = line_of(records, i)
        where = f"episodes[{i}]"
        if not isinstance(r, CommentedMap) or not r.get("guid") or not r.get("folder"):
            problems.append(
                Problem(path, line, where, "expected a record with at least 'folder' and 'guid'")
            )
            continue
        guid, folder = str(r["guid"]), str(r["folder"])
        if guid in seen_guids:
            problems.append(
                Problem(
                    path,
                    line,
                    f"{where}.guid",
                    f"GUID {guid} is also used on "
                    f"line {seen_guids[guid]}: every episode needs its own",
                )
            )
        if folder in seen_folders:
            problems.append(
                Problem(
                    path,
                    line,
                    f"{where}.folder",
                    f"folder {folder!r} is also recorded on line {seen_folders[folder]}",
                )
            )
        seen_guids.setdefault(guid, line)
        seen_folders.setdefault(folder, line)
    if problems:
        raise ConfigError(problems)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _save(path: Path, doc, indent: tuple[int, int, int]) -> None:
    write_atomic(path, dump(round_trip(indent), doc))
