"""Issue 17: the builder's memo (pipeline/memo.py). An unchanged episode takes its stage
keys from the memo instead of computing its stage identities; every input of those
identities that changes makes the memo's keys the ones the identities give.

These tests run with PODPIPE_CHECK_MEMO off (the rest of the suite runs with it on,
which checks every memo hit against the identities): here the memo alone must be right.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
import shutil
from pathlib import Path

import pytest

from podpipe.pipeline import publish
from podpipe.pipeline.memo import CHECK_ENV, MEMO_FILE, REPORTS_FILE
from podpipe.pipeline.stages import AudioStage
from tests.scale_helpers import edit_title, episode_folder, generated_show
from tests.show_helpers import tree_bytes

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A four-episode generated show (transcription off), published once."""
    root = tmp_path_factory.mktemp("memo") / "show"
    show = generated_show(root, 4, distinct=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CHECK_ENV, "0")
        assert not publish(show, today=TODAY).failed
    return show


@pytest.fixture
def show(published, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(CHECK_ENV, "0")
    copy = tmp_path / "show"
    shutil.copytree(published, copy, symlinks=True)
    return copy


def published_keys(show: Path) -> dict:
    return json.loads((show / ".podpipe" / "published.json").read_text())


def identity_keys(show: Path) -> dict:
    """Every episode's stage keys as the identities give them now (no memo)."""
    memo = show / ".podpipe" / MEMO_FILE
    aside = memo.with_name("memo.aside")
    memo.rename(aside)
    try:
        result = publish(show, dry_run=True, today=TODAY)
    finally:
        aside.rename(memo)
    return {o.episode.slug: o.keys for o in result.outcomes}


def republish(show: Path) -> dict:
    result = publish(show, today=TODAY)
    assert not result.failed, [o.error for o in result.failed]
    return published_keys(show)


def identity_calls(monkeypatch) -> list[str]:
    """The slugs whose audio identity is computed from now on, in order."""
    seen: list[str] = []
    real = AudioStage.identity
    monkeypatch.setattr(
        AudioStage, "identity", lambda self, job: seen.append(job.episode.slug) or real(self, job)
    )
    return seen


def test_only_the_edited_episode_computes_its_identities(show, monkeypatch):
    before = published_keys(show)
    edit_title(show, 2, "Episode 2, retitled")
    seen = identity_calls(monkeypatch)
    after = republish(show)
    assert seen == [episode_folder(2)]
    assert after == identity_keys(show)
    changed = {slug for slug in after if after[slug] != before[slug]}
    assert changed == {episode_folder(2)}  # its notes and tags; the others as they were
    assert after[episode_folder(2)]["audio"] == before[episode_folder(2)]["audio"]


def _audio_setting(show: Path) -> None:
    text = (show / "show.yaml").read_text()
    (show / "show.yaml").write_text(text.replace("target_lufs: -16", "target_lufs: -18"))


def _artwork(show: Path) -> None:
    from PIL import Image

    Image.new("RGB", (1400, 1400), (20, 90, 160)).save(show / "artwork.png")


def _template(show: Path) -> None:
    templates = show / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "notes.md.j2").write_text("{{ episode.title }}: notes of our own.\n")


def _people(show: Path) -> None:
    people = show / "club" / "people.yaml"
    people.write_text(people.read_text() + "\n# edited\n")


def _recording(show: Path) -> None:
    folder = show / "episodes" / episode_folder(3)
    shutil.copyfile(
        show / "episodes" / episode_folder(1) / "interview.mp3", folder / "interview.mp3"
    )


def _hand_edited_transcript(show: Path) -> None:
    folder = show / "episodes" / episode_folder(4)
    (folder / "transcript.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nWords the host typed.\n"
    )


@pytest.mark.parametrize(
    "change, stages",
    [
        (_audio_setting, {"audio"}),
        (_artwork, {"tags"}),
        (_template, {"notes"}),
        (_people, {"notes"}),
        (_recording, {"audio"}),
        (_hand_edited_transcript, {"transcript"}),
    ],
    ids=lambda v: getattr(v, "__name__", "")[1:] or None,
)
def test_a_changed_input_gives_the_keys_the_identities_give(show, change, stages):
    before = published_keys(show)
    change(show)
    after = republish(show)
    assert after == identity_keys(show)
    moved = {s for slug in after for s, k in after[slug].items() if before[slug].get(s) != k}
    assert stages <= moved


def test_a_second_edit_after_a_change_uses_the_new_entries(show, monkeypatch):
    _audio_setting(show)
    republish(show)
    edit_title(show, 1, "Episode 1, retitled")
    seen = identity_calls(monkeypatch)
    after = republish(show)
    assert seen == [episode_folder(1)]
    assert after == identity_keys(show)


@pytest.mark.parametrize("content", ["{not json", '{"format": 1, "episodes": []}', ""])
def test_a_damaged_memo_is_rebuilt_not_trusted(show, content):
    (show / ".podpipe" / MEMO_FILE).write_text(content)
    edit_title(show, 2, "Episode 2, again")
    assert republish(show) == identity_keys(show)
    data = json.loads((show / ".podpipe" / MEMO_FILE).read_text())
    assert sorted(data["episodes"]) == [episode_folder(n) for n in range(1, 5)]


def test_a_stage_output_removed_by_hand_is_made_again(show):
    keys = published_keys(show)[episode_folder(2)]
    shutil.rmtree(show / ".podpipe" / "stages" / "notes" / keys["notes"])
    edit_title(show, 3, "Episode 3, retitled")  # a change, so the publish runs
    result = publish(show, today=TODAY)
    assert not result.failed
    done = {o.episode.slug: o.done for o in result.outcomes}
    assert done[episode_folder(2)]["notes"] == "done"
    assert (show / ".podpipe" / "stages" / "notes" / keys["notes"]).is_dir()


def test_the_check_mode_catches_a_memo_that_disagrees(show, monkeypatch):
    """PODPIPE_CHECK_MEMO (on for the rest of the suite) fails on a wrong entry."""
    memo = show / ".podpipe" / MEMO_FILE
    data = json.loads(memo.read_text())
    slug = episode_folder(2)
    wrong = published_keys(show)[episode_folder(1)]["notes"]  # an output that exists
    data["episodes"][slug]["keys"]["notes"] = wrong
    memo.write_text(json.dumps(data))
    edit_title(show, 3, "Episode 3, retitled")
    monkeypatch.setenv(CHECK_ENV, "1")
    with pytest.raises(AssertionError, match="build memo"):
        publish(show, today=TODAY)


def reads(monkeypatch) -> list[str]:
    """The stage-output folders whose report files the builder reads from now on."""
    from podpipe.pipeline import builder

    seen: list[str] = []
    for name in ("read_audio", "read_notes"):
        real = getattr(builder, name)
        monkeypatch.setattr(
            builder, name, lambda folder, real=real: seen.append(folder.name) or real(folder)
        )
    return seen


def test_unchanged_episodes_reports_come_from_the_report_store(show, monkeypatch):
    edit_title(show, 2, "Episode 2, retitled")
    seen = reads(monkeypatch)
    republish(show)
    edited = published_keys(show)[episode_folder(2)]
    assert set(seen) <= {edited["notes"]}  # read by the notes stage, or from its folder
    # Without the store, every episode's reports are read from their files.
    (show / ".podpipe" / REPORTS_FILE).unlink()
    edit_title(show, 2, "Episode 2, retitled again")
    seen.clear()
    republish(show)
    keys = published_keys(show)
    assert {keys[episode_folder(n)]["notes"] for n in (1, 3, 4)} <= set(seen)


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps(("old", {"x": 1}))])
def test_a_damaged_report_store_is_read_again_from_the_files(show, content):
    edit_title(show, 2, "Episode 2, retitled")
    (show / ".podpipe" / REPORTS_FILE).unlink()
    republish(show)
    expected = tree_bytes(show / "site")
    edit_title(show, 2, "Episode 2, retitled")  # the same title again: a new mtime
    (show / ".podpipe" / REPORTS_FILE).write_bytes(content)
    republish(show)
    assert tree_bytes(show / "site") == expected


def test_the_check_mode_catches_a_stored_report_that_disagrees(show, monkeypatch):
    store = show / ".podpipe" / REPORTS_FILE
    stamp, reports = pickle.loads(store.read_bytes())
    key = next(k for k in reports if k.startswith("audio/"))
    reports[key] = dataclasses.replace(reports[key], output_lufs=-30.0)
    store.write_bytes(pickle.dumps((stamp, reports)))
    edit_title(show, 3, "Episode 3, retitled")
    monkeypatch.setenv(CHECK_ENV, "1")
    with pytest.raises(AssertionError, match="report store"):
        publish(show, today=TODAY)


def test_inputs_left_out_of_the_records_repr_still_count(show):
    """An episode's corrections and the show's are not in the records' repr (the
    transcript stage names them itself); the memo takes them all the same."""
    folder = show / "episodes" / episode_folder(4)
    _hand_edited_transcript(show)
    republish(show)
    edits = [
        (folder / "episode.yaml", lambda t: t + 'corrections:\n  - "typed -> written"\n'),
        (
            show / "show.yaml",
            lambda t: t.replace(
                "  language: en\n", '  language: en\n  corrections: ["host -> hosts"]\n', 1
            ),
        ),
    ]
    for path, change in edits:
        before = published_keys(show)[episode_folder(4)]["transcript"]
        text = path.read_text()
        assert change(text) != text, path
        path.write_text(change(text))
        after = republish(show)
        assert after == identity_keys(show)
        assert after[episode_folder(4)]["transcript"] != before, path
