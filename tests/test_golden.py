"""Golden output: the sample show publishes to the same site, byte for byte.

The manifest (tests/golden/sample_site.json) was recorded with tools/golden_site.py before
the package-per-stage move; a refactor must leave every file of the site as it was.
"""

from __future__ import annotations

import json

import pytest

from tools.golden_site import MANIFEST, manifest, publish_sample, tool_versions

# Bytes that come from ffmpeg and Whisper (MP3s, transcripts, and every page or feed that
# quotes a duration, a size or a cue): comparable only with the recorded tool versions.
TOOL_INDEPENDENT = ("static/", "club/", "club.ics", "artwork.png", ".podpipe-site")


@pytest.mark.slow
def test_sample_show_site_is_byte_identical_to_the_recorded_one(tmp_path):
    recorded = json.loads(MANIFEST.read_text())
    site = publish_sample(MANIFEST.parents[2], tmp_path)
    files = manifest(site)
    assert sorted(files) == sorted(recorded["files"])
    compare = sorted(files)
    if tool_versions() != recorded["tools"]:
        compare = [f for f in compare if f.startswith(TOOL_INDEPENDENT)]
    changed = [f for f in compare if files[f] != recorded["files"][f]]
    assert changed == [], f"these site files differ from the recorded site: {changed}"
