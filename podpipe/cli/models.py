"""podpipe models: the Whisper models podpipe knows and which are installed; fetch one
while online; import one copied from another machine."""

from __future__ import annotations

from pathlib import Path

import click

from podpipe.cli.console import run_command
from podpipe.config import whisper
from podpipe.text import table


@click.group(invoke_without_command=True, short_help="List, fetch or import Whisper models.")
@click.pass_context
def models(ctx: click.Context) -> None:
    """List the Whisper models podpipe knows (faster-whisper's names), whether each is
    installed, its size, speed class and where it is stored. Use a name as
    transcription.model in show.yaml."""
    if ctx.invoked_subcommand is not None:
        return
    from podpipe import transcribe

    rows = [("name", "installed", "size", "speed", "language", "where")]
    for m in run_command(ctx, transcribe.list_models):
        size = f"{m.size_mb / 1000:.1f} GB" if (m.size_mb or 0) >= 1000 else f"{m.size_mb} MB"
        rows.append(
            (
                m.name,
                "yes" if m.where else "no",
                size if m.where else f"~{size}",
                m.speed,
                "English" if m.english_only else "multilingual",
                str(m.where) if m.where else "-",
            )
        )
    for line in table(rows):
        click.echo(line)
    click.echo(
        f"Fetch one while online: podpipe models fetch NAME (stored in {whisper.store_dir()}); "
        "then set transcription.model: NAME in show.yaml."
    )


@models.command("fetch", short_help="Download a model (needs the network).")
@click.argument("name")
@click.pass_context
def models_fetch(ctx: click.Context, name: str) -> None:
    """Download model NAME (as `podpipe models` lists, or a Hugging Face id) from the
    Hugging Face hub into podpipe's model store, with progress."""
    from podpipe import transcribe

    path = run_command(ctx, transcribe.fetch_model, name)
    click.echo(f"{name}: installed in {path}; set transcription.model: {name} in show.yaml")


@models.command("import", short_help="Install a model folder or checkpoint from disk.")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name", default=None, help="The name to use in show.yaml (default: PATH's).")
@click.pass_context
def models_import(ctx: click.Context, path: Path, name: str | None) -> None:
    """Install PATH, a CTranslate2 Whisper model folder (model.bin, config.json,
    tokenizer.json) or an openai-whisper .pt checkpoint, into podpipe's model store."""
    from podpipe import transcribe

    name, where = run_command(ctx, transcribe.import_model, path, name)
    engine = "" if where.is_dir() else " and transcription.engine: openai-whisper"
    click.echo(f"installed {where}; set transcription.model: {name}{engine} in show.yaml")
