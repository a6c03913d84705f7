"""Feed generation for a synthetic show of 1000 episodes, against parsing that same feed.

Run from the repository root: ``python3 bench/bench_feed.py [episodes] [repeats]``.
Prints the median time of each side and their ratio (build / parse): feedparser is
what many podcast tools read feeds with, so the ratio says whether writing the feed
costs more or less than a client reading it once.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from podpipe import feed  # noqa: E402
from podpipe.config import Chapter, Episode, Person, Show  # noqa: E402
from podpipe.records import AudioReport, Notes, PublishedEpisode, TranscriptReport  # noqa: E402

NOTES = (
    "<p>{guest} joins us to talk about <strong>{topic}</strong>: what it is for, where it "
    "breaks, and the projects the club built with it.</p>\n<ul>\n"
    '<li><a href="https://example.org/{n}/a">The paper</a></li>\n'
    '<li><a href="https://example.org/{n}/b">A tutorial</a></li>\n</ul>\n'
)


def synthetic_show(root: Path, count: int) -> tuple[Show, list[PublishedEpisode]]:
    show = Show(
        root=root,
        title="Learning Out Loud",
        description="A podcast and a learning club.",
        author="Ada Lindqvist",
        owner_name="Ada Lindqvist",
        owner_email="ada@example.org",
        base_url="https://podcast.example.org/",
        categories=("Education > Courses", "Technology"),
        artwork=root / "artwork.png",
        copyright="2026 Ada Lindqvist",
        hosts=(Person("Ada Lindqvist", "host", link="https://example.org/ada"),),
        funding_url="https://example.org/support",
        locked=True,
    )
    start = dt.date(2010, 1, 4)
    published = []
    for n in range(1, count + 1):
        slug = f"{n:04d}-episode-{n}"
        guest = f"Guest {n}"
        episode = Episode(
            folder=root / "episodes" / slug,
            number=n,
            title=f"Episode {n}: topic {n % 37}",
            date=start + dt.timedelta(days=7 * n),
            audio=root / "episodes" / slug / "source.wav",
            guests=(Person(guest, "guest", link=f"https://example.org/guest/{n}"),),
            chapters=(Chapter(0, "Welcome"), Chapter(95.5, "The topic"), Chapter(1800, "Club")),
            season=1 + n // 100,
        )
        duration = 2400.0 + n
        published.append(
            PublishedEpisode(
                episode=episode,
                guid=f"00000000-0000-4000-8000-{n:012d}",
                mp3=root / f"{slug}.mp3",
                mp3_size=int(duration * 12000),
                duration_s=duration,
                audio=AudioReport(-20.0, -0.5, 8.0, -16.0, -1.2, 6.0, 4.0, duration),
                notes=Notes(markdown="", html=NOTES.format(guest=guest, topic=f"topic {n}", n=n)),
                transcript=TranscriptReport(
                    engine="faster-whisper",
                    model="tiny.en",
                    language="en",
                    duration_s=duration,
                    word_count=6000,
                    segment_count=400,
                    files={f: f"transcript.{f}" for f in ("vtt", "srt", "json", "txt")},
                ),
            )
        )
    return show, published


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    import feedparser
    import podcastparser

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        show, episodes = synthetic_show(root, count)
        out = root / "site" / "feed.xml"
        build = median_time(lambda: feed.build_feed(show, episodes, out), repeats)
        data = out.read_bytes()
        parse = median_time(lambda: feedparser.parse(data), repeats)

        def gpodder() -> None:
            import io

            podcastparser.parse(show.feed_url, io.BytesIO(data))

        gp = median_time(gpodder, repeats)
    print(f"feed of {count} episodes: {len(data) / 1e6:.2f} MB, median of {repeats} runs")
    print(f"{'build_feed (feedgen + extensions, atomic write)':<50} {build:8.3f} s")
    print(f"{'feedparser.parse of the same feed':<50} {parse:8.3f} s")
    print(f"{'podcastparser.parse of the same feed':<50} {gp:8.3f} s")
    print(f"{'ratio build / feedparser parse':<50} {build / parse:8.2f}")
    print(f"{'ratio build / podcastparser parse':<50} {build / gp:8.2f}")


if __name__ == "__main__":
    main()
