"""Generated shows for issue 17's large-show tests and bench: the sample show's show.yaml
and club with ``count`` 3-second episodes, transcription off."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.show_helpers import REPO, copy_sample_show

CLIP = REPO / "episodes" / "002-groupby-stories" / "interview.mp3"


def generated_show(
    root: Path,
    count: int,
    *,
    transcription: bool = False,
    seconds: int = 3,
    distinct: bool = False,
) -> Path:
    """``distinct``: each episode a different stretch of the interview (else one clip,
    which the audio and transcript stages' content-keyed caches then share)."""
    show = copy_sample_show(root)
    shutil.rmtree(show / "episodes")
    (show / "guids.yaml").unlink()
    if not transcription:
        text = (show / "show.yaml").read_text()
        text = text.replace("  model: tiny.en\n", "  model: tiny.en\n  enabled: false\n")
        (show / "show.yaml").write_text(text)
    ffmpeg = __import__("imageio_ffmpeg").get_ffmpeg_exe()
    clip = root.parent / f"clip-{root.name}.mp3"
    subprocess.run(
        [ffmpeg, "-v", "error", "-y", "-i", str(CLIP), "-t", str(seconds), "-c", "copy", str(clip)],
        check=True,
    )
    for n in range(1, count + 1):
        folder = show / "episodes" / episode_folder(n)
        folder.mkdir(parents=True)
        if distinct:
            start = str((n * 7) % 45)
            subprocess.run(
                [ffmpeg, "-v", "error", "-y", "-ss", start, "-i", str(CLIP), "-t", str(seconds)]
                + ["-c", "copy", str(folder / "interview.mp3")],
                check=True,
            )
        else:
            shutil.copyfile(clip, folder / "interview.mp3")
        day = 1 + (n % 28)
        (folder / "episode.yaml").write_text(
            f"number: {n}\ntitle: Episode {n}\ndate: 2020-{1 + n % 12:02d}-{day:02d}\n"
            f"summary: The episode numbered {n}.\nnotes: |\n  Notes of episode {n}.\n"
        )
    return show


def episode_folder(n: int) -> str:
    return f"{n:04d}-episode-{n}"


def edit_title(show: Path, n: int, title: str) -> None:
    file = show / "episodes" / episode_folder(n) / "episode.yaml"
    lines = file.read_text().splitlines(keepends=True)
    lines[1] = f"title: {title}\n"
    file.write_text("".join(lines))
