"""Benchmark the multitrack audio stage against a plain decode + MP3 encode of the tracks.

    python3 bench/bench_multitrack.py [--minutes 30] [--repeat 2] [--rss-minutes 10,30]

Makes three speakers' tracks (espeak-ng voices in a seeded conversation, 44.1 kHz WAV,
each with the others' bleed at -25 dB, one starting 0.35 s late, one 1.2 s early with
100 ppm clock drift, one speaker 15 dB quieter), then times on the same files:

1. podpipe's multitrack audio stage with the default settings (envelope pass and
   alignment, leveling, crossgate, mix, the single-file stage's two passes, MP3);
2. the baseline: a plain ffmpeg decode + MP3 encode of each of the three tracks, at
   the show's bitrate.

They run --repeat times each, alternating, and the best time counts. Last, the peak
resident memory (podpipe's process plus its ffmpeg children) at each --rss-minutes
length: flat when it does not grow with the episode.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from multitrack_helpers import conversation, make_tracks, speak_all  # noqa: E402

from podpipe import media  # noqa: E402
from podpipe.audio import master_tracks  # noqa: E402
from podpipe.config import AudioSettings, Track  # noqa: E402

STARTS = {"Ada Lindqvist": 0.0, "Ben Okafor": 0.35, "Chioma Eze": -1.2}

CHILD_CODE = """
import glob, sys, threading, time
from pathlib import Path
from podpipe.audio import master_tracks
from podpipe.config import AudioSettings, Track

children_peak = 0

def watch():  # the ffmpeg children's resident memory, summed, sampled every 0.2 s
    global children_peak
    while True:
        total = 0
        for listing in glob.glob("/proc/self/task/*/children"):
            try:
                pids = open(listing).read().split()
            except OSError:  # the thread ended
                continue
            for pid in pids:
                try:
                    status = open(f"/proc/{pid}/status").read()
                except OSError:
                    continue
                total += int(status.split("VmRSS:")[1].split()[0]) if "VmRSS:" in status else 0
        children_peak = max(children_peak, total)
        time.sleep(0.2)

threading.Thread(target=watch, daemon=True).start()
files = sys.argv[2:]
tracks = tuple(Track(Path(f), f"Speaker {i}") for i, f in enumerate(files))
t = time.perf_counter()
master_tracks(tracks, Path(sys.argv[1]), AudioSettings())
# VmHWM, not ru_maxrss: Linux carries the parent's high-water mark (this benchmark, which
# holds the made tracks) into the child's ru_maxrss across fork and exec.
own = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
print(own, children_peak, time.perf_counter() - t)
"""


def make(folder: Path, minutes: float, spoken) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    seconds = minutes * 60
    turns = conversation(spoken, seconds, seed=int(minutes), overlap_every=9)
    made = make_tracks(
        folder,
        spoken,
        turns,
        seconds,
        starts=STARTS,
        speeds={"Chioma Eze": 1.0001},
        gains_db={"Ben Okafor": -15.0},
        bleed_db=-25.0,
        rates=dict.fromkeys(STARTS, 44100),
    )
    return [m.path for m in made]


def plain(files: list[Path], out: Path, bitrate: int) -> None:
    for i, f in enumerate(files):
        media.run(
            ["-y", "-i", str(f), "-ac", "1", "-ar", "44100", "-c:a", "libmp3lame"]
            + ["-b:a", f"{bitrate}k", str(out / f"plain-{i}.mp3")]
        )


def podpipe(files: list[Path], out: Path) -> None:
    tracks = tuple(Track(f, f"Speaker {i}") for i, f in enumerate(files))
    master_tracks(tracks, out / "mix.mp3", AudioSettings())


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def peak_rss(files: list[Path], out: Path) -> tuple[float, float, float]:
    """(podpipe MB, ffmpeg children MB, seconds) of one run in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD_CODE, str(out / "rss.mp3"), *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    own, children, seconds = proc.stdout.split()
    return int(own) / 1024, int(children) / 1024, float(seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--rss-minutes", default="10,30")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-multitrack-") as tmp:
        tmp = Path(tmp)
        spoken = speak_all(tmp / "voices")
        files = make(tmp / f"{args.minutes:g}min", args.minutes, spoken)
        print(f"3 tracks of {args.minutes:g} min (44.1 kHz WAV), default settings")
        best = {"plain": float("inf"), "podpipe": float("inf")}
        for _ in range(args.repeat):
            best["plain"] = min(best["plain"], timed(lambda: plain(files, tmp, 96)))
            best["podpipe"] = min(best["podpipe"], timed(lambda: podpipe(files, tmp)))
        ratio = best["podpipe"] / best["plain"]
        print(f"plain decode + MP3 encode of the 3 tracks: {best['plain']:.1f} s")
        print(f"podpipe multitrack audio stage:           {best['podpipe']:.1f} s")
        print(f"ratio: {ratio:.2f}x (target <= 1.5x)")
        measured = media.measure(tmp / "mix.mp3")
        print(
            f"mix: {measured.integrated_lufs:.1f} LUFS, true peak "
            f"{measured.true_peak_dbtp:.1f} dBTP, LRA {measured.lra:.1f} LU"
        )
        for minutes in (float(m) for m in args.rss_minutes.split(",")):
            here = (
                files if minutes == args.minutes else make(tmp / f"{minutes:g}m", minutes, spoken)
            )
            own, children, seconds = peak_rss(here, tmp)
            print(
                f"peak memory at {minutes:g} min: podpipe {own:.0f} MB + ffmpeg "
                f"{children:.0f} MB ({seconds:.0f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
