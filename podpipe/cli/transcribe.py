"""podpipe transcribe: one recording to VTT, SRT, JSON and text (podpipe.transcribe);
podpipe transcript export: an episode's transcript as a file the host edits."""

from __future__ import annotations

from pathlib import Path

import click

from podpipe import defaults
from podpipe.cli.console import console_of, given, run_command, show_option
from podpipe.cli.progress import TerminalProgress
from podpipe.config import TranscriptionSettings
from podpipe.text import clock


# The defaults named in the help texts are TranscriptionSettings' defaults: an option
# left out is left out of the settings too.
@click.command(short_help="Transcribe one recording locally (VTT, SRT, JSON, TXT).")
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
    type=click.Choice(defaults.ENGINES),
    default=None,
    help=f"Whisper implementation (default {defaults.ENGINES[0]}).",
)
@click.option(
    "--model",
    default=None,
    metavar="NAME|PATH",
    help=f"Model name (default {defaults.MODEL}, bundled) or a local model folder/file.",
)
@click.option("--language", default=None, metavar="CODE", help="Spoken language (default en).")
@click.option(
    "--speakers",
    default=None,
    metavar="NAME,NAME",
    help="Names of the left and right channel speakers of a double-ender.",
)
@click.option(
    "--beam-size", type=click.IntRange(*defaults.BEAM_SIZE_RANGE), default=None, help="Beam size."
)
@click.option("--no-vad", is_flag=True, help="Turn off voice activity detection.")
@click.option(
    "--threads", type=click.IntRange(*defaults.THREADS_RANGE), default=None, help="CPU threads."
)
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

    console = console_of(ctx)
    settings = TranscriptionSettings(
        # An empty --model or --language is taken as not given, as before.
        **given(engine=engine, model=model or None, language=language or None),
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


@click.group()
def transcript() -> None:
    """Edit an episode's transcript (a hand-edited transcript.vtt wins over Whisper)."""


@transcript.command("export", short_help="Write an episode's transcript as an editable VTT.")
@click.argument("which", metavar="EPISODE")
@show_option
@click.pass_context
def transcript_export(ctx: click.Context, which: str, show_dir: Path) -> None:
    """Write episodes/<folder>/transcript.vtt from EPISODE's current transcript (number
    or folder name): one cue per line of text, speakers as <v Name>.

    From then on that file is the episode's transcript: edit it, run podpipe publish,
    and every format, the search index and the MP3's lyrics follow it. An existing
    transcript.vtt is never overwritten.
    """
    from podpipe import pipeline

    path = run_command(ctx, pipeline.export_transcript, show_dir, which)
    click.echo(
        f"wrote {path}: edit it, then run podpipe publish (it is now the episode's "
        "transcript; Whisper no longer runs for this episode)"
    )


@transcript.command("review", short_help="List the places in a transcript worth checking.")
@click.argument("which", metavar="EPISODE")
@show_option
@click.pass_context
def transcript_review(ctx: click.Context, which: str, show_dir: Path) -> None:
    """List EPISODE's words and phrases Whisper was least sure of (its word
    probabilities), with their times in the published MP3, and the show's names and
    terms (people, vocabulary, show and club names) found nowhere in the transcript.

    Fix what is wrong with corrections in episode.yaml (or show.yaml's
    transcription.corrections), or with podpipe transcript export and an edit.
    """
    from podpipe import pipeline, transcribe

    r = run_command(ctx, pipeline.review_transcript, show_dir, which)
    ep = r.episode
    when = "in the published MP3" if r.published_times else "in the recording (not built yet)"
    if r.source == "hand-edited":
        click.echo(
            f"Episode {ep.number} ({ep.slug}): the transcript is hand-edited "
            f"({ep.transcript.name}); no decoder confidences to list."
        )
    elif not r.confidences:
        click.echo(
            f"Episode {ep.number} ({ep.slug}): this transcript has no word "
            "confidences (made without word timing): run podpipe publish --force "
            f"--only {ep.number} to transcribe it again with them."
        )
    else:
        pct = round(transcribe.LOW_CONFIDENCE * 100)
        click.echo(
            f"Episode {ep.number} ({ep.slug}): {len(r.doubts)} word(s) or phrase(s) "
            f"below {pct} % decoder confidence, times {when}:"
        )
        for d in r.doubts:
            click.echo(f"  {clock(d.start)}  {d.text}  ({round(d.probability * 100)} %)")
    if r.snapped:
        pairs = "; ".join(f"{w!r} -> {right!r}" for w, right in r.snapped)
        click.echo(f"Spelled as the show's names (check them): {pairs}")
    if r.speaker_doubts:
        click.echo(f"{len(r.speaker_doubts)} cue(s) whose speaker label is uncertain:")
        for turn in r.speaker_doubts:
            click.echo(f"  {clock(turn['start'])}  {turn.get('speaker') or '(no name)'}")
    if r.missing:
        click.echo("Names and terms found nowhere in the transcript: " + ", ".join(r.missing))
    else:
        click.echo("Every name and term of the show's vocabulary is in the transcript.")
    if r.doubts or r.missing:
        click.echo(
            f'Fix a word everywhere with corrections: ["wrong -> right"] in '
            f"{ep.source_file.name} (or transcription.corrections in show.yaml), or run "
            f"podpipe transcript export {ep.number} and edit the file."
        )
