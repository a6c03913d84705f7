"""The static site: home, episode pages, transcript pages, search, club pages.

``build_site`` renders into a folder the orchestrator has already filled with the
media (MP3s, transcript files, chapters JSON, artwork) at the URLs fixed in
ARCHITECTURE.md. Every link is relative (the ``root`` prefix each page gets), so
the folder works from any host and any sub-path. Transcripts are rendered on the
server side from the Podcasting 2.0 JSON; the little JavaScript there only
makes cues seek the player and searches a static index.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from podpipe.cache import write_atomic
from podpipe.config import Cycle, Show
from podpipe.errors import ProcessingError
from podpipe.records import PublishedEpisode
from podpipe.render import environment

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
TRANSCRIPT_FORMATS = (
    ("vtt", "WebVTT"),
    ("srt", "SubRip (SRT)"),
    ("json", "JSON (Podcasting 2.0)"),
    ("txt", "Plain text"),
)
# Word-level transcripts (one segment per word) are grouped into readable cues.
_SENTENCE_END = re.compile(r"[.!?…]['\")\]]*$")
_MAX_CUE_WORDS = 30
_MAX_CUE_GAP_S = 1.5


@dataclass(frozen=True)
class Cue:
    """One line of a transcript as the site shows it."""

    start: float
    end: float
    speaker: str
    body: str


# --------------------------------------------------------------------------- build


def build_site(
    show: Show, episodes: list[PublishedEpisode], out_dir: Path, *, today: dt.date
) -> None:
    """Render every HTML page, the search index and club pages; copy static/ into out_dir."""
    out_dir = Path(out_dir)
    env = site_environment(show)
    newest_first = sorted(episodes, key=lambda p: (p.episode.date, p.episode.number), reverse=True)
    copy_static(show, out_dir)
    index: list[dict] = []
    for pub in newest_first:
        cues = load_cues(pub, out_dir)
        _write_episode(env, show, pub, cues, out_dir)
        index.extend(search_entries(pub, cues))
    _write_home(env, show, newest_first, out_dir, today)
    _write_search(env, show, newest_first, index, out_dir)
    _write_club(env, show, newest_first, out_dir, today)


def site_environment(show: Show):
    """The shared environment (filters included) for the site's pages."""
    return environment(show)


def copy_static(show: Show, out_dir: Path) -> None:
    """Copy the built-in CSS/JS, then a show's own ``templates/static/`` files over them."""
    target = out_dir / "static"
    target.mkdir(parents=True, exist_ok=True)
    sources = [STATIC_DIR]
    if show.templates_dir and (show.templates_dir / "static").is_dir():
        sources.append(show.templates_dir / "static")
    for source in sources:
        for file in sorted(source.iterdir()):
            if file.is_file():
                shutil.copyfile(file, target / file.name)


def write_text(path: Path, text: str) -> None:
    """Write atomically: a reader never sees half a page."""
    write_atomic(path, text)


def _render(env, template: str, out: Path, **context) -> None:
    write_text(out, env.get_template(template).render(**context))


# --------------------------------------------------------------------------- pages


def _write_home(env, show: Show, episodes, out_dir: Path, today: dt.date) -> None:
    cycle = open_cycle(show, today)
    _render(
        env,
        "index.html",
        out_dir / "index.html",
        show=show,
        root="",
        page="home",
        episodes=episodes,
        artwork=artwork_file(show, out_dir),
        cycle=cycle,
        cycle_state=cycle.state(today) if cycle else None,
        days_left=days_left(cycle, today) if cycle else None,
        club_pages=_has_club_pages(show),
    )


def _write_episode(env, show: Show, pub: PublishedEpisode, cues: list[Cue], out_dir: Path):
    folder = out_dir / pub.page_path
    context = dict(
        show=show,
        root="../../",
        page="episode",
        pub=pub,
        episode=pub.episode,
        cues=cues,
        chapters=chapter_rows(pub),
        downloads=downloads(pub, out_dir),
        club_pages=_has_club_pages(show),
    )
    _render(env, "episode.html", folder / "index.html", **context)
    _render(env, "transcript.html", folder / "transcript.html", **context)


def _write_search(env, show: Show, episodes, entries: list[dict], out_dir: Path) -> None:
    data = {
        "version": 1,
        "episodes": [
            {
                "slug": p.episode.slug,
                "title": p.episode.title,
                "number": p.episode.number,
                "date": p.episode.date.isoformat(),
            }
            for p in episodes
        ],
        "entries": entries,
    }
    write_text(
        out_dir / "search" / "index.json",
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
    )
    _render(
        env, "search.html", out_dir / "search" / "index.html", show=show, root="../", page="search"
    )


def _club_module():
    """podpipe.club if it can write the club pages (it is built separately), else None."""
    try:
        from podpipe import club
    except ImportError:
        return None
    return club if hasattr(club, "write_pages") else None


def _has_club_pages(show: Show) -> bool:
    return bool(show.club.cycles) and _club_module() is not None


def _write_club(env, show: Show, episodes, out_dir: Path, today: dt.date) -> None:
    # The club module owns club/index.html and club/<slug>/; they share base.html.
    if _has_club_pages(show):
        _club_module().write_pages(show, episodes, out_dir, today=today, env=env)


# --------------------------------------------------------------------------- page data


def open_cycle(show: Show, today: dt.date) -> Cycle | None:
    """The cycle running today, else the next one to start (None when neither)."""
    cycles = show.club.cycles
    running = [c for c in cycles if c.state(today) == "open"]
    if running:
        return running[0]
    upcoming = sorted((c for c in cycles if c.state(today) == "upcoming"), key=lambda c: c.start)
    return upcoming[0] if upcoming else None


def days_left(cycle: Cycle, today: dt.date) -> int:
    """Days left to take part, counting today (the end date is inclusive)."""
    if cycle.state(today) == "upcoming":
        return (cycle.start - today).days
    return (cycle.end - today).days + 1


def artwork_file(show: Show, out_dir: Path) -> str | None:
    """The artwork's file name in the site root (placed there by the orchestrator)."""
    found = sorted(out_dir.glob("artwork.*"))
    return found[0].name if found else None


def chapter_rows(pub: PublishedEpisode) -> list[dict]:
    chapters = pub.episode.chapters
    rows = []
    for i, chapter in enumerate(chapters):
        end = chapters[i + 1].start if i + 1 < len(chapters) else pub.duration_s
        rows.append(
            {"start": chapter.start, "end": end, "title": chapter.title, "url": chapter.url}
        )
    return rows


def downloads(pub: PublishedEpisode, out_dir: Path) -> list[dict]:
    """Links to the MP3 and the transcript formats that are really there."""
    rows = [
        {"href": f"{pub.episode.slug}.mp3", "label": "MP3 audio", "size": _size_label(pub.mp3_size)}
    ]
    for fmt, label in TRANSCRIPT_FORMATS:
        file = out_dir / pub.transcript_path(fmt)
        if file.is_file():
            rows.append(
                {
                    "href": file.name,
                    "label": f"Transcript, {label}",
                    "size": _size_label(file.stat().st_size),
                }
            )
    return rows


def _size_label(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"


# --------------------------------------------------------------------------- transcripts


def load_cues(pub: PublishedEpisode, out_dir: Path) -> list[Cue]:
    """The episode's transcript cues, from transcript.json in the site (or the stage dir)."""
    file = out_dir / pub.transcript_path("json")
    if not file.is_file() and pub.transcript and pub.transcript_dir:
        name = pub.transcript.files.get("json")
        file = pub.transcript_dir / name if name else file
    if not file.is_file():
        return []
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ProcessingError(f"cannot read the transcript: {e}", file=file) from e
    return group_words(parse_segments(data, file))


def parse_segments(data: object, file: Path) -> list[Cue]:
    """Podcasting 2.0 JSON transcript segments -> cues; a clear error on a wrong shape."""
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list):
        raise ProcessingError(
            "not a Podcasting 2.0 transcript: expected an object with a 'segments' list", file=file
        )
    cues = []
    for i, seg in enumerate(segments):
        try:
            start, end = float(seg["startTime"]), float(seg["endTime"])
            body = str(seg["body"]).strip()
        except (KeyError, TypeError, ValueError) as e:
            raise ProcessingError(
                f"segment {i}: expected startTime, endTime and body ({e.__class__.__name__}: {e})",
                file=file,
            ) from e
        if body:
            cues.append(Cue(start, max(end, start), str(seg.get("speaker") or ""), body))
    return sorted(cues, key=lambda c: c.start)


def group_words(cues: list[Cue]) -> list[Cue]:
    """Join word-level segments into sentence-sized cues; phrase-level ones pass through."""
    if not cues:
        return cues
    words = sorted(len(c.body.split()) for c in cues)
    if words[len(words) // 2] > 2:
        return cues
    grouped = [cues[0]]
    for cue in cues[1:]:
        last = grouped[-1]
        if (
            cue.speaker == last.speaker
            and cue.start - last.end <= _MAX_CUE_GAP_S
            and not _SENTENCE_END.search(last.body)
            and len(last.body.split()) < _MAX_CUE_WORDS
        ):
            grouped[-1] = Cue(last.start, cue.end, last.speaker, f"{last.body} {cue.body}")
        else:
            grouped.append(cue)
    return grouped


# --------------------------------------------------------------------------- search index


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


class _BlockText(HTMLParser):
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
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        self.current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []


def note_paragraphs(html: str) -> list[str]:
    parser = _BlockText()
    parser.feed(html or "")
    parser.close()
    parser._flush()
    return parser.blocks
