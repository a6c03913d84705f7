"""podpipe episode add: numbering, copying or linking, validation, the announced cycle."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil

import pytest
from click.testing import CliRunner

from podpipe import scaffold
from podpipe.cli import cli
from podpipe.config import load_show, load_show_with_warnings
from podpipe.errors import ProcessingError
from tests.workflow_helpers import WORKTREE, copy_speech, make_tone, run_podpipe, snapshot

TODAY = dt.date(2026, 11, 24)  # a Tuesday; the example cycle starts Monday 2026-11-30


@pytest.fixture
def show(tmp_path):
    root = tmp_path / "show"
    scaffold.init_show(root, title="Test Show", today=TODAY)
    return root


@pytest.fixture
def speech(tmp_path):
    return copy_speech(tmp_path / "recordings", "2026-11-20_interview-with-jfk.flac")


def add(show, *args):
    result = CliRunner().invoke(cli, ["episode", "add", *map(str, args), "--show", str(show)])
    return result


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_init_then_add_by_subprocess_gives_a_show_with_one_episode(tmp_path):
    """The host's first five minutes, from an empty folder, with no manual edit."""
    work = tmp_path / "podcast"
    work.mkdir()
    recording = copy_speech(tmp_path, "jfk.flac")
    source_stat = recording.stat()
    assert run_podpipe("init", "--yes", cwd=work).returncode == 0
    proc = run_podpipe("episode", "add", str(recording), "--guest", "John F. Kennedy", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "Added episode 1, 'Jfk'" in proc.stdout
    assert "podpipe publish" in proc.stdout
    show = load_show(work)
    (episode,) = show.episodes
    assert episode.number == 1
    assert episode.title == "Jfk"
    assert episode.date == dt.date.today()
    assert episode.folder == work / "episodes" / "001-jfk"
    assert [g.name for g in episode.guests] == ["John F. Kennedy"]
    assert digest(episode.audio) == digest(recording)
    assert recording.stat().st_mtime_ns == source_stat.st_mtime_ns  # source untouched
    assert recording.stat().st_ino != episode.audio.stat().st_ino  # a copy, not a link


def test_episode_yaml_loads_with_everything_given(show, speech):
    result = add(
        show,
        speech,
        "--title",
        'Q&A: "yes" #2',
        "--guest",
        "Ada, Ben",
        "--guest",
        "Chioma",
        "--date",
        "2026-11-26",
        "--speakers",
        "Ada,Ben",
    )
    assert result.exit_code == 0, result.output
    (episode,) = load_show(show).episodes
    assert episode.title == 'Q&A: "yes" #2'
    assert episode.folder.name == "001-q-a-yes-2"
    assert episode.date == dt.date(2026, 11, 26)
    assert [g.name for g in episode.guests] == ["Ada", "Ben", "Chioma"]
    assert episode.speakers == ("Ada", "Ben")
    assert episode.audio.name == speech.name


def test_title_comes_from_the_file_name(show, speech):
    assert add(show, speech).exit_code == 0
    (episode,) = load_show(show).episodes
    assert episode.title == "Interview with jfk"  # the leading recording date is dropped
    assert episode.folder.name == "001-interview-with-jfk"


def test_numbers_follow_the_highest_in_use(show, tmp_path):
    for expected in (1, 2, 3):
        tone = make_tone(tmp_path / f"take{expected}.wav", hz=300 + 100 * expected)
        result = add(show, tone, "--title", f"Part {expected}")
        assert result.exit_code == 0, result.output
        assert f"Added episode {expected}," in result.output
    numbers = sorted(e.number for e in load_show(show).episodes)
    assert numbers == [1, 2, 3]
    assert sorted(p.name for p in (show / "episodes").iterdir()) == [
        "001-part-1",
        "002-part-2",
        "003-part-3",
    ]


def test_the_same_recording_twice_is_refused(show, speech, tmp_path):
    assert add(show, speech).exit_code == 0
    renamed = tmp_path / "again.flac"
    shutil.copyfile(speech, renamed)
    before = snapshot(show)
    result = add(show, renamed, "--title", "Again")
    assert result.exit_code == 1
    assert "this recording is already episode 1" in result.output
    assert snapshot(show) == before


def test_a_recording_already_in_episodes_is_adopted_in_place(show, tmp_path):
    folder = show / "episodes" / "007-garden-chat"
    tone = make_tone(folder / "raw take.wav")
    before = tone.read_bytes(), tone.stat().st_mtime_ns
    result = add(show, tone, "--title", "Garden chat")
    assert result.exit_code == 0, result.output
    assert "kept in place" in result.output
    (episode,) = load_show(show).episodes
    assert episode.number == 7  # the folder's own number
    assert episode.folder == folder and episode.audio == tone
    assert (tone.read_bytes(), tone.stat().st_mtime_ns) == before
    assert sorted(p.name for p in folder.iterdir()) == ["episode.yaml", "raw take.wav"]


def test_adopting_a_folder_with_a_bad_name_says_how_to_fix_it(show):
    tone = make_tone(show / "episodes" / "My Interview" / "take.wav")
    result = add(show, tone)
    assert result.exit_code == 1
    assert "rename it to lower-case letters, digits and '-' (e.g. 'my-interview')" in (
        result.output
    )
    assert not (tone.parent / "episode.yaml").exists()


def test_numbering_tolerates_broken_episode_files(show, speech):
    episodes = show / "episodes"
    (episodes / "special").mkdir()
    (episodes / "special" / "episode.yaml").write_text("number: 12\ntitle: x\n")
    (episodes / "020-broken").mkdir()
    (episodes / "020-broken" / "episode.yaml").write_text("number: [unclosed\n")
    (episodes / "notes").mkdir()  # no episode.yaml at all
    (episodes / "odd").mkdir()
    (episodes / "odd" / "episode.yaml").write_bytes(b"\xff\xfe not utf-8")
    (episodes / "text").mkdir()
    (episodes / "text" / "episode.yaml").write_text("just a string\n")
    (episodes / "2026-11-20-chat").mkdir()  # a date, not episode 2026
    (episodes / "2026-11-20-chat" / "episode.yaml").write_text("number: [\n")
    assert scaffold.next_episode_number(episodes) == 21
    shutil.rmtree(episodes / "020-broken")
    assert scaffold.next_episode_number(episodes) == 13
    result = add(show, speech)
    assert result.exit_code == 0, result.output
    assert (episodes / "013-interview-with-jfk" / "episode.yaml").is_file()


def test_link_makes_a_hard_link_and_leaves_the_source(show, speech):
    before = (digest(speech), speech.stat().st_mtime_ns)
    result = add(show, speech, "--link")
    assert result.exit_code == 0, result.output
    assert "hard-linked" in result.output
    (episode,) = load_show(show).episodes
    assert os.path.samefile(episode.audio, speech)
    assert (digest(speech), speech.stat().st_mtime_ns) == before


def test_link_falls_back_to_a_symlink_across_file_systems(show, speech, monkeypatch):
    def cross_device(src, dst):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(scaffold.episode.os, "link", cross_device)
    new = scaffold.add_episode(show, speech, link=True)
    assert new.audio_how == "symlinked"
    assert new.audio.is_symlink() and new.audio.resolve() == speech.resolve()
    assert load_show(show).episodes[0].audio.name == speech.name


@pytest.mark.parametrize(
    "content, name",
    [
        (b"this is not audio at all\n" * 100, "notes.wav"),
        (b"", "empty.flac"),
        (None, "missing.wav"),
        ("png", "cover.png"),
    ],
)
def test_bad_audio_is_rejected_and_nothing_is_created(show, tmp_path, content, name):
    bad = tmp_path / name
    if content == "png":
        from PIL import Image

        Image.new("RGB", (64, 64)).save(bad)
    elif content is not None:
        bad.write_bytes(content)
    before = snapshot(show)
    result = add(show, bad)
    assert result.exit_code == 1
    assert str(bad) in result.output  # the message names the file
    assert snapshot(show) == before
    assert list((show / "episodes").iterdir()) == []


def test_a_directory_is_not_audio(show, tmp_path):
    with pytest.raises(ProcessingError, match="not a file"):
        scaffold.add_episode(show, tmp_path)


def test_a_failed_copy_leaves_no_temporary_folder(show, speech, monkeypatch):
    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scaffold.episode.shutil, "copy2", disk_full)
    with pytest.raises(ProcessingError, match="could not add the episode: No space left"):
        scaffold.add_episode(show, speech)
    assert list((show / "episodes").iterdir()) == []


def test_speakers_need_two_names(show, speech):
    result = add(show, speech, "--speakers", "Ada")
    assert result.exit_code == 2
    assert "expected two names" in result.output
    assert list((show / "episodes").iterdir()) == []


@pytest.mark.parametrize(
    "date, says",
    [
        ("2026-02-30", "2026-02-30 is not a date on the calendar (day is out of range"),
        (
            "30.11.2026",
            "expected a date written YYYY-MM-DD, such as 2026-03-01; found '30.11.2026'",
        ),
    ],
)
def test_a_wrong_date_says_what_is_wrong_with_it(show, speech, date, says):
    result = add(show, speech, "--date", date)
    assert result.exit_code == 2
    assert says in result.output and "'--date'" in result.output
    assert list((show / "episodes").iterdir()) == []


def test_a_given_date_is_written_to_the_episode(show, speech):
    result = add(show, speech, "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    (episode,) = load_show(show).episodes
    assert episode.date == dt.date(2026, 12, 1)


def test_concurrent_adds_get_different_numbers(show, tmp_path):
    """Four `episode add` processes at once (a script looping over a folder with `&`)
    each get their own number."""
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(WORKTREE), NO_COLOR="1")
    tones = [make_tone(tmp_path / "in" / f"take-{i}.wav", hz=300 + 100 * i) for i in range(4)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "podpipe", "episode", "add", str(t), "--show", str(show)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for t in tones
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    numbers = sorted(ep.number for ep in load_show(show).episodes)
    assert numbers == [1, 2, 3, 4]


def test_without_a_show_it_says_how_to_make_one(tmp_path, speech):
    result = add(tmp_path / "nowhere", speech)
    assert result.exit_code == 2
    assert "podpipe init" in result.output


def test_comment_names_the_next_cycle(show, speech):
    result = add(show, speech, "--date", "2026-11-24")
    assert "announces club cycle 'first-topic'" in result.output
    text = next((show / "episodes").glob("*/episode.yaml")).read_text()
    assert "# Club: by default this episode announces first-topic" in text
    assert "2026-11-30 to 2026-12-13" in text


def test_comment_says_when_no_cycle_is_ahead(show, speech):
    result = add(show, speech, "--date", "2027-01-01")
    assert result.exit_code == 0
    assert "no club cycle starts on or after the episode date" in result.output
    text = next((show / "episodes").glob("*/episode.yaml")).read_text()
    assert "no club cycle starts on or after 2027-01-01" in text


def test_sample_show_gets_episode_4_and_its_next_cycle(tmp_path, speech):
    root = tmp_path / "sample"
    root.mkdir()
    for name in ("show.yaml", "artwork.png", "episodes", "club"):
        source = WORKTREE / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copy2(source, root / name)
    new = scaffold.add_episode(root, speech, date=dt.date(2026, 11, 24))
    assert new.number == 4
    assert new.folder.name == "004-interview-with-jfk"
    assert new.cycle is not None and new.cycle.slug == "intro-to-scikit-learn"
    show, problems = load_show_with_warnings(root)
    assert [p for p in problems if p.file == new.episode_file] == []
    assert show.episode(4).title == "Interview with jfk"


def test_other_show_problems_warn_but_do_not_block(show, speech):
    text = (show / "show.yaml").read_text()
    (show / "show.yaml").write_text(text.replace("explicit: false", "explicit: maybe"))
    result = add(show, speech)
    assert result.exit_code == 0, result.output
    assert "the show has 1 configuration problem(s) to fix before publishing" in result.output
    assert "podpipe check" in result.output


def test_broken_show_yaml_is_reported_with_its_line(show, speech):
    (show / "show.yaml").write_text("title: [unclosed\n")
    result = add(show, speech)
    assert result.exit_code == 2
    assert "show.yaml:" in result.output and "invalid YAML" in result.output
    assert list((show / "episodes").iterdir()) == []


def test_uncommenting_the_examples_gives_a_valid_episode(show, speech):
    """The commented examples in episode.yaml are valid keys with valid values."""
    assert add(show, speech, "--guest", "Ada").exit_code == 0
    file = next((show / "episodes").glob("*/episode.yaml"))
    lines = file.read_text().splitlines()
    keys = ("notes", "  What", "chapters", "  - start", "    title", "season", "type", "explicit")
    lines = [
        line[2:] if line.startswith("# ") and line[2:].startswith(keys) else line for line in lines
    ]
    file.write_text("\n".join(lines) + "\n")
    (episode,) = load_show(show).episodes
    assert episode.notes.startswith("What we talked about")
    assert [c.title for c in episode.chapters] == ["Welcome"]
    assert episode.season == 1 and episode.episode_type == "full" and episode.explicit is False


@pytest.mark.slow
def test_init_add_publish_gives_a_valid_feed_with_one_episode(tmp_path):
    """Issue 8's acceptance: from an empty folder to a valid feed, no file edited by hand."""
    import feedparser

    from podpipe import checks

    work = tmp_path / "podcast"
    work.mkdir()
    recording = copy_speech(tmp_path, "jfk.flac")
    assert run_podpipe("init", "--yes", cwd=work).returncode == 0
    assert run_podpipe("episode", "add", str(recording), cwd=work).returncode == 0
    proc = run_podpipe("publish", cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    feed = feedparser.parse((work / "site" / "feed.xml").read_bytes())
    assert not feed.bozo
    (entry,) = feed.entries
    assert entry.title == "Jfk"
    enclosure = entry.enclosures[0]
    mp3 = work / "site" / "episodes" / "001-jfk" / "001-jfk.mp3"
    assert int(enclosure.length) == mp3.stat().st_size
    transcript = (work / "site" / "episodes" / "001-jfk" / "transcript.txt").read_text()
    assert "ask not what your country can do for you" in " ".join(transcript.lower().split())
    errors = [f for f in checks.lint_site(load_show(work), work / "site") if f.severity == "error"]
    assert errors == []
