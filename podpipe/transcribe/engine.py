"""What the stage asks of a Whisper implementation with a loaded model."""

from __future__ import annotations

from collections.abc import Iterator

from podpipe.transcribe.cues import Segment


class Engine:
    """One Whisper implementation with a loaded model."""

    name: str
    model_label: str
    multilingual: bool

    def segments(
        self,
        audio,
        *,
        language: str | None,
        beam_size: int,
        vad: bool,
        word_timestamps: bool,
        vocabulary: str = "",
    ) -> Iterator[Segment]:
        """``vocabulary``: the glossary of the show's names and terms ("" for none)."""
        raise NotImplementedError

    def retry(
        self, audio, *, language: str | None, beam_size: int, vocabulary: str = ""
    ) -> Iterator[Segment]:
        """Decode a stretch of speech that got no text, sequentially (fill_gaps)."""
        return self.segments(
            audio,
            language=language,
            beam_size=beam_size,
            vad=True,
            word_timestamps=True,
            vocabulary=vocabulary,
        )
