"""Benchmark podpipe's audio stage against plain ffmpeg and two-pass loudnorm, in one run.

    python3 bench/bench_audio.py [--minutes 30] [--stereo] [--skip-rss] [--rss-hours 3]

Makes a speech-like interview (44.1 kHz stereo WAV, loud host, quiet guest, plosive
peaks), then times on the same file:

1. podpipe's audio stage (two streaming passes, leveler, true-peak limiter, MP3);
   (default settings: ``audio.denoise: auto`` measures the noise and, on this clean
   input, leaves the model off; ``--strong`` also times ``denoise: strong``);
2. a plain ffmpeg decode + MP3 encode at the same bitrate and channels: the floor;
3. two-pass ffmpeg loudnorm as ffmpeg-normalize does it: an analysis pass, then a
   linear pass with the measured values.

Plain and podpipe run --repeat times each, alternating, and the best time counts (the
machine may be busy with other work); loudnorm, far slower, runs once.

Each output is metered with ffmpeg's ebur128 (true peak on). Last, the peak resident
memory of the audio stage on a 3-hour input (the same recording looped).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from audio_helpers import interview, write_audio  # noqa: E402

from podpipe import media as ffmpeg  # noqa: E402
from podpipe.audio import master  # noqa: E402
from podpipe.config import AudioSettings  # noqa: E402

TARGET, CEILING = -16.0, -1.0


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def plain(src: Path, out: Path, channels: int, bitrate: int) -> None:
    ffmpeg.run(
        [
            "-y",
            "-i",
            str(src),
            *_mp3_output(out, channels, bitrate),
        ]
    )


def _mp3_output(out: Path, channels: int, bitrate: int) -> list[str]:
    """The encoder settings every method in the comparison shares."""
    return [
        "-ac",
        str(channels),
        "-ar",
        "44100",
        "-c:a",
        "libmp3lame",
        "-b:a",
        f"{bitrate}k",
        str(out),
    ]


def loudnorm_two_pass(src: Path, out: Path, channels: int, bitrate: int) -> None:
    spec = f"loudnorm=I={TARGET}:TP={CEILING}:LRA=11"
    err = ffmpeg.run(["-i", str(src), "-af", spec + ":print_format=json", "-f", "null", "-"])
    m = json.loads(err[err.rindex("{") : err.rindex("}") + 1])
    second = (
        f"{spec}:measured_I={m['input_i']}:measured_TP={m['input_tp']}"
        f":measured_LRA={m['input_lra']}:measured_thresh={m['input_thresh']}"
        f":offset={m['target_offset']}:linear=true"
    )
    ffmpeg.run(
        [
            "-y",
            "-i",
            str(src),
            "-af",
            second,
            *_mp3_output(out, channels, bitrate),
        ]
    )


CHILD_CODE = """
import glob, resource, sys, threading, time
from pathlib import Path
from podpipe.audio import master
from podpipe.config import AudioSettings

children_peak = 0

def watch():  # the ffmpeg children's resident memory, summed, sampled every 0.2 s
    global children_peak
    while True:
        total = 0
        for listing in glob.glob("/proc/self/task/*/children"):
            for pid in open(listing).read().split():
                try:
                    status = open(f"/proc/{pid}/status").read()
                except OSError:
                    continue
                total += int(status.split("VmRSS:")[1].split()[0]) if "VmRSS:" in status else 0
        children_peak = max(children_peak, total)
        time.sleep(0.2)

threading.Thread(target=watch, daemon=True).start()
t = time.perf_counter()
master(Path(sys.argv[1]), Path(sys.argv[2]), AudioSettings(channels=int(sys.argv[3])))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, children_peak, time.perf_counter() - t)
"""


def peak_rss_mb(src: Path, out: Path, channels: int) -> tuple[float, float, float]:
    """Peak RSS of a fresh Python process running the stage, and of its ffmpeg children."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD_CODE, str(src), str(out), str(channels)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    own, children, seconds = proc.stdout.split()
    return int(own) / 1024, int(children) / 1024, float(seconds)


def row(name: str, seconds: float, floor: float, out: Path) -> str:
    m = ffmpeg.measure(out)
    err = abs(m.integrated_lufs - TARGET)
    return (
        f"{name:<22} {seconds:8.1f} s {seconds / floor:6.2f}x   {m.integrated_lufs:6.1f} LUFS "
        f"(off {err:4.1f})  TP {m.true_peak_dbtp:5.1f} dBTP  LRA {m.lra:4.1f} LU"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--stereo", action="store_true", help="stereo 128 kbps (default mono 96)")
    ap.add_argument("--skip-rss", action="store_true", help="skip the 3-hour memory run")
    ap.add_argument("--rss-hours", type=float, default=3.0)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3, help="runs of plain and podpipe (best)")
    ap.add_argument(
        "--strong", action="store_true", help="also time audio.denoise: strong (target <= 3x)"
    )
    args = ap.parse_args()
    channels, bitrate = (2, 128) if args.stereo else (1, 96)

    with tempfile.TemporaryDirectory(prefix="podpipe-bench-", dir=args.workdir) as tmp:
        work = Path(tmp)
        src = work / "interview.wav"
        made = timed(lambda: write_audio(src, interview(args.minutes * 60, peaky=True), channels=2))
        m = ffmpeg.measure(src)
        print(
            f"input: {args.minutes:g} min, 44.1 kHz stereo WAV (made in {made:.0f} s): "
            f"{m.integrated_lufs:.1f} LUFS, TP {m.true_peak_dbtp:.1f} dBTP, LRA {m.lra:.1f} LU"
        )
        print(
            f"output: MP3 {bitrate} kbps, {'stereo' if channels == 2 else 'mono'}; "
            f"target {TARGET} LUFS, ceiling {CEILING} dBTP\n"
        )

        outs = {k: work / f"{k}.mp3" for k in ("plain", "podpipe", "loudnorm")}
        settings = AudioSettings(channels=channels, bitrate_kbps=bitrate)
        # best of --repeat runs each, alternating: other work on the machine only slows runs
        t_plain = t_pod = float("inf")
        for _ in range(args.repeat):
            t_plain = min(t_plain, timed(lambda: plain(src, outs["plain"], channels, bitrate)))
            t_pod = min(t_pod, timed(lambda: master(src, outs["podpipe"], settings)))
        t_ln = timed(lambda: loudnorm_two_pass(src, outs["loudnorm"], channels, bitrate))
        t_strong = None
        if args.strong:  # noise reduction forced on (the model runs on every sample)
            strong = AudioSettings(channels=channels, bitrate_kbps=bitrate, denoise="strong")
            outs["strong"] = work / "strong.mp3"
            t_strong = timed(lambda: master(src, outs["strong"], strong))

        print(f"{'method':<22} {'wall':>10} {'vs plain':>7}   measured on the MP3 (ebur128)")
        print(row("plain decode+encode", t_plain, t_plain, outs["plain"]))
        print(row("podpipe audio", t_pod, t_plain, outs["podpipe"]))
        print(row("loudnorm two-pass", t_ln, t_plain, outs["loudnorm"]))
        if t_strong is not None:
            print(row("podpipe denoise=strong", t_strong, t_plain, outs["strong"]))
        print(
            f"\npodpipe / plain = {t_pod / t_plain:.2f}x (target <= 1.3x); "
            f"loudnorm / podpipe = {t_ln / t_pod:.2f}x (target >= 3x)"
        )
        if t_strong is not None:
            print(f"denoise=strong / plain = {t_strong / t_plain:.2f}x (target <= 3x)")

        if not args.skip_rss:
            long = work / "long.wav"
            loops = max(0, round(args.rss_hours * 60 / args.minutes) - 1)
            ffmpeg.run(["-y", "-stream_loop", str(loops), "-i", str(src), "-c", "copy", str(long)])
            hours = ffmpeg.probe_duration(long) / 3600
            own, children, seconds = peak_rss_mb(long, work / "long.mp3", channels)
            print(
                f"\n{hours:.1f} h input: peak RSS {own:.0f} MB (Python), ffmpeg children "
                f"{children:.0f} MB; took {seconds:.0f} s ({seconds / hours / 60:.1f} s per "
                f"minute of audio)"
            )


if __name__ == "__main__":
    main()
