"""A feedgen extension for the Podcasting 2.0 namespace, plus Apple's current explicit spelling.

feedgen 1.0 has no Podcasting 2.0 support, and its iTunes extension only accepts
``yes``/``no``/``clean`` for ``itunes:explicit`` while Apple's current spec wants
``true``/``false``. Both are added here with feedgen's own extension pattern
(``BaseExtension.extend_ns`` / ``extend_rss``), so feed.py keeps using feedgen's API.

Register both on a FeedGenerator with :func:`register`. The extension classes are made
on first use (:func:`extension_classes`): importing this module does not load feedgen,
so a publish with nothing to do never pays for it.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# Podlove Simple Chapters: the only chapters gPodder (podcastparser) and apps built on it read.
PSC_NS = "http://podlove.org/simple-chapters"
PSC_VERSION = "1.2"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
# Fixed by the podcast:guid spec (docs/tags/guid.md).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

CHAPTERS_TYPE = "application/json+chapters"


def podcast_guid(feed_url: str) -> str:
    """The channel's podcast:guid: UUIDv5 of the feed URL without scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


@dataclass(frozen=True)
class PersonTag:
    name: str
    role: str = "host"
    group: str | None = None
    img: str | None = None
    href: str | None = None


def npt(seconds: float) -> str:
    """Seconds as Normal Play Time (RFC 2326), as Podlove Simple Chapters writes a start:
    ``HH:MM:SS.mmm``."""
    ms = round(max(0.0, seconds) * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


@dataclass(frozen=True)
class ChapterTag:
    start: float  # seconds in the published MP3
    title: str
    href: str | None = None


@dataclass(frozen=True)
class TranscriptTag:
    url: str
    type: str
    language: str | None = None
    rel: str | None = None


@functools.cache
def extension_classes() -> dict[str, tuple[type, type]]:
    """feedgen's extension name -> (channel extension, item extension) classes."""
    import lxml.etree  # noqa: F401  (feedgen.util uses lxml.etree without importing it)
    from feedgen.ext.base import BaseEntryExtension, BaseExtension
    from feedgen.ext.podcast import PodcastExtension
    from feedgen.ext.podcast_entry import PodcastEntryExtension
    from feedgen.util import xml_elem

    def _tag(name: str) -> str:
        return f"{{{PODCAST_NS}}}{name}"

    def _person(parent, person: PersonTag) -> None:
        el = xml_elem(_tag("person"), parent)
        el.text = person.name
        el.attrib["role"] = person.role
        for key in ("group", "img", "href"):
            value = getattr(person, key)
            if value:
                el.attrib[key] = value

    class PodcastNsExtension(BaseExtension):
        """Channel-level podcast: tags: guid, locked, funding, license, person."""

        def __init__(self):
            self._guid: str | None = None
            self._license: str | None = None
            self._locked_owner: str | None = None
            self._funding: tuple[str, str] | None = None
            self._persons: list[PersonTag] = []

        def extend_ns(self) -> dict[str, str]:
            return {"podcast": PODCAST_NS}

        def extend_rss(self, rss_feed):
            channel = rss_feed[0]
            if self._guid:
                xml_elem(_tag("guid"), channel).text = self._guid
            if self._locked_owner:
                locked = xml_elem(_tag("locked"), channel)
                locked.text = "yes"
                locked.attrib["owner"] = self._locked_owner
            if self._funding:
                url, text = self._funding
                funding = xml_elem(_tag("funding"), channel)
                funding.attrib["url"] = url
                funding.text = text[:128]  # the spec caps the text at 128 characters
            if self._license:
                xml_elem(_tag("license"), channel).text = self._license
            for person in self._persons:
                _person(channel, person)
            return rss_feed

        def podcast_guid(self, value: str) -> None:
            self._guid = value

        def podcast_locked(self, owner_email: str) -> None:
            """Mark the feed as not to be imported elsewhere; ``owner_email`` proves ownership."""
            self._locked_owner = owner_email

        def podcast_funding(self, url: str, text: str) -> None:
            self._funding = (url, text)

        def podcast_license(self, name: str) -> None:
            """The show's license as the namespace asks: an SPDX identifier in lower case
            ("CC BY 4.0" -> "cc-by-4.0"), at most 128 characters."""
            self._license = "-".join(name.lower().split())[:128]

        def podcast_person(self, person: PersonTag) -> None:
            self._persons.append(person)

    class PodcastNsEntryExtension(BaseEntryExtension):
        """Item-level podcast: tags: transcript, chapters, person."""

        def __init__(self):
            self._transcripts: list[TranscriptTag] = []
            self._chapters_url: str | None = None
            self._persons: list[PersonTag] = []

        def extend_ns(self) -> dict[str, str]:
            return {"podcast": PODCAST_NS}

        def extend_rss(self, entry):
            for t in self._transcripts:
                el = xml_elem(_tag("transcript"), entry)
                el.attrib["url"] = t.url
                el.attrib["type"] = t.type
                if t.language:
                    el.attrib["language"] = t.language
                if t.rel:
                    el.attrib["rel"] = t.rel
            if self._chapters_url:
                el = xml_elem(_tag("chapters"), entry)
                el.attrib["url"] = self._chapters_url
                el.attrib["type"] = CHAPTERS_TYPE
            for person in self._persons:
                _person(entry, person)
            return entry

        def podcast_transcript(self, transcript: TranscriptTag) -> None:
            self._transcripts.append(transcript)

        def podcast_chapters(self, url: str) -> None:
            self._chapters_url = url

        def podcast_person(self, person: PersonTag) -> None:
            self._persons.append(person)

    # ---------------------------------------------------------------- psc:chapters

    class PscExtension(BaseExtension):
        """Declares the psc: namespace on the feed (the chapters are per item)."""

        def extend_ns(self) -> dict[str, str]:
            return {"psc": PSC_NS}

    class PscEntryExtension(BaseEntryExtension):
        """``<psc:chapters>`` inside an item, beside podcast:chapters."""

        def __init__(self):
            self._chapters: list[ChapterTag] = []

        def extend_ns(self) -> dict[str, str]:
            return {"psc": PSC_NS}

        def extend_rss(self, entry):
            if not self._chapters:
                return entry
            chapters = xml_elem(f"{{{PSC_NS}}}chapters", entry)
            chapters.attrib["version"] = PSC_VERSION
            for chapter in self._chapters:
                el = xml_elem(f"{{{PSC_NS}}}chapter", chapters)
                el.attrib["start"] = npt(chapter.start)
                el.attrib["title"] = chapter.title
                if chapter.href:
                    el.attrib["href"] = chapter.href
            return entry

        def psc_chapters(self, chapters: list[ChapterTag]) -> None:
            self._chapters = list(chapters)

    # ---------------------------------------------------------------- itunes:explicit true/false

    def _explicit_elem(parent, value: bool | None) -> None:
        if value is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", parent).text = "true" if value else "false"

    class ItunesExtension(PodcastExtension):
        """feedgen's iTunes channel extension, with ``itunes:explicit`` written as true/false."""

        def __init__(self):
            super().__init__()
            self._explicit: bool | None = None

        def itunes_explicit_bool(self, value: bool) -> None:
            self._explicit = value

        def extend_rss(self, rss_feed):
            super().extend_rss(rss_feed)
            _explicit_elem(rss_feed[0], self._explicit)
            return rss_feed

    class ItunesEntryExtension(PodcastEntryExtension):
        """feedgen's iTunes item extension, with ``itunes:explicit`` written as true/false."""

        def __init__(self):
            super().__init__()
            self._explicit: bool | None = None

        def itunes_explicit_bool(self, value: bool) -> None:
            self._explicit = value

        def extend_rss(self, entry):
            super().extend_rss(entry)
            _explicit_elem(entry, self._explicit)
            return entry

    return {
        "podcast": (ItunesExtension, ItunesEntryExtension),
        "podcast_ns": (PodcastNsExtension, PodcastNsEntryExtension),
        "psc": (PscExtension, PscEntryExtension),
    }


def register(fg) -> None:
    """Load the extensions on a FeedGenerator: ``fg.podcast`` (iTunes), ``fg.podcast_ns``
    and ``fg.psc`` (Podlove Simple Chapters).

    Call before adding entries so each new entry gets the entry extensions too.
    """
    for name, (channel, item) in extension_classes().items():
        fg.register_extension(name, channel, item)
