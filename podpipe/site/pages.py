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
import shutil
from pathlib import Path

from podpipe import club, urls
from podpipe.cache import write_atomic
from podpipe.config import Cycle, Show
from podpipe.records import PublishedEpisode
from podpipe.render import environment, render_page
from podpipe.site import images, sharing
from podpipe.site.club_pages import write_club_pages
from podpipe.site.search import search_entries
from podpipe.site.transcripts import Cue, load_cues
from podpipe.transcribe.formats import FILE_FORMATS, transcript_format

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent.parent / "static"


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
    # Last: they list every page written above.
    sharing.write_sitemap(show, out_dir)
    sharing.write_robots(show, out_dir)


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


# --------------------------------------------------------------------------- pages


def _write_home(env, show: Show, episodes, out_dir: Path, today: dt.date) -> None:
    cycle = club.open_or_next(show, today)
    artwork = artwork_file(show, out_dir)
    show_art = images.site_art(show, out_dir, artwork) if artwork else None
    render_page(
        env,
        "index.html",
        out_dir,
        urls.HOME,
        show=show,
        page="home",
        episodes=episodes,
        artwork=artwork,
        show_art=show_art,
        arts={p.episode.slug: episode_art(show, p, out_dir) or show_art for p in episodes},
        cycle=cycle,
        cycle_state=cycle.state(today) if cycle else None,
        days_left=club.days_left(cycle, today) if cycle else None,
        club_pages=_has_club_pages(show),
    )


def _write_episode(env, show: Show, pub: PublishedEpisode, cues: list[Cue], out_dir: Path):
    context = dict(
        show=show,
        page="episode",
        pub=pub,
        episode=pub.episode,
        cues=cues,
        chapters=chapter_rows(pub),
        downloads=downloads(pub, out_dir),
        card=sharing.episode_card(show, pub),
        captions=captions(show, pub, out_dir),
        club_pages=_has_club_pages(show),
    )
    render_page(env, "episode.html", out_dir, pub.page_path, **context)
    render_page(env, "transcript.html", out_dir, pub.transcript_path("html"), **context)


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
    write_atomic(
        urls.site_file(out_dir, urls.SEARCH_INDEX),
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
    )
    render_page(env, "search.html", out_dir, urls.SEARCH, show=show, page="search")


def _has_club_pages(show: Show) -> bool:
    return bool(show.club.cycles)


def _write_club(env, show: Show, episodes, out_dir: Path, today: dt.date) -> None:
    # The club module owns club/index.html and club/<slug>/; they share base.html.
    if _has_club_pages(show):
        write_club_pages(show, episodes, out_dir, today=today, env=env)


# --------------------------------------------------------------------------- page data


def artwork_file(show: Show, out_dir: Path) -> str | None:
    """The artwork's file name in the site root (placed there by the orchestrator)."""
    name = urls.show_artwork(show.artwork) if show.artwork else None
    return name if name and (out_dir / name).is_file() else None


def episode_art(show: Show, pub: PublishedEpisode, out_dir: Path) -> images.Art | None:
    """The thumbnails of an episode's own artwork (None: it has none, use the show's)."""
    return images.site_art(show, out_dir, pub.artwork_path) if pub.artwork_path else None


def chapter_rows(pub: PublishedEpisode) -> list[dict]:
    chapters = pub.episode.chapters
    rows = []
    for i, chapter in enumerate(chapters):
        end = chapters[i + 1].start if i + 1 < len(chapters) else pub.duration_s
        rows.append(
            {"start": chapter.start, "end": end, "title": chapter.title, "url": chapter.url}
        )
    return rows


def captions(show: Show, pub: PublishedEpisode, out_dir: Path) -> dict | None:
    """The player's captions track: the WebVTT transcript beside the page, if there is one."""
    file = out_dir / pub.transcript_path("vtt")
    if not file.is_file():
        return None
    language = (pub.transcript.language if pub.transcript else None) or show.language
    return {"src": file.name, "language": language}


def downloads(pub: PublishedEpisode, out_dir: Path) -> list[dict]:
    """Links to the MP3 and the transcript formats that are really there."""
    rows = [
        {
            "href": Path(pub.mp3_path).name,  # beside the page
            "label": "MP3 audio",
            "size": _size_label(pub.mp3_size),
        }
    ]
    for fmt in FILE_FORMATS:
        label = transcript_format(fmt).label
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


