"""The command line: parse options, call one library function, turn errors into exit codes.

Heavy modules are imported inside each command so that ``podpipe --help`` and a
no-op publish start fast. Flags default to None so that an option the host did not
pass never overrides show.yaml.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
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
    "--show", "show_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default=True, help="The show folder (holds show.yaml and episodes/).")
today_option = click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="Pretend today is this date (YYYY-MM-DD), for previews and tests of club cycle states.")


def _today(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="podpipe")
@click.option("-v", "--verbose", count=True, help="Say more (repeat for debug output).")
@click.option("-q", "--quiet", is_flag=True, help="Only print warnings and errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """podpipe: publish a podcast with a learning club from raw interview recordings.

    Run the commands in a show folder (show.yaml and episodes/), or pass --show DIR.
    Exit codes: 0 success, 1 processing failure, 2 configuration error.
    """
    verbosity = -1 if quiet else verbose
    ctx.obj = Console(verbosity)
    level = logging.WARNING if verbosity < 0 else (logging.DEBUG if verbosity > 1 else
                                                   logging.INFO if verbosity == 1 else
                                                   logging.WARNING)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


# --------------------------------------------------------------------------- check, publish


@cli.command()
@show_option
@click.pass_context
def check(ctx: click.Context, show_dir: Path) -> None:
    """Validate show.yaml, every episode.yaml and the built feed; print every problem.

    Exits 2 when the configuration has errors, 1 when the built site has errors.
    """
    from podpipe import pipeline

    console = _setup(ctx)
    report = run_command(ctx, pipeline.check, show_dir)
    for line in report.lines():
        console.info(line)
    sys.exit(report.exit_code)


@cli.command()
@show_option
@click.option("--only", "only", metavar="EPISODE", multiple=True,
              help="Process only this episode (number or folder name); repeatable. "
                   "The feed and site still list every episode already processed.")
@click.option("--force", is_flag=True, help="Redo every stage, ignoring cached results.")
@click.option("--dry-run", is_flag=True, help="Validate and show what would be done; change nothing.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Episodes processed at once (default: 1; transcription already uses every core).")
@today_option
@click.pass_context
def publish(ctx: click.Context, show_dir: Path, only: tuple[str, ...], force: bool,
            dry_run: bool, jobs: int | None, today: dt.datetime | None) -> None:
    """Process every episode (audio, transcript, notes) and build the feed and site/."""
    from podpipe import pipeline
    from podpipe.progress import TerminalProgress

    console = _setup(ctx)
    progress = TerminalProgress(console)
    result = run_command(ctx, pipeline.publish, show_dir, only=only, force=force,
                         dry_run=dry_run, jobs=jobs or 1, today=_today(today), progress=progress)
    progress.close()
    for line in result.summary_lines():
        click.echo(line)
    sys.exit(result.exit_code)


# --------------------------------------------------------------------------- audio (audio.py)


@cli.command()
@click.argument("input_file", metavar="INPUT", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The MP3 to write.")
@click.option("--target", type=float, default=None, help="Integrated loudness target in LUFS (default -16).")
@click.option("--true-peak", type=float, default=None, help="True-peak ceiling in dBTP (default -1.0).")
@click.option("--mono/--stereo", "mono", default=None, help="Output channels (default mono).")
@click.option("--bitrate", type=click.IntRange(32, 320), default=None,
              help="MP3 bitrate in kbps (default 96 mono, 128 stereo).")
@click.option("--no-leveler", is_flag=True, help="Do not level quiet and loud speakers.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the JSON report (default: OUTPUT with .json).")
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
        channels=2 if mono is False else 1, bitrate_kbps=bitrate, leveler=not no_leveler)
    progress = TerminalProgress(console)
    report = run_command(ctx, audio_stage.master, input_file, output, settings,
                         progress=progress.callback(f"audio {input_file.name}"))
    progress.close()
    import json

    report_file = report_file or output.with_suffix(".json")
    report_file.parent.mkdir(parents=True, exist_ok=True)
    partial = report_file.with_name(f".{report_file.name}.{os.getpid()}.part")
    partial.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    os.replace(partial, report_file)
    for warning in report.warnings:
        console.warn(warning)
    click.echo(f"{output}: {report.output_lufs:.1f} LUFS, true peak "
               f"{report.output_true_peak_dbtp:.1f} dBTP, LRA {report.output_lra:.1f} LU, "
               f"gain {report.gain_db:+.1f} dB, {report.duration_s:.1f} s (report: {report_file})")


# --------------------------------------------------------------------------- transcribe (transcribe.py)


@cli.command()
@click.argument("audio_file", metavar="AUDIO", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder for <stem>.vtt, .srt, .json and .txt.")
@click.option("--engine", type=click.Choice(["faster-whisper", "openai-whisper"]), default=None,
              help="Whisper implementation (default faster-whisper).")
@click.option("--model", default=None, metavar="NAME|PATH",
              help="Model name (default tiny.en, bundled) or a local model folder/file.")
@click.option("--language", default=None, metavar="CODE", help="Spoken language (default en).")
@click.option("--speakers", default=None, metavar="NAME,NAME",
              help="Names of the left and right channel speakers of a double-ender.")
@click.option("--beam-size", type=click.IntRange(1, 20), default=None, help="Beam size.")
@click.option("--no-vad", is_flag=True, help="Turn off voice activity detection.")
@click.option("--threads", type=click.IntRange(1, 256), default=None, help="CPU threads.")
@click.option("--word-timestamps", is_flag=True, help="Compute word-level timestamps.")
@click.pass_context
def transcribe(ctx, audio_file, out_dir, engine, model, language, speakers, beam_size, no_vad,
               threads, word_timestamps):
    """Transcribe a recording locally into VTT, SRT, Podcasting 2.0 JSON and text."""
    from podpipe import transcribe as transcribe_stage
    from podpipe.config import TranscriptionSettings
    from podpipe.progress import TerminalProgress

    console = _setup(ctx)
    settings = TranscriptionSettings(
        engine=engine or "faster-whisper", model=model or "tiny.en",
        language=language or "en", beam_size=beam_size, vad=not no_vad, threads=threads,
        word_timestamps=word_timestamps)
    names = tuple(n.strip() for n in speakers.split(",")) if speakers else ()
    progress = TerminalProgress(console)
    report = run_command(ctx, transcribe_stage.transcribe, audio_file, out_dir, settings,
                         speakers=names, stem=audio_file.stem,
                         progress=progress.callback(f"transcribe {audio_file.name}"))
    progress.close()
    files = ", ".join(str(out_dir / name) for name in report.files.values())
    click.echo(f"{report.word_count} words in {report.segment_count} segments: {files}")
    for warning in report.warnings:
        console.warn(warning)


# --------------------------------------------------------------------------- club (club.py)
# (the club commands are added by the club module's work)


# --------------------------------------------------------------------------- site (site.py, serve.py)
# (podpipe serve is added by the site module's work)


# --------------------------------------------------------------------------- workflow
# (podpipe init, episode add, status)


def main() -> None:
    cli(prog_name="podpipe")


if __name__ == "__main__":
    main()
