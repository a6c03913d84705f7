"""The decoder's side of the show's vocabulary, measured: ways of giving tiny.en the
glossary (hot words, initial prompt, both, other wordings), beam sizes and chunk
lengths, each followed by podpipe's snapping, on bench_vocabulary.py's tuned and
first held-out recordings (never the second held-out script). Prints names right and
WER per variant, and the decoding's CPU time.

    PYTHONPATH=$PWD python3 bench/bench_vocabulary_decoder.py [VARIANT,...] [-v]

Segments are cached under the temp folder by audio and variant.
"""

from __future__ import annotations

import hashlib
import json
import math
import pickle
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_vocabulary as bench  # noqa: E402

from podpipe.config import TranscriptionSettings  # noqa: E402
from podpipe.transcribe import Segment, Word, load_engine  # noqa: E402
from podpipe.transcribe.faster_whisper_engine import BATCH_SIZE, _segments  # noqa: E402
from podpipe.transcribe.snap import tokens  # noqa: E402

VARIANTS = {  # the glossary -> faster-whisper's options ("_beam": the beam size)
    "hotwords": lambda g: {"hotwords": g},  # shipped
    "none": lambda g: {},  # no decoder vocabulary (the snapping still on)
    "lead": lambda g: {"hotwords": f"Glossary: {g}."},
    "prompt": lambda g: {"initial_prompt": f"Glossary: {g}."},
    "both": lambda g: {"hotwords": g, "initial_prompt": f"Glossary: {g}."},
    "sentence": lambda g: {"hotwords": f"In this episode: {g}."},
    "beam1": lambda g: {"hotwords": g, "_beam": 1},
    "beam8": lambda g: {"hotwords": g, "_beam": 8},
    "chunk20": lambda g: {"hotwords": g, "chunk_length": 20},
    "chunk15": lambda g: {"hotwords": g, "chunk_length": 15},
    "chunk10": lambda g: {"hotwords": g, "chunk_length": 10},
    "second-pass": lambda g: {"hotwords": g},  # and then second_pass()
    "sequential": lambda g: {"hotwords": g, "_sequential": True},  # the retry's decoding
}
UNSURE = 0.5
CLAUSE = ".?!,;:"
CACHE = Path(tempfile.gettempdir()) / "podpipe-bench-vocabulary-decoder"


class VariantEngine:
    """The loaded faster-whisper engine, decoding with one variant's options."""

    def __init__(self, inner, variant: str, names=()):
        self.inner, self.variant, self.cpu, self.names = inner, variant, 0.0, names
        self.name, self.model_label = inner.name, inner.model_label
        self.multilingual = inner.multilingual

    def segments(self, audio, *, language, beam_size, vad, word_timestamps, vocabulary=""):
        from faster_whisper import BatchedInferencePipeline

        options = VARIANTS[self.variant](vocabulary) if vocabulary else {}
        key = hashlib.sha256(audio.tobytes())
        key.update(json.dumps([self.variant, beam_size, options]).encode())
        path = CACHE / f"{key.hexdigest()[:32]}.pickle"
        if path.exists():
            return self._second(audio, pickle.loads(path.read_bytes()), vocabulary)
        options = dict(options)
        beam = options.pop("_beam", beam_size)
        started = time.process_time()
        decode = BatchedInferencePipeline(self.inner.model).transcribe
        if options.pop("_sequential", False):
            decode = self.inner.model.transcribe
            options.update(condition_on_previous_text=False)
        else:
            options.update(batch_size=BATCH_SIZE)
        found, _ = decode(
            audio,
            language=language,
            beam_size=beam,
            vad_filter=True,
            word_timestamps=True,
            **options,
        )
        out = list(_segments(found))
        self.cpu += time.process_time() - started
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(out))
        return self._second(audio, out, vocabulary)

    def _second(self, audio, segments, vocabulary):
        if self.variant != "second-pass" or not vocabulary:
            return segments
        return second_pass(self, audio, segments, vocabulary, self.names)

    def decode_piece(self, piece, hotwords: str):
        """A piece decoded on its own, sequentially (cached), as tokens."""
        key = hashlib.sha256(piece.tobytes())
        key.update(json.dumps(["piece", hotwords]).encode())
        path = CACHE / f"{key.hexdigest()[:32]}.pickle"
        if not path.exists():
            started = time.process_time()
            found, _ = self.inner.model.transcribe(
                piece,
                language="en",
                beam_size=5,
                vad_filter=False,
                condition_on_previous_text=False,
                word_timestamps=True,
                **({"hotwords": hotwords} if hotwords else {}),
            )
            path.write_bytes(pickle.dumps([w for seg in _segments(found) for w in tokens(seg)]))
            self.cpu += time.process_time() - started
        return pickle.loads(path.read_bytes())

    def retry(self, audio, **options):
        return list(self.inner.retry(audio, **options))


def second_pass(engine, audio, segments, glossary: str, names) -> list:
    """Each clause holding a capitalised word Whisper was unsure of that is none of the
    show's decoded again on its own, with and without the glossary; the most probable
    of the three kept (by mean log word probability)."""
    own = {w.lower() for t in names for w in re.findall(r"[\w']+", t)} | {"i", "i'm"}
    out = []
    for seg in segments:
        words, regions = tokens(seg), []
        for i, w in enumerate(words):
            core = w.text.strip(".,?!;:\"'")
            start = i == 0 or words[i - 1].text[-1:] in ".?!"
            if not core[:1].isupper() or core.lower() in own or start:
                continue
            if (w.probability or 0) >= UNSURE:
                continue
            a, b = i, i
            while a > 0 and words[a - 1].text[-1:] not in CLAUSE:
                a -= 1
            while b < len(words) - 1 and words[b].text[-1:] not in CLAUSE:
                b += 1
            if regions and a <= regions[-1][1]:
                regions[-1] = (regions[-1][0], max(b, regions[-1][1]))
            else:
                regions.append((a, b))
        if not regions:
            out.append(seg)
            continue
        kept, k = [], 0
        for a, b in regions:
            kept += words[k:a]
            k = b + 1
            t0, t1 = max(0.0, words[a].start - 0.25), words[b].end + 0.25
            piece = audio[int(t0 * 16_000) : int(t1 * 16_000)]
            choices = [words[a : b + 1]]
            for hotwords in (glossary, ""):
                found = engine.decode_piece(piece, hotwords)
                moved = [Word(w.start + t0, w.end + t0, w.text, w.probability) for w in found]
                choices += [moved] if moved else []
            kept += max(choices, key=_mean_log_probability)
        kept += words[k:]
        spaced = tuple(Word(w.start, w.end, " " + w.text, w.probability) for w in kept)
        out.append(Segment(seg.start, seg.end, " ".join(w.text for w in kept), seg.speaker, spaced))
    return out


def _mean_log_probability(words) -> float:
    return sum(math.log(max(w.probability or 1e-3, 1e-3)) for w in words) / len(words)


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    variants = args[0].split(",") if args else list(VARIANTS)
    settings = TranscriptionSettings()
    inner = load_engine(settings)
    print("| variant | names, tuned | WER | names, held out | WER | decoding CPU |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        recordings = [r for r in bench.recordings(tmp) if not r[0].startswith("held out 2")]
        for variant in variants:
            totals = {}
            for label, audio, ref, speakers, glossary, names, terms in recordings:
                engine = VariantEngine(inner, variant, names)
                folder = tmp / f"{variant}-{label}".replace(" ", "_").replace(",", "")
                cues = bench.transcribed(audio, folder, settings, speakers, glossary, names, engine)
                text = " ".join(" ".join(c.lines) for c in cues)
                (right, said), (errors, words) = (
                    bench.names_right(ref, text, terms),
                    bench.wer(ref, text),
                )
                group = totals.setdefault(label.startswith("held"), [0, 0, 0, 0])
                group[:] = [group[0] + right, group[1] + said, group[2] + errors, group[3] + words]
                if "-v" in sys.argv:
                    print(f"    {label}: {right}/{said}, WER {100 * errors / words:.1f} %: {text}")
            cells = []
            for held in (False, True):
                right, said, errors, words = totals[held]
                cells += [f"{right}/{said}", f"{100 * errors / words:.1f} %"]
            cpu = f"{engine.cpu:.1f} s" if engine.cpu else "(cached)"
            print(f"| {variant} | " + " | ".join(cells) + f" | {cpu} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
