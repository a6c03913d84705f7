"""podpipe init: a new show folder that loads cleanly, and never over an existing show."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from PIL import Image

from podpipe import scaffold
from podpipe.cli import cli
from podpipe.config import load_show, load_show_with_warnings
from tests.workflow_helpers import WORKTREE, run_podpipe, snapshot


def test_init_yes_makes_a_show_that_loads(tmp_path):
    result = CliRunner().invoke(cli, ["init", "--yes", str(tmp_path / "learning-out-loud")])
    assert result.exit_code == 0, result.output
    root = tmp_path / "learning-out-loud"
    show, problems = load_show_with_warnings(root)
    assert problems == []
    assert show.title == "Learning Out Loud"
    assert show.author == scaffold.DEFAULT_AUTHOR
    assert show.owner_email == scaffold.DEFAULT_EMAIL
    assert show.base_url == "https://example.com/learning-out-loud/"
    assert show.categories == ("Education",)
    assert show.episodes == ()
    assert (root / "episodes").is_dir() and not any((root / "episodes").iterdir())
    assert "created" in result.output and "podpipe episode add" in result.output


def test_init_flags_are_written(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "init",
            str(tmp_path),
            "--title",
            'Q&A: "Data" #1',
            "--author",
            "Zoë O'Neil",
            "--email",
            "zoe@example.org",
            "--base-url",
            "https://pod.example.org/qa",
        ],
    )
    assert result.exit_code == 0, result.output
    show = load_show(tmp_path)
    assert show.title == 'Q&A: "Data" #1'
    assert show.author == show.owner_name == "Zoë O'Neil"
    assert show.hosts[0].name == "Zoë O'Neil" and show.hosts[0].role == "host"
    assert show.owner_email == "zoe@example.org"
    assert show.base_url == "https://pod.example.org/qa/"


@pytest.mark.parametrize(
    "flag, value, message",
    [
        ("--email", "not-an-address", "expected an email address"),
        ("--base-url", "example.org/show", "expected an absolute http(s) URL"),
    ],
)
def test_init_rejects_bad_flags_and_creates_nothing(tmp_path, flag, value, message):
    result = CliRunner().invoke(cli, ["init", "--yes", str(tmp_path / "show"), flag, value])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "show").exists()


def test_artwork_is_a_1400_rgb_png(tmp_path):
    scaffold.init_show(tmp_path, title="A Show")
    with Image.open(tmp_path / "artwork.png") as image:
        assert image.format == "PNG"
        assert image.size == (1400, 1400)
        assert image.mode == "RGB"
    assert (tmp_path / "artwork.png").stat().st_size < 512 * 1024  # hosts advise <= 512 KB


def test_gitignore_ignores_site_and_cache(tmp_path):
    scaffold.init_show(tmp_path)
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert "site/" in lines and ".podpipe/" in lines


def test_existing_gitignore_and_artwork_are_kept(tmp_path):
    (tmp_path / ".gitignore").write_text("*.wav\nsite/")  # no final newline
    Image.new("RGB", (3000, 3000), (1, 2, 3)).save(tmp_path / "artwork.png")
    art = (tmp_path / "artwork.png").read_bytes()
    new = scaffold.init_show(tmp_path)
    assert (tmp_path / "artwork.png").read_bytes() == art
    assert (tmp_path / ".gitignore").read_text().splitlines() == [
        "*.wav",
        "site/",
        "# podpipe",
        ".podpipe/",
    ]
    assert tmp_path / "artwork.png" in new.kept
    assert new.updated == (tmp_path / ".gitignore",)
    load_show(tmp_path)


def test_init_says_whether_it_changed_an_existing_gitignore(tmp_path):
    appended = tmp_path / "a"
    appended.mkdir()
    (appended / ".gitignore").write_text("*.wav\n")
    result = CliRunner().invoke(cli, ["init", str(appended), "--title", "A"])
    assert result.exit_code == 0, result.output
    assert f"updated {appended}/.gitignore (added the lines podpipe needs)" in result.output
    assert ".gitignore (already there)" not in result.output
    complete = tmp_path / "b"
    complete.mkdir()
    (complete / ".gitignore").write_text("site/\n.podpipe/\n")
    result = CliRunner().invoke(cli, ["init", str(complete), "--title", "B"])
    assert result.exit_code == 0, result.output
    assert f"kept    {complete}/.gitignore (already there)" in result.output
    assert "updated" not in result.output


@pytest.mark.parametrize(
    "today, monday",
    [
        (dt.date(2026, 11, 24), dt.date(2026, 11, 30)),  # a Tuesday
        (dt.date(2026, 11, 30), dt.date(2026, 12, 7)),  # a Monday: the next one
        (dt.date(2026, 12, 6), dt.date(2026, 12, 7)),  # a Sunday
    ],
)
def test_first_cycle_starts_next_monday(tmp_path, today, monday):
    scaffold.init_show(tmp_path, today=today)
    (cycle,) = load_show(tmp_path).club.cycles
    assert cycle.start == monday and cycle.start.weekday() == 0
    assert cycle.end == monday + dt.timedelta(days=13)
    assert cycle.state(today) == "upcoming"


def test_show_yaml_documents_every_key_it_sets(tmp_path):
    """Each active key has a comment, on its line or the line above (the brief's promise)."""
    scaffold.init_show(tmp_path)
    lines = (tmp_path / "show.yaml").read_text().splitlines()
    bare = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or "#" in line:
            continue
        if stripped.startswith("- ") or ":" not in stripped:
            continue  # list items and folded text
        if lines[i - 1].strip().startswith("#"):
            continue
        bare.append(line)
    # Keys whose meaning is their name, and the values inside the example cycle.
    allowed = {"title", "name", "email", "copyright", "role", "summary", "how_to_join"}
    unexplained = [b for b in bare if b.split(":")[0].strip(" -") not in allowed]
    assert unexplained == []


def test_init_over_an_existing_show_changes_nothing(tmp_path):
    scaffold.init_show(tmp_path, title="Mine")
    (tmp_path / "show.yaml").write_text((tmp_path / "show.yaml").read_text() + "# my edits\n")
    before = snapshot(tmp_path)
    for args in (
        ["init", "--yes", str(tmp_path)],
        ["init", str(tmp_path), "--title", "Other", "--author", "X"],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2
        assert "a show already exists here; podpipe init changed nothing" in result.output
        assert str(tmp_path / "show.yaml") in result.output
        assert snapshot(tmp_path) == before


def test_init_over_an_existing_show_by_subprocess(tmp_path):
    (tmp_path / "show.yaml").write_text("title: hand-written\n")
    (tmp_path / "artwork.png").write_bytes(b"not an image")
    before = snapshot(tmp_path)
    proc = run_podpipe("init", "--yes", cwd=tmp_path)
    assert proc.returncode == 2
    assert "a show already exists here" in proc.stderr
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artwork.png", "show.yaml"]


def test_init_asks_in_a_terminal(tmp_path):
    """Through a real pseudo-terminal: the four questions, one rejected answer, the result."""
    pty = pytest.importorskip("pty")  # POSIX only
    main, sub = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(WORKTREE), NO_COLOR="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "podpipe", "init", "show"],
        cwd=tmp_path,
        env=env,
        stdin=sub,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(sub)
    answers = "Data Talks\nAda Lindqvist\nnot-an-email\nada@example.org\n\n"
    os.write(main, answers.encode())
    out, err = proc.communicate(timeout=60)
    os.close(main)
    assert proc.returncode == 0, err.decode()
    assert b"expected an email address" in out + err  # asked again, not accepted
    show = load_show(tmp_path / "show")
    assert show.title == "Data Talks"
    assert show.author == "Ada Lindqvist"
    assert show.owner_email == "ada@example.org"
    assert show.base_url == "https://example.com/data-talks/"  # the offered default


def test_init_does_not_ask_without_a_terminal(tmp_path):
    proc = run_podpipe("init", "show", cwd=tmp_path)  # stdin is /dev/null
    assert proc.returncode == 0, proc.stderr
    assert load_show(tmp_path / "show").title == "Show"


def test_init_where_a_file_blocks_a_folder_says_so(tmp_path):
    (tmp_path / "episodes").write_text("not a folder")
    result = CliRunner().invoke(cli, ["init", "--yes", str(tmp_path)])
    assert result.exit_code == 1
    assert "could not create the show" in result.output
    assert str(tmp_path / "episodes") in result.output
    assert not (tmp_path / "show.yaml").exists()


def test_show_yaml_mentions_every_key_config_reads(tmp_path, monkeypatch):
    """Set or commented out, each key podpipe.config reads is in the template."""
    from podpipe import config

    read: dict[str, set[str]] = {}
    finish = config.Section.finish

    def recording_finish(self):
        read.setdefault(re.sub(r"\[\d+\]", "[]", self.where), set()).update(self.known)
        finish(self)

    monkeypatch.setattr(config.Section, "finish", recording_finish)
    scaffold.init_show(tmp_path)
    load_show(tmp_path)
    text = (tmp_path / "show.yaml").read_text()
    missing = [
        f"{where}.{key}" if where else key
        for where, keys in read.items()
        for key in sorted(keys)
        if not re.search(rf"^\s*(# )?\s*(- )?{re.escape(key)}:", text, re.MULTILINE)
    ]
    assert {"", "audio", "transcription", "club", "club.cycles[]", "owner"} <= set(read)
    assert missing == []


def test_check_warns_until_the_placeholder_artwork_is_replaced_and_an_episode_is_out(tmp_path):
    show = tmp_path / "show"
    scaffold.init_show(show, title="T", author="A", email="z@me.dev", base_url="https://me.dev/pod")
    assert run_podpipe("publish", cwd=show).returncode == 0
    result = run_podpipe("check", cwd=show)
    assert result.returncode == 0
    assert "artwork: artwork.png is still the placeholder `podpipe init` made" in result.stdout
    assert "the feed has no episodes yet: directories reject an empty feed" in result.stdout
    Image.new("RGB", (1400, 1400), (10, 80, 160)).save(show / "artwork.png")
    result = run_podpipe("check", cwd=show)
    assert "still the placeholder" not in result.stdout
