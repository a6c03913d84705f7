"""Corrections that stick: ``wrong -> right`` replacements over a transcript's cues.

Whole words and phrases, matched without regard to case or to the punctuation around
words, across the line breaks and cue boundaries of one speaker's stretch of speech.
The replacement is written as the host spelled it, except that a match starting with
a capital (a sentence start) keeps its capital, and the punctuation around the matched
words stays. Functions over cues, so they compose with any other step on cues (a time
mapping, a hand-edited transcript) and run after the cached Whisper output: editing a
correction never runs Whisper again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from podpipe.transcribe.cues import MAX_LINE, MAX_LINES, Segment, split_cues


@dataclass
class _Token:
    cue: int
    line: int
    text: str  # with its punctuation

    @property
    def core(self) -> str:
        return _core(self.text)


def _core(word: str) -> str:
    start, end = _core_span(word)
    return word[start:end].lower()


def _core_span(word: str) -> tuple[int, int]:
    start, end = 0, len(word)
    while start < end and not word[start].isalnum():
        start += 1
    while end > start and not word[end - 1].isalnum():
        end -= 1
    return start, end


def _words(phrase: str) -> list[str]:
    return [c for c in (_core(w) for w in phrase.split()) if c]


def apply_corrections(
    cues: list[Segment], corrections: Iterable[tuple[str, str]]
) -> tuple[list[Segment], dict[str, int]]:
    """The cues with every correction applied in order, and how often each matched
    (keyed by its ``wrong`` side). Changed cues get their lines balanced again."""
    corrections = list(corrections)
    tokens = _tokens(cues)
    counts: dict[str, int] = {}
    for wrong, right in corrections:
        tokens, found = _replace(tokens, cues, _words(wrong), right)
        counts[wrong] = counts.get(wrong, 0) + found
    if not any(counts.values()):
        return list(cues), counts
    return _rebuild(cues, tokens), counts


def unmatched(cues: list[Segment], corrections: Iterable[tuple[str, str]]) -> list[str]:
    """The ``wrong`` sides that match nothing in ``cues`` (applied in order)."""
    _, counts = apply_corrections(cues, corrections)
    return [wrong for wrong, n in counts.items() if n == 0]


def _tokens(cues: list[Segment]) -> list[_Token]:
    return [
        _Token(c, n, word)
        for c, cue in enumerate(cues)
        for n, line in enumerate(cue.lines)
        for word in line.split()
    ]


def _replace(
    tokens: list[_Token], cues: list[Segment], wrong: list[str], right: str
) -> tuple[list[_Token], int]:
    """The tokens with each match of ``wrong`` replaced by the words of ``right``."""
    if not wrong:
        return tokens, 0
    out: list[_Token] = []
    found = i = 0
    while i < len(tokens):
        span = tokens[i : i + len(wrong)]
        same_speaker = len({cues[t.cue].speaker for t in span}) == 1
        if (
            len(span) == len(wrong)
            and same_speaker
            and [t.core for t in span] == wrong
            and not _already_right(tokens, i, wrong, [_exact(w) for w in right.split()])
        ):
            # an empty right side deletes the words with their punctuation
            text = _replacement(span[0].text, span[-1].text, right) if right.strip() else ""
            out += [_Token(span[0].cue, span[0].line, w) for w in text.split()]
            found += 1
            i += len(wrong)
        else:
            out.append(tokens[i])
            i += 1
    return out, found


def _already_right(tokens: list[_Token], i: int, wrong: list[str], right: list[str]) -> bool:
    """Whether the match at ``i`` is part of the right words already ("analysts ->
    data analysts" leaves "data analysts" alone), so a correction applied twice (to a
    transcript exported with it applied) changes nothing the second time."""
    lowered = [w.lower() for w in right]
    for k in range(len(right) - len(wrong) + 1):
        if lowered[k : k + len(wrong)] == wrong and i - k >= 0:
            # as written, but for a capital the first word may have got (a sentence start)
            found = [_exact(t.text) for t in tokens[i - k : i - k + len(right)]]
            if found and found[0][:1].lower() + found[0][1:] == right[0][:1].lower() + right[0][1:]:
                if found[1:] == right[1:]:
                    return True
    return False


def _exact(word: str) -> str:
    start, end = _core_span(word)
    return word[start:end]


def _replacement(first: str, last: str, right: str) -> str:
    """``right`` with the punctuation before the first and after the last matched word,
    capitalised when the match was."""
    start, _ = _core_span(first)
    _, end = _core_span(last)
    core = right.strip()
    matched = first[start:]
    if core and matched[:1].isupper() and core[:1].islower():
        core = core[0].upper() + core[1:]
    return first[:start] + core + last[end:]


def _rebuild(cues: list[Segment], tokens: list[_Token]) -> list[Segment]:
    by_cue: dict[int, dict[int, list[str]]] = {}
    for t in tokens:
        by_cue.setdefault(t.cue, {}).setdefault(t.line, []).append(t.text)
    out: list[Segment] = []
    for c, cue in enumerate(cues):
        lines = [" ".join(words) for _, words in sorted(by_cue.get(c, {}).items())]
        if lines == cue.lines:
            out.append(cue)
        elif lines:
            out += _balanced(Segment(cue.start, cue.end, " ".join(lines), cue.speaker))
    return out


def _balanced(cue: Segment) -> list[Segment]:
    """A changed cue in lines of the usual width (more cues only if it grew past two)."""
    if len(cue.text) <= MAX_LINE:
        return [cue]
    split = split_cues([cue])
    return [Segment(round(s.start, 3), round(s.end, 3), s.text, s.speaker) for s in split]


def fit_lines(cues: list[Segment]) -> list[Segment]:
    """Cues whose lines are too long or too many (a hand-edited file) split to fit."""
    out: list[Segment] = []
    for cue in cues:
        if len(cue.lines) <= MAX_LINES and all(len(line) <= MAX_LINE for line in cue.lines):
            out.append(cue)
        else:
            out += _balanced(Segment(cue.start, cue.end, " ".join(cue.lines), cue.speaker))
    return out
