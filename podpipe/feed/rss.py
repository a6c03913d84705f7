"""The RSS feed: feed.xml with feedgen, its iTunes extension and our Podcasting 2.0 extension.

The feed must be byte-stable: the same show and episodes give identical bytes, so a
republish with nothing new does not look like a new feed to apps and caches. That is
why every date comes from the episodes (never from the clock) and items are ordered
by (date, number).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable
from html import escape
from pathlib import Path

from podpipe import __version__, urls
from podpipe.cache import digest, portable, write_atomic
from podpipe.config import Episode, Person, Show
from podpipe.feed import archive, fragments, podcast_ns
from podpipe.feed.podcast_ns import ChapterTag, PersonTag, TranscriptTag
from podpipe.records import PublishedEpisode
from podpipe.text import whole_seconds
from podpipe.transcribe.formats import FEED_FORMATS, SITE_FORMATS, mime_type

CHAPTERS_VERSION = "1.2.0"
# Show notes beyond this stay on the episode page only: a standard XML parser (lxml's
# default) refuses a text node over 10 MB, and apps choke long before.
MAX_FEED_NOTES = 512 * 1024
GENERATOR = "podpipe"
# Part of every kept feed part's key: raise it when a change here alters an item's or
# the channel's bytes for the same inputs (podpipe's version does not change in a checkout).
PARTS_FORMAT = 1


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
    Each document is assembled from the parts the last publish kept (fragments): only
    the items whose inputs changed are rendered. Returns the warnings (show notes too
    long for the feed, linked instead)."""
    parts = fragments.FeedParts(show.work_dir)
    render = functools.partial(document, parts=parts)
    if show.feed.limit is not None:
        archive.build_feeds(show, newest_first(episodes), out, render)
    else:
        write_atomic(out, render(show, episodes))
    parts.save()
    return [
        f"{p.episode.slug}: the show notes have {len(p.notes.html):,} characters, more than "
        f"the {MAX_FEED_NOTES:,} the feed carries; the feed links the episode page instead"
        for p in episodes
        if len(p.notes.html or "") > MAX_FEED_NOTES
    ]


def feed_bytes(show: Show, episodes: list[PublishedEpisode]) -> bytes:
    """The feed document as UTF-8 bytes, rendered whole by feedgen (what the documents
    build_feed assembles from parts are equal to, byte for byte)."""
    ordered = newest_first(episodes)
    data = _render(show, ordered, ordered)
    if not ordered:
        data = _drop_build_date(data)
    return data


def document(
    show: Show,
    episodes: list[PublishedEpisode],
    relink: archive.Relink | None = None,
    parts: fragments.FeedParts | None = None,
) -> bytes:
    """The feed document of ``episodes`` (with ``relink``, the self link and the RFC
    5005 links archive.with_links sets): assembled from ``parts`` where they hold it,
    else (and without ``parts``) rendered whole."""
    ordered = newest_first(episodes)

    def finish(data: bytes) -> bytes:
        return archive.with_links(data, *relink) if relink else data

    if parts is None or not ordered:
        return finish(feed_bytes(show, ordered))
    base = _parts_base(show, relinked=bool(relink and archive.relinks(*relink)))
    channel = portable(show.root, dataclasses.replace(show, episodes=()))
    head_key = digest(base, "channel", channel, ordered[0].episode.date, relink)
    keys = [_item_key(show, base, p) for p in ordered]
    data = parts.document(
        head_key,
        keys,
        lambda indexes: finish(_render(show, ordered, [ordered[i] for i in indexes])),
    )
    return finish(feed_bytes(show, ordered)) if data is None else data


def _parts_base(show: Show, relinked: bool) -> str:
    """What every part's bytes depend on besides its own inputs: this code and the
    libraries that render it, whether with_links re-serialized the document, and the
    show's settings that _item reads."""
    import lxml
    from feedgen import version

    return digest(
        PARTS_FORMAT,
        __version__,
        version.version_str,
        lxml.__version__,  # its wheels carry their libxml2, the serializer
        relinked,
        (show.base_url, show.explicit, show.language),
    )


def _item_key(show: Show, base: str, published: PublishedEpisode) -> str:
    """The key of an episode's item: what _item reads of ``published``, the whole
    episode and transcript report among it, in full.

    Not the repr of the whole record: at 1000 episodes of a real show that is 5.7 MB
    (the notes three times, the audio report, the club cycles), 40 ms, which _item never
    reads. The notes' HTML goes in as it is (no repr to escape it) and the hash is not
    cache.digest, whose JSON encoding of that much text costs as much again."""
    record = (published.episode, published.guid, published.mp3_size, published.duration_s)
    text = portable(show.root, (*record, published.transcript))
    html = published.notes.html or ""
    return hashlib.sha256(f"{base}\0{len(html)}\0{html}\0{text}".encode()).hexdigest()[:24]


def _render(show: Show, ordered: list[PublishedEpisode], items: list[PublishedEpisode]) -> bytes:
    """The channel of ``ordered`` (newest first) with the items of ``items``, by feedgen."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    podcast_ns.register(fg)
    _channel(fg, show, ordered)
    for published in items:
        _item(fg.add_entry(order="append"), show, published)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)


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
    # Reads the show's base_url, explicit and language (in _parts_base) and of ``published``
    # what _item_key names: a new input read here goes there too (tests/test_feed_parts.py
    # edits each one on a warm cache and compares with the whole render).
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
