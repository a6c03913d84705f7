"""podpipe deploy: the published site sent to a folder, rsync, a git branch or S3."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from podpipe.cli.console import console_of, fail, show_option
from podpipe.cli.progress import TerminalProgress
from podpipe.errors import PodpipeError


@click.command(short_help="Send the published site to where listeners get it.")
@show_option
@click.option(
    "--to",
    "to",
    metavar="TARGET",
    default=None,
    help="Where to (default: show.yaml's deploy.to): a folder, rsync://HOST/MODULE/PATH or "
    "[USER@]HOST:PATH, git:REMOTE[#BRANCH] (default branch gh-pages), or s3://BUCKET/PREFIX/.",
)
@click.option(
    "--dry-run", is_flag=True, help="List what would be sent and removed; change nothing."
)
@click.pass_context
def deploy(ctx: click.Context, show_dir: Path, to: str | None, dry_run: bool) -> None:
    """Send the site `podpipe publish` built to the deploy target: only the files that
    changed since the last deploy there, the MP3s first and feed.xml last, then remove
    the files the site no longer has.

    Runs only on a site that publish finished and that `podpipe check` finds no errors
    in. Exits 2 for a configuration error or a wrong --to, 1 when the target cannot be
    reached or refuses the site.
    """
    from podpipe.pipeline.deploy import run_deploy

    console = console_of(ctx)
    progress = TerminalProgress(console)
    try:
        result = run_deploy(show_dir, to=to, dry_run=dry_run, progress=progress)
    except PodpipeError as err:
        progress.close()
        fail(console, err)
    except KeyboardInterrupt:
        progress.close()
        console.error(
            "interrupted; the files sent so far are recorded: run podpipe deploy again to finish"
        )
        sys.exit(130)
    progress.close()
    for line in result.lines(verbose=console.verbosity > 0):
        if line.startswith("warning: "):
            console.warn(line.removeprefix("warning: "))
        elif console.verbosity >= 0 or dry_run:
            click.echo(line)
