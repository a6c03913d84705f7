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
import hashlib
import json
import shutil
from pathlib import Path

from podpipe import audio, club, notes, tags, urls
from podpipe.cache import PACKAGE_DIR, portable, write_atomic
from podpipe.config import AudioSettings, Chapter, Episode, Show, TranscriptionSettings
from podpipe.pipeline.job import (
    EpisodeJob,
    Stage,
    read_audio,
    read_notes,
    read_transcript,
    shared_part,
)
from podpipe.pipeline.transcript_stages import (
    SpeakersStage,
    TimelineStage,
    TranscriptStage,
    tracks_identity,
)
from podpipe.records import AudioReport, EpisodeTags
from podpipe.render import template_errors

INTRO_CHAPTER = "Intro"  # the chapter the intro gets when the host has chapters


class AudioStage:
    name, needs, always, reported = "audio", (), False, True

    def wanted(self, show: Show, episode: Episode | None = None) -> bool:
        return True

    def identity(self, job: EpisodeJob) -> tuple:
        extras, settings = job.part("audio.extras"), job.part("audio.settings")
        if job.episode.tracks:
            return (tracks_identity(job), audio.MULTITRACK_VERSION, settings, extras)
        return (job.hashes.of(job.episode.audio), settings, extras)

    def run(self, job: EpisodeJob, out: Path) -> None:
        ep, s = job.episode, job.show.audio
        progress = job.progress(f"{ep.slug}: audio")
        inputs, extra = {"intro": s.intro, "outro": s.outro}, {}
        if ep.tracks:  # a multitrack episode: its tracks go where a recording would
            inputs |= {f"track{i}": t.file for i, t in enumerate(ep.tracks, 1)}
            extra = {"tracks": ep.tracks}
        else:
            inputs["source"] = ep.audio
        job.runner.run(
            "tracks" if ep.tracks else "audio",
            inputs,
            out,
            label=f"{ep.slug}: audio",
            progress=progress,
            settings=s,
            **extra,
        )


class NotesStage:
    # The notes list the chapters, at their times in the published audio.
    name, needs, always, reported = "notes", ("audio",), False, True

    def wanted(self, show: Show, episode: Episode | None = None) -> bool:
        return True

    def identity(self, job: EpisodeJob) -> tuple:
        return (
            job.part("notes.show"),
            job.portable(timed_episode(job)),
            job.part("notes.results"),
            job.part("notes.people"),
            job.part("notes.templates"),
        )

    def run(self, job: EpisodeJob, out: Path) -> None:
        with template_errors():
            rendered = notes.render_notes(job.show, timed_episode(job), results=job.results)
        write_atomic(out / "notes.json", json.dumps(dataclasses.asdict(rendered), indent=2))


class TagsStage:
    """The tagged MP3: the mastered audio with ID3 tags, cover, chapters and transcript."""

    name, needs, always, reported = "tags", ("audio", "timeline", "notes"), True, False

    def wanted(self, show: Show, episode: Episode | None = None) -> bool:
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
    SpeakersStage(),
    TimelineStage(),
    NotesStage(),
    TagsStage(),
)


# --------------------------------------------------------------------------- outputs


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
        language=tags.iso639_2(show.language),
        cover=ep.artwork or show.artwork,
        chapters=ep.chapters,
        duration_s=report.duration_s,
        transcript_text=text,
        url=urls.absolute(show.base_url, urls.episode_page(ep.slug)),
    )


# --------------------------------------------------------------------------- identities


@shared_part("audio.extras")
def intro_outro(job: EpisodeJob) -> list:
    """The intro and outro by content, not by where they sit."""
    s = job.show.audio
    return [job.hashes.of(p) for p in (s.intro, s.outro) if p]


@shared_part("audio.settings")
def audio_settings(job: EpisodeJob) -> dict:
    s = job.show.audio
    return audio.cache_identity(dataclasses.replace(s, intro=None, outro=None))


@shared_part("notes.show")
def notes_show(job: EpisodeJob) -> str:
    return job.portable(show_for_notes(job.show))


@shared_part("notes.results")
def notes_results(job: EpisodeJob) -> str:
    return results_repr(job.results)


@shared_part("notes.people")
def notes_people(job: EpisodeJob) -> str:
    return people_stamp(job.show)


@shared_part("notes.templates")
def notes_templates(job: EpisodeJob) -> list:
    return template_stamp(job.show)


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


def people_stamp(show: Show) -> str:
    """people.yaml as the notes depend on it (names, links, who is unlisted)."""
    file = club.people_file(show)
    return hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else ""


def results_repr(results: dict[str, list]) -> str:
    return repr(sorted((k, [repr(r) for r in v]) for k, v in results.items()))


def template_stamp(show: Show) -> list:
    folders = [PACKAGE_DIR / "templates"] + ([show.templates_dir] if show.templates_dir else [])
    return [
        (portable(show.root, p), p.stat().st_mtime_ns)
        for f in folders
        for p in sorted(f.rglob("*.j2"))
    ]
