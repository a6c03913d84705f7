"""club/feed.xml: the club in any feed reader (Atom, RFC 4287). One entry per result of
a listed participant and one per cycle announcement.

IDs never change when the site is rebuilt or a participant's page moves: a result's is
a tag URI of its URL, an announcement's of its cycle. Participant text is text
(ElementTree escapes it); no HTML from them ever reaches a reader.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

from podpipe import urls
from podpipe.cache import write_atomic
from podpipe.club import Participant, announcing_episodes, url_key
from podpipe.config import Cycle, Show
from podpipe.render import result_url

ATOM_NS = "http://www.w3.org/2005/Atom"


def announced_on(show: Show, cycle: Cycle) -> dt.date:
    """The day a cycle was announced: its first announcing episode's date, else its start."""
    days = [e.date for e in announcing_episodes(show, cycle)]
    return min(days) if days else cycle.start


def feed_text(show: Show, people: list[Participant], today: dt.date) -> str:
    base, host = show.base_url, urlsplit(show.base_url).hostname or "podpipe.invalid"
    entries = []
    for cycle in show.club.cycles:
        day = announced_on(show, cycle)
        if day <= today:
            entries.append((day, _announcement(show, host, cycle, day)))
    for p in people:
        if not p.listed:  # opted out: their results stay on the topic pages only
            continue
        for e in p.entries:
            day = e.result.submitted or min(e.cycle.end, today)
            entries.append((day, _result(show, host, p, e, day)))
    entries.sort(key=lambda pair: pair[0], reverse=True)
    feed = ET.Element("feed", xmlns=ATOM_NS)
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", show.language)
    _add(feed, "id", urls.absolute(base, urls.CLUB_FEED))
    _add(feed, "title", f"{show.club.name} · {show.title}")
    _add(feed, "subtitle", "Participants' results and new topics")
    newest = max([day for day, _ in entries] + [min(c.start for c in show.club.cycles)])
    _add(feed, "updated", _stamp(newest))
    ET.SubElement(feed, "author").append(_el("name", show.author))
    _link(feed, "self", urls.absolute(base, urls.CLUB_FEED), "application/atom+xml")
    _link(feed, "alternate", urls.absolute(base, urls.CLUB), "text/html")
    _add(feed, "generator", "podpipe")
    for _, entry in entries:
        feed.append(entry)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")


def write_club_feed(show: Show, people: list[Participant], out_dir: Path, today: dt.date) -> Path:
    out = out_dir / urls.CLUB_FEED
    write_atomic(out, feed_text(show, people, today) + "\n")
    return out


def _announcement(show: Show, host: str, cycle: Cycle, day: dt.date) -> ET.Element:
    entry = ET.Element("entry")
    _add(entry, "id", f"tag:{host},{cycle.start:%Y-%m-%d}:club/cycle/{cycle.slug}")
    _add(entry, "title", f"New topic: {cycle.title}")
    _add(entry, "updated", _stamp(day))
    _link(entry, "alternate", urls.absolute(show.base_url, urls.cycle_page(cycle.slug)))
    ask = show.club.discussion(cycle)
    if ask:
        _link(entry, "related", ask)
    ET.SubElement(entry, "category", term=cycle.slug, label=cycle.title)
    text = f"{cycle.title}, {cycle.start} to {cycle.end}."
    if cycle.summary:
        text += " " + cycle.summary
    for r in cycle.resources:
        text += f"\n- {r.title}: {r.url}"
    _add(entry, "content", text, type="text")
    return entry


def _result(show: Show, host: str, p: Participant, e, day: dt.date) -> ET.Element:
    r = e.result
    digest = hashlib.sha256(url_key(r.url).encode()).hexdigest()[:20]
    entry = ET.Element("entry")
    _add(entry, "id", f"tag:{host},{e.cycle.start:%Y-%m-%d}:club/result/{digest}")
    _add(entry, "title", f"{p.name}: {r.label}")
    _add(entry, "updated", _stamp(day))
    author = ET.SubElement(entry, "author")
    author.append(_el("name", p.name))
    author.append(_el("uri", urls.absolute(show.base_url, urls.person_page(p.slug))))
    page = urls.absolute(show.base_url, urls.result_page(e.cycle.slug, e.slug))
    _link(entry, "alternate", page, "text/html")
    if result_url(r.url):
        _link(entry, "related", r.url)
    ET.SubElement(entry, "category", term=e.cycle.slug, label=e.cycle.title)
    parts = [f"{p.name} took part in {e.cycle.title}" + (" (late)." if r.late else ".")]
    parts += [r.summary] if r.summary else []
    parts += [f"What I learned: {r.learned}"] if r.learned else []
    _add(entry, "summary", "\n\n".join(parts), type="text")
    return entry


def _el(tag: str, text: str, **attrs: str) -> ET.Element:
    el = ET.Element(tag, **attrs)
    el.text = text
    return el


def _add(parent: ET.Element, tag: str, text: str, **attrs: str) -> None:
    parent.append(_el(tag, text, **attrs))


def _link(parent: ET.Element, rel: str, href: str, kind: str | None = None) -> None:
    attrs = {"rel": rel, "href": href}
    if kind:
        attrs["type"] = kind
    ET.SubElement(parent, "link", **attrs)


def _stamp(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}T00:00:00Z"
