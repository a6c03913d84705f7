"""The host's daily workflow: start a show folder, add the interview just recorded.

Both functions only create files: a show is never overwritten, a source recording is
never moved or modified, and an episode folder appears whole or not at all (it is built
under a hidden temporary name inside episodes/, then renamed).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from podpipe.cache import current_umask, exclusive, write_atomic
from podpipe.config import (
    _EMAIL_RE,
    _SLUG_RE,
    EPISODE_FILE,
    EPISODES_DIR,
    SHOW_FILE,
    Cycle,
    Show,
    _is_http_url,
    load_show_with_warnings,
)
from podpipe.errors import ConfigError, Problem, ProcessingError

log = logging.getLogger(__name__)

ARTWORK_FILE = "artwork.png"
ARTWORK_SIZE = 1400  # the smallest square Apple Podcasts accepts
GITIGNORE_LINES = ("site/", ".podpipe/")

# What `podpipe init --yes` writes when the host gives nothing: placeholders that load
# cleanly (example.com is reserved for documentation) and are easy to spot later.
DEFAULT_AUTHOR = "Your Name"
DEFAULT_EMAIL = "you@example.com"
SHOW_EXISTS = (
    "a show already exists here; podpipe init changed nothing "
    "(edit this show.yaml, or run podpipe init in a new folder)"
)


@dataclass(frozen=True)
class NewShow:
    """What :func:`init_show` created."""

    root: Path
    created: tuple[Path, ...]  # files and folders, in the order they were made
    kept: tuple[Path, ...]  # files that were already there and were left as they were
    cycle: Cycle  # the example club cycle
    updated: tuple[Path, ...] = ()  # files that were there and got lines added (.gitignore)


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

    @property
    def episode_file(self) -> Path:
        return self.folder / EPISODE_FILE


# --------------------------------------------------------------------------- init


def default_title(root: Path) -> str:
    """A show title from the folder name: 'learning-out-loud' -> 'Learning Out Loud'."""
    words = re.split(r"[\s_.-]+", root.resolve().name)
    title = " ".join(w[:1].upper() + w[1:] for w in words if w)
    return title or "My Podcast"


def default_base_url(title: str) -> str:
    return f"https://example.com/{slugify(title)}/"


def next_monday(today: dt.date) -> dt.date:
    """The Monday after ``today`` (a week later when today is a Monday)."""
    return today + dt.timedelta(days=7 - today.weekday())


def check_email(value: str) -> str:
    value = value.strip()
    if not _EMAIL_RE.match(value):
        raise ValueError(f"expected an email address like you@example.com, found {value!r}")
    return value


def check_base_url(value: str) -> str:
    """An absolute http(s) URL, ending with '/' (the site's root)."""
    value = value.strip()
    if not _is_http_url(value):
        raise ValueError(
            f"expected an absolute http(s) URL like https://example.com/show/, found {value!r}"
        )
    return value if value.endswith("/") else value + "/"


def init_show(
    root: Path,
    *,
    title: str | None = None,
    author: str | None = None,
    email: str | None = None,
    base_url: str | None = None,
    today: dt.date | None = None,
) -> NewShow:
    """Create a new show folder at ``root``; raise ConfigError if a show is already there.

    Files that exist already (artwork.png, .gitignore, episodes/) are kept; the
    .gitignore only gets the lines it lacks. show.yaml is written last, so a failed
    init leaves no half-made show behind.
    """
    root = root.resolve()
    show_file = root / SHOW_FILE
    if os.path.lexists(show_file):  # even a dangling symlink: the host put it there
        raise ConfigError([Problem(show_file, None, "", SHOW_EXISTS)])
    today = today or dt.date.today()
    title = (title or "").strip() or default_title(root)
    author = (author or "").strip() or DEFAULT_AUTHOR
    try:
        email = check_email(email or DEFAULT_EMAIL)
        base_url = check_base_url(base_url or default_base_url(title))
    except ValueError as e:
        raise ConfigError([Problem(show_file, None, "", f"not created: {e}")]) from None
    cycle = example_cycle(today)

    text = render_show_yaml(
        title=title, author=author, email=email, base_url=base_url, cycle=cycle, today=today
    )
    try:
        created, kept, updated = _create_show_files(root, title, text)
    except OSError as e:  # a read-only folder, a file where a folder should be, a full disk
        raise ProcessingError(
            f"could not create the show: {e.strerror or e}", file=Path(e.filename or root)
        ) from e
    return NewShow(
        root=root, created=tuple(created), kept=tuple(kept), cycle=cycle, updated=tuple(updated)
    )


def _create_show_files(
    root: Path, title: str, show_yaml: str
) -> tuple[list[Path], list[Path], list[Path]]:
    """Make what is missing, keep what is there; show.yaml last.

    Returns (created, kept, updated).
    """
    created: list[Path] = []
    kept: list[Path] = []
    updated: list[Path] = []
    if not root.is_dir():
        root.mkdir(parents=True)
        created.append(root)
    episodes = root / EPISODES_DIR
    if episodes.is_dir():
        kept.append(episodes)
    else:
        episodes.mkdir()
        created.append(episodes)
    artwork = root / ARTWORK_FILE
    if artwork.exists():
        kept.append(artwork)
    else:
        write_placeholder_artwork(artwork, title)
        created.append(artwork)
    gitignore = root / ".gitignore"
    existed = gitignore.exists()
    added = update_gitignore(gitignore)
    (created if not existed else updated if added else kept).append(gitignore)
    _write_text_atomic(root / SHOW_FILE, show_yaml)
    created.append(root / SHOW_FILE)
    return created, kept, updated


def example_cycle(today: dt.date) -> Cycle:
    """The first learning-club cycle: two weeks from the next Monday."""
    start = next_monday(today)
    return Cycle(
        slug="first-topic",
        title="Our first topic",
        summary="Pick one skill, learn it together for two weeks, share what you built.",
        start=start,
        end=start + dt.timedelta(days=13),
    )


def render_show_yaml(
    *, title: str, author: str, email: str, base_url: str, cycle: Cycle, today: dt.date
) -> str:
    env = _environment()
    return env.get_template("init/show.yaml.j2").render(
        title=title,
        author=author,
        email=email,
        base_url=base_url,
        cycle=cycle,
        today=today,
        club_name=f"The {title} club",
        description=f"{title}: interviews, and a learning club that picks one topic "
        "every two weeks and learns it together.",
        copyright=f"© {today.year} {author}",
    )


def update_gitignore(path: Path) -> list[str]:
    """Create .gitignore from the template, or append the lines it lacks.

    Returns the lines added to an existing file.
    """
    from podpipe.templating import BUILTIN_TEMPLATES

    template = (BUILTIN_TEMPLATES / "init" / "gitignore").read_text(encoding="utf-8")
    if not path.exists():
        _write_text_atomic(path, template)
        return []
    text = path.read_text(encoding="utf-8")
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in GITIGNORE_LINES if line not in present]
    if missing:
        sep = "" if text.endswith("\n") or not text else "\n"
        _write_text_atomic(path, text + sep + "\n".join(["# podpipe", *missing]) + "\n")
    return missing


PLACEHOLDER_KEY = "podpipe-placeholder"


def is_placeholder_artwork(path: Path) -> bool:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return PLACEHOLDER_KEY in image.info
    except (OSError, ValueError):
        return False


def write_placeholder_artwork(path: Path, title: str) -> None:
    """A plain 1400x1400 RGB PNG with the title, clearly marked as a placeholder."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (ARTWORK_SIZE, ARTWORK_SIZE), (31, 64, 104))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, ARTWORK_SIZE - 61, ARTWORK_SIZE - 61), outline=(242, 200, 75), width=12)
    lines = _wrap(title, 16)[:4]
    big, small = _font(ImageFont, 120), _font(ImageFont, 48)
    y = ARTWORK_SIZE // 2 - 80 * len(lines)
    for line in lines:
        draw.text((ARTWORK_SIZE // 2, y), line, fill=(255, 255, 255), font=big, anchor="mt")
        y += 160
    draw.text(
        (ARTWORK_SIZE // 2, ARTWORK_SIZE - 160),
        "placeholder artwork: replace artwork.png",
        fill=(242, 200, 75),
        font=small,
        anchor="mt",
    )
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(PLACEHOLDER_KEY, "replace artwork.png")  # `check` warns while it is there
    png = io.BytesIO()
    image.save(png, format="PNG", optimize=True, pnginfo=info)
    write_atomic(path, png.getvalue())


def _font(image_font, size: int):
    try:
        return image_font.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has only the small bitmap font
        return image_font.load_default()


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


# --------------------------------------------------------------------------- episode add


def add_episode(
    show_root: Path,
    audio: Path,
    *,
    title: str | None = None,
    guests: tuple[str, ...] = (),
    date: dt.date | None = None,
    speakers: tuple[str, ...] = (),
    link: bool = False,
) -> NewEpisode:
    """Create episodes/<NNN>-<slug>/episode.yaml for ``audio`` with the next free number.

    The recording is checked by decoding it (ProcessingError if ffmpeg cannot) before
    anything is written. It is copied, or linked with ``link`` (a hard link, or a
    symlink across file systems); the source is never moved or modified. A recording
    already sitting in its own folder under episodes/ (with no episode.yaml yet) is
    adopted where it is: only the episode.yaml is written.
    """
    from podpipe.media import probe_duration

    if speakers and len(speakers) != 2:
        raise ValueError(f"speakers: expected two names (left, right), got {len(speakers)}")
    show, problems = load_show_with_warnings(show_root)  # ConfigError when no show.yaml
    audio = audio.expanduser().absolute()
    if not audio.is_file():
        reason = "not a file (expected an audio recording)" if audio.exists() else "not found"
        raise ProcessingError(reason, file=audio)
    duration = probe_duration(audio)
    if duration <= 0:
        raise ProcessingError("the recording has no audio (decoded 0 seconds)", file=audio)
    _refuse_duplicate(show, audio)

    date = date or dt.date.today()
    title = (title or "").strip() or title_from_filename(audio)
    episodes_dir = show.root / EPISODES_DIR
    episodes_dir.mkdir(exist_ok=True)
    # Two adds at once would both see the same highest number: they take turns.
    with exclusive(show.work_dir / "episodes.lock"):
        adopt = _adoptable_folder(episodes_dir, audio)
        number = next_episode_number(episodes_dir, skip=adopt)
        prefix = _folder_number(adopt) if adopt else None
        if prefix is not None and prefix not in used_episode_numbers(episodes_dir, skip=adopt):
            number = prefix  # "007-interview/" becomes episode 7
        folder = adopt or episodes_dir / f"{number:03d}-{slugify(title)}"
        if not adopt and folder.exists():
            raise ProcessingError("an episode folder with this name already exists", file=folder)
        cycle = default_cycle(show, number, date)
        text = render_episode_yaml(
            number=number,
            title=title,
            date=date,
            audio=audio.name,
            guests=guests,
            speakers=speakers,
            cycle=cycle,
        )
        if adopt:
            _write_text_atomic(adopt / EPISODE_FILE, text)
            how = "kept in place"
        else:
            how = _build_episode_folder(folder, audio, text, link=link)
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
    )


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
    import hashlib

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
    if not _SLUG_RE.match(folder.name):
        raise ProcessingError(
            f"the folder name {folder.name!r} would become the episode's page URL: rename it "
            f"to lower-case letters, digits and '-' (e.g. {slugify(folder.name)!r}) and "
            "add the recording again",
            file=audio,
        )
    return folder


def _build_episode_folder(folder: Path, audio: Path, episode_yaml: str, *, link: bool) -> str:
    """Fill a hidden temporary folder next to ``folder``, then rename it into place."""
    tmp = Path(tempfile.mkdtemp(prefix=".add-", dir=folder.parent))
    try:
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes it private; a folder is not
        how = _place_audio(audio, tmp / audio.name, link=link)
        (tmp / EPISODE_FILE).write_text(episode_yaml, encoding="utf-8")
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
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        doc = YAML(typ="safe").load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError):
        return None
    number = doc.get("number") if isinstance(doc, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def default_cycle(show: Show, number: int, date: dt.date) -> Cycle | None:
    """The cycle the new episode will announce unless told otherwise.

    A cycle that names this episode in ``announced_in`` wins; otherwise the first cycle
    starting on or after the episode date: club.announced_cycle's rule, applied to a draft.
    """
    from podpipe import club
    from podpipe.config import Episode

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
) -> str:
    env = _environment()
    return env.get_template("init/episode.yaml.j2").render(
        number=number,
        title=title,
        date=date,
        audio=audio,
        guests=guests,
        speakers=speakers,
        cycle=cycle,
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


# --------------------------------------------------------------------------- shared


def _environment():
    """The shared Jinja2 environment, plus a filter that quotes a value as a YAML scalar."""
    from podpipe.templating import environment

    env = environment()
    env.filters["yaml"] = yaml_scalar
    return env


def yaml_scalar(value: object) -> str:
    """``value`` as a YAML scalar that reads back as the same text.

    Plain when that round-trips (``title: Learning Out Loud``); otherwise double-quoted,
    because a JSON string is a valid YAML one (``title: "Q&A: #1"``, ``"true"``, ``"2026"``).
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    text = str(value)
    if text and "\n" not in text and text == text.strip():
        try:
            if YAML(typ="safe").load(f"k: {text}\n") == {"k": text}:
                return text
        except YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, text)
