"""A temp copy of the sample show that loads: short real WAVs and a real artwork PNG.

The repository's sample episodes have no audio yet, so the club tests build their own
copy with a one-second tone per episode (made by the bundled ffmpeg).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from podpipe.config import load_show
from podpipe.ffmpeg import ffmpeg_exe

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
    """Copy show.yaml, episodes/ and club/ to dest, add audio and artwork; return dest."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "show.yaml", dest / "show.yaml")
    shutil.copytree(REPO / "episodes", dest / "episodes")
    shutil.copytree(REPO / "club", dest / "club")
    wav = dest / "tone.wav"
    make_wav(wav)
    for folder in sorted((dest / "episodes").iterdir()):
        if not any(folder.glob("*.wav")) and not any(folder.glob("*.mp3")):
            shutil.copy(wav, folder / "recording.wav")
    wav.unlink()
    if not (dest / "artwork.png").exists():
        make_artwork(dest / "artwork.png")
    return dest


def load_sample(dest: Path):
    return load_show(sample_show_copy(dest))
