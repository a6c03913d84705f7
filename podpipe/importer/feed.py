"""Reading another host's RSS feed: the channel and its items, as plain records.

The feed is untrusted input: it is parsed with lxml without a DTD, entity expansion or
network access (defusedxml's rules), and every field is optional until the import
decides what it needs. Namespaces are matched by their known URIs, so the prefix a host
chose does not matter.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass, field
from pathlib import Path

from podpipe.errors import ProcessingError

ITUNES = (
    "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "https://www.itunes.com/dtds/podcast-1.0.dtd",
)
PODCAST = (
    "https://podcastindex.org/namespace/1.0",
    "http://podcastindex.org/namespace/1.0",
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)
CONTENT = ("http://purl.org/rss/1.0/modules/content/",)
PSC = ("http://podlove.org/simple-chapters", "http://podlove.org/simple-chapters/")
ATOM = ("http://www.w3.org/2005/Atom",)
NONE = ("",)


@dataclass(frozen=True)
class FeedPerson:
    name: str
    role: str  # lower case; Podcasting 2.0's default is "host"
    image: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int | None  # bytes, as announced (None when missing, zero or not a number)
    type: str  # MIME type as announced ("" when missing)


@dataclass(frozen=True)
class FeedChapter:
    start: float  # seconds
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Item:
    """One <item>, in feed order (``index`` 0 is the first in the document)."""

    index: int
    guid: str | None
    title: str
    date: dt.date | None
    date_text: str | None  # the pubDate as written (for messages when it does not parse)
    enclosure: Enclosure | None
    description_html: str = ""  # content:encoded, else description
    summary: str = ""  # itunes:subtitle or itunes:summary (plain text)
    number: int | None = None  # itunes:episode or podcast:episode
    season: int | None = None
    episode_type: str | None = None
    explicit: bool | None = None
    image: str | None = None
    persons: tuple[FeedPerson, ...] = ()
    chapters_url: str | None = None  # podcast:chapters (JSON)
    psc_chapters: tuple[FeedChapter, ...] = ()  # Podlove Simple Chapters, in the feed
    transcripts: tuple[tuple[str, str], ...] = ()  # (url, MIME type), in feed order

    @property
    def label(self) -> str:
        """How messages name the item: its title, else its place in the feed."""
        return repr(self.title) if self.title else f"item {self.index + 1}"


@dataclass(frozen=True)
class Channel:
    title: str
    description: str  # HTML or plain text, as written
    link: str | None = None
    language: str | None = None
    subtitle: str | None = None
    author: str | None = None
    owner_name: str | None = None
    owner_email: str | None = None
    categories: tuple[str, ...] = ()  # "Top" or "Top > Sub"
    explicit: bool | None = None
    image: str | None = None
    copyright: str | None = None
    show_type: str | None = None
    podcast_guid: str | None = None
    locked: bool | None = None
    funding_url: str | None = None
    funding_text: str | None = None
    persons: tuple[FeedPerson, ...] = ()
    self_url: str | None = None  # atom:link rel="self"
    new_feed_url: str | None = None  # itunes:new-feed-url
    items: tuple[Item, ...] = field(default=())


def parse_feed(data: bytes, source: str) -> Channel:
    """The channel of an RSS document; ProcessingError when it is not one (HTML, Atom,
    broken XML), saying what it is instead."""
    from lxml import etree

    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or (b"<html" in head and b"<rss" not in head):
        raise ProcessingError(not_a_feed_message(data))
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise ProcessingError(
            f"not an RSS feed: the XML does not parse ({e}); check the feed's address"
        ) from None
    if root is None:  # only a DTD or a comment
        raise ProcessingError("not an RSS feed: the document is empty")
    if _local(root.tag) == "feed" and _ns(root.tag) in ATOM:
        raise ProcessingError(
            "an Atom feed, not RSS: podcast feeds are RSS 2.0; look for the RSS one"
        )
    if _local(root.tag) == "html":
        raise ProcessingError(not_a_feed_message(data))
    channel = root.find("channel") if _local(root.tag) == "rss" else None
    if channel is None:
        raise ProcessingError(
            f"not an RSS feed: the document is <{_local(root.tag)}>, expected <rss> with a <channel>"
        )
    return _channel(channel, source)


def not_a_feed_message(data: bytes) -> str:
    """For an HTML page: the feed it links, when it announces one."""
    text = data.decode("utf-8", "replace")
    for tag in re.findall(r"<link\b[^>]*>", text, flags=re.I):
        if re.search(r"application/rss\+xml", tag, flags=re.I):
            href = re.search(r"href\s*=\s*[\"']([^\"']+)", tag, flags=re.I)
            if href:
                return (
                    f"an HTML page, not an RSS feed; the page names its feed: {href.group(1)} "
                    "(import that address)"
                )
    return (
        "an HTML page, not an RSS feed: use the address of the feed itself "
        "(the host's 'RSS feed' link, often ending in /feed, /rss or .xml)"
    )


# --------------------------------------------------------------------------- helpers


def _ns(tag) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el, names: tuple[str, ...], local: str) -> list:
    return [c for c in el if _local(c.tag) == local and _ns(c.tag) in names]


def _child(el, names: tuple[str, ...], local: str):
    found = _children(el, names, local)
    return found[0] if found else None


def _text(el, names: tuple[str, ...], local: str) -> str | None:
    child = _child(el, names, local)
    if child is None:
        return None
    text = "".join(child.itertext()).strip()
    return text or None


def _attr(el, names, local: str, attr: str) -> str | None:
    child = _child(el, names, local)
    value = child.get(attr) if child is not None else None
    return value.strip() if value and value.strip() else None


def _yes(value: str | None) -> bool | None:
    if value is None:
        return None
    v = value.strip().lower()
    if v in ("yes", "true", "explicit"):
        return True
    if v in ("no", "false", "clean"):
        return False
    return None


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip()) if value is not None else None
    except ValueError:
        return None


def parse_date(text: str | None) -> dt.date | None:
    """An RFC 822 date (RSS) or an ISO 8601 one (some WordPress plugins): its calendar
    day where it was written (the host's time zone, not UTC)."""
    if not text:
        return None
    try:
        return email.utils.parsedate_to_datetime(text.strip()).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return None


def parse_time(text: str | None) -> float | None:
    """'01:02:03.5', '02:03' or '123.5' -> seconds (Podlove's normal play time)."""
    if not text:
        return None
    parts = text.strip().split(":")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return None
    if len(values) > 3 or any(v < 0 for v in values):
        return None
    seconds = 0.0
    for v in values:
        seconds = seconds * 60 + v
    return seconds


def _persons(el) -> tuple[FeedPerson, ...]:
    out = []
    for p in _children(el, PODCAST, "person"):
        name = "".join(p.itertext()).strip()
        if name:
            role = (p.get("role") or "host").strip().lower()
            out.append(FeedPerson(name, role, p.get("img") or None, p.get("href") or None))
    return tuple(out)


def _categories(channel) -> tuple[str, ...]:
    out = []
    for cat in _children(channel, ITUNES, "category"):
        top = (cat.get("text") or "").strip()
        subs = [s.get("text", "").strip() for s in _children(cat, ITUNES, "category")]
        subs = [s for s in subs if s]
        if top:
            out.extend([f"{top} > {s}" for s in subs] or [top])
    return tuple(dict.fromkeys(out))


def _channel(channel, source: str) -> Channel:
    owner = _child(channel, ITUNES, "owner")
    image = _attr(channel, ITUNES, "image", "href")
    if image is None:
        rss_image = _child(channel, NONE, "image")
        image = _text(rss_image, NONE, "url") if rss_image is not None else None
    funding = _child(channel, PODCAST, "funding")
    self_url = next(
        (
            link.get("href")
            for link in _children(channel, ATOM, "link")
            if link.get("rel") == "self" and link.get("href")
        ),
        None,
    )
    items = tuple(_item(i, el) for i, el in enumerate(_children(channel, NONE, "item")))
    return Channel(
        title=_text(channel, NONE, "title") or "",
        description=_text(channel, NONE, "description") or _text(channel, ITUNES, "summary") or "",
        link=_text(channel, NONE, "link"),
        language=_text(channel, NONE, "language"),
        subtitle=_text(channel, ITUNES, "subtitle"),
        author=_text(channel, ITUNES, "author"),
        owner_name=_text(owner, ITUNES, "name") if owner is not None else None,
        owner_email=_text(owner, ITUNES, "email") if owner is not None else None,
        categories=_categories(channel),
        explicit=_yes(_text(channel, ITUNES, "explicit")),
        image=image,
        copyright=_text(channel, NONE, "copyright"),
        show_type=(_text(channel, ITUNES, "type") or "").lower() or None,
        podcast_guid=_text(channel, PODCAST, "guid"),
        locked=_yes(_text(channel, PODCAST, "locked")),
        funding_url=funding.get("url") if funding is not None else None,
        funding_text=("".join(funding.itertext()).strip() or None) if funding is not None else None,
        persons=_persons(channel),
        self_url=self_url or (source if "://" in source else None),
        new_feed_url=_text(channel, ITUNES, "new-feed-url"),
        items=items,
    )


def _enclosure(el) -> Enclosure | None:
    enc = _child(el, NONE, "enclosure")
    url = (enc.get("url") or "").strip() if enc is not None else ""
    if not url:
        return None
    length = _int(enc.get("length"))
    return Enclosure(
        url, length if length and length > 0 else None, (enc.get("type") or "").strip()
    )


def _psc(el) -> tuple[FeedChapter, ...]:
    block = _child(el, PSC, "chapters")
    if block is None:
        return ()
    out = []
    for c in _children(block, PSC, "chapter"):
        start = parse_time(c.get("start"))
        title = (c.get("title") or "").strip()
        if start is not None and title:
            out.append(FeedChapter(start, title, (c.get("href") or "").strip() or None))
    return tuple(out)


def _item(index: int, el) -> Item:
    date_text = _text(el, NONE, "pubDate")
    image = _attr(el, ITUNES, "image", "href")
    chapters = _child(el, PODCAST, "chapters")
    transcripts = tuple(
        (t.get("url").strip(), (t.get("type") or "").strip())
        for t in _children(el, PODCAST, "transcript")
        if (t.get("url") or "").strip()
    )
    season = _int(_text(el, ITUNES, "season")) or _int(_text(el, PODCAST, "season"))
    number = _int(_text(el, ITUNES, "episode"))
    if number is None:
        number = _int(_text(el, PODCAST, "episode"))
    return Item(
        index=index,
        guid=_text(el, NONE, "guid"),
        title=_text(el, NONE, "title") or _text(el, ITUNES, "title") or "",
        date=parse_date(date_text),
        date_text=date_text,
        enclosure=_enclosure(el),
        description_html=_text(el, CONTENT, "encoded") or _text(el, NONE, "description") or "",
        summary=_text(el, ITUNES, "subtitle") or _text(el, ITUNES, "summary") or "",
        number=number if number is not None and number >= 0 else None,
        season=season if season and season >= 1 else None,
        episode_type=(_text(el, ITUNES, "episodeType") or "").lower() or None,
        explicit=_yes(_text(el, ITUNES, "explicit")),
        image=image,
        persons=_persons(el),
        chapters_url=chapters.get("url") if chapters is not None else None,
        psc_chapters=_psc(el),
        transcripts=transcripts,
    )


def read_source(feed: str, fetch) -> tuple[bytes, str]:
    """The feed's bytes from a URL (``fetch(url) -> bytes``) or a local file."""
    if re.match(r"^https?://", feed, flags=re.I):
        return fetch(feed), feed
    path = Path(feed).expanduser()
    try:
        return path.read_bytes(), str(path)
    except OSError as e:
        reason = "not found" if not path.exists() else (e.strerror or str(e))
        raise ProcessingError(f"cannot read the feed: {reason}", file=path) from None
