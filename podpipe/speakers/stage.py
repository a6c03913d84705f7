"""The speakers stage: a one-recording transcript labelled with who says each cue.

``label_speakers`` reads a finished transcript folder (the transcript stage's output,
on the source recording's timeline), finds the voices in the recording and writes
the same four files with speakers: VTT ``<v Name>``, JSON ``speaker``, SRT and text
with name prefixes. Names come from the episode's people in order of first
appearance (hosts, then guests), except that a person with a ``voice`` sample gets
the voice that sounds like it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podpipe.config import Episode, Show
from podpipe.errors import ProcessingError
from podpipe.records import SpeakersReport, TranscriptReport
from podpipe.speakers import diarize
from podpipe.speakers.embed import EXTRA, Encoder, availability
from podpipe.speakers.label import LOW_MARGIN, label_cues
from podpipe.transcribe import decode_audio, read_cue_file, write_transcripts

STAGE_VERSION = 1  # bump when the labels podpipe finds for the same audio change
REPORT = "speakers.json"
SETUP_HINT = (
    f"speaker labels need the optional speaker model: pip install 'podpipe[{EXTRA}]' "
    "(with torch's CPU build first: pip install torch --index-url "
    "https://download.pytorch.org/whl/cpu), or set transcription.speaker_labels: off"
)


@dataclass(frozen=True)
class Plan:
    """What the stage does for one episode: label (names, count) or leave as is (why)."""

    names: tuple[str, ...] = ()
    count: int | None = None  # None: estimated from the voices
    voices: tuple[tuple[str, Path], ...] = ()  # (name, sample) of people with a voice file
    skip: str = ""  # why the transcript is left as it is

    @property
    def runs(self) -> bool:
        return not self.skip


def plan(show: Show, episode: Episode) -> Plan:
    """Cheap: whether an episode gets speaker labels, from its settings alone."""
    mode = show.transcription.speaker_labels
    people = list(dict.fromkeys(p.name for p in (*show.hosts, *episode.guests)))
    if mode == "off":
        return Plan(skip="transcription.speaker_labels is off")
    if episode.speakers:
        return Plan(skip="a double-ender: each channel is one speaker")
    if episode.tracks:
        return Plan(skip="a multitrack episode: each track is one speaker")
    if episode.transcript:
        return Plan(skip="a hand-edited transcript")
    if mode == "auto" and len(people) < 2:
        return Plan(skip="one person")
    voices = tuple((p.name, p.voice) for p in (*show.hosts, *episode.guests) if p.voice)
    count = len(people) if len(people) >= 2 else None
    return Plan(names=tuple(people), count=count, voices=voices)


def setup_notice(show: Show) -> list[str]:
    """Once per publish: the episodes that would get speaker labels, when the speaker
    model is not installed (their transcripts are published without names)."""
    if not show.transcription.enabled:
        return []
    waiting = [e for e in show.episodes if plan(show, e).runs]
    if not waiting or availability().ok:
        return []
    return [f"{len(waiting)} episode(s) have several people in one recording; {SETUP_HINT}"]


def label_speakers(
    source: Path,
    transcript_dir: Path,
    out: Path,
    todo: Plan,
    *,
    progress: Callable[[float, float], None] | None = None,
) -> TranscriptReport:
    """``transcript_dir``'s transcript, labelled, into ``out`` (every format, report.json,
    speakers.json). Raises ProcessingError when the model is not installed."""
    started = time.monotonic()
    found = availability()
    if not found.ok:
        raise ProcessingError(SETUP_HINT, file=source)
    report = TranscriptReport.load(transcript_dir / "report.json")
    cues = read_cue_file(transcript_dir / report.files["vtt"])
    samples = decode_audio(source)[0]
    duration = len(samples) / diarize.SAMPLE_RATE
    centres = diarize.window_centres([(c.start, c.end) for c in cues], duration)
    encoder = Encoder()
    embeddings = encoder.embed(diarize.window_mels(samples, centres))
    if progress:
        progress(duration * 0.9, duration)
    result = diarize.cluster(embeddings, centres, todo.count)
    names = speaker_names(result, todo, encoder)
    labelled = label_cues(cues, result, names)
    final = [c.cue for c in labelled]
    files = write_transcripts(out, "transcript", final, final)
    spoken = list(dict.fromkeys(c.speaker for c in final if c.speaker))
    new_report = dataclasses.replace(report, files=files, segment_count=len(final), speakers=spoken)
    new_report.save(out / "report.json")
    SpeakersReport(
        count=result.count,
        names=names[: result.count],
        model=found.version,
        seconds_taken=round(time.monotonic() - started, 3),
        windows=len(centres),
        low_confidence=[
            {"start": c.cue.start, "end": c.cue.end, "speaker": c.cue.speaker, "margin": c.margin}
            for c in labelled
            if c.margin < LOW_MARGIN
        ],
    ).save(out / REPORT)
    if progress:
        progress(duration, duration)
    return new_report


def speaker_names(result: diarize.Diarization, todo: Plan, encoder: Encoder) -> list[str]:
    """A name per speaker index: people with a voice sample take the voice nearest to
    it, the others follow in order of first appearance; extra voices are Speaker N."""
    names: list[str | None] = [None] * result.count
    taken: set[str] = set()
    if todo.voices and result.count:
        pairs = []
        for name, sample in todo.voices:
            vector = voice_embedding(sample, encoder)
            sims = result.centroids @ vector
            pairs += [(float(s), i, name) for i, s in enumerate(sims)]
        for _sim, i, name in sorted(pairs, reverse=True):
            if names[i] is None and name not in taken:
                names[i] = name
                taken.add(name)
    rest = iter([n for n in todo.names if n not in taken])
    out = []
    for i, name in enumerate(names):
        out.append(name or next(rest, None) or f"Speaker {i + 1}")
    return out


def voice_embedding(sample: Path, encoder: Encoder):
    """One vector for a person's voice sample: the mean of its windows' embeddings."""
    import numpy as np

    samples = decode_audio(sample)[0]
    duration = len(samples) / diarize.SAMPLE_RATE
    if duration < 1.0:
        raise ProcessingError(
            f"the voice sample is {duration:.1f} s long; give a few seconds of the person "
            "speaking alone",
            file=sample,
        )
    centres = diarize.window_centres([(0.0, duration)], duration)
    vectors = encoder.embed(diarize.window_mels(samples, centres))
    mean = vectors.mean(axis=0)
    return mean / max(1e-9, float(np.linalg.norm(mean)))
