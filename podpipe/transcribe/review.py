"""`podpipe transcript review`: where a host should look. Whisper's words the decoder was
least sure of (its word probabilities, kept in the stage's transcript.words.json), joined into
phrases, and the show's names and terms that appear nowhere in the transcript."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from podpipe.transcribe.corrections import apply_corrections
from podpipe.transcribe.cues import Segment

LOW_CONFIDENCE = 0.4  # a word the decoder gave less than this is listed
JOIN_GAP_S = 1.0  # low-confidence words closer than this form one phrase
SHORT_WORD = 3  # a phrase of only words this short is not listed


@dataclass(frozen=True)
class Doubt:
    start: float
    end: float
    text: str
    probability: float  # the lowest of its words


def read_words(path: Path) -> list[list] | None:
    """The rows of <stem>.words.json ([start, end, word, probability, speaker]); None when the
    transcript has none (hand-edited, or made before podpipe kept them)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["words"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return rows if isinstance(rows, list) else None


def read_snapped(path: Path) -> list[tuple[str, str]]:
    """The near misses of the show's names the stage spelled as the show spells them."""
    try:
        pairs = json.loads(path.read_text(encoding="utf-8")).get("snapped", [])
        return [(str(w), str(r)) for w, r in pairs]
    except (OSError, ValueError, TypeError, AttributeError):
        return []


def doubts(rows: list[list], corrections=(), threshold: float = LOW_CONFIDENCE) -> list[Doubt]:
    """Phrases of words below ``threshold``, in time order; a phrase a correction already
    rewrites is left out (it is fixed)."""
    phrases: list[list[list]] = []
    for row in rows:
        start, p = row[0], row[3]
        if p is None or p >= threshold:
            continue
        if phrases and start - phrases[-1][-1][1] <= JOIN_GAP_S:
            phrases[-1].append(row)
        else:
            phrases.append([row])
    out = []
    corrections = list(corrections)
    for words in phrases:
        if all(len(_plain(w[2])) <= SHORT_WORD for w in words):
            continue  # "the", "in", "and": unsure of them, but they are rarely wrong
        text = " ".join(w[2] for w in words)
        if corrections:
            _, counts = apply_corrections([Segment(0, 1, text)], corrections)
            if any(counts.values()):
                continue
        out.append(Doubt(words[0][0], words[-1][1], text, min(w[3] for w in words)))
    return out


def missing_terms(terms: list[str], cues: list[Segment]) -> list[str]:
    """The terms written nowhere in the cues (case, hyphens and punctuation aside)."""
    text = f" {_plain(' '.join(c.text for c in cues))} "
    return [t for t in terms if _plain(t) and f" {_plain(t)} " not in text]


def _plain(text: str) -> str:
    text = re.sub(r"['’]s\b", " ", text.lower())  # Okafor's counts as Okafor
    return " ".join(re.sub(r"[^\w']+", " ", text).split())
