"""The Decoder: any audio file as a stream of float32 frames, refused when damaged."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from podpipe.errors import ProcessingError
from podpipe.media.ffmpeg import command, last_error_line
from podpipe.media.ogg import ogg_truncation
from podpipe.media.pipes import StderrReader, widen

WAV_PACKET_BYTES = 1 << 20

# Decoder messages that mean the file is damaged even though ffmpeg carried on.
_DAMAGE_HINTS = (
    "corrupt",
    "filesize and duration do not match",
    "invalid data",
    "header missing",
    "error while decoding",
    "truncat",
)


class Decoder:
    """Decode any audio file to float32 frames at a fixed rate and channel count.

    Iterating yields ``(frames, channels)`` float32 arrays of ``chunk_frames`` frames
    (the last one shorter). ffmpeg resamples and downmixes (its standard matrices), so
    the caller sees one layout whatever the source. Use as a context manager: leaving it
    early kills ffmpeg; finishing it checks that the file decoded cleanly.
    """

    def __init__(self, path: Path, *, sample_rate: int, channels: int, chunk_frames: int):
        self.path = path
        self.sample_rate = sample_rate
        self.channels = channels
        self.chunk_frames = chunk_frames
        self.frames = 0
        self._proc: subprocess.Popen | None = None
        self._stderr: StderrReader | None = None

    def __enter__(self) -> Decoder:
        cmd = command(
            "-loglevel",
            "level+info",
            *(["-max_size", str(WAV_PACKET_BYTES)] if _is_wav(self.path) else []),
            "-i",
            str(self.path),
            "-map",
            "0:a:0",
            "-vn",
            "-ac",
            str(self.channels),
            "-ar",
            str(self.sample_rate),
            "-f",
            "f32le",
            "-acodec",
            "pcm_f32le",
            "pipe:1",
        )
        self._proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, bufsize=0
        )
        self._stderr = StderrReader(self._proc.stderr)
        widen(self._proc.stdout)
        return self

    def __exit__(self, *exc) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.kill()
        if self._proc:
            self._proc.wait()
            self._proc.stdout.close()

    @property
    def declared_duration(self) -> float | None:
        return self._stderr.declared_duration() if self._stderr else None

    def __iter__(self):
        """Chunks, read ahead by a thread so ffmpeg decodes while the caller computes."""
        import queue
        import threading

        chunks: queue.Queue = queue.Queue(maxsize=2)  # bounded: memory stays flat
        stop = threading.Event()

        def read_ahead() -> None:
            try:
                for chunk in self._chunks():
                    if not _put(chunks, chunk, stop):
                        return
                _put(chunks, None, stop)
            except BaseException as e:  # handed to the caller's thread
                _put(chunks, e, stop)

        reader = threading.Thread(target=read_ahead, daemon=True)
        reader.start()
        try:
            while (item := chunks.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                self.frames += len(item)
                yield item
        finally:
            stop.set()
        reader.join()
        self._finish()

    def _chunks(self):
        import numpy as np

        frame_bytes = 4 * self.channels
        while True:
            # a fresh array per chunk: the caller may keep it, and numpy reads into it directly
            chunk = np.empty(self.chunk_frames * self.channels, dtype="<f4")
            view = memoryview(chunk).cast("B")
            filled = 0
            while filled < len(view):
                n = self._proc.stdout.readinto(view[filled:])
                if not n:
                    break
                filled += n
            usable = filled // frame_bytes
            if usable:
                yield chunk[: usable * self.channels].reshape(-1, self.channels)
            if filled < len(view):
                return

    def _finish(self) -> None:
        code = self._proc.wait()
        stderr = self._stderr.join()
        problems = [
            line
            for line in stderr.splitlines()
            if line.lstrip().startswith(("[error]", "[fatal]", "[panic]"))
            or "] [error]" in line
            or "] [fatal]" in line
            or ("[warning]" in line and any(h in line.lower() for h in _DAMAGE_HINTS))
        ]
        if code != 0 and "matches no streams" in stderr:
            raise ProcessingError("the file has no audio stream", file=self.path)
        if code != 0:
            raise ProcessingError(
                f"not a readable audio file ({_clean(problems, stderr)})", file=self.path
            )
        if problems:
            raise ProcessingError(
                f"the audio is truncated or corrupt ({_clean(problems, stderr)})", file=self.path
            )
        cut = ogg_truncation(self.path)
        if cut:
            raise ProcessingError(f"the audio is truncated ({cut})", file=self.path)


def _is_wav(path: Path) -> bool:
    """True for a RIFF WAVE file (the WAV demuxer then reads 1 MB packets, not 4 KB:
    fewer hand-offs between ffmpeg's threads; any other demuxer refuses the option)."""
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def _put(q, item, stop) -> bool:
    """Put into a bounded queue unless the consumer has gone away."""
    import queue

    while not stop.is_set():
        try:
            q.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _clean(problems: list[str], stderr: str) -> str:
    """The most telling ffmpeg message, without its [component @ 0x..] [level] prefixes."""
    line = problems[-1] if problems else last_error_line(stderr)
    line = re.sub(r"\[[^\]]*@ 0x[0-9a-f]+\]\s*", "", line)
    line = re.sub(r"^\s*\[(error|fatal|panic|warning|info)\]\s*", "", line)
    return line.strip() or "no output"


def truncation(declared_s: float | None, decoded_s: float) -> str | None:
    """Why a file whose header declares ``declared_s`` seconds but decodes to
    ``decoded_s`` is truncated, or None: the one rule publish and `episode add` apply."""
    if declared_s and declared_s > 5 and decoded_s < declared_s * 0.98 - 0.5:
        return (
            f"the audio is truncated: {decoded_s:.1f} s decoded of the "
            f"{declared_s:.1f} s its header declares"
        )
    return None


def check_decodes(path: Path) -> float:
    """Decode the whole file (8 kHz mono: cheap) as publish will; the seconds decoded.
    ProcessingError if it is damaged, truncated or holds no audio."""
    rate = 8000
    with Decoder(path, sample_rate=rate, channels=1, chunk_frames=1 << 16) as dec:
        for _ in dec:
            pass
        declared = dec.declared_duration
    seconds = dec.frames / rate
    problem = truncation(declared, seconds)
    if problem:
        raise ProcessingError(problem, file=path)
    if dec.frames == 0:
        raise ProcessingError("the file holds no audio samples", file=path)
    return seconds
