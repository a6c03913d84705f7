"""Plumbing of the orchestrator: stage order, atomic swap, cache, lock."""

from __future__ import annotations

import concurrent.futures
import json
from pathlib import Path

import pytest

from podpipe import pipeline
from podpipe.cache import SourceHashes, StageCache, digest
from podpipe.pipeline import remote


def test_stage_order_is_pinned():
    assert [s.name for s in pipeline.STAGES] == [
        "audio",
        "transcript",
        "speakers",
        "timeline",
        "notes",
        "tags",
    ]


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


def test_retime_moves_every_cue_and_nothing_else(tmp_path):
    from podpipe import transcribe

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "t.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.500 align:start\n<v Ada>Hello --> there\n"
    )
    (src / "t.srt").write_text("1\n00:59:59,900 --> 01:00:00,400\nAda: Hello\n")
    (src / "t.json").write_text(
        '{"version": "1.0.0", "segments": [{"speaker": "Ada", "startTime": 1.0, '
        '"endTime": 2.5, "body": "Hello"}]}'
    )
    (src / "t.txt").write_text("Ada: Hello\n")
    files = {"vtt": "t.vtt", "srt": "t.srt", "json": "t.json", "txt": "t.txt"}
    transcribe.retime(src, out, files, lambda t: t + 3.5)
    assert (out / "t.vtt").read_text() == (
        "WEBVTT\n\n00:00:04.500 --> 00:00:06.000 align:start\n<v Ada>Hello --> there\n"
    )
    assert (out / "t.srt").read_text() == "1\n01:00:03,400 --> 01:00:03,900\nAda: Hello\n"
    seg = json.loads((out / "t.json").read_text())["segments"][0]
    assert seg == {"speaker": "Ada", "startTime": 4.5, "endTime": 6.0, "body": "Hello"}
    assert (out / "t.txt").read_text() == "Ada: Hello\n"
    # No edits: the same bytes the transcriber wrote.
    same = tmp_path / "same"
    transcribe.retime(src, same, {"vtt": "t.vtt", "srt": "t.srt"}, lambda t: t)
    assert (same / "t.vtt").read_bytes() == (src / "t.vtt").read_bytes()


def test_timeline_maps_source_times_and_adds_the_intro_chapter(tmp_path):
    import dataclasses

    from podpipe.config import AudioSettings, Chapter, load_show
    from podpipe.pipeline.stages import on_published_timeline
    from podpipe.records import AudioReport, output_time
    from tests.show_helpers import copy_sample_show

    # Two kept stretches: 0-10 s after a 3 s intro, 14-30 s after a removed pause.
    timeline = [[0.0, 10.0, 3.0], [14.0, 30.0, 13.0]]
    assert [output_time(timeline, t) for t in (0, 9.5, 12, 14, 20, 31)] == [
        3.0,
        12.5,
        13.0,
        13.0,
        19.0,
        30.0,
    ]
    assert output_time([], 7.25) == 7.25
    show = load_show(copy_sample_show(tmp_path / "show"))
    ep = show.episodes[0]
    report = AudioReport(None, None, None, None, None, None, None, 60.0, timeline=timeline)
    # Without an intro nothing moves: the episode is the same (cache keys unchanged).
    assert on_published_timeline(show, ep, AudioReport(*[None] * 7, 60.0)) == ep
    with_intro = dataclasses.replace(show, audio=AudioSettings(intro=tmp_path / "intro.wav"))
    moved = on_published_timeline(with_intro, ep, report)
    assert moved.chapters[0] == Chapter(0.0, "Intro")
    assert [c.start for c in moved.chapters[1:]] == [
        output_time(timeline, c.start) for c in ep.chapters
    ]
    assert [c.title for c in moved.chapters[1:]] == [c.title for c in ep.chapters]


def test_fingerprint_does_not_depend_on_where_the_show_folder_sorts(tmp_path, monkeypatch):
    """A show moved from a folder that sorts before podpipe's package to one that sorts
    after it has the same fingerprint (it looked changed when sorted by absolute path)."""
    import datetime as dt
    import shutil

    from podpipe.config import load_show
    from podpipe.pipeline import fingerprint
    from tests.show_helpers import copy_sample_show

    package = tmp_path / "m" / "podpipe"  # between the two show folders, by name
    for part in ("templates", "static"):
        shutil.copytree(fingerprint.PACKAGE_DIR / part, package / part)
    monkeypatch.setattr(fingerprint, "PACKAGE_DIR", package)
    first = copy_sample_show(tmp_path / "a" / "show")
    second = tmp_path / "z" / "show"
    second.parent.mkdir()
    shutil.copytree(first, second, copy_function=shutil.copy2)
    today = dt.date(2026, 11, 20)
    prints = [fingerprint.input_fingerprint(load_show(s), today, {}) for s in (first, second)]
    assert prints[0] == prints[1]


class _Recorder(concurrent.futures.Executor):
    """An executor that records what it is given and answers as a job that wrote its
    output in place (shared files) would."""

    def __init__(self, takes_priority: bool):
        self.takes_priority = takes_priority
        self.calls: list[tuple[str, dict]] = []

    def submit(self, fn, /, *args, **kwargs):
        self.calls.append((args[0], kwargs))
        done: concurrent.futures.Future = concurrent.futures.Future()
        done.set_result(None)
        return done


@pytest.mark.parametrize("takes_priority", [True, False])
def test_whisper_jobs_go_to_a_cluster_before_audio_jobs(tmp_path, takes_priority):
    """On a cluster (an executor that takes priorities) a Whisper job outranks an audio
    job, so the workers take the long jobs first; a process pool gets no such argument."""
    source = tmp_path / "in.mp3"
    source.write_bytes(b"id3")
    executor = _Recorder(takes_priority)
    runner = remote.Runner(executor, shared_files=True)
    for kind in ("audio", "whisper"):
        runner.run(kind, {"source": source}, tmp_path / kind, settings=None)
    if takes_priority:
        assert executor.calls == [("audio", {"priority": 0}), ("whisper", {"priority": 1})]
    else:
        assert executor.calls == [("audio", {}), ("whisper", {})]
