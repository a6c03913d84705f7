"""feed.xml assembled from kept per-item parts (podpipe/feed/fragments.py) is, byte for
byte, feedgen's whole render: on a cold cache, after each kind of edit on a warm one,
with feed.limit and archive pages, with the cache damaged; and an edit renders its item
only."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from podpipe import config, feed
from podpipe.config import Chapter, FeedSettings, Person
from podpipe.feed import archive, fragments, rss
from podpipe.records import AudioReport, Notes, PublishedEpisode, TranscriptReport
from tests.show_helpers import copy_sample_show, tree_bytes

FORMATS = ("vtt", "srt", "json", "txt")
# Raw in the item's CDATA: a CDATA end (lxml splits the section there) and an item's
# closing line, as a podcast about feeds may quote them.
TRICKY = "<p>a ]]> b</p>\n<pre>\n    </item>\n  </channel>\n    <item>\n</pre>\n<p>&amp; \"q\" 's' ü 🎙</p>"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> config.Show:
    return config.load_show(copy_sample_show(tmp_path_factory.mktemp("parts") / "show"))


def record(show: config.Show, ep: config.Episode, html: str | None = None) -> PublishedEpisode:
    """What the stages would return for ``ep``, without running them (the feed reads
    the record only)."""
    duration = 60.0 + ep.number * 7.25
    return PublishedEpisode(
        episode=ep,
        guid=f"00000000-0000-4000-8000-{ep.number:012d}",
        mp3=show.work_dir / "stages" / f"{ep.slug}.mp3",
        mp3_size=12000 * ep.number + 17,
        duration_s=duration,
        audio=AudioReport(-20.0, -0.5, 8.0, -16.0, -1.2, 6.0, 4.0, duration),
        notes=Notes(markdown=ep.notes, html=f"<p>{ep.notes}</p>" if html is None else html),
        transcript=TranscriptReport(
            engine="faster-whisper",
            model="tiny.en",
            language="en",
            duration_s=duration,
            word_count=100,
            segment_count=9,
            files={f: f"transcript.{f}" for f in FORMATS},
        ),
        transcript_dir=show.work_dir / "stages" / ep.slug,
    )


def varied(show: config.Show) -> list[PublishedEpisode]:
    """The sample show's episodes (chapters, guests, seasons) and more of every kind."""
    out = [record(show, ep) for ep in show.episodes]
    first = show.episodes[0]

    def extra(n: int, html: str | None = None, **changes) -> PublishedEpisode:
        folder = first.folder.parent / f"{n:03d}-extra-{n}"
        ep = dataclasses.replace(first, folder=folder, number=n, **changes)
        return record(show, ep, html)

    out += [
        extra(4, date=dt.date(2026, 11, 20), artwork=show.root / "artwork.png", explicit=True),
        extra(5, date=dt.date(2026, 11, 27), season=None, explicit=False, episode_type="bonus"),
        extra(6, TRICKY, date=dt.date(2026, 12, 1), title='Fish & chips <"quoted"> ünïcødé 🎙'),
        extra(7, "x" * (rss.MAX_FEED_NOTES + 1), date=dt.date(2026, 12, 2), summary="Long <b>"),
        extra(8, "", date=dt.date(2026, 12, 2), summary="", guests=(), chapters=()),
        extra(
            9,
            "   ",
            date=dt.date(2026, 12, 3),
            episode_type="trailer",
            chapters=(Chapter(0, "Start", "https://example.org/a?b=1&c=2"), Chapter(1.5, "Ä")),
            guests=(Person("Zoë <Z>", "guest", image="https://example.org/z.png"),),
        ),
    ]
    out[-3] = dataclasses.replace(out[-3], transcript=None)
    report = dataclasses.replace(out[-2].transcript, word_count=0)  # empty: no links
    out[-2] = dataclasses.replace(out[-2], transcript=report)
    report = dataclasses.replace(out[-1].transcript, language="de", files={"vtt": "t.vtt"})
    out[-1] = dataclasses.replace(out[-1], transcript=report)
    return out


def built(show: config.Show, episodes: list[PublishedEpisode], site: Path) -> dict[str, bytes]:
    """build_feed's files (feed.xml and any archive pages), in a new folder ``site``."""
    feed.build_feed(show, episodes, site / "feed.xml")
    return tree_bytes(site)


def reference(show: config.Show, episodes: list[PublishedEpisode], site: Path) -> dict[str, bytes]:
    """The same files rendered whole by feedgen, as before the parts."""
    out = site / "feed.xml"
    if show.feed.limit is None:
        site.mkdir(parents=True)
        out.write_bytes(feed.feed_bytes(show, episodes))
    else:
        archive.build_feeds(show, feed.newest_first(episodes), out, rss.document)
    return tree_bytes(site)


def shows(sample: config.Show) -> dict[str, config.Show]:
    return {
        "sample": sample,
        "bare": dataclasses.replace(
            sample,
            artwork=None,
            copyright=None,
            categories=(),
            hosts=(),
            explicit=True,
            language="de",
        ),
        "moved": dataclasses.replace(
            sample,
            new_feed_url="https://new.example.org/feed.xml",
            license="CC-BY-4.0",
            locked=True,
            funding_url="https://example.org/give?a=1&b=2",
            podcast_guid="917393e3-1b1e-5cef-ace4-edaa54e1f810",
        ),
        "limit": dataclasses.replace(sample, feed=FeedSettings(limit=4)),
        "archive": dataclasses.replace(sample, feed=FeedSettings(limit=2, archive=True)),
    }


def at(show: config.Show, root: Path) -> config.Show:
    """``show`` with its own work folder (its own cache) under ``root``."""
    root.mkdir(parents=True)
    return dataclasses.replace(show, root=root)


@pytest.mark.parametrize("name", ["sample", "bare", "moved", "limit", "archive"])
def test_assembled_feed_is_the_whole_render_cold_and_after_each_edit(sample, name, tmp_path):
    show = at(shows(sample)[name], tmp_path / "show")
    episodes = varied(show)
    files = built(show, episodes, tmp_path / "cold")
    assert files == reference(show, episodes, tmp_path / "cold-ref")
    assert len(files) == {"limit": 1, "archive": 5}.get(name, 1)
    assert (show.work_dir / fragments.FILE).is_file()
    assert built(show, episodes, tmp_path / "again") == files  # every part kept

    # Each input of an item, edited on the warm cache: a key that missed one would put
    # the old item in the feed.
    edits = {
        "title": lambda p: edit(p, title="Edited: <new> & ]]>"),
        "date": lambda p: edit(p, date=dt.date(2027, 1, 1)),  # now the newest
        "number": lambda p: edit(p, number=99),
        "summary": lambda p: edit(p, summary="Other summary"),
        "season": lambda p: edit(p, season=7),
        "explicit": lambda p: edit(p, explicit=not p.episode.explicit),
        "type": lambda p: edit(p, episode_type="bonus"),
        "artwork": lambda p: edit(p, artwork=show.root / "art.jpg"),
        "chapters": lambda p: edit(p, chapters=(Chapter(0, "Only one"),)),
        "guests": lambda p: edit(p, guests=(Person("New Guest", "guest"),)),
        "notes": lambda p: dataclasses.replace(p, notes=Notes("", "<p>New notes</p>")),
        "guid": lambda p: dataclasses.replace(p, guid="11111111-0000-4000-8000-000000000001"),
        "size": lambda p: dataclasses.replace(p, mp3_size=p.mp3_size + 1),
        "duration": lambda p: dataclasses.replace(p, duration_s=p.duration_s + 1),
        "transcript": lambda p: dataclasses.replace(
            p, transcript=dataclasses.replace(p.transcript, language="fr")
        ),
    }
    for i, (what, change) in enumerate(edits.items()):
        j = i % len(episodes)
        if what == "transcript":
            j = 1  # one with a report
        episodes[j] = change(episodes[j])
        files = built(show, episodes, tmp_path / f"edit-{what}")
        assert files == reference(show, episodes, tmp_path / f"ref-{what}"), what


def edit(p: PublishedEpisode, **changes) -> PublishedEpisode:
    return dataclasses.replace(p, episode=dataclasses.replace(p.episode, **changes))


def test_an_edit_renders_its_item_only(sample, tmp_path):
    show = at(sample, tmp_path / "show")
    episodes = varied(show)
    cold = fragments.FeedParts(show.work_dir)
    assert rss.document(show, episodes, parts=cold) == feed.feed_bytes(show, episodes)
    assert cold.rendered == len(episodes)
    cold.save()

    episodes[2] = edit(episodes[2], title="One edit")
    warm = fragments.FeedParts(show.work_dir)
    assert rss.document(show, episodes, parts=warm) == feed.feed_bytes(show, episodes)
    assert warm.rendered == 1
    warm.save()

    # A show setting the items read renders them all; one only the channel reads, none.
    for change, rendered in ((dict(language="fr"), len(episodes)), (dict(title="New"), 0)):
        show = dataclasses.replace(show, **change)
        parts = fragments.FeedParts(show.work_dir)
        assert rss.document(show, episodes, parts=parts) == feed.feed_bytes(show, episodes)
        assert parts.rendered == rendered, change
        parts.save()


def test_parts_of_episodes_gone_are_dropped(sample, tmp_path):
    show = at(sample, tmp_path / "show")
    episodes = varied(show)
    built(show, episodes, tmp_path / "all")
    cache = show.work_dir / fragments.FILE
    assert len(fragments.read(cache)) == len(episodes) + 1  # the items and the channel
    fewer = episodes[:3]
    assert built(show, fewer, tmp_path / "fewer") == reference(show, fewer, tmp_path / "ref")
    assert len(fragments.read(cache)) == len(fewer) + 1
    # No episodes: the whole render (it has no lastBuildDate), and no part is left.
    assert built(show, [], tmp_path / "none") == reference(show, [], tmp_path / "ref-none")
    assert fragments.read(cache) == {}


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "flipped", "magic", "index"])
def test_a_damaged_cache_is_an_empty_one(sample, tmp_path, damage):
    show = at(sample, tmp_path / "show")
    episodes = varied(show)
    built(show, episodes, tmp_path / "first")
    cache = show.work_dir / fragments.FILE
    data = cache.read_bytes()
    damaged = {
        "garbage": b"\x00\xff not a cache \n\n\n",
        "empty": b"",
        "truncated": data[: len(data) // 2],
        "flipped": data[:-100] + bytes([data[-100] ^ 1]) + data[-99:],
        "magic": b"podpipe feed parts 0\n" + data[len(fragments.MAGIC) :],
        "index": fragments.MAGIC + b"0\n" + b'[["k", -5]]\n',
    }[damage]
    cache.write_bytes(damaged)
    assert fragments.read(cache) == {}
    episodes[0] = edit(episodes[0], title="After the damage")
    assert built(show, episodes, tmp_path / "next") == reference(show, episodes, tmp_path / "ref")
    assert len(fragments.read(cache)) == len(episodes) + 1  # written again, whole


def test_a_cache_that_cannot_be_written_does_not_fail_the_feed(sample, tmp_path):
    show = at(sample, tmp_path / "show")
    show.work_dir.write_text("a file where the work folder should be")
    episodes = varied(show)
    assert built(show, episodes, tmp_path / "site") == reference(show, episodes, tmp_path / "ref")


def test_split_document_refuses_what_it_cannot_cut(sample):
    episodes = varied(sample)
    data = feed.feed_bytes(sample, episodes)
    head, items = fragments.split_document(data, len(episodes))
    assert head.startswith(b"<?xml") and all(i.startswith(b"    <item>") for i in items)
    assert b"".join([head, *items, fragments.TAIL]) == data
    assert fragments.split_document(data, len(episodes) - 1) is None
    assert fragments.split_document(data, len(episodes) + 1) is None
    assert fragments.split_document(data[:-1], len(episodes)) is None
