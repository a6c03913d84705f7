"""`lint_site` finds what directories and apps reject, seeded into a good built site."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from PIL import Image

from podpipe import checks, config, feed
from podpipe.errors import Problem
from tests.feed_helpers import make_artwork, make_show, publish, stage_site


@dataclasses.dataclass
class Site:
    show: config.Show
    episodes: list
    dir: Path

    def findings(self, severity: str | None = None) -> list:
        found = checks.lint_site(self.show, self.dir)
        return [f for f in found if severity is None or f.severity == severity]

    def messages(self, severity: str = "error") -> list[str]:
        return [f"{f.where}: {f.message}" for f in self.findings(severity)]

    def edit_feed(self, old: str, new: str, count: int = 1) -> None:
        path = self.dir / "feed.xml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Site:
    tmp = tmp_path_factory.mktemp("lint")
    show = config.load_show(make_show(tmp))
    episodes = publish(show, tmp / "work")
    stage_site(show, episodes, tmp / "site")
    return Site(show, episodes, tmp / "site")


@pytest.fixture
def site(good, tmp_path) -> Site:
    """A private copy of the good site for one test to break."""
    shutil.copytree(good.dir, tmp_path / "site")
    return Site(good.show, good.episodes, tmp_path / "site")


def test_the_good_site_is_clean(site):
    assert site.findings() == []


def test_wrong_enclosure_length(site):
    p = site.episodes[0]
    with (site.dir / p.mp3_path).open("ab") as f:
        f.write(b"\0" * 10)
    size = (site.dir / p.mp3_path).stat().st_size
    [message] = site.messages()
    assert message.endswith(
        f"item {p.episode.title!r}: enclosure length is {p.mp3_size} bytes "
        f"but {p.mp3_path} is {size} bytes"
    )
    assert message.startswith("feed.xml:")


def test_missing_mp3(site):
    p = site.episodes[1]
    (site.dir / p.mp3_path).unlink()
    [message] = site.messages()
    assert f"enclosure {site.show.base_url}{p.mp3_path} is missing from the site" in message


def test_missing_transcript_and_chapters_files(site):
    p = site.episodes[0]
    (site.dir / p.transcript_path("vtt")).unlink()
    (site.dir / p.chapters_path).unlink()
    assert sorted(m.split(": ", 1)[1] for m in site.messages()) == sorted(
        [
            f"item {p.episode.title!r}: transcript file {site.show.base_url}"
            f"{p.transcript_path('vtt')} is missing from the site",
            f"item {p.episode.title!r}: chapters file {site.show.base_url}"
            f"{p.chapters_path} is missing from the site",
        ]
    )


def test_broken_chapters_json(site):
    p = site.episodes[0]
    (site.dir / p.chapters_path).write_text('{"version": "1.2.0", "chapters": [{"title": "x"}]}')
    [message] = site.messages()
    assert message.endswith(f"{p.chapters_path}: chapter 1 needs a 'startTime' in seconds")


def test_bad_artwork_size_shape_and_alpha(site):
    Image.new("RGBA", (1000, 800), (0, 0, 0, 0)).save(site.dir / "artwork.png")
    assert site.messages() == [
        "artwork.png: artwork is 1000x800: it must be square",
        "artwork.png: artwork is 1000x800 px: Apple requires 1400x1400 to 3000x3000",
        "artwork.png: artwork has an alpha channel (mode RGBA): save it as RGB without "
        "transparency",
    ]


def test_cmyk_artwork(site):
    make_artwork(site.dir / "artwork.png", 1400, mode="CMYK", fmt="JPEG")
    assert site.messages() == ["artwork.png: artwork colour mode is CMYK: Apple requires RGB"]


def test_large_artwork_is_a_warning(site):
    import os

    img = Image.frombytes("RGB", (1600, 1600), os.urandom(1600 * 1600 * 3))
    img.save(site.dir / "artwork.png")
    assert site.messages() == []
    [warning] = site.messages("warning")
    assert warning.startswith("artwork.png: artwork is ") and "at most 512 KB" in warning


def test_missing_artwork_file(site):
    (site.dir / "artwork.png").unlink()
    assert any(
        "artwork https://podcast.example.org/artwork.png is missing" in m for m in site.messages()
    )


def test_duplicate_guids(good, tmp_path):
    a, b = good.episodes[0], good.episodes[1]
    twin = dataclasses.replace(b, guid=a.guid)
    shutil.copytree(good.dir, tmp_path / "site")
    feed.build_feed(good.show, [a, twin, good.episodes[2]], tmp_path / "site" / "feed.xml")
    errors = Site(good.show, [], tmp_path / "site").messages()
    assert len(errors) == 1 and f"repeats GUID {a.guid} (first used on line" in errors[0]


def test_missing_required_channel_tags(site):
    site.edit_feed("<itunes:author>Ada Lindqvist</itunes:author>", "")
    site.edit_feed("<language>en</language>", "")
    assert [m.split(": ", 1)[1] for m in site.messages()] == [
        "missing <language>: directories require it",
        "missing <itunes:author>: directories require it",
    ]


def test_a_description_over_apples_limit_is_a_warning(site):
    """Apple cuts <description> at 4000 bytes: a follow-up episode listing many results
    gets there. Bytes, not characters: the notes may be in any language."""
    p = site.episodes[0]
    feed = (site.dir / "feed.xml").read_text(encoding="utf-8")
    item = feed[feed.index(f"<title>{p.episode.title}</title>") :]
    start = item.index("<description>") + len("<description>")
    site.edit_feed(item[start : item.index("</description>")], "é" * 2001)  # 4002 bytes
    [message] = site.messages("warning")
    assert message.endswith(
        f"item {p.episode.title!r}'s description is 4002 bytes; Apple Podcasts allows 4000 "
        "and cuts the rest: shorten the notes (a follow-up episode's results list grows "
        "with every result; its topic page lists them all)"
    )


def test_old_explicit_spelling_is_a_warning_nonsense_an_error(site):
    site.edit_feed(
        "<itunes:explicit>false</itunes:explicit>", "<itunes:explicit>no</itunes:explicit>"
    )
    site.edit_feed(
        "<itunes:explicit>false</itunes:explicit>", "<itunes:explicit>maybe</itunes:explicit>"
    )
    assert [m.split(": ", 1)[1] for m in site.messages()] == [
        "itunes:explicit must be 'true' or 'false', found 'maybe'"
    ]
    assert [m.split(": ", 1)[1] for m in site.messages("warning")] == [
        "itunes:explicit is 'no': Apple's current values are 'true' and 'false'"
    ]


def test_unknown_category(site):
    site.edit_feed('<itunes:category text="Courses"/>', '<itunes:category text="Cooking"/>')
    assert [m.split(": ", 1)[1] for m in site.messages()] == [
        "'Cooking' is not a subcategory of 'Education'"
    ]


def test_http_url_into_an_https_site_is_an_error(site):
    p = site.episodes[0]
    site.edit_feed(
        f'url="https://podcast.example.org/{p.mp3_path}"',
        f'url="http://podcast.example.org/{p.mp3_path}"',
    )
    [message] = site.messages()
    assert message.endswith(
        f"1 URL into the site uses plain http, e.g. http://podcast.example.org/"
        f"{p.mp3_path} (base_url is https)"
    )


def test_relative_url_is_an_error(site):
    site.edit_feed(
        '<itunes:image href="https://podcast.example.org/artwork.png"/>',
        '<itunes:image href="artwork.png"/>',
    )
    messages = site.messages()
    assert any(
        m.endswith("URL 'artwork.png' is not absolute: apps cannot resolve it") for m in messages
    )


def test_http_base_url_is_a_preview_warning(good, tmp_path):
    show = dataclasses.replace(good.show, base_url="http://localhost:8000/")
    shutil.copytree(good.dir, tmp_path / "site")
    feed.build_feed(show, good.episodes, tmp_path / "site" / "feed.xml")
    site = Site(show, good.episodes, tmp_path / "site")
    assert site.messages() == []
    [warning] = site.messages("warning")
    assert "URLs into the site use plain http" in warning
    assert "base_url http://localhost:8000/ is fine for a preview" in warning


def test_external_http_link_is_a_warning(site):
    site.edit_feed('href="https://example.org/ben"', 'href="http://example.org/ben"')
    assert site.messages() == []
    assert [m.split(": ", 1)[1] for m in site.messages("warning")] == [
        "http://example.org/ben is not https"
    ]


def test_malformed_feed(site):
    text = (site.dir / "feed.xml").read_text()
    (site.dir / "feed.xml").write_text(text[: len(text) // 2])
    [finding] = site.findings()
    assert finding.severity == "error" and finding.message.startswith("not well-formed XML")
    assert finding.where.startswith("feed.xml:")


def test_missing_feed(site):
    (site.dir / "feed.xml").unlink()
    assert [f.message for f in site.findings()] == [
        f"no feed at {site.dir / 'feed.xml'}: publish the show first"
    ]


def test_findings_read_well():
    f = Problem.at("feed.xml:12", "item 'x' has no <guid>")
    assert f.labelled() == "error: feed.xml:12: item 'x' has no <guid>"
    assert f.where == "feed.xml:12"


def test_check_warns_about_orphaned_guids(tmp_path):
    import shutil as sh

    from podpipe.feed import guids

    root = make_show(tmp_path)
    guids.assign(config.load_show(root), root / "guids.yaml")
    sh.rmtree(root / "episodes" / "003-windows-and-plots")
    show = config.load_show(root, strict=False)
    [finding] = checks.site_problems(show, tmp_path / "no-site-yet")
    assert finding.severity == "warning" and finding.where == "guids.yaml:17"
    assert "'003-windows-and-plots' ('Windows, ranks and running totals')" in finding.message


def test_feed_built_for_another_base_url(good):
    moved = dataclasses.replace(good.show, base_url="https://new.example.org/")
    warnings = Site(moved, good.episodes, good.dir).messages("warning")
    assert any(
        "the feed was built for https://podcast.example.org/feed.xml, but show.yaml now says "
        "https://new.example.org/feed.xml: publish again" in w
        for w in warnings
    )


def _counting_parses(monkeypatch) -> list:
    from podpipe.checks import feed_rules

    parsed: list = []
    real = feed_rules._parse
    monkeypatch.setattr(
        feed_rules, "_parse", lambda lint, path: parsed.append(path) or real(lint, path)
    )
    return parsed


def test_the_lint_of_an_unchanged_site_is_kept_until_a_file_changes(site, tmp_path, monkeypatch):
    """`status` and `check` of a large show: a site that did not change is not parsed
    and looked up again; any change in it (a file's size, feed.xml's bytes) is."""
    show = dataclasses.replace(site.show, root=tmp_path / "show")
    show.work_dir.mkdir(parents=True)
    p = site.episodes[0]
    with (site.dir / p.mp3_path).open("ab") as f:
        f.write(b"\0" * 10)
    first = checks.lint_site(show, site.dir)
    assert (show.work_dir / "lint.cache").is_file()
    parsed = _counting_parses(monkeypatch)
    assert checks.lint_site(show, site.dir) == first and len(first) == 1
    assert parsed == []
    with (site.dir / p.mp3_path).open("ab") as f:  # grows again: a new size to report
        f.write(b"\0" * 10)
    [second] = checks.lint_site(show, site.dir)
    assert len(parsed) == 1 and second.message != first[0].message
    assert str((site.dir / p.mp3_path).stat().st_size) in second.message
    feed_xml = site.dir / "feed.xml"
    text = feed_xml.read_text(encoding="utf-8")
    title = p.episode.title
    feed_xml.write_text(text.replace(f"<title>{title}", f"<title>{title[::-1]}", 1), "utf-8")
    assert len(feed_xml.read_text(encoding="utf-8")) == len(text)  # the same size
    found = checks.lint_site(show, site.dir)
    assert len(parsed) == 2 and title[::-1] in found[0].message
    # another base_url (and so feed_url): looked at again
    moved = dataclasses.replace(show, base_url="https://elsewhere.example/show/")
    assert any("was built for" in f.message for f in checks.lint_site(moved, site.dir))
    assert len(parsed) == 3


def test_a_lint_that_looked_outside_the_site_is_not_kept(site, tmp_path, monkeypatch):
    show = dataclasses.replace(site.show, root=tmp_path / "show")
    show.work_dir.mkdir(parents=True)
    p = site.episodes[0]
    outside = tmp_path / "outside.mp3"
    outside.write_bytes(b"\0" * p.mp3_size)
    site.edit_feed(f"{site.show.base_url}{p.mp3_path}", f"{site.show.base_url}../outside.mp3")
    assert checks.lint_site(show, site.dir) == []  # the file is there, at its size
    assert not (show.work_dir / "lint.cache").exists()  # not kept
    outside.unlink()
    assert any("missing from the site" in f.message for f in checks.lint_site(show, site.dir))


def test_artwork_is_decoded_again_only_when_it_changes(site, tmp_path, monkeypatch):
    """Every publish changes feed.xml, so the lint runs again; the artwork it checks
    (PIL, to import and decode) is checked again only if the file changed."""
    from podpipe.checks import images

    show = dataclasses.replace(site.show, root=tmp_path / "show")
    show.work_dir.mkdir(parents=True)
    assert checks.lint_site(show, site.dir) == []
    decoded: list = []
    real = images.examine
    monkeypatch.setattr(images, "examine", lambda p: decoded.append(p) or real(p))
    site.edit_feed("</title>", " </title>")  # a new feed: linted again
    assert checks.lint_site(show, site.dir) == [] and decoded == []
    Image.new("RGBA", (1000, 800), (0, 0, 0, 0)).save(site.dir / "artwork.png")
    found = {f.message for f in checks.lint_site(show, site.dir, None)}
    assert decoded and "artwork is 1000x800: it must be square" in found


def test_source_artwork_checks_are_kept_until_the_file_changes(tmp_path, monkeypatch):
    """publish, status and check look at the show's artwork every run (Apple's rules, the
    placeholder `init` made); PIL decodes it again only when the file changed."""
    from podpipe.checks import images

    show = config.load_show(make_show(tmp_path))
    show.work_dir.mkdir(parents=True, exist_ok=True)
    assert checks.artwork_problems(show) == []
    decoded: list = []
    real = images.examine
    monkeypatch.setattr(images, "examine", lambda p: decoded.append(p) or real(p))
    assert checks.artwork_problems(show) == [] and decoded == []
    placeholders = checks.placeholder_problems(show)  # the test show's example.com URLs
    assert not any(p.key == "artwork" for p in placeholders) and decoded == []
    Image.new("RGB", (1000, 1000), "red").save(show.artwork)
    [problem] = checks.artwork_problems(show)
    assert decoded == [show.artwork] and "1000x1000 px" in problem.message
    assert problem.file.name == "show.yaml" and problem.key == "artwork"
