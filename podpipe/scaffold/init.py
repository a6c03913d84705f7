"""podpipe init: start a show folder (show.yaml, episodes/, placeholder artwork, .gitignore).

A show is never overwritten; files already there are kept. show.yaml is written last,
so a failed init leaves no half-made show behind.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from podpipe.cache import write_atomic
from podpipe.checks.images import PLACEHOLDER_AUTHOR, PLACEHOLDER_EMAIL, PLACEHOLDER_KEY
from podpipe.config import EMAIL_RE, EPISODES_DIR, SHOW_FILE, Cycle, is_http_url
from podpipe.errors import ConfigError, Problem, ProcessingError
from podpipe.render import BUILTIN_TEMPLATES
from podpipe.scaffold.episode import slugify
from podpipe.scaffold.github import write_github_files
from podpipe.scaffold.templates import environment

ARTWORK_FILE = "artwork.png"
ARTWORK_SIZE = 1400  # the smallest square Apple Podcasts accepts
GITIGNORE_LINES = ("site/", ".podpipe/")

# What `podpipe init --yes` writes when the host gives nothing: placeholders that load
# cleanly (example.com is reserved for documentation) and are easy to spot later.
DEFAULT_AUTHOR = PLACEHOLDER_AUTHOR  # `check` warns while they are there
DEFAULT_EMAIL = PLACEHOLDER_EMAIL
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
    if not EMAIL_RE.match(value):
        raise ValueError(f"expected an email address like you@example.com, found {value!r}")
    return value


def check_base_url(value: str) -> str:
    """An absolute http(s) URL, ending with '/' (the site's root)."""
    value = value.strip()
    if not is_http_url(value):
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
    refuse_existing_show(root)
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
        created, kept, updated = _create_show_files(root, title, text, cycle)
    except OSError as e:  # a read-only folder, a file where a folder should be, a full disk
        raise ProcessingError(
            f"could not create the show: {e.strerror or e}", file=Path(e.filename or root)
        ) from e
    return NewShow(
        root=root, created=tuple(created), kept=tuple(kept), cycle=cycle, updated=tuple(updated)
    )


def refuse_existing_show(root: Path) -> None:
    """ConfigError if ``root`` holds a show.yaml: init never overwrites a show (and the
    CLI asks this before prompting for anything)."""
    show_file = root.resolve() / SHOW_FILE
    if os.path.lexists(show_file):  # even a dangling symlink: the host put it there
        raise ConfigError([Problem(show_file, None, "", SHOW_EXISTS)])


def _create_show_files(
    root: Path, title: str, show_yaml: str, cycle: Cycle
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
    github = write_github_files(root, f"The {title} club", [cycle.slug])
    created += github.created
    kept += github.kept
    write_atomic(root / SHOW_FILE, show_yaml)
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
    env = environment()
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
    template = (BUILTIN_TEMPLATES / "init" / "gitignore").read_text(encoding="utf-8")
    if not path.exists():
        write_atomic(path, template)
        return []
    text = path.read_text(encoding="utf-8")
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in GITIGNORE_LINES if line not in present]
    if missing:
        sep = "" if text.endswith("\n") or not text else "\n"
        write_atomic(path, text + sep + "\n".join(["# podpipe", *missing]) + "\n")
    return missing


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
