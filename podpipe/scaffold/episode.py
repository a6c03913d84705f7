"""podpipe episode add: the interview just recorded becomes the next episode.

A source recording is never moved or modified, and an episode folder appears whole or
not at all (it is built under a hidden temporary name inside episodes/, then renamed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podpipe import club
from podpipe.cache import current_umask, exclusive, write_atomic
from podpipe.config import (
    EPISODE_FILE,
    EPISODES_DIR,
    SLUG_RE,
    Cycle,
    Episode,
    Show,
    load_show_with_warnings,
    plain_values,
)
from podpipe.errors import ProcessingError
from podpipe.media import check_decodes, probe_duration
from podpipe.scaffold.templates import environment

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewEpisode:
    """What :func:`add_episode` created."""

    folder: Path  # episodes/<NNN>-<slug>
    number: int
    title: str
    date: dt.date
    audio: Path  # the recording inside the episode folder
    audio_how: str  # "copied", "hard-linked", "symlinked" or "kept in place"
    duration_s: float
    guests: tuple[str, ...]
    speakers: tuple[str, ...]
    cycle: Cycle | None  # the club cycle it announces by default
    show_problems: int  # errors `podpipe check` reports for the show (not caused by us)
    tracks: tuple[Path, ...] = ()  # a multitrack episode: every track, the first included

    @property
    def episode_file(self) -> Path:
        return self.folder / EPISODE_FILE


def add_episode(
    show_root: Path,
    audio: Path,
    *,
    title: str | None = None,
    guests: tuple[str, ...] = (),
    date: dt.date | None = None,
    speakers: tuple[str, ...] = (),
    link: bool = False,
    more: tuple[Path, ...] = (),
) -> NewEpisode:
    """Create episodes/<NNN>-<slug>/episode.yaml for ``audio`` with the next free number.

    The recording is checked by decoding it (ProcessingError if ffmpeg cannot) before
    anything is written. It is copied, or linked with ``link`` (a hard link, or a
    symlink across file systems); the source is never moved or modified. A recording
    already sitting in its own folder under episodes/ (with no episode.yaml yet) is
    adopted where it is: only the episode.yaml is written.

    With ``more`` recordings it is a multitrack episode: ``audio`` and ``more`` are the
    speakers' own tracks, named by ``speakers`` in the same order (``tracks:``).
    """
    try:
        check_speakers(speakers, 1 + len(more))
    except ValueError as e:
        raise ValueError(f"speakers: {e}") from None
    show, problems = load_show_with_warnings(show_root)  # ConfigError when no show.yaml
    files = [_checked_recording(show, p) for p in (audio, *more)]
    audio, duration = files[0][0], max(d for _p, d in files)
    extra = [p for p, _d in files[1:]]
    names = [p.name for p, _d in files]
    if extra:  # a track's speaker who is not a host is a guest of the episode
        known = {p.name.casefold() for p in show.hosts} | {g.casefold() for g in guests}
        guests = (*guests, *(s for s in speakers if s.casefold() not in known))
    if len(set(names)) < len(names):
        raise ProcessingError("two tracks have the same file name: rename one", file=audio)

    date = date or dt.date.today()
    title = (title or "").strip() or title_from_filename(audio)
    episodes_dir = show.root / EPISODES_DIR
    episodes_dir.mkdir(exist_ok=True)
    # Two adds at once would both see the same highest number: they take turns.
    with exclusive(show.work_dir / "episodes.lock"):
        adopt = None if extra else _adoptable_folder(episodes_dir, audio)
        number = next_episode_number(episodes_dir, skip=adopt)
        prefix = _folder_number(adopt) if adopt else None
        if prefix is not None and prefix not in used_episode_numbers(episodes_dir, skip=adopt):
            number = prefix  # "007-interview/" becomes episode 7
        folder = adopt or episodes_dir / f"{number:03d}-{slugify(title)}"
        if not adopt and folder.exists():
            raise ProcessingError("an episode folder with this name already exists", file=folder)
        cycle = default_cycle(show, number, date)

        def text(audio_value: str) -> str:
            return render_episode_yaml(
                number=number,
                title=title,
                date=date,
                audio=audio_value,
                guests=guests,
                speakers=speakers,
                cycle=cycle,
                tracks=names if extra else (),
            )

        if adopt:
            write_atomic(adopt / EPISODE_FILE, text(audio.name))
            how = "kept in place"
        else:
            how = _build_episode_folder(folder, [audio, *extra], text, link=link)
    errors = sum(1 for p in problems if p.severity == "error")
    log.info("added episode %d in %s (%s)", number, folder, how)
    return NewEpisode(
        folder=folder,
        number=number,
        title=title,
        date=date,
        audio=folder / audio.name,
        audio_how=how,
        duration_s=duration,
        guests=tuple(guests),
        speakers=tuple(speakers),
        cycle=cycle,
        show_problems=errors,
        tracks=tuple(folder / name for name in names) if extra else (),
    )


def check_speakers(speakers: tuple[str, ...], files: int = 1) -> tuple[str, ...]:
    """The speakers of a double-ender (one file: two names, left and right, or none), or
    of a multitrack episode (one name per file, in the files' order)."""
    if files > 1:
        if len(speakers) != files:
            raise ValueError(
                f"{files} tracks need {files} names, one per file in the same order "
                f'(--speakers "Host Name,Guest Name"), got {len(speakers)}'
            )
        if len({s.casefold() for s in speakers}) < len(speakers):
            raise ValueError("each track needs its own speaker; a name is given twice")
        return speakers
    if speakers and len(speakers) != 2:
        raise ValueError(f"expected two names (left, right), got {len(speakers)}")
    return speakers


def _checked_recording(show: Show, audio: Path) -> tuple[Path, float]:
    audio = audio.expanduser().absolute()
    if not audio.is_file():
        reason = "not a file (expected an audio recording)" if audio.exists() else "not found"
        raise ProcessingError(reason, file=audio)
    duration = probe_duration(audio)
    if duration <= 0:
        raise ProcessingError("the recording has no audio (decoded 0 seconds)", file=audio)
    check_decodes(audio)  # what publish checks: a truncated or damaged file is refused now
    _refuse_duplicate(show, audio)
    return audio, duration


def _refuse_duplicate(show: Show, audio: Path) -> None:
    """Adding the same recording twice is almost always a repeated command: say so."""
    size = audio.stat().st_size
    for episode in show.episodes:
        other = episode.audio
        if not other.is_file() or other.stat().st_size != size:
            continue
        if os.path.samefile(other, audio) or _sha256(other) == _sha256(audio):
            raise ProcessingError(
                f"this recording is already episode {episode.number} ({other}); nothing was added",
                file=audio,
            )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _adoptable_folder(episodes_dir: Path, audio: Path) -> Path | None:
    """episodes/<folder>/ holding ``audio`` and no episode.yaml yet, else None."""
    folder = audio.parent
    if folder.parent.resolve() != episodes_dir.resolve() or (folder / EPISODE_FILE).exists():
        return None
    if not SLUG_RE.match(folder.name):
        raise ProcessingError(
            f"the folder name {folder.name!r} would become the episode's page URL: rename it "
            f"to lower-case letters, digits and '-' (e.g. {slugify(folder.name)!r}) and "
            "add the recording again",
            file=audio,
        )
    return folder


def _build_episode_folder(
    folder: Path, audio: list[Path], episode_yaml: Callable[[str], str], *, link: bool
) -> str:
    """Fill a hidden temporary folder next to ``folder``, then rename it into place.

    A symlinked recording lies outside the show, so episode.yaml names it by its
    absolute path: the explicit opt-in the path rule asks for (check warns about it)."""
    tmp = Path(tempfile.mkdtemp(prefix=".add-", dir=folder.parent))
    try:
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes it private; a folder is not
        for path in audio:
            how = _place_audio(path, tmp / path.name, link=link)
        first = audio[0]
        named = str(first.resolve()) if how == "symlinked" else first.name
        (tmp / EPISODE_FILE).write_text(episode_yaml(named), encoding="utf-8")
        os.rename(tmp, folder)  # fails rather than merge if the folder appeared meanwhile
    except OSError as e:  # a full disk, a read-only show folder: nothing is left behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise ProcessingError(f"could not add the episode: {e.strerror or e}", file=folder) from e
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return how


def _place_audio(source: Path, target: Path, *, link: bool) -> str:
    if not link:
        shutil.copy2(source, target)  # reads the source only; keeps its mtime
        return "copied"
    try:
        os.link(source, target)
        return "hard-linked"
    except OSError:  # another file system, or one without hard links
        target.symlink_to(source.resolve())
        return "symlinked"


def next_episode_number(episodes_dir: Path, *, skip: Path | None = None) -> int:
    """One more than the highest number in use, 1 for the first episode."""
    return max(used_episode_numbers(episodes_dir, skip=skip), default=0) + 1


def used_episode_numbers(episodes_dir: Path, *, skip: Path | None = None) -> set[int]:
    """Numbers taken by the folders in episodes/ (except ``skip``).

    Numbers come from every episode.yaml that has one; a folder whose episode.yaml is
    missing or broken still reserves the number its name starts with ("007-...").
    """
    used: set[int] = set()
    for folder in episodes_dir.iterdir():
        if not folder.is_dir() or folder.name.startswith(".") or folder == skip:
            continue
        for number in (_number_in_file(folder / EPISODE_FILE), _folder_number(folder)):
            if number is not None:
                used.add(number)
    return used


def _folder_number(folder: Path) -> int | None:
    """7 for '007-interview'; None for '2026-11-20-interview' (a date, not a number)."""
    match = re.match(r"^(\d+)-(?!\d{1,2}-\d{1,2}(?:-|$))", folder.name)
    return int(match.group(1)) if match else None


def _number_in_file(file: Path) -> int | None:
    try:
        doc = plain_values(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    number = doc.get("number") if isinstance(doc, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def default_cycle(show: Show, number: int, date: dt.date) -> Cycle | None:
    """The cycle the new episode will announce unless told otherwise.

    A cycle that names this episode in ``announced_in`` wins; otherwise the first cycle
    starting on or after the episode date: club.announced_cycle's rule, applied to a draft.
    """
    draft = Episode(folder=show.root, number=number, title="", date=date, audio=show.root)
    return club.announced_cycle(show, draft)


def render_episode_yaml(
    *,
    number: int,
    title: str,
    date: dt.date,
    audio: str,
    guests: tuple[str, ...],
    speakers: tuple[str, ...],
    cycle: Cycle | None,
    tracks: tuple[str, ...] | list[str] = (),
) -> str:
    env = environment()
    return env.get_template("init/episode.yaml.j2").render(
        number=number,
        title=title,
        date=date,
        audio=audio,
        guests=guests,
        speakers=speakers,
        cycle=cycle,
        tracks=list(zip(tracks, speakers, strict=False)) if tracks else [],
        today=dt.date.today(),
    )


def title_from_filename(audio: Path) -> str:
    """'2026-11-20_interview-with-ada.wav' -> 'Interview with ada'."""
    words = re.sub(r"[\s_.-]+", " ", audio.stem).strip()
    rest = re.sub(r"^(\d{4} ?\d{2} ?\d{2})\s+", "", words)  # a leading recording date
    words = rest or words
    return (words[:1].upper() + words[1:]) or "Episode"


def slugify(text: str, max_length: int = 50) -> str:
    """Lower-case ASCII letters, digits and '-', cut at a word boundary: the page URL."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "episode"
