"""The transcription stage end to end: real recordings, real Whisper weights, real parsers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import srt
import webvtt

from podpipe import transcribe as stage
from podpipe.config import TranscriptionSettings
from podpipe.errors import ProcessingError, RequestError
from podpipe.transcribe import MAX_LINE, MAX_LINES, openai_whisper_engine
from tests.show_helpers import podpipe
from tests.transcribe_helpers import (
    BLEED_GUEST,
    BLEED_HOST,
    JFK,
    JFK_TEXT,
    SCRIPT_TEXT,
    STEREO,
    STEREO_LEFT,
    STEREO_RIGHT,
    double_ender_with_bleed,
    ffmpeg,
    noise,
    silence,
    spoken_script,
    tones,
    wer,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = TranscriptionSettings()
OPENAI = TranscriptionSettings(engine="openai-whisper")


def _openai_missing() -> str | None:
    try:
        import torch  # noqa: F401
        import whisper  # noqa: F401
    except ImportError as e:
        return (
            f"openai-whisper engine not installed ({e}); install with "
            "`pip install torch==2.13.0 && pip install openai-whisper`"
        )
    return None


needs_openai = pytest.mark.skipif(_openai_missing() is not None, reason=_openai_missing() or "")


@pytest.fixture(scope="session")
def openai_checkpoint(tmp_path_factory):
    """Build the openai-whisper tiny.en checkpoint once, in a private cache folder."""
    if _openai_missing():
        pytest.skip(_openai_missing())
    cache = tmp_path_factory.mktemp("podpipe-cache")
    old = os.environ.get("PODPIPE_CACHE_DIR")
    os.environ["PODPIPE_CACHE_DIR"] = str(cache)
    path, _heads = stage.converted_checkpoint(stage.bundled_model_dir())
    yield Path(path)
    if old is None:
        os.environ.pop("PODPIPE_CACHE_DIR", None)
    else:
        os.environ["PODPIPE_CACHE_DIR"] = old


def _read(out: Path, report, fmt: str) -> str:
    return (out / report.files[fmt]).read_text(encoding="utf-8")


def _check_files(out: Path, report) -> tuple[list, list, dict, str]:
    """Every format parses with a real parser and keeps the cue and time rules."""
    assert set(report.files) == {"vtt", "srt", "json", "txt"}
    vtt = webvtt.from_string(_read(out, report, "vtt")).captions
    subs = list(srt.parse(_read(out, report, "srt")))
    doc = json.loads(_read(out, report, "json"))
    assert doc["version"] == "1.0.0" and isinstance(doc["segments"], list)
    assert len(vtt) == len(subs) == len(doc["segments"]) == report.segment_count
    by_speaker: dict = {}
    for seg in doc["segments"]:
        assert set(seg) <= {"speaker", "startTime", "endTime", "body"}
        assert 0 <= seg["startTime"] <= seg["endTime"] <= report.duration_s
        previous = by_speaker.get(seg.get("speaker"), 0.0)
        assert seg["startTime"] >= previous  # monotonic, per speaker
        by_speaker[seg.get("speaker")] = seg["endTime"]
    for caption in vtt:
        lines = caption.text.split("\n")
        assert len(lines) <= MAX_LINES and all(len(line) <= MAX_LINE for line in lines)
    return vtt, subs, doc, _read(out, report, "txt")


# --------------------------------------------------------------------------- real speech


@pytest.mark.slow
def test_default_engine_transcribes_jfk_within_10_percent_wer(tmp_path):
    seen = []
    report = stage.transcribe(
        JFK, tmp_path, DEFAULT, stem="jfk", progress=lambda done, total: seen.append((done, total))
    )
    vtt, subs, doc, txt = _check_files(tmp_path, report)
    assert wer(JFK_TEXT, txt) <= 0.10
    assert wer(JFK_TEXT, " ".join(s["body"] for s in doc["segments"])) <= 0.10
    assert report.engine == "faster-whisper" and report.model == "tiny.en"
    assert report.files == {f: f"jfk.{f}" for f in ("vtt", "srt", "json", "txt")}
    assert report.word_count == len(JFK_TEXT.split()) and not report.warnings
    assert report.duration_s == pytest.approx(11.0, abs=0.1)
    assert seen[-1] == (report.duration_s, report.duration_s)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "jfk.json",
        "jfk.srt",
        "jfk.txt",
        "jfk.vtt",
        "jfk.words.json",  # the decoder's words and their probabilities (transcript review)
    ]  # no temp leftovers


@pytest.mark.slow
@needs_openai
def test_openai_engine_transcribes_jfk_with_the_converted_tiny_en(tmp_path, openai_checkpoint):
    report = stage.transcribe(JFK, tmp_path, OPENAI)
    _vtt, _subs, _doc, txt = _check_files(tmp_path, report)
    assert report.engine == "openai-whisper"
    assert wer(JFK_TEXT, txt) <= 0.10
    assert openai_checkpoint.is_file()


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings",
    [DEFAULT, pytest.param(OPENAI, marks=needs_openai)],
    ids=["faster-whisper", "openai-whisper"],
)
def test_stereo_double_ender_is_labelled_by_channel(tmp_path, settings, request):
    if settings.engine == "openai-whisper":
        request.getfixturevalue("openai_checkpoint")
    report = stage.transcribe(STEREO, tmp_path, settings, speakers=("Host", "Guest"))
    vtt, subs, doc, txt = _check_files(tmp_path, report)
    assert report.speakers == ["Host", "Guest"]
    assert {c.voice for c in vtt} == {"Host", "Guest"}
    assert {s["speaker"] for s in doc["segments"]} == {"Host", "Guest"}
    said = {
        name: " ".join(s["body"] for s in doc["segments"] if s["speaker"] == name)
        for name in ("Host", "Guest")
    }
    assert wer(STEREO_LEFT, said["Host"]) <= 0.15
    assert wer(STEREO_RIGHT, said["Guest"]) <= 0.15
    assert "Host: " in txt and "Guest: " in txt
    assert any(s.content.startswith("Guest: ") for s in subs)
    starts = [s["startTime"] for s in doc["segments"]]
    assert starts == sorted(starts)  # merged in time order


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings",
    [DEFAULT, pytest.param(OPENAI, marks=needs_openai)],
    ids=["faster-whisper", "openai-whisper"],
)
def test_microphone_bleed_is_not_transcribed_twice(tmp_path, settings, request):
    if settings.engine == "openai-whisper":
        request.getfixturevalue("openai_checkpoint")
    audio = double_ender_with_bleed(tmp_path)
    report = stage.transcribe(audio, tmp_path / "out", settings, speakers=("Host", "Guest"))
    _vtt, _subs, doc, _txt = _check_files(tmp_path / "out", report)
    said = {
        name: " ".join(s["body"] for s in doc["segments"] if s["speaker"] == name).lower()
        for name in ("Host", "Guest")
    }
    assert "tomatoes" not in said["Host"] and "balcony" not in said["Host"]
    assert "gardening" not in said["Guest"] and "cities" not in said["Guest"]
    assert wer(BLEED_HOST, said["Host"]) <= 0.25
    assert wer(BLEED_GUEST, said["Guest"]) <= 0.25


@pytest.mark.slow
def test_spoken_script_is_transcribed_accurately(tmp_path):
    audio, reference = spoken_script(tmp_path)
    report = stage.transcribe(audio, tmp_path / "out", DEFAULT)
    _vtt, _subs, _doc, txt = _check_files(tmp_path / "out", report)
    assert wer(SCRIPT_TEXT, txt) <= 0.10
    assert report.duration_s > 120


# --------------------------------------------------------------------------- no speech


@pytest.mark.slow
@pytest.mark.parametrize("make", [silence, noise, tones], ids=["silence", "noise", "tones"])
@pytest.mark.parametrize(
    "settings",
    [DEFAULT, pytest.param(OPENAI, marks=needs_openai)],
    ids=["faster-whisper", "openai-whisper"],
)
def test_no_speech_gives_an_empty_transcript_and_a_warning(tmp_path, make, settings, request):
    if settings.engine == "openai-whisper":
        request.getfixturevalue("openai_checkpoint")
    audio = make(tmp_path / "in.wav", 30.0)
    report = stage.transcribe(audio, tmp_path / "out", settings)
    _vtt, subs, doc, txt = _check_files(tmp_path / "out", report)
    assert report.word_count == 0 and report.empty and report.segment_count == 0
    assert doc == {"version": "1.0.0", "segments": []} and subs == [] and txt == ""
    assert report.warnings == ["in.wav: no speech found; the transcript is empty"]
    assert report.duration_s == pytest.approx(30.0, abs=0.05)


# --------------------------------------------------------------------------- bad input


def test_corrupt_audio_names_the_file_and_writes_nothing(tmp_path):
    bad = tmp_path / "episode.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt " + os.urandom(2000))
    out = tmp_path / "out"
    with pytest.raises(
        ProcessingError,
        match=r"episode\.wav: (not a readable audio file|the audio is truncated or corrupt)",
    ):
        stage.transcribe(bad, out, DEFAULT)
    assert not out.exists() or not any(out.iterdir())


def test_missing_audio_is_a_clear_error(tmp_path):
    with pytest.raises(ProcessingError, match="nope.flac: audio file not found"):
        stage.transcribe(tmp_path / "nope.flac", tmp_path, DEFAULT)


def test_unknown_language_is_a_clear_error(tmp_path):
    settings = TranscriptionSettings(language="xx")
    with pytest.raises(RequestError, match="unknown language code 'xx' for Whisper"):
        stage.transcribe(JFK, tmp_path, settings)
    with pytest.raises(RequestError, match="understands only English, not 'de'"):
        stage.transcribe(JFK, tmp_path, TranscriptionSettings(language="de"))
    assert not any(tmp_path.iterdir())


def test_missing_and_non_whisper_model_paths_are_clear_errors(tmp_path):
    with pytest.raises(ProcessingError, match="model folder not found"):
        stage.transcribe(JFK, tmp_path, TranscriptionSettings(model=str(tmp_path / "none")))
    not_a_model = tmp_path / "folder"
    not_a_model.mkdir()
    (not_a_model / "notes.txt").write_text("hello")
    with pytest.raises(ProcessingError, match="not a CTranslate2 Whisper model folder"):
        stage.transcribe(JFK, tmp_path, TranscriptionSettings(model=str(not_a_model)))


def test_a_model_that_cannot_be_had_offline_says_how_to_provide_one(tmp_path):
    settings = TranscriptionSettings(model="podpipe-tests/no-such-whisper-model")
    with pytest.raises(RequestError) as err:
        stage.transcribe(JFK, tmp_path, settings)
    assert "could not be downloaded" in str(err.value)
    assert "podpipe models fetch podpipe-tests/no-such-whisper-model" in str(err.value)
    assert "transcription.model in show.yaml" in str(err.value) and "tiny.en" in str(err.value)


@needs_openai
def test_openai_engine_rejects_a_non_checkpoint_file(tmp_path):
    fake = tmp_path / "model.pt"
    fake.write_bytes(b"not a torch file")
    with pytest.raises(ProcessingError, match="model.pt: not an openai-whisper checkpoint"):
        stage.transcribe(
            JFK, tmp_path, TranscriptionSettings(engine="openai-whisper", model=str(fake))
        )


def test_speakers_need_a_stereo_recording_with_different_channels(tmp_path):
    mono = tmp_path / "mono.wav"
    ffmpeg("-i", str(JFK), "-ac", "1", str(mono))
    with pytest.raises(ProcessingError, match="recording has 1; a double-ender needs"):
        stage.transcribe(mono, tmp_path, DEFAULT, speakers=("Host", "Guest"))
    # jfk.flac is stereo with the same audio on both channels: not a double-ender.
    with pytest.raises(ProcessingError, match="jfk.flac: speakers are named but both channels"):
        stage.transcribe(JFK, tmp_path, DEFAULT, speakers=("Host", "Guest"))
    with pytest.raises(RequestError, match="speakers must be two names"):
        stage.transcribe(STEREO, tmp_path, DEFAULT, speakers=("Host",))


# --------------------------------------------------------------------------- cache key


def test_cache_identity_changes_with_what_changes_the_words():
    base = stage.cache_identity(DEFAULT)
    json.dumps(base)  # the orchestrator hashes it as JSON
    assert base == stage.cache_identity(TranscriptionSettings())
    assert base == stage.cache_identity(TranscriptionSettings(threads=1))
    assert base["model"]["size"] == (stage.bundled_model_dir() / "model.bin").stat().st_size
    assert "faster-whisper 1." in base["engine_version"]
    for changed in (
        TranscriptionSettings(beam_size=2),
        TranscriptionSettings(vad=False),
        TranscriptionSettings(model="base.en"),
        OPENAI,
        TranscriptionSettings(language="de"),
        TranscriptionSettings(word_timestamps=True),
    ):
        assert stage.cache_identity(changed) != base


# --------------------------------------------------------------------------- command line


def _podpipe(*args: str) -> subprocess.CompletedProcess:
    return podpipe(*args, cwd=ROOT, timeout=300)


@pytest.mark.slow
def test_cli_transcribes_with_speakers(tmp_path):
    out = tmp_path / "out"
    proc = _podpipe("transcribe", str(STEREO), "-o", str(out), "--speakers", "Host, Guest")
    assert proc.returncode == 0, proc.stderr
    assert "words in" in proc.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"stereo_diarization.{f}" for f in ("json", "srt", "txt", "vtt", "words.json")]
    assert "<v Guest>" in (out / "stereo_diarization.vtt").read_text()


def test_cli_reports_a_bad_request_with_exit_code_2(tmp_path):
    """A wrong option value is the host's mistake, like a configuration error: exit 2."""
    proc = _podpipe("transcribe", str(JFK), "-o", str(tmp_path), "--language", "klingon")
    assert proc.returncode == 2
    assert "error: unknown language code 'klingon' for Whisper" in proc.stderr
    proc = _podpipe("transcribe", str(JFK), "-o", str(tmp_path), "--speakers", "A,B,C")
    assert proc.returncode == 2
    assert "speakers must be two names" in proc.stderr
    proc = _podpipe("transcribe", str(JFK), "-o", str(tmp_path), "--model", "no-such-model")
    assert proc.returncode == 2
    assert "cannot load Whisper model 'no-such-model'" in proc.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings",
    [DEFAULT, pytest.param(OPENAI, marks=needs_openai)],
    ids=["faster-whisper", "openai-whisper"],
)
def test_speech_after_a_long_pause_keeps_its_place_in_time(
    tmp_path, settings, request, monkeypatch
):
    """VAD cuts the pause out before decoding; times must be mapped back to the audio."""
    if settings.engine == "openai-whisper":
        request.getfixturevalue("openai_checkpoint")
    # Small groups make openai-whisper decode the two speeches in separate calls.
    monkeypatch.setattr(openai_whisper_engine, "OPENAI_GROUP_S", 5.0)
    audio = tmp_path / "pause.wav"
    ffmpeg("-i", str(JFK), "-af", "apad=pad_dur=20", "-ac", "1", str(tmp_path / "a.wav"))
    ffmpeg(
        "-i",
        str(tmp_path / "a.wav"),
        "-i",
        str(JFK),
        "-filter_complex",
        "[1:a]aformat=channel_layouts=mono[b];[0:a][b]concat=n=2:v=0:a=1",
        str(audio),
    )
    report = stage.transcribe(audio, tmp_path / "out", settings)
    _vtt, _subs, doc, txt = _check_files(tmp_path / "out", report)
    assert report.duration_s == pytest.approx(42.0, abs=0.2)
    early = " ".join(s["body"] for s in doc["segments"] if s["endTime"] <= 12.0)
    late = " ".join(s["body"] for s in doc["segments"] if s["startTime"] >= 30.0)
    assert wer(JFK_TEXT, early) <= 0.10 and wer(JFK_TEXT, late) <= 0.10
    assert wer(f"{JFK_TEXT} {JFK_TEXT}", txt) <= 0.10


def test_missing_openai_extra_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "whisper", None)  # as if the extra were not installed
    settings = TranscriptionSettings(engine="openai-whisper", threads=3)  # not a cached model
    with pytest.raises(ProcessingError, match=r"openai-whisper engine is not installed: pip"):
        stage.transcribe(JFK, tmp_path, settings)
