"""feed.xml stays readable by a standard XML parser whatever the text (issue 20): show
notes over the feed's limit are linked, not carried, with a warning naming the episode;
participants' unsafe characters never reach the feed or pages (see the yaml suite)."""

from __future__ import annotations

import dataclasses

import pytest
from lxml import etree

from podpipe import config, feed
from podpipe.feed.rss import MAX_FEED_NOTES
from tests.feed_helpers import make_show, publish


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-feed")
    show = config.load_show(make_show(tmp))
    return show, publish(show, tmp / "work")


def test_notes_too_long_for_the_feed_are_linked_with_a_warning(built, tmp_path):
    show, episodes = built
    huge = "<p>" + "Twelve MB of notes. " * 600_000 + "</p>"  # past lxml's 10 MB text node
    first = episodes[0]
    big = dataclasses.replace(first, notes=dataclasses.replace(first.notes, html=huge))
    out = tmp_path / "feed.xml"
    warnings = feed.build_feed(show, [big, *episodes[1:]], out)
    assert warnings == [
        f"{first.episode.slug}: the show notes have {len(huge):,} characters, more than the "
        f"{MAX_FEED_NOTES:,} the feed carries; the feed links the episode page instead"
    ]
    root = etree.fromstring(out.read_bytes())  # lxml's defaults: no huge_tree
    item = next(i for i in root.iter("item") if i.findtext("guid") == first.guid)
    assert "Show notes</a>" in item.findtext("description")
    assert out.stat().st_size < 1_000_000


def test_notes_within_the_limit_are_carried_whole(built, tmp_path):
    show, episodes = built
    out = tmp_path / "feed.xml"
    assert feed.build_feed(show, episodes, out) == []
    root = etree.fromstring(out.read_bytes())
    assert all(i.findtext("description") for i in root.iter("item"))
