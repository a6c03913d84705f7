"""The show's names spelled as the show spells them: a near miss of a vocabulary term
in Whisper's words ("Ben O'Caffer" for Ben Okafor, "Kiloma Eze" for Chioma Eze) is
found by how its letters compare, and returned as a ``wrong -> right`` pair for the
corrections machinery to apply. Only names and listed terms with a capital or a
non-dictionary shape are snapped, and only when the letters are close, so ordinary
speech stays as Whisper wrote it."""

from __future__ import annotations

import difflib
import re

from podpipe.transcribe.cues import Segment

MIN_RATIO = 0.8  # letters alike (difflib ratio) for a window to be taken for the term
MIN_WORD_RATIO = 0.5  # and each of its words at least this alike the term's word
MIN_LETTERS = 6  # shorter terms are too easy to find by accident


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


SOUNDS = (("ph", "f"), ("ck", "k"), ("ch", "k"), ("sch", "sk"), ("c", "k"), ("q", "k"))
SOUNDS += (("x", "ks"), ("z", "s"), ("y", "i"), ("w", "v"), ("h", ""))


def sound_key(text: str) -> str:
    """A rough key of how a word sounds: spellings of one sound made alike, vowel runs
    as one vowel, doubled letters as one ("O'Caffer" and "Okafor" share "akafar")."""
    key = _letters(text)
    for spelled, sound in SOUNDS:
        key = key.replace(spelled, sound)
    key = re.sub(r"[aeiou]+", "a", key)
    return re.sub(r"(.)\1+", r"\1", key)


def _alike(window: list[str], term: str) -> bool:
    """Word by word, each sounds at least half alike ("Today" is not "club"); a window
    one word longer may have one word split in two ("Ben O 'Caffer")."""
    words = term.split()
    if len(window) == len(words) + 1:
        return any(
            _alike([*window[:i], window[i] + window[i + 1], *window[i + 2 :]], term)
            for i in range(len(words))
        )
    return len(window) == len(words) and all(
        difflib.SequenceMatcher(None, sound_key(w), sound_key(t)).ratio() >= MIN_WORD_RATIO
        for w, t in zip(window, words, strict=True)
    )


def snap_pairs(cues: list[Segment], terms: list[str]) -> list[tuple[str, str]]:
    """``(wrong, right)`` for each near miss of a term in the cues' words, most alike
    first; a window already spelled right, or holding the term, is left alone."""
    words = [w for c in cues for w in " ".join(c.lines).split()]
    bare = [re.sub(r"^[^\w']+|[^\w']+$", "", w) for w in words]
    found: dict[str, tuple[float, str]] = {}
    for term in terms:
        target, sound = _letters(term), sound_key(term)
        size = len(term.split())
        named = any(ch.isupper() for ch in term)  # a name: near misses count
        if len(target) < MIN_LETTERS:
            continue
        lowered = [w.lower() for w in bare]
        exact = [
            range(i, i + size)
            for i in range(len(bare) - size + 1)
            if lowered[i : i + size] == term.lower().split()
        ]
        for n in (size, size + 1, size + 2):
            for i in range(len(bare) - n + 1):
                window = [w for w in bare[i : i + n] if w]
                if len(window) != n or any(i < r.stop and r.start < i + n for r in exact):
                    continue  # a word missing, or overlapping the term spelled right
                phrase = " ".join(window)
                got = _letters(phrase)
                if got == target:  # "pandas group by", "mat plot lib": the same letters
                    ratio = 1.0
                elif named and n <= size + 1 and window[0][:1].isupper() and _alike(window, term):
                    ratio = difflib.SequenceMatcher(None, sound_key(phrase), sound).ratio()
                else:
                    continue
                if ratio >= MIN_RATIO and ratio > found.get(phrase, (0.0, ""))[0]:
                    found[phrase] = (ratio, term)
    # the most alike first, then the longest (the whole misheard name, not a piece)
    pairs = sorted(found.items(), key=lambda kv: (-kv[1][0], -len(kv[0])))
    # a window inside a longer one taken already is left out (one fix per stretch)
    taken: list[str] = []
    out = []
    for phrase, (_, term) in pairs:
        if any(phrase.lower() in t.lower() or t.lower() in phrase.lower() for t in taken):
            continue
        taken.append(phrase)
        out.append((phrase, term))
    return out
