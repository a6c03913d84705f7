"""Lint the built feed and its assets against the rules apps and directories enforce.

The rules are those of REFERENCE.md section 1 (Apple Podcasts, the Podcasting 2.0
namespace, what feed validators check). Each finding is an error (a directory would
reject the feed, or an app would misbehave) or a warning (works, but worth fixing).

URLs: every URL must be absolute. A plain-http URL is an *error* when base_url is https
and the URL points into the site (the build produced a link that would be mixed content
on the https site), and a *warning* otherwise: an http base_url is how a local preview
or staging copy is served, and an external http link (a guest's homepage) is the other
site's business. http URLs into the site are reported once, with a count, not per URL.
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from podpipe.checks import lint_memo
from podpipe.checks.images import ImageChecks
from podpipe.config import APPLE_CATEGORIES, Show
from podpipe.errors import Problem
from podpipe.feed import guids

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}

ENCLOSURE_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/x-m4a", ".aac": "audio/aac"}
REQUIRED_CHANNEL = (
    ("title", "title"),
    ("link", "link"),
    ("description", "description"),
    ("language", "language"),
    ("itunes:author", "itunes:author"),
    ("itunes:owner/itunes:email", "itunes:owner email"),
    ("itunes:image", "itunes:image"),
    ("itunes:category", "itunes:category"),
    ("itunes:explicit", "itunes:explicit"),
)


class _Lint:
    def __init__(self, show: Show, site_dir: Path):
        self.show = show
        self.site = site_dir
        self.site_str = str(site_dir)  # files are looked up by string (1000s per feed)
        self.findings: list[Problem] = []
        self.site_http: list[str] = []  # http URLs into the site, reported once
        self.checked_images: set[str] = set()
        self.looked_up: list[str] = []  # the files of the site it looked at
        self.images = ImageChecks(show.work_dir)  # artwork checks kept by file

    def error(self, where: str, message: str) -> None:
        self.findings.append(Problem.at(where, message))

    def warn(self, where: str, message: str) -> None:
        self.findings.append(Problem.at(where, message, "warning"))


def lint_site(show: Show, site_dir: Path, tree: str | None = None) -> list[Problem]:
    """Check ``site_dir/feed.xml`` and the files it references; errors first (as found
    the last time, if nothing in the site changed since: lint_memo). ``tree``: the
    site's cache.tree_hash if the caller has just taken it."""
    key = lint_memo.key(show, site_dir, tree)
    kept = lint_memo.recall(show, key)
    if kept is not None:
        return kept
    lint = _Lint(show, site_dir)
    channel = _parse(lint, site_dir / "feed.xml")
    if channel is not None:
        _check_channel(lint, channel)
        _check_items(lint, channel)
        _check_urls(lint, channel)
    findings = sorted(lint.findings, key=lambda f: f.severity != "error")
    lint.images.save()
    if lint_memo.covered(site_dir, lint.looked_up):
        lint_memo.keep(show, key, findings)
    return findings


def site_problems(
    show: Show, site_dir: Path | None = None, tree: str | None = None
) -> list[Problem]:
    """Everything ``podpipe check`` reports about the feed: the built site, then GUIDs
    (``tree``: the site's tree_hash if the caller has just taken it).

    A GUID recorded in guids.yaml whose episode is gone is a warning: subscribers keep the
    episode, but it vanished from the feed (deleted or renamed beyond recognition).
    """
    site = site_dir or show.site_dir
    findings = lint_site(show, site, tree) if (site / "feed.xml").exists() else []
    registry = guids.registry_path(show)
    for o in guids.orphans(show, registry):
        findings.append(
            Problem(
                Path(registry.name),
                o.line,
                "",
                f"GUID {o.guid} was published for "
                f"{o.folder!r} ({o.title!r}), which is no longer in episodes/; "
                "restore the folder, or delete this record if the episode was "
                "withdrawn on purpose",
                "warning",
            )
        )
    return findings


def _where(el) -> str:
    return f"feed.xml:{el.sourceline}"


def _parse(lint: _Lint, path: Path):
    from lxml import etree

    if not path.is_file():
        lint.error(path.name, f"no feed at {path}: publish the show first")
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as e:
        lint.error(f"feed.xml:{e.lineno}", f"not well-formed XML: {e.msg}")
        return None
    channel = root.find("channel")
    if root.tag != "rss" or root.get("version") != "2.0" or channel is None:
        lint.error("feed.xml:1", 'expected an RSS 2.0 document (<rss version="2.0"><channel>)')
        return None
    return channel


# --------------------------------------------------------------------------- channel


def _check_channel(lint: _Lint, channel) -> None:
    for path, label in REQUIRED_CHANNEL:
        el = channel.find(path, NS)
        empty = el is None or (not (el.text or "").strip() and not el.attrib)
        if empty:
            lint.error(_where(channel), f"missing <{label}>: directories require it")
    explicit = channel.find("itunes:explicit", NS)
    if explicit is not None:
        _check_explicit(lint, explicit)
    for cat in channel.findall("itunes:category", NS):
        _check_category(lint, cat)
    self_link = channel.find("atom:link[@rel='self']", NS)
    if self_link is not None and self_link.get("href") != lint.show.feed_url:
        lint.warn(
            _where(self_link),
            f"the feed was built for {self_link.get('href')}, but "
            f"show.yaml now says {lint.show.feed_url}: publish again",
        )
    if channel.find("podcast:guid", NS) is None:
        lint.warn(_where(channel), "no <podcast:guid>: Podcasting 2.0 apps identify the show by it")
    image = channel.find("itunes:image", NS)
    if image is not None and image.get("href"):
        _check_artwork(lint, image.get("href"), _where(image))
    _check_description_size(lint, channel, "the show")


DESCRIPTION_LIMIT = 4000  # bytes: Apple Podcasts' limit for <description>


def _check_description_size(lint: _Lint, el, label: str) -> None:
    description = el.find("description")
    size = len((description.text or "").encode("utf-8")) if description is not None else 0
    if size > DESCRIPTION_LIMIT:
        lint.warn(
            _where(description),
            f"{label}'s description is {size} bytes; Apple Podcasts allows "
            f"{DESCRIPTION_LIMIT} and cuts the rest: shorten the notes (a follow-up episode's "
            "results list grows with every result; its topic page lists them all)",
        )


def _check_explicit(lint: _Lint, el) -> None:
    value = (el.text or "").strip()
    if value in ("yes", "no", "clean"):
        lint.warn(
            _where(el),
            f"itunes:explicit is {value!r}: Apple's current values are 'true' and 'false'",
        )
    elif value not in ("true", "false"):
        lint.error(_where(el), f"itunes:explicit must be 'true' or 'false', found {value!r}")


def _check_category(lint: _Lint, cat) -> None:
    top = cat.get("text", "")
    if top not in APPLE_CATEGORIES:
        lint.error(_where(cat), f"{top!r} is not an Apple Podcasts category")
        return
    for sub in cat.findall("itunes:category", NS):
        if sub.get("text") not in APPLE_CATEGORIES[top]:
            lint.error(_where(sub), f"{sub.get('text')!r} is not a subcategory of {top!r}")


def _check_artwork(lint: _Lint, url: str, where: str) -> None:
    path = _local_file(lint, url)
    if path is None:
        lint.warn(where, f"artwork {url} is outside the site; its size and format were not checked")
        return
    if path in lint.checked_images:
        return
    lint.checked_images.add(path)
    if _size(path) is None:
        lint.error(where, f"artwork {url} is missing from the site ({path})")
        return
    for severity, message in lint.images.problems(Path(path)):
        lint.findings.append(Problem.at(_site_rel(lint, path), message, severity))


# --------------------------------------------------------------------------- items


def _check_items(lint: _Lint, channel) -> None:
    guids: Counter[str] = Counter()
    first_line: dict[str, int] = {}
    if not channel.findall("item"):
        lint.warn(
            _where(channel),
            "the feed has no episodes yet: directories reject an empty feed; "
            "submit it after the first episode is published",
        )
    for item in channel.findall("item"):
        title = (item.findtext("title") or "").strip()
        label = f"item {title!r}" if title else "item"
        if not title:
            lint.error(_where(item), "item without a <title>")
        guid = (item.findtext("guid") or "").strip()
        if not guid:
            lint.error(_where(item), f"{label} has no <guid>: apps cannot tell episodes apart")
        else:
            guids[guid] += 1
            first_line.setdefault(guid, item.sourceline)
            if guids[guid] == 2:
                lint.error(
                    _where(item),
                    f"{label} repeats GUID {guid} (first used on line {first_line[guid]})",
                )
        if item.find("pubDate") is None:
            lint.warn(_where(item), f"{label} has no <pubDate>")
        if item.find("itunes:duration", NS) is None:
            lint.warn(_where(item), f"{label} has no <itunes:duration>")
        explicit = item.find("itunes:explicit", NS)
        if explicit is not None:
            _check_explicit(lint, explicit)
        _check_enclosure(lint, item, label)
        _check_description_size(lint, item, label)
        image = item.find("itunes:image", NS)
        if image is not None and image.get("href"):
            _check_artwork(lint, image.get("href"), _where(image))
        _check_linked_files(lint, item, label)


def _check_enclosure(lint: _Lint, item, label: str) -> None:
    enc = item.find("enclosure")
    if enc is None:
        lint.error(_where(item), f"{label} has no <enclosure>: there is nothing to play")
        return
    where = _where(enc)
    url, kind, length = enc.get("url", ""), enc.get("type", ""), enc.get("length", "")
    suffix = os.path.splitext(urlsplit(url).path)[1].lower()
    expected = ENCLOSURE_TYPES.get(suffix)
    if expected is None:
        lint.error(where, f"{label}: enclosure {url} is not MP3 or AAC audio")
    elif kind != expected:
        lint.error(where, f"{label}: enclosure type is {kind!r}, expected {expected!r}")
    if not length.isdigit() or int(length) == 0:
        lint.error(
            where, f"{label}: enclosure length must be the file size in bytes, found {length!r}"
        )
        return
    path = _local_file(lint, url)
    if path is None:
        return
    size = _size(path)
    if size is None:
        lint.error(where, f"{label}: enclosure {url} is missing from the site ({path})")
    elif size != int(length):
        lint.error(
            where,
            f"{label}: enclosure length is {length} bytes but "
            f"{_site_rel(lint, path)} is {size} bytes",
        )


def _check_linked_files(lint: _Lint, item, label: str) -> None:
    for el in item.findall("podcast:transcript", NS) + item.findall("podcast:chapters", NS):
        url = el.get("url", "")
        what = el.tag.split("}")[1]
        path = _local_file(lint, url)
        if path is None:
            continue
        if _size(path) is None:
            lint.error(_where(el), f"{label}: {what} file {url} is missing from the site")
        elif what == "chapters":
            problem = chapters_problem(Path(path))
            if problem:
                lint.error(_where(el), f"{label}: {_site_rel(lint, path)}: {problem}")


def chapters_problem(path: Path) -> str | None:
    """What is wrong with a JSON chapters file, or None if it has the spec's shape."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return f"not valid JSON ({e})"
    if not isinstance(doc, dict) or not isinstance(doc.get("version"), str):
        return "expected an object with a 'version' string"
    chapters = doc.get("chapters")
    if not isinstance(chapters, list):
        return "expected a 'chapters' list"
    for i, c in enumerate(chapters):
        start = c.get("startTime") if isinstance(c, dict) else None
        if not isinstance(start, int | float) or isinstance(start, bool) or start < 0:
            return f"chapter {i + 1} needs a 'startTime' in seconds"
    return None


# --------------------------------------------------------------------------- URLs


def _url_fields(channel):
    """(element, url) for every URL the feed carries."""
    yield from ((el, el.text) for el in channel.iter("link", "url"))
    for el in channel.iter():
        for attr in ("href", "url", "img"):
            if el.get(attr):
                yield el, el.get(attr)


def _check_urls(lint: _Lint, channel) -> None:
    base = urlsplit(lint.show.base_url)
    # Most URLs point into the site: those are absolute, and http exactly if base_url is.
    into_site = f"{base.scheme}://{base.netloc}/" if base.scheme and base.netloc else None
    site_http: list[tuple[object, str]] = []
    for el, url in _url_fields(channel):
        url = (url or "").strip()
        if into_site and url.startswith(into_site):
            if base.scheme == "http":
                site_http.append((el, url))
            continue
        parts = urlsplit(url)
        if not parts.scheme or not parts.netloc:
            lint.error(_where(el), f"URL {url!r} is not absolute: apps cannot resolve it")
        elif parts.scheme == "http":
            if parts.netloc == base.netloc:
                site_http.append((el, url))
            else:
                lint.warn(_where(el), f"{url} is not https")
    if site_http:
        el, first = site_http[0]
        n = len(site_http)
        verb = "URLs into the site use" if n != 1 else "URL into the site uses"
        message = f"{n} {verb} plain http, e.g. {first}"
        if base.scheme == "https":
            lint.error(_where(el), message + " (base_url is https)")
        else:
            lint.warn(
                _where(el),
                message + f": base_url {lint.show.base_url} is fine for a "
                "preview, but directories expect https in production",
            )


# --------------------------------------------------------------------------- helpers


def _local_file(lint: _Lint, url: str) -> str | None:
    """The path of the file in site_dir a URL under base_url points at; None for other
    URLs."""
    base = lint.show.base_url
    if not url.startswith(base):
        return None
    rel = url[len(base) :].split("#")[0].split("?")[0]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    path = os.path.join(lint.site_str, rel)
    lint.looked_up.append(path)
    return path


def _size(path: str) -> int | None:
    """The size of the regular file at ``path``; None if there is none."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def _site_rel(lint: _Lint, path: str) -> str:
    prefix = os.path.join(lint.site_str, "")
    return path[len(prefix) :] if path.startswith(prefix) else path
