"""A small real site for the site tests: espeak-ng speech encoded to MP3 by the bundled
ffmpeg, transcripts whose cue times are the measured lengths of the spoken sentences,
chapters, show notes rendered by markdown-it, and participant-like hostile text."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

from podpipe.config import Chapter, Club, Cycle, Episode, Person, Resource, Show
from podpipe.media import ffmpeg_exe
from podpipe.records import AudioReport, Notes, PublishedEpisode, TranscriptReport

TODAY = dt.date(2026, 10, 5)  # the pandas-groupby cycle is open, 7 days left (to 10-11)
GAP_S = 0.35  # silence between sentences
XSS_TITLE = 'Groupby stories <img src=x onerror="window.pwned=1;alert(1)"> & <script>window.pwned=2;alert(2)</script>'
XSS_GUEST = "<script>window.pwned=3</script>Chioma <img src=x onerror=alert(4)>"
XSS_SPEAKER = "Chioma <img src=x onerror=alert(5)>"
VOICES = {"Ada": "en+f3", "Ben": "en+m3", XSS_SPEAKER: "en+f4"}

# (slug, number, title, date, guests, lines[(speaker, text)], chapter titles by line index, notes)
EPISODES = [
    (
        "001-why-a-learning-club",
        1,
        "Why a learning club?",
        dt.date(2026, 9, 25),
        (Person("Ben Okafor", "guest", link="https://example.org/ben"),),
        [
            ("Ada", "Welcome to Learning Out Loud, a show about learning together."),
            ("Ben", "Thanks for having me, Ada."),
            ("Ada", "Why does a study group help people finish projects?"),
            ("Ben", "Because a deadline shared with friends is hard to ignore."),
            ("Ada", "Our first topic is split apply combine with pandas."),
            ("Ben", "I will bring my bike share data."),
        ],
        {0: "Welcome", 2: "Why study groups work", 4: "The first topic"},
        "Ben Okafor runs a study group for analysts. We talk about why **learning together**\n"
        "beats learning alone.\n\nRead the [pandas guide](https://pandas.pydata.org/).\n",
    ),
    (
        "002-groupby-stories",
        2,
        XSS_TITLE,
        dt.date(2026, 10, 14),
        (Person(XSS_GUEST, "guest", link="javascript:alert(6)"),),
        [
            ("Ada", "Welcome back to the show."),
            (XSS_SPEAKER, "I counted bicycles by the hour with group by."),
            ("Ada", "Window functions come next."),
        ],
        {0: "Welcome back", 1: "What you built"},
        "Chioma wrote up a groupby analysis of bike-share data.\n\n"
        "<script>window.pwned=7</script> raw HTML in notes stays text.\n",
    ),
]


@dataclass
class FixtureSite:
    show: Show
    episodes: list[PublishedEpisode]
    www: Path  # served folder; the site lives in www/show/ (a sub-path)
    site: Path
    cues: dict[str, list[dict]]  # slug -> Podcasting 2.0 segments


def speak(text: str, voice: str, out: Path) -> None:
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "165", "-w", str(out), text],
        check=True,
        capture_output=True,
    )


def make_episode_audio(lines, work: Path, mp3: Path) -> list[dict]:
    """Speak each line, join them with silence, encode to MP3; return timed segments."""
    work.mkdir(parents=True, exist_ok=True)
    frames, segments, params, t = [], [], None, 0.0
    for i, (speaker, text) in enumerate(lines):
        clip = work / f"line{i}.wav"
        speak(text, VOICES[speaker], clip)
        with wave.open(str(clip)) as w:
            params = params or w.getparams()
            data = w.readframes(w.getnframes())
            length = w.getnframes() / w.getframerate()
        segments.append(
            {
                "speaker": speaker,
                "startTime": round(t, 3),
                "endTime": round(t + length, 3),
                "body": text,
            }
        )
        gap = b"\0" * (params.sampwidth * int(GAP_S * params.framerate))
        frames += [data, gap]
        t += length + GAP_S
    joined = work / "joined.wav"
    with wave.open(str(joined), "wb") as w:
        w.setparams(params)
        w.writeframes(b"".join(frames))
    subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-y",
            "-i",
            str(joined),
            "-ar",
            "44100",
            "-ac",
            "1",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "96k",
            str(mp3),
        ],
        check=True,
        capture_output=True,
    )
    return segments


def _stamp(t: float, sep: str) -> str:
    ms = round(t * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def write_transcripts(segments: list[dict], folder: Path) -> None:
    (folder / "transcript.json").write_text(
        json.dumps({"version": "1.0.0", "segments": segments}, indent=1), encoding="utf-8"
    )
    vtt = ["WEBVTT", ""]
    srt = []
    for i, s in enumerate(segments, 1):
        span = f"{_stamp(s['startTime'], '.')} --> {_stamp(s['endTime'], '.')}"
        vtt += [span, f"<v {s['speaker']}>{s['body']}", ""]
        srt += [str(i), span.replace(".", ","), f"{s['speaker']}: {s['body']}", ""]
    (folder / "transcript.vtt").write_text("\n".join(vtt), encoding="utf-8")
    (folder / "transcript.srt").write_text("\n".join(srt), encoding="utf-8")
    (folder / "transcript.txt").write_text(
        "\n".join(f"{s['speaker']}: {s['body']}" for s in segments) + "\n", encoding="utf-8"
    )


def make_show(root: Path) -> Show:
    from PIL import Image, ImageDraw

    root.mkdir(parents=True, exist_ok=True)
    art = root / "artwork.png"
    image = Image.new("RGB", (600, 600), (11, 87, 164))
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 150, 450, 450), fill=(255, 241, 191))
    draw.rectangle((270, 200, 330, 400), fill=(27, 27, 31))
    image.save(art)
    cycles = (
        Cycle(
            "pandas-groupby",
            "Split-apply-combine with pandas groupby",
            "Aggregations, transforms and filters over groups.",
            dt.date(2026, 9, 28),
            dt.date(2026, 10, 11),
            (Resource("pandas guide", "https://pandas.pydata.org/"),),
            announced_in=1,
            featured_in=2,
        ),
        Cycle(
            "sql-window-functions",
            "SQL window functions",
            "Running totals and rankings without self-joins.",
            dt.date(2026, 10, 19),
            dt.date(2026, 11, 1),
            announced_in=2,
        ),
    )
    return Show(
        root=root,
        title="Learning Out Loud",
        subtitle="A data-science learning club, in interviews",
        description="A podcast and a learning club: every two weeks one data-science skill.",
        author="Ada Lindqvist",
        owner_name="Ada Lindqvist",
        owner_email="ada@example.org",
        base_url="https://podcast.example.org/show/",
        artwork=art,
        copyright="© 2026 Ada Lindqvist",
        license="CC BY 4.0",
        hosts=(Person("Ada Lindqvist", "host", link="https://example.org/ada"),),
        links=(
            ("RSS", "https://podcast.example.org/show/feed.xml"),
            ("Apple Podcasts", "https://podcasts.apple.com/podcast/id000"),
        ),
        club=Club(
            name="The Learning Out Loud club",
            submit_url="https://example.org/submit",
            cycles=cycles,
        ),
    )


def _notes_html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).render(markdown)


def build_fixture(base: Path, media_cache: Path) -> FixtureSite:
    """Build the whole fixture site into base/www/show with podpipe.site.build_site."""
    from podpipe.site import build_site

    show = make_show(base / "showroot")
    www = base / "www"
    site = www / "show"
    site.mkdir(parents=True)
    shutil.copyfile(show.artwork, site / "artwork.png")
    published, all_cues = [], {}
    for slug, number, title, date, guests, lines, chapter_at, notes in EPISODES:
        folder = site / "episodes" / slug
        folder.mkdir(parents=True)
        cached = media_cache / slug
        if not (cached / "segments.json").is_file():
            segs = make_episode_audio(lines, cached / "work", cached / f"{slug}.mp3")
            (cached / "segments.json").write_text(json.dumps(segs), encoding="utf-8")
        segments = json.loads((cached / "segments.json").read_text(encoding="utf-8"))
        mp3 = folder / f"{slug}.mp3"
        shutil.copyfile(cached / f"{slug}.mp3", mp3)
        write_transcripts(segments, folder)
        chapters = tuple(Chapter(segments[i]["startTime"], name) for i, name in chapter_at.items())
        (folder / "chapters.json").write_text(
            json.dumps(
                {
                    "version": "1.2.0",
                    "chapters": [{"startTime": c.start, "title": c.title} for c in chapters],
                }
            ),
            encoding="utf-8",
        )
        duration = segments[-1]["endTime"] + GAP_S
        episode = Episode(
            folder=show.root / "episodes" / slug,
            number=number,
            title=title,
            date=date,
            audio=show.root / "episodes" / slug / "source.wav",
            summary=f"Episode {number} of the fixture show.",
            notes=notes,
            guests=guests,
            chapters=chapters,
            season=1,
        )
        announces = show.club.cycles[number - 1]
        features = show.club.cycles[0] if number == 2 else None
        published.append(
            PublishedEpisode(
                episode=episode,
                guid=f"fixture-{slug}",
                mp3=mp3,
                mp3_size=mp3.stat().st_size,
                duration_s=duration,
                audio=AudioReport(None, None, None, -16.0, -1.5, 5.0, 0.0, duration),
                notes=Notes(
                    notes, _notes_html(notes), announces.slug, features.slug if features else None
                ),
                transcript=TranscriptReport(
                    "fixture",
                    "espeak-ng",
                    "en",
                    duration,
                    sum(len(s["body"].split()) for s in segments),
                    len(segments),
                    {f: f"transcript.{f}" for f in ("vtt", "srt", "json", "txt")},
                ),
                transcript_dir=folder,
                announces=announces,
                features=features,
            )
        )
        all_cues[slug] = segments
    build_site(show, published, site, today=TODAY)
    return FixtureSite(show, published, www, site, all_cues)


def page_weight(page: Path) -> dict[str, int]:
    """Bytes of a page's HTML and of the CSS and JS it loads (audio, images, transcript
    files and other data it fetches excluded): {"html": n, "<file name>": n, ...}."""
    import lxml.html

    parts = {"html": page.stat().st_size}
    doc = lxml.html.fromstring(page.read_bytes())
    for el in doc.iter("script", "link"):
        if el.tag == "link" and el.get("rel") != "stylesheet":
            continue
        src = el.get("src") or el.get("href")
        if src:
            parts[Path(src).name] = (page.parent / src).stat().st_size
    return parts


def fixture_site(tmp_path_factory, name: str) -> FixtureSite:
    """A fresh fixture site under a new temp folder; speech is generated once per session."""
    import pytest

    for tool in ("espeak-ng",):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (apt-get install {tool})")
    media = tmp_path_factory.getbasetemp() / "site-media"
    return build_fixture(tmp_path_factory.mktemp(name), media)
