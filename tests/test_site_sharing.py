"""What other programs read from the site: sharing cards (Open Graph, Twitter), canonical
addresses, the feed link on every page, sitemap.xml and robots.txt."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from podpipe import urls
from tests.site_helpers import fixture_site

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    return fixture_site(tmp_path_factory, "site-sharing")


class Head(HTMLParser):
    """The <meta> and <link> tags of a page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content") or "")
        if tag == "link":
            self.links.append(attrs)


def head(file: Path) -> Head:
    parser = Head()
    parser.feed(file.read_text(encoding="utf-8"))
    return parser


def pages(site: Path) -> list[Path]:
    """Every page (not the feed's transcript fragment, which is no page)."""
    return sorted(p for p in site.rglob("*.html") if urls.is_page(p.as_posix()))


def test_every_episode_page_has_an_absolute_sharing_card(fx):
    base = fx.show.base_url
    for pub in fx.episodes:
        page = head(fx.site / pub.page_path / "index.html")
        one = {k: v[0] for k, v in page.meta.items()}
        for key in ("og:url", "og:image", "og:audio", "twitter:image"):
            assert urlsplit(one[key]).scheme == "https", (key, one[key])
            assert one[key].startswith(base), (key, one[key])
        assert one["og:url"] == base + pub.page_path
        assert one["og:audio"] == base + pub.mp3_path
        assert one["og:audio:type"] == "audio/mpeg"
        assert one["og:image"] == base + "artwork.png"
        assert one["og:title"].startswith(pub.episode.title)
        assert one["og:type"] == "article"
        assert one["og:description"] == pub.episode.summary
        assert one["twitter:card"] == "summary"
        assert one["og:site_name"] == fx.show.title
        canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
        assert canonical == [base + pub.page_path]


def test_every_page_links_the_feed_and_its_canonical_address(fx):
    for file in pages(fx.site):
        page = head(file)
        feeds = [
            link
            for link in page.links
            if link.get("rel") == "alternate" and link.get("type") == "application/rss+xml"
        ]
        assert [f["title"] for f in feeds] == [fx.show.title], file
        # The feed link is relative and lands on feed.xml from wherever the page is.
        assert (file.parent / feeds[0]["href"]).resolve() == (fx.site / "feed.xml").resolve()
        path = urls.page_of(file.relative_to(fx.site).as_posix())
        canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
        assert canonical == [fx.show.base_url + path], file
        assert page.meta["og:url"] == canonical
        assert page.meta["og:image"] == [fx.show.base_url + "artwork.png"]


def test_sitemap_lists_every_page_and_parses(fx):
    root = etree.parse(str(fx.site / "sitemap.xml")).getroot()
    assert root.tag == f"{SITEMAP}urlset"
    listed = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    expected = [
        fx.show.base_url + urls.page_of(p.relative_to(fx.site).as_posix()) for p in pages(fx.site)
    ]
    assert sorted(listed) == sorted(expected) and len(listed) == len(set(listed))
    assert fx.show.base_url in listed  # the home page
    assert any(u.endswith("/transcript.html") for u in listed)
    assert any(u.endswith("club/pandas-groupby/") for u in listed)
    assert len(listed) >= 9


def test_robots_points_at_the_sitemap(fx):
    text = (fx.site / "robots.txt").read_text(encoding="utf-8")
    assert text.splitlines() == [
        "User-agent: *",
        "Allow: /",
        f"Sitemap: {fx.show.base_url}sitemap.xml",
    ]


def test_addresses_are_percent_encoded():
    assert (
        urls.address("https://x.org/", "episodes/día 1/") == "https://x.org/episodes/d%C3%ADa%201/"
    )
    assert urls.page_of("index.html") == ""
    assert urls.page_of("episodes/a/index.html") == "episodes/a/"
    assert urls.page_of("episodes/a/transcript.html") == "episodes/a/transcript.html"
    assert urls.thumbnail("episodes/a/artwork.png", 192) == "episodes/a/artwork-192.jpg"
