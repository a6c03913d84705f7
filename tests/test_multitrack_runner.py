"""A multitrack episode's audio goes through the same runner as a one-file episode's:
here, in local processes (one file system) and as bytes (what a cluster gets), with the
same MP3 bytes each way."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from podpipe import audio
from podpipe.config import AudioSettings, Track
from podpipe.pipeline.remote import LOCAL, Runner
from tests.show_helpers import REPO

pytestmark = pytest.mark.slow  # four masterings, one in a new process
FOLDER = REPO / "episodes/001-why-a-learning-club"
TRACKS = (
    Track(FOLDER / "ada.mp3", "Ada Lindqvist"),
    Track(FOLDER / "ben.mp3", "Ben Okafor"),
    Track(FOLDER / "elena.mp3", "Elena Sato", gain_db=1.0),
)


@pytest.fixture(scope="module")
def local_mp3(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("local") / "audio.mp3"
    audio.master_tracks(TRACKS, out, AudioSettings())
    return out.read_bytes()


def run(runner: Runner, out):
    inputs = {f"track{i}": t.file for i, t in enumerate(TRACKS, 1)}
    out.mkdir()
    runner.run("tracks", inputs, out, settings=AudioSettings(), tracks=TRACKS)
    return (out / "audio.mp3").read_bytes(), json.loads((out / "report.json").read_text())


def test_here_in_processes_and_as_bytes_give_the_same_mp3(local_mp3, tmp_path):
    here, report = run(LOCAL, tmp_path / "here")
    assert here == local_mp3
    assert [r["file"] for r in report["tracks"]] == ["ada.mp3", "ben.mp3", "elena.mp3"]
    assert report["tracks"][2]["speaker"] == "Elena Sato"
    with ProcessPoolExecutor(1) as pool:
        shared, _ = run(Runner(pool, shared_files=True), tmp_path / "processes")
    assert shared == local_mp3
    with ThreadPoolExecutor(1) as pool:  # the inputs travel as bytes, the outputs come back
        sent, report = run(Runner(pool, shared_files=False), tmp_path / "bytes")
    assert sent == local_mp3
    assert [r["file"] for r in report["tracks"]] == ["ada.mp3", "ben.mp3", "elena.mp3"]
    assert report["tracks"][1]["offset_s"] == pytest.approx(0.8, abs=0.002)
