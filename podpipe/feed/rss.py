"""The RSS feed: feed.xml with feedgen, its iTunes extension and our Podcasting 2.0 extension.

The feed must be byte-stable: the same show and episodes give identical bytes, so a
republish with nothing new does not look like a new feed to apps and caches. That is
why every date comes from the episodes (never from the clock) and items are ordered
by (date, number).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from html import escape
from pathlib import Path

from podpipe import urls
from podpipe.cache import write_atomic
from podpipe.config import Episode, Person, Show
from podpipe.feed import archive, podcast_ns
from podpipe.feed.podcast_ns import ChapterTag, PersonTag, TranscriptTag
from podpipe.records import PublishedEpisode
from podpipe.text import whole_seconds
from podpipe.transcribe.formats import FEED_FORMATS, SITE_FORMATS, mime_type

CHAPTERS_VERSION = "1.2.0"
# Show notes beyond this stay on the episode page only: a standard XML parser (lxml's
# default) refuses a text node over 10 MB, and apps choke long before.
MAX_FEED_NOTES = 512 * 1024
GENERATOR = "podpipe"


def artwork_path(show: Show) -> str | None:
    """Site-relative URL of the show artwork ("artwork.png"), or None without artwork."""
    return urls.show_artwork(show.artwork) if show.artwork else None


def pub_datetime(date: dt.date) -> dt.datetime:
    """An episode date as a publication time: noon UTC.

    Noon rather than midnight so that apps from UTC-11 to UTC+11 show the same
    calendar date the host wrote in episode.yaml.
    """
    return dt.datetime.combine(date, dt.time(12, 0), tzinfo=dt.UTC)


def newest_first(episodes: Iterable[PublishedEpisode]) -> list[PublishedEpisode]:
    return sorted(episodes, key=lambda p: (p.episode.date, p.episode.number), reverse=True)


def chapters_json(episode: Episode) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0) for an episode, as text ending in a newline."""
    chapters = []
    for chapter in episode.chapters:
        item: dict[str, object] = {"startTime": _number(chapter.start), "title": chapter.title}
        if chapter.url:
            item["url"] = chapter.url
        chapters.append(item)
    doc = {"version": CHAPTERS_VERSION, "chapters": chapters}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _number(seconds: float) -> int | float:
    """Whole seconds as an int (as in the spec's example), fractions kept otherwise."""
    return int(seconds) if float(seconds).is_integer() else round(seconds, 3)


def build_feed(show: Show, episodes: list[PublishedEpisode], out: Path) -> list[str]:
    """Write ``out`` (feed.xml) atomically for ``episodes``, newest first; with
    feed.limit the newest N only (and with feed.archive the rest in archive pages).
    Returns the warnings (show notes too long for the feed, linked instead)."""
    if show.feed.limit is not None:
        archive.build_feeds(show, newest_first(episodes), out, feed_bytes)
    else:
        write_atomic(out, feed_bytes(show, episodes))
    return [
        f"{p.episode.slug}: the show notes have {len(p.notes.html):,} characters, more than "
        f"the {MAX_FEED_NOTES:,} the feed carries; the feed links the episode page instead"
        for p in episodes
        if len(p.notes.html or "") > MAX_FEED_NOTES
    ]


def feed_bytes(show: Show, episodes: list[PublishedEpisode]) -> bytes:
    """The feed document as UTF-8 bytes (what build_feed writes)."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    podcast_ns.register(fg)
    ordered = newest_first(episodes)
    _channel(fg, show, ordered)
    for published in ordered:
        _item(fg.add_entry(order="append"), show, published)
    data = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    if not ordered:
        data = _drop_build_date(data)
    return data


def _channel(fg, show: Show, ordered: list[PublishedEpisode]) -> None:
    fg.title(show.title)
    # feedgen takes the RSS <link> from the last link set: the site, after atom:link self.
    fg.link(href=show.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=show.base_url, rel="alternate")
    fg.description(show.description)
    fg.language(show.language)
    fg.generator(GENERATOR)
    fg.docs("https://www.rssboard.org/rss-specification")
    if show.copyright:
        fg.copyright(show.copyright)
    if ordered:
        # The newest episode's date, not the build time: an unchanged show gives
        # an unchanged feed.
        newest = pub_datetime(ordered[0].episode.date)
        fg.lastBuildDate(newest)
        fg.pubDate(newest)
    art = artwork_path(show)
    if art:
        fg.image(url=urls.absolute(show.base_url, art), title=show.title, link=show.base_url)
        fg.podcast.itunes_image(urls.absolute(show.base_url, art))
    fg.podcast.itunes_author(show.author)
    fg.podcast.itunes_owner(name=show.owner_name, email=show.owner_email)
    fg.podcast.itunes_type(show.show_type)
    fg.podcast.itunes_explicit_bool(show.explicit)
    if show.new_feed_url:
        fg.podcast.itunes_new_feed_url(show.new_feed_url)
    if show.categories:
        fg.podcast.itunes_category([_category(c) for c in show.categories])
    ns = fg.podcast_ns
    ns.podcast_guid(show.podcast_guid or podcast_ns.podcast_guid(show.feed_url))
    if show.locked:
        ns.podcast_locked(show.owner_email)
    if show.license:
        ns.podcast_license(show.license)
    if show.funding_url:
        ns.podcast_funding(show.funding_url, show.funding_text or "Support the show")
    for host in show.hosts:
        ns.podcast_person(_person_tag(host, "host"))


def _category(text: str) -> dict[str, str]:
    """ "Education > Courses" -> {"cat": "Education", "sub": "Courses"}."""
    top, _, sub = (part.strip() for part in text.partition(">"))
    return {"cat": top, "sub": sub} if sub else {"cat": top}


def _person_tag(person: Person, default_role: str):
    # Only URLs are usable as img; a path in show.yaml is not published at a known URL.
    img = person.image if person.image and "://" in person.image else None
    return PersonTag(name=person.name, role=person.role or default_role, img=img, href=person.link)


def _item(entry, show: Show, published: PublishedEpisode) -> None:
    ep = published.episode
    base = show.base_url
    entry.title(ep.title)
    entry.link(href=urls.absolute(base, published.page_path))
    entry.guid(published.guid, permalink=False)
    entry.pubDate(pub_datetime(ep.date))
    notes = published.notes.html
    if notes and len(notes) > MAX_FEED_NOTES:
        page = urls.absolute(base, published.page_path)
        notes = (
            f'<p>{escape(ep.summary or ep.title)}</p><p><a href="{escape(page)}">Show notes</a></p>'
        )
    entry.description(notes or ep.summary or ep.title)
    if notes:
        entry.content(notes, type="CDATA")
    entry.enclosure(urls.absolute(base, published.mp3_path), str(published.mp3_size), "audio/mpeg")
    it = entry.podcast
    it.itunes_duration(str(whole_seconds(published.duration_s)))  # as the pages round it
    it.itunes_episode(ep.number)
    if ep.season is not None:
        it.itunes_season(ep.season)
    it.itunes_episode_type(ep.episode_type)
    it.itunes_explicit_bool(show.explicit if ep.explicit is None else ep.explicit)
    if published.artwork_path:
        it.itunes_image(urls.absolute(base, published.artwork_path))
    ns = entry.podcast_ns
    language = (published.transcript.language if published.transcript else None) or show.language
    for fmt in transcript_formats(published):
        ns.podcast_transcript(
            TranscriptTag(
                url=urls.absolute(base, published.transcript_path(fmt)),
                type=mime_type(fmt),
                language=language,
                rel="captions" if fmt == "vtt" else None,
            )
        )
    if ep.chapters:
        ns.podcast_chapters(urls.absolute(base, published.chapters_path))
        # The same chapters inline, for gPodder and every app on its parser.
        entry.psc.psc_chapters([ChapterTag(c.start, c.title, c.url or None) for c in ep.chapters])
    for guest in ep.guests:
        ns.podcast_person(_person_tag(guest, "guest"))


def transcript_formats(published: PublishedEpisode) -> list[str]:
    """Transcript formats the feed links for an episode (the files the site must hold).

    None for an episode without a transcript or with an empty one (Whisper heard no
    words): an empty captions file would only confuse apps.
    """
    report = published.transcript
    if report is None or report.empty:
        return []
    # In the registry's order, the order apps should try them: VTT and SRT are what Apple
    # Podcasts ingests (VTT marked as captions: it carries timing and speaker names);
    # JSON for Podcasting 2.0 apps; the Podcasting 2.0 HTML transcript last.
    formats = [f for f in FEED_FORMATS if f in report.files]
    # The HTML transcript is rendered by the site from the other formats.
    if formats and "json" in report.files:
        formats += [f for f in FEED_FORMATS if f in SITE_FORMATS]
    return formats


def _drop_build_date(data: bytes) -> bytes:
    """feedgen always writes lastBuildDate (default: now); a show without episodes has none."""
    from lxml import etree

    root = etree.fromstring(data)
    for el in root.findall("channel/lastBuildDate"):
        el.getparent().remove(el)
    return etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)
