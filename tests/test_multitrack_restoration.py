"""Multitrack restoration: every track is restored on its own (rumble, hum, noise) before
the crossgate, with its figures in its row of the report; and the same tracks give the
same MP3, byte for byte. Real speech (espeak-ng, sox), real DeepFilterNet."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.io import wavfile

from podpipe import audio
from podpipe.audio import denoise
from podpipe.config import AudioSettings, Track
from podpipe.media import measure
from podpipe.pipeline.report import track_note
from tests.multitrack_helpers import RATE, conversation, make_tracks, speak_all
from tests.show_helpers import REPO

SECONDS = 40
STARTS = {"Ada Lindqvist": 0.0, "Ben Okafor": 0.6, "Chioma Eze": -0.4}
NOISY = "Ben Okafor"
pytestmark = pytest.mark.slow  # the model on a track, several masterings


@pytest.fixture(scope="module")
def noisy_tracks(tmp_path_factory):
    """Three tracks; only Ben's carries loud room noise (-42 dBFS) and 50 Hz hum."""
    folder = tmp_path_factory.mktemp("restore")
    spoken = speak_all(folder / "voices")
    turns = conversation(spoken, SECONDS, seed=4)
    made = make_tracks(folder, spoken, turns, SECONDS, starts=STARTS, noise_db=-75.0)
    for m in made:
        if m.speaker == NOISY:
            rate, x = wavfile.read(m.path)
            assert rate == RATE
            rng = np.random.default_rng(11)
            t = np.arange(len(x)) / rate
            noise = 10 ** (-42 / 20) * rng.standard_normal(len(x))
            hum = 10 ** (-40 / 20) * (
                np.sin(2 * np.pi * 50 * t) + 0.5 * np.sin(2 * np.pi * 150 * t)
            )
            y = x / 32768 + noise + hum
            wavfile.write(m.path, rate, (np.clip(y, -1, 1) * 32767).astype(np.int16))
    return tuple(Track(m.path, m.speaker) for m in made)


def rows_of(report) -> dict[str, dict]:
    return {r["speaker"]: r for r in report.tracks}


@pytest.mark.skipif(not denoise.available(), reason=f"{denoise.PACKAGE} is not installed")
def test_only_the_noisy_track_is_denoised_and_notched(noisy_tracks, tmp_path):
    report = audio.master_tracks(noisy_tracks, tmp_path / "auto.mp3", AudioSettings())
    rows = rows_of(report)
    noisy = rows.pop(NOISY)
    assert noisy["denoise"] == "auto" and noisy["denoise_db"] >= 15, noisy
    assert noisy["hum_hz"] == pytest.approx(50, abs=0.5), noisy
    # the model took the floor well down on that track, before the crossgate
    assert noisy["output_noise_floor_db"] < noisy["noise_floor_db"] - 12, noisy
    # and the publish summary says so, on that track's line only
    floors = f"{noisy['noise_floor_db']:.0f} > {noisy['output_noise_floor_db']:.0f} dBFS"
    assert "; mains hum at 50.0 Hz" in track_note(noisy)
    assert track_note(noisy).endswith(f"dB): noise floor {floors}")
    assert all("noise" not in track_note(r) for r in rows.values())
    for row in rows.values():  # the clean tracks are left alone
        assert row["denoise"] is None and row["hum_hz"] is None, row
        assert "not needed" in row["restoration_note"], row
        assert abs(row["output_noise_floor_db"] - row["noise_floor_db"]) < 3, row
    # the mix itself is not restored a second time: one place says what was done
    assert report.denoise is None and report.hum_hz is None and report.highpass_hz == 75.0
    # and the published noise is lower than with restoration off
    off = audio.master_tracks(noisy_tracks, tmp_path / "off.mp3", AudioSettings(denoise="off"))
    assert rows_of(off)[NOISY]["denoise"] is None
    assert report.output_noise_floor_lufs < off.output_noise_floor_lufs - 3
    m = measure(tmp_path / "auto.mp3")
    assert abs(m.integrated_lufs - -16) <= 0.5 and m.true_peak_dbtp <= -1.0, m
    assert not list(tmp_path.glob(".*"))  # the spool of the restored mix is gone


@pytest.mark.skipif(not denoise.available(), reason=f"{denoise.PACKAGE} is not installed")
def test_the_same_noisy_tracks_give_the_same_bytes(noisy_tracks, tmp_path):
    """The restored mix is spooled once and read back: both runs byte-identical."""
    a, b = tmp_path / "a" / "out.mp3", tmp_path / "b" / "out.mp3"
    report = audio.master_tracks(noisy_tracks, a, AudioSettings())
    audio.master_tracks(noisy_tracks, b, AudioSettings())
    assert rows_of(report)[NOISY]["denoise"] == "auto"
    assert a.read_bytes() == b.read_bytes()


def test_the_sample_episodes_tracks_give_the_same_bytes(tmp_path):
    """The sample show's multitrack episode, mastered twice into fresh folders."""
    folder = REPO / "episodes/001-why-a-learning-club"
    names = {"ada.mp3": "Ada Lindqvist", "ben.mp3": "Ben Okafor", "elena.mp3": "Elena Sato"}
    tracks = tuple(Track(folder / f, who) for f, who in names.items())
    first, second = tmp_path / "1" / "a.mp3", tmp_path / "2" / "a.mp3"
    report = audio.master_tracks(tracks, first, AudioSettings())
    audio.master_tracks(tracks, second, AudioSettings())
    assert first.read_bytes() == second.read_bytes()
    late = rows_of(report)["Ben Okafor"]
    assert late["offset_s"] == pytest.approx(0.8, abs=0.002)  # tools/make_sample_show.py
