"""podpipe import: bring an existing show from its RSS feed (podpipe.importer)."""

from __future__ import annotations

from pathlib import Path

import click

from podpipe.cli.console import console_of, run_command, shown
from podpipe.cli.progress import TerminalProgress, megabytes


@click.command("import", short_help="Bring an existing show from its RSS feed.")
@click.argument("feed", metavar="FEED")
@click.argument(
    "directory", metavar="[DIR]", default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Import only the N newest episodes not imported yet (to try it out).",
)
@click.option(
    "--no-audio",
    is_flag=True,
    help="Record each episode's audio URL (audio_url:) instead of downloading it.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=16),
    default=2,
    show_default=True,
    metavar="N",
    help="Audio downloads at a time.",
)
@click.pass_context
def import_(
    ctx: click.Context, feed: str, directory: Path, limit, no_audio: bool, jobs: int
) -> None:
    """Import the show whose feed is FEED (a URL or a file) into DIR (default: here).

    Writes show.yaml, one episodes/<NNN>-<slug>/ folder per episode (episode.yaml,
    notes.md, artwork, the audio) and guids.yaml with every episode's GUID exactly as
    the old feed had it, so podcast apps download nothing again. Run it again on the
    same feed to add only the episodes published since (and fetch audio still missing).
    Exits 1 only when nothing usable was imported.
    """
    from podpipe.importer import import_feed

    console = console_of(ctx)
    progress = TerminalProgress(console)
    try:
        result = run_command(
            ctx,
            import_feed,
            feed,
            directory,
            limit=limit,
            audio=not no_audio,
            jobs=jobs,
            progress=progress.transfer,
        )
    finally:
        progress.close()
    summarize(console, result, no_audio=no_audio, feed=feed)


def summarize(console, result, *, no_audio: bool, feed: str) -> None:
    root = shown(result.root) or "."
    for ep in result.episodes:
        click.echo(f"imported {ep.number:>3}  {ep.date}  {shown(ep.folder)}  (audio: {ep.audio})")
        for note in ep.attention:
            console.warn(f"{ep.folder.name}: {note}")
    for label, why in result.skipped:
        console.warn(f"{label}: {why}")
    for note in result.show_attention:
        console.warn(note)
    n = len(result.episodes)
    line = f"\n{n} episode{'s' if n != 1 else ''} imported"
    if result.already:
        line += f", {result.already} already imported before"
    line += f"; audio fetched for {result.audio_fetched + result.earlier_fetched}"
    if result.audio_bytes:
        line += f" ({megabytes(result.audio_bytes)})"
    click.echo(line + ".")
    attention = sum(1 for ep in result.episodes if ep.attention) + len(result.skipped)
    if attention or result.audio_missing:
        click.echo(
            f"Needs attention: {attention} item(s) above; "
            f"{len(result.audio_missing)} episode(s) without audio yet."
        )
    if result.audio_missing:
        how = "without --no-audio" if no_audio else "again: downloads resume where they stopped"
        click.echo(f"  To fetch the missing audio: podpipe import {feed} {root}  ({how})")
    if not result.episodes:
        click.echo("Nothing new in the feed.")
        return
    click.echo(
        "Next steps:\n"
        f"  1. Set base_url in {shown(result.root / 'show.yaml')} to where the site will be "
        "served, and check the owner, categories and artwork.\n"
        f"  2. podpipe check --show {root}, then podpipe publish --show {root}.\n"
        "  3. Redirect the old feed to <base_url>feed.xml: at the old host set "
        "itunes:new-feed-url (most hosts have a 'redirect feed' setting) and a 301.\n"
        "     The GUIDs are kept in guids.yaml, so apps download nothing again."
    )
