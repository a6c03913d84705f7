"""podpipe init and podpipe episode add: the host's daily workflow (podpipe.scaffold)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from podpipe.cli.console import DateParam, console_of, run_command, show_hint, show_option, shown


def _checked(name: str):
    """A click callback running scaffold.<name> (its ValueError -> a usage error, exit 2)."""

    def callback(ctx, param, value):
        if value is None:
            return None
        from podpipe import scaffold

        try:
            return getattr(scaffold, name)(value)
        except ValueError as e:
            raise click.BadParameter(str(e)) from None

    return callback


def _names(ctx, param, value: str | None) -> tuple[str, ...]:
    """'Ada, Ben' -> ('Ada', 'Ben'); repeated options add up."""
    values = value if isinstance(value, tuple) else (value,) if value else ()
    return tuple(n.strip() for v in values for n in v.split(",") if n.strip())


def _ask(label: str, default: str, check=None) -> str:
    def value_proc(text: str) -> str:
        try:
            return check(text) if check else text.strip()
        except ValueError as e:
            raise click.UsageError(str(e)) from None

    return click.prompt(label, default=default, value_proc=value_proc)


@click.command(short_help="Start a new show folder (show.yaml, episodes/, artwork).")
@click.argument(
    "directory", metavar="[DIR]", default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--title", default=None, help="The show's title (default: from the folder name).")
@click.option(
    "--author", default=None, help="The host's name, shown as the author (default: a placeholder)."
)
@click.option(
    "--email",
    default=None,
    callback=_checked("check_email"),
    help="The owner's email for directories.",
)
@click.option(
    "--base-url",
    default=None,
    callback=_checked("check_base_url"),
    help="Where site/ will be served, e.g. https://example.org/podcast/.",
)
@click.option(
    "--yes", "-y", is_flag=True, help="Use the defaults for what was not given; ask nothing."
)
@click.pass_context
def init(
    ctx: click.Context,
    directory: Path,
    title: str | None,
    author: str | None,
    email: str | None,
    base_url: str | None,
    yes: bool,
) -> None:
    """Start a new show in DIR (default: here): show.yaml, episodes/, artwork, .gitignore.

    Asks for the title, author, email and base URL when run in a terminal. Never
    overwrites a show: exits 2 if DIR already has a show.yaml.
    """
    from podpipe import scaffold

    run_command(ctx, scaffold.refuse_existing_show, directory)  # before asking anything
    if sys.stdin.isatty() and not yes:
        title = title or _ask("Show title", scaffold.default_title(directory))
        author = author or _ask("Author (your name)", scaffold.DEFAULT_AUTHOR)
        email = email or _ask("Owner email", scaffold.DEFAULT_EMAIL, scaffold.check_email)
        base_url = base_url or _ask(
            "Base URL of the site", scaffold.default_base_url(title), scaffold.check_base_url
        )
    new = run_command(
        ctx,
        scaffold.init_show,
        directory,
        title=title,
        author=author,
        email=email,
        base_url=base_url,
    )
    for path in new.created:
        click.echo(f"created {shown(path)}{'/' if path.is_dir() else ''}")
    for path in new.updated:
        click.echo(f"updated {shown(path)} (added the lines podpipe needs)")
    for path in new.kept:
        click.echo(f"kept    {shown(path)}{'/' if path.is_dir() else ''} (already there)")
    cycle = new.cycle
    click.echo(f"\nThe first club cycle, {cycle.slug!r}, runs {cycle.start} to {cycle.end}.")
    click.echo(
        "Next: replace artwork.png with your own square artwork (1400 to 3000 px), "
        "check show.yaml,\nthen add a recording: podpipe episode add RECORDING.wav"
        + show_hint(directory)
    )


@click.group()
def episode() -> None:
    """Add episodes to the show."""


@episode.command("add", short_help="Add a recording as the next episode.")
@click.argument(
    "audio_files",
    metavar="AUDIO...",
    nargs=-1,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
@show_option
@click.option("--title", default=None, help="Episode title (default: from the file name).")
@click.option(
    "--guest",
    "guests",
    multiple=True,
    metavar="NAME[,NAME]",
    callback=_names,
    help="Guest name(s); repeatable or comma-separated.",
)
@click.option(
    "--date",
    type=DateParam(),
    default=None,
    help="Publication date (default: today).",
)
@click.option(
    "--speakers",
    default=None,
    metavar="NAME,NAME[,...]",
    callback=_names,
    help="Left and right channel speakers of a double-ender recording; with several "
    "files (one per speaker, a multitrack episode), each file's speaker in order.",
)
@click.option(
    "--link", is_flag=True, help="Hard-link (or symlink) the recording instead of copying it."
)
@click.pass_context
def episode_add(
    ctx: click.Context,
    audio_files: tuple[Path, ...],
    show_dir: Path,
    title: str | None,
    guests: tuple[str, ...],
    date: dt.date | None,
    speakers: tuple[str, ...],
    link: bool,
) -> None:
    """Add a recording as the next episode: episodes/<NNN>-<slug>/episode.yaml.

    The recording is checked by decoding it, then copied (or linked with --link) into
    the episode folder; the original is never moved or changed. Several files, one
    per speaker, make a multitrack episode (tracks: in episode.yaml; --speakers names
    them in order).
    """
    from podpipe import scaffold

    try:
        scaffold.check_speakers(speakers, len(audio_files))
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--speakers") from None
    console = console_of(ctx)
    new = run_command(
        ctx,
        scaffold.add_episode,
        show_dir,
        audio_files[0],
        title=title,
        guests=guests,
        date=date,
        speakers=speakers,
        link=link,
        more=audio_files[1:],
    )
    minutes, seconds = divmod(round(new.duration_s), 60)
    click.echo(f"Added episode {new.number}, {new.title!r} ({new.date}, {minutes}:{seconds:02d})")
    click.echo(f"  {shown(new.episode_file)}")
    origin = "" if new.audio_how == "kept in place" else f" from {audio_files[0]}"
    click.echo(f"  {shown(new.audio)} ({new.audio_how}{origin})")
    for path, source, name in zip(new.tracks[1:], audio_files[1:], speakers[1:], strict=False):
        click.echo(f"  {shown(path)} ({new.audio_how} from {source}; {name})")
    if new.guests:
        click.echo(f"  guests: {', '.join(new.guests)}")
    if new.cycle:
        click.echo(
            f"  announces club cycle {new.cycle.slug!r} ({new.cycle.title}, "
            f"starts {new.cycle.start})"
        )
    else:
        console.warn(
            "no club cycle starts on or after the episode date; add one to "
            "show.yaml (club.cycles) for this episode to announce"
        )
    if new.show_problems:
        console.warn(
            f"the show has {new.show_problems} configuration problem(s) to fix "
            "before publishing: run podpipe check"
        )
    click.echo(
        "Next: add a summary and notes in episode.yaml if you like, then run "
        "podpipe publish" + show_hint(show_dir)
    )
