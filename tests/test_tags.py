"""ID3 tags written by podpipe, read back with mutagen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mutagen.id3 import ID3, PictureType
from mutagen.mp3 import MP3
from PIL import Image

from podpipe import audio
from podpipe.config import AudioSettings, Chapter
from podpipe.errors import ProcessingError
from podpipe.records import EpisodeTags
from podpipe.tags import write_tags
from tests.audio_helpers import interview, write_audio


@pytest.fixture(scope="module")
def episode_mp3(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tags")
    src = write_audio(folder / "in.wav", interview(12, seed=20))
    out = folder / "episode.mp3"
    audio.master(src, out, AudioSettings())
    return out


@pytest.fixture
def mp3(episode_mp3, tmp_path) -> Path:
    copy = tmp_path / "episode.mp3"
    copy.write_bytes(episode_mp3.read_bytes())
    return copy


@pytest.fixture
def cover(tmp_path) -> Path:
    path = tmp_path / "cover.jpg"
    Image.new("RGB", (1400, 1400), (30, 90, 160)).save(path, quality=80)
    return path


def full_tags(cover: Path, **changes) -> EpisodeTags:
    values = dict(
        title="Groupby stories",
        artist="Ana Host",
        album="Learning Club Radio",
        track=2,
        date="2026-02-03",
        description="How we learned pandas groupby in two weeks.",
        cover=cover,
        url="https://example.org/episodes/002-groupby-stories/",
        chapters=(
            Chapter(0.0, "Welcome"),
            Chapter(4.5, "The guest", "https://example.org/g"),
            Chapter(9.0, "Next cycle"),
        ),
        duration_s=12.0,
        transcript_text="Welcome back. Today: groupby.",
    )
    values.update(changes)
    return EpisodeTags(**values)


def test_every_frame_reads_back(mp3, cover):
    audio_before = MP3(mp3).info.length
    write_tags(mp3, full_tags(cover))
    tag = ID3(mp3)
    assert tag.version == (2, 4, 0)
    assert tag["TIT2"].text == ["Groupby stories"]
    assert tag["TPE1"].text == ["Ana Host"]
    assert tag["TALB"].text == ["Learning Club Radio"]
    assert tag["TRCK"].text == ["2"]
    assert str(tag["TDRC"].text[0]) == "2026-02-03"
    assert tag["TCON"].text == ["Podcast"]
    assert tag["COMM::eng"].text == ["How we learned pandas groupby in two weeks."]
    assert tag["WXXX:"].url == "https://example.org/episodes/002-groupby-stories/"
    assert tag["USLT:transcript:eng"].text == "Welcome back. Today: groupby."
    apic = tag["APIC:Cover"]
    assert apic.mime == "image/jpeg" and apic.type == PictureType.COVER_FRONT
    assert apic.data == cover.read_bytes()
    assert MP3(mp3).info.length == pytest.approx(audio_before, abs=0.05)


def test_chapters_are_chap_and_ctoc_frames(mp3, cover):
    write_tags(mp3, full_tags(cover))
    tag = ID3(mp3)
    toc = tag["CTOC:toc"]
    assert toc.child_element_ids == ["chp0", "chp1", "chp2"]
    assert toc.sub_frames["TIT2"].text == ["Chapters"]
    chapters = [tag[f"CHAP:{cid}"] for cid in toc.child_element_ids]
    assert [(c.start_time, c.end_time) for c in chapters] == [
        (0, 4500),
        (4500, 9000),
        (9000, 12000),
    ]
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == [
        "Welcome",
        "The guest",
        "Next cycle",
    ]
    assert chapters[1].sub_frames["WXXX:chapter url"].url == "https://example.org/g"


def test_minimal_tags_and_rewrite_drops_old_frames(mp3, cover):
    write_tags(mp3, full_tags(cover))
    write_tags(mp3, EpisodeTags(title="T", artist="A", album="S", track=1, date="2026-01-01"))
    tag = ID3(mp3)
    assert sorted(tag.keys()) == ["TALB", "TCON", "TDRC", "TIT2", "TPE1", "TRCK"]


def test_last_chapter_ends_at_the_audio_length_when_no_duration_given(mp3, cover):
    write_tags(mp3, full_tags(cover, duration_s=None))
    last = ID3(mp3)["CHAP:chp2"]
    assert last.end_time == round(MP3(mp3).info.length * 1000)


def test_png_cover(mp3, tmp_path):
    png = tmp_path / "cover.png"
    Image.new("RGB", (1400, 1400), (200, 50, 50)).save(png)
    write_tags(mp3, full_tags(png, chapters=()))
    assert ID3(mp3)["APIC:Cover"].mime == "image/png"
    assert not any(k.startswith(("CHAP", "CTOC")) for k in ID3(mp3).keys())


def test_bad_cover_leaves_the_mp3_alone(mp3, tmp_path):
    before = mp3.read_bytes()
    text = tmp_path / "cover.png"
    text.write_text("not an image")
    with pytest.raises(ProcessingError, match="cover.png: the cover image is neither PNG nor JPEG"):
        write_tags(mp3, full_tags(text))
    with pytest.raises(ProcessingError, match="cannot read the cover image"):
        write_tags(mp3, full_tags(tmp_path / "missing.jpg"))
    assert mp3.read_bytes() == before
    assert sorted(os.listdir(mp3.parent)) == ["cover.png", mp3.name]  # no temp file left


def test_chapter_past_the_end_is_refused(mp3, cover):
    with pytest.raises(
        ProcessingError, match="'Next cycle' starts at 0:09, but the episode ends at 0:08"
    ):
        write_tags(mp3, full_tags(cover, duration_s=8.0))


def test_not_an_mp3(tmp_path, cover):
    fake = tmp_path / "fake.mp3"
    fake.write_bytes(b"\x00" * 1000)
    with pytest.raises(ProcessingError, match="fake.mp3: not an MP3 file"):
        write_tags(fake, full_tags(cover, duration_s=None))
