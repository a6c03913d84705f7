"""The recording as Whisper hears it: 16 kHz mono float32, or one array per channel
for a double-ender whose speakers are named; decoded from the source recording
(never the lossy MP3) with the bundled ffmpeg."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from podpipe.errors import ProcessingError
from podpipe.media import Decoder, ffmpeg_exe

SAMPLE_RATE = 16_000


def decode_audio(source: Path, *, channels: int = 1) -> list[Any]:
    """The recording as 16 kHz float32 arrays: one mixed channel, or each of ``channels``.

    Decoded with the audio stage's Decoder, so a truncated or corrupt file is refused
    here with the same message instead of giving a transcript of half an episode.
    """
    import numpy as np

    if not source.is_file():
        raise ProcessingError("audio file not found", file=source)
    if channels > 1:
        _check_channels(source, channels)
    with Decoder(
        source, sample_rate=SAMPLE_RATE, channels=channels, chunk_frames=60 * SAMPLE_RATE
    ) as decoder:
        parts = list(decoder)
    if not parts:
        raise ProcessingError("the file holds no audio samples", file=source)
    samples = np.concatenate(parts)
    out = [np.ascontiguousarray(samples[:, c]) for c in range(channels)]
    if channels == 2 and _same_signal(out[0], out[1]):
        raise ProcessingError(
            "speakers are named but both channels hold the same audio; a "
            "double-ender needs host and guest on separate channels "
            "(remove speakers to transcribe it as one voice)",
            file=source,
        )
    return out


def _check_channels(source: Path, channels: int) -> None:
    """The Decoder mixes to any layout; speakers need the recording's own channels."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(source)],
        capture_output=True,
        check=False,
    )  # no output file: ffmpeg describes the input and exits 1
    found = _stream_channels(proc.stderr.decode("utf-8", "replace"))
    if found != channels:
        raise ProcessingError(
            f"speakers name {channels} channels but the recording has "
            f"{found}; a double-ender needs host and guest on the left and "
            "right channels of a stereo file",
            file=source,
        )


def _same_signal(left, right) -> bool:
    """True when both channels carry one mix (a mono recording saved as stereo).

    A real double-ender has some bleed between the microphones, but nowhere near
    this correlation. Every 16th sample is plenty and keeps an hour cheap.
    """
    import numpy as np

    a, b = left[::16].astype(np.float64), right[::16].astype(np.float64)
    if a.std() < 1e-6 or b.std() < 1e-6:
        return False  # a silent channel: nothing to compare (silence is not an error)
    return bool(np.corrcoef(a, b)[0, 1] > 0.99)


def _stream_channels(stderr: str) -> int:
    """Channel count of the first audio stream ffmpeg describes in its stderr."""
    match = re.search(r"Stream #\d+:\d+.*?: Audio: [^,]+, \d+ Hz, ([^,]+)", stderr)
    layout = match.group(1).strip() if match else ""
    named = {
        "mono": 1,
        "stereo": 2,
        "2.1": 3,
        "3.0": 3,
        "quad": 4,
        "5.0": 5,
        "5.1": 6,
        "5.1(side)": 6,
        "7.1": 8,
    }
    if layout in named:
        return named[layout]
    count = re.match(r"(\d+) channels", layout)
    return int(count.group(1)) if count else 0
