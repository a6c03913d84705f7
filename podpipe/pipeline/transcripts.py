"""The host's transcript workflow around the stage: ``podpipe transcript export`` (the
editable file to start from), ``podpipe transcript review`` (where to look), and
`check`'s warning about corrections that match nothing."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from podpipe import speakers, transcribe
from podpipe.cache import SourceHashes, StageCache, digest, write_atomic
from podpipe.config import EDITED_TRANSCRIPTS, SHOW_FILE, Episode, Show, line_of_key
from podpipe.errors import ConfigError, Problem, RequestError
from podpipe.pipeline.job import EpisodeJob, read_audio
from podpipe.pipeline.load import episode_names, load, named
from podpipe.pipeline.report import NullProgress
from podpipe.pipeline.stages import AudioStage
from podpipe.pipeline.transcript_stages import TranscriptStage, find_whisper_output
from podpipe.records import SpeakersReport, output_time

STAGE = TranscriptStage()
AUDIO = AudioStage()


def export_transcript(show_dir: Path, which: str) -> Path:
    """Write ``episodes/<folder>/transcript.vtt`` from the episode's current transcript
    (one cue per line of text, speakers as <v Name>); refuse to replace one."""
    show, _problems, results = load(show_dir)
    ep = find_episode(show, which)
    target = ep.folder / EDITED_TRANSCRIPTS[0]
    if ep.transcript:
        raise RequestError(
            f"{ep.transcript} exists already: it is episode {ep.number}'s transcript and "
            f"podpipe never overwrites it. To start again from Whisper's transcript, move it "
            f"out of the episode folder, run podpipe publish, then podpipe transcript export "
            f"{ep.number} again"
        )
    folder = current_transcript(show, ep, results)
    if folder is None:
        raise RequestError(
            f"episode {ep.number} ({ep.slug}) has no transcript yet: run podpipe publish "
            f"first (with transcription.enabled), then export it"
        )
    cues = transcribe.read_cue_file(folder / "transcript.vtt")
    sha = SourceHashes(show.work_dir / "hashes.json").of(ep.audio)
    write_atomic(target, transcribe.export_text(cues, ep.audio.name, sha))
    return target


def find_episode(show: Show, which: str) -> Episode:
    found = named(show, which)
    if not found:
        raise RequestError(f"no episode {which!r}; episodes: {episode_names(show) or 'none'}")
    return found[0]


def _job(show: Show, ep: Episode, results: dict) -> EpisodeJob:
    cache = StageCache(show.work_dir / "stages")
    hashes = SourceHashes(show.work_dir / "hashes.json")
    return EpisodeJob(show, ep, results, hashes, NullProgress().callback, cache=cache)


def current_transcript(show: Show, ep: Episode, results: dict) -> Path | None:
    """The transcript stage's output for the current inputs, else as last published."""
    job = _job(show, ep, results)
    key = digest(STAGE.name, *STAGE.identity(job))
    assert job.cache is not None
    if job.cache.has(STAGE.name, key):
        return job.cache.path(STAGE.name, key)
    try:
        published = json.loads((show.work_dir / "published.json").read_text())
        last = published[ep.slug][STAGE.name]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    folder = job.cache.path(STAGE.name, last) if last else None
    return folder if folder and (folder / "transcript.vtt").is_file() else None


def correction_problems(show: Show, results: dict) -> list[Problem]:
    """Warnings for corrections that match nothing in their episode's transcript (as
    Whisper wrote it, or the hand-edited one); a show-level one, in none of them.
    Episodes not transcribed yet are left out: there is nothing to match."""
    show_level = show.transcription.corrections
    show_hits: dict[str, int] = {}
    checked = 0
    problems: list[Problem] = []
    for ep in show.episodes:
        if (not show_level and not ep.corrections) or not show.has_transcript(ep):
            continue
        cues = _uncorrected(show, ep, results)
        if cues is None:
            continue
        checked += 1
        _, counts = transcribe.apply_corrections(cues, show_level)
        for wrong, n in counts.items():
            show_hits[wrong] = show_hits.get(wrong, 0) + n
        for wrong in transcribe.unmatched(cues, show_level + ep.corrections):
            if any(wrong == w for w, _ in ep.corrections):
                line = line_of_key(ep.source_file, "corrections")
                problems.append(_unmatched(ep.source_file, line, wrong, _what(ep)))
    if checked:
        for wrong, n in show_hits.items():
            if n == 0:
                file = show.root / SHOW_FILE
                line = line_of_key(file, "corrections", after="transcription")
                problems.append(_unmatched(file, line, wrong, f"{checked} transcribed episode(s)"))
    return problems


def _what(ep: Episode) -> str:
    return f"{ep.transcript.name} (hand-edited)" if ep.transcript else "the transcript"


def _unmatched(file: Path, line: int | None, wrong: str, where: str) -> Problem:
    return Problem(
        file,
        line,
        "transcription.corrections" if file.name == SHOW_FILE else "corrections",
        f"{wrong!r} matches nothing in {where}: check its spelling against the transcript "
        f"(whole words), or remove it",
        "warning",
    )


def _uncorrected(show: Show, ep: Episode, results: dict) -> list | None:
    """The episode's cues before corrections: the hand-edited file, or Whisper's cached
    output for the current audio and settings."""
    try:
        if ep.transcript:
            return transcribe.read_cue_file(ep.transcript)
        job = _job(show, ep, results)
        assert job.cache is not None
        key = digest(STAGE.name, *STAGE.whisper_identity(job))
        folder = find_whisper_output(job.cache, STAGE.name, key)
        return transcribe.read_cue_file(folder / "transcript.vtt") if folder else None
    except (ConfigError, OSError):
        return None


@dataclass(frozen=True)
class Review:
    episode: Episode
    doubts: list[transcribe.Doubt]  # times in the published MP3 (when it is built)
    missing: list[str]  # names and terms written nowhere in the transcript
    source: str  # "whisper", "hand-edited"
    snapped: list[tuple[str, str]]  # near misses spelled as the show's names (wrong, right)
    confidences: bool  # whether the transcript has the decoder's word probabilities
    published_times: bool  # False: the audio is not built yet, times are the recording's
    # cues whose voice sat almost halfway between two speakers ({start, end, speaker})
    speaker_doubts: tuple[dict, ...] = ()


def review_transcript(show_dir: Path, which: str) -> Review:
    """What `podpipe transcript review` lists for an episode: Whisper's low-confidence
    phrases (from the cached words) and the show's names missing from the transcript."""
    show, _problems, results = load(show_dir)
    ep = find_episode(show, which)
    folder = current_transcript(show, ep, results)
    if folder is None:
        raise RequestError(
            f"episode {ep.number} ({ep.slug}) has no transcript yet: run podpipe publish "
            f"first (with transcription.enabled), then review it"
        )
    corrections = show.transcription.corrections + ep.corrections
    # The names are looked for with today's corrections applied, published or not.
    raw = _uncorrected(show, ep, results)
    cues = transcribe.read_cue_file(folder / "transcript.vtt") if raw is None else raw
    cues, _counts = transcribe.apply_corrections(cues, corrections)
    rows, snapped = None, []
    if not ep.transcript:
        job = _job(show, ep, results)
        assert job.cache is not None
        whisper = find_whisper_output(
            job.cache, STAGE.name, digest(STAGE.name, *STAGE.whisper_identity(job))
        )
        words = whisper / f"transcript{transcribe.WORDS_SUFFIX}" if whisper else None
        rows = transcribe.read_words(words) if words else None
        snapped = transcribe.read_snapped(words) if words else []
    # a phrase a correction or a near-miss name already rewrites is fixed: not listed
    found = transcribe.doubts(rows or [], [*corrections, *snapped])
    timeline = _timeline(show, ep, results)
    if timeline is not None:
        found = [
            dataclasses.replace(
                d, start=output_time(timeline, d.start), end=output_time(timeline, d.end)
            )
            for d in found
        ]
    return Review(
        episode=ep,
        doubts=found,
        missing=transcribe.missing_terms(transcribe.show_terms(show, ep, titles=False), cues),
        snapped=snapped,
        source="hand-edited" if ep.transcript else "whisper",
        confidences=rows is not None,
        published_times=timeline is not None,
        speaker_doubts=tuple(
            {**turn, "start": output_time(timeline, turn["start"]) if timeline else turn["start"]}
            for turn in _speaker_doubts(show, ep)
        ),
    )


def _speaker_doubts(show: Show, ep: Episode) -> list[dict]:
    """The uncertain speaker turns the speakers stage found, as last published."""
    try:
        published = json.loads((show.work_dir / "published.json").read_text())
        key = published[ep.slug]["speakers"]
        folder = StageCache(show.work_dir / "stages").path("speakers", key)
        return SpeakersReport.load(folder / speakers.REPORT).low_confidence
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _timeline(show: Show, ep: Episode, results: dict) -> list | None:
    """The audio stage's timeline for the current recording and settings, if built."""
    job = _job(show, ep, results)
    key = digest(AUDIO.name, *AUDIO.identity(job))
    assert job.cache is not None
    if not job.cache.has(AUDIO.name, key):
        return None
    return read_audio(job.cache.path(AUDIO.name, key)).timeline
