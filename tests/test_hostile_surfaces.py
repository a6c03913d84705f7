"""Hostile input on the newer surfaces (issue 20): episode.yaml's `tracks:`, the club's
people.yaml, `club import-issues`, `corrections:` and `vocabulary:`. Each is a message
naming the file, line and entry, the right exit code, no traceback and no hang; the
sources and the site are left as they were where the input is refused."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.hostile_helpers import assert_clean_failure, billion_laughs, deep_list, run_cli
from tests.show_helpers import copy_sample_show, tree_bytes

EP3 = Path("episodes/003-windows-and-plots/episode.yaml")
PEOPLE = Path("club/people.yaml")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return copy_sample_show(tmp_path_factory.mktemp("surfaces") / "show")


@pytest.fixture
def show(template, tmp_path) -> Path:
    dest = tmp_path / "show"
    shutil.copytree(template, dest, symlinks=True)
    return dest


def _sources(show: Path) -> dict:
    return {k: v for k, v in tree_bytes(show).items() if not k.startswith(".podpipe")}


def _check(show: Path, timeout: float = 60):
    return run_cli("check", cwd=show, timeout=timeout)


# --------------------------------------------------------------------------- tracks


def _tracks(show: Path, first: str, second: str = "b.mp3", speaker: str = "Dmitri Volkov"):
    """Episode 3 as a two-track episode: ``first`` for the host, ``second`` for the guest."""
    folder = show / EP3.parent
    for name in ("a.mp3", "b.mp3"):
        shutil.copy(folder / "interview.mp3", folder / name)
    (folder / "interview.mp3").unlink()
    text = (show / EP3).read_text(encoding="utf-8")
    text = text.replace("speakers: [Ada Lindqvist, Dmitri Volkov]\n", "")
    text += (
        "tracks:\n"
        f"  - file: {first}\n"
        "    speaker: Ada Lindqvist\n"
        f"  - file: {second}\n"
        f"    speaker: {speaker}\n"
    )
    (show / EP3).write_text(text, encoding="utf-8")
    return text.count("\n") - 3  # the line of the first track's file


def test_a_track_leading_out_of_the_show_is_refused(show):
    line = _tracks(show, "../" * 40 + "etc/passwd")
    result = _check(show)
    assert_clean_failure(result, 2, f"{EP3}:{line}: tracks[0].file:", "leads outside the show")


@pytest.mark.parametrize("target, kind", [("/dev/zero", "a device"), ("fifo", "a FIFO")])
def test_a_track_at_a_device_or_fifo_is_refused_without_hanging(show, target, kind):
    if target == "fifo":
        os.mkfifo(show / EP3.parent / "fifo")
    line = _tracks(show, "a.mp3", target)
    start = time.monotonic()
    result = _check(show, timeout=60)
    assert time.monotonic() - start < 60
    assert_clean_failure(result, 2, f"{EP3}:{line + 2}: tracks[1].file:", kind)


def test_the_same_track_file_twice_is_refused(show):
    line = _tracks(show, "a.mp3", "./a.mp3")
    result = _check(show)
    assert_clean_failure(
        result, 2, f"{EP3}:{line + 2}: tracks[1].file: the same file is already tracks[0]"
    )


def test_a_control_character_in_a_track_speaker_is_refused_and_not_echoed(show):
    line = _tracks(show, "a.mp3", speaker='"Dmitri\\x01 Volkov\\e[31m"')
    result = _check(show)
    assert_clean_failure(result, 2, f"{EP3}:{line + 3}: tracks[1].speaker:", "U+0001")
    assert "\x1b" not in result.stdout + result.stderr


# --------------------------------------------------------------------------- people.yaml


def _people(show: Path, text: str) -> Path:
    file = show / PEOPLE
    file.write_text(text, encoding="utf-8")
    return file


@pytest.mark.parametrize(
    "text, line, words",
    [
        (billion_laughs(None) + "people: *l8\n", 10, "its aliases (*name) expand"),
        ("people:\n  - name: Eve\n    aliases: " + deep_list(5000) + "\n", 3, "nested more than"),
        ("people:\n  - name: " + "x" * 17_000_000 + "\n", None, "the limit"),
    ],
    ids=["alias-bomb", "depth", "size"],
)
def test_a_hostile_people_file_is_refused_quickly_naming_the_limit(show, text, line, words):
    file = _people(show, text)
    start = time.monotonic()
    result = _check(show, timeout=60)
    assert time.monotonic() - start < 60
    where = f"{file}:{line}:" if line else f"{file}:"
    assert_clean_failure(result, 2, where, words)


@pytest.mark.parametrize(
    "entry, key, words",
    [
        ('name: "Eve \\uFFFE"', "people[2].name", "U+FFFE"),
        ("name: Eve\n    link: https://e.example.org/" + "a" * 3000, "people[2].link", "2,048"),
        ("name: Eve\n    link: '@eve'", "people[2].link", "expected an absolute http(s) URL"),
        ("name: Eve\n    link: javascript:alert(1)", "people[2].link", "http(s) URL"),
        ('name: Eve\n    link: "https://e.example.org/\\x01"', "people[2].link", "control"),
        ("name: [a, list]", "people[2].name", "expected text, found a list"),
    ],
    ids=["noncharacter", "huge-url", "handle", "javascript", "control", "wrong-type"],
)
def test_a_bad_people_entry_names_file_line_and_entry(show, entry, key, words):
    file = show / PEOPLE
    text = file.read_text(encoding="utf-8")
    line = text.count("\n") + 1
    file.write_text(text + f"  - {entry}\n", encoding="utf-8")
    result = _check(show)
    out = result.stdout + result.stderr
    assert "Traceback" not in out and "\x01" not in out and "\ufffe" not in out, out
    assert result.returncode == 2, out  # people.yaml holds `listed: false`: never skipped
    where = rf"{re.escape(str(file))}:({line}|{line + 1}): {re.escape(key)}: "
    assert re.search(where + ".*" + re.escape(words), out), out


# --------------------------------------------------------------------------- import-issues


def _issues(tmp_path: Path, data) -> Path:
    path = tmp_path / "issues.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _body(**values: str) -> str:
    labels = {"cycle": "Cycle", "name": "Your name", "url": "Link to your result",
              "title": "Title", "links": "Your profile links"}  # fmt: skip
    return "\n\n".join(f"### {labels[k]}\n\n{v}" for k, v in values.items())


@pytest.mark.parametrize(
    "data, code, words",
    [
        ("{not json", 2, "not a JSON issue list"),
        ('{"a": 1}', 2, "expected a JSON list of issues"),
        ("[1, 2, 3]", 2, "expected a JSON list of issues"),
        ("[" * 100_000 + "]" * 100_000, 2, "issue list"),
        ([{"number": "x" * 10, "body": 5}], 0, "nothing to import"),
        ([{"number": {"a": 1}, "body": ["list"]}], 0, "nothing to import"),
        ([{"number": 7, "body": _body(cycle="sql-window-functions", name="Eve\x01\x1b[31m",
                                      url="https://e.example.org/r")}], 2, "[0] issue #7.name"),
        ([{"number": 8, "body": _body(cycle="sql-window-functions", name="Eve",
                                      url="https://e.example.org/" + "a" * 3000)}], 2, "2,048"),
        ([{"number": 9, "body": _body(cycle="../../etc", name="Eve",
                                      url="https://e.example.org/")}], 2, "no club cycle"),
        ([{"number": 10, "body": _body(cycle="sql-window-functions", name="Eve",
                                       url="javascript:alert(1)")}], 2, "http(s) URL"),
        ([{"number": 11, "createdAt": "9" * 50, "body": _body(
            cycle="sql-window-functions", name="Eve", url="https://e.example.org/")}], 0, ""),
    ],
    ids=["syntax", "mapping", "numbers", "deep", "odd-types", "odd-types-2", "control",
         "huge-url", "cycle-path", "javascript", "huge-date"],
)  # fmt: skip
def test_hostile_issue_exports_are_named_and_change_nothing(show, tmp_path, data, code, words):
    path = _issues(tmp_path, data)
    before = _sources(show)
    result = run_cli("club", "import-issues", str(path), cwd=show, timeout=60)
    out = result.stdout + result.stderr
    assert result.returncode == code and "Traceback" not in out, out
    assert "\x1b" not in out and "\x01" not in out
    assert words in out, out
    if code or "nothing to import" in out:
        assert str(path) in out or not code
        assert _sources(show) == before


def test_a_huge_issue_export_is_refused_with_the_limit(show, tmp_path):
    path = tmp_path / "issues.json"
    path.write_text('[{"body": "' + "x" * (70 << 20) + '"}]', encoding="utf-8")
    result = run_cli("club", "import-issues", str(path), cwd=show, timeout=60)
    assert_clean_failure(result, 2, str(path), "the limit")


# --------------------------------------------------------------------------- corrections


@pytest.mark.parametrize("key", ["corrections", "vocabulary"])
def test_a_control_character_in_corrections_or_vocabulary_names_the_line(show, key):
    text = (show / EP3).read_text(encoding="utf-8")
    line = text.count("\n") + 2
    item = '"Dimitri\\x01 -> Dmitri\\e[2J"' if key == "corrections" else '"Volkov\\x01\\e[2J"'
    (show / EP3).write_text(text + f"{key}:\n  - {item}\n", encoding="utf-8")
    result = _check(show)
    assert_clean_failure(result, 2, f"{EP3}:{line}: {key}", "U+0001")
    assert "\x1b" not in result.stdout + result.stderr


@pytest.mark.parametrize("key", ["corrections", "vocabulary"])
def test_a_huge_corrections_or_vocabulary_list_is_refused_quickly(show, key):
    item = "wrong words -> right words" if key == "corrections" else "Volkov"
    text = (show / "show.yaml").read_text(encoding="utf-8")
    body = "".join(f"    - {item} {i}\n" for i in range(50_000))
    assert "transcription:\n" in text
    text = text.replace("transcription:\n", f"transcription:\n  {key}:\n{body}", 1)
    (show / "show.yaml").write_text(text, encoding="utf-8")
    start = time.monotonic()
    result = _check(show, timeout=120)
    assert time.monotonic() - start < 60
    assert_clean_failure(result, 2, f"transcription.{key}", "the limit")
