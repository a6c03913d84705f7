"""faster-whisper: CTranslate2, int8 on CPU; the default engine."""

from __future__ import annotations

from collections.abc import Iterator

from podpipe.transcribe.cues import Segment, Word
from podpipe.transcribe.engine import Engine
from podpipe.transcribe.models import faster_load_message, load_error, resolve_ct2_model

# Measured on tiny.en, 2 cores (docs/transcribe.md): faster-whisper's batched decoding
# of the VAD's speech chunks with beam 5 is both faster (RTF 0.021) and more accurate
# (WER 4.3 %) than sequential beam 1 (0.025, 5.6 %) or beam 5 (0.037, 4.8 %). Batched
# segments carry chunk-level times only, so words are aligned to time the cues.
DEFAULT_BEAM_SIZE = 5
BATCH_SIZE = 8


class FasterWhisper(Engine):
    name = "faster-whisper"

    def __init__(self, model: str, n_threads: int):
        from faster_whisper import WhisperModel

        ref = resolve_ct2_model(model)
        self.model_label = model
        try:
            self.model = WhisperModel(ref, device="cpu", compute_type="int8", cpu_threads=n_threads)
        except Exception as e:  # huggingface_hub and ctranslate2 raise many kinds
            raise load_error(model, ref, faster_load_message(model, ref, e)) from e
        self.multilingual = self.model.model.is_multilingual

    def segments(self, audio, *, language, beam_size, vad, word_timestamps, vocabulary=""):
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
                **vocabulary_options(vocabulary),
            )
            yield from _segments(found)
        else:
            yield from self._sequential(
                audio, language, beam_size, False, word_timestamps, vocabulary
            )

    def retry(self, audio, *, language, beam_size, vocabulary=""):
        # Sequential, not batched: batched decoding is what skipped this speech.
        yield from self._sequential(audio, language, beam_size, True, True, vocabulary)

    def _sequential(self, audio, language, beam_size, vad, word_timestamps, vocabulary):
        found, _info = self.model.transcribe(
            audio,
            language=language,
            beam_size=beam_size,
            vad_filter=vad,
            condition_on_previous_text=False,  # the main cause of decoding loops
            word_timestamps=word_timestamps,
            **vocabulary_options(vocabulary),
        )
        yield from _segments(found)


def vocabulary_options(vocabulary: str) -> dict:
    """The glossary as faster-whisper's hot words. Not also as the initial prompt: on
    tiny.en that spelled a few more names right but dropped or repeated stretches of
    speech (docs/transcribe.md has the numbers)."""
    return {"hotwords": vocabulary} if vocabulary else {}


def _segments(found) -> Iterator[Segment]:
    for seg in found:
        words = tuple(Word(w.start, w.end, w.word, w.probability) for w in seg.words or ())
        yield Segment(seg.start, seg.end, seg.text.strip(), None, words)
