"""The command line: parse options, call one library function, turn errors into exit codes.

One module per command group (publish, audio, transcribe, club, serve, scaffold);
console holds what they share, main the root group and the entry point.
"""

from podpipe.cli.main import cli, main

__all__ = ["cli", "main"]
