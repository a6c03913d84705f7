"""The show's vocabulary, measured: names and terms spelled right, and WER, on tiny.en.

Recordings: the sample show's three episodes (references in tools/make_sample_show.py)
and a 12-sentence espeak-ng script naming the show's people and topics, in four voices;
and, held out (looked at only to report), a second script with other sentences and
another show's names, and a third with a third show's (written before the snapping's
third round of rules, never looked at while making them). Modes, all with podpipe's own
transcribe(): no vocabulary; the glossary as hot words; hot words plus the near-miss
snapping of names (snap.py): what podpipe ships. Every recording is also snapped with
the other scripts' names, and the real speech in tests/data with all of them, so each
pair found then is a false positive; they are counted.

Whisper's segments are cached by audio, options and engine version (``--cache DIR``,
default under the temp folder), so a change to the snapping is measured in seconds;
``--no-cache`` decodes everything again.

    PYTHONPATH=$PWD python3 bench/bench_vocabulary.py [-v] [--cache DIR | --no-cache]

``-v`` prints each recording's shipped transcript and the terms it missed.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from make_sample_show import EPISODES  # noqa: E402

from podpipe.config import TranscriptionSettings, load_show  # noqa: E402
from podpipe.transcribe import (  # noqa: E402
    decoder_vocabulary,
    load_engine,
    read_cue_file,
    show_terms,
    transcribe,
)

TERMS = [
    "Ada Lindqvist",
    "Ben Okafor",
    "Chioma Eze",
    "Dmitri Volkov",
    "Learning Out Loud",
    "pandas groupby",
    "matplotlib",
    "scikit-learn",
    "SQL",
]
SCRIPT = [
    "Welcome to Learning Out Loud. I am Ada Lindqvist.",
    "Today Ben Okafor joins us to talk about pandas groupby.",
    "Chioma Eze sent a notebook that uses pandas groupby on bike data.",
    "Dmitri Volkov wrote his first query in SQL last week.",
    "Ben Okafor says matplotlib is the place to start for charts.",
    "Next month we try scikit-learn with Chioma Eze.",
    "Ada Lindqvist will post the links on the club page.",
    "Dmitri Volkov asked how SQL window functions work.",
    "If you like matplotlib, try the gallery first.",
    "Learning Out Loud is made by volunteers.",
    "Thanks to Ben Okafor and Dmitri Volkov for the results.",
    "See you next time, says Ada Lindqvist.",
]
# Held out: other sentences, another show's people and topics.
HELD_OUT_TERMS = [
    "Sofia Marchetti",
    "Kwame Mensah",
    "Ingrid Halvorsen",
    "Tariq Haddad",
    "Data After Dark",
    "NumPy",
    "Jupyter",
    "PostgreSQL",
    "seaborn",
]
HELD_OUT = [
    "Good evening and welcome to Data After Dark.",
    "My name is Sofia Marchetti and tonight we talk about NumPy.",
    "Kwame Mensah built a dashboard with seaborn over the summer.",
    "Ingrid Halvorsen keeps her survey answers in PostgreSQL.",
    "Tariq Haddad wrote to us about his first Jupyter notebook.",
    "Sofia Marchetti thinks NumPy arrays are worth learning early.",
    "Later, Ingrid Halvorsen shows a heat map she drew in seaborn.",
    "Kwame Mensah asked whether PostgreSQL can store JSON.",
    "The answer is yes, says Tariq Haddad, and it is fast.",
    "Every Jupyter notebook from tonight is on our website.",
    "Data After Dark comes back in two weeks.",
    "Thank you, Kwame Mensah and Ingrid Halvorsen, for joining.",
]
# Held out too, written before the snapping's third round of rules and never looked at
# while making them: a third show, other sentences, names from other languages.
HELD_OUT_2_TERMS = [
    "Priya Raghunathan",
    "Mateo Fuentes",
    "Yuki Tanaka",
    "Niamh Gallagher",
    "Code and Coffee",
    "Polars",
    "DuckDB",
    "TensorFlow",
    "Kaggle",
]
HELD_OUT_2 = [
    "Hello everyone, this is Code and Coffee, recorded on a rainy Tuesday.",
    "I am Priya Raghunathan, and my co-host today is Mateo Fuentes.",
    "Mateo Fuentes moved his reports from spreadsheets to Polars.",
    "Our listener Yuki Tanaka asked why DuckDB feels so quick.",
    "Niamh Gallagher trained her first model with TensorFlow in March.",
    "Priya Raghunathan still prefers Polars for cleaning messy tables.",
    "Yuki Tanaka won a bronze medal on Kaggle last year.",
    "Before you install TensorFlow, check which version of Python you have.",
    "Niamh Gallagher says DuckDB reads her parquet files directly.",
    "Send your questions to Code and Coffee by email.",
    "A Kaggle notebook is a fine way to share a small project.",
    "Goodbye from Mateo Fuentes and Priya Raghunathan.",
]
VOICES = ("en-us+f3", "en-gb+m3", "en-us+m3", "en-gb-scotland+f3")
SCRIPTS = {
    "names script": (SCRIPT, TERMS),
    "held out": (HELD_OUT, HELD_OUT_TERMS),
    "held out 2": (HELD_OUT_2, HELD_OUT_2_TERMS),
}


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split()


def wer(ref: str, hyp: str) -> tuple[int, int]:
    r, h = words(ref), words(hyp)
    row = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, row[0] = row[0], i
        for j, hw in enumerate(h, 1):
            cur = min(row[j] + 1, row[j - 1] + 1, prev + (rw != hw))
            prev, row[j] = row[j], cur
    return row[-1], len(r)


def names_right(ref: str, hyp: str, terms: list[str]) -> tuple[int, int]:
    right = total = 0
    for term in terms:
        n = len(re.findall(rf"(?<![\w-]){re.escape(term)}(?![\w-])", ref, flags=re.I))
        got = len(re.findall(rf"(?<![\w-]){re.escape(term)}(?![\w-])", hyp))
        total += n
        right += min(n, got)
    return right, total


def missed(ref: str, hyp: str, terms: list[str]) -> list[str]:
    """The terms said more often than they were written right, with the shortfall."""
    out = []
    for term in terms:
        pattern = rf"(?<![\w-]){re.escape(term)}(?![\w-])"
        short = len(re.findall(pattern, ref, flags=re.I)) - len(re.findall(pattern, hyp))
        out += [f"{term} x{short}"] if short > 0 else []
    return out


class CachedEngine:
    """The loaded engine, its segments kept on disk by audio, options and version."""

    def __init__(self, engine, folder: Path | None):
        self.engine, self.folder = engine, folder
        self.name, self.model_label = engine.name, engine.model_label
        self.multilingual = engine.multilingual
        self.version = metadata.version("faster-whisper") + metadata.version("ctranslate2")

    def _cached(self, kind: str, audio, options: dict, run):
        if self.folder is None:
            return list(run())
        key = hashlib.sha256(audio.tobytes())
        key.update(json.dumps([kind, self.name, self.model_label, self.version, options]).encode())
        path = self.folder / f"{key.hexdigest()[:32]}.pickle"
        if path.exists():
            return pickle.loads(path.read_bytes())
        found = list(run())
        self.folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(found))
        return found

    def segments(self, audio, **options):
        return self._cached(
            "segments", audio, options, lambda: self.engine.segments(audio, **options)
        )

    def retry(self, audio, **options):
        return self._cached("retry", audio, options, lambda: self.engine.retry(audio, **options))


def transcribed(audio, folder, settings, speakers, vocabulary, names, engine) -> list:
    """podpipe's transcribe() of ``audio`` into ``folder``: its VTT cues."""
    transcribe(
        audio,
        folder,
        settings,
        speakers=speakers,
        vocabulary=vocabulary,
        names=names,
        engine=engine,
    )
    return read_cue_file(folder / "transcript.vtt")


def recordings(tmp: Path):
    """(label, audio, reference, speakers, glossary, names, terms scored)"""
    show = load_show(ROOT)
    for ep in show.episodes:
        ref = " ".join(text for _, text in EPISODES[ep.slug][1])
        glossary, names = decoder_vocabulary(show, ep), show_terms(show, ep, titles=False)
        yield f"sample {ep.number:03d}", ep.audio, ref, ep.speakers, glossary, names, TERMS
    for name, (script, terms) in SCRIPTS.items():
        for voice in VOICES:
            wav = tmp / f"{name}-{voice}.wav".replace(" ", "-")
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", "160", "-w", str(wav), "  ".join(script)],
                check=True,
            )
            # what a host would list for this script
            yield f"{name}, {voice}", wav, " ".join(script), (), ", ".join(terms), terms, terms


def main() -> int:
    settings = TranscriptionSettings()
    cache = None
    if "--no-cache" not in sys.argv:
        args = sys.argv[1:]
        cache = Path(args[args.index("--cache") + 1]) if "--cache" in args else None
        cache = cache or Path(tempfile.gettempdir()) / "podpipe-bench-vocabulary"
    engine = CachedEngine(load_engine(settings), cache)
    rows, false_positives = [], []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for label, audio, ref, speakers, glossary, names, terms in recordings(tmp):
            out = {}
            modes = (("none", "", ()), ("hotwords", glossary, ()), ("snap", glossary, names))
            for mode, vocab, snap_names in modes:  # "snap": what podpipe ships
                folder = tmp / f"{label}-{mode}".replace(" ", "_").replace(",", "")
                out[mode] = transcribed(
                    audio, folder, settings, speakers, vocab, snap_names, engine
                )
            pairs = json.loads((folder / "transcript.words.json").read_text())["snapped"]
            # the snapping with another show's names: every pair it finds is wrong
            other = [t for _, ts in SCRIPTS.values() if ts is not terms for t in ts]
            wrong = tmp / f"{folder.name}-other"
            transcribe(
                audio,
                wrong,
                settings,
                speakers=speakers,
                vocabulary=glossary,
                names=other,
                engine=engine,
            )
            false = json.loads((wrong / "transcript.words.json").read_text())["snapped"]
            false_positives.extend(f"{label}: {w!r} -> {r!r}" for w, r in false)
            texts = {m: " ".join(" ".join(c.lines) for c in cues) for m, cues in out.items()}
            res = {m: (names_right(ref, t, terms), wer(ref, t)) for m, t in texts.items()}
            rows.append((label, res, pairs))
            print(label, rows[-1][1], pairs, flush=True)
            if "-v" in sys.argv:
                print("   ", texts["snap"], flush=True)
                print("    missed:", ", ".join(missed(ref, texts["snap"], terms)), flush=True)
        # real speech (tests/data), snapped with every script's names: each change is wrong
        every = [t for _, ts in SCRIPTS.values() for t in ts]
        for audio in (
            ROOT / "tests" / "data" / "jfk.flac",
            ROOT / "tests" / "data" / "stereo_diarization.wav",
        ):
            real = tmp / f"real-{audio.stem}"
            transcribe(audio, real, settings, names=every, engine=engine)
            false = json.loads((real / "transcript.words.json").read_text())["snapped"]
            false_positives.extend(f"{audio.name}: {w!r} -> {r!r}" for w, r in false)
    table(rows, lambda label: not label.startswith("held out"), "tuned on")
    table(rows, lambda label: label.startswith("held out,"), "held out")
    table(rows, lambda label: label.startswith("held out 2,"), "held out 2")
    print(
        "\nsnapped with the other scripts' names, and real speech (tests/data) with every "
        f"script's names (each one wrong): {len(false_positives)}"
    )
    for line in false_positives:
        print("   ", line)
    return 0


def table(rows, keep, title: str) -> None:
    rows = [r for r in rows if keep(r[0])]
    print(
        "\n| recording | names: none | hotwords | hotwords + snap | WER: none | hotwords | hotwords + snap |"
    )
    print("|---|---|---|---|---|---|---|")
    totals = {m: [0, 0, 0, 0] for m in ("none", "hotwords", "snap")}
    for label, res, _ in rows:
        cells_n, cells_w = [], []
        for m in ("none", "hotwords", "snap"):
            (nr, nt), (we, wt) = res[m]
            totals[m] = [a + b for a, b in zip(totals[m], (nr, nt, we, wt), strict=True)]
            cells_n.append(f"{nr}/{nt}")
            cells_w.append(f"{100 * we / wt:.1f} %")
        print(f"| {label} | " + " | ".join(cells_n + cells_w) + " |")
    cells = [f"{t[0]}/{t[1]} ({100 * t[0] / t[1]:.0f} %)" for t in totals.values()]
    cells += [f"{100 * t[2] / t[3]:.1f} %" for t in totals.values()]
    print(f"| **all {title}** | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
