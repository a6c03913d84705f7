"""Guards on the transcription stage's input and output: speech that batched decoding
skipped, truncated audio, and model paths that are not Whisper models."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from podpipe import transcribe as stage
from podpipe.config import TranscriptionSettings
from podpipe.errors import ProcessingError
from tests.show_helpers import podpipe
from tests.transcribe_helpers import JFK, ffmpeg, normalize, wer

ROOT = Path(__file__).resolve().parent.parent
EPISODE = ROOT / "tests" / "data" / "interview-one-file.mp3"  # episode 1 as one recording


def _podpipe(*args: str) -> subprocess.CompletedProcess:
    return podpipe(*args, cwd=ROOT, timeout=300)


# --------------------------------------------------------------------------- coverage finder


def test_speech_with_text_over_it_is_covered():
    speech = [(0.0, 5.0), (5.0, 9.5)]
    text = [(0.2, 4.8), (5.1, 9.3)]
    assert stage.uncovered_speech(speech, text) == []


def test_a_pause_between_sentences_is_not_a_gap():
    # 1.5 s of speech with no text (a cough, a breath): below the 2 s threshold.
    speech = [(0.0, 4.0), (4.0, 5.5), (5.5, 9.0)]
    text = [(0.0, 4.0), (5.5, 9.0)]
    assert stage.uncovered_speech(speech, text) == []


def test_speech_after_the_last_text_is_a_gap_from_where_the_text_ends():
    speech = [(0.1, 30.0), (30.0, 62.7), (62.77, 75.7), (75.7, 80.6)]
    text = [(0.3, 20.0), (20.5, 62.88)]
    [gap] = stage.uncovered_speech(speech, text)
    assert gap[0] == pytest.approx(62.88)  # starts where the text stops, so no word is cut
    assert gap[1] == pytest.approx(80.6)
    assert gap[2] == pytest.approx(80.6 - 62.88 - stage.GAP_PAD_S, abs=0.01)


def test_gaps_between_texts_and_before_the_first_text_are_found_separately():
    speech = [(0.0, 4.0), (4.0, 10.0), (12.0, 20.0), (20.0, 30.0)]
    text = [(4.5, 9.8), (20.1, 29.0)]
    gaps = stage.uncovered_speech(speech, text)
    # the second stretch starts where the text ends, inside the speech of 4-10 s
    assert [(round(a, 2), round(b, 2)) for a, b, _ in gaps] == [(0.0, 4.5), (9.8, 20.1)]
    assert gaps[1][2] == pytest.approx(20.1 - stage.GAP_PAD_S - 12.0, abs=0.01)


def test_no_text_at_all_leaves_all_speech_uncovered():
    assert stage.uncovered_speech([(1.0, 3.0), (5.0, 8.0)], []) == [(1.0, 8.0, 5.0)]
    assert stage.uncovered_speech([], []) == []


def test_only_stretches_without_text_long_enough_for_a_gap_are_searched_for_speech():
    spans = [(0.5, 20.0), (21.0, 40.0), (39.0, 62.88)]
    assert stage.untexted(spans, 81.5, 3.0) == [(62.88, 81.5)]
    assert stage.untexted([], 30.0, 3.0) == [(0.0, 30.0)]
    assert stage.untexted([(4.0, 10.0), (10.5, 30.0)], 30.0, 3.0) == [(0.0, 4.0)]
    assert stage.untexted([(0.0, 30.0)], 30.0, 3.0) == []


def test_the_gap_warning_says_how_much_speech_and_where():
    message = stage.gap_warning("ep.mp3", (63.4, 80.6, 17.2), speaker=None)
    assert message == "ep.mp3: no text for 17.2 s of speech at 1:03-1:20"
    message = stage.gap_warning("ep.wav", (3700.0, 3725.5, 20.0), speaker="Ana")
    assert message == "ep.wav: no text for 20.0 s of Ana's speech at 1:01:40-1:02:05"


# --------------------------------------------------------------------------- the guard


def _tail_words(report, out: Path, since: float) -> str:
    import json

    doc = json.loads((out / report.files["json"]).read_text())
    return " ".join(s["body"] for s in doc["segments"] if s["startTime"] >= since)


def test_a_segment_that_runs_into_a_loop_is_cut_where_the_loop_starts():
    """Its words past the phrase's first time are dropped and it ends where that ends:
    the speech the loop stood for has no text, so fill_gaps decodes it again."""
    said = [
        (0.0, 0.5, " Ingrid"),
        (0.5, 1.0, " keeps,"),
        (1.0, 1.5, " Tariq"),
        (1.5, 2.0, " Halvorsen,"),
    ]
    looped = [(2.0 + i, 2.5 + i, w) for i in range(0, 8, 2) for w in (" Tariq", " Halvorsen,")]
    words = tuple(stage.Word(*w) for w in said + looped)
    seg = stage.Segment(0.0, 24.3, "".join(w.text for w in words).strip(), "Host", words)
    cut = stage.cut_loop(seg)
    assert (cut.start, cut.end, cut.speaker) == (0.0, 2.0, "Host")
    assert cut.text == "Ingrid keeps, Tariq Halvorsen," and cut.words == words[:4]
    plain = stage.Segment(0.0, 3.0, "I said no, no, no to that.", None, words[:3])
    assert stage.cut_loop(plain) is plain


HELD_OUT = """Good evening and welcome to Data After Dark.  My name is Sofia Marchetti and
tonight we talk about NumPy.  Kwame Mensah built a dashboard with seaborn over the
summer.  Ingrid Halvorsen keeps her survey answers in PostgreSQL.  Tariq Haddad wrote
to us about his first Jupyter notebook.  Sofia Marchetti thinks NumPy arrays are worth
learning early.  Later, Ingrid Halvorsen shows a heat map she drew in seaborn.  Kwame
Mensah asked whether PostgreSQL can store JSON."""
GLOSSARY = "Sofia Marchetti, Kwame Mensah, Ingrid Halvorsen, Tariq Haddad, Data After Dark, "
GLOSSARY += "NumPy, Jupyter, PostgreSQL, seaborn"


@pytest.mark.slow
def test_speech_a_decoding_loop_stood_for_is_transcribed_again(tmp_path):
    """Given this glossary, tiny.en's batched decoding of the first 24 s of this
    espeak-ng script ends in "Tariq Halvorsen, Tariq Halvorsen, ..." and loses four
    sentences (bench/bench_vocabulary.py, held out); the guard decodes them again."""
    wav = tmp_path / "script.wav"
    text = " ".join(HELD_OUT.split())
    subprocess.run(["espeak-ng", "-v", "en-gb+m3", "-s", "160", "-w", str(wav), text], check=True)
    stage.transcribe(wav, tmp_path / "out", TranscriptionSettings(), vocabulary=GLOSSARY)
    got = " ".join(normalize((tmp_path / "out" / "transcript.txt").read_text()))
    assert "heat map" in got and "jupyter notebook" in got
    assert got.count("tariq halvorsen") <= 1


@pytest.mark.slow
def test_speech_that_batched_decoding_skips_is_transcribed_again(tmp_path):
    """With beam 3, batched Whisper stops after 62.9 s of this episode and drops the
    club announcement; the guard finds the speech with no text and decodes it again."""
    b3 = stage.transcribe(EPISODE, tmp_path / "b3", TranscriptionSettings(beam_size=3))
    b5 = stage.transcribe(EPISODE, tmp_path / "b5", TranscriptionSettings(beam_size=5))
    tail3 = _tail_words(b3, tmp_path / "b3", 62.5)
    tail5 = _tail_words(b5, tmp_path / "b5", 62.5)
    assert len(normalize(tail5)) >= 35  # the announcement is there with beam 5
    assert "september" in normalize(tail3) and "resources" in normalize(tail3)
    assert wer(tail5, tail3) <= 0.35
    assert abs(b3.word_count - b5.word_count) <= 10  # nothing transcribed twice
    assert not b3.warnings and not b5.warnings


@pytest.mark.slow
def test_speech_still_without_text_is_a_warning_in_the_report(tmp_path, monkeypatch):
    """When the second, sequential pass finds no words either (modelled here by
    switching it off), the report says how much speech has no text, and where."""
    monkeypatch.setattr(stage.FasterWhisper, "retry", lambda self, audio, **options: iter(()))
    report = stage.transcribe(EPISODE, tmp_path, TranscriptionSettings(beam_size=3))
    [warning] = report.warnings
    assert warning.startswith("interview-one-file.mp3: no text for 1")  # 17-18 s of speech
    assert warning.endswith(" of speech at 1:02-1:20")


# --------------------------------------------------------------------------- truncated audio


@pytest.fixture(scope="module")
def halves(tmp_path_factory):
    """The first half of a WAV, an MP3 and a FLAC: what an interrupted copy leaves."""
    folder = tmp_path_factory.mktemp("halves")
    wav = folder / "full.wav"
    ffmpeg("-i", str(JFK), "-af", "apad=pad_dur=10", "-ac", "1", str(wav))
    out = []
    for ext, codec in (("wav", []), ("mp3", ["-b:a", "64k"]), ("flac", [])):
        full = folder / f"full.{ext}"
        if ext != "wav":
            ffmpeg("-i", str(wav), *codec, str(full))
        half = folder / f"half.{ext}"
        data = full.read_bytes()
        half.write_bytes(data[: len(data) // 2])
        out.append(half)
    return out


def test_truncated_audio_is_refused_like_the_audio_stage_does(tmp_path, halves):
    for half in halves:
        out = tmp_path / half.suffix[1:]
        with pytest.raises(
            ProcessingError, match=rf"{half.name}: the audio is truncated or corrupt"
        ):
            stage.transcribe(half, out, TranscriptionSettings())
        assert not out.exists() or not any(out.iterdir())


def test_cli_exits_1_on_truncated_audio_and_writes_nothing(tmp_path, halves):
    half = halves[1]  # the MP3: the case that used to give 233 words and exit 0
    proc = _podpipe("transcribe", str(half), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1, proc.stdout
    assert "truncated or corrupt" in proc.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# --------------------------------------------------------------------------- openai-whisper models


def _openai_missing() -> bool:
    try:
        import torch  # noqa: F401
        import whisper  # noqa: F401
    except ImportError:
        return True
    return False


needs_openai = pytest.mark.skipif(_openai_missing(), reason="openai-whisper not installed")


@needs_openai
def test_openai_engine_says_a_text_file_is_not_a_whisper_checkpoint(tmp_path):
    fake = tmp_path / "notamodel.pt"
    fake.write_text("these are my notes, not a model\n" * 20)
    settings = TranscriptionSettings(engine="openai-whisper", model=str(fake))
    with pytest.raises(ProcessingError) as err:
        stage.transcribe(JFK, tmp_path / "out", settings)
    message = str(err.value)
    assert "notamodel.pt: not an openai-whisper checkpoint" in message
    assert "transcription.model" in message and "tiny.en" in message  # what to set instead
    assert not (tmp_path / "out").exists()


@needs_openai
def test_openai_engine_says_a_folder_is_not_a_checkpoint_file(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    settings = TranscriptionSettings(engine="openai-whisper", model=str(folder))
    with pytest.raises(ProcessingError) as err:
        stage.transcribe(JFK, tmp_path / "out", settings)
    message = str(err.value)
    assert "a folder, not an openai-whisper checkpoint file" in message
    assert "not found" not in message
    assert ".pt" in message and "model.bin" in message  # what to pass instead


@needs_openai
def test_cli_exits_1_for_a_file_that_is_not_a_checkpoint(tmp_path):
    fake = tmp_path / "notamodel.pt"
    fake.write_text("hello\n")
    proc = _podpipe(
        "transcribe",
        str(JFK),
        "-o",
        str(tmp_path / "out"),
        "--engine",
        "openai-whisper",
        "--model",
        str(fake),
    )
    assert proc.returncode == 1
    assert "not an openai-whisper checkpoint" in proc.stderr
    assert "174812789" not in proc.stderr  # no raw unpickling error
