"""feed.limit and feed.archive: feed.xml with the newest N items, the rest in RFC 5005
archive pages.

With ``feed.limit: N`` feed.xml carries the newest N episodes (the site keeps them all).
With ``feed.archive: true`` too, the older ones are in archived feed documents (RFC 5005
section 4): ``feed/archive/1.xml`` holds the oldest N, ``2.xml`` the next N, and so on,
so a page changes only while it fills. feed.xml links the newest page
(``prev-archive``); each page links the one before and after it, the current feed
(``current``) and says it is an archive (``<fh:archive/>``). Apps that read archives
(and directories that index a whole history) walk back from feed.xml.
"""

from __future__ import annotations

from pathlib import Path

from podpipe import urls
from podpipe.cache import write_atomic
from podpipe.config import Show
from podpipe.records import PublishedEpisode

ATOM = "http://www.w3.org/2005/Atom"
FH = "http://purl.org/syndication/history/1.0"


def archive_pages(older: list[PublishedEpisode], size: int) -> list[list[PublishedEpisode]]:
    """The episodes feed.xml leaves out (newest first), in pages of ``size``, oldest
    page first; the last page may be partly filled."""
    oldest_first = older[::-1]
    return [oldest_first[i : i + size] for i in range(0, len(oldest_first), size)]


# with_links' arguments besides the document: the self link, the RFC 5005 links, archive.
Relink = tuple[str, list[tuple[str, str]], bool]


def build_feeds(show: Show, ordered: list[PublishedEpisode], out: Path, render) -> None:
    """feed.xml at ``out`` (and its archive pages beside it) for ``ordered`` (newest
    first), by ``render(show, episodes, relink)``: the document of ``episodes`` with
    with_links(document, *relink) applied."""
    limit = show.feed.limit
    current, older = ordered[:limit], ordered[limit:]
    pages = archive_pages(older, limit) if show.feed.archive else []
    site = out.parent
    links = [("prev-archive", archive_url(show, len(pages)))] if pages else []
    write_atomic(out, render(show, current, (show.feed_url, links, False)))
    for n, page in enumerate(pages, start=1):
        links = [("current", show.feed_url)]
        if n > 1:
            links.append(("prev-archive", archive_url(show, n - 1)))
        if n < len(pages):
            links.append(("next-archive", archive_url(show, n + 1)))
        data = render(show, page[::-1], (archive_url(show, n), links, True))
        write_atomic(site / urls.feed_archive(n), data)


def archive_url(show: Show, n: int) -> str:
    return urls.absolute(show.base_url, urls.feed_archive(n))


def with_links(data: bytes, self_href: str, links: list[tuple[str, str]], archive=False) -> bytes:
    """The feed document with its atom:link self set to ``self_href``, the RFC 5005
    ``links`` after it and, for an archive page, ``<fh:archive/>``."""
    if not relinks(self_href, links, archive):
        return data
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    root = etree.fromstring(data, parser)
    channel = root.find("channel")
    self_link = channel.find(f"{{{ATOM}}}link[@rel='self']")
    self_link.set("href", self_href)
    at = list(channel).index(self_link) + 1
    for rel, href in links:
        el = etree.SubElement(channel, f"{{{ATOM}}}link", rel=rel, href=href)
        channel.insert(at, el)
        at += 1
    if archive:
        el = etree.SubElement(channel, f"{{{FH}}}archive", nsmap={"fh": FH})
        channel.insert(at, el)
    return etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)


def relinks(self_href: str, links: list[tuple[str, str]], archive: bool) -> bool:
    """Whether with_links changes a document (and re-serializes it: lxml's parser turns
    the CDATA of its items into escaped text)."""
    return bool(links or archive)
