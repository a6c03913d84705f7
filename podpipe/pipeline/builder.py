"""Runs, reuses or keeps each episode's stages, in the order of :data:`stages.STAGES`.

A stage's output is reused while its cache key (a hash of its identity) is unchanged;
``--force`` redoes the selected episodes; an episode ``--only`` leaves alone stays as it
was last published; a dry run (and ``status``) only looks.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, wait
from pathlib import Path
from typing import Any

from podpipe import club, transcribe
from podpipe.cache import SourceHashes, StageCache, digest
from podpipe.config import Episode, Show
from podpipe.errors import PodpipeError
from podpipe.pipeline import collector, memo
from podpipe.pipeline.job import EpisodeJob, Stage, read_audio, read_notes, read_transcript
from podpipe.pipeline.memo import BuildMemo, RecordingHashes, ReportStore
from podpipe.pipeline.remote import LOCAL, Runner
from podpipe.pipeline.report import EpisodeOutcome, NullProgress
from podpipe.pipeline.stages import STAGES, on_published_timeline, transcript_folder
from podpipe.records import PublishedEpisode

log = logging.getLogger(__name__)


class EpisodeBuilder:
    """Runs (or reuses) the per-episode stages for one show."""

    def __init__(
        self,
        show: Show,
        results: dict[str, list],
        guids: dict[str, str],
        *,
        force: bool,
        dry_run: bool,
        progress,
        hashes: SourceHashes,
        cache: StageCache,
        runner: Runner = LOCAL,
        memo: BuildMemo | None = None,
    ):
        self.show = show
        self.results = results
        self.guids = guids
        self.force = force
        self.dry_run = dry_run
        self.progress = progress
        self.hashes = hashes
        self.cache = cache
        self.runner = runner
        self.stages = [s for s in STAGES if s.wanted(show)]
        self.used: dict[str, set[str]] = {s.name: set() for s in STAGES}
        # slug -> stage keys of the episode as last published (for --only)
        self.last_published: dict[str, dict[str, str]] = load_json(show.work_dir / "published.json")
        self.shared: dict = {}  # the parts of stage identities that are the same for every episode
        self.memo = memo or BuildMemo(show.root, show.work_dir, hashes)
        self.reports = ReportStore(show.work_dir)

    def build(self, ep: Episode, run: bool) -> EpisodeOutcome:
        """``run``: whether the episode is selected (stages may run for it)."""
        outcome = EpisodeOutcome(ep)
        started = time.monotonic()
        try:
            outcome.published = self._build(ep, run, outcome)
        except PodpipeError as err:
            outcome.error = str(err)
        except OSError as err:  # disk full, permissions: this episode fails, not the run
            outcome.error = f"{err.strerror or err}" + (f": {err.filename}" if err.filename else "")
        outcome.seconds = time.monotonic() - started
        return outcome

    def _build(
        self, ep: Episode, run: bool, outcome: EpisodeOutcome, *, use_memo: bool = True
    ) -> PublishedEpisode | None:
        if not run and not self.dry_run:
            kept = self._as_last_published(ep, outcome)
            if kept:
                self.memo.carry(ep)
                return kept
        recorder = RecordingHashes(self.hashes)
        job = EpisodeJob(
            self.show,
            ep,
            self.results,
            recorder,  # type: ignore[arg-type]  # a SourceHashes that notes what it hashed
            self.progress.callback,
            cache=self.cache,
            shared=self.shared,
            runner=self.runner,
        )
        stages = [s for s in self.stages if s.wanted(self.show, ep)]
        inputs = self.memo.inputs(job, self.stages)
        if use_memo and not (self.force and run):
            keys = self.memo.lookup(ep, inputs)
            if keys is not None and self._from_memo(stages, keys, job, outcome):
                if memo.checking():
                    self._check_memo(ep, run, outcome)
                self.memo.carry(ep)
                return self._published(ep, outcome, job.outputs, job)
        wanted = {s.name for s in stages}
        ahead = self._start_ahead(stages, run, job, outcome)
        try:
            for stage in stages:
                if any(n in wanted and n not in job.outputs for n in stage.needs):
                    # an input is missing (a dry run, or not selected): it would run after it
                    if stage.reported:
                        outcome.done[stage.name] = (
                            "would run" if self.dry_run and run else "missing"
                        )
                    continue
                if stage.name in ahead:
                    folder = ahead.pop(stage.name).result()
                else:
                    key = digest(stage.name, *stage.identity(job))
                    folder = self._stage(stage, key, run or stage.always, job, outcome)
                if not stage.reported:
                    outcome.done.pop(stage.name, None)
                if folder is not None:
                    job.outputs[stage.name] = folder
        finally:
            wait(list(ahead.values()))  # a stage failed: its sibling's job still ends here
        if wanted - job.outputs.keys():
            return None
        if use_memo:
            self.memo.remember(ep, inputs, recorder.files, outcome.keys)
        return self._published(ep, outcome, job.outputs, job)

    def _from_memo(
        self, stages: list[Stage], keys: dict[str, str], job: EpisodeJob, outcome: EpisodeOutcome
    ) -> bool:
        """The stage outputs the memo names, as _stage would record them reused; False
        (nothing recorded) when the memo does not name them all or one is gone."""
        if keys.keys() != {s.name for s in stages}:
            return False
        if not all(self.cache.has(s.name, keys[s.name]) for s in stages):
            return False
        for stage in stages:
            key = keys[stage.name]
            self.used[stage.name].add(key)
            outcome.keys[stage.name] = key
            if stage.reported:
                outcome.done[stage.name] = "reused"
            job.outputs[stage.name] = self.cache.path(stage.name, key)
        return True

    def _check_memo(self, ep: Episode, run: bool, outcome: EpisodeOutcome) -> None:
        """PODPIPE_CHECK_MEMO: the memo's keys must be the ones the identities give."""
        full = EpisodeOutcome(ep)
        self._build(ep, run, full, use_memo=False)
        if (full.keys, full.done) != (outcome.keys, outcome.done):
            raise AssertionError(
                f"{ep.slug}: the build memo gave {outcome.keys} {outcome.done}, the stage "
                f"identities {full.keys} {full.done}"
            )

    def _start_ahead(
        self, stages: list[Stage], run: bool, job: EpisodeJob, outcome: EpisodeOutcome
    ) -> dict[str, Future]:
        """With an executor (``--jobs N``, a cluster), the stages after the first that
        need no other stage's output (the transcript: Whisper reads the recording, not
        the mastered audio) start now, in a thread each, beside the first: an episode's
        audio and transcription jobs are on the workers at once, and the workers are
        not left idle at the end waiting for the last episodes' audio to finish."""
        if self.runner.executor is None or self.dry_run:
            return {}
        free = [s for s in stages if not s.needs]
        ahead: dict[str, Future] = {}
        for stage in free[1:]:
            key = digest(stage.name, *stage.identity(job))
            if self.cache.has(stage.name, key) and not (self.force and run):
                continue  # reused: nothing to wait for
            ahead[stage.name] = in_thread(
                self._stage, stage, key, run or stage.always, job, outcome
            )
        return ahead

    def _stage(
        self, stage: Stage, key: str, run: bool, job: EpisodeJob, outcome: EpisodeOutcome
    ) -> Path | None:
        """The stage's output folder (recording "done" or "reused" in the outcome), or
        None when it would have to run but may not (dry run, or not selected by --only)."""
        name, slug = stage.name, outcome.episode.slug
        self.used[name].add(key)
        outcome.keys[name] = key
        log.debug("%s %s: cache key %s", name, slug, key)
        redo = self.force and run  # --force applies to the selected episodes only
        if self.cache.has(name, key) and not redo:
            outcome.done[name] = "reused"
            log.info("%s %s: reused (inputs unchanged)", name, slug)
            return self.cache.path(name, key)
        if not run or self.dry_run:
            outcome.done[name] = "would run" if self.dry_run and run else "missing"
            return None
        if redo and self.cache.has(name, key):
            self.cache.remove(name, key)
        started = time.monotonic()
        with self.cache.building(name, key) as tmp, collector.running():
            stage.run(job, tmp)
        self.reports.forget(name, key)
        outcome.done[name] = "done"
        log.info("%s %s: done in %.1f s", name, slug, time.monotonic() - started)
        return self.cache.path(name, key)

    def _as_last_published(self, ep: Episode, outcome: EpisodeOutcome) -> PublishedEpisode | None:
        """An episode not selected with --only stays as it was last published."""
        keys = self.last_published.get(ep.slug)
        if not keys:
            return None
        dirs = {s: self.cache.path(s, k) for s, k in keys.items() if k}
        if any(not d.is_dir() for d in dirs.values()):
            return None  # pruned meanwhile: fall back to what the cache has
        for stage, key in keys.items():
            if key:
                self.used[stage].add(key)
                outcome.keys[stage] = key
        outcome.done.update({s.name: "kept" for s in STAGES if s.reported and keys.get(s.name)})
        return self._published(ep, outcome, dirs)

    def _published(
        self, ep: Episode, outcome: EpisodeOutcome, outputs: dict[str, Path], job=None
    ) -> PublishedEpisode:
        report = self._report(job, outputs, "audio", read_audio)
        timed = "timeline" if "timeline" in outputs else "transcript"
        transcript = (
            self._report(job, outputs, timed, read_transcript) if timed in outputs else None
        )
        if transcript and transcript.empty:
            outcome.warnings.append("the transcript is empty (no speech detected)")
        outcome.warnings += report.warnings
        if transcript and ep.transcript and transcript.engine == "hand-edited":
            outcome.warnings += transcribe.stale_warnings(
                ep.transcript,
                ep.audio,
                self.hashes.of(ep.audio),
                report.duration_s,
                transcript.duration_s,
            )
        mp3 = outputs["tags"] / f"{ep.slug}.mp3"
        return PublishedEpisode(
            episode=on_published_timeline(self.show, ep, report),
            guid=self.guids.get(ep.slug, ""),
            mp3=mp3,
            mp3_size=mp3.stat().st_size,
            duration_s=report.duration_s,
            audio=report,
            notes=self._report(job, outputs, "notes", read_notes),
            transcript=transcript,
            transcript_dir=transcript_folder(outputs),
            announces=club.announced_cycle(self.show, ep),
            features=club.featured_cycle(self.show, ep),
        )

    def _report(self, job, outputs: dict[str, Path], stage: str, read: Callable) -> Any:
        """A stage output's report: the episode's own read (a stage that ran read it),
        or the one kept from the last publish (the report store), or the file; kept in
        the store for the next publish."""
        folder = outputs[stage]
        if job is None:
            return self.reports.get(stage, folder, read)
        key = (stage, folder)
        if key in job.memo:
            self.reports.keep(stage, folder, job.memo[key])
        else:
            job.memo[key] = self.reports.get(stage, folder, read)
        return job.memo[key]


def in_thread(fn: Callable[..., Any], *args: Any) -> Future:
    """``fn(*args)`` in a thread of its own (it mostly waits for a job), as a Future."""
    future: Future = Future()

    def work() -> None:
        try:
            future.set_result(fn(*args))
        except BaseException as err:  # noqa: BLE001 - handed to whoever waits for it
            future.set_exception(err)

    threading.Thread(target=work, daemon=True).start()
    return future


def planner(show: Show, results, progress=None) -> EpisodeBuilder:
    """An EpisodeBuilder that only looks: which stage outputs the current inputs call for
    and whether the cache has them (dry runs, status, the --only check)."""
    return EpisodeBuilder(
        show,
        results,
        {},
        force=False,
        dry_run=True,
        progress=progress or NullProgress(),
        hashes=SourceHashes(show.work_dir / "hashes.json"),
        cache=StageCache(show.work_dir / "stages"),
    )


def load_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
