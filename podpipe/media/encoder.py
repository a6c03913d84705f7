"""The Mp3Encoder: float32 frames written to it become a CBR MP3 (libmp3lame)."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

from podpipe.errors import ProcessingError
from podpipe.media.ffmpeg import command, last_error_line
from podpipe.media.pipes import StderrReader, widen

PACKET_BYTES = 1 << 20  # what ffmpeg reads from the pipe at a time


def _wav_header(rate: int, channels: int) -> bytes:
    """The header of a float32 WAV stream of unknown length (sizes 0xFFFFFFFF: ffmpeg
    reads to the end of the pipe)."""
    fmt = struct.pack("<HHIIHH", 3, channels, rate, rate * channels * 4, channels * 4, 32)
    unknown = struct.pack("<I", 0xFFFFFFFF)
    return b"RIFF" + unknown + b"WAVEfmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + unknown


class Mp3Encoder:
    """Encode float32 frames written to it into an MP3 with libmp3lame (CBR)."""

    def __init__(
        self,
        out: Path,
        *,
        sample_rate: int,
        channels: int,
        bitrate_kbps: int,
        cutoff_hz: int | None = None,
    ):
        self.out = out
        cutoff = ["-cutoff", str(cutoff_hz)] if cutoff_hz else []
        # A float WAV stream, not raw f32le: the WAV demuxer takes a packet size, and 1 MB
        # packets instead of raw PCM's 4 KB spare ffmpeg's threads ~0.5 s of CPU in 30 min
        cmd = command(
            "-loglevel",
            "error",
            "-y",
            "-f",
            "wav",
            "-max_size",
            str(PACKET_BYTES),
            "-i",
            "pipe:0",
            "-c:a",
            "libmp3lame",
            "-b:a",
            f"{bitrate_kbps}k",
            *cutoff,
            "-ar",
            str(sample_rate),
            "-f",
            "mp3",
            str(out),
        )
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, bufsize=0
        )
        self._stderr = StderrReader(self._proc.stderr)
        widen(self._proc.stdin)
        # A thread feeds the pipe, so the caller computes the next chunk while the encoder
        # works on this one (a pipe holds only 64 KB; writing in line would take turns).
        import queue
        import threading

        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._broken = False
        self._writer = threading.Thread(target=self._feed, daemon=True)
        self._writer.start()
        self._queue.put(_wav_header(sample_rate, channels))

    def _feed(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._broken:
                continue  # the encoder died: drain, close() reports why
            try:
                self._proc.stdin.write(data)
            except OSError:
                self._broken = True

    def write(self, frames) -> None:
        """Queue frames for encoding; the array must not be changed afterwards."""
        import numpy as np

        self._queue.put(np.ascontiguousarray(frames, dtype="<f4").reshape(-1).view(np.uint8))

    def close(self) -> None:
        self._queue.put(None)
        self._writer.join()
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        code = self._proc.wait()
        stderr = self._stderr.join()
        if code != 0 or self._broken:
            raise ProcessingError(f"MP3 encoding failed: {last_error_line(stderr)}", file=self.out)

    def kill(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        self._broken = True
        self._queue.put(None)
        self._writer.join(timeout=5)
