"""What other programs read about the site: the sharing card of each page (Open Graph and
Twitter tags, built in base.html from :func:`episode_card`), sitemap.xml and robots.txt.

Cards and the sitemap use absolute addresses (``base_url``): a chat app or a search
engine reads them without the page's own address to resolve relative links against.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from podpipe import urls
from podpipe.cache import write_atomic
from podpipe.config import Show
from podpipe.records import PublishedEpisode

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def address(show: Show, path: str) -> str:
    return urls.address(show.base_url, path)


def episode_card(show: Show, pub: PublishedEpisode) -> dict:
    """The sharing card of an episode page: its own artwork (else the show's) and audio."""
    ep = pub.episode
    art = pub.artwork_path or (urls.show_artwork(show.artwork) if show.artwork else None)
    return {
        "type": "article",
        "url": address(show, pub.page_path),  # the player's "share this moment" base
        "description": ep.summary or show.subtitle or show.description,
        "image": address(show, art) if art else None,
        "image_alt": f"Cover art of {ep.title if pub.artwork_path else show.title}",
        "audio": address(show, pub.mp3_path),
        "published": ep.date.isoformat(),
    }


def site_pages(out_dir: Path, known: dict[str, list[str]] | None = None) -> list[str]:
    """Every HTML page in the built site, as site paths (``episodes/<slug>/``).

    ``known``: folders (site paths) whose pages the caller wrote, with those pages: they
    are not looked into (a thousand episode folders, a thousand directory reads)."""
    known = known or {}
    top = os.fspath(out_dir)
    files = [p + "index.html" if p.endswith("/") else p for ps in known.values() for p in ps]
    for dirpath, dirs, names in os.walk(top):  # not rglob: 2,000 pages, one Path each
        rel = dirpath[len(top) :].lstrip(os.sep).replace(os.sep, "/")
        if known:
            dirs[:] = [d for d in dirs if (f"{rel}/{d}/" if rel else f"{d}/") not in known]
        files += [f"{rel}/{n}" if rel else n for n in names if n.endswith(".html")]
    return sorted(urls.page_of(f) for f in files if urls.is_page(f))


def write_sitemap(show: Show, out_dir: Path, known: dict[str, list[str]] | None = None) -> Path:
    """sitemap.xml listing every page (no dates: an unchanged show gives unchanged bytes);
    ``known`` as for :func:`site_pages`."""
    # html.escape without quote=: xml.sax.saxutils.escape's output (&, <, >), without
    # its import of urllib.request (25 ms of every publish, status and check)
    rows = [
        f"<url><loc>{html.escape(address(show, p), quote=False)}</loc></url>"
        for p in site_pages(out_dir, known)
    ]
    text = "\n".join(
        ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">', *rows]
    )
    out = out_dir / urls.SITEMAP
    write_atomic(out, text + "\n</urlset>\n")
    return out


def write_robots(show: Show, out_dir: Path) -> Path:
    """robots.txt: everything may be crawled; where the sitemap is."""
    out = out_dir / urls.ROBOTS
    text = f"User-agent: *\nAllow: /\nSitemap: {address(show, urls.SITEMAP)}\n"
    write_atomic(out, text)
    return out
