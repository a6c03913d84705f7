"""Plumbing of the orchestrator: stage order, atomic swap, cache, lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from podpipe import pipeline
from podpipe.cache import SourceHashes, StageCache, digest


def test_stage_order_is_pinned():
    assert [s.name for s in pipeline.STAGES] == ["audio", "transcript", "timeline", "notes", "tags"]


def test_swap_replaces_a_directory_in_one_step(tmp_path):
    site, new = tmp_path / "site", tmp_path / "new"
    site.mkdir()
    (site / "old.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    pipeline.swap_into_place(new, site)
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert not new.exists()


def test_swap_into_missing_target(tmp_path):
    new = tmp_path / "new"
    new.mkdir()
    pipeline.swap_into_place(new, tmp_path / "site")
    assert (tmp_path / "site").is_dir()


def test_stage_output_appears_only_when_finished(tmp_path):
    cache = StageCache(tmp_path)
    with pytest.raises(RuntimeError), cache.building("audio", "k1") as tmp:
        (tmp / "audio.mp3").write_bytes(b"partial")
        raise RuntimeError("killed")
    assert not cache.has("audio", "k1")
    assert list((tmp_path / "audio").iterdir()) == []  # no temporary left behind
    with cache.building("audio", "k1") as tmp:
        (tmp / "audio.mp3").write_bytes(b"done")
    assert (cache.path("audio", "k1") / "audio.mp3").read_bytes() == b"done"


def test_source_hashes_follow_content(tmp_path):
    f = tmp_path / "a.wav"
    f.write_bytes(b"one")
    hashes = SourceHashes(tmp_path / "hashes.json")
    first = hashes.of(f)
    hashes.save()
    f.write_bytes(b"two")
    assert SourceHashes(tmp_path / "hashes.json").of(f) != first


def test_digest_is_stable_and_sensitive():
    assert digest("a", {"x": 1}) == digest("a", {"x": 1})
    assert digest("a", {"x": 1}) != digest("a", {"x": 2})


def test_lock_refuses_a_second_holder(tmp_path):
    from podpipe.errors import BusyError

    class FakeShow:  # the lock only needs the show's folders
        root = tmp_path
        work_dir = tmp_path / ".podpipe"

    with pipeline.show_lock(FakeShow()):
        import subprocess
        import sys

        code = (
            "import fcntl,sys; f=open(sys.argv[1],'a+');\n"
            "try: fcntl.flock(f, fcntl.LOCK_EX|fcntl.LOCK_NB); print('got')\n"
            "except BlockingIOError: print('busy')"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(Path(FakeShow.work_dir, "lock"))],
            capture_output=True,
            text=True,
        ).stdout.strip()
        assert out == "busy"
    assert BusyError.exit_code == 1


def test_written_files_are_readable_by_a_web_server(tmp_path):
    """mkstemp makes files private (0600); a published page must not be."""
    import os
    import stat

    from podpipe.cache import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "feed.xml", "<rss/>")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "feed.xml").stat().st_mode) == 0o644


def test_tool_versions_read_from_folder_names_match_importlib_metadata():
    """The fingerprint reads versions from dist-info names (cheap); they must be the
    versions importlib.metadata reports, or an upgrade would go unnoticed."""
    from importlib import metadata

    from podpipe.pipeline.fingerprint import TOOL_DISTS, tool_versions

    dists = (*TOOL_DISTS, "click", "Jinja2", "ruamel.yaml", "no-such-distribution")
    expected = {}
    for dist in dists:
        try:
            expected[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            expected[dist] = ""
    assert tool_versions(dists) == expected
    assert expected["click"] and expected["no-such-distribution"] == ""
