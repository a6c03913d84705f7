"""The static site: home, episode pages, transcript pages, search, club pages.

``build_site`` renders into a folder the orchestrator has already filled with the
media (MP3s, transcript files, chapters JSON, artwork) at the URLs fixed in
ARCHITECTURE.md. Every link is relative (the ``root`` prefix each page gets), so
the folder works from any host and any sub-path. The transcript page is rendered on
the server side from the Podcasting 2.0 JSON; the episode page links it, and its
player (static/player.js) fetches that JSON for the follow-along, so the page's weight
does not grow with the episode's length. search.js searches a static index.
"""

from __future__ import annotations

import datetime as dt
import html
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
from podpipe.site.reuse import PageReuse
from podpipe.site.search import search_entries
from podpipe.site.transcripts import load_cues
from podpipe.transcribe.formats import FILE_FORMATS, transcript_format

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent.parent / "static"


# --------------------------------------------------------------------------- build


def build_site(
    show: Show, episodes: list[PublishedEpisode], out_dir: Path, *, today: dt.date
) -> PageReuse:
    """Render every HTML page, the search index and club pages; copy static/ into out_dir.
    Episode pages whose inputs are unchanged are linked from the current site (returned:
    which pages were rendered, which reused)."""
    out_dir = Path(out_dir)
    env = site_environment(show)
    newest_first = sorted(episodes, key=lambda p: (p.episode.date, p.episode.number), reverse=True)
    copy_static(show, out_dir)
    reuse = PageReuse(show, out_dir)
    index: list[dict] = []
    for pub in newest_first:
        index.extend(_write_episode(env, show, pub, out_dir, reuse))
    _write_home(env, show, newest_first, out_dir, today)
    _write_search(env, show, newest_first, index, out_dir)
    _write_club(env, show, newest_first, out_dir, today)
    # Last: they list every page written above.
    sharing.write_sitemap(show, out_dir)
    sharing.write_robots(show, out_dir)
    reuse.save()
    return reuse


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


def club_links(pub: PublishedEpisode) -> list[tuple[str, Cycle]]:
    """The club cycles the page names beside the player: those the episode announces or
    features that its show notes do not already present (the notes' club block does)."""
    notes = pub.notes.html if pub.notes.page_html is None else pub.notes.page_html
    links = [
        ("This episode announces the club topic", pub.announces),
        ("This episode features results from", pub.features),
    ]
    return [(label, c) for label, c in links if c and html.escape(c.title) not in (notes or "")]


def _write_episode(env, show: Show, pub: PublishedEpisode, out_dir: Path, reuse: PageReuse):
    """The episode's page and transcript page (reused while their inputs are unchanged);
    returns its search entries."""
    # What the pages show besides what follows from ``pub`` (cues, chapters, downloads):
    # the fingerprint of both pages.
    context = dict(show=show, page="episode", pub=pub, club_pages=_has_club_pages(show))
    key = reuse.key(portable(show, {k: v for k, v in context.items() if k != "show"}))
    full: dict = {}

    def page_context() -> dict:
        if not full:
            full.update(
                context,
                episode=pub.episode,
                cues=load_cues(pub, out_dir),
                chapters=chapter_rows(pub),
                downloads=downloads(pub, out_dir),
                club_links=club_links(pub),
                card=sharing.episode_card(show, pub),
                captions=captions(show, pub, out_dir),
                transcript_json=beside(pub.transcript_path("json"), out_dir),
            )
        return full

    for template, path in (
        ("episode.html", pub.page_path),
        ("transcript.html", pub.transcript_path("html")),
    ):
        reuse.page(
            path, key, lambda t=template, p=path: render_page(env, t, out_dir, p, **page_context())
        )
    if pub.transcript and not pub.transcript.empty:  # the feed's text/html transcript
        path = pub.transcript_path("fragment")
        reuse.page(
            path,
            key,
            lambda: render_page(
                env, "transcript_fragment.html", out_dir, path, cues=page_context()["cues"]
            ),
        )
    return reuse.extra(
        f"search:{pub.episode.slug}",
        key,
        lambda: search_entries(pub, page_context()["cues"]),
    )


def portable(show: Show, value: object) -> str:
    """``repr`` with the show's folder left out: a moved show reuses its pages."""
    return repr(value).replace(str(show.root), "<show>")


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


def beside(path: str, out_dir: Path) -> str | None:
    """A published file's name as the episode page beside it links it (None: not there)."""
    file = out_dir / path
    return file.name if file.is_file() else None


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
