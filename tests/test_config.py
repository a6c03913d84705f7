"""Configuration mistakes: each one is reported with file, line and key, exit code 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from podpipe.cli import cli
from podpipe.config import load_show, load_show_with_warnings, parse_timestamp
from podpipe.errors import ConfigError
from tests.show_helpers import copy_sample_show


@pytest.fixture
def show(tmp_path: Path) -> Path:
    return copy_sample_show(tmp_path / "show")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def check(show: Path):
    return CliRunner().invoke(cli, ["check", "--show", str(show)])


EP1 = "episodes/001-why-a-learning-club/episode.yaml"
EP2 = "episodes/002-groupby-stories/episode.yaml"

# (file, text to replace, replacement, key in message, line needle (after edit), message part)
MISTAKES = [
    (
        "show.yaml",
        "language: en\n",
        "langauge: en\n",
        "langauge",
        "langauge:",
        "unknown key (did you mean 'language'?)",
    ),
    (
        "show.yaml",
        "  email: ada@example.org",
        "  email: ada-at-example",
        "owner.email",
        "email: ada-at-example",
        "expected an email address",
    ),
    (
        "show.yaml",
        "base_url: https://podcast.example.org/",
        "base_url: podcast.example.org",
        "base_url",
        "base_url:",
        "expected an absolute http(s) URL",
    ),
    (
        "show.yaml",
        "base_url: https://podcast.example.org/",
        "base_url: https://podcast.example.org/\nnew_feed_url: feeds.example.org/show",
        "new_feed_url",
        "new_feed_url:",
        "expected an absolute http(s) URL",
    ),
    (
        "show.yaml",
        "base_url: https://podcast.example.org/",
        "base_url: https://podcast.example.org/\nnew_feed_url: https://podcast.example.org/feed.xml",
        "new_feed_url",
        "new_feed_url:",
        "this is the show's own feed",
    ),
    (
        "show.yaml",
        "  - Technology",
        "  - Technolgy",
        "categories[1]",
        "- Technolgy",
        "not an Apple Podcasts category (did you mean 'Technology'?)",
    ),
    (
        "show.yaml",
        "explicit: false",
        "explicit: maybe",
        "explicit",
        "explicit: maybe",
        "expected true or false, found 'maybe'",
    ),
    (
        "show.yaml",
        "  target_lufs: -16",
        "  target_lufs: loud",
        "audio.target_lufs",
        "target_lufs: loud",
        "expected a number",
    ),
    (
        "show.yaml",
        "      start: 2026-10-19",
        "      start: 2026-10-41",
        "club.cycles[1].start",
        "start: 2026-10-41",
        "expected a date like",
    ),
    (
        "show.yaml",
        "      end: 2026-10-11",
        "      end: 2026-09-01",
        "club.cycles[0].end",
        "end: 2026-09-01",
        "ends (2026-09-01) before it starts (2026-09-28)",
    ),
    (
        "show.yaml",
        "      start: 2026-10-19",
        "      start: 2026-10-05",
        "club.cycles[1].start",
        "start: 2026-10-05",
        "overlaps cycle 'pandas-groupby'",
    ),
    (
        "show.yaml",
        "      featured_in: 3",
        "      featured_in: 9",
        "club.cycles[sql-window-functions].featured_in",
        "featured_in: 9",
        "no episode number 9",
    ),
    (
        "show.yaml",
        "    - slug: sql-window-functions",
        "    - slug: SQL Windows",
        "club.cycles[1].slug",
        "slug: SQL Windows",
        "expected lower-case letters",
    ),
    (
        EP1,
        "title: Why a learning club?",
        "titel: Why a learning club?",
        "titel",
        "titel:",
        "unknown key (did you mean 'title'?)",
    ),
    (
        EP1,
        "date: 2026-09-25",
        "date: 25/09/2026",
        "date",
        "date: 25/09/2026",
        "expected a date like 2026-11-24, found '25/09/2026'",
    ),
    (EP2, "number: 2", "number: 1", "number", "number: 1", "episode number 1 is also used by"),
    (EP1, "type: full", "type: full", "", "", ""),  # placeholder replaced below
    (
        EP1,
        '  - start: "00:30"',
        '  - start: "half past"',
        "chapters[1].start",
        'start: "half past"',
        "expected a time like 00:05:30",
    ),
    (
        EP1,
        '  - start: "00:30"',
        '  - start: "00:90"',
        "chapters[1].start",
        'start: "00:90"',
        "expected a time like 00:05:30 (minutes and seconds below 60)",
    ),
    (EP2, "season: 1", "season: first", "season", "season: first", "expected a whole number"),
    (
        EP2,  # episode 1 is a multitrack episode (tracks:)
        "number: 2\n",
        "number: 2\naudio: missing.flac\n",
        "audio",
        "audio: missing.flac",
        "file not found: missing.flac",
    ),
]
MISTAKES = [m for m in MISTAKES if m[1] != "type: full"]
MISTAKES.append(
    (
        EP1,
        "season: 1",
        "season: 1\ntype: special",
        "type",
        "type: special",
        "expected one of full, trailer, bonus, found 'special'",
    )
)
MISTAKES.append(
    (
        EP1,
        "season: 1",
        "season: 1\nannounces: pandas-grupby",
        "announces",
        "announces:",
        "no club cycle 'pandas-grupby' (did you mean 'pandas-groupby'?)",
    )
)


@pytest.mark.parametrize(
    "file,old,new,key,needle,message",
    MISTAKES,
    ids=[f"{m[0].split('/')[-1]}:{m[3]}" for m in MISTAKES],
)
def test_each_mistake_names_file_line_and_key(show, file, old, new, key, needle, message):
    path = show / file
    edit(path, old, new)
    result = check(show)
    assert result.exit_code == 2, result.output
    line = line_of(path, needle)
    expected = f"{path.resolve()}:{line}: {key}: "
    matching = [ln for ln in result.output.splitlines() if expected in ln]
    assert matching, f"no line with {expected!r} in:\n{result.output}"
    assert message in matching[0], matching[0]


def test_every_problem_is_reported_at_once(show):
    edit(show / "show.yaml", "language: en\n", "langauge: en\n")
    edit(show / "show.yaml", "explicit: false", "explicit: maybe")
    edit(show / EP1, "date: 2026-09-25", "date: tomorrow")
    with pytest.raises(ConfigError) as err:
        load_show(show)
    keys = {p.key for p in err.value.problems}
    assert {"langauge", "explicit", "date"} <= keys
    assert str(err.value).startswith("3 configuration problems:")


def test_results_files_are_checked_alongside_show_yaml_problems(show):
    """A results file's problems are listed with show.yaml's, not one round later."""
    edit(
        show / "show.yaml",
        "url: https://www.sqlite.org/windowfunctions.html",
        "url: www.sqlite.org",
    )
    results = show / "club" / "pandas-groupby.yaml"
    results.write_text(results.read_text() + "  - nmae: X\n")
    result = check(show)
    assert result.exit_code == 2
    assert "club.cycles[1].resources[0].url: expected an absolute http(s) URL" in result.output
    assert (
        "pandas-groupby.yaml:27: results[3].nmae: ignored: unknown key (did you mean 'name'?)"
        in result.output
    )


def test_a_broken_cycle_does_not_make_its_results_file_an_orphan(show):
    edit(show / "show.yaml", "start: 2026-09-28", "start: 2026-09-38")
    result = check(show)
    assert result.exit_code == 2
    assert "club.cycles[0].start: expected a date" in result.output
    assert "no club cycle" not in result.output


def test_invalid_yaml_reports_the_line(show):
    path = show / "show.yaml"
    edit(path, "author: Ada Lindqvist", "author: [Ada Lindqvist")
    result = check(show)
    assert result.exit_code == 2
    assert re.search(rf"{re.escape(str(path.resolve()))}:\d+: invalid YAML", result.output)


def test_missing_show_yaml_says_what_to_do(tmp_path):
    result = check(tmp_path)
    assert result.exit_code == 2
    assert "no show.yaml" in result.output and "podpipe init" in result.output


def test_missing_required_keys(show):
    edit(show / "show.yaml", "title: Learning Out Loud\n", "")
    edit(show / "show.yaml", "author: Ada Lindqvist\n", "")
    _, problems = load_show_with_warnings(show)
    messages = {p.key: p.message for p in problems}
    assert messages["title"].startswith("missing: expected text")
    assert messages["author"].startswith("missing: expected text")


def test_sample_show_is_valid_and_derives_values():
    from tests.show_helpers import REPO

    show = load_show(REPO)
    assert [e.number for e in show.episodes] == [1, 2, 3]
    ep3 = show.episode(3)
    assert ep3.speakers == ("Ada Lindqvist", "Dmitri Volkov")
    assert ep3.audio.name == "interview.mp3"  # found beside episode.yaml, not configured
    cycle = show.club.cycle("sql-window-functions")
    assert cycle.end.isoformat() == "2026-11-01"  # start + 14 days - 1 (end inclusive)
    assert show.feed_url == "https://podcast.example.org/feed.xml"


@pytest.mark.parametrize(
    "text,seconds",
    [("00:00", 0), ("1:02", 62), ("1:02:03", 3723), ("90", 90), (12.5, 12.5), ("1:02.5", 62.5)],
)
def test_parse_timestamp(text, seconds):
    assert parse_timestamp(text) == seconds


@pytest.mark.parametrize("text", ["half past", "-3", "1:2:3:4", "", "00:90", "1:60:00", "0:59:60"])
def test_parse_timestamp_rejects(text):
    assert parse_timestamp(text) is None


def test_readme_documents_every_key_config_reads(monkeypatch):
    """Each key podpipe.config reads (show.yaml and episode.yaml) is in README's reference."""
    import re

    from podpipe import config
    from tests.show_helpers import REPO

    read: dict[str, set[str]] = {}
    finish = config.Section.finish

    def recording_finish(self):
        if self.where != "links":  # its keys are the host's own labels
            read.setdefault(self.file.name, set()).update(self.known)
        finish(self)

    monkeypatch.setattr(config.Section, "finish", recording_finish)
    load_show(REPO)
    readme = (REPO / "README.md").read_text()
    documented = set()
    for dotted in re.findall(r"`([a-z_]+(?:\.[a-z_]+)?)`", readme):
        documented |= set(dotted.split("."))
    assert {"show.yaml", "episode.yaml"} <= set(read)
    missing = sorted(k for keys in read.values() for k in keys if k not in documented)
    assert missing == []


def test_nan_loudness_target_is_refused(show):
    edit(show / "show.yaml", "  target_lufs: -16", "  target_lufs: .nan")
    result = check(show)
    assert result.exit_code == 2
    assert "audio.target_lufs: expected a finite number, found nan" in result.output


def test_unquoted_colon_in_a_title_gets_a_hint(show):
    edit(show / EP1, "title: Why a learning club?", "title: Why a learning club: part one")
    result = check(show)
    assert result.exit_code == 2
    assert 'must be quoted, e.g. title: "Part 2: the sequel"' in result.output


def test_an_unreadable_episode_causes_no_false_cross_reference_errors(show):
    (show / EP2).write_text("number: [2\n")
    _, problems = load_show_with_warnings(show)
    assert [p.key for p in problems if p.severity == "error"] == [""]  # just the YAML error
    assert "invalid YAML" in problems[0].message


def test_a_broken_show_yaml_does_not_hide_episode_problems(show):
    edit(show / "show.yaml", "author: Ada Lindqvist", "author: [Ada Lindqvist")
    edit(show / EP1, "date: 2026-09-25", "date: tomorrow")
    with pytest.raises(ConfigError) as err:
        load_show(show)
    files = {p.file.name for p in err.value.problems}
    assert files == {"show.yaml", "episode.yaml"}


def test_transcripts_follow_the_shows_language(show):
    edit(show / "show.yaml", "language: en\n", "language: de\n")
    edit(show / "show.yaml", "  language: en\n", "")  # transcription.language left out
    edit(show / "show.yaml", "  model: tiny.en", "  model: small")
    assert load_show(show).transcription.language == "de"


@pytest.mark.parametrize("where", ["top", "transcription"])
def test_an_english_only_model_for_another_language_is_a_config_error(show, where):
    """Caught by `check`, before any audio work, not as one failure per episode."""
    if where == "top":
        edit(show / "show.yaml", "language: en\n", "language: pt-br\n")
        edit(show / "show.yaml", "  language: en\n", "")
        key, spoken = "transcription.model", "pt"
    else:
        edit(show / "show.yaml", "  language: en\n", "  language: de\n")
        key, spoken = "transcription.language", "de"
    result = check(show)
    assert result.exit_code == 2
    assert (
        f"{key}: the model tiny.en understands only English, but the show is in {spoken!r}"
        in result.output
    )


def test_artwork_problems_come_with_the_configuration_problems(show):
    from PIL import Image

    Image.new("RGBA", (1000, 800)).save(show / "artwork.png")
    edit(show / "show.yaml", "explicit: false", "explicit: maybe")
    result = check(show)
    assert result.exit_code == 2
    assert "explicit: expected true or false, found 'maybe'" in result.output
    assert "artwork is 1000x800: it must be square" in result.output
    assert "artwork has an alpha channel" in result.output


def test_inside_a_show_folder_it_points_at_the_show(show):
    result = check(show / "episodes")
    assert result.exit_code == 2
    assert f"the show is in {show.resolve()}: run podpipe there or pass --show" in result.output
    assert "podpipe init" not in result.output


def test_audio_highpass_is_read_and_checked(show):
    assert load_show(show).audio.highpass is True
    edit(show / "show.yaml", "  leveler: true\n", "  leveler: true\n  highpass: false\n")
    assert load_show(show).audio.highpass is False
    edit(show / "show.yaml", "  highpass: false\n", "  highpass: sometimes\n")
    result = check(show)
    assert result.exit_code == 2, result.output
    line = line_of(show / "show.yaml", "highpass:")
    assert f"show.yaml:{line}: audio.highpass: " in result.output, result.output


def test_audio_denoise_and_trim_pauses_are_read_and_checked(show):
    audio = load_show(show).audio
    assert audio.denoise == "auto" and audio.trim_pauses is None
    edit(show / "show.yaml", "  leveler: true\n", "  leveler: true\n  denoise: false\n")
    assert load_show(show).audio.denoise == "off"
    edit(show / "show.yaml", "  denoise: false\n", "  denoise: light\n  trim_pauses: true\n")
    audio = load_show(show).audio
    assert audio.denoise == "light" and audio.trim_pauses == (1.5, 0.7) and audio.dehum == "auto"
    edit(show / "show.yaml", "  trim_pauses: true\n", "  trim_pauses: true\n  dehum: false\n")
    assert load_show(show).audio.dehum == "off"
    edit(show / "show.yaml", "  dehum: false\n", "  dehum: of\n")
    result = check(show)
    assert result.exit_code == 2, result.output
    assert f"show.yaml:{line_of(show / 'show.yaml', 'dehum:')}: audio.dehum: " in result.output
    assert "expected one of auto, off, found 'of' (did you mean" in result.output, result.output
    edit(show / "show.yaml", "  dehum: of\n", "  dehum: off\n")
    assert load_show(show).audio.dehum == "off"
    edit(show / "show.yaml", "  trim_pauses: true\n", "  trim_pauses:\n    min: 2.5\n")
    assert load_show(show).audio.trim_pauses == (2.5, 0.7)
    edit(show / "show.yaml", "    min: 2.5\n", "    min: 1.0\n    target: 1.2\n    mni: 3\n")
    edit(show / "show.yaml", "  denoise: light\n", "  denoise: loud\n")
    result = check(show)
    assert result.exit_code == 2, result.output
    assert f"show.yaml:{line_of(show / 'show.yaml', 'denoise:')}: audio.denoise: " in result.output
    assert "expected one of auto, off, light, strong" in result.output
    assert f"show.yaml:{line_of(show / 'show.yaml', 'target:')}: audio.trim_pauses.target: " in (
        result.output
    )
    assert "audio.trim_pauses.mni: unknown key" in result.output, result.output
