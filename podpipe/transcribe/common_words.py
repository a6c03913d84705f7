"""Ordinary words, to tell a misheard name from speech: the whole words of the Whisper
tokenizer's vocabulary (GPT-2's byte-pair merges: about 24,500 words, "the", "keeps",
"Monday", "Python", "Elena"), read from the bundled tiny.en model's vocabulary.txt
(one token a line, 40 ms). A word Whisper's vocabulary holds whole is common;
"Staman" or "sivorn" is not."""

from __future__ import annotations

import functools
import re

from podpipe.transcribe.models import bundled_model_dir

WORD = re.compile(r"Ġ([A-Za-z]{2,})")


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The common words, lower case ("a" and "i" included)."""
    path = bundled_model_dir() / "vocabulary.txt"
    found = (WORD.fullmatch(token) for token in path.read_text(encoding="utf-8").splitlines())
    return frozenset({"a", "i"} | {m.group(1).lower() for m in found if m})


def is_common(word: str) -> bool:
    """Whether ``word`` (any case, a possessive or an apostrophe allowed) is an
    ordinary English word."""
    bare = re.sub(r"(['’]s|s['’])$", "", word.lower()).replace("'", "")
    return not bare or bare in common_words() or word.lower() in common_words()
