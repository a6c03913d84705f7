"""Issue 17: what a one-edit publish reuses of the previous site is re-rendered by every
input that changes it. The fingerprint of an episode (site.reuse.PageReuse.record_key)
follows each field of its record; a publish after a show.yaml, template, club-results
or episode edit re-renders the pages that edit reaches (new inode) and keeps the others
(same inode), and its site is the one a build with no page cache makes."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import marshal
import os
import shutil
from pathlib import Path

import pytest

from podpipe import pipeline
from podpipe.pipeline import assemble
from podpipe.records import AudioReport, Notes, PublishedEpisode, TranscriptReport
from podpipe.site import sharing
from podpipe.site.reuse import INDEX_FILE, PageReuse
from tests.scale_helpers import edit_title, episode_folder, generated_show
from tests.show_helpers import tree_bytes

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    show = generated_show(tmp_path_factory.mktemp("reuse") / "show", 4)
    assert not pipeline.publish(show, today=TODAY).failed
    return show


@pytest.fixture
def show(published, tmp_path) -> Path:
    copy_ = tmp_path / "show"
    shutil.copytree(published, copy_, symlinks=True, copy_function=os.link)
    for own in ("site", "show.yaml", "club"):  # files of their own: the tests edit them
        path = copy_ / own
        shutil.rmtree(path) if path.is_dir() else path.unlink()
        if (published / own).is_dir():
            shutil.copytree(published / own, path)
        else:
            shutil.copyfile(published / own, path)
    for n in range(1, 5):  # edit_title rewrites episode.yaml in place
        yaml = copy_ / "episodes" / episode_folder(n) / "episode.yaml"
        text = yaml.read_bytes()
        yaml.unlink()
        yaml.write_bytes(text)
    return copy_


def inodes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*.html")}


def episode_pages(n: int) -> set[str]:
    folder = f"episodes/{episode_folder(n)}"
    return {f"{folder}/index.html", f"{folder}/transcript.html"}


def republish(show: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Publish after an edit: (inodes of the pages before, after)."""
    before = inodes(show / "site")
    result = pipeline.publish(show, today=TODAY)
    assert result.site_updated and not result.failed
    return before, inodes(show / "site")


def assert_as_built_from_nothing(show: Path) -> None:
    """The site equals one rendered with no page cache and no previous site."""
    reused = tree_bytes(show / "site")
    (show / ".podpipe" / INDEX_FILE).unlink()
    shutil.rmtree(show / "site")
    shutil.rmtree(assemble.staging_dir(pipeline.load(show)[0]), ignore_errors=True)
    assert not pipeline.publish(show, today=TODAY).failed
    assert tree_bytes(show / "site") == reused


def rendered(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {page for page in after if before.get(page) != after[page]}


# --------------------------------------------------------------------------- publishes


def test_an_episode_edit_renders_its_pages_and_the_lists_only(show):
    edit_title(show, 3, "Three & a new title")
    before, after = republish(show)
    episodes = {p for p in rendered(before, after) if p.startswith("episodes/")}
    assert episodes == episode_pages(3)
    home = (show / "site" / "index.html").read_text()
    assert "Three &amp; a new title" in home and "Episode 4</a>" in home
    assert '"title":"Three & a new title"' in (show / "site/search/index.json").read_text()
    assert_as_built_from_nothing(show)


def test_a_show_yaml_change_renders_every_page(show):
    yaml = show / "show.yaml"
    text = yaml.read_text()
    assert "\ntitle: " in text
    yaml.write_text(text.replace("\ntitle: ", "\ntitle: Renamed ", 1))
    before, after = republish(show)
    assert rendered(before, after) == set(after)
    for n in range(1, 5):
        page = show / "site" / "episodes" / episode_folder(n) / "index.html"
        assert "Renamed " in page.read_text()
    assert_as_built_from_nothing(show)


def test_a_template_of_the_show_renders_the_pages_again(show):
    own = show / "templates"
    own.mkdir()
    row = (Path(assemble.__file__).parent.parent / "templates" / "_episode_row.html").read_text()
    (own / "_episode_row.html").write_text(
        row.replace('<article class="episode-row">', '<article class="episode-row mine">')
    )
    before, after = republish(show)
    assert (show / "site" / "index.html").read_text().count("episode-row mine") == 4
    assert rendered(before, after) == set(after)  # any template may be any page's
    # and the show's template edited again: its rows change with it
    (own / "_episode_row.html").write_text(row.replace("<h3>", '<h3 class="again">'))
    pipeline.publish(show, today=TODAY)
    home = (show / "site" / "index.html").read_text()
    assert home.count('<h3 class="again">') == 4 and "mine" not in home
    assert_as_built_from_nothing(show)


def test_a_show_index_html_of_its_own_lists_episodes_itself(show):
    own = show / "templates"
    own.mkdir()
    (own / "index.html").write_text(
        '{% extends "base.html" %}{% block content %}'
        "{% for pub in episodes %}<p>{{ pub.episode.title }}</p>{% endfor %}{% endblock %}"
    )
    republish(show)
    home = (show / "site" / "index.html").read_text()
    assert home.count("<p>Episode ") == 4 and "episode-row" not in home


def test_club_results_render_the_club_pages_and_the_featuring_episode(show):
    results = show / "club" / "pandas-groupby.yaml"
    results.write_text(
        results.read_text().replace(
            "results:\n",
            "results:\n  - name: Ann Example\n"
            "    title: A result sent today\n    url: https://ann.example.org/groupby\n"
            "    submitted: 2026-10-09\n",
            1,
        )
    )
    before, after = republish(show)
    pages = rendered(before, after)
    assert "club/pandas-groupby/index.html" in pages
    assert "A result sent today" in (show / "site/club/pandas-groupby/index.html").read_text()
    # episode 2 features the cycle: its notes list the results; the others are kept
    assert {p for p in pages if p.startswith("episodes/")} <= episode_pages(2)
    assert episode_pages(1) | episode_pages(4) <= set(after) - pages
    assert_as_built_from_nothing(show)


def test_the_sitemap_lists_what_a_walk_of_the_site_finds(show):
    static = show / "templates" / "static"
    static.mkdir(parents=True)
    (static / "about.html").write_text("<!doctype html><title>About</title>")
    edit_title(show, 1, "One, again")
    republish(show)
    site = show / "site"
    walked = sharing.site_pages(site)
    assert "static/about.html" in walked and f"episodes/{episode_folder(1)}/" in walked
    sitemap = (site / "sitemap.xml").read_text()
    assert sitemap.count("<url>") == len(walked)
    assert all(f"{page}</loc>" in sitemap for page in walked)
    known = {f"episodes/{episode_folder(n)}/": sorted(episode_pages(n)) for n in range(1, 5)}
    known = {k: [p.replace("index.html", "") for p in v] for k, v in known.items()}
    assert sharing.site_pages(site, known) == walked


# --------------------------------------------------------------------------- fingerprints


@pytest.fixture(scope="module")
def record(published) -> tuple:
    show = pipeline.load(published)[0]
    ep = show.episodes[0]
    pub = PublishedEpisode(
        episode=ep,
        guid="guid-1",
        mp3=published / ".podpipe" / "one.mp3",
        mp3_size=1000,
        duration_s=3.0,
        audio=AudioReport(*[None] * 7, duration_s=3.0),
        notes=Notes("Notes · *one*", "<p>Notes · <em>one</em></p>", page_html="<p>one</p>"),
    )
    return show, pub


def other_values(show, pub: PublishedEpisode) -> dict[str, object]:
    cycle = show.club.cycles[0]
    return {
        "episode": dataclasses.replace(pub.episode, title="Another title"),
        "guid": "guid-2",
        "mp3": pub.mp3.with_name("two.mp3"),
        "mp3_size": 1001,
        "duration_s": 3.001,
        "audio": dataclasses.replace(pub.audio, output_lufs=-16.0),
        "notes": dataclasses.replace(pub.notes, html="<p>Notes · two</p>"),
        "transcript": TranscriptReport("whisper", "tiny.en", "en", 3.0, 2, 1),
        "transcript_dir": pub.mp3.parent,
        "announces": cycle,
        "features": dataclasses.replace(cycle, title="Another topic"),
    }


def test_the_fingerprint_follows_every_field_of_the_record(record, tmp_path):
    show, pub = record
    reuse = PageReuse(show, tmp_path)
    key = reuse.record_key(pub, "episode", True)
    changes = other_values(show, pub)
    assert set(changes) == {f.name for f in dataclasses.fields(PublishedEpisode)}
    for name, value in changes.items():
        assert (
            reuse.record_key(dataclasses.replace(pub, **{name: value}), "episode", True) != key
        ), name
    for field in dataclasses.fields(Notes):  # the notes' text is hashed apart from the rest
        value = getattr(pub.notes, field.name)
        other = dataclasses.replace(pub.notes, **{field.name: (value or "") + "x"})
        assert reuse.record_key(dataclasses.replace(pub, notes=other), "episode", True) != key
    assert reuse.record_key(pub, "episode", False) != key
    # a club cycle an episode names, changed: another key though its slug is the same
    announced = dataclasses.replace(pub, announces=changes["announces"])
    first = reuse.record_key(announced, "episode", True)
    retitled = dataclasses.replace(changes["announces"], title="Retitled")
    assert reuse.record_key(dataclasses.replace(pub, announces=retitled), "episode", True) != first


def test_the_fingerprint_is_the_same_for_equal_records_and_a_moved_show(record, tmp_path):
    show, pub = record
    key = PageReuse(show, tmp_path).record_key(pub, "episode", True)
    assert PageReuse(show, tmp_path).record_key(copy.deepcopy(pub), "episode", True) == key
    moved_root = tmp_path / "moved"
    moved_show = pipeline.load(shutil.copytree(show.root, moved_root, symlinks=True))[0]
    moved = dataclasses.replace(
        pub,
        episode=moved_show.episodes[0],
        mp3=moved_root / pub.mp3.relative_to(show.root),
    )
    assert PageReuse(moved_show, tmp_path).record_key(moved, "episode", True) == key


def test_the_fingerprint_follows_the_show_and_its_templates(record, tmp_path):
    show, pub = record
    key = PageReuse(show, tmp_path).record_key(pub, "episode", True)
    retitled = dataclasses.replace(show, title="Another show")
    assert PageReuse(retitled, tmp_path).record_key(pub, "episode", True) != key
    own = tmp_path / "templates"
    own.mkdir()
    (own / "episode.html").write_text("{{ episode.title }}")
    templated = dataclasses.replace(show, templates_dir=own)
    with_own = PageReuse(templated, tmp_path).record_key(pub, "episode", True)
    assert with_own != key
    os.utime(own / "episode.html", ns=(1, 1))  # edited: its mtime is another
    assert PageReuse(templated, tmp_path).record_key(pub, "episode", True) != with_own


# --------------------------------------------------------------------------- folders


def test_drop_empty_folders_reads_a_holding_folder_that_has_folders(tmp_path):
    root = tmp_path / "staging"
    (root / "episodes" / "a" / "left-over").mkdir(parents=True)
    (root / "episodes" / "a" / "a.mp3").write_bytes(b"mp3")
    (root / "episodes" / "b").mkdir()
    (root / "episodes" / "c").mkdir()
    (root / "episodes" / "c" / "c.mp3").write_bytes(b"mp3")
    (root / "club" / "gone" / "deeper").mkdir(parents=True)
    assemble.drop_empty_folders(root, holding={"episodes/a/", "episodes/c/"})
    left = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    assert left == ["episodes", "episodes/a", "episodes/a/a.mp3", "episodes/c", "episodes/c/c.mp3"]


@pytest.mark.parametrize("content", [b"", b"\x00garbage", marshal.dumps([1, 2]), b'{"format": 2}'])
def test_a_damaged_page_index_renders_every_page_again(show, content):
    (show / ".podpipe" / INDEX_FILE).write_bytes(content)
    edit_title(show, 2, "Two, after the index was damaged")
    before, after = republish(show)
    assert rendered(before, after) == set(after)  # nothing taken from a damaged index
    assert_as_built_from_nothing(show)
