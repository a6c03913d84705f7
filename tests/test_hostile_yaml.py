"""Hostile YAML and hostile text: alias bombs, deep nesting, huge files, characters XML
cannot carry, escape sequences, endless links (issue 20). Host files are refused with
the file, line, key and limit; a participant's result is cleaned with a warning."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from podpipe import club
from podpipe.cli import cli
from podpipe.config import load_show, plain_values
from podpipe.errors import ConfigError
from podpipe.feed import guids
from tests.club_helpers import sample_show_copy
from tests.hostile_helpers import assert_clean_failure, billion_laughs, deep_list, run_cli

EPISODE = Path("episodes/001-why-a-learning-club/episode.yaml")
RESULTS = Path("club/pandas-groupby.yaml")
ENTRY = "  - name: Mallory\n    url: https://mallory.example.org/r\n"


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory) -> Path:
    return sample_show_copy(tmp_path_factory.mktemp("hostile") / "show")


@pytest.fixture
def show_dir(template_dir, tmp_path) -> Path:
    copy = tmp_path / "show"
    shutil.copytree(template_dir, copy)
    return copy


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _errors(show_dir: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_show(show_dir)
    return [str(p) for p in info.value.problems if p.severity == "error"]


# --------------------------------------------------------------------------- YAML limits


def test_an_alias_bomb_in_a_results_files_links_is_refused_quickly(show_dir):
    file = show_dir / RESULTS
    file.write_text(
        billion_laughs(None) + "results:\n  - name: M\n    url: https://m.example.org/\n"
        "    links: *l8\n",
        encoding="utf-8",
    )
    result = run_cli("check", cwd=show_dir, timeout=60)
    assert_clean_failure(result, 2, f"{file}:13: refused: its aliases (*name) expand")
    assert "the limit" in result.stdout


def test_an_alias_bomb_in_show_yaml_categories_is_refused(show_dir):
    text = (show_dir / "show.yaml").read_text(encoding="utf-8")
    text = text.replace("categories:\n  - Education > Courses\n  - Technology\n", "")
    (show_dir / "show.yaml").write_text(billion_laughs("categories") + text, encoding="utf-8")
    errors = _errors(show_dir)
    assert len(errors) == 1
    assert errors[0].startswith(f"{show_dir / 'show.yaml'}:10: refused: its aliases (*name)")
    # the total depends on the rest of the sample's show.yaml: the bomb's 9 levels of 9
    assert re.search(
        r"to 9261772\d\d; at most 10 times the values written \(the limit\): write the "
        r"values out instead of repeating aliases$",
        errors[0],
    )


def test_an_alias_bomb_in_episode_yaml_speakers_is_refused(show_dir):
    _append(show_dir / EPISODE, billion_laughs("speakers"))
    result = run_cli("check", cwd=show_dir, timeout=60)
    assert_clean_failure(result, 2, f"{show_dir / EPISODE}:", "refused: its aliases")


def test_an_alias_bomb_in_guids_yaml_is_refused(show_dir):
    registry = show_dir / "guids.yaml"
    _append(registry, billion_laughs("x-bomb"))
    with pytest.raises(ConfigError, match="refused: its aliases"):
        guids.recorded(registry)


def test_a_list_nested_5000_deep_in_a_results_file_names_the_line_and_limit(show_dir):
    file = show_dir / RESULTS
    file.write_text(
        f"results:\n  - name: M\n    url: https://m.example.org/\n    links: {deep_list()}\n",
        encoding="utf-8",
    )
    result = run_cli("check", cwd=show_dir, timeout=60)
    assert_clean_failure(
        result, 2, f"{file}:4: refused: nested more than 50 levels deep (the limit)"
    )


def test_a_results_file_over_the_size_limit_is_refused_before_it_is_parsed(show_dir):
    file = show_dir / RESULTS
    with file.open("a", encoding="utf-8") as f:
        f.write(("# " + "x" * 1022 + "\n") * (17 * 1024))
    _, problems = club.check_results(load_show(show_dir))
    assert [str(p) for p in problems] == [
        f"{file}: refused: {file.stat().st_size:,} bytes, more than the 16 MiB a YAML file may have "
        "(the limit)"
    ]


def test_quick_looks_at_yaml_refuse_bombs_too():
    from podpipe.config.yamlio import INVALID

    assert plain_values(billion_laughs("x")) is INVALID
    assert plain_values(deep_list()) is INVALID
    assert plain_values("a: &a {b: 1}\nc: *a\n") == {"a": {"b": 1}, "c": {"b": 1}}


def test_a_few_aliases_are_still_fine(show_dir):
    _append(show_dir / EPISODE, "x-guest: &ben Ben Okafor\n")
    errors = _errors(show_dir)
    assert errors and all("unknown key" in e for e in errors)  # the anchor is read


# --------------------------------------------------------------------------- host text


def test_a_control_character_in_an_episode_summary_is_a_config_error_with_line(show_dir):
    file = show_dir / EPISODE
    text = file.read_text(encoding="utf-8")
    line = next(n for n, s in enumerate(text.splitlines(), 1) if s.startswith("summary:"))
    file.write_text(
        "\n".join(
            'summary: "A summary\\x01 with U+0001"' if n == line else s
            for n, s in enumerate(text.splitlines(), 1)
        )
        + "\n",
        encoding="utf-8",
    )
    assert _errors(show_dir) == [
        f"{file}:{line}: summary: contains U+0001 (a control character) at character 10, a "
        "character feeds and web pages cannot carry: remove it"
    ]


@pytest.mark.parametrize(
    "value, named",
    [
        ('"Learning \\uFFFE Loud"', "U+FFFE (a noncharacter)"),
        ('"Learning \\uD800 Loud"', "U+D800 (a lone surrogate)"),
        ('"\\e[31mLearning\\e[0m"', "U+001B (an escape, as in terminal colour codes)"),
    ],
)
def test_unsafe_characters_in_show_yaml_are_refused_and_never_echoed_raw(show_dir, value, named):
    file = show_dir / "show.yaml"
    file.write_text(
        file.read_text(encoding="utf-8").replace("title: Learning Out Loud", f"title: {value}", 1),
        encoding="utf-8",
    )
    result = run_cli("check", cwd=show_dir)
    assert_clean_failure(result, 2, f"{file}:2: title: contains {named}")
    assert "\x1b" not in result.stdout + result.stderr


def test_a_bare_host_name_with_a_control_character_is_refused(show_dir):
    file = show_dir / "show.yaml"
    text = file.read_text(encoding="utf-8")
    old = "hosts:\n  - name: Ada Lindqvist\n    role: host\n    link: https://example.org/ada\n"
    file.write_text(text.replace(old, 'hosts:\n  - "Ada\\x07 Lindqvist"\n'), encoding="utf-8")
    line = text.splitlines().index("hosts:") + 2
    assert _errors(show_dir) == [
        f"{file}:{line}: hosts: contains U+0007 (a control character) at character 4, a "
        "character feeds and web pages cannot carry: remove it"
    ]


# --------------------------------------------------------------------------- participants


def _next_line(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) + 1


def _results(show_dir: Path):
    show = load_show(show_dir)
    results, problems = club.check_results(show)
    return results["pandas-groupby"], [str(p) for p in problems]


def test_a_participants_unsafe_characters_are_dropped_with_a_warning_naming_the_entry(
    show_dir,
):
    file = show_dir / RESULTS
    n = _next_line(file)
    _append(
        file,
        '  - name: "Mal\\uFFFElory"\n'
        '    title: "Half a \\uD800 pair and \\uFFFF"\n'
        "    url: https://mallory.example.org/r\n"
        '    summary: "Bell\\x01 and \\e[2Jclear screen"\n',
    )
    results, problems = _results(show_dir)
    assert [r.name for r in results][-1] == "Mallory"
    mallory = results[-1]
    assert mallory.title == "Half a  pair and " and mallory.summary == "Bell and clear screen"
    assert problems == [
        f"{file}:{n}: results[3].name: U+FFFE (a noncharacter) at character 4 removed: a "
        "character XML and the terminal cannot carry",
        f"{file}:{n + 1}: results[3].title: U+D800 (a lone surrogate) at character 8 and 1 more "
        "such character removed: a character XML and the terminal cannot carry",
        f"{file}:{n + 3}: results[3].summary: U+0001 (a control character) at character 5 and 1 "
        "more such character removed: a character XML and the terminal cannot carry",
    ]
    club.load_results(load_show(show_dir))  # warnings only: nothing blocks a publish


def test_a_participants_bad_links_are_left_out_and_the_result_kept(show_dir):
    file = show_dir / RESULTS
    n = _next_line(file) + 3
    _append(
        file,
        ENTRY + '    links:\n      - "https://x.example.org/\\e[31m"\n'
        f"      - https://long.example.org/{'a' * 120_000}\n"
        '      - "https://del.example.org/\\x7f"\n'
        "      - https://fine.example.org/\n",
    )
    results, problems = _results(show_dir)
    assert results[-1].links == ("https://fine.example.org/",)
    assert problems == [
        f"{file}:{n}: results[3].links: left out: a URL may not hold control characters",
        f"{file}:{n + 1}: results[3].links: left out: too long: a URL of 120,025 characters, "
        "at most 2,048",
        f"{file}:{n + 2}: results[3].links: left out: a URL may not hold control characters",
    ]


def test_a_result_whose_own_url_has_a_control_character_is_left_out(show_dir):
    file = show_dir / RESULTS
    n = _next_line(file) + 1
    _append(file, '  - name: Mallory\n    url: "https://m.example.org/\\x01"\n')
    results, problems = _results(show_dir)
    assert len(results) == 3
    assert problems == [
        f"{file}:{n}: results[3].url: result left out: a URL may not hold control characters"
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--link", "https://x.example.org/\x1b[31m"], "links: a URL may not hold control"),
        (["--link", "https://x.example.org/\x7f"], "links: a URL may not hold control"),
        (["--link", "https://x.example.org/" + "a" * 120_000], "at most 2,048"),
        (["--title", "A \ufffe title"], "title: contains U+FFFE (a noncharacter)"),
        (["--summary", "Bell\x07"], "summary: contains U+0007"),
    ],
)
def test_club_add_refuses_what_loading_would_clean(show_dir, args, message):
    file = show_dir / RESULTS
    before = file.read_bytes()
    result = CliRunner().invoke(
        cli,
        ["club", "add", "pandas-groupby", "--show", str(show_dir), "--name", "Mallory",
         "--url", "https://mallory.example.org/r", *args],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert message in result.output and "\x1b" not in result.output
    assert file.read_bytes() == before
