"""Speaker labels' cost next to the transcription they accompany, in one run.

    python3 bench/bench_speakers.py [--minutes 10] [--repeats 3]

Builds a two-person interview of about ``--minutes`` minutes in one mono file
(espeak-ng voices, tests/speaker_helpers.py), then, alternating and taking the least
of ``--repeats`` runs of each:

- baseline: the transcript stage's work with the default settings (transcribe(),
  tiny.en through faster-whisper, the model already loaded by a first run);
- speaker labels: label_speakers() on that transcript (decode, voice windows, GE2E
  embeddings, clustering, labelling, writing the four files);
- the cheap path a one-person episode takes (plan() says no; files linked).

Prints the real-time factors (seconds per second of audio) and the ratio of speaker
labelling to transcription (the target: at most 0.25).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from podpipe import speakers  # noqa: E402
from podpipe.cache import link_tree  # noqa: E402
from podpipe.config import Episode, Person, Show, TranscriptionSettings  # noqa: E402
from podpipe.transcribe import transcribe  # noqa: E402
from tests.speaker_helpers import GUEST_TURNS, HOST_TURNS, interview  # noqa: E402

VOICES = [("en-us", 165), ("en-us+f3", 150)]


def timed(fn, times: list[float]) -> None:
    start = time.perf_counter()
    fn()
    times.append(time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not speakers.availability().ok:
        sys.exit(speakers.SETUP_HINT)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rounds = max(1, round(args.minutes * 60 / 70 * 6))  # six rounds are about 70 s
        audio, _turns = interview(work / "audio", VOICES, [HOST_TURNS, GUEST_TURNS], rounds=rounds)
        settings = TranscriptionSettings()
        show = Show(
            root=work,
            title="t",
            description="d",
            author="a",
            owner_name="a",
            owner_email="a@example.org",
            base_url="https://example.org/",
            hosts=(Person("Ada Lindqvist", role="host"),),
        )
        two = Episode(work, 1, "t", dt.date(2026, 1, 1), audio, guests=(Person("Ben Okafor"),))
        one = Episode(work, 2, "t", dt.date(2026, 1, 1), audio)
        todo, skip = speakers.plan(show, two), speakers.plan(show, one)
        assert todo.runs and not skip.runs
        transcript = work / "transcript"
        report = transcribe(audio, transcript, settings)  # loads the model once
        report.save(transcript / "report.json")  # as the transcript stage does
        duration = report.duration_s
        base, label, cheap = [], [], []
        for n in range(args.repeats):
            timed(lambda n=n: transcribe(audio, work / f"t{n}", settings), base)
            out = work / f"s{n}"
            timed(lambda out=out: speakers.label_speakers(audio, transcript, out, todo), label)
            plain = work / f"p{n}"
            plain.mkdir()

            def as_is(plain=plain):
                speakers.plan(show, one)
                link_tree(transcript, plain)

            timed(as_is, cheap)
        b, s, c = min(base), min(label), min(cheap)
        print(f"audio: {duration / 60:.1f} min, two speakers, one mono file")
        print(f"baseline  transcription (tiny.en, defaults): {b:7.2f} s  RTF {b / duration:.4f}")
        print(f"speaker labels:                              {s:7.2f} s  RTF {s / duration:.4f}")
        print(f"one-person episode (plan + link):            {c * 1000:7.2f} ms")
        print(f"speaker labels / transcription: {s / b:.2f}x (target <= 0.25)")


if __name__ == "__main__":
    main()
