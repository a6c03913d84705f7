"""podpipe club add, import and status: the learning club's results (podpipe.club)."""

from __future__ import annotations

from pathlib import Path

import click

from podpipe.cli.console import (
    DateParam,
    console_of,
    fail,
    run_command,
    show_option,
    shown,
    today_option,
    today_or_now,
)
from podpipe.errors import ConfigError
from podpipe.text import terminal_safe


def _club_show(ctx: click.Context, show_dir: Path):
    """The show for a club command; exits on the problems that block one
    (club.load_for_club decides which), and summarises the others."""
    from podpipe import club as club_lib

    console = console_of(ctx)
    show, blocking, others = run_command(ctx, club_lib.load_for_club, show_dir)
    if blocking:
        fail(console, ConfigError(blocking))
    if others:
        console.warn(
            f"{others} other configuration problem{'s' if others != 1 else ''} in the show "
            "(run 'podpipe check'); episodes with problems are left out"
        )
    return show


def _file_warnings(ctx: click.Context, report) -> None:
    """What the results file's own entries have wrong: left out of the site until fixed."""
    for problem in report.warnings:
        console_of(ctx).warn(str(problem))


@click.group(short_help="The learning club: results, import, status.")
def club() -> None:
    """The learning club: record participant results, see where the club stands."""


@club.command("add")
@click.argument("cycle")
@click.option("--name", required=True, help="The participant's name, as shown on the site.")
@click.option("--url", required=True, help="Link to the result (http or https).")
@click.option("--title", default="", help="Title of the result (default: its URL).")
@click.option("--summary", default="", help="One or two sentences about what they built.")
@click.option("--learned", default="", help="What the participant learned.")
@click.option(
    "--link",
    "links",
    multiple=True,
    metavar="URL",
    help="A profile link of the participant; repeatable.",
)
@click.option(
    "--submitted",
    type=DateParam(),
    default=None,
    help="When the result was submitted (default: today). Later than the "
    "cycle's last day marks it late.",
)
@show_option
@click.pass_context
def club_add(ctx, cycle, name, url, title, summary, learned, links, submitted, show_dir):
    """Add one result to CYCLE's results file (club/CYCLE.yaml)."""
    from podpipe import club as club_lib

    show = _club_show(ctx, show_dir)
    submitted = today_or_now(submitted)
    report = run_command(
        ctx,
        club_lib.add_result,
        show,
        cycle,
        name=name,
        url=url,
        title=title,
        summary=summary,
        learned=learned,
        links=links,
        submitted=submitted,
    )
    _file_warnings(ctx, report)
    click.echo(terminal_safe(f"added {url} to {report.file}"))
    ended = show.club.cycle(cycle).end
    if submitted > ended:
        console_of(ctx).warn(f"the cycle ended on {ended}: the result is kept and marked late")


@club.command("import", short_help="Import results from a CSV form export.")
@click.argument("cycle")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Read FIELD (name, title, url, summary, learned, links, submitted) from "
    "COLUMN; repeatable. Common form column names are recognised without it.",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the valid rows and report the others (default: import nothing "
    "when a row is invalid).",
)
@show_option
@click.pass_context
def club_import(ctx, cycle, csv_file, maps, skip_invalid, show_dir):
    """Import results from a CSV form export; rows already imported are skipped."""
    from podpipe import club as club_lib

    mapping = {}
    for item in maps:
        column, sep, fld = item.rpartition("=")
        if not sep or not column.strip() or not fld.strip():
            raise click.BadParameter(f"expected COLUMN=FIELD, found {item!r}", param_hint="--map")
        mapping[column.strip()] = fld.strip()
    show = _club_show(ctx, show_dir)
    report = run_command(
        ctx, club_lib.import_csv, show, cycle, csv_file, mapping, skip_invalid=skip_invalid
    )
    console = console_of(ctx)
    for column, fld in report.guessed.items():
        console.info(f"column {column!r} read as the result's {fld} (--map to change)")
    for fld, columns in report.ambiguous.items():
        console.info(
            f"columns {' and '.join(map(repr, columns))} could each be the result's {fld}: "
            f"neither was read (--map COLUMN={fld} to choose)"
        )
    for problem in report.invalid:
        console.warn(f"skipped: {problem}")
    _file_warnings(ctx, report)
    click.echo(
        f"{len(report.added)} added, {len(report.skipped)} already there, "
        f"{len(report.invalid)} invalid: {report.file}"
    )


@club.command("status", short_help="Current and next cycle, days left, results.")
@show_option
@today_option
@click.pass_context
def club_status(ctx, show_dir, today):
    """The current and next cycle, days left, results so far, the announcing episode."""
    from podpipe import club as club_lib

    show = _club_show(ctx, show_dir)
    report = run_command(ctx, club_lib.status, show, today_or_now(today))
    for line in report.lines():
        click.echo(terminal_safe(line))
    console = console_of(ctx)
    for warning in report.warnings:
        console.warn(warning)


@club.command("import-issues", short_help="Import results from exported GitHub issues.")
@click.argument("json_file", metavar="FILE.json", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the valid issues and report the others (default: import nothing "
    "when an issue is invalid).",
)
@show_option
@click.pass_context
def club_import_issues(ctx, json_file, skip_invalid, show_dir):
    """Import results submitted with the club's GitHub issue form, from FILE.json made by
    `gh issue list --label club-result --state all --json number,title,body,url,createdAt`.
    Results already listed are skipped."""
    from podpipe import club as club_lib

    show = _club_show(ctx, show_dir)
    report = run_command(ctx, club_lib.import_issues, show, json_file, skip_invalid=skip_invalid)
    console = console_of(ctx)
    for problem in report.invalid:
        console.warn(f"skipped: {problem}")
    _file_warnings(ctx, report)
    if report.ignored:
        numbers = ", ".join(f"#{n}" for n in report.ignored)
        console.info(f"not made with the club's issue form, left alone: {numbers}")
    for file, added in report.added.items():
        click.echo(f"{len(added)} added, {len(report.skipped[file])} already there: {shown(file)}")
    if not report.added:
        click.echo("nothing to import")


@club.command("scaffold-github", short_help="Write the GitHub issue form and check workflow.")
@show_option
@click.pass_context
def club_scaffold_github(ctx, show_dir):
    """Write .github/ISSUE_TEMPLATE/club-result.yml (an issue form for submitting a
    result) and .github/workflows/club-check.yml (runs `podpipe check` on pull requests
    touching the results); files already there are kept."""
    from podpipe import scaffold

    show = _club_show(ctx, show_dir)
    files = run_command(ctx, scaffold.scaffold_github, show)
    for path in files.created:
        click.echo(f"created {shown(path)}")
    for path in files.kept:
        click.echo(f"kept    {shown(path)} (already there)")
