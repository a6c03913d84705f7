"""The files an import writes: show.yaml, and per episode episode.yaml, notes.md, its
artwork, its old transcript. Commented like `podpipe init`'s, rendered from
templates/import/, each written whole (an episode folder is built under a hidden
name, then renamed into place)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from podpipe.cache import current_umask, write_atomic
from podpipe.config import APPLE_CATEGORIES, EPISODE_FILE, EPISODE_TYPES, SHOW_TYPES
from podpipe.feed import guids, podcast_guid
from podpipe.importer.download import DownloadError, fetch_bytes
from podpipe.importer.feed import Channel, FeedChapter, parse_time
from podpipe.importer.html_notes import first_sentences, html_to_markdown, html_to_text
from podpipe.importer.plan import PlannedEpisode
from podpipe.importer.transcripts import save_transcript
from podpipe.scaffold import DEFAULT_AUTHOR, DEFAULT_EMAIL, default_base_url
from podpipe.scaffold.templates import environment

NOTES_FILE = "notes.md"
IMAGE_LIMIT = 20 << 20


def _env():
    env = environment()
    env.filters["clock_yaml"] = _clock
    return env


def _clock(seconds: float) -> str:
    """A chapter start as "HH:MM:SS" (with milliseconds when it has them), quoted."""
    whole = int(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    text = f"{h:02d}:{m:02d}:{s:02d}"
    fraction = round(seconds - whole, 3)
    if fraction:
        text += f"{fraction:.3f}"[1:].rstrip("0")
    return f'"{text}"'


# --------------------------------------------------------------------------- show.yaml


def show_yaml(
    channel: Channel, *, source: str, artwork: str, today: dt.date
) -> tuple[str, list[str]]:
    """show.yaml's text for the channel, and what the host should look at."""
    attention: list[str] = []
    title = channel.title or "Imported show"
    if not channel.title:
        attention.append("the feed has no <title>: show.yaml says 'Imported show'")
    author = channel.author or channel.owner_name or DEFAULT_AUTHOR
    owner_email = channel.owner_email or DEFAULT_EMAIL
    if not channel.owner_email:
        attention.append("the feed has no itunes:owner email: set owner.email in show.yaml")
    categories = [c for c in channel.categories if _known_category(c)]
    for c in channel.categories:
        if c not in categories:
            attention.append(f"category {c!r} is not one of Apple's: left out of show.yaml")
    language = (channel.language or "en").strip().lower()
    hosts = [p for p in channel.persons if p.role == "host"]
    english = language.split("-")[0] == "en"
    if not english:
        attention.append(
            f"the show is in {language!r}: transcription is off in show.yaml, because the "
            "bundled model tiny.en understands only English; it names the multilingual "
            "model small: set enabled: true to download it and transcribe (the "
            "transcripts the feed links are published either way)"
        )
    if not categories:
        attention.append(
            "the feed has no Apple category podpipe knows: set categories in show.yaml"
        )
    show_type = channel.show_type if channel.show_type in SHOW_TYPES else "episodic"
    text = (
        _env()
        .get_template("import/show.yaml.j2")
        .render(
            title=title,
            subtitle=channel.subtitle,
            description=html_to_text(channel.description) or title,
            language=language,
            author=author,
            owner_name=channel.owner_name or author,
            owner_email=owner_email,
            categories=categories,
            explicit=bool(channel.explicit),
            artwork=artwork,
            base_url=default_base_url(title),
            copyright=channel.copyright,
            show_type=show_type,
            hosts=hosts,
            funding_url=channel.funding_url,
            funding_text=channel.funding_text,
            link=channel.link
            if channel.link and channel.link.startswith(("http://", "https://"))
            else None,
            locked=channel.locked,
            transcribe=english,
            podcast_guid=channel.podcast_guid,
            source=source,
            today=today,
        )
    )
    return text, attention


def _known_category(text: str) -> bool:
    top, _, sub = (part.strip() for part in text.partition(">"))
    return top in APPLE_CATEGORIES and (not sub or sub in APPLE_CATEGORIES[top])


def show_guid(channel: Channel) -> tuple[str | None, str | None]:
    """(the podcast:guid to keep, a note): the feed's own, else the one apps derive from
    its address (the Podcasting 2.0 rule), so the show keeps its identity."""
    if channel.podcast_guid:
        if guids.is_uuid(channel.podcast_guid):
            return channel.podcast_guid, None
        return None, f"the feed's podcast:guid {channel.podcast_guid!r} is not a UUID: not kept"
    if channel.self_url:
        return podcast_guid(channel.self_url), None
    return None, None


# --------------------------------------------------------------------------- episodes


@dataclass(frozen=True)
class EpisodeFiles:
    transcript: str | None  # the old host's transcript file kept in the folder
    chapters: int
    attention: tuple[str, ...]


def build_episode(folder: Path, planned: PlannedEpisode, *, today: dt.date) -> EpisodeFiles:
    """episodes/<folder>/ with episode.yaml, notes.md, artwork and the old transcript,
    built under a hidden name and renamed into place (no audio: that comes after)."""
    tmp = Path(tempfile.mkdtemp(prefix=".import-", dir=folder.parent))
    try:
        os.chmod(tmp, 0o777 & ~current_umask())
        files = _fill(tmp, planned, today)
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return files


def _fill(tmp: Path, planned: PlannedEpisode, today: dt.date) -> EpisodeFiles:
    item = planned.item
    attention: list[str] = []
    notes = html_to_markdown(item.description_html)
    if notes:
        (tmp / NOTES_FILE).write_text(notes, encoding="utf-8")
    artwork = None
    if item.image:
        try:
            artwork = save_image(item.image, tmp, "artwork")
        except DownloadError as e:
            attention.append(f"its artwork was not downloaded ({e}): the show's is used")
    chapters, source = item.psc_chapters, "Podlove Simple Chapters (psc:chapters)"
    if item.chapters_url:
        try:
            chapters, source = json_chapters(fetch_bytes(item.chapters_url)), "podcast:chapters"
        except (DownloadError, ValueError) as e:
            attention.append(f"its chapters ({item.chapters_url}) were not read: {e}")
    chapters = _in_order(chapters)
    transcript = None
    if item.transcripts:
        transcript, note = save_transcript(item.transcripts, tmp)
        if note:
            attention.append(note)
    plain = html_to_text(item.description_html)
    summary = html_to_text(item.summary) or first_sentences(plain.splitlines()[0] if plain else "")
    text = (
        _env()
        .get_template("import/episode.yaml.j2")
        .render(
            number=planned.number,
            season=item.season,
            title=item.title or f"Episode {planned.number}",
            date=planned.date,
            audio=planned.audio_file,
            audio_url=item.enclosure.url,
            summary=" ".join(summary.split()),
            notes_file=NOTES_FILE if notes else None,
            episode_type=item.episode_type if item.episode_type in EPISODE_TYPES else "full",
            explicit=item.explicit,
            artwork=artwork,
            guests=[p for p in item.persons if p.role == "guest"],
            chapters=chapters,
            chapters_source=source,
            transcript=transcript,
            today=today,
        )
    )
    (tmp / EPISODE_FILE).write_text(text, encoding="utf-8")
    planned.attention.extend(attention)
    return EpisodeFiles(transcript, len(chapters), tuple(attention))


def json_chapters(data: bytes) -> tuple[FeedChapter, ...]:
    """Podcasting 2.0 JSON chapters -> chapters (toc: false ones left out)."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"not JSON chapters ({e})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("chapters"), list):
        raise ValueError("not JSON chapters (no 'chapters' list)")
    out = []
    for c in doc["chapters"]:
        if not isinstance(c, dict) or c.get("toc") is False:
            continue
        start = c.get("startTime")
        start = float(start) if isinstance(start, int | float) else parse_time(str(start))
        title = str(c.get("title") or "").strip()
        url = c.get("url") if isinstance(c.get("url"), str) else None
        if start is not None and start >= 0 and title:
            out.append(FeedChapter(start, title, url if url and "://" in url else None))
    return tuple(out)


def _in_order(chapters: tuple[FeedChapter, ...]) -> tuple[FeedChapter, ...]:
    """Sorted, one per start time (episode.yaml wants strictly increasing starts)."""
    out: list[FeedChapter] = []
    for c in sorted(chapters, key=lambda c: c.start):
        if not out or c.start > out[-1].start:
            out.append(c)
    return tuple(out)


def save_image(url: str, folder: Path, stem: str) -> str:
    """Download an image as <stem>.png or <stem>.jpg (by its bytes); DownloadError if it
    is neither."""
    data = fetch_bytes(url, limit=IMAGE_LIMIT)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        name = f"{stem}.png"
    elif data.startswith(b"\xff\xd8\xff"):
        name = f"{stem}.jpg"
    else:
        raise DownloadError(f"{url} is not a PNG or JPEG image")
    write_atomic(folder / name, data)
    return name
