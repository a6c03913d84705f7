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
from podpipe.cache import digest, write_atomic
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
    club_pages = _has_club_pages(show)
    # One fingerprint per episode: its pages, its search entries and its home-page row.
    keys = [reuse.record_key(pub, "episode", club_pages) for pub in newest_first]
    search = [
        _write_episode(env, show, pub, out_dir, reuse, key)
        for pub, key in zip(newest_first, keys, strict=True)
    ]
    _write_home(env, show, newest_first, out_dir, today, reuse, keys)
    _write_search(env, show, search, out_dir)
    _write_club(env, show, newest_first, out_dir, today)
    # Last: they list every page written above (the episode folders' pages as written).
    sharing.write_sitemap(show, out_dir, known=_pages_by_folder(newest_first, reuse))
    sharing.write_robots(show, out_dir)
    reuse.save()
    return reuse


def _pages_by_folder(episodes: list[PublishedEpisode], reuse: PageReuse) -> dict[str, list]:
    """The pages of each episode folder, as written through ``reuse`` (the only HTML
    files there: the rest is media, transcripts and chapters)."""
    known: dict[str, list] = {pub.page_path: [] for pub in episodes}
    for path in reuse.new:
        folder = path if path.endswith("/") else path[: path.rindex("/") + 1]
        if folder in known:
            known[folder].append(path)
    return known


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


def _write_home(
    env, show: Show, episodes, out_dir: Path, today: dt.date, reuse: PageReuse, keys: list[str]
) -> None:
    cycle = club.open_or_next(show, today)
    artwork = artwork_file(show, out_dir)
    show_art = images.site_art(show, out_dir, artwork) if artwork else None
    arts = {p.episode.slug: episode_art(show, p, out_dir) or show_art for p in episodes}
    render_page(
        env,
        "index.html",
        out_dir,
        urls.HOME,
        show=show,
        page="home",
        episodes=episodes,
        episode_rows=EpisodeRows(env, show, episodes, arts, reuse, keys),
        artwork=artwork,
        show_art=show_art,
        arts=arts,
        cycle=cycle,
        cycle_state=cycle.state(today) if cycle else None,
        days_left=club.days_left(cycle, today) if cycle else None,
        club_pages=_has_club_pages(show),
    )


class EpisodeRows:
    """The home page's list of episodes, ``{{ episode_rows }}``: one _episode_row.html
    per episode, each kept with the page index while the episode's fingerprint and its
    artwork are unchanged. Rendered only if the home page shows it (a show's own
    index.html may list ``episodes`` itself)."""

    def __init__(self, env, show: Show, episodes, arts: dict, reuse: PageReuse, keys: list):
        self.env, self.show, self.episodes, self.arts = env, show, episodes, arts
        self.reuse, self.keys = reuse, keys

    def __html__(self) -> str:
        template = self.env.get_template("_episode_row.html")
        art_keys: dict[int, str] = {}  # most rows show the same (the show's) artwork
        rows = []
        for pub, key in zip(self.episodes, self.keys, strict=True):
            art = self.arts[pub.episode.slug]
            art_key = art_keys.get(id(art))
            if art_key is None:
                art_key = art_keys[id(art)] = digest(repr(art))
            rows.append(
                self.reuse.extra(
                    f"row:{pub.episode.slug}",
                    f"{key}:{art_key}",
                    lambda pub=pub, art=art: template.render(
                        show=self.show, root="", pub=pub, art=art
                    ),
                )
            )
        return "".join(rows)


def club_links(pub: PublishedEpisode) -> list[tuple[str, Cycle]]:
    """The club cycles the page names beside the player: those the episode announces or
    features that its show notes do not already present (the notes' club block does)."""
    notes = pub.notes.html if pub.notes.page_html is None else pub.notes.page_html
    links = [
        ("This episode announces the club topic", pub.announces),
        ("This episode features results from", pub.features),
    ]
    return [(label, c) for label, c in links if c and html.escape(c.title) not in (notes or "")]


def _write_episode(
    env, show: Show, pub: PublishedEpisode, out_dir: Path, reuse: PageReuse, key: str
) -> list[str]:
    """The episode's page and transcript page (reused while ``key``, the fingerprint of
    ``pub`` and the show, is unchanged: what the pages show besides ``pub`` follows from
    it); returns its part of the search index (JSON: its row in the episode list, its
    entries)."""
    pages = {pub.page_path: "episode.html", pub.transcript_path("html"): "transcript.html"}
    if pub.transcript and not pub.transcript.empty:  # the feed's text/html transcript
        pages[pub.transcript_path("fragment")] = "transcript_fragment.html"
    left = reuse.link_pages(list(pages), key)
    search = reuse.extra(f"search:{pub.episode.slug}", key, None)
    if not left and search is not None:
        return search
    context = dict(
        show=show,
        page="episode",
        pub=pub,
        club_pages=_has_club_pages(show),
        episode=pub.episode,
        cues=load_cues(pub, out_dir),
        chapters=chapter_rows(pub),
        downloads=downloads(pub, out_dir),
        club_links=club_links(pub),
        card=sharing.episode_card(show, pub),
        captions=captions(show, pub, out_dir),
        transcript_json=beside(pub.transcript_path("json"), out_dir),
    )
    for path in left:
        if pages[path] == "transcript_fragment.html":
            written = render_page(env, pages[path], out_dir, path, cues=context["cues"])
        else:
            written = render_page(env, pages[path], out_dir, path, **context)
        reuse.wrote(path, key, written)
    if search is None:
        search = reuse.extra(
            f"search:{pub.episode.slug}", key, lambda: search_json(pub, context["cues"])
        )
    return search


def search_json(pub: PublishedEpisode, cues) -> list[str]:
    """An episode's part of search/index.json: its item of the episode list and its
    entries, each the JSON text it has there (the items of a list, without brackets)."""
    item = {
        "slug": pub.episode.slug,
        "title": pub.episode.title,
        "number": pub.episode.number,
        "date": pub.episode.date.isoformat(),
    }
    return [_json(item), _json(search_entries(pub, cues))[1:-1]]


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _write_search(env, show: Show, parts: list[list[str]], out_dir: Path) -> None:
    """search/index.json, {"version": 1, "episodes": [...], "entries": [...]}, from the
    episodes' parts (newest first), and the search page."""
    episodes = ",".join(item for item, _ in parts)
    entries = ",".join(text for _, text in parts if text)
    write_atomic(
        urls.site_file(out_dir, urls.SEARCH_INDEX),
        f'{{"version":1,"episodes":[{episodes}],"entries":[{entries}]}}',
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
