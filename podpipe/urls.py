"""The site's URL layout: the one place that decides where every file of the site lives.

The layout is a contract (feeds, apps and links depend on it; ARCHITECTURE.md lists it).
Every path here is relative to the site root, written the way a link writes it: a page
is its folder with a trailing slash (``episodes/<slug>/``), the file on disk is
``<folder>/index.html`` (:func:`site_file`). :func:`absolute` turns a path into the
address the feed and the notes give apps; :func:`root_of` gives the relative prefix a
page uses to link back to the site root, so the site works from any host and sub-path.
Templates reach these functions as the ``urls`` global (the built-in templates spell
their links out relative to ``root``, and the golden-output test holds them to this).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import quote

HOME = ""
FEED = "feed.xml"
STATIC = "static/"
SEARCH = "search/"
SEARCH_INDEX = "search/index.json"
CLUB = "club/"
CALENDAR = "club.ics"
CLUB_FEED = "club/feed.xml"  # Atom: every result and cycle announcement
PEOPLE = "club/people/"
LEADERBOARD = "club/leaderboard/"  # only when club.leaderboard is true
# Folders under club/ that are the club's own pages, so no cycle may take their slug.
CLUB_RESERVED = ("people", "leaderboard")
EPISODES = "episodes/"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
# Widths of the thumbnails made from artwork (lists show 96 px, the home page's
# latest episode 240 px; twice that for high-density screens).
THUMB_WIDTHS = (192, 480)
# Marks a folder podpipe built (and so may replace on the next publish).
SITE_MARKER = ".podpipe-site"


FEED_ARCHIVE = "feed/archive/"  # feed.archive: RFC 5005 archive pages of feed.xml


def feed_archive(n: int) -> str:
    """Archive page ``n`` of the feed (1 holds the oldest episodes)."""
    return f"{FEED_ARCHIVE}{n}.xml"


def episode_page(slug: str) -> str:
    """``episodes/<slug>/``: <slug> is the episode's folder name."""
    return f"{EPISODES}{slug}/"


def episode_mp3(slug: str) -> str:
    return f"{episode_page(slug)}{slug}.mp3"


FRAGMENT = "fragment.html"  # the feed's HTML transcript: a fragment, not a page


def transcript(slug: str, fmt: str) -> str:
    """A transcript file (fmt: vtt, srt, json, txt), the Podcasting 2.0 HTML transcript
    the feed links (fmt: fragment -> transcript.fragment.html) or the page (fmt: html)."""
    name = FRAGMENT if fmt == "fragment" else fmt
    return f"{episode_page(slug)}transcript.{name}"


def is_page(site_path: str) -> bool:
    """Whether an .html file of the site is a page (the sitemap's, with its own head),
    not the feed's transcript fragment."""
    return site_path.endswith(".html") and not site_path.endswith(f".{FRAGMENT}")


def chapters(slug: str) -> str:
    """The Podcasting 2.0 JSON chapters of an episode."""
    return f"{episode_page(slug)}chapters.json"


def image_suffix(image: Path) -> str:
    """The site's spelling of an image suffix: .png or .jpg, never .jpeg."""
    suffix = image.suffix.lower()
    return ".jpg" if suffix == ".jpeg" else suffix


def show_artwork(image: Path) -> str:
    """The show's artwork in the site root: ``artwork.png`` or ``artwork.jpg``."""
    return f"artwork{image_suffix(image)}"


def episode_artwork(slug: str, image: Path) -> str:
    """An episode's own artwork: ``episodes/<slug>/artwork.<ext>``."""
    return f"{episode_page(slug)}artwork{image_suffix(image)}"


def thumbnail(image: str, width: int) -> str:
    """A thumbnail beside its artwork: ``artwork.png`` -> ``artwork-192.jpg``."""
    path = PurePosixPath(image)
    return str(path.with_name(f"{path.stem}-{width}.jpg"))


def cycle_page(slug: str) -> str:
    """A club cycle's page with its participants' results: ``club/<slug>/``."""
    return f"{CLUB}{slug}/"


def person_page(slug: str) -> str:
    """A participant's page, every result across cycles: ``club/people/<slug>/``."""
    return f"{PEOPLE}{slug}/"


def result_page(cycle_slug: str, result_slug: str) -> str:
    """One result's shareable page: ``club/<cycle-slug>/<result-slug>/``."""
    return f"{cycle_page(cycle_slug)}{result_slug}/"


def absolute(base_url: str, path: str) -> str:
    """The address of a site path once deployed (``base_url`` ends with a slash)."""
    return base_url + path


def page_of(file: str) -> str:
    """The site path a file serves: ``episodes/x/index.html`` -> ``episodes/x/``, the
    inverse of :func:`site_file` (``index.html`` -> ``""``)."""
    if file == "index.html":
        return HOME
    return file[: -len("index.html")] if file.endswith("/index.html") else file


def address(base_url: str, path: str) -> str:
    """:func:`absolute`, percent-encoded: for pages' canonical links, sharing cards and
    the sitemap, where a slug with spaces or non-ASCII letters must be a valid URI."""
    return absolute(base_url, quote(path, safe="/"))


def site_file(site_dir: Path, path: str) -> Path:
    """The file in ``site_dir`` that serves ``path`` (a folder's page is its index.html)."""
    return site_dir / (path + "index.html" if path == "" or path.endswith("/") else path)


def root_of(path: str) -> str:
    """The relative prefix from the page at ``path`` back to the site root:
    ``""`` for the home page, ``"../../"`` for ``episodes/<slug>/``."""
    folder = path if path.endswith("/") or path == "" else str(PurePosixPath(path).parent) + "/"
    depth = len([part for part in folder.split("/") if part and part != "."])
    return "../" * depth


# The longest URL podpipe accepts from a host or participant (browsers and servers
# handle 2,048 everywhere; anything longer in a result is pasted text or spam).
MAX_URL_LENGTH = 2048


def url_problem(url: str) -> str:
    """What makes ``url`` unfit for a link ("" when nothing does): too long, or holding
    a control character (an escape sequence, a NUL)."""
    if len(url) > MAX_URL_LENGTH:
        return f"too long: a URL of {len(url):,} characters, at most {MAX_URL_LENGTH:,}"
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in url):
        return "a URL may not hold control characters"
    return ""
