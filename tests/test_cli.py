"""The command line as a surface: help for every command and option, exit codes."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from podpipe import __version__
from podpipe.cli import cli


def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


COMMANDS = list(all_commands(cli))


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_contract_commands_exist():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"publish", "check", "audio", "transcribe"} <= names


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_and_option_has_help(path, command):
    assert command.help and command.help.strip(), f"{' '.join(path)} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{' '.join(path)} {param.opts} has no help"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.opts[0] in result.output


def test_publish_flags_are_the_documented_contract():
    publish = cli.commands["publish"]
    opts = {o for p in publish.params for o in getattr(p, "opts", [])}
    assert {"--show", "--only", "--force", "--dry-run", "--jobs"} <= opts


def test_readme_documents_every_command_and_option():
    from tests.show_helpers import REPO

    readme = (REPO / "README.md").read_text()
    for path, command in COMMANDS:
        if isinstance(command, click.Group):
            continue
        assert f"podpipe {' '.join(path)}" in readme, f"README lacks podpipe {' '.join(path)}"
        for param in command.params:
            if isinstance(param, click.Option):
                assert any(opt in readme for opt in param.opts), (path, param.opts)


@pytest.mark.parametrize(
    "args,message",
    [
        (["--target", "nan"], "nan is not a number of decibels"),
        (["--target", "5"], "is not in the range"),
        (["--true-peak", "3"], "is not in the range"),
    ],
)
def test_audio_rejects_impossible_levels(tmp_path, args, message):
    result = CliRunner().invoke(cli, ["audio", "in.wav", "-o", str(tmp_path / "o.mp3"), *args])
    assert result.exit_code == 2 and message in result.output


def test_audio_writes_only_mp3(tmp_path):
    result = CliRunner().invoke(cli, ["audio", "in.wav", "-o", str(tmp_path / "out.wav")])
    assert result.exit_code == 2 and "does not end in .mp3" in result.output
    assert not (tmp_path / "out.wav").exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_and_verbose_work_before_or_after_the_command(tmp_path, where):
    """`podpipe -q publish` and `podpipe publish -q` are the same; likewise -v."""
    from podpipe import scaffold

    show = tmp_path / "show"
    scaffold.init_show(show, title="Quiet")

    def run(flag):
        args = ["publish", "--show", str(show), "--force"]
        flags = [flag] if flag else []
        result = CliRunner().invoke(cli, [*flags, *args] if where == "before" else [*args, *flags])
        assert result.exit_code == 0, result.output
        return result.output

    assert "building the feed and site" in run("")  # said by default...
    assert run("-q") == ""  # ...and not with -q, before or after the command


def test_quiet_after_a_group_name_works_too(tmp_path):
    from podpipe import scaffold

    show = tmp_path / "show"
    scaffold.init_show(show, title="Quiet")
    result = CliRunner().invoke(cli, ["club", "-q", "status", "--show", str(show)])
    assert result.exit_code == 0, result.output
