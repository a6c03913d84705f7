"""podpipe transcript review: Whisper's low-confidence phrases (the decoder's word
probabilities, kept in the stage's transcript.words.json) at their times in the published MP3, and
the show's names the transcript lacks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from podpipe import pipeline
from podpipe.transcribe import Segment, doubts, missing_terms
from tests.show_helpers import copy_sample_show, podpipe

EP2 = "002-groupby-stories"


def test_low_words_join_into_phrases_short_words_and_corrected_ones_are_left_out():
    rows = [
        [0.0, 0.2, "The", 0.01, None],  # short: not listed
        [1.5, 1.9, "Kiloma", 0.2, None],
        [2.0, 2.3, "Eze.", 0.3, None],  # within a second: one phrase
        [2.4, 2.5, "Ada", 0.9, None],
        [5.0, 5.5, "armoring", 0.29, None],
        [9.0, 9.5, "window", None, None],  # no probability: not judged
    ]
    found = doubts(rows)
    assert [(d.start, d.end, d.text, d.probability) for d in found] == [
        (1.5, 2.3, "Kiloma Eze.", 0.2),
        (5.0, 5.5, "armoring", 0.29),
    ]
    assert [d.text for d in doubts(rows, [("Kiloma Eze", "Chioma Eze")])] == ["armoring"]
    assert doubts(rows, threshold=0.1) == []


def test_missing_terms_ignore_case_hyphens_and_punctuation():
    cues = [Segment(0, 1, "Split apply combine, with Ben Okafor's"), Segment(1, 2, "PANDAS.")]
    terms = ["Split-apply-combine", "Ben Okafor", "pandas", "Chioma Eze", "Ben"]
    assert missing_terms(terms, cues) == ["Chioma Eze"]


@pytest.mark.slow
def test_review_after_publish_lists_doubts_on_the_published_timeline(tmp_path):
    show = copy_sample_show(tmp_path / "show")
    out = podpipe("publish", "--show", str(show), "--only", "2")
    assert out.returncode == 0, out.stderr
    review = pipeline.review_transcript(show, "2")
    assert review.confidences and review.published_times and review.source == "whisper"
    assert review.doubts and all(d.probability < 0.4 for d in review.doubts)
    # The times are the published MP3's: the recording's words moved by the audio stage.
    words = json.loads(
        next((show / ".podpipe/stages/transcript").glob("*/transcript.words.json")).read_text()
    )
    audio = json.loads(next((show / ".podpipe/stages/audio").glob("*/report.json")).read_text())
    timeline = audio["timeline"]  # empty: the identity (no intro)
    shift = timeline[0][2] - timeline[0][0] if timeline else 0.0
    first = review.doubts[0]
    starts = [w[0] for w in words["words"] if w[2] == first.text.split()[0]]
    assert any(abs(s + shift - first.start) < 0.01 for s in starts)

    text = podpipe("transcript", "review", "2", "--show", str(show))
    assert text.returncode == 0, text.stderr
    listed = [ln for ln in text.stdout.splitlines() if re.match(r"^  \d+:\d\d  .+  \(\d+ %\)$", ln)]
    assert len(listed) == len(review.doubts)
    assert "corrections" in text.stdout and "--model" not in text.stdout

    # A correction for a flagged word takes it off the list, and a name it writes counts.
    word = next(d.text for d in review.doubts if re.fullmatch(r"[A-Za-z]{4,}", d.text))
    episode = show / "episodes" / EP2 / "episode.yaml"
    episode.write_text(episode.read_text() + f'corrections:\n  - "{word} -> Chioma Eze"\n')
    again = pipeline.review_transcript(show, "2")
    assert word not in [d.text for d in again.doubts]
    assert "Chioma Eze" not in again.missing

    exported = podpipe("transcript", "export", "2", "--show", str(show))
    assert exported.returncode == 0, exported.stderr
    edited = podpipe("transcript", "review", "2", "--show", str(show))
    assert "hand-edited" in edited.stdout and "no decoder confidences" in edited.stdout
    assert Path(show / "episodes" / EP2 / "transcript.vtt").is_file()
