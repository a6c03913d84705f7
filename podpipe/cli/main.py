"""The root command group: -v/-q wherever they are given, and ``main`` (the entry point).

Each command lives in the module of its group and imports the library it calls inside
its function, so that ``podpipe --help`` and ``--version`` load no library module.
"""

from __future__ import annotations

import logging

import click

from podpipe import __version__
from podpipe.cli.audio import audio
from podpipe.cli.club import club
from podpipe.cli.console import Console, console_of
from podpipe.cli.deploy import deploy
from podpipe.cli.importer import import_
from podpipe.cli.models import models
from podpipe.cli.publish import check, publish, status
from podpipe.cli.scaffold import episode, init
from podpipe.cli.serve import serve
from podpipe.cli.transcribe import transcribe, transcript


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
    set_verbosity(ctx.obj, -1 if quiet else verbose)


def set_verbosity(console: Console, verbosity: int) -> None:
    console.verbosity = verbosity
    level = logging.DEBUG if verbosity > 1 else logging.INFO if verbosity == 1 else logging.WARNING
    logging.getLogger("podpipe").setLevel(level)


def _verbosity_after_command(ctx: click.Context, param: click.Parameter, value) -> None:
    """-v and -q given after the command name (`podpipe publish -q`) work as before it."""
    console = console_of(ctx)
    if param.name == "quiet" and value:
        set_verbosity(console, -1)
    elif param.name == "verbose" and value:
        set_verbosity(console, max(console.verbosity, 0) + value)


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


# The order commands were defined in before the split (click lists them sorted anyway).
for command in (
    check,
    publish,
    status,
    audio,
    transcribe,
    transcript,
    club,
    serve,
    deploy,
    init,
    episode,
    import_,
    models,
):
    cli.add_command(command)

_add_verbosity_options(cli)


def main() -> None:
    cli(prog_name="podpipe")


if __name__ == "__main__":
    main()
