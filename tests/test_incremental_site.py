"""Issue 17: a publish after one edit re-renders only what the edit touches; every other
file of the site keeps its inode or its bytes, and the site is the one a full build
makes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from podpipe import cache, pipeline
from podpipe.pipeline import assemble
from podpipe.site.reuse import INDEX_FILE
from tests.scale_helpers import edit_title, episode_folder, generated_show
from tests.show_helpers import tree_bytes

TODAY = __import__("datetime").date(2026, 11, 20)


def snapshot(site: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(site)): (p.stat().st_ino, p.read_bytes())
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    show = generated_show(tmp_path_factory.mktemp("inc") / "show", 6)
    result = pipeline.publish(show, today=TODAY)
    assert not result.failed
    return show


@pytest.fixture
def show(published, tmp_path) -> Path:
    copy = tmp_path / "show"
    shutil.copytree(published, copy, symlinks=True, copy_function=os.link)
    # the site's files with their own inodes (and the same mtimes: pages.cache holds)
    shutil.rmtree(copy / "site")
    shutil.copytree(published / "site", copy / "site")
    return copy


def test_one_edit_changes_only_the_files_it_should(show):
    before = snapshot(show / "site")
    edit_title(show, 3, "A new title for three")
    result = pipeline.publish(show, today=TODAY)
    assert result.site_updated and not result.failed
    after = snapshot(show / "site")
    assert before.keys() == after.keys()
    changed = {path for path in after if after[path][1] != before[path][1]}
    three = f"episodes/{episode_folder(3)}"
    assert {f"{three}/index.html", f"{three}/{episode_folder(3)}.mp3", "feed.xml"} <= changed
    assert {"index.html", "search.json"} & changed  # the home page and index list it
    unchanged_pages = [
        p
        for p in after
        if p.startswith("episodes/") and not p.startswith(three) and p.endswith(".html")
    ]
    assert unchanged_pages
    for page in unchanged_pages:  # reused, not rendered: the same file
        assert after[page][0] == before[page][0], page
    for path in after.keys() - changed:
        assert after[path][1] == before[path][1]
    # nothing else of episode three's neighbours moved
    assert not {p for p in changed if p.startswith("episodes/") and not p.startswith(three)}


def test_the_incremental_site_is_the_full_build(show, tmp_path):
    edit_title(show, 2, "Two, retitled")
    pipeline.publish(show, today=TODAY)
    incremental = tree_bytes(show / "site")
    (show / ".podpipe" / INDEX_FILE).unlink()
    shutil.rmtree(show / "site")
    pipeline.publish(show, today=TODAY, force=True)
    assert tree_bytes(show / "site") == incremental


def test_one_edit_publish_is_a_fresh_publish_byte_for_byte(show, tmp_path):
    """After one edit the site equals, file for file, the one a publish of a copy of the
    sources with no podpipe state at all makes (no stage, episode, guid or page cache)."""
    yaml = show / "episodes" / episode_folder(6) / "episode.yaml"
    text = yaml.read_bytes()
    yaml.unlink()  # a file of its own: the module's published show keeps its title
    yaml.write_bytes(text)
    edit_title(show, 6, "Six, retitled")
    result = pipeline.publish(show, today=TODAY)
    assert result.site_updated and not result.failed
    fresh = tmp_path / "fresh"
    shutil.copytree(show, fresh, ignore=shutil.ignore_patterns(".podpipe", "site", ".site*"))
    assert not pipeline.publish(fresh, today=TODAY).failed
    assert tree_bytes(fresh / "site") == tree_bytes(show / "site")


def test_a_page_changed_by_hand_is_rendered_again(show):
    page = show / "site" / "episodes" / episode_folder(4) / "index.html"
    good = page.read_bytes()
    page.write_bytes(b"<p>vandalised</p>")
    result = pipeline.publish(show, today=TODAY)
    assert result.site_updated
    assert page.read_bytes() == good


def test_a_large_site_leaves_its_folders_for_the_next_build(show, monkeypatch):
    """From SKELETON_FROM episodes the previous site's folders are kept, emptied, beside
    site/ and the next publish builds into them: the same site as a build from nothing,
    no file of the old one left, no folder of a removed episode."""
    monkeypatch.setattr(assemble, "SKELETON_FROM", 1)
    skeleton = assemble.staging_dir(pipeline.load(show)[0])
    edit_title(show, 2, "Two, once")
    pipeline.publish(show, today=TODAY)
    assert [p for p in skeleton.rglob("*") if not p.is_dir()] == []
    assert (show / ".podpipe" / assemble.EMPTIED).is_file()
    assert (skeleton / "episodes" / episode_folder(2)).is_dir()
    shutil.rmtree(show / "episodes" / episode_folder(5))
    (skeleton / "episodes" / "left-over.html").write_text("a killed run's")
    (show / ".podpipe" / assemble.EMPTIED).unlink()
    edit_title(show, 2, "Two, twice")
    result = pipeline.publish(show, today=TODAY)
    assert result.site_updated and not result.failed
    built = tree_bytes(show / "site")
    assert not (show / "site" / "episodes" / episode_folder(5)).exists()
    assert "left-over.html" not in str(sorted(built))
    shutil.rmtree(show / "site")
    shutil.rmtree(skeleton)
    (show / ".podpipe" / INDEX_FILE).unlink()
    pipeline.publish(show, today=TODAY, force=True)
    assert tree_bytes(show / "site") == built


def test_write_atomic_leaves_a_staging_tree_to_one_sync(tmp_path, monkeypatch):
    synced, fsynced = [], []
    monkeypatch.setattr(cache, "sync_file_system", synced.append)
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: fsynced.append(fd) or real_fsync(fd))
    staging = tmp_path / "staging"
    with cache.synced_at_end(staging):
        cache.write_atomic(staging / "a" / "page.html", "in staging")
        cache.write_atomic(tmp_path / "index.json", "elsewhere")
    assert synced == [staging] and len(fsynced) == 1  # index.json's own
    cache.write_atomic(staging / "b.html", "after")
    assert len(fsynced) == 2
    with pytest.raises(RuntimeError), cache.synced_at_end(staging):
        raise RuntimeError("a failed build is not synced (it is thrown away)")
    assert synced == [staging]
