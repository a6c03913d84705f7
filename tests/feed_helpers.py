"""Helpers for the feed tests: a real copy of the sample show, real MP3s, a staged site.

``stage_site`` plays the orchestrator's part: it places each episode's MP3, transcript
files, chapters JSON and artwork into the site folder under the URLs of ARCHITECTURE.md,
then builds feed.xml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

from podpipe import config, feed
from podpipe.feed import guids
from podpipe.media import probe_duration, run
from podpipe.records import AudioReport, Notes, PublishedEpisode, TranscriptReport

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "podcast-namespace"
XSD = DATA / "schema_podcast.xsd"
TRANSCRIPT_EXAMPLES = {
    "vtt": DATA / "examples_transcripts_example.vtt",
    "srt": DATA / "examples_transcripts_example.srt",
    "json": DATA / "examples_transcripts_example.json",
}
# Seconds of audio per episode number: different lengths so a mix-up shows.
DURATIONS = {1: 3.0, 2: 4.5, 3: 6.0}


def make_artwork(path: Path, size: int = 1400, mode: str = "RGB", fmt: str = "PNG") -> Path:
    colour = (40, 90, 160, 255)[: len(mode)] if mode in ("RGB", "RGBA") else 128
    Image.new(mode, (size, size), colour).save(path, fmt)
    return path


def make_mp3(path: Path, seconds: float, frequency: int = 440) -> Path:
    """A real mono 96 kbps MP3 of a sine tone, encoded by the bundled ffmpeg."""
    run(
        [
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={frequency}:duration={seconds}",
            "-ac",
            "1",
            "-ar",
            "44100",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "96k",
            "-y",
            str(path),
        ],
        file=path,
        what="test MP3",
    )
    return path


def make_show(tmp: Path) -> Path:
    """A copy of the repository's sample show (its artwork and source recordings)."""
    root = tmp / "show"
    root.mkdir()
    shutil.copy(REPO / "show.yaml", root / "show.yaml")
    shutil.copytree(REPO / "episodes", root / "episodes")
    shutil.copy(REPO / "artwork.png", root / "artwork.png")
    return root


def publish(
    show: config.Show,
    work: Path,
    *,
    html: dict[str, str] | None = None,
) -> list[PublishedEpisode]:
    """PublishedEpisode records from real files, as the stages would return them."""
    from markdown_it import MarkdownIt

    ids = guids.assign(show, show.root / guids.REGISTRY_FILE).episodes
    out = []
    for ep in show.episodes:
        d = work / ep.slug
        d.mkdir(parents=True, exist_ok=True)
        mp3 = make_mp3(d / "final.mp3", DURATIONS.get(ep.number, 2.0), 300 + 100 * ep.number)
        tdir = d / "transcript"
        tdir.mkdir(exist_ok=True)
        files = {}
        for fmt, src in TRANSCRIPT_EXAMPLES.items():
            shutil.copy(src, tdir / f"transcript.{fmt}")
            files[fmt] = f"transcript.{fmt}"
        duration = probe_duration(mp3)
        notes_html = (html or {}).get(ep.slug) or MarkdownIt().render(ep.notes)
        out.append(
            PublishedEpisode(
                episode=ep,
                guid=ids[ep.slug],
                mp3=mp3,
                mp3_size=mp3.stat().st_size,
                duration_s=duration,
                audio=AudioReport(None, None, None, -16.0, -1.5, 5.0, 0.0, duration),
                notes=Notes(markdown=ep.notes, html=notes_html),
                transcript=TranscriptReport(
                    engine="faster-whisper",
                    model="tiny.en",
                    language="en",
                    duration_s=duration,
                    word_count=42,
                    segment_count=5,
                    files=files,
                ),
                transcript_dir=tdir,
            )
        )
    return out


def stage_site(show: config.Show, episodes: list[PublishedEpisode], site: Path) -> Path:
    """Place media into ``site`` per the URL contract, then write site/feed.xml."""
    site.mkdir(parents=True, exist_ok=True)
    if show.artwork:
        shutil.copy(show.artwork, site / feed.artwork_path(show))
    for p in episodes:
        shutil.copy(p.mp3, _place(site, p.mp3_path))
        for fmt in feed.transcript_formats(p):
            target = _place(site, p.transcript_path(fmt))
            if fmt == "fragment":  # the site stage renders it; a stand-in will do here
                target.write_text("<time>0:00</time>\n<p>Hello.</p>\n", "utf-8")
            else:
                shutil.copy(p.transcript_dir / p.transcript.files[fmt], target)
        if p.episode.chapters:
            _place(site, p.chapters_path).write_text(feed.chapters_json(p.episode), "utf-8")
        if p.artwork_path:
            shutil.copy(p.episode.artwork, _place(site, p.artwork_path))
    feed.build_feed(show, episodes, site / "feed.xml")
    return site / "feed.xml"


def _place(site: Path, rel: str) -> Path:
    target = site / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    return target
