"""The transcript's stages: Whisper (or a hand-edited file, with corrections), speaker
labels, and the move onto the published audio's timeline."""

from __future__ import annotations

import shutil
from pathlib import Path

from podpipe import audio, speakers, transcribe
from podpipe.cache import StageCache, digest, link_tree, write_atomic
from podpipe.config import Episode, Show
from podpipe.pipeline.job import EpisodeJob, audio_timeline, read_transcript, shared_part
from podpipe.records import output_time

WHISPER_DIR = "whisper"  # Whisper's own output, kept inside a corrected transcript's folder

TIMELINE_VERSION = 1  # bump when retiming changes its output


def transcript_wanted(show: Show, episode: Episode | None) -> bool:
    """The transcript's stages run for an episode that has a transcript (Show.has_transcript:
    transcription on, or a hand-edited one); ``None``: for any episode of the show."""
    if episode is None:
        return show.transcription.enabled or any(ep.transcript for ep in show.episodes)
    return show.has_transcript(episode)


@shared_part("transcript.settings")
def transcription_settings(job: EpisodeJob) -> dict:
    """Whisper's settings, engine version and model file (a replaced model counts)."""
    return transcribe.cache_identity(job.show.transcription)


@shared_part("speakers.model")
def speaker_model(job: EpisodeJob) -> speakers.Availability:
    """Whether the speaker model is installed here, and its versions."""
    return speakers.availability()


def tracks_identity(job: EpisodeJob) -> list:
    """A multitrack episode's tracks: content, speaker, offset and gain of each."""
    return [[job.hashes.of(t.file), t.speaker, t.offset, t.gain_db] for t in job.episode.tracks]


class TranscriptStage:
    """The transcript in every format, from one of three paths: the episode's
    hand-edited transcript (Whisper does not run), Whisper's output as is, or Whisper's
    output with the show's and the episode's corrections applied. A correction is
    applied to the cached Whisper output, so editing one never runs Whisper again."""

    name, needs, always, reported = "transcript", (), False, True

    def wanted(self, show: Show, episode: Episode | None = None) -> bool:
        return transcript_wanted(show, episode)

    def identity(self, job: EpisodeJob) -> tuple:
        ep, corrections = job.episode, corrections_of(job)
        if ep.transcript:
            # Its content, not the audio's: editing it redoes the formats, nothing else.
            edited = job.hashes.of(ep.transcript)
            language = job.show.transcription.language  # the report's (feed, site, tags)
            return ("hand-edited", transcribe.EDITED_VERSION, edited, corrections, language)
        whisper = self.whisper_identity(job)
        if not corrections:
            return whisper
        return (*whisper, {"corrections": corrections, "version": transcribe.EDITED_VERSION})

    def whisper_identity(self, job: EpisodeJob) -> tuple:
        """What Whisper's own output depends on (the key of a plain Whisper run)."""
        vocabulary, names = vocabulary_of(job), names_of(job)
        return (
            transcribe.STAGE_VERSION,
            [audio.MULTITRACK_VERSION, tracks_identity(job)]
            if job.episode.tracks
            else job.hashes.of(job.episode.audio),
            job.part("transcript.settings"),
            list(job.episode.speakers),
            *([{"vocabulary": vocabulary}] if vocabulary else []),
            *([{"names": names}] if names else []),
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
            progress = job.progress(f"{ep.slug}: transcript")
            if ep.tracks:
                report = transcribe.transcribe_tracks(
                    ep.tracks,
                    out,
                    job.show.transcription,
                    vocabulary=vocabulary_of(job),
                    names=names_of(job),
                    progress=progress,
                )
                report.save(out / "report.json")
            else:  # here, in a local process or on the cluster (pipeline/remote.py)
                job.runner.run(
                    "whisper",
                    {"source": ep.audio},
                    out,
                    label=f"{ep.slug}: transcript",
                    progress=progress,
                    settings=job.show.transcription,
                    speakers=list(ep.speakers),
                    vocabulary=vocabulary_of(job),
                    names=names_of(job),
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


def names_of(job: EpisodeJob) -> list[str]:
    """The names and listed terms a near miss is spelled as (not the titles)."""
    return transcribe.show_terms(job.show, job.episode, titles=False)


class SpeakersStage:
    """Who says each cue of a one-recording interview with several people (which
    episodes: speakers.plan); for the others, and where the speaker model is not
    installed, the transcript as it is (its files linked, not labelled)."""

    name, needs, always, reported = "speakers", ("transcript",), False, False

    def wanted(self, show: Show, episode: Episode | None = None) -> bool:
        return transcript_wanted(show, episode)

    def identity(self, job: EpisodeJob) -> tuple:
        todo, model = speakers.plan(job.show, job.episode), job.part("speakers.model")
        source = job.outputs["transcript"].name
        if not todo.runs or not model.ok:
            return ("as is", source)
        voices = [(name, job.hashes.of(sample)) for name, sample in todo.voices]
        audio_hash = job.hashes.of(job.episode.audio)
        names = [list(todo.names), todo.count]
        return (speakers.STAGE_VERSION, source, audio_hash, names, voices, model.version)

    def run(self, job: EpisodeJob, out: Path) -> None:
        todo, source = speakers.plan(job.show, job.episode), job.outputs["transcript"]
        if not todo.runs or not speakers.availability().ok:
            link_tree(source, out)
            return
        progress = job.progress(f"{job.episode.slug}: speakers")
        speakers.label_speakers(job.episode.audio, source, out, todo, progress=progress)


class TimelineStage:
    """The transcript on the published audio's timeline: the cached transcript of the
    source recording with every cue moved through the audio stage's edits (an intro).
    Cheap, so changing the intro never transcribes again."""

    name, needs, always, reported = "timeline", ("audio", "speakers"), False, False

    def wanted(self, show: Show, episode: Episode | None = None) -> bool:
        return transcript_wanted(show, episode)

    def identity(self, job: EpisodeJob) -> tuple:
        return (TIMELINE_VERSION, job.outputs["speakers"].name, audio_timeline(job))

    def run(self, job: EpisodeJob, out: Path) -> None:
        source = job.outputs["speakers"]
        report = read_transcript(source)
        timeline = audio_timeline(job)
        transcribe.retime(source, out, report.files, lambda t: output_time(timeline, t))
        shutil.copyfile(source / "report.json", out / "report.json")
