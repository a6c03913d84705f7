"""podpipe serve: preview the built site locally, publishing again on changes (--watch)."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from podpipe.cli.console import console_of, run_command, show_option
from podpipe.cli.progress import TerminalProgress
from podpipe.errors import PodpipeError


@click.command(short_help="Preview the built site locally (with seeking audio).")
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
    from podpipe import pipeline
    from podpipe.config import load_show
    from podpipe.site import serve as serve_module

    console = console_of(ctx)
    show = None
    if site_dir is None or watch:
        # Only the site folder is needed: episode problems must not block a preview.
        show = run_command(ctx, load_show, show_dir, strict=False)
        site_dir = site_dir or show.site_dir
    stop = threading.Event()

    def rebuild() -> None:
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
