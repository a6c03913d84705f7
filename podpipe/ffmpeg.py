"""The bundled ffmpeg (imageio-ffmpeg wheel): finding it, running it, metering with it."""

from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from podpipe.errors import ProcessingError


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary: $IMAGEIO_FFMPEG_EXE, else the one in the wheel."""
    exe = os.environ.get("IMAGEIO_FFMPEG_EXE")
    if exe:
        return exe
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@functools.cache
def ffmpeg_version() -> str:
    out = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-version"], capture_output=True, text=True, check=False
    ).stdout
    return out.splitlines()[0] if out else "unknown"


def run(args: list[str], *, file: Path | None = None, what: str = "ffmpeg") -> str:
    """Run ffmpeg with ``args``; return stderr (where ffmpeg reports); raise on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=False)
    if proc.returncode != 0:
        raise ProcessingError(f"{what} failed: {last_error_line(proc.stderr)}", file=file)
    return proc.stderr


def last_error_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


@dataclass(frozen=True)
class Loudness:
    """An EBU R128 measurement: integrated loudness, loudness range, true peak."""

    integrated_lufs: float
    lra: float
    true_peak_dbtp: float


def _last_float(pattern: str, text: str) -> float:
    found = re.findall(pattern, text)
    if not found:
        raise ValueError(pattern)
    value = found[-1]
    return float("-inf") if value.startswith("-inf") else float(value)


def measure(path: Path) -> Loudness:
    """Measure a file with ffmpeg's ``ebur128`` filter (true peak on): the independent meter."""
    err = run(
        [
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-filter:a",
            "ebur128=peak=true:framelog=quiet",
            "-f",
            "null",
            "-",
        ],
        file=path,
        what="loudness measurement",
    )
    summary = err[err.rfind("Summary:") :]
    try:
        return Loudness(
            integrated_lufs=_last_float(r"I:\s+(-?[\d.]+|-inf)\s+LUFS", summary),
            lra=_last_float(r"LRA:\s+(-?[\d.]+)\s+LU", summary),
            true_peak_dbtp=_last_float(r"Peak:\s+(-?[\d.]+|-inf)\s+dBFS", summary),
        )
    except ValueError as e:
        raise ProcessingError("could not read the loudness measurement", file=path) from e


def probe_duration(path: Path) -> float:
    """Duration in seconds, by decoding (the wheel has no ffprobe)."""
    err = run(["-i", str(path), "-map", "0:a:0", "-f", "null", "-"], file=path, what="decoding")
    times = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", err)
    if not times:
        raise ProcessingError("no audio stream found", file=path)
    h, m, s = times[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)


# --------------------------------------------------------------------------- streaming

# Decoder messages that mean the file is damaged even though ffmpeg carried on.
_DAMAGE_HINTS = (
    "corrupt",
    "filesize and duration do not match",
    "invalid data",
    "header missing",
    "error while decoding",
    "truncat",
)


class _StderrReader:
    """Drains a child's stderr in a thread (a full pipe would block ffmpeg)."""

    def __init__(self, stream):
        import threading

        self.lines: list[str] = []
        self._stream = stream
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        for raw in iter(self._stream.readline, b""):
            self.lines.append(raw.decode("utf-8", "replace").rstrip())

    def join(self) -> str:
        self._thread.join()
        return "\n".join(self.lines)

    def declared_duration(self) -> float | None:
        """The duration the container declares; None when ffmpeg only guessed it."""
        if any("Estimating duration from bitrate" in line for line in self.lines):
            return None
        for line in self.lines:
            found = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", line)
            if found:
                h, m, s = found.groups()
                return int(h) * 3600 + int(m) * 60 + float(s)
        return None


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
        self._stderr: _StderrReader | None = None

    def __enter__(self) -> Decoder:
        cmd = [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "level+info",
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
        ]
        self._proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, bufsize=0
        )
        self._stderr = _StderrReader(self._proc.stderr)
        _widen(self._proc.stdout)
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


def ogg_truncation(path: Path) -> str | None:
    """Why an Ogg file (Vorbis, Opus, FLAC in Ogg) looks cut off, or None.

    ffmpeg decodes a truncated Ogg file without a word: its duration comes from the last
    page it finds. But every complete Ogg stream ends with a page flagged end-of-stream,
    and a cut-off file ends inside a page or on a page without that flag. Anything after
    the last whole page (an ID3v1 tag, padding) is ignored.
    """
    try:
        with path.open("rb") as f:
            if f.read(4) != b"OggS":
                return None
            size = f.seek(0, 2)
            f.seek(max(0, size - 70_000))  # an Ogg page is at most 65,307 bytes
            tail = f.read()
    except OSError:
        return None
    start = tail.rfind(b"OggS")
    while start >= 0:
        page = tail[start:]
        if len(page) >= 27 and page[4] == 0:  # a page header (version 0), not stray bytes
            segments = page[26]
            if len(page) >= 27 + segments:
                length = 27 + segments + sum(page[27 : 27 + segments])
                if length > len(page):
                    return f"the last Ogg page needs {length} bytes, the file has {len(page)}"
                # Bytes after a whole page (an ID3v1 tag, padding) are not audio.
                if page[5] & 0x04:
                    return None
                return "the last Ogg page is not marked end-of-stream"
        start = tail.rfind(b"OggS", 0, start)
    return "no complete Ogg page at the end of the file"


def _widen(pipe) -> None:
    """Ask Linux for a 1 MB pipe (default 64 KB): fewer wake-ups per second of audio."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
    except (ImportError, OSError):
        pass  # not Linux, or over the system's limit: the default works, a little slower


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
        cmd = [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "f32le",
            "-ar",
            str(sample_rate),
            "-ac",
            str(channels),
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
        ]
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, bufsize=0
        )
        self._stderr = _StderrReader(self._proc.stderr)
        _widen(self._proc.stdin)
        # A thread feeds the pipe, so the caller computes the next chunk while the encoder
        # works on this one (a pipe holds only 64 KB; writing in line would take turns).
        import queue
        import threading

        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._broken = False
        self._writer = threading.Thread(target=self._feed, daemon=True)
        self._writer.start()

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
