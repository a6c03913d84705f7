"""The bundled ffmpeg as podpipe uses it: locating and running it, probing a recording's
length, streaming PCM out of any audio file (Decoder) and into an MP3 (Mp3Encoder), and
ffmpeg's own ebur128 meter as the independent check on the audio stage."""

from __future__ import annotations

from podpipe.media.decoder import Decoder, check_decodes, truncation
from podpipe.media.encoder import Mp3Encoder
from podpipe.media.ffmpeg import command, ffmpeg_exe, ffmpeg_version, last_error_line, run
from podpipe.media.loudness import Loudness, measure
from podpipe.media.ogg import ogg_truncation
from podpipe.media.probe import probe_duration

__all__ = [
    "Decoder",
    "check_decodes",
    "truncation",
    "Loudness",
    "Mp3Encoder",
    "command",
    "ffmpeg_exe",
    "ffmpeg_version",
    "last_error_line",
    "measure",
    "ogg_truncation",
    "probe_duration",
    "run",
]
