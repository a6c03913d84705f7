"""episode.yaml's tracks: read and validated (file, line and key), and written by
`podpipe episode add A.wav B.wav --speakers "A,B"`; the stereo speakers: form still works."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap

import pytest
from click.testing import CliRunner

from podpipe import scaffold
from podpipe.cli import cli
from podpipe.config import load_show, load_show_with_warnings
from tests.workflow_helpers import copy_speech

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def show(tmp_path):
    root = tmp_path / "show"
    scaffold.init_show(root, title="Test Show", today=TODAY)
    return root


@pytest.fixture
def recordings(tmp_path):
    a = copy_speech(tmp_path / "rec", "host.flac")
    b = tmp_path / "rec" / "guest.flac"
    shutil.copyfile(a, b)
    with b.open("ab") as f:  # a different file (its hash), still decodable
        f.write(b"\0")
    return a, b


def write_episode(show, body: str, files=("a.flac", "b.flac"), source=None):
    folder = show / "episodes" / "001-multi"
    folder.mkdir(parents=True)
    for name in files:
        shutil.copyfile(source, folder / name)
    (folder / "episode.yaml").write_text(
        "number: 1\ntitle: Multi\ndate: 2026-11-20\nguests: [Ben Okafor]\n" + textwrap.dedent(body)
    )
    return folder / "episode.yaml"


def errors(show):
    _show, problems = load_show_with_warnings(show)
    return [p for p in problems if p.severity == "error"]


def host_of(show) -> str:
    return load_show(show).hosts[0].name


def test_tracks_read(show, recordings):
    host = host_of(show)
    write_episode(
        show,
        f"""\
        tracks:
          - file: a.flac
            speaker: {host}
          - file: b.flac
            speaker: Ben Okafor
            offset: -1.25
            gain_db: 3
        """,
        source=recordings[0],
    )
    (episode,) = load_show(show).episodes
    first, second = episode.tracks
    assert episode.audio == first.file and first.file.name == "a.flac"
    assert (first.speaker, first.offset, first.gain_db) == (host, None, 0.0)
    assert (second.speaker, second.offset, second.gain_db) == ("Ben Okafor", -1.25, 3.0)


@pytest.mark.parametrize(
    ("body", "line", "key", "words"),
    [
        ("tracks:\n  - file: a.flac\n    speaker: HOST\n", 5, "tracks", "2 to 8"),
        (
            "tracks:\n  - file: a.flac\n    speaker: HOST\n  - file: a.flac\n    speaker: Ben Okafor\n",
            8,
            "tracks[1].file",
            "already tracks[0]",
        ),
        (
            "tracks:\n  - file: a.flac\n    speaker: HOST\n  - file: b.flac\n    speaker: Nobody\n",
            9,
            "tracks[1].speaker",
            "not a host",
        ),
        (
            "tracks:\n  - file: a.flac\n    speaker: HOST\n  - file: c.flac\n    speaker: Ben Okafor\n",
            8,
            "tracks[1].file",
            "file not found",
        ),
        (
            "tracks:\n  - file: a.flac\n    speaker: HOST\n  - file: b.flac\n    speaker: HOST\n",
            9,
            "tracks[1].speaker",
            "one track per speaker",
        ),
        (
            "tracks:\n  - file: a.flac\n    speaker: HOST\n  - file: b.flac\n"
            "    speaker: Ben Okafor\n    offset: soon\n",
            10,
            "tracks[1].offset",
            "or auto",
        ),
        (
            "audio: a.flac\ntracks:\n  - file: a.flac\n    speaker: HOST\n  - file: b.flac\n"
            "    speaker: Ben Okafor\n",
            5,
            "audio",
            "not both",
        ),
    ],
)
def test_tracks_problems_name_line_and_key(show, recordings, body, line, key, words):
    file = write_episode(show, body.replace("HOST", host_of(show)), source=recordings[0])
    found = errors(show)
    assert len(found) == 1, found
    (problem,) = found
    assert (problem.file, problem.line, problem.key) == (file, line, key), problem
    assert words in problem.message


def test_episode_add_writes_tracks(show, recordings):
    a, b = recordings
    host = host_of(show)
    result = CliRunner().invoke(
        cli,
        ["episode", "add", str(a), str(b), "--speakers", f"{host},Ben Okafor"]
        + ["--show", str(show), "--title", "Two of us"],
    )
    assert result.exit_code == 0, result.output
    assert "guest.flac" in result.output and "Ben Okafor" in result.output
    (episode,) = load_show(show).episodes
    assert [t.file.name for t in episode.tracks] == ["host.flac", "guest.flac"]
    assert [t.speaker for t in episode.tracks] == [host, "Ben Okafor"]
    assert [g.name for g in episode.guests] == ["Ben Okafor"]
    assert all(t.file.is_file() for t in episode.tracks)
    assert a.is_file() and b.is_file()  # copied, not moved


def test_episode_add_several_files_needs_one_speaker_each(show, recordings):
    a, b = recordings
    result = CliRunner().invoke(cli, ["episode", "add", str(a), str(b), "--show", str(show)])
    assert result.exit_code == 2
    assert "2 tracks need 2 names" in result.output
    assert not (show / "episodes").exists() or not list((show / "episodes").iterdir())


def test_stereo_speakers_still_work(show, recordings):
    result = CliRunner().invoke(
        cli,
        ["episode", "add", str(recordings[0]), "--speakers", "Ada,Ben", "--show", str(show)],
    )
    assert result.exit_code == 0, result.output
    (episode,) = load_show(show).episodes
    assert episode.speakers == ("Ada", "Ben") and episode.tracks == ()
