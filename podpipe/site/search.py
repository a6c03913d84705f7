"""The site's search index: one entry per transcript cue and show-note paragraph."""

from __future__ import annotations

from html.parser import HTMLParser

from podpipe.records import PublishedEpisode
from podpipe.site.transcripts import Cue


def search_entries(pub: PublishedEpisode, cues: list[Cue]) -> list[dict]:
    """One entry per transcript cue and show-note paragraph.

    Keys are short because the browser downloads the whole index: s = episode slug,
    t = seconds (cues only), p = speaker, x = text, k = "c" (cue) or "n" (note).
    """
    slug = pub.episode.slug
    entries = [
        {"s": slug, "k": "c", "t": round(c.start, 3), "p": c.speaker, "x": c.body} for c in cues
    ]
    # What the page's #notes section shows (not the summary, guests and chapters the
    # feed's copy repeats): a hit links there.
    notes = pub.notes.html if pub.notes.page_html is None else pub.notes.page_html
    entries += [{"s": slug, "k": "n", "x": text} for text in note_paragraphs(notes)]
    return entries


class BlockText(HTMLParser):
    """Collects the text of each paragraph-like block of rendered show notes."""

    BLOCKS = {
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "dd",
        "dt",
        "td",
        "th",
        "pre",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS or tag == "br":
            self.flush()

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.flush()

    def handle_data(self, data):
        self.current.append(data)

    def flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []


def note_paragraphs(html: str) -> list[str]:
    parser = BlockText()
    parser.feed(html or "")
    parser.close()
    parser.flush()
    return parser.blocks
