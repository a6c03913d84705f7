"""The stage itself: transcribe() one recording, and the cache identity of its settings."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from podpipe.config import TranscriptionSettings
from podpipe.errors import RequestError
from podpipe.records import TranscriptReport
from podpipe.transcribe.convert import CONVERTER_VERSION
from podpipe.transcribe.corrections import apply_corrections, fit_lines
from podpipe.transcribe.cues import MAX_LINE, MAX_LINES, Segment, split_cues, tidy_times, word_count
from podpipe.transcribe.decode import SAMPLE_RATE, decode_audio
from podpipe.transcribe.engine import Engine
from podpipe.transcribe.engines import load_engine
from podpipe.transcribe.faster_whisper_engine import BATCH_SIZE, DEFAULT_BEAM_SIZE
from podpipe.transcribe.gaps import fill_gaps, gap_warning
from podpipe.transcribe.guards import clean_segments, isolate_speakers
from podpipe.transcribe.models import model_identity
from podpipe.transcribe.pauses import shifted, split_at_pauses
from podpipe.transcribe.snap import SNAP_VERSION, snap_segments
from podpipe.transcribe.writers import WORDS_SUFFIX, write_transcripts, write_words

# bump when podpipe's own processing changes the output (4: <stem>.words.json; 5: cues
# split at pauses, multitrack; 6: speech a decoding loop stood for decoded again)
STAGE_VERSION = 6
EDITED_VERSION = 1  # bump when the hand-edited or corrected path changes its output

Progress = Callable[[float, float], None]


def transcribe(
    source: Path,
    out_dir: Path,
    settings: TranscriptionSettings,
    *,
    speakers: tuple[str, ...] = (),
    stem: str = "transcript",
    vocabulary: str = "",
    names: Sequence[str] = (),
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> TranscriptReport:
    """Transcribe ``source`` into ``out_dir/<stem>.{vtt,srt,json,txt}``.

    With two ``speakers`` the recording must be stereo: each channel is transcribed
    on its own and the segments are merged in time order, labelled with the names.
    ``vocabulary`` (vocabulary.decoder_vocabulary) is the glossary the decoder gets;
    a near miss of one of ``names`` (vocabulary.show_terms without titles) is then
    spelled as the show spells it, in place (snap.snap_segments; the pairs are kept in
    <stem>.words.json).
    ``engine``: an engine loaded already (default: the one ``settings`` name).
    Raises ProcessingError for unreadable audio, a bad model or an unknown language.
    """
    started = time.monotonic()
    source = Path(source)
    speakers = _check_speakers(speakers)
    engine = engine or load_engine(settings)
    channels = decode_audio(source, channels=len(speakers) or 1)
    if len(channels) == 2:
        channels = isolate_speakers(*channels)
    return transcribe_arrays(
        channels,
        speakers,
        out_dir,
        settings,
        engine=engine,
        name=source.name,
        stem=stem,
        vocabulary=vocabulary,
        names=names,
        progress=progress,
        started=started,
    )


def transcribe_arrays(
    channels: list,
    speakers: tuple[str, ...],
    out_dir: Path,
    settings: TranscriptionSettings,
    *,
    engine: Engine | None = None,
    name: str,
    stem: str = "transcript",
    vocabulary: str = "",
    names: Sequence[str] = (),
    progress: Progress | None = None,
    started: float | None = None,
    shift: float = 0.0,
) -> TranscriptReport:
    """Transcribe decoded 16 kHz arrays on one timeline, one per speaker (or one
    unnamed), into every format; ``name`` is what warnings call the recording, and
    ``shift`` moves every time (a multitrack mix onto its first track's timeline)."""
    started = time.monotonic() if started is None else started
    engine = engine or load_engine(settings)
    language = _check_language(settings.language, engine)
    duration = len(channels[0]) / SAMPLE_RATE
    warnings: list[str] = []
    options = {"language": language, "beam_size": beam_size(settings), "vocabulary": vocabulary}
    segments = _transcribe_channels(
        engine, channels, speakers, settings, options, progress, warnings, name
    )
    if shift:
        segments, duration = shifted(segments, shift), duration + shift
    # a segment never spans a long pause (the other speaker's turn): text in time order
    segments = clean_segments(split_at_pauses(segments), duration)
    # near misses of the show's names spelled as the show does, where they were said
    text_segments, snapped = snap_segments(segments, names) if names else (segments, [])
    cues = tidy_times(split_cues(text_segments), duration)
    files = write_transcripts(out_dir, stem, text_segments, cues)
    write_words(out_dir / f"{stem}{WORDS_SUFFIX}", segments, snapped)
    words = word_count(segments)
    if words == 0:
        warnings.append(f"{name}: no speech found; the transcript is empty")
    return TranscriptReport(
        engine=engine.name,
        model=engine.model_label,
        language=language,
        duration_s=round(duration, 3),
        word_count=words,
        segment_count=len(cues),
        files=files,
        speakers=list(speakers),
        seconds_taken=round(time.monotonic() - started, 3),
        warnings=warnings,
    )


def from_cues(
    cues: list[Segment],
    out_dir: Path,
    report: TranscriptReport,
    *,
    corrections: Iterable[tuple[str, str]] = (),
    stem: str = "transcript",
) -> TranscriptReport:
    """Every format from finished cues (a hand-edited transcript, or Whisper's cues
    read back), with ``corrections`` applied; ``report`` says where they came from.

    The text file is written from the cues too, so its paragraphs follow them.
    """
    cues, _counts = apply_corrections(cues, corrections)
    cues = fit_lines(cues)
    files = write_transcripts(out_dir, stem, cues, cues)
    return dataclasses.replace(
        report,
        word_count=word_count(cues),
        segment_count=len(cues),
        files=files,
        speakers=report.speakers or list(dict.fromkeys(c.speaker for c in cues if c.speaker)),
    )


def edited_report(
    file: Path, cues: list[Segment], settings: TranscriptionSettings
) -> TranscriptReport:
    """The report of a hand-edited transcript (from_cues fills in the counts)."""
    return TranscriptReport(
        engine="hand-edited",
        model=file.name,
        language=settings.language,
        duration_s=round(max((c.end for c in cues), default=0.0), 3),
        word_count=0,
        segment_count=0,
    )


def _transcribe_channels(
    engine: Engine,
    channels: list,
    speakers: tuple[str, ...],
    settings: TranscriptionSettings,
    options: dict,
    progress: Progress | None,
    warnings: list[str],
    name: str,
) -> list[Segment]:
    """Each channel in turn, labelled with its speaker; progress over all of them, in
    seconds of the episode (a double-ender's two channels share one timeline).

    With VAD on, speech left without text is decoded again (fill_gaps); what is still
    missing after that becomes a warning in ``warnings``.
    """
    duration = len(channels[0]) / SAMPLE_RATE
    share = 1 / len(channels)
    segments: list[Segment] = []
    for i, samples in enumerate(channels):
        speaker = speakers[i] if speakers else None
        found = []
        for seg in engine.segments(
            samples, vad=settings.vad, word_timestamps=settings.word_timestamps, **options
        ):
            found.append(seg)
            if progress:
                progress(min(duration, (i * duration + seg.end) * share), duration)
        if settings.vad:
            found, missing = fill_gaps(engine, samples, found, options)
            warnings.extend(gap_warning(name, gap, speaker) for gap in missing)
        segments.extend(Segment(s.start, s.end, s.text, speaker, s.words) for s in found)
    if progress:
        progress(duration, duration)
    return segments


def beam_size(settings: TranscriptionSettings) -> int:
    return settings.beam_size or DEFAULT_BEAM_SIZE


def decoding_mode(settings: TranscriptionSettings) -> str:
    if settings.engine == "faster-whisper" and settings.vad:
        return f"batched({BATCH_SIZE}), word-aligned cues, skipped speech decoded again"
    if settings.vad:
        return "sequential, skipped speech decoded again"
    return "sequential"


def cache_identity(settings: TranscriptionSettings) -> dict:
    """Everything that changes the transcript, for the orchestrator's cache key.

    Threads are left out: they change the speed, not the words.
    """
    return {
        "stage_version": STAGE_VERSION,
        "engine": settings.engine,
        "engine_version": _engine_version(settings.engine),
        "model": model_identity(settings),
        "language": settings.language,
        "beam_size": beam_size(settings),
        "vad": settings.vad,
        "word_timestamps": settings.word_timestamps,
        "compute_type": "int8" if settings.engine == "faster-whisper" else "float32",
        "condition_on_previous_text": False,
        "decoding": decoding_mode(settings),
        "cue_limits": [MAX_LINE, MAX_LINES],
        "snap": SNAP_VERSION,  # how near misses of the show's names are spelled
        "converter": _converter_version(settings),
    }


def _converter_version(settings: TranscriptionSettings) -> int | None:
    """openai-whisper runs tiny.en (and CTranslate2 folders) through our converter."""
    if settings.engine != "openai-whisper" or settings.model.endswith(".pt"):
        return None
    return CONVERTER_VERSION


def _engine_version(engine: str) -> str:
    from importlib import metadata  # pulls in email and csv: only when a key is made

    packages = (
        ("faster-whisper", "ctranslate2")
        if engine == "faster-whisper"
        else ("openai-whisper", "torch")
    )
    parts = []
    for package in packages:
        try:
            parts.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package} missing")
    return ", ".join(parts)


def _check_speakers(speakers: tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(s.strip() for s in speakers)
    if names and (len(names) != 2 or not all(names)):
        raise RequestError(
            f"speakers must be two names (left channel, right channel), found {list(speakers)!r}"
        )
    return names


def _check_language(language: str | None, engine: Engine) -> str | None:
    """The language code Whisper knows, or None to detect it; clear errors otherwise."""
    if language is None:
        return None if engine.multilingual else "en"
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    code = language.lower().split("-")[0]  # show.yaml may say en-us; Whisper knows en
    if code not in _LANGUAGE_CODES:
        raise RequestError(
            f"unknown language code {language!r} for Whisper; use one of "
            f"{', '.join(sorted(_LANGUAGE_CODES))}"
        )
    if code != "en" and not engine.multilingual:
        raise RequestError(
            f"model {engine.model_label} understands only English, not "
            f"{language!r}; choose a multilingual model (e.g. small)"
        )
    return code
