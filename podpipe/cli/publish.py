"""podpipe check, publish and status: the show as a whole."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from podpipe.cli.console import (
    console_of,
    given,
    run_command,
    show_option,
    today_option,
    today_or_now,
    warnings_of,
)
from podpipe.cli.progress import TerminalProgress
from podpipe.errors import ConfigError
from podpipe.text import terminal_safe


@click.command(short_help="Validate the show and lint the built feed and site.")
@show_option
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 2 when a participant's entry (a results file, people.yaml) has a warning: "
    "publish leaves it out or cleans it; a pull-request check should fail on it.",
)
@click.pass_context
def check(ctx: click.Context, show_dir: Path, strict: bool) -> None:
    """Validate show.yaml, every episode.yaml and the built feed; print every problem.

    Exits 2 when the configuration has errors, 1 when the built site has errors.
    """
    from podpipe import club, pipeline

    # The report is this command's output: stdout, so `podpipe check > report.txt` works.
    try:
        report = pipeline.check(show_dir)
    except ConfigError as err:
        click.echo(terminal_safe(str(err)))
        for p in warnings_of(err):
            click.echo(terminal_safe(f"warning: {p}"))
        sys.exit(err.exit_code)
    for line in report.lines():
        click.echo(terminal_safe(line))
    flagged = [p for p in report.problems if strict and club.from_participants(report.show, p)]
    if flagged:
        click.echo(
            f"error: {len(flagged)} warning(s) in the participants' files (--strict): fix "
            "the entries above before merging"
        )
        sys.exit(2)
    sys.exit(report.exit_code)


@click.command(short_help="Process every episode and build the feed and site/.")
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
    help="Episodes processed at once (default: 1; transcription already uses every core). "
    "N > 1 runs the audio and transcription jobs in N processes.",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    default=None,
    help="Send the audio and transcription jobs to this Dask scheduler, e.g. "
    "tcp://10.0.0.5:8786 (default: $PODPIPE_CLUSTER, else show.yaml's cluster:). "
    "Needs podpipe[cluster]; see docs/cluster.md.",
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
    cluster: str | None,
    today: dt.date | None,
) -> None:
    """Process every episode (audio, transcript, notes) and build the feed and site/."""
    from podpipe import uptodate

    console = console_of(ctx)
    options = {"only": only, "force": force, "dry_run": dry_run, "cluster": cluster}
    site = uptodate.nothing_to_do(show_dir, today, **options)
    if site is not None:  # as the last publish left it: no need to load the show
        if console.verbosity >= 0:
            click.echo(terminal_safe(uptodate.NOTHING_CHANGED.format(site=site)))
        sys.exit(0)

    from podpipe import pipeline

    progress = TerminalProgress(console)
    result = run_command(
        ctx,
        pipeline.publish,
        show_dir,
        only=only,
        force=force,
        dry_run=dry_run,
        today=today,  # None: the library's today
        progress=progress,
        **given(jobs=jobs, cluster=cluster),
    )
    progress.close()
    if console.verbosity < 0:  # -q: only new warnings and errors, on stderr
        for line in result.problem_lines():
            click.echo(terminal_safe(line), err=True)
    else:
        for line in result.summary_lines():
            click.echo(terminal_safe(line))
    sys.exit(result.exit_code)


@click.command(short_help="What is up to date, stale or blocking, without doing work.")
@show_option
@today_option
@click.option(
    "--all",
    "all_rows",
    is_flag=True,
    help="Every episode in the table (default for a large show: the episodes that are "
    "not up to date and the newest ones).",
)
@click.pass_context
def status(ctx: click.Context, show_dir: Path, today: dt.date | None, all_rows: bool) -> None:
    """Show each episode's state (up to date or stale), the club cycles and any problems.

    Does no work. Exits non-zero when something would block publishing.
    """
    from podpipe import pipeline

    report = run_command(ctx, pipeline.status, show_dir, today_or_now(today), all_rows=all_rows)
    for line in report.lines():
        click.echo(terminal_safe(line))
    sys.exit(report.exit_code)
