"""The show's names spelled as the show spells them: a near miss of a vocabulary term
in Whisper's words ("Ben O 'Caffer" for Ben Okafor, "Kiloma Eze" for Chioma Eze,
"Pandas groupby" mid-sentence for pandas groupby) is found where it was said and
spelled as the show spells it, in place: the words it replaces give it their start and
end, so every format and the one timeline keep their times.

A stretch of one to three more words than the term has (a name heard in pieces), or one
fewer (run together), is compared with each term by a rough sound key of its letters
joined. Only a stretch Whisper itself wrote as a name (starting with a capital) is
taken by sound, only when it sounds close, and never over a word that is another of the
show's terms; the same letters spaced or cased differently ("mat plot lib", "scikit
learn") are taken at once. A name half heard exactly is taken too: a person's name
with its other word heard as no ordinary word (common_words), unsurely ("Staman
Okafor"), or a title with all but one word as the show writes them ("today to After
Dark"). So ordinary speech stays as Whisper wrote it (tests/test_vocabulary_snap.py). The changes are also returned as ``wrong -> right``
pairs, kept with the transcript for `podpipe transcript review`.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from podpipe.transcribe.common_words import is_common
from podpipe.transcribe.cues import Segment, Word, spread_words

SNAP_VERSION = 3  # bump when the snapping changes its output (part of the cache key)
MIN_RATIO = 0.75  # sound keys alike (difflib ratio) for a stretch to be taken for the term
START_RATIO = 0.86  # at a sentence start, where any word has a capital, more alike
MIN_WORD_RATIO = 0.5  # and each heard word (or piece) at least this alike its own
# A word of a name heard exactly beside one heard as no English word, unsurely: the
# odd word need only be this alike ("Staman Okafor" for Ben Okafor)
ODD_WORD_RATIO = 0.4
UNSURE = 0.5  # the decoder's word probability below which a word is unsure
SIZE_PENALTY = 0.05  # taken off a stretch's score per word more or fewer than the term's
MIN_LETTERS = 6  # shorter terms are too easy to find by accident
SENTENCE_END = ".?!"
CLAUSE_MARKS = ".?!,;:…"
POSSESSIVE = re.compile(r"(['’]s|s['’])$", re.I)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


SOUNDS = (("ph", "f"), ("ck", "k"), ("ch", "k"), ("sch", "sk"), ("c", "k"), ("q", "k"))
SOUNDS += (("x", "ks"), ("z", "s"), ("y", "i"), ("w", "v"), ("h", ""))


@functools.lru_cache(maxsize=65536)
def sound_key(text: str) -> str:
    """A rough key of how a word sounds: spellings of one sound made alike, vowel runs
    as one vowel, doubled letters as one ("O'Caffer" and "Okafor" share "akafar")."""
    key = _letters(text)
    for spelled, sound in SOUNDS:
        key = key.replace(spelled, sound)
    key = re.sub(r"[aeiou]+", "a", key)
    return re.sub(r"(.)\1+", r"\1", key)


@dataclass(frozen=True)
class _Term:
    text: str
    words: tuple[str, ...]  # lower case
    letters: str
    key: str

    @property
    def short(self) -> int:  # the fewest letters a near miss may have (a quick filter)
        return len(self.letters) // 2

    @property
    def long(self) -> int:
        return len(self.letters) * 2 + 2


@dataclass(frozen=True)
class _Edit:
    start: int  # token index
    stop: int
    text: str  # the replacement, with the punctuation around the stretch
    score: float


def _core(text: str) -> tuple[str, str, str]:
    """(punctuation before, the word, punctuation after)."""
    m = re.match(r"^([^\w']*)(.*?)([^\w']*)$", text, flags=re.S)
    return m.group(1), m.group(2).strip("'"), m.group(3)


def tokens(seg: Segment) -> list[Word]:
    """The segment's words as written, one per whitespace-separated word: a piece
    Whisper gave without a leading space ("-learn") joins the word before it."""
    out: list[Word] = []
    for w in seg.words or spread_words(seg):
        if not w.text.strip():
            continue
        if out and not w.text[:1].isspace() and seg.words:
            last = out[-1]
            p = min((x for x in (last.probability, w.probability) if x is not None), default=None)
            out[-1] = Word(last.start, w.end, last.text + w.text.strip(), p)
        else:
            out.append(Word(w.start, w.end, w.text.strip(), w.probability))
    return out


def snap_segments(
    segments: Sequence[Segment], terms: Sequence[str]
) -> tuple[list[Segment], list[tuple[str, str]]]:
    """The segments with each near miss of a term spelled as the term, and the
    ``(wrong, right)`` pairs changed (each once, in order)."""
    known = _terms(terms)
    vocab = {w for t in known for w in t.words}
    out: list[Segment] = []
    pairs: list[tuple[str, str]] = []
    ended = True  # the text before ended a sentence
    for seg in segments:
        toks = tokens(seg)
        probs = [t.probability for t in toks]
        edits = _edits([t.text for t in toks], probs, known, vocab, ended) if known else []
        if toks:
            ended = toks[-1].text.rstrip("\"'”)")[-1:] in SENTENCE_END
        joined = seg.words and len(toks) < sum(1 for w in seg.words if w.text.strip())
        if not edits and not joined:
            out.append(seg)
            continue  # (pieces joined, "scikit" "-learn", are written as one word too)
        for e in edits:  # as heard, without the punctuation around it
            heard = " ".join(t.text for t in toks[e.start : e.stop])
            pairs.append((_core(heard)[1], _core(e.text)[1]))
        out.append(_applied(seg, toks, edits))
    return out, list(dict.fromkeys(pairs))


def snap_pairs(cues: Sequence[Segment], terms: Sequence[str]) -> list[tuple[str, str]]:
    """The ``(wrong, right)`` pairs snap_segments would change in ``cues``."""
    return snap_segments(cues, terms)[1]


def _terms(terms: Sequence[str]) -> list[_Term]:
    out = []
    for term in dict.fromkeys(" ".join(t.split()) for t in terms):
        if len(_letters(term)) >= MIN_LETTERS:
            words = tuple(_core(w)[1].lower() for w in term.split())
            out.append(_Term(term, words, _letters(term), sound_key(term)))
    return out


def _edits(
    words: list[str], probs: list, terms: list[_Term], vocab: set[str], ended: bool
) -> list[_Edit]:
    """The best non-overlapping edits in one segment's words."""
    cores = [_core(w) for w in words]
    lowered = [c[1].lower() for c in cores]
    starts = [
        ended if i == 0 else words[i - 1].rstrip("\"'”)")[-1:] in SENTENCE_END
        for i in range(len(words))
    ]
    sizes = [len(_letters(c[1])) for c in cores]
    capital = [c[1][:1].isupper() for c in cores]
    ordinary = [not capital[k] and is_common(c[1]) for k, c in enumerate(cores)]
    found: list[_Edit] = []
    right: set[int] = set()  # words that are a term spelled right already
    for term in terms:
        size = len(term.words)
        for i in range(len(words) - size + 1):
            span = [cores[k][1] for k in range(i, i + size)]
            if [_bare(w) for w in span] == list(term.words) and _cased(span, term, starts[i]):
                right.update(range(i, i + size))
    for term in terms:
        size = len(term.words)
        for n in range(max(1, size - 1), size + 3):
            for i in range(len(words) - n + 1):
                if any(k in right for k in range(i, i + n)):
                    continue
                length = sum(sizes[i : i + n])
                if length not in (len(term.letters), len(term.letters) + 1) and (
                    not term.short <= length <= term.long
                    or (ordinary[i] and not any(lowered[k] in term.words for k in range(i, i + n)))
                ):
                    continue  # neither the same letters nor a name of about its length
                stretch = cores[i : i + n], lowered[i : i + n], probs[i : i + n]
                score = _score(*stretch, term, vocab, starts[i])
                text = _replacement(cores, i, n, term, starts[i]) if score else ""
                if score and text != " ".join(words[i : i + n]):
                    # as many words as the term has, when stretches overlap ("Gator After
                    # Dark", not "After Dark", is Data After Dark)
                    found.append(_Edit(i, i + n, text, score - SIZE_PENALTY * abs(n - size)))
    chosen: list[_Edit] = []
    for e in sorted(found, key=lambda e: (-e.score, -(e.stop - e.start), e.start)):
        if all(e.stop <= c.start or c.stop <= e.start for c in chosen):
            chosen.append(e)
    return sorted(chosen, key=lambda e: e.start)


def _bare(word: str) -> str:
    """A word without its possessive ending, lower case ("Okafor's" is "okafor")."""
    return POSSESSIVE.sub("", word).lower()


def _cased(span: list[str], term: _Term, sentence_start: bool) -> bool:
    """Whether the words are the term as the show writes it (a capital at a sentence
    start allowed)."""
    written = [POSSESSIVE.sub("", w) for w in span]
    wanted = term.text.split()
    if sentence_start and written and wanted:
        written[0], wanted[0] = (
            written[0][:1].lower() + written[0][1:],
            wanted[0][:1].lower() + wanted[0][1:],
        )
    return [_core(w)[1] for w in wanted] == written


def _score(cores, lowered, probs, term: _Term, vocab: set[str], sentence_start: bool) -> float:
    """How surely the stretch is the term misheard (0: it is not)."""
    heard = [c[1] for c in cores]
    inside = [c[2] for c in cores[:-1]] + [c[0] for c in cores[1:]]
    if not all(heard) or any(set(p) & set(CLAUSE_MARKS) for p in inside):
        return 0.0  # a word missing, or a comma or stop inside the stretch (two phrases)
    letters = _letters(POSSESSIVE.sub("", "".join(heard)))
    if letters == term.letters:  # "pandas group by", "mat plot lib", "Pandas groupby"
        # but "we are learning out loud": ordinary words, not the show's name
        named = len(term.words) > 1 and any(w[:1].isupper() for w in term.text.split())
        return 0.0 if named and heard == [h.lower() for h in heard] else 1.0
    # a word that is one of the show's own (another name's) stays what it is
    if any(w in vocab and w not in term.words for w in lowered):
        return 0.0
    if len(heard) < len(term.words) and any(w in term.words for w in lowered):
        return 0.0  # "Okafor said": a person called by one of their names
    return _sounds(heard, letters, term, sentence_start) or _partly_heard(heard, probs, term)


def _sounds(heard: list[str], letters: str, term: _Term, sentence_start: bool) -> float:
    """How alike the stretch and the term sound, word by word (0: not enough)."""
    if not heard[0][:1].isupper():
        # Whisper did not take it for a name: ordinary speech, even a word missing
        # from common_words ("seaborne", "pollards")
        return 0.0
    if sentence_start and is_common(heard[0]) and heard[0].lower() != term.words[0]:
        return 0.0  # any word has a capital there ("The tensors flow" is not TensorFlow)
    key = sound_key(letters)
    if not 0.7 <= len(key) / max(1, len(term.key)) <= 1.4:
        return 0.0
    ratio = _ratio(key, term.key)
    if ratio < (START_RATIO if sentence_start else MIN_RATIO):
        return 0.0
    return ratio if _aligned(tuple(heard), tuple(term.text.split())) else 0.0


def _partly_heard(heard: list[str], probs: list, term: _Term) -> float:
    """A name of several words with all but one heard exactly, written as the show
    writes them: a person's name whose other word was heard as no English word, and
    unsurely ("Staman Okafor" for Ben Okafor, but not "Elena Okafor" or "and Okafor"),
    or a title of three words or more whose odd word sounds like its own, in one piece
    or two ("today to After Dark" for Data After Dark). Its score (0: neither)."""
    words = term.text.split()
    if len(words) < 2 or not all(heard):
        return 0.0
    ending = POSSESSIVE.sub("", heard[-1])
    heard = [*heard[:-1], ending]
    for odd in range(len(words)):
        pieces = len(heard) - len(words) + 1  # the odd word heard in this many
        if pieces not in (1, 2) or (pieces == 2 and len(words) < 3):
            continue
        before, after = heard[:odd], heard[odd + pieces :]
        if before + after != words[:odd] + words[odd + 1 :]:
            continue  # the other words heard exactly, with the show's capitals
        odd_heard = heard[odd : odd + pieces]
        alike = _ratio(sound_key("".join(odd_heard)), sound_key(words[odd]))
        if len(words) >= 3 and alike >= MIN_WORD_RATIO:
            return alike  # ("today to" is more like "Data" than "to" alone is)
        sure = probs[odd] is None or probs[odd] >= UNSURE
        person = all(w[:1].isupper() for w in words)
        name_like = odd_heard[0][:1].isupper() and not is_common(odd_heard[0])
        if person and pieces == 1 and name_like and not sure and alike >= ODD_WORD_RATIO:
            return MIN_RATIO
    return 0.0


@functools.lru_cache(maxsize=65536)
def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


@functools.lru_cache(maxsize=4096)
def _aligned(heard: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Whether the heard words line up with the term's, each a word of it, a word
    heard in pieces or words run together, every piece sounding at least half like its
    counterpart ("Today" is not "club"), and a capitalised word of the term heard as
    a capitalised word ("Haddad and it" is not Ada Lindqvist; "Leon and" may be
    Learning)."""
    if not heard or not words:
        return not heard and not words
    for h in range(1, min(3, len(heard)) + 1):
        for w in range(1, min(3, len(words)) + 1):
            if h > 1 and w > 1:
                continue  # pieces on one side only
            if words[0][:1].isupper() and not heard[0][:1].isupper():
                continue
            a, b = sound_key("".join(heard[:h])), sound_key("".join(words[:w]))
            if min(len(a), len(b)) * 2 < max(len(a), len(b)):
                continue  # a word left out ("Loud" for "loud club"), or one too many
            if _ratio(a, b) >= MIN_WORD_RATIO and _aligned(heard[h:], words[w:]):
                return True
    return False


def _replacement(cores, i: int, n: int, term: _Term, sentence_start: bool) -> str:
    """The term as the show writes it, with the stretch's outer punctuation, its
    possessive ending, and a capital at a sentence start."""
    text = term.text
    if sentence_start and text[:1].islower():
        text = text[0].upper() + text[1:]
    ending = POSSESSIVE.search(cores[i + n - 1][1])
    if ending and not POSSESSIVE.search(text):
        text += ending.group(1)
    return cores[i][0] + text + cores[i + n - 1][2]


def _applied(seg: Segment, toks: list[Word], edits: list[_Edit]) -> Segment:
    """``seg`` with the edits made: each replacement one word spanning the times of the
    words it replaces."""
    words: list[Word] = []
    k = 0
    for e in edits:
        words += toks[k : e.start]
        span = toks[e.start : e.stop]
        p = min((w.probability for w in span if w.probability is not None), default=None)
        words.append(Word(span[0].start, span[-1].end, e.text, p))
        k = e.stop
    words += toks[k:]
    text = " ".join(w.text for w in words)
    words = tuple(dataclasses.replace(w, text=" " + w.text) for w in words)
    return Segment(seg.start, seg.end, text, seg.speaker, words if seg.words else ())
