"""The command line: parse options, call one library function, turn errors into exit codes.

Heavy modules are imported inside each command so that ``podpipe --help`` and a
no-op publish start fast. Flags default to None so that an option the host did not
pass never overrides show.yaml.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import re
import sys
from pathlib import Path

import click

from podpipe import __version__
from podpipe.errors import ConfigError, PodpipeError

log = logging.getLogger("podpipe")


# --------------------------------------------------------------------------- shared


class Console:
    """Where user-facing output goes: plain when not a terminal, colour unless NO_COLOR."""

    def __init__(self, verbosity: int = 0):
        self.verbosity = verbosity
        self.tty = sys.stderr.isatty()
        self.color = self.tty and "NO_COLOR" not in os.environ

    def style(self, text: str, **kw) -> str:
        return click.style(text, **kw) if self.color else text

    def info(self, text: str) -> None:
        if self.verbosity >= 0:
            click.echo(text, err=True)

    def warn(self, text: str) -> None:
        click.echo(self.style("warning: ", fg="yellow") + text, err=True)

    def error(self, text: str) -> None:
        click.echo(self.style("error: ", fg="red", bold=True) + text, err=True)


def _setup(ctx: click.Context) -> Console:
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Console) else Console()


def _fail(console: Console, err: PodpipeError) -> None:
    if isinstance(err, ConfigError):
        console.error(str(err))
        warnings = [p for p in err.problems if p.severity == "warning"]
        for p in warnings:
            console.warn(str(p))
    else:
        console.error(str(err))
    sys.exit(err.exit_code)


def run_command(ctx: click.Context, fn, *args, **kwargs):
    """Call a library function; user errors become a message and an exit code."""
    console = _setup(ctx)
    try:
        return fn(*args, **kwargs)
    except PodpipeError as err:
        _fail(console, err)
    except KeyboardInterrupt:
        console.error("interrupted; the previous site is untouched")
        sys.exit(130)


show_option = click.option(
    "--show",
    "show_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The show folder (holds show.yaml and episodes/).",
)


class DateParam(click.ParamType):
    """A calendar date written YYYY-MM-DD; says which part is wrong when it is not one."""

    name = "date"

    def get_metavar(self, param, *args, **kwargs) -> str:  # click 8.2 adds ctx
        return "YYYY-MM-DD"

    def convert(self, value, param, ctx) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.fail(f"expected a date written YYYY-MM-DD, such as 2026-03-01; found {text!r}")
        try:
            return dt.date.fromisoformat(text)
        except ValueError as e:
            self.fail(f"{text} is not a date on the calendar ({e})")


today_option = click.option(
    "--today",
    type=DateParam(),
    default=None,
    help="Pretend today is this date (YYYY-MM-DD), for previews and tests of club cycle states.",
)


def _today(value: dt.date | None) -> dt.date:
    return value or dt.date.today()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="podpipe")
@click.option("-v", "--verbose", count=True, help="Say more (repeat for debug output).")
@click.option("-q", "--quiet", is_flag=True, help="Only print warnings and errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """podpipe: publish a podcast with a learning club from raw interview recordings.

    Run the commands in a show folder (show.yaml and episodes/), or pass --show DIR.
    Exit codes: 0 success, 1 processing failure, 2 configuration error or a wrong
    option value.
    """
    ctx.obj = Console()
    # Only podpipe's own messages get louder with -v; libraries stay at warnings.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _set_verbosity(ctx.obj, -1 if quiet else verbose)


def _set_verbosity(console: Console, verbosity: int) -> None:
    console.verbosity = verbosity
    level = logging.DEBUG if verbosity > 1 else logging.INFO if verbosity == 1 else logging.WARNING
    logging.getLogger("podpipe").setLevel(level)


def _verbosity_after_command(ctx: click.Context, param: click.Parameter, value) -> None:
    """-v and -q given after the command name (`podpipe publish -q`) work as before it."""
    console = _setup(ctx)
    if param.name == "quiet" and value:
        _set_verbosity(console, -1)
    elif param.name == "verbose" and value:
        _set_verbosity(console, max(console.verbosity, 0) + value)


# --------------------------------------------------------------------------- check, publish


@cli.command(short_help="Validate the show and lint the built feed and site.")
@show_option
@click.pass_context
def check(ctx: click.Context, show_dir: Path) -> None:
    """Validate show.yaml, every episode.yaml and the built feed; print every problem.

    Exits 2 when the configuration has errors, 1 when the built site has errors.
    """
    from podpipe import pipeline

    # The report is this command's output: stdout, so `podpipe check > report.txt` works.
    try:
        report = pipeline.check(show_dir)
    except ConfigError as err:
        click.echo(str(err))
        for p in err.problems:
            if p.severity == "warning":
                click.echo(f"warning: {p}")
        sys.exit(err.exit_code)
    for line in report.lines():
        click.echo(line)
    sys.exit(report.exit_code)


@cli.command(short_help="Process every episode and build the feed and site/.")
@show_option
@click.option(
    "--only",
    "only",
    metavar="EPISODE",
    multiple=True,
    help="Process only this episode (number or folder name); repeatable. "
    "The others stay as last published.",
)
@click.option("--force", is_flag=True, help="Redo every stage, ignoring cached results.")
@click.option(
    "--dry-run", is_flag=True, help="Validate and show what would be done; change nothing."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=None,
    help="Episodes processed at once (default: 1; transcription already uses every core).",
)
@today_option
@click.pass_context
def publish(
    ctx: click.Context,
    show_dir: Path,
    only: tuple[str, ...],
    force: bool,
    dry_run: bool,
    jobs: int | None,
    today: dt.datetime | None,
) -> None:
    """Process every episode (audio, transcript, notes) and build the feed and site/."""
    from podpipe import pipeline
    from podpipe.progress import TerminalProgress

    console = _setup(ctx)
    progress = TerminalProgress(console)
    result = run_command(
        ctx,
        pipeline.publish,
        show_dir,
        only=only,
        force=force,
        dry_run=dry_run,
        jobs=jobs or 1,
        today=_today(today),
        progress=progress,
    )
    progress.close()
    if console.verbosity < 0:  # -q: only warnings and errors, on stderr
        for line in result.problem_lines():
            click.echo(line, err=True)
    else:
        for line in result.summary_lines():
            click.echo(line)
    sys.exit(result.exit_code)


@cli.command(short_help="What is up to date, stale or blocking, without doing work.")
@show_option
@today_option
@click.pass_context
def status(ctx: click.Context, show_dir: Path, today: dt.datetime | None) -> None:
    """Show each episode's state (up to date or stale), the club cycles and any problems.

    Does no work. Exits non-zero when something would block publishing.
    """
    from podpipe import pipeline

    report = run_command(ctx, pipeline.status, show_dir, _today(today))
    for line in report.lines():
        click.echo(line)
    sys.exit(report.exit_code)


# --------------------------------------------------------------------------- audio (audio.py)


def _finite(ctx, param, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of decibels")
    return value


def _mp3_path(ctx, param, value: Path) -> Path:
    if value.suffix.lower() != ".mp3":
        raise click.BadParameter(f"{value} does not end in .mp3 (podpipe writes MP3)")
    return value


@cli.command(short_help="Level and normalize one recording into a podcast MP3.")
@click.argument("input_file", metavar="INPUT", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    callback=_mp3_path,
    help="The MP3 to write (its name ends in .mp3).",
)
@click.option(
    "--target",
    type=click.FloatRange(-40, -5),
    default=None,
    callback=_finite,
    help="Integrated loudness target in LUFS, -40 to -5 (default -16).",
)
@click.option(
    "--true-peak",
    type=click.FloatRange(-12, 0),
    default=None,
    callback=_finite,
    help="True-peak ceiling in dBTP, -12 to 0 (default -1.0).",
)
@click.option("--mono/--stereo", "mono", default=None, help="Output channels (default mono).")
@click.option(
    "--bitrate",
    type=click.IntRange(32, 320),
    default=None,
    help="MP3 bitrate in kbps (default 96 mono, 128 stereo).",
)
@click.option("--no-leveler", is_flag=True, help="Do not level quiet and loud speakers.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the JSON report (default: OUTPUT with .json).",
)
@click.pass_context
def audio(ctx, input_file, output, target, true_peak, mono, bitrate, no_leveler, report_file):
    """Level, loudness-normalize, true-peak-limit and encode one recording to MP3."""
    from podpipe import audio as audio_stage
    from podpipe.config import AudioSettings
    from podpipe.progress import TerminalProgress

    console = _setup(ctx)
    settings = AudioSettings(
        target_lufs=-16.0 if target is None else target,
        true_peak_dbtp=-1.0 if true_peak is None else true_peak,
        channels=2 if mono is False else 1,
        bitrate_kbps=bitrate,
        leveler=not no_leveler,
    )
    progress = TerminalProgress(console)
    report = run_command(
        ctx,
        audio_stage.master,
        input_file,
        output,
        settings,
        progress=progress.callback(f"audio {input_file.name}"),
    )
    progress.close()
    import json

    report_file = report_file or output.with_suffix(".json")
    report_file.parent.mkdir(parents=True, exist_ok=True)
    partial = report_file.with_name(f".{report_file.name}.{os.getpid()}.part")
    partial.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    os.replace(partial, report_file)
    for warning in report.warnings:
        console.warn(warning)
    click.echo(
        f"{output}: {report.output_lufs:.1f} LUFS, true peak "
        f"{report.output_true_peak_dbtp:.1f} dBTP, LRA {report.output_lra:.1f} LU, "
        f"gain {report.gain_db:+.1f} dB, {report.duration_s:.1f} s (report: {report_file})"
    )


# --------------------------------------------------------------------------- transcribe (transcribe.py)


@cli.command(short_help="Transcribe one recording locally (VTT, SRT, JSON, TXT).")
@click.argument("audio_file", metavar="AUDIO", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for <stem>.vtt, .srt, .json and .txt.",
)
@click.option(
    "--engine",
    type=click.Choice(["faster-whisper", "openai-whisper"]),
    default=None,
    help="Whisper implementation (default faster-whisper).",
)
@click.option(
    "--model",
    default=None,
    metavar="NAME|PATH",
    help="Model name (default tiny.en, bundled) or a local model folder/file.",
)
@click.option("--language", default=None, metavar="CODE", help="Spoken language (default en).")
@click.option(
    "--speakers",
    default=None,
    metavar="NAME,NAME",
    help="Names of the left and right channel speakers of a double-ender.",
)
@click.option("--beam-size", type=click.IntRange(1, 20), default=None, help="Beam size.")
@click.option("--no-vad", is_flag=True, help="Turn off voice activity detection.")
@click.option("--threads", type=click.IntRange(1, 256), default=None, help="CPU threads.")
@click.option(
    "--word-timestamps",
    is_flag=True,
    help="Align cue times to Whisper's word timings (slower; one entry per cue still).",
)
@click.pass_context
def transcribe(
    ctx,
    audio_file,
    out_dir,
    engine,
    model,
    language,
    speakers,
    beam_size,
    no_vad,
    threads,
    word_timestamps,
):
    """Transcribe a recording locally into VTT, SRT, Podcasting 2.0 JSON and text."""
    from podpipe import transcribe as transcribe_stage
    from podpipe.config import TranscriptionSettings
    from podpipe.progress import TerminalProgress

    console = _setup(ctx)
    settings = TranscriptionSettings(
        engine=engine or "faster-whisper",
        model=model or "tiny.en",
        language=language or "en",
        beam_size=beam_size,
        vad=not no_vad,
        threads=threads,
        word_timestamps=word_timestamps,
    )
    names = tuple(n.strip() for n in speakers.split(",")) if speakers else ()
    progress = TerminalProgress(console)
    report = run_command(
        ctx,
        transcribe_stage.transcribe,
        audio_file,
        out_dir,
        settings,
        speakers=names,
        stem=audio_file.stem,
        progress=progress.callback(f"transcribe {audio_file.name}"),
    )
    progress.close()
    files = ", ".join(str(out_dir / name) for name in report.files.values())
    click.echo(f"{report.word_count} words in {report.segment_count} segments: {files}")
    for warning in report.warnings:
        console.warn(warning)


# --------------------------------------------------------------------------- club (club.py)


def _club_show(ctx: click.Context, show_dir: Path):
    """Load the show for a club command.

    Only problems in the club's own configuration stop a club command: a host can record
    results while an episode still waits for its audio. Other problems are summarised.
    """
    from podpipe.config import load_show_with_warnings

    console = _setup(ctx)
    show, problems = run_command(ctx, load_show_with_warnings, show_dir)
    errors = [p for p in problems if p.severity == "error"]
    # Cross-references to episodes (announced_in, featured_in) are left to 'check'.
    blocking = [
        p
        for p in errors
        if p.key.startswith("club") and not p.key.endswith(("announced_in", "featured_in"))
    ]
    if blocking:
        _fail(console, ConfigError(blocking))
    if len(errors) > len(blocking):
        n = len(errors) - len(blocking)
        console.warn(
            f"{n} other configuration problem{'s' if n != 1 else ''} in the show "
            "(run 'podpipe check'); episodes with problems are left out"
        )
    return show


@cli.group(short_help="The learning club: results, import, status.")
def club() -> None:
    """The learning club: record participant results, see where the club stands."""


@club.command("add")
@click.argument("cycle")
@click.option("--name", required=True, help="The participant's name, as shown on the site.")
@click.option("--url", required=True, help="Link to the result (http or https).")
@click.option("--title", default="", help="Title of the result (default: its URL).")
@click.option("--summary", default="", help="One or two sentences about what they built.")
@click.option("--learned", default="", help="What the participant learned.")
@click.option(
    "--link",
    "links",
    multiple=True,
    metavar="URL",
    help="A profile link of the participant; repeatable.",
)
@click.option(
    "--submitted",
    type=DateParam(),
    default=None,
    help="When the result was submitted (default: today). Later than the "
    "cycle's last day marks it late.",
)
@show_option
@click.pass_context
def club_add(ctx, cycle, name, url, title, summary, learned, links, submitted, show_dir):
    """Add one result to CYCLE's results file (club/CYCLE.yaml)."""
    from podpipe import club as club_lib

    show = _club_show(ctx, show_dir)
    report = run_command(
        ctx,
        club_lib.add_result,
        show,
        cycle,
        name=name,
        url=url,
        title=title,
        summary=summary,
        learned=learned,
        links=links,
        submitted=_today(submitted),
    )
    click.echo(f"added {url} to {report.file}")
    ended = show.club.cycle(cycle).end
    if _today(submitted) > ended:
        _setup(ctx).warn(f"the cycle ended on {ended}: the result is kept and marked late")


@club.command("import", short_help="Import results from a CSV form export.")
@click.argument("cycle")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Read FIELD (name, title, url, summary, learned, links, submitted) from "
    "COLUMN; repeatable. Common form column names are recognised without it.",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the valid rows and report the others (default: import nothing "
    "when a row is invalid).",
)
@show_option
@click.pass_context
def club_import(ctx, cycle, csv_file, maps, skip_invalid, show_dir):
    """Import results from a CSV form export; rows already imported are skipped."""
    from podpipe import club as club_lib

    mapping = {}
    for item in maps:
        column, sep, fld = item.rpartition("=")
        if not sep or not column.strip() or not fld.strip():
            raise click.BadParameter(f"expected COLUMN=FIELD, found {item!r}", param_hint="--map")
        mapping[column.strip()] = fld.strip()
    show = _club_show(ctx, show_dir)
    report = run_command(
        ctx, club_lib.import_csv, show, cycle, csv_file, mapping, skip_invalid=skip_invalid
    )
    console = _setup(ctx)
    for column, fld in report.guessed.items():
        console.info(f"column {column!r} read as the result's {fld} (--map to change)")
    for fld, columns in report.ambiguous.items():
        console.info(
            f"columns {' and '.join(map(repr, columns))} could each be the result's {fld}: "
            f"neither was read (--map COLUMN={fld} to choose)"
        )
    for problem in report.invalid:
        console.warn(f"skipped: {problem}")
    click.echo(
        f"{len(report.added)} added, {len(report.skipped)} already there, "
        f"{len(report.invalid)} invalid: {report.file}"
    )


@club.command("status", short_help="Current and next cycle, days left, results.")
@show_option
@today_option
@click.pass_context
def club_status(ctx, show_dir, today):
    """The current and next cycle, days left, results so far, the announcing episode."""
    from podpipe import club as club_lib

    show = _club_show(ctx, show_dir)
    report = run_command(ctx, club_lib.status, show, _today(today))
    for line in report.lines():
        click.echo(line)
    console = _setup(ctx)
    for warning in report.warnings:
        console.warn(warning)


# --------------------------------------------------------------------------- site (site.py, serve.py)


@cli.command(short_help="Preview the built site locally (with seeking audio).")
@show_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0 picks a free one).",
)
@click.option(
    "--dir",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Serve this folder instead of the show's site (default: show.yaml's "
    "output_dir, else <show>/site).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Publish again whenever a file of the show changes (show.yaml, episodes, "
    "club results, templates); reload the page to see it.",
)
@click.pass_context
def serve(
    ctx: click.Context, show_dir: Path, port: int, site_dir: Path | None, watch: bool
) -> None:
    """Preview the built site on http://127.0.0.1 (with byte ranges, so the player can seek)."""
    import threading

    from podpipe.config import load_show
    from podpipe.site import serve as serve_module

    console = _setup(ctx)
    show = None
    if site_dir is None or watch:
        # Only the site folder is needed: episode problems must not block a preview.
        show = run_command(ctx, load_show, show_dir, strict=False)
        site_dir = site_dir or show.site_dir
    stop = threading.Event()

    def rebuild() -> None:
        from podpipe import pipeline
        from podpipe.progress import TerminalProgress

        console.info("A file changed: publishing again...")
        try:
            result = pipeline.publish(show_dir, progress=TerminalProgress(console))
            for line in result.summary_lines():
                console.info(line)
        except PodpipeError as err:  # keep serving the previous site; say what is wrong
            console.error(str(err))

    def ready(url: str) -> None:
        click.echo(f"Serving {site_dir} at {url} (Ctrl+C to stop)", err=True)
        if watch:
            skip = {site_dir.name, "__pycache__"}
            threading.Thread(
                target=serve_module.watch,
                args=(show.root, rebuild),
                kwargs={"skip": skip, "stop": stop},
                daemon=True,
            ).start()
            click.echo(f"Watching {show.root} for changes", err=True)

    try:
        run_command(ctx, serve_module.serve, site_dir, port, ready=ready)
    finally:
        stop.set()


# --------------------------------------------------------------------------- workflow
# (podpipe init, episode add, status; scaffold.py)


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


@cli.command(short_help="Start a new show folder (show.yaml, episodes/, artwork).")
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

    if os.path.lexists(directory / "show.yaml"):  # refuse before asking anything
        run_command(ctx, scaffold.init_show, directory)
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
        click.echo(f"created {_shown(path)}{'/' if path.is_dir() else ''}")
    for path in new.updated:
        click.echo(f"updated {_shown(path)} (added the lines podpipe needs)")
    for path in new.kept:
        click.echo(f"kept    {_shown(path)}{'/' if path.is_dir() else ''} (already there)")
    cycle = new.cycle
    click.echo(f"\nThe first club cycle, {cycle.slug!r}, runs {cycle.start} to {cycle.end}.")
    click.echo(
        "Next: replace artwork.png with your own square artwork (1400 to 3000 px), "
        "check show.yaml,\nthen add a recording: podpipe episode add RECORDING.wav"
        + ("" if directory.resolve() == Path.cwd() else f" --show {directory}")
    )


def _shown(path: Path) -> str:
    """A path relative to the current folder when it is inside it (shorter to read)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@cli.group()
def episode() -> None:
    """Add episodes to the show."""


@episode.command("add", short_help="Add a recording as the next episode.")
@click.argument("audio_file", metavar="AUDIO", type=click.Path(dir_okay=False, path_type=Path))
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
    metavar="NAME,NAME",
    callback=_names,
    help="Left and right channel speakers of a double-ender recording.",
)
@click.option(
    "--link", is_flag=True, help="Hard-link (or symlink) the recording instead of copying it."
)
@click.pass_context
def episode_add(
    ctx: click.Context,
    audio_file: Path,
    show_dir: Path,
    title: str | None,
    guests: tuple[str, ...],
    date: dt.datetime | None,
    speakers: tuple[str, ...],
    link: bool,
) -> None:
    """Add a recording as the next episode: episodes/<NNN>-<slug>/episode.yaml.

    The recording is checked by decoding it, then copied (or linked with --link) into
    the episode folder; the original is never moved or changed.
    """
    from podpipe import scaffold

    if speakers and len(speakers) != 2:
        raise click.BadParameter(
            f"expected two names (left, right), got {len(speakers)}", param_hint="--speakers"
        )
    console = _setup(ctx)
    new = run_command(
        ctx,
        scaffold.add_episode,
        show_dir,
        audio_file,
        title=title,
        guests=guests,
        date=date,
        speakers=speakers,
        link=link,
    )
    minutes, seconds = divmod(round(new.duration_s), 60)
    click.echo(f"Added episode {new.number}, {new.title!r} ({new.date}, {minutes}:{seconds:02d})")
    click.echo(f"  {_shown(new.episode_file)}")
    origin = "" if new.audio_how == "kept in place" else f" from {audio_file}"
    click.echo(f"  {_shown(new.audio)} ({new.audio_how}{origin})")
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
        "podpipe publish" + ("" if show_dir.resolve() == Path.cwd() else f" --show {show_dir}")
    )


def _add_verbosity_options(group: click.Group) -> None:
    """-v/-q on every command and group below the top: `podpipe club -q status` too."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _add_verbosity_options(command)
        command.params += [
            click.Option(
                ["-v", "--verbose"],
                count=True,
                expose_value=False,
                callback=_verbosity_after_command,
                help="Say more (repeat for debug output).",
            ),
            click.Option(
                ["-q", "--quiet"],
                is_flag=True,
                expose_value=False,
                callback=_verbosity_after_command,
                help="Only print warnings and errors.",
            ),
        ]


_add_verbosity_options(cli)


def main() -> None:
    cli(prog_name="podpipe")


if __name__ == "__main__":
    main()
