"""Issue 17: an unchanged episode costs a stat, guids.yaml is read once and written only
where it changes (the kept copies in .podpipe/ give the answers a full read gives)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from podpipe import config
from podpipe.config.episode_cache import CACHE_FILE
from podpipe.feed import guid_cache, guids
from tests.show_helpers import copy_sample_show


@pytest.fixture
def show_root(tmp_path) -> Path:
    root = copy_sample_show(tmp_path / "show")
    (root / ".podpipe").mkdir()
    return root


def load(root: Path):
    return config.load_show_with_warnings(root)


def test_cached_episodes_equal_parsed_ones_and_follow_edits(show_root, monkeypatch):
    first, problems = load(show_root)
    assert (show_root / ".podpipe" / CACHE_FILE).is_file()
    parsed = []
    monkeypatch.setattr(
        "podpipe.config.episodes.read_episode",
        lambda f, p, real=config.episodes.read_episode: parsed.append(f) or real(f, p),
    )
    again, problems_again = load(show_root)
    assert again.episodes == first.episodes and problems_again == problems
    assert parsed == []  # nothing parsed: every episode came from the cache
    ep = show_root / "episodes" / "002-groupby-stories" / "episode.yaml"
    text = ep.read_text()
    ep.write_text(text.replace("title: Groupby stories", "title: Groupby, retold"))
    edited, _ = load(show_root)
    assert [e.title for e in edited.episodes][1] == "Groupby, retold"
    assert parsed == [ep]  # only the edited one
    os.utime(ep, ns=(1, 1))  # touched, same content: hashed, not parsed
    parsed.clear()
    assert load(show_root)[0].episodes == edited.episodes and parsed == []


def test_a_file_added_to_the_folder_is_seen(show_root):
    load(show_root)
    folder = show_root / "episodes" / "002-groupby-stories"
    shutil.copyfile(folder / "interview.mp3", folder / "second.mp3")
    _, problems = load(show_root)
    assert any("several audio files" in p.message for p in problems)
    (folder / "second.mp3").unlink()
    _, problems = load(show_root)
    assert not any("several audio files" in p.message for p in problems)


def test_an_episode_with_an_error_is_read_again(show_root):
    ep = show_root / "episodes" / "003-windows-and-plots" / "episode.yaml"
    ep.write_text(ep.read_text().replace("number: 3", "number: three"))
    for _ in range(2):
        _, problems = load(show_root)
        assert any(p.file == ep and p.key == "number" for p in problems)


def registry_case(show_root):
    show, _ = load(show_root)
    registry = show_root / guids.REGISTRY_FILE
    registry.write_text(registry.read_text().replace("episodes:\n", "episodes:  # keep me\n"))
    return show, registry


def test_kept_registry_gives_the_same_guids_and_edits_one_line(show_root):
    show, registry = registry_case(show_root)
    full = guids.assign(show, registry)
    assert (show_root / ".podpipe" / guid_cache.CACHE_FILE).is_file()
    before = registry.read_text()
    kept = guids.assign(show, registry)
    assert kept == full and registry.read_text() == before
    ep = show_root / "episodes" / "002-groupby-stories" / "episode.yaml"
    ep.write_text(
        ep.read_text().replace("title: Groupby stories", 'title: "Groupby: a \\"story\\""')
    )
    show, _ = load(show_root)
    assert guids.assign(show, registry).episodes == full.episodes
    after = registry.read_text()
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed == [("    title: Groupby stories", '    title: "Groupby: a \\"story\\""')]
    assert "# keep me" in after
    # what a full read of the rewritten file finds is what the kept copy says
    (show_root / ".podpipe" / guid_cache.CACHE_FILE).unlink()
    doc, _ = guids._load(registry)  # noqa: SLF001 - the full round-trip read
    assert [str(r["title"]) for r in doc["episodes"]][1] == 'Groupby: a "story"'
    assert guids.orphans(show, registry) == []


def test_a_value_with_a_comment_takes_the_round_trip_path(show_root):
    show, registry = registry_case(show_root)
    guids.assign(show, registry)
    text = registry.read_text().replace("title: Groupby stories", "title: Groupby stories  # hi")
    registry.write_text(text)
    guids.assign(show, registry)  # a full read (the file changed), kept again
    ep = show_root / "episodes" / "002-groupby-stories" / "episode.yaml"
    ep.write_text(ep.read_text().replace("title: Groupby stories", "title: Groupby again"))
    show, _ = load(show_root)
    guids.assign(show, registry)
    assert "title: Groupby again" in registry.read_text()
    assert "# keep me" in registry.read_text()


def test_a_hand_edited_registry_is_read_again(show_root):
    show, registry = registry_case(show_root)
    first = guids.assign(show, registry)
    guid = first.episodes["002-groupby-stories"]
    new = "0a4d55a8-d5e7-4bd7-9bb0-111111111111"
    registry.write_text(registry.read_text().replace(guid, new))
    assert guids.assign(show, registry).episodes["002-groupby-stories"] == new


def test_the_first_publish_keeps_the_episodes_it_read(tmp_path, monkeypatch):
    """A new show has no .podpipe/ while its episodes are read; the publish writes their
    cache once it has made the folder, so the first edit after a no-op publish parses
    one episode, not all of them (it parsed all: a no-op reads no YAML to keep)."""
    from podpipe.pipeline.publish import publish
    from tests.scale_helpers import edit_title, generated_show

    show = generated_show(tmp_path / "show", 4)
    assert not (show / ".podpipe").exists()
    publish(show)
    assert (show / ".podpipe" / CACHE_FILE).is_file()
    assert publish(show).nothing_changed
    parsed = []
    monkeypatch.setattr(
        "podpipe.config.episodes.read_episode",
        lambda f, p, real=config.episodes.read_episode: parsed.append(f) or real(f, p),
    )
    edit_title(show, 2, "Episode 2, edited")
    assert not publish(show).nothing_changed
    assert [f.parent.name for f in parsed] == [sorted((show / "episodes").iterdir())[1].name]
