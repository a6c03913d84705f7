"""Reading episodes/*/episode.yaml into :class:`Episode` objects."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

from podpipe.config.episode_cache import EpisodeCache
from podpipe.config.model import (
    AUDIO_SUFFIXES,
    EDITED_TRANSCRIPTS,
    EPISODE_FILE,
    EPISODE_TYPES,
    EPISODES_DIR,
    WORK_DIR,
    Chapter,
    Episode,
)
from podpipe.config.schema import SLUG_RE, Section, inside, kind_of, parse_timestamp
from podpipe.config.sections import read_corrections, read_people, read_vocabulary
from podpipe.config.tracks import read_tracks
from podpipe.config.yamlio import line_of, load_document
from podpipe.errors import Problem
from podpipe.text import UNSAFE_RE, clean, line_in, unsafe_chars


def _read_chapters(sec: Section) -> tuple[Chapter, ...]:
    out = []
    for i, item, _ in sec.items("chapters"):
        c = sec.sub("chapters", i, item)
        raw = c.raw("start")
        start = parse_timestamp(raw) if raw is not None else None
        if raw is None:
            c.problem("start", "missing: expected a time like 00:05:30", line=line_of(c.node))
        elif start is None:
            c.problem(
                "start",
                f"expected a time like 00:05:30 (minutes and seconds below 60) or "
                f"seconds, found {kind_of(raw)}",
            )
        title = c.str("title", required=True)
        url = c.url("url")
        c.finish()
        if start is not None and title:
            out.append(Chapter(start, title, url))
    for a, b in zip(out, out[1:], strict=False):
        if b.start <= a.start:
            sec.problem(
                "chapters",
                f"chapters must be in time order: {b.title!r} at {b.start:g}s"
                f" comes after {a.title!r} at {a.start:g}s",
            )
    return tuple(out)


def _edited_transcript(folder: Path, problems: list[Problem]) -> Path | None:
    """The hand-edited transcript in the episode folder (its content is checked later,
    by checks.transcript_problems); two of them is a mistake."""
    found = [folder / name for name in EDITED_TRANSCRIPTS if (folder / name).is_file()]
    if len(found) > 1:
        problems.append(
            Problem(
                found[1],
                None,
                "",
                f"two hand-edited transcripts ({', '.join(p.name for p in found)}): "
                "keep the one you edit and delete or rename the other",
            )
        )
    return found[0] if found else None


# Show notes beyond this are pasted by mistake (or /dev/zero): refused, with the limit.
MAX_NOTES_BYTES = 1024 * 1024


def _read_notes(sec: Section, notes_file: Path) -> str:
    """The notes file's text; a problem (and "") if it is too big, not UTF-8, or holds a
    character feeds cannot carry (named with its line)."""
    size = notes_file.stat().st_size
    if size > MAX_NOTES_BYTES:
        sec.problem(
            "notes_file",
            f"{notes_file} has {size:,} bytes, more than the {MAX_NOTES_BYTES // 1024} KiB "
            "show notes may have (the limit)",
        )
        return ""
    try:
        notes = notes_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        sec.problem("notes_file", f"cannot read {notes_file}: {e}")
        return ""
    bad = unsafe_chars(notes)
    if bad:
        line = line_in(notes, UNSAFE_RE.search(notes).start())
        sec.problem(
            "notes_file",
            f"{notes_file}, line {line}: contains {bad}, a character feeds and web pages "
            "cannot carry: remove it",
        )
        return clean(notes)
    return notes


def find_audio(folder: Path) -> list[Path]:
    """The audio files in an episode folder (by suffix), sorted."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)


def fetch_audio_message(folder: Path, url: str) -> str:
    """What check and publish say about an imported episode whose audio is not here yet."""
    return (
        f"the audio has not been downloaded yet (it is at {url}): run "
        "`podpipe import FEED SHOW_DIR` again with the old feed, without --no-audio, and "
        f"it fetches the missing audio; or put the file in {folder}"
    )


def _single_audio(folder: Path) -> Path | None:
    found = find_audio(folder)
    return found[0] if len(found) == 1 else None


def read_episode(file: Path, problems: list[Problem]) -> Episode | None:
    """One episode.yaml; None if it is unreadable (its number unknown)."""
    folder = file.parent
    root = folder.parent.parent  # the show: episodes/<folder>/episode.yaml
    doc, found = load_document(file)
    problems += found
    if doc is None and problems and problems[-1].file == file:
        return None
    sec = Section(file, doc, "", problems)
    number = sec.int("number", required=True, minimum=0)
    title = sec.str("title", required=True)
    date = sec.date("date", required=True)
    audio_url = sec.url("audio_url")
    tracks = read_tracks(sec, folder, root)
    if tracks:  # a multitrack episode: the first track stands for its audio
        audio = tracks[0].file
    elif sec.has("tracks"):
        audio = None
    elif audio_url:  # imported without its audio (or the download failed): say how to get it
        audio = sec.path("audio", folder, must_exist=False, root=root) or _single_audio(folder)
        if audio is None or not audio.is_file():
            sec.problem("audio_url", fetch_audio_message(folder, audio_url))
            audio = None
    else:
        audio = sec.path("audio", folder, root=root)
    if not sec.has("audio") and audio is None and not audio_url and not sec.has("tracks"):
        found = find_audio(folder)
        if len(found) == 1 and not inside(found[0].resolve(), root):
            sec.problem(None, f"{found[0]} leads outside the show folder: copy the file in")
        elif len(found) == 1:
            audio = found[0]
        elif not found:
            sec.problem(
                None,
                f"no audio file in {folder} (expected one of "
                f"{', '.join(AUDIO_SUFFIXES)}); add one or set 'audio:'",
            )
        else:
            sec.problem(
                None,
                f"several audio files in {folder}: "
                f"{', '.join(p.name for p in found)}; set 'audio:' to pick one",
            )
    notes = sec.str("notes", default="")
    notes_file = sec.path("notes_file", folder, root=root)
    if notes_file:
        notes = _read_notes(sec, notes_file)
    if sec.has("notes") and notes_file:
        sec.problem("notes_file", "set either 'notes' or 'notes_file', not both")
    speakers = []
    for i, item, _kp in sec.items("speakers"):
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            sec.problem("speakers", f"expected a name, found {kind_of(item)}")
            continue
        speakers.append(sec.text("speakers", str(item).strip(), line=line_of(sec.node, i)))
    if speakers and len(speakers) != 2:
        sec.problem(
            "speakers", f"expected two names (left and right channel), found {len(speakers)}"
        )
    episode = Episode(
        folder=folder,
        number=number if number is not None else -1,
        title=title or "",
        date=date or dt.date.min,
        audio=audio or folder / "(missing audio)",
        summary=sec.str("summary", default=""),
        notes=notes or "",
        notes_file=notes_file,
        guests=read_people(sec, "guests", "guest", folder, root),
        chapters=_read_chapters(sec),
        episode_type=sec.choice("type", EPISODE_TYPES, "full"),
        season=sec.int("season", minimum=1),
        explicit=sec.bool("explicit", None),
        artwork=sec.path("artwork", folder, root=root),
        speakers=tuple(speakers),
        announces=sec.str("announces"),
        audio_url=audio_url,
        transcript=_edited_transcript(folder, problems),
        corrections=read_corrections(sec),
        vocabulary=read_vocabulary(sec),
        tracks=tracks,
    )
    sec.finish()
    if number is None or not title or not date or audio is None:
        # Invalid, but its number still counts for cross-references (no cascade of errors).
        return dataclasses.replace(episode, title="") if number is not None else None
    return episode


def load_episodes(root: Path, problems: list[Problem]) -> tuple[list[Episode], list[Path]]:
    """Every episodes/*/episode.yaml: (the episodes read, the files too broken to read)."""
    folder = root / EPISODES_DIR
    if not folder.is_dir():
        return [], []
    episodes = []
    unreadable: list[Path] = []
    cache = EpisodeCache(root / WORK_DIR)
    with os.scandir(folder) as entries:  # names, not Paths, sorted: a thousand folders
        names = sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))
    for name in names:
        sub = folder / name
        file = sub / EPISODE_FILE
        if not file.is_file():
            audio = find_audio(sub)
            if audio:
                problems.append(
                    Problem(
                        file,
                        None,
                        "",
                        "episode folder has audio but no "
                        f"{EPISODE_FILE}; create one (podpipe episode add) or "
                        "move the folder out of episodes/",
                        "warning",
                    )
                )
            continue
        if not SLUG_RE.match(sub.name):
            problems.append(
                Problem(
                    file,
                    None,
                    "",
                    f"episode folder name {sub.name!r} becomes "
                    "the page URL: use lower-case letters, digits and '-'",
                )
            )
        episode, found = cache.read(file, read_episode)
        problems += found
        if episode:
            episodes.append(episode)
        else:  # its number is unknown: references to it cannot be checked
            unreadable.append(file)
    cache.save()
    return episodes, unreadable
