"""A temp copy of the sample show that loads: short real WAVs and a real artwork PNG.

The repository's sample episodes have no audio yet, so the club tests build their own
copy with a one-second tone per episode (made by the bundled ffmpeg).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from podpipe.config import load_show
from podpipe.media import ffmpeg_exe

REPO = Path(__file__).resolve().parent.parent


def make_wav(path: Path, seconds: float = 1.0) -> None:
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-ac",
            "1",
            "-ar",
            "16000",
            str(path),
        ],
        check=True,
    )


def make_artwork(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (1400, 1400), (40, 90, 160)).save(path)


def sample_show_copy(dest: Path) -> Path:
    """A copy of the repository's sample show (its real recordings and artwork)."""
    from tests.show_helpers import copy_sample_show

    return copy_sample_show(dest)


def load_sample(dest: Path):
    return load_show(sample_show_copy(dest))


def published_episodes(show, results=None) -> list:
    """The sample episodes as a publish hands them to the site (notes rendered for
    real; one-second audio reports: the club pages only link the episodes)."""
    from podpipe import club, notes
    from podpipe.records import AudioReport, PublishedEpisode

    results = club.load_results(show) if results is None else results
    return [
        PublishedEpisode(
            episode=ep,
            guid=f"guid-{ep.number}",
            mp3=ep.audio,
            mp3_size=1,
            duration_s=1.0,
            audio=AudioReport(None, None, None, None, None, None, None, 1.0),
            notes=notes.render_notes(show, ep, results=results),
        )
        for ep in show.episodes
    ]
