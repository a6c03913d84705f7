"""podpipe import: bring a show from another host, keeping every episode's GUID.

The story of an import, in order: read and parse the feed; decide each item (new,
already imported, skipped); on a first import write the show (artwork, .gitignore,
show.yaml); build each new episode folder whole; record the GUIDs in guids.yaml; then
download the audio, several at a time, each through a part file that a later run
resumes. A re-run adds only what is new and changes no file already written (it does
fetch audio still missing). Problems with one item are reported with that item;
only a feed with nothing usable is an error.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from podpipe.cache import write_atomic
from podpipe.config import EPISODE_FILE, EPISODES_DIR, SHOW_FILE, load_document
from podpipe.errors import ProcessingError
from podpipe.feed import guids
from podpipe.importer.download import DownloadError, download, fetch_feed
from podpipe.importer.feed import Channel, parse_feed, read_source
from podpipe.importer.files import build_episode, save_image, show_guid, show_yaml
from podpipe.importer.plan import PlannedEpisode, plan_items
from podpipe.media import probe_duration
from podpipe.scaffold import (
    ARTWORK_FILE,
    update_gitignore,
    used_episode_numbers,
    write_placeholder_artwork,
)

log = logging.getLogger(__name__)

ProgressFactory = Callable[[str], Callable[[int, int | None], None]]


@dataclass
class ImportedEpisode:
    folder: Path
    number: int
    title: str
    date: dt.date
    guid: str
    audio: str = "not fetched"  # "fetched", "resumed", "not fetched (--no-audio)", "failed"
    attention: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    root: Path
    show_created: bool
    episodes: list[ImportedEpisode]  # new in this run, oldest first
    already: int  # items imported by an earlier run
    skipped: list[tuple[str, str]]  # (item label, why)
    show_attention: list[str]
    audio_fetched: int = 0
    audio_bytes: int = 0
    audio_missing: list[ImportedEpisode] = field(default_factory=list)  # without audio
    earlier_fetched: int = 0  # audio of earlier-imported episodes fetched now

    @property
    def usable(self) -> bool:
        return bool(self.episodes or self.already)


def import_feed(
    feed: str,
    root: Path,
    *,
    limit: int | None = None,
    audio: bool = True,
    jobs: int = 2,
    progress: ProgressFactory | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Import ``feed`` (a URL or a file) into the show folder ``root``."""
    today = today or dt.date.today()
    data, source = read_source(feed, fetch_feed)
    channel = parse_feed(data, source)
    root = root.expanduser().resolve()
    first = not (root / SHOW_FILE).exists()
    registry = root / guids.REGISTRY_FILE
    recorded = guids.recorded(registry)  # ConfigError if the host broke it: stop
    episodes_dir = root / EPISODES_DIR
    plan = plan_items(
        channel.items,
        recorded=recorded,
        used_numbers=used_episode_numbers(episodes_dir) if episodes_dir.is_dir() else set(),
        used_folders={p.name for p in episodes_dir.iterdir()} if episodes_dir.is_dir() else set(),
        today=today,
        limit=limit,
    )
    result = ImportResult(
        root=root,
        show_created=first,
        episodes=[],
        already=len(plan.existing),
        skipped=[(s.item.label, s.reason) for s in plan.skipped],
        show_attention=[],
    )
    if not plan.new and not plan.existing:
        raise ProcessingError(_nothing_usable(channel, result.skipped))
    try:
        if first:
            result.show_attention += _write_show(root, channel, source, today)
        episodes_dir.mkdir(exist_ok=True)
        for planned in plan.new:
            result.episodes.append(_write_episode(episodes_dir, planned, today))
        guid, note = show_guid(channel) if first else (None, None)
        if note:
            result.show_attention.append(note)
        guids.record_imported(
            registry,
            [
                guids.ImportedGuid(e.folder.name, e.guid, e.number, p.item.title or e.title, e.date)
                for e, p in zip(result.episodes, plan.new, strict=True)
            ],
            guid,
        )
    except OSError as e:
        raise ProcessingError(
            f"could not write the show: {e.strerror or e}", file=Path(e.filename or root)
        ) from e
    jobs_todo = _audio_jobs(result, plan.new, episodes_dir, recorded, plan.existing, audio)
    _fetch_all(result, jobs_todo, jobs=max(1, jobs), progress=progress)
    return result


def _nothing_usable(channel: Channel, skipped: list[tuple[str, str]]) -> str:
    if not channel.items:
        return "the feed has no items (no episodes): nothing was imported"
    reasons = "; ".join(f"{label}: {why}" for label, why in skipped[:5])
    return f"none of the feed's {len(channel.items)} items is an episode ({reasons}): nothing was imported"


def _write_show(root: Path, channel: Channel, source: str, today: dt.date) -> list[str]:
    """Artwork, .gitignore and show.yaml (last) for a first import."""
    attention = []
    root.mkdir(parents=True, exist_ok=True)
    artwork = None
    if channel.image:
        try:
            artwork = save_image(channel.image, root, "artwork")
        except DownloadError as e:
            attention.append(f"the show's artwork was not downloaded ({e}): a placeholder is used")
    else:
        attention.append("the feed has no artwork: a placeholder artwork.png is used")
    if artwork is None:
        artwork = ARTWORK_FILE
        if not (root / artwork).exists():
            write_placeholder_artwork(root / artwork, channel.title or "Imported show")
    update_gitignore(root / ".gitignore")
    text, notes = show_yaml(channel, source=source, artwork=artwork, today=today)
    write_atomic(root / SHOW_FILE, text)
    return attention + notes


def _write_episode(episodes_dir: Path, planned: PlannedEpisode, today: dt.date) -> ImportedEpisode:
    folder = episodes_dir / planned.folder
    build_episode(folder, planned, today=today)
    item = planned.item
    return ImportedEpisode(
        folder=folder,
        number=planned.number,
        title=item.title or f"Episode {planned.number}",
        date=planned.date,
        guid=planned.guid,
        audio="not fetched (--no-audio)",
        attention=planned.attention,
    )


@dataclass(frozen=True)
class _AudioJob:
    episode: ImportedEpisode | None  # None: an episode from an earlier run
    folder: Path
    target: Path
    url: str
    announced: int | None


def _audio_jobs(result, new, episodes_dir, recorded, existing, audio: bool) -> list[_AudioJob]:
    todo: list[_AudioJob] = []
    for imported, planned in zip(result.episodes, new, strict=True):
        enclosure = planned.item.enclosure
        if not planned.audio_ok:
            imported.audio = "not audio"
            imported.attention.append(
                f"its enclosure is {enclosure.type}, not audio: kept without audio; put the "
                f"episode's audio in {imported.folder.name}/ as {planned.audio_file}"
            )
            result.audio_missing.append(imported)
        elif audio:
            todo.append(
                _AudioJob(
                    imported,
                    imported.folder,
                    imported.folder / planned.audio_file,
                    enclosure.url,
                    enclosure.length,
                )
            )
        else:
            result.audio_missing.append(imported)
    if not audio:
        return todo
    for folder_name in existing.values():  # earlier imports whose audio is still missing
        job = _missing_audio(episodes_dir / folder_name)
        if job:
            todo.append(job)
    return todo


def _missing_audio(folder: Path) -> _AudioJob | None:
    if not (folder / EPISODE_FILE).is_file():
        return None
    doc, problems = load_document(folder / EPISODE_FILE)
    if problems or not isinstance(doc, dict):
        return None
    url, name = doc.get("audio_url"), doc.get("audio")
    if not isinstance(url, str) or not isinstance(name, str) or (folder / name).exists():
        return None
    return _AudioJob(None, folder, folder / name, url, None)


def _fetch_all(result: ImportResult, todo: list[_AudioJob], *, jobs: int, progress) -> None:
    def one(job: _AudioJob) -> tuple[_AudioJob, str, int, str | None]:
        label = f"{job.folder.name}: audio"
        try:
            fetched = download(
                job.url,
                job.target,
                announced=job.announced,
                progress=progress(label) if progress else None,
            )
        except DownloadError as e:
            return job, "failed", 0, str(e)
        try:
            probe_duration(job.target)
        except ProcessingError:
            job.target.unlink(missing_ok=True)
            return job, "failed", 0, "the file downloaded is not audio ffmpeg can read: not kept"
        note = None
        if job.announced and fetched.size != job.announced:
            note = f"its audio is {fetched.size} bytes, the feed announced {job.announced} (kept)"
        return job, "resumed" if fetched.resumed else "fetched", fetched.size, note

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for job, how, size, note in pool.map(one, todo):
            if how != "failed":
                result.audio_bytes += size
                if job.episode is None:
                    result.earlier_fetched += 1
                else:
                    result.audio_fetched += 1
            if job.episode is None:
                if how == "failed":
                    result.show_attention.append(
                        f"{job.folder.name}: its audio was not fetched: {note}"
                    )
                continue
            job.episode.audio = how
            if how == "failed":
                job.episode.attention.append(f"its audio was not fetched: {note}")
                result.audio_missing.append(job.episode)
            elif note:
                job.episode.attention.append(note)
