"""Thumbnails of the artwork (Pillow, at build time, cached) and the home page that uses
them: the latest episode up front with its art and a player, the list with thumbnails."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from podpipe import urls
from podpipe.errors import ProcessingError
from podpipe.site import build_site, images
from tests.site_helpers import TODAY, fixture_site

EP1, EP2 = "001-why-a-learning-club", "002-groupby-stories"


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    return fixture_site(tmp_path_factory, "site-images")


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict, list[str]]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs), [c for c in self.open]))
        if tag not in ("img", "meta", "link", "input", "br", "source", "track"):
            self.open.append(dict(attrs).get("class") or tag)

    def handle_endtag(self, tag):
        if self.open:
            self.open.pop()


def tags(file: Path) -> list[tuple[str, dict, list[str]]]:
    parser = Tags()
    parser.feed(file.read_text(encoding="utf-8"))
    return parser.tags


def test_thumbnails_are_small_jpegs_of_the_artwork(fx):
    for width in urls.THUMB_WIDTHS:
        thumb = fx.site / urls.thumbnail("artwork.png", width)
        with Image.open(thumb) as image:
            assert image.format == "JPEG" and image.size == (width, width)
            # The art, not a blank: the fixture's blue background survives.
            r, g, b = image.convert("RGB").getpixel((2, 2))
            assert b > 140 and r < 40
    assert images.jpeg_size(fx.site / "artwork-192.jpg") == (192, 192)


def test_a_full_size_photo_gets_far_lighter_thumbnails(fx, tmp_path):
    """Apple's 1400 px artwork, photo-like: the list's thumbnail weighs a small share."""
    import random

    rng = random.Random(7)
    image = Image.new("RGB", (1400, 1400))
    image.putdata([(rng.randrange(256), (x // 6) % 256, 120) for x in range(1400 * 1400)])
    out = tmp_path / "site"
    out.mkdir()
    image.save(out / "artwork.png")
    show = dataclasses.replace(fx.show, root=tmp_path / "show")
    art = images.site_art(show, out, "artwork.png")
    assert [t.width for t in art.thumbnails] == list(urls.THUMB_WIDTHS)
    original = (out / "artwork.png").stat().st_size
    assert (out / "artwork-192.jpg").stat().st_size < original / 50
    assert (out / "artwork-480.jpg").stat().st_size < original / 8


def test_home_page_lists_thumbnails_not_the_original(fx):
    found = tags(fx.site / "index.html")
    imgs = [(attrs, parents) for tag, attrs, parents in found if tag == "img"]
    assert imgs and all(a["src"].endswith(".jpg") for a, _ in imgs)
    assert not any("artwork.png" in (a.get("srcset") or "") for a, _ in imgs)
    rows = [a for a, parents in imgs if a.get("class") == "thumb"]
    assert len(rows) == len(fx.episodes)
    for a in rows:
        assert a["src"] == "artwork-192.jpg" and a["width"] == a["height"] == "96"
        assert a["srcset"] == "artwork-192.jpg 192w, artwork-480.jpg 480w"
        assert a["loading"] == "lazy"
        assert (fx.site / a["src"]).is_file()


def test_home_page_puts_the_latest_episode_up_front_with_a_player(fx):
    page = (fx.site / "index.html").read_text(encoding="utf-8")
    found = tags(fx.site / "index.html")
    latest = [(t, a) for t, a, parents in found if "latest-card" in parents]
    audio = [a for t, a in latest if t == "audio"]
    assert len(audio) == 1 and audio[0]["src"] == f"episodes/{EP2}/{EP2}.mp3"
    assert audio[0]["preload"] == "none"  # the home page loads no audio until asked
    assert audio[0]["aria-label"].startswith("Play episode 2: ")
    art = [a for t, a in latest if t == "img"]
    assert art and art[0]["src"] == "artwork-480.jpg"
    links = [a["href"] for t, a in latest if t == "a"]
    assert f"episodes/{EP2}/" in links
    # Order: the show, the latest episode, the club's open cycle, then every episode.
    at = [
        page.index(s) for s in ('id="show-title"', 'id="latest-h"', 'id="club-now"', 'id="all-h"')
    ]
    assert at == sorted(at)
    assert "7 days left" in page


def test_thumbnails_are_made_once_and_again_when_the_artwork_changes(fx, tmp_path):
    cache = fx.show.work_dir / "thumbnails"
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(before) == len(urls.THUMB_WIDTHS)
    out = tmp_path / "again"
    out.mkdir()
    (out / "artwork.png").write_bytes((fx.site / "artwork.png").read_bytes())
    build_site(fx.show, fx.episodes, out, today=TODAY)
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == before
    assert (out / "artwork-192.jpg").read_bytes() == (fx.site / "artwork-192.jpg").read_bytes()
    # New art: new thumbnails, from the new picture.
    Image.new("RGB", (800, 800), (200, 30, 30)).save(out / "artwork.png")
    build_site(fx.show, fx.episodes, out, today=TODAY)
    assert len(list(cache.iterdir())) == 2 * len(urls.THUMB_WIDTHS)
    with Image.open(out / "artwork-480.jpg") as image:
        assert image.size == (480, 480)
        assert image.getpixel((5, 5))[0] > 180


def test_transparent_art_is_flattened_on_white_and_small_art_not_enlarged(tmp_path):
    art = tmp_path / "art.png"
    Image.new("RGBA", (100, 100), (0, 0, 0, 0)).save(art)
    data = images.resize(art, 192)
    (tmp_path / "t.jpg").write_bytes(data)
    with Image.open(tmp_path / "t.jpg") as image:
        assert image.size == (100, 100)
        assert min(image.getpixel((50, 50))) > 245


def test_broken_artwork_names_the_file(fx, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "artwork.png").write_bytes(b"not a picture")
    show = dataclasses.replace(fx.show, root=tmp_path / "show")
    with pytest.raises(ProcessingError) as e:
        images.site_art(show, out, "artwork.png")
    assert "cannot make a thumbnail" in str(e.value) and "artwork.png" in str(e.value)


def test_an_episode_with_its_own_artwork_shows_it_in_lists_and_its_card(fx, tmp_path):
    art = tmp_path / "own.png"
    Image.new("RGB", (900, 900), (20, 160, 60)).save(art)
    pub = fx.episodes[0]
    own = dataclasses.replace(pub, episode=dataclasses.replace(pub.episode, artwork=art))
    episodes = [own, *fx.episodes[1:]]
    out = tmp_path / "site"
    (out / own.page_path).mkdir(parents=True)
    (out / "artwork.png").write_bytes((fx.site / "artwork.png").read_bytes())
    (out / own.artwork_path).write_bytes(art.read_bytes())  # where publish places it
    build_site(fx.show, episodes, out, today=TODAY)
    slug = own.episode.slug
    thumb = f"episodes/{slug}/artwork-192.jpg"
    with Image.open(out / thumb) as image:
        assert image.size == (192, 192) and image.getpixel((5, 5))[1] > 120
    rows = [a for t, a, _ in tags(out / "index.html") if t == "img" and a.get("class") == "thumb"]
    assert sorted(a["src"] for a in rows) == sorted(["artwork-192.jpg", thumb])
    page = (out / own.page_path / "index.html").read_text(encoding="utf-8")
    assert (
        f'<meta property="og:image" content="{fx.show.base_url}episodes/{slug}/artwork.png">'
        in page
    )
