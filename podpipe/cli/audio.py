"""podpipe audio: master one recording into a podcast MP3 (podpipe.audio.master)."""

from __future__ import annotations

import math
from pathlib import Path

import click

from podpipe import defaults
from podpipe.cli.console import console_of, given, run_command
from podpipe.cli.progress import TerminalProgress


def _finite(ctx, param, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of decibels")
    return value


def _mp3_path(ctx, param, value: Path) -> Path:
    if value.suffix.lower() != ".mp3":
        raise click.BadParameter(f"{value} does not end in .mp3 (podpipe writes MP3)")
    return value


# The defaults named in the help texts are AudioSettings' defaults: an option left out
# is left out of the settings too.


def _as_shown(bounds: tuple[float, float]) -> tuple[float, float]:
    """Whole bounds as ints: click's help prints them as given ([-40<=x<=-5])."""
    return tuple(int(b) if float(b).is_integer() else b for b in bounds)


@click.command(short_help="Level and normalize one recording into a podcast MP3.")
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
    type=click.FloatRange(*_as_shown(defaults.TARGET_LUFS_RANGE)),
    default=None,
    callback=_finite,
    help="Integrated loudness target in LUFS, {:g} to {:g} (default {:g}).".format(
        *defaults.TARGET_LUFS_RANGE, defaults.TARGET_LUFS
    ),
)
@click.option(
    "--true-peak",
    type=click.FloatRange(*_as_shown(defaults.TRUE_PEAK_RANGE)),
    default=None,
    callback=_finite,
    help="True-peak ceiling in dBTP, {:g} to {:g} (default {:.1f}).".format(
        *defaults.TRUE_PEAK_RANGE, defaults.TRUE_PEAK_DBTP
    ),
)
@click.option(
    "--mono/--stereo",
    "mono",
    default=None,
    help=f"Output channels (default {defaults.CHANNELS[0]}).",
)
@click.option(
    "--bitrate",
    type=click.IntRange(*defaults.BITRATE_RANGE),
    default=None,
    help=f"MP3 bitrate in kbps (default {defaults.BITRATE_MONO_KBPS} mono, "
    f"{defaults.BITRATE_STEREO_KBPS} stereo).",
)
@click.option("--no-leveler", is_flag=True, help="Do not level quiet and loud speakers.")
@click.option(
    "--no-highpass", is_flag=True, help="Keep the rumble below 75 Hz (no speech high-pass)."
)
@click.option(
    "--no-dehum", is_flag=True, help="Leave mains hum in (no 50/60 Hz notches when found)."
)
@click.option(
    "--denoise",
    type=click.Choice(defaults.DENOISE),
    default=defaults.DENOISE[0],
    help="Noise reduction (default auto: only when the noise is audible).",
)
@click.option(
    "--trim-pauses",
    is_flag=True,
    help=f"Shorten pauses of {defaults.TRIM_PAUSES_MIN_S:g} s and more to "
    f"{defaults.TRIM_PAUSES_TARGET_S:g} s.",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the JSON report (default: OUTPUT with .json).",
)
@click.pass_context
def audio(
    ctx,
    input_file,
    output,
    target,
    true_peak,
    mono,
    bitrate,
    no_leveler,
    no_highpass,
    no_dehum,
    denoise,
    trim_pauses,
    report_file,
):
    """Level, loudness-normalize, true-peak-limit and encode one recording to MP3."""
    from podpipe import audio as audio_stage
    from podpipe.config import AudioSettings

    console = console_of(ctx)
    settings = AudioSettings(
        **given(
            target_lufs=target,
            true_peak_dbtp=true_peak,
            channels=None if mono is None else 1 if mono else 2,
            bitrate_kbps=bitrate,
        ),
        leveler=not no_leveler,
        highpass=not no_highpass,
        dehum="off" if no_dehum else "auto",
        denoise=denoise,
        trim_pauses=(defaults.TRIM_PAUSES_MIN_S, defaults.TRIM_PAUSES_TARGET_S)
        if trim_pauses
        else None,
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
    report_file = report_file or output.with_suffix(".json")
    report.save(report_file)
    for warning in report.warnings:
        console.warn(warning)
    click.echo(
        f"{output}: {report.output_lufs:.1f} LUFS, true peak "
        f"{report.output_true_peak_dbtp:.1f} dBTP, LRA {report.output_lra:.1f} LU, "
        f"gain {report.gain_db:+.1f} dB, {report.duration_s:.1f} s (report: {report_file})"
    )
    from podpipe.pipeline.report import restoration_note

    note = restoration_note(report)
    if note:
        click.echo(note)
