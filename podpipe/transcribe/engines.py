"""The two engines by name, each model loaded once per process."""

from __future__ import annotations

import functools
import os

from podpipe.config import TranscriptionSettings
from podpipe.errors import ProcessingError
from podpipe.transcribe.engine import Engine
from podpipe.transcribe.faster_whisper_engine import FasterWhisper
from podpipe.transcribe.openai_whisper_engine import OpenAIWhisper

ENGINES = ("faster-whisper", "openai-whisper")


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


def threads(settings: TranscriptionSettings) -> int:
    """The configured threads, else the cores this process may use."""
    if settings.threads:
        return settings.threads
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1
