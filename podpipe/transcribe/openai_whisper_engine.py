"""openai-whisper: the reference implementation (PyTorch; the ``openai-whisper`` extra).

It runs the bundled tiny.en as a checkpoint converted once into podpipe's cache.
"""

from __future__ import annotations

from podpipe.errors import ProcessingError
from podpipe.transcribe.cues import Segment, Word
from podpipe.transcribe.decode import SAMPLE_RATE
from podpipe.transcribe.engine import Engine
from podpipe.transcribe.models import load_error, openai_checkpoint, openai_load_message
from podpipe.transcribe.vocabulary import prompt_text

OPENAI_GROUP_S = 300.0  # speech per openai-whisper call, so progress can be reported


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
        ref, heads = openai_checkpoint(model)
        try:
            self.model = whisper.load_model(ref, device="cpu")
        except Exception as e:  # download failures, bad pickles, wrong shapes
            raise load_error(model, ref, openai_load_message(model, ref, e)) from e
        if heads:
            self.model.set_alignment_heads(_alignment_mask(heads, self.model.dims))
        self.multilingual = self.model.is_multilingual

    def segments(self, audio, *, language, beam_size, vad, word_timestamps, vocabulary=""):
        for piece, timeline in _speech_groups(audio, vad):
            result = self.model.transcribe(
                piece,
                language=language,
                beam_size=beam_size,
                fp16=False,
                condition_on_previous_text=False,
                word_timestamps=word_timestamps,
                initial_prompt=prompt_text(vocabulary) or None,
                verbose=None,
            )
            for seg in result["segments"]:
                words = tuple(
                    Word(
                        timeline(w["start"]),
                        timeline(w["end"], True),
                        w["word"],
                        w.get("probability"),
                    )
                    for w in seg.get("words", ())
                )
                yield Segment(
                    timeline(seg["start"]),
                    timeline(seg["end"], True),
                    seg["text"].strip(),
                    None,
                    words,
                )


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
