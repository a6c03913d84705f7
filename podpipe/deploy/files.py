"""The site's files as a deploy sends them: content hash, order, type and cache policy.

The order is what keeps a podcast app from ever seeing a broken feed: the MP3s go
first, then the files pages link (transcripts, chapters, images, scripts), then the
pages, and the feed last, so a feed names only files already uploaded.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from podpipe import urls
from podpipe.cache import SourceHashes
from podpipe.site.serve import CONTENT_TYPES

AUDIO_SUFFIXES = (".mp3", ".m4a")
PAGE_SUFFIXES = (".html", ".ics")
PAGE_FILES = ("search/index.json", "sitemap.xml", "robots.txt")
RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"
# How long browsers, apps and CDNs may keep a file without asking again. An episode's
# MP3 rarely changes once out (a re-master would: purge the CDN then); the feed and the
# pages change with every episode, so apps must see a new one within minutes.
CACHE_AUDIO = "public, max-age=2592000"  # 30 days
CACHE_FEED = "public, max-age=300"  # 5 minutes
CACHE_PAGE = "public, max-age=300"
CACHE_ASSET = "public, max-age=3600"  # transcripts, chapters, images, CSS, JS: 1 hour


@dataclass(frozen=True)
class SiteFile:
    path: str  # relative to the site root, "/"-separated: the object key, the URL path
    file: Path  # where it is on disk
    size: int
    sha256: str

    @property
    def rank(self) -> int:
        return rank(self.path)

    @property
    def content_type(self) -> str:
        return content_type(self.path)

    @property
    def cache_control(self) -> str:
        return cache_control(self.path)


def site_files(site_dir: Path, hashes: SourceHashes) -> list[SiteFile]:
    """Every file of the built site but podpipe's marker, in the order they are sent."""
    found = []
    for dirpath, dirnames, filenames in os.walk(site_dir):
        dirnames.sort()
        for name in sorted(filenames):
            file = Path(dirpath, name)
            path = file.relative_to(site_dir).as_posix()
            if path == urls.SITE_MARKER:
                continue
            found.append(SiteFile(path, file, file.stat().st_size, hashes.of(file)))
    return in_order(found)


def in_order(files: list[SiteFile]) -> list[SiteFile]:
    return sorted(files, key=lambda f: (f.rank, f.path))


def rank(path: str) -> int:
    """0 audio, 1 what pages link, 2 pages, 3 other feeds, 4 the show's feed."""
    name = PurePosixPath(path).name
    if path == urls.FEED:
        return 4
    if name == urls.FEED:
        return 3
    if path.endswith(AUDIO_SUFFIXES):
        return 0
    if path.endswith(PAGE_SUFFIXES) or path in PAGE_FILES:
        return 2
    return 1


def content_type(path: str) -> str:
    """The Content-Type an object store serves a site file with."""
    if path == urls.CLUB_FEED:  # the club's results feed is Atom
        return ATOM_TYPE
    if PurePosixPath(path).name == urls.FEED:
        return RSS_TYPE
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


def cache_control(path: str) -> str:
    kind = rank(path)
    if kind == 0:
        return CACHE_AUDIO
    if kind >= 3:
        return CACHE_FEED
    return CACHE_PAGE if kind == 2 else CACHE_ASSET
