"""Item GUIDs never change: guids.yaml, the registry the host commits."""

from __future__ import annotations

import shutil
from pathlib import Path

import podcastparser
import pytest

from podpipe import config
from podpipe.errors import ConfigError
from podpipe.feed import guids
from tests.feed_helpers import make_mp3, make_show, publish, stage_site


@pytest.fixture
def show_root(tmp_path) -> Path:
    return make_show(tmp_path)


def _edit(episode_yaml: Path, old: str, new: str) -> None:
    text = episode_yaml.read_text()
    assert old in text
    episode_yaml.write_text(text.replace(old, new))


def _load(root: Path) -> config.Show:
    # Renumbering or deleting an episode breaks the sample club's announced_in links;
    # that is the config check's business, not the registry's.
    return config.load_show(root, strict=False)


def _feed_guids(feed_xml: Path) -> dict[str, str]:
    with feed_xml.open("rb") as f:
        parsed = podcastparser.parse("https://podcast.example.org/feed.xml", f)
    return {e["title"]: e["guid"] for e in parsed["episodes"]}


def test_rename_retitle_and_new_audio_keep_the_guid(show_root, tmp_path):
    show = config.load_show(show_root)
    first = publish(show, tmp_path / "work1")
    before = _feed_guids(stage_site(show, first, tmp_path / "site1"))
    old_guid = before["Groupby stories"]

    # The host renames the folder, changes the title and re-records the audio.
    old = show_root / "episodes" / "002-groupby-stories"
    new = show_root / "episodes" / "002-what-you-built-with-groupby"
    old.rename(new)
    _edit(new / "episode.yaml", "title: Groupby stories", "title: What you built with groupby")
    (new / "interview.mp3").unlink()
    make_mp3(new / "take2.mp3", 2.0, frequency=880)

    show = config.load_show(show_root)
    assert show.episode(2).audio.name == "take2.mp3"
    second = publish(show, tmp_path / "work2")
    after = _feed_guids(stage_site(show, second, tmp_path / "site2"))
    assert after["What you built with groupby"] == old_guid
    assert "Groupby stories" not in after
    assert sorted(after.values()) == sorted(before.values())
    assert guids.orphans(show, show_root / "guids.yaml") == []


def test_a_second_publish_leaves_the_registry_untouched(show_root):
    show = config.load_show(show_root)
    registry = show_root / "guids.yaml"
    ids = guids.assign(show, registry).episodes
    assert len(set(ids.values())) == 3
    text, mtime = registry.read_text(), registry.stat().st_mtime_ns
    assert guids.assign(show, registry).episodes == ids
    assert registry.read_text() == text and registry.stat().st_mtime_ns == mtime


def test_new_number_and_folder_match_by_date_and_title(show_root):
    registry = show_root / "guids.yaml"
    ids = guids.assign(_load(show_root), registry).episodes
    ep = show_root / "episodes" / "003-windows-and-plots"
    ep.rename(show_root / "episodes" / "007-windows")
    _edit(show_root / "episodes" / "007-windows" / "episode.yaml", "number: 3", "number: 7")
    again = guids.assign(_load(show_root), registry).episodes
    assert again["007-windows"] == ids["003-windows-and-plots"]
    assert "folder: 007-windows" in registry.read_text()


def test_everything_changed_means_a_new_episode(show_root):
    registry = show_root / "guids.yaml"
    ids = guids.assign(_load(show_root), registry).episodes
    ep = show_root / "episodes" / "003-windows-and-plots"
    ep.rename(show_root / "episodes" / "009-other")
    _edit(ep.parent / "009-other" / "episode.yaml", "number: 3", "number: 9")
    _edit(
        ep.parent / "009-other" / "episode.yaml",
        "title: Windows, ranks and running totals",
        "title: Something else",
    )
    show = _load(show_root)
    again = guids.assign(show, registry).episodes
    assert again["009-other"] not in ids.values()
    orphans = guids.orphans(show, registry)
    assert [(o.guid, o.folder) for o in orphans] == [
        (ids["003-windows-and-plots"], "003-windows-and-plots")
    ]


def test_orphans_list_published_episodes_that_disappeared(show_root):
    registry = show_root / "guids.yaml"
    ids = guids.assign(_load(show_root), registry).episodes
    shutil.rmtree(show_root / "episodes" / "001-why-a-learning-club")
    show = _load(show_root)
    orphans = guids.orphans(show, registry)
    assert len(orphans) == 1
    o = orphans[0]
    assert (o.guid, o.folder, o.number, o.title, o.date) == (
        ids["001-why-a-learning-club"],
        "001-why-a-learning-club",
        1,
        "Why a learning club?",
        "2026-09-25",
    )
    assert o.line == 7  # after the four header comment lines, podcast_guid and "episodes:"


def test_host_layout_and_comments_survive(show_root):
    registry = show_root / "guids.yaml"
    registry.write_text(
        "# our GUIDs; see the README\n"
        "episodes:\n"
        "- folder: 001-why-a-learning-club   # the pilot\n"
        "  guid: 11111111-2222-4333-8444-555555555555\n"
        "  number: 1\n"
        "  title: Why a learning club?\n"
        "  date: 2026-09-25\n"
    )
    ids = guids.assign(config.load_show(show_root), registry).episodes
    assert ids["001-why-a-learning-club"] == "11111111-2222-4333-8444-555555555555"
    text = registry.read_text()
    assert text.startswith(
        "# our GUIDs; see the README\n"
        "podcast_guid: 375e050f-7f52-5e9b-9cfc-9414515d1a5b\n"
        "episodes:\n"
        "- folder: 001-why-a-learning-club   # the pilot\n"
        "  guid: 11111111-2222-4333-8444-555555555555\n"
    )
    assert "\n- folder: 002-groupby-stories\n  guid: " in text
    assert "\n- folder: 003-windows-and-plots\n  guid: " in text


def test_duplicate_guids_in_the_registry_are_a_config_error(show_root):
    registry = show_root / "guids.yaml"
    registry.write_text("episodes:\n  - folder: a\n    guid: same\n  - folder: b\n    guid: same\n")
    with pytest.raises(ConfigError) as e:
        guids.assign(config.load_show(show_root), registry)
    assert f"{registry}:4: episodes[1].guid: GUID same is also used on line 2" in str(e.value)


def test_broken_registry_yaml_names_the_file_and_line(show_root):
    registry = show_root / "guids.yaml"
    registry.write_text("episodes:\n  - folder: a\n    guid: [unclosed\n")
    with pytest.raises(ConfigError) as e:
        guids.assign(config.load_show(show_root), registry)
    assert str(registry) in str(e.value) and "invalid YAML" in str(e.value)


def test_the_show_guid_is_recorded_once_and_survives_a_move(show_root):
    """podcast:guid is the UUIDv5 of the feed URL at the first publish, then stays."""
    registry = show_root / "guids.yaml"
    assert not registry.exists()
    first = guids.assign(config.load_show(show_root), registry)
    assert first.show == "375e050f-7f52-5e9b-9cfc-9414515d1a5b"  # UUIDv5 of the feed URL
    assert f"podcast_guid: {first.show}\n" in registry.read_text()
    _edit(show_root / "show.yaml", "https://podcast.example.org/", "https://new.example.net/pod/")
    moved = config.load_show(show_root)
    assert moved.feed_url == "https://new.example.net/pod/feed.xml"
    assert guids.assign(moved, registry) == first


def test_a_show_guid_that_is_not_a_uuid_is_a_config_error(show_root):
    registry = show_root / "guids.yaml"
    registry.write_text("# ours\npodcast_guid: my-show\nepisodes: []\n")
    with pytest.raises(ConfigError) as e:
        guids.assign(config.load_show(show_root), registry)
    assert f"{registry}:2: podcast_guid: expected the show's podcast:guid, a UUID" in str(e.value)


def test_renumbering_two_episodes_does_not_swap_their_guids(show_root):
    registry = show_root / "guids.yaml"
    ids = guids.assign(_load(show_root), registry).episodes
    eps = show_root / "episodes"
    (eps / "001-why-a-learning-club").rename(eps / "002-why-a-learning-club")
    (eps / "002-groupby-stories").rename(eps / "001-groupby-stories")
    _edit(eps / "002-why-a-learning-club" / "episode.yaml", "number: 1", "number: 2")
    _edit(eps / "001-groupby-stories" / "episode.yaml", "number: 2", "number: 1")
    again = guids.assign(_load(show_root), registry)
    assert again.episodes["002-why-a-learning-club"] == ids["001-why-a-learning-club"]
    assert again.episodes["001-groupby-stories"] == ids["002-groupby-stories"]
    assert again.warnings == ()


def test_a_withdrawn_episodes_guid_is_not_handed_to_the_next_one(show_root):
    registry = show_root / "guids.yaml"
    ids = guids.assign(_load(show_root), registry).episodes
    eps = show_root / "episodes"
    shutil.rmtree(eps / "002-groupby-stories")
    (eps / "003-windows-and-plots").rename(eps / "002-windows-and-plots")
    _edit(eps / "002-windows-and-plots" / "episode.yaml", "number: 3", "number: 2")
    show = _load(show_root)
    again = guids.assign(show, registry).episodes
    assert again["002-windows-and-plots"] == ids["003-windows-and-plots"]
    assert [o.guid for o in guids.orphans(show, registry)] == [ids["002-groupby-stories"]]


def test_a_new_guid_beside_an_unclaimed_record_is_a_warning(show_root):
    registry = show_root / "guids.yaml"
    guids.assign(_load(show_root), registry)
    eps = show_root / "episodes"
    (eps / "002-groupby-stories").rename(eps / "007-renamed")
    ep_yaml = eps / "007-renamed" / "episode.yaml"
    _edit(ep_yaml, "number: 2", "number: 7")
    _edit(ep_yaml, "title: Groupby stories", "title: Something else entirely")
    again = guids.assign(_load(show_root), registry)
    (warning,) = again.warnings
    assert warning.startswith("007-renamed is new to the feed and gets a new GUID, while")
    assert "002-groupby-stories ('Groupby stories')" in warning
    assert "set its 'folder:' to '007-renamed' in guids.yaml" in warning


def test_a_hand_edited_show_guid_is_written_in_its_canonical_form(show_root):
    registry = show_root / "guids.yaml"
    registry.write_text("podcast_guid: '{375E050F7F525E9B9CFC9414515D1A5B}'\nepisodes: []\n")
    assigned = guids.assign(config.load_show(show_root), registry)
    assert assigned.show == "375e050f-7f52-5e9b-9cfc-9414515d1a5b"
