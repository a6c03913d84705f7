"""The show's vocabulary, measured: names and terms spelled right, and WER, on tiny.en.

Recordings: the sample show's three episodes (references in tools/make_sample_show.py)
and a 12-sentence espeak-ng script naming the show's people and topics, in two voices.
Modes, all with podpipe's own transcribe(): no vocabulary; the glossary as hot words
(shipped before); hot words plus the near-miss snapping of names (snap.py, shipped).

    PYTHONPATH=$PWD python3 bench/bench_vocabulary.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from make_sample_show import EPISODES  # noqa: E402

from podpipe.config import TranscriptionSettings, load_show  # noqa: E402
from podpipe.transcribe import (  # noqa: E402  # noqa: E402
    decoder_vocabulary,
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


def names_right(ref: str, hyp: str) -> tuple[int, int]:
    right = total = 0
    for term in TERMS:
        n = len(re.findall(rf"(?<![\w-]){re.escape(term)}(?![\w-])", ref, flags=re.I))
        got = len(re.findall(rf"(?<![\w-]){re.escape(term)}(?![\w-])", hyp))
        total += n
        right += min(n, got)
    return right, total


def recordings(tmp: Path):
    show = load_show(ROOT)
    for ep in show.episodes:
        ref = " ".join(text for _, text in EPISODES[ep.slug][1])
        yield f"sample {ep.number:03d}", ep.audio, ref, ep.speakers, show, ep
    for voice in ("en-us+f3", "en-gb+m3"):
        wav = tmp / f"script-{voice}.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", "160", "-w", str(wav), "  ".join(SCRIPT)],
            check=True,
        )
        yield f"names script, {voice[:5]}", wav, " ".join(SCRIPT), (), show, show.episodes[1]


def main() -> int:
    settings = TranscriptionSettings()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for label, audio, ref, speakers, show, ep in recordings(tmp):
            glossary = decoder_vocabulary(show, ep)
            if label.startswith("names"):
                glossary = ", ".join(TERMS)  # what a host would list for this script
            out = {}
            terms = TERMS if label.startswith("names") else show_terms(show, ep, titles=False)
            modes = (("none", "", ()), ("hotwords", glossary, ()), ("snap", glossary, terms))
            for mode, vocab, names in modes:  # "snap": what podpipe ships
                folder = tmp / f"{label}-{mode}".replace(" ", "_").replace(",", "")
                transcribe(
                    audio, folder, settings, speakers=speakers, vocabulary=vocab, names=names
                )
                out[mode] = read_cue_file(folder / "transcript.vtt")
            pairs = json.loads((folder / "transcript.words.json").read_text())["snapped"]
            texts = {m: " ".join(" ".join(c.lines) for c in cues) for m, cues in out.items()}
            rows.append(
                (label, {m: (names_right(ref, t), wer(ref, t)) for m, t in texts.items()}, pairs)
            )
            print(label, rows[-1][1], pairs, flush=True)
            if "-v" in sys.argv:
                print("   ", texts["snap"], flush=True)
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
    print("| **all** | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
