"""The per-episode stages behind one protocol, in the order a publish runs them.

A stage says its name (its folder in ``.podpipe/stages/``), which earlier stages'
outputs it reads, its cache identity (every input that can change its output: the
cache key is a hash of it) and how it runs into a fresh folder. The stage functions
themselves (``audio.master``, ``transcribe.transcribe``, ...) know nothing of caching;
the builder iterates :data:`STAGES`, so a new stage is one class here and one line in
the list. A test pins the order.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from podpipe import audio, notes, tags, transcribe, urls
from podpipe.cache import SourceHashes, StageCache, digest, write_atomic
from podpipe.config import AudioSettings, Chapter, Episode, Show, TranscriptionSettings
from podpipe.pipeline.fingerprint import PACKAGE_DIR, portable
from podpipe.pipeline.remote import LOCAL, Runner
from podpipe.records import AudioReport, EpisodeTags, Notes, TranscriptReport, output_time
from podpipe.render import template_errors

INTRO_CHAPTER = "Intro"  # the chapter the intro gets when the host has chapters


WHISPER_DIR = "whisper"  # Whisper's own output, kept inside a corrected transcript's folder

TIMELINE_VERSION = 1  # bump when retiming changes its output


@dataclass
class EpisodeJob:
    """One episode's inputs, and the output folders of the stages finished so far."""

    show: Show
    episode: Episode
    results: dict[str, list]
    hashes: SourceHashes
    progress: Callable[[str], Callable[[float, float], None]]  # label -> callback
    outputs: dict[str, Path] = field(default_factory=dict)  # stage name -> its folder
    cache: StageCache | None = None  # for a stage that reuses an earlier output of its own
    # What is the same for every episode of a run (the show's part of an identity), kept
    # once per run by the builder; and this episode's reads of finished outputs.
    shared: dict = field(default_factory=dict)
    memo: dict = field(default_factory=dict)
    runner: Runner = field(default_factory=lambda: LOCAL)  # here, processes, a cluster

    def portable(self, value: object) -> str:
        return portable(self.show, value)

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()``, computed once per run (the builder shares ``shared``)."""
        if key not in self.shared:
            self.shared[key] = make()
        return self.shared[key]

    def report(self, stage: str, read: Callable[[Path], Any]) -> Any:
        """``read(folder)`` of a finished stage's output, read once per episode."""
        folder = self.outputs[stage]
        key = (stage, folder)
        if key not in self.memo:
            self.memo[key] = read(folder)
        return self.memo[key]


class Stage(Protocol):
    name: str  # the folder in .podpipe/stages/ and the summary's column
    needs: tuple[str, ...]  # stages whose outputs it reads
    # Made even for an episode a --only publish leaves alone: cheap, and it follows the
    # show (tags carry the show's name and cover), so it is not worth "keeping".
    always: bool
    reported: bool  # shown in the summary and in status

    def wanted(self, show: Show) -> bool: ...

    def identity(self, job: EpisodeJob) -> tuple: ...

    def run(self, job: EpisodeJob, out: Path) -> None: ...


class AudioStage:
    name, needs, always, reported = "audio", (), False, True

    def wanted(self, show: Show) -> bool:
        return True

    def identity(self, job: EpisodeJob) -> tuple:
        s = job.show.audio
        # Intro and outro count by content, not by where they sit.
        extras = job.once(
            "audio.extras", lambda: [job.hashes.of(p) for p in (s.intro, s.outro) if p]
        )
        settings = job.once(
            "audio.settings",
            lambda: audio.cache_identity(dataclasses.replace(s, intro=None, outro=None)),
        )
        return (job.hashes.of(job.episode.audio), settings, extras)

    def run(self, job: EpisodeJob, out: Path) -> None:
        ep, s = job.episode, job.show.audio
        job.runner.run(
            "audio",
            {"source": ep.audio, "intro": s.intro, "outro": s.outro},
            out,
            label=f"{ep.slug}: audio",
            progress=job.progress(f"{ep.slug}: audio"),
            settings=s,
        )


class TranscriptStage:
    """The transcript in every format, from one of three paths: the episode's
    hand-edited transcript (Whisper does not run), Whisper's output as is, or Whisper's
    output with the show's and the episode's corrections applied. A correction is
    applied to the cached Whisper output, so editing one never runs Whisper again."""

    name, needs, always, reported = "transcript", (), False, True

    def wanted(self, show: Show) -> bool:
        return show.transcription.enabled

    def identity(self, job: EpisodeJob) -> tuple:
        ep, corrections = job.episode, corrections_of(job)
        if ep.transcript:
            # Its content, not the audio's: editing it redoes the formats, nothing else.
            edited = job.hashes.of(ep.transcript)
            return ("hand-edited", transcribe.EDITED_VERSION, edited, corrections)
        whisper = self.whisper_identity(job)
        if not corrections:
            return whisper
        return (*whisper, {"corrections": corrections, "version": transcribe.EDITED_VERSION})

    def whisper_identity(self, job: EpisodeJob) -> tuple:
        """What Whisper's own output depends on (the key of a plain Whisper run)."""
        vocabulary = vocabulary_of(job)
        return (
            transcribe.STAGE_VERSION,
            job.hashes.of(job.episode.audio),
            transcribe.cache_identity(job.show.transcription),
            list(job.episode.speakers),
            *([{"vocabulary": vocabulary}] if vocabulary else []),
        )

    def run(self, job: EpisodeJob, out: Path) -> None:
        ep, corrections = job.episode, corrections_of(job)
        if ep.transcript:
            cues = transcribe.read_cue_file(ep.transcript)
            report = transcribe.edited_report(ep.transcript, cues, job.show.transcription)
            report = transcribe.from_cues(cues, out, report, corrections=corrections)
        elif corrections:
            raw = out / WHISPER_DIR
            self._whisper(job, raw)
            cues = transcribe.read_cue_file(raw / "transcript.vtt")
            report = transcribe.from_cues(cues, out, read_transcript(raw), corrections=corrections)
        else:
            self._whisper(job, out)
            return
        report.save(out / "report.json")

    def _whisper(self, job: EpisodeJob, out: Path) -> None:
        """Whisper's output into ``out``: copied from the cache when a run with the same
        audio and settings is there (uncorrected, or kept beside a corrected one)."""
        key = digest(self.name, *self.whisper_identity(job))
        found = find_whisper_output(job.cache, self.name, key) if job.cache else None
        if found:
            shutil.copytree(found, out, dirs_exist_ok=True)
        else:
            ep = job.episode
            job.runner.run(
                "whisper",
                {"source": ep.audio},
                out,
                label=f"{ep.slug}: transcript",
                progress=job.progress(f"{ep.slug}: transcript"),
                settings=job.show.transcription,
                speakers=list(ep.speakers),
                vocabulary=vocabulary_of(job),
            )
        if out.name == WHISPER_DIR:
            write_atomic(out / "key", key)


def find_whisper_output(cache: StageCache, stage: str, key: str) -> Path | None:
    """A finished Whisper output for ``key``: the plain run's folder, or the copy kept
    inside a corrected transcript's folder (WHISPER_DIR, with the key beside it)."""
    if cache.has(stage, key):
        return cache.path(stage, key)
    for kept in sorted((cache.root / stage).glob(f"*/{WHISPER_DIR}/key")):
        try:
            if kept.read_text().strip() == key and not kept.parent.parent.name.startswith("."):
                return kept.parent
        except OSError:
            continue
    return None


def corrections_of(job: EpisodeJob) -> list[list[str]]:
    """The show's corrections, then the episode's, as they are applied."""
    pairs = job.show.transcription.corrections + job.episode.corrections
    return [list(p) for p in pairs]


def vocabulary_of(job: EpisodeJob) -> str:
    return transcribe.decoder_vocabulary(job.show, job.episode)


class TimelineStage:
    """The transcript on the published audio's timeline: the cached transcript of the
    source recording with every cue moved through the audio stage's edits (an intro).
    Cheap, so changing the intro never transcribes again."""

    name, needs, always, reported = "timeline", ("audio", "transcript"), False, False

    def wanted(self, show: Show) -> bool:
        return show.transcription.enabled

    def identity(self, job: EpisodeJob) -> tuple:
        return (TIMELINE_VERSION, job.outputs["transcript"].name, audio_timeline(job))

    def run(self, job: EpisodeJob, out: Path) -> None:
        source = job.outputs["transcript"]
        report = read_transcript(source)
        timeline = audio_timeline(job)
        transcribe.retime(source, out, report.files, lambda t: output_time(timeline, t))
        shutil.copyfile(source / "report.json", out / "report.json")


class NotesStage:
    # The notes list the chapters, at their times in the published audio.
    name, needs, always, reported = "notes", ("audio",), False, True

    def wanted(self, show: Show) -> bool:
        return True

    def identity(self, job: EpisodeJob) -> tuple:
        return (
            job.once("notes.show", lambda: job.portable(show_for_notes(job.show))),
            job.portable(timed_episode(job)),
            job.once("notes.results", lambda: results_repr(job.results)),
            job.once("notes.templates", lambda: template_stamp(job.show)),
        )

    def run(self, job: EpisodeJob, out: Path) -> None:
        with template_errors():
            rendered = notes.render_notes(job.show, timed_episode(job), results=job.results)
        write_atomic(out / "notes.json", json.dumps(dataclasses.asdict(rendered), indent=2))


class TagsStage:
    """The tagged MP3: the mastered audio with ID3 tags, cover, chapters and transcript."""

    name, needs, always, reported = "tags", ("audio", "timeline", "notes"), True, False

    def wanted(self, show: Show) -> bool:
        return True

    def identity(self, job: EpisodeJob) -> tuple:
        tags = episode_tags(job)
        return (
            job.outputs["audio"].name,
            job.portable(tags),
            job.hashes.of(tags.cover) if tags.cover else None,
        )

    def run(self, job: EpisodeJob, out: Path) -> None:
        mp3 = out / f"{job.episode.slug}.mp3"
        shutil.copyfile(job.outputs["audio"] / "audio.mp3", mp3)
        tags.write_tags(mp3, episode_tags(job))


STAGES: tuple[Stage, ...] = (
    AudioStage(),
    TranscriptStage(),
    TimelineStage(),
    NotesStage(),
    TagsStage(),
)


# --------------------------------------------------------------------------- outputs


def read_audio(folder: Path) -> AudioReport:
    return AudioReport.load(folder / "report.json")


def read_transcript(folder: Path | None) -> TranscriptReport | None:
    if folder is None:
        return None
    return TranscriptReport.load(folder / "report.json")


def read_notes(folder: Path) -> Notes:
    return Notes(**json.loads((folder / "notes.json").read_text()))


def audio_timeline(job: EpisodeJob) -> list:
    return job.report("audio", read_audio).timeline


def timed_episode(job: EpisodeJob) -> Episode:
    return on_published_timeline(job.show, job.episode, job.report("audio", read_audio))


def on_published_timeline(show: Show, episode: Episode, report: AudioReport) -> Episode:
    """The episode with its chapters (times in the source recording, as episode.yaml
    gives them) moved to where they are in the published audio, after an "Intro"
    chapter at 0 when the show has an intro."""
    if not episode.chapters:
        return episode
    chapters = [dataclasses.replace(c, start=report.output_time(c.start)) for c in episode.chapters]
    if show.audio.intro and chapters[0].start > 0:
        chapters.insert(0, Chapter(0.0, INTRO_CHAPTER))
    return dataclasses.replace(episode, chapters=tuple(chapters))


def transcript_folder(outputs: dict[str, Path]) -> Path | None:
    """The transcript files as published: on the audio's timeline (an older cache
    without the timeline stage: the transcript stage's own)."""
    return outputs.get("timeline") or outputs.get("transcript")


def episode_tags(job: EpisodeJob) -> EpisodeTags:
    show, ep = job.show, timed_episode(job)
    report = job.report("audio", read_audio)
    rendered = job.report("notes", read_notes)
    transcript_dir = transcript_folder(job.outputs)
    transcript = read_transcript(transcript_dir)
    text = None
    if transcript and transcript_dir and "txt" in transcript.files and not transcript.empty:
        text = (transcript_dir / transcript.files["txt"]).read_text(encoding="utf-8")
    return EpisodeTags(
        title=ep.title,
        artist=show.author,
        album=show.title,
        track=ep.number,
        date=ep.date.isoformat(),
        description=ep.summary or rendered.markdown[:500],
        language=iso639_2(show.language),
        cover=ep.artwork or show.artwork,
        chapters=ep.chapters,
        duration_s=report.duration_s,
        transcript_text=text,
        url=urls.absolute(show.base_url, urls.episode_page(ep.slug)),
    )


# --------------------------------------------------------------------------- identities


def iso639_2(language: str) -> str:
    """The ISO 639-2 code ID3 frames want, from the show's BCP 47 language."""
    primary = language.split("-")[0].lower()
    return {
        "en": "eng",
        "de": "deu",
        "fr": "fra",
        "es": "spa",
        "it": "ita",
        "nl": "nld",
        "pt": "por",
        "sv": "swe",
        "da": "dan",
        "no": "nor",
        "fi": "fin",
        "pl": "pol",
        "ja": "jpn",
        "zh": "zho",
        "ru": "rus",
    }.get(primary, "eng")


def show_for_notes(show: Show) -> Show:
    """The show as an episode's notes depend on it: not the other episodes, not the
    audio or transcription settings (only whether there are transcripts to link), not
    the feed-only podcast_guid (which `status` cannot know without writing guids.yaml)."""
    return dataclasses.replace(
        show,
        episodes=(),
        podcast_guid=None,
        audio=AudioSettings(),
        transcription=TranscriptionSettings(enabled=show.transcription.enabled),
    )


def results_repr(results: dict[str, list]) -> str:
    return repr(sorted((k, [repr(r) for r in v]) for k, v in results.items()))


def template_stamp(show: Show) -> list:
    folders = [PACKAGE_DIR / "templates"] + ([show.templates_dir] if show.templates_dir else [])
    return [
        (portable(show, p), p.stat().st_mtime_ns) for f in folders for p in sorted(f.rglob("*.j2"))
    ]
