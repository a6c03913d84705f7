"""What every command shares: the console, errors -> exit codes, common options.

Flags default to None so that an option the host did not pass never overrides
show.yaml.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path

import click

from podpipe.errors import ConfigError, PodpipeError, write_failure
from podpipe.text import terminal_safe


class Console:
    """Where user-facing output goes: plain when not a terminal, colour unless NO_COLOR."""

    def __init__(self, verbosity: int = 0):
        self.verbosity = verbosity
        self.tty = sys.stderr.isatty()
        self.color = self.tty and "NO_COLOR" not in os.environ

    def style(self, text: str, **kw) -> str:
        return click.style(text, **kw) if self.color else text

    # Messages quote what hosts and participants wrote: an escape sequence in it is
    # shown (\x1b), never obeyed by the terminal.
    def info(self, text: str) -> None:
        if self.verbosity >= 0:
            click.echo(terminal_safe(text), err=True)

    def warn(self, text: str) -> None:
        click.echo(self.style("warning: ", fg="yellow") + terminal_safe(text), err=True)

    def error(self, text: str) -> None:
        click.echo(self.style("error: ", fg="red", bold=True) + terminal_safe(text), err=True)


def console_of(ctx: click.Context) -> Console:
    """The console the root group made (a default one when a command runs alone)."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Console) else Console()


def warnings_of(err: ConfigError) -> list:
    """The warnings a ConfigError carries besides its errors (its message has the errors)."""
    return [p for p in err.problems if p.severity == "warning"]


def fail(console: Console, err: PodpipeError) -> None:
    """Say what went wrong and exit with the error's code."""
    console.error(str(err))
    if isinstance(err, ConfigError):
        for p in warnings_of(err):
            console.warn(str(p))
    sys.exit(err.exit_code)


def run_command(ctx: click.Context, fn, *args, **kwargs):
    """Call a library function; user errors become a message and an exit code."""
    console = console_of(ctx)
    try:
        return fn(*args, **kwargs)
    except PodpipeError as err:
        fail(console, err)
    except OSError as err:  # a full disk or read-only folder the library did not foresee
        fail(console, write_failure(None, err))
    except KeyboardInterrupt:
        console.error("interrupted; the previous site is untouched")
        sys.exit(130)


def given(**options):
    """The options the host passed (not None): the library's defaults fill in the rest."""
    return {name: value for name, value in options.items() if value is not None}


show_option = click.option(
    "--show",
    "show_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The show folder (holds show.yaml and episodes/).",
)


class DateParam(click.ParamType):
    """A calendar date written YYYY-MM-DD; says which part is wrong when it is not one."""

    name = "date"

    def get_metavar(self, param, *args, **kwargs) -> str:  # click 8.2 adds ctx
        return "YYYY-MM-DD"

    def convert(self, value, param, ctx) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.fail(f"expected a date written YYYY-MM-DD, such as 2026-03-01; found {text!r}")
        try:
            return dt.date.fromisoformat(text)
        except ValueError as e:
            self.fail(f"{text} is not a date on the calendar ({e})")


today_option = click.option(
    "--today",
    type=DateParam(),
    default=None,
    help="Pretend today is this date (YYYY-MM-DD), for previews and tests of club cycle states.",
)


def today_or_now(value: dt.date | None) -> dt.date:
    return value or dt.date.today()


def shown(path: Path) -> str:
    """A path relative to the current folder when it is inside it (shorter to read)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def show_hint(show_dir: Path) -> str:
    """' --show DIR' for a 'Next:' hint, empty when DIR is the current folder."""
    return "" if show_dir.resolve() == Path.cwd() else f" --show {show_dir}"
