"""ID3v2.4 tags for an episode's MP3: text frames, cover art, chapters, transcript (mutagen).

The tag is built from scratch on every write (no stale frames from an earlier run) on a
copy of the MP3, which then replaces the original in one rename: a reader never sees
a half-written file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from podpipe.config import Chapter
from podpipe.errors import ProcessingError
from podpipe.records import EpisodeTags
from podpipe.text import clock

IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def write_tags(mp3: Path, tags: EpisodeTags) -> None:
    """Replace the ID3 tag of ``mp3`` (a file podpipe wrote, never a source) with ``tags``."""
    mp3 = Path(mp3)
    if not mp3.is_file():
        raise ProcessingError("MP3 not found", file=mp3)
    frames = _frames(tags, _duration(mp3, tags))
    tmp = mp3.with_name(f".{mp3.name}.{os.getpid()}.tags")
    try:
        shutil.copyfile(mp3, tmp)
        _save(tmp, frames, shown=mp3)
        os.replace(tmp, mp3)
    finally:
        tmp.unlink(missing_ok=True)


def _duration(mp3: Path, tags: EpisodeTags) -> float:
    if tags.duration_s is not None:
        return float(tags.duration_s)
    from mutagen.mp3 import MP3, HeaderNotFoundError

    try:
        return float(MP3(mp3).info.length)
    except HeaderNotFoundError as e:
        raise ProcessingError("not an MP3 file", file=mp3) from e


def _frames(tags: EpisodeTags, duration_s: float) -> list:
    from mutagen.id3 import COMM, TALB, TCON, TDRC, TIT2, TPE1, TRCK, USLT, WXXX

    lang = tags.language or "eng"
    frames = [
        TIT2(encoding=3, text=tags.title),
        TPE1(encoding=3, text=tags.artist),
        TALB(encoding=3, text=tags.album),
        TRCK(encoding=3, text=str(tags.track)),
        TDRC(encoding=3, text=str(tags.date)),
        TCON(encoding=3, text=tags.genre or "Podcast"),
    ]
    if tags.description:
        frames.append(COMM(encoding=3, lang=lang, desc="", text=tags.description))
    if tags.url:
        frames.append(WXXX(encoding=3, desc="", url=tags.url))
    if tags.transcript_text:
        frames.append(USLT(encoding=3, lang=lang, desc="transcript", text=tags.transcript_text))
    if tags.cover:
        frames.append(_cover(Path(tags.cover)))
    if tags.chapters:
        frames.extend(_chapters(tags.chapters, duration_s))
    return frames


def _cover(path: Path):
    from mutagen.id3 import APIC, PictureType

    try:
        data = path.read_bytes()
    except OSError as e:
        raise ProcessingError(f"cannot read the cover image ({e.strerror})", file=path) from e
    mime = next((m for magic, m in IMAGE_TYPES.items() if data.startswith(magic)), None)
    if mime is None:
        raise ProcessingError("the cover image is neither PNG nor JPEG", file=path)
    return APIC(encoding=3, mime=mime, type=PictureType.COVER_FRONT, desc="Cover", data=data)


def _chapters(chapters: tuple[Chapter, ...], duration_s: float) -> list:
    """CHAP frames (each ends where the next starts; the last at the episode's end) and
    the CTOC that lists them in order."""
    from mutagen.id3 import CHAP, CTOC, TIT2, WXXX, CTOCFlags

    ordered = sorted(chapters, key=lambda c: c.start)
    ends = [c.start for c in ordered[1:]] + [duration_s]
    frames, ids = [], []
    for i, (chapter, end) in enumerate(zip(ordered, ends, strict=True)):
        if chapter.start >= end:
            raise ProcessingError(
                f"chapters: {chapter.title!r} starts at {clock(chapter.start)}, but the episode "
                f"ends at {clock(duration_s)}: fix its start in episode.yaml"
                if end == duration_s
                else f"chapters: {chapter.title!r} at {clock(chapter.start)} does not start "
                f"before the next chapter"
            )
        sub = [TIT2(encoding=3, text=chapter.title)]
        if chapter.url:
            sub.append(WXXX(encoding=3, desc="chapter url", url=chapter.url))
        ids.append(f"chp{i}")
        frames.append(
            CHAP(
                element_id=ids[-1],
                start_time=round(chapter.start * 1000),
                end_time=round(end * 1000),
                sub_frames=sub,
            )
        )
    frames.insert(
        0,
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text="Chapters")],
        ),
    )
    return frames


def _save(mp3: Path, frames: list, *, shown: Path) -> None:
    from mutagen.id3 import ID3

    tag = ID3()
    for frame in frames:
        tag.add(frame)
    try:
        tag.save(mp3, v2_version=4, v1=0)  # replaces any tag already there
    except Exception as e:  # mutagen raises several types for unwritable files
        raise ProcessingError(f"could not write the ID3 tag ({e})", file=shown) from e


def iso639_2(language: str) -> str:
    """The ISO 639-2 code ID3 frames want, from the show's BCP 47 language."""
    primary = language.split("-")[0].lower()
    return {
        "en": "eng",
        "de": "deu",
        "fr": "fra",
        "es": "spa",
        "it": "ita",
        "nl": "nld",
        "pt": "por",
        "sv": "swe",
        "da": "dan",
        "no": "nor",
        "fi": "fin",
        "pl": "pol",
        "ja": "jpn",
        "zh": "zho",
        "ru": "rus",
    }.get(primary, "eng")
