"""Multitrack episodes: one recording per speaker, aligned (align.py), read on one
timeline (reader.py), leveled and crossgated (gate.py), mixed (mix.py) and mastered by
the single-file stage's passes (stage.py)."""

from __future__ import annotations

from podpipe.audio.tracks.align import Alignment, TrackEnvelope, align, envelope
from podpipe.audio.tracks.gate import TRANSCRIBE_DEPTH_DB, gate_gains, sample_gains
from podpipe.audio.tracks.mix import MixedTracks
from podpipe.audio.tracks.reader import Mapping, TrackReader
from podpipe.audio.tracks.stage import MULTITRACK_VERSION, master_tracks, prepare

__all__ = [
    "MULTITRACK_VERSION",
    "TRANSCRIBE_DEPTH_DB",
    "Alignment",
    "Mapping",
    "MixedTracks",
    "TrackEnvelope",
    "TrackReader",
    "align",
    "envelope",
    "gate_gains",
    "master_tracks",
    "prepare",
    "sample_gains",
]
