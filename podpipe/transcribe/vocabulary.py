"""The show's own words, told to the decoder so it spells them as the show does.

Names of hosts, guests and speakers, the show's and the club's names, the titles of the
cycles an episode announces or features and of its chapters, and the host's own
``transcription.vocabulary`` and episode ``vocabulary`` lists become one short glossary
(the show's names only while ``transcription.vocabulary_from_show`` is on).
Whisper reads it as the text before the audio (``initial_prompt``; faster-whisper also
as ``hotwords``), so it is kept short: a long or repetitive prompt can make Whisper echo
it. Measured in docs/transcribe.md.
"""

from __future__ import annotations

from podpipe.config import Episode, Show

MAX_TERMS = 24  # terms in the glossary
MAX_CHARS = 300  # about 75 tokens, a third of the prompt Whisper allows (223)
PROMPT_LEAD = "Glossary: "


def show_terms(show: Show, episode: Episode, *, titles: bool = True) -> list[str]:
    """The terms for ``episode``, most specific first, each once (case-insensitively);
    without ``titles``, the names and listed terms only (not cycle or chapter titles)."""
    cycles = [
        c
        for c in show.club.cycles
        if episode.number in (c.announced_in, c.featured_in) or c.slug == episode.announces
    ]
    known = show.transcription.vocabulary_from_show
    groups = [
        episode.vocabulary,
        [p.name for p in episode.guests] if known else [],
        episode.speakers if known else [],
        [p.name for p in show.hosts] if known else [],
        show.transcription.vocabulary,
        [show.title, show.club.name if show.club.cycles else ""] if known else [],
        [c.title for c in cycles] if known and titles else [],
        [c.title for c in episode.chapters] if known and titles else [],
    ]
    seen: set[str] = set()
    terms: list[str] = []
    for group in groups:
        for term in group:
            term = " ".join(str(term).split())
            if term and term.lower() not in seen:
                seen.add(term.lower())
                terms.append(term)
    return terms


def decoder_vocabulary(show: Show, episode: Episode) -> str:
    """The glossary the decoder gets ("" when there is nothing): whole terms, in
    order, within MAX_TERMS and MAX_CHARS."""
    kept: list[str] = []
    for term in show_terms(show, episode)[:MAX_TERMS]:
        if len(", ".join([*kept, term])) > MAX_CHARS:
            break
        kept.append(term)
    return ", ".join(kept)


def prompt_text(vocabulary: str) -> str:
    """The initial prompt: the glossary as one sentence."""
    return f"{PROMPT_LEAD}{vocabulary}." if vocabulary else ""
