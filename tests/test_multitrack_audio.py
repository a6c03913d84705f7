"""Multitrack episodes, the audio side, on real speech (espeak-ng, sox): alignment by
the bleed (offsets and clock drift), per-track leveling, crossgate and mix, checked with
ffmpeg's ebur128 meter on the MP3; bad tracks refused with their names."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.io import wavfile

from podpipe import audio
from podpipe.audio.tracks import align, envelope, gate_gains, prepare
from podpipe.config import AudioSettings, Track
from podpipe.errors import ProcessingError
from podpipe.media import Decoder, measure, run
from tests.multitrack_helpers import conversation, make_tracks, speak_all

STARTS = {"Ada Lindqvist": 0.0, "Ben Okafor": 0.35, "Chioma Eze": -1.2}
SPEEDS = {"Chioma Eze": 1.0001}  # 100 ppm: Chioma's recorder runs slow


@pytest.fixture(scope="session")
def spoken(tmp_path_factory):
    return speak_all(tmp_path_factory.mktemp("voices"))


@pytest.fixture(scope="module")
def two_minutes(spoken, tmp_path_factory):
    """Three tracks, two minutes, speakers 15 dB apart, mixed rates, drift on one."""
    folder = tmp_path_factory.mktemp("two-minutes")
    turns = conversation(spoken, 120, overlap_every=7)
    made = make_tracks(
        folder,
        spoken,
        turns,
        120,
        starts=STARTS,
        speeds=SPEEDS,
        gains_db={"Ben Okafor": -15.0},
        rates={"Chioma Eze": 16000},
    )
    return folder, turns, made


def tracks_of(made) -> tuple[Track, ...]:
    return tuple(Track(m.path, m.speaker) for m in made)


@pytest.mark.slow
def test_offsets_and_drift_recovered_over_ten_minutes(spoken, tmp_path):
    seconds = 600
    turns = conversation(spoken, seconds, seed=5, overlap_every=9)
    made = make_tracks(tmp_path, spoken, turns, seconds, starts=STARTS, speeds=SPEEDS)
    found = align([envelope(m.path) for m in made], [None] * 3)
    for m, a in zip(made, found, strict=True):
        start = max(0.0, m.start)
        assert abs(a.mapping.local(start) - m.local(start)) < 0.001, (m.speaker, a)
        end = seconds - 2
        assert abs(a.mapping.local(end) - m.local(end)) < 0.005, (m.speaker, a)
    assert abs(found[1].mapping.offset_s - 0.35) < 0.001
    assert abs(found[2].mapping.offset_s + 1.2) < 0.001
    assert abs(found[2].mapping.drift_ppm + 100) < 5  # 1/1.0001: 100 ppm fewer samples
    assert abs(found[1].mapping.drift_ppm) < 5
    assert all(a.confidence >= 0.8 for a in found[1:])


def test_mix_on_target_with_speakers_15_db_apart(two_minutes, tmp_path):
    _folder, _turns, made = two_minutes
    out = tmp_path / "mix.mp3"
    settings = AudioSettings()
    report = audio.master_tracks(tracks_of(made), out, settings)
    m = measure(out)
    assert abs(m.integrated_lufs - settings.target_lufs) <= 0.5, m
    assert m.true_peak_dbtp <= settings.true_peak_dbtp, m
    assert m.lra <= 6.0, m
    rows = {r["speaker"]: r for r in report.tracks}
    assert abs(rows["Ben Okafor"]["offset_s"] - 0.35) < 0.001
    assert abs(rows["Chioma Eze"]["offset_s"] + 1.2) < 0.001
    assert abs(rows["Chioma Eze"]["drift_ppm"] + 100) < 5
    # the quiet speaker is raised about 15 dB more than the others
    lift = rows["Ben Okafor"]["gain_db"] - rows["Ada Lindqvist"]["gain_db"]
    assert 13 <= lift <= 17, rows
    assert all(10 < r["gated_percent"] < 95 for r in rows.values()), rows
    # the mix starts where the earliest track starts: the first track is 1.2 s in
    assert report.timeline[0][0] == pytest.approx(-1.2, abs=0.001)
    assert report.output_time(0.0) == pytest.approx(1.2, abs=0.001)
    assert json.loads(json.dumps(report.to_dict()))["tracks"][0]["speaker"] == "Ada Lindqvist"


def test_crossgate_turns_bleed_down_and_keeps_word_starts(two_minutes):
    _folder, turns, made = two_minutes
    mixed = prepare(tracks_of(made))
    start = mixed.timeline.start_r
    for k, m in enumerate(made):
        speaks = mixed.plans[k].speaks

        gains = gate_gains(speaks, 18.0)
        own = [t for t in turns if t.speaker == m.speaker]
        other = [t for t in turns if t.speaker != m.speaker]
        # at each of this speaker's word starts the gate is (nearly) open
        for t in own:
            frame = int((t.start + 0.03 - start) * 100)
            assert gains[frame] > 0.9, (m.speaker, t)
        # in the middle of another speaker's turn (nobody else talking) it is down
        quiet = [
            t
            for t in other
            if not any(o.start < t.end and o.end > t.start for o in own) and t.end - t.start > 2
        ]
        held = [gains[int(((t.start + t.end) / 2 - start) * 100)] for t in quiet]
        assert held and np.median(held) < 0.2, (m.speaker, held)


def test_aac_tracks_align_like_wav(two_minutes, tmp_path):
    """Zoom and Riverside export M4A (AAC), where ffmpeg's seeking is tens of ms off:
    the windows are read in order, so the offsets hold."""
    _folder, _turns, made = two_minutes
    m4a = []
    for m in made:
        target = tmp_path / f"{m.path.stem}.m4a"
        run(["-i", str(m.path), "-c:a", "aac", "-b:a", "64k", str(target)])
        m4a.append(target)
    found = align([envelope(p) for p in m4a], [None] * 3)
    assert abs(found[1].mapping.offset_s - 0.35) < 0.001
    assert abs(found[2].mapping.offset_s + 1.2) < 0.001


def test_stereo_mix_spreads_speakers(two_minutes, tmp_path):
    _folder, _turns, made = two_minutes
    out = tmp_path / "stereo.mp3"
    audio.master_tracks(tracks_of(made)[:2], out, AudioSettings(channels=2))
    with Decoder(out, sample_rate=44100, channels=2, chunk_frames=44100 * 200) as dec:
        x = np.concatenate(list(dec))
    left, right = (x[:, 0] ** 2).sum(), (x[:, 1] ** 2).sum()
    assert 0.2 < left / (left + right) < 0.8
    assert not np.allclose(x[:, 0], x[:, 1], atol=1e-3)  # not a mono mix twice


def test_no_bleed_says_which_track_and_how_to_set_offset(spoken, tmp_path):
    turns = conversation(spoken, 60, speakers=("Ada Lindqvist", "Ben Okafor"))
    made = make_tracks(
        tmp_path,
        spoken,
        turns,
        60,
        starts={"Ada Lindqvist": 0.0, "Ben Okafor": 0.5},
        bleed_db=-300.0,
    )
    tracks = tracks_of(made)
    with pytest.raises(ProcessingError) as e:
        prepare(tracks)
    message = str(e.value)
    assert "track 2" in message and made[1].path.name in message
    assert "tracks[1].offset" in message
    # with the offset set by hand it mixes
    fixed = (tracks[0], Track(made[1].path, made[1].speaker, offset=0.5))
    mixed = prepare(fixed)
    assert mixed.timeline.alignments[1].mapping.offset_s == pytest.approx(0.5)


def test_bad_tracks_are_named(two_minutes, tmp_path):
    _folder, _turns, made = two_minutes
    tracks = tracks_of(made)
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not really a wave file" * 100)
    with pytest.raises(ProcessingError) as e:
        prepare((tracks[0], Track(broken, "Ben Okafor")))
    assert e.value.file == broken
    silent = tmp_path / "silent.wav"
    wavfile.write(silent, 22050, np.zeros(22050 * 120, np.int16))
    with pytest.raises(ProcessingError) as e:
        prepare((tracks[0], Track(silent, "Ben Okafor", offset=0.0)))
    assert e.value.file == silent and "silent" in str(e.value)
    short = tmp_path / "short.wav"
    wavfile.write(
        short, 22050, (np.random.default_rng(1).standard_normal(22050 * 20) * 3000).astype(np.int16)
    )
    with pytest.raises(ProcessingError) as e:
        prepare((tracks[0], Track(short, "Ben Okafor", offset=0.0)))
    assert "cut short" in str(e.value) or "no speech" in str(e.value)
    out = tmp_path / "never.mp3"
    with pytest.raises(ProcessingError):
        audio.master_tracks((tracks[0], Track(broken, "Ben Okafor")), out, AudioSettings())
    assert not out.exists() and not list(tmp_path.glob(".never.mp3*"))
