"""Paths stay in the show (issue 20): notes_file, audio, intro, artwork and template
files leading outside the show folder, at a device or at a FIFO, are refused (or, for
an explicit absolute path, warned about) before any work, and never hang."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from podpipe.config import load_show_with_warnings
from tests.club_helpers import sample_show_copy
from tests.hostile_helpers import assert_clean_failure, run_cli

EPISODE = Path("episodes/002-groupby-stories")  # a one-file episode (1 is multitrack)


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory) -> Path:
    return sample_show_copy(tmp_path_factory.mktemp("paths") / "show")


@pytest.fixture
def show_dir(template_dir, tmp_path) -> Path:
    copy = tmp_path / "show"
    shutil.copytree(template_dir, copy)
    return copy


def _set_episode(show_dir: Path, key: str, value: str, drop_notes: bool = True) -> Path:
    file = show_dir / EPISODE / "episode.yaml"
    text = file.read_text(encoding="utf-8")
    if drop_notes:
        text = text.split("notes: |", 1)[0]
    file.write_text(text + f"{key}: {value}\n", encoding="utf-8")
    return file


def _line(file: Path, key: str) -> int:
    lines = file.read_text(encoding="utf-8").splitlines()
    return next(n for n, s in enumerate(lines, 1) if s.startswith(f"{key}:"))


def _messages(show_dir: Path, severity: str = "error") -> list[str]:
    _, problems = load_show_with_warnings(show_dir)
    return [str(p) for p in problems if p.severity == severity]


def test_a_relative_notes_file_leading_out_of_the_show_is_refused(show_dir):
    file = _set_episode(show_dir, "notes_file", "../../../../../../../../etc/passwd")
    result = run_cli("check", cwd=show_dir)
    assert_clean_failure(
        result,
        2,
        f"{file}:{_line(file, 'notes_file')}: notes_file: ../../../../../../../../etc/passwd "
        "leads outside the show folder (to /etc/passwd): keep the file in the show, or "
        "write its absolute path to publish it from there",
    )
    assert "root:" not in result.stdout + result.stderr


def test_an_absolute_notes_file_outside_the_show_is_published_only_with_a_warning(show_dir):
    file = _set_episode(show_dir, "notes_file", "/etc/hostname")
    assert _messages(show_dir) == []
    assert _messages(show_dir, "warning") == [
        f"{file}:{_line(file, 'notes_file')}: notes_file: /etc/hostname is outside the show "
        "folder: it is published from there; make sure it is meant to be public"
    ]


def test_a_symlinked_notes_file_leading_out_of_the_show_is_refused(show_dir):
    (show_dir / EPISODE / "notes.md").symlink_to("/etc/passwd")
    file = _set_episode(show_dir, "notes_file", "notes.md")
    assert _messages(show_dir) == [
        f"{file}:{_line(file, 'notes_file')}: notes_file: notes.md leads outside the show "
        "folder (to /etc/passwd): keep the file in the show, or write its absolute path to "
        "publish it from there"
    ]


@pytest.mark.parametrize(
    "key, value, kind",
    [
        ("audio", "/dev/zero", "a device"),
        ("audio", "/dev/urandom", "a device"),
        ("notes_file", "/dev/zero", "a device"),
        ("artwork", "/dev/zero", "a device"),
        ("notes_file", "..", "a folder"),
    ],
)
def test_devices_and_folders_are_config_errors_naming_the_key(show_dir, key, value, kind):
    file = _set_episode(show_dir, key, value)
    result = run_cli("check", cwd=show_dir, timeout=60)
    assert_clean_failure(
        result, 2, f"{file}:{_line(file, key)}: {key}: {value} is {kind}, expected a regular file"
    )


@pytest.mark.parametrize("key", ["audio", "notes_file", "artwork"])
def test_a_fifo_is_refused_without_hanging(show_dir, key):
    fifo = show_dir / EPISODE / "pipe.mp3"
    os.mkfifo(fifo)
    file = _set_episode(show_dir, key, "pipe.mp3")
    for command in (("check",), ("publish", "--today", "2026-11-24")):
        result = run_cli(*command, cwd=show_dir, timeout=60)
        assert_clean_failure(
            result,
            2,
            f"{file}:{_line(file, key)}: {key}: pipe.mp3 is a FIFO (named pipe), expected a "
            "regular file",
        )
    assert not (show_dir / "site").exists()


def test_an_intro_at_dev_zero_is_refused_without_hanging(show_dir):
    show_yaml = show_dir / "show.yaml"
    text = show_yaml.read_text(encoding="utf-8")
    show_yaml.write_text(text.replace("  leveler: true\n", "  leveler: true\n  intro: /dev/zero\n"))
    result = run_cli("publish", "--today", "2026-11-24", cwd=show_dir, timeout=60)
    assert_clean_failure(
        result,
        2,
        f"{show_yaml}:{_line(show_yaml, '  intro')}: audio.intro: /dev/zero is a device, "
        "expected a regular file",
    )


def test_an_audio_file_found_by_suffix_that_leads_out_of_the_show_is_refused(show_dir):
    folder = show_dir / EPISODE
    outside = show_dir.parent / "elsewhere.mp3"
    (folder / "interview.mp3").rename(outside)
    (folder / "interview.mp3").symlink_to(outside)
    assert _messages(show_dir) == [
        f"{folder / 'episode.yaml'}:1: {folder / 'interview.mp3'} leads outside the show "
        "folder: copy the file in"
    ]


def test_a_static_symlink_leading_out_of_the_show_is_refused(show_dir):
    static = show_dir / "templates" / "static"
    static.mkdir(parents=True)
    (static / "extra.css").symlink_to("/etc/shadow")
    result = run_cli("publish", "--today", "2026-11-24", cwd=show_dir, timeout=60)
    assert_clean_failure(
        result,
        2,
        f"{static / 'extra.css'}: templates: a symlink leading outside the show folder (to "
        "/etc/shadow): copy the file into templates/ instead",
    )
    assert not (show_dir / "site").exists()


def test_a_fifo_among_the_templates_is_refused(show_dir):
    templates = show_dir / "templates"
    templates.mkdir()
    os.mkfifo(templates / "episode.html")
    assert _messages(show_dir) == [
        f"{templates / 'episode.html'}: templates: a FIFO (named pipe), expected a regular file"
    ]


def test_a_symlink_inside_the_show_is_fine(show_dir):
    (show_dir / "notes").mkdir()
    (show_dir / "notes" / "one.md").write_text("Notes kept elsewhere in the show.\n")
    (show_dir / EPISODE / "notes.md").symlink_to(show_dir / "notes" / "one.md")
    _set_episode(show_dir, "notes_file", "notes.md")
    assert _messages(show_dir) == []
    assert _messages(show_dir, "warning") == []


def test_episode_add_refuses_a_truncated_flac_as_publish_would(show_dir, tmp_path):
    flac = Path(__file__).parent / "data" / "jfk.flac"
    cut = tmp_path / "cut.flac"
    cut.write_bytes(flac.read_bytes()[: flac.stat().st_size // 2])
    before = sorted(p.name for p in (show_dir / "episodes").iterdir())
    result = run_cli("episode", "add", str(cut), cwd=show_dir, timeout=120)
    assert_clean_failure(result, 1, f"{cut}: the audio is truncated")
    assert sorted(p.name for p in (show_dir / "episodes").iterdir()) == before
