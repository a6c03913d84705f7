"""One episode's stage job, the stage protocol, and readers of stage outputs: what every
stage module shares (stages.py lists the stages; transcript_stages.py holds the
transcript's)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from podpipe.cache import SourceHashes, StageCache, portable
from podpipe.config import Episode, Show
from podpipe.pipeline.remote import LOCAL, Runner
from podpipe.records import AudioReport, Notes, TranscriptReport


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
        return portable(self.show.root, value)

    def part(self, key: str) -> Any:
        """The run's shared identity part ``key`` (see SHARED_PARTS), computed once per
        run (the builder shares ``shared``)."""
        if key not in self.shared:
            self.shared[key] = SHARED_PARTS[key](self)
        return self.shared[key]

    def report(self, stage: str, read: Callable[[Path], Any]) -> Any:
        """``read(folder)`` of a finished stage's output, read once per episode."""
        folder = self.outputs[stage]
        key = (stage, folder)
        if key not in self.memo:
            self.memo[key] = read(folder)
        return self.memo[key]


# The parts of stage identities that are the same for every episode of a run, by
# "<stage>.<part>": the show's settings as a stage reads them, and what of the machine
# they depend on (ffmpeg's version, the Whisper engine and model, the speaker model).
# An identity reads them with job.part(); the builder's memo (pipeline/memo.py) takes the
# parts of the wanted stages as the run's stamp, so an identity input that is not the
# episode, a hashed file or an earlier stage's output belongs here.
SHARED_PARTS: dict[str, Callable[[EpisodeJob], Any]] = {}


def shared_part(key: str) -> Callable:
    """Register ``make(job)`` as the shared identity part ``key``."""

    def register(make: Callable[[EpisodeJob], Any]) -> Callable[[EpisodeJob], Any]:
        SHARED_PARTS[key] = make
        return make

    return register


class Stage(Protocol):
    name: str  # the folder in .podpipe/stages/ and the summary's column
    needs: tuple[str, ...]  # stages whose outputs it reads
    # Made even for an episode a --only publish leaves alone: cheap, and it follows the
    # show (tags carry the show's name and cover), so it is not worth "keeping".
    always: bool
    reported: bool  # shown in the summary and in status

    # Whether it runs for ``episode`` (None: for any episode of the show).
    def wanted(self, show: Show, episode: Episode | None = None) -> bool: ...

    def identity(self, job: EpisodeJob) -> tuple: ...

    def run(self, job: EpisodeJob, out: Path) -> None: ...


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
