"""The speakers stage: who says what in a one-recording interview, offline.

- ``embed``: the GE2E voice encoder whose weights ship in the ``resemblyzer`` wheel
  (the ``speakers`` extra), with podpipe's own mel front end;
- ``diarize``: voice windows over the speech, clustered into the episode's people;
- ``label``: cues labelled with a name each, split where the voice changes;
- ``stage``: plan() (cheap: does an episode get labels?) and label_speakers().

Importing the package loads neither torch nor NumPy.
"""

from __future__ import annotations

from podpipe.speakers.diarize import Diarization, cluster, window_centres, window_mels
from podpipe.speakers.embed import EXTRA, Availability, Encoder, availability, mel_frames
from podpipe.speakers.label import LOW_MARGIN, LabelledCue, label_cues
from podpipe.speakers.stage import (
    REPORT,
    SETUP_HINT,
    STAGE_VERSION,
    Plan,
    SpeakersReport,
    label_speakers,
    plan,
    setup_notice,
    speaker_names,
    voice_embedding,
)

__all__ = [
    "EXTRA",
    "LOW_MARGIN",
    "REPORT",
    "SETUP_HINT",
    "STAGE_VERSION",
    "Availability",
    "Diarization",
    "Encoder",
    "LabelledCue",
    "Plan",
    "SpeakersReport",
    "availability",
    "cluster",
    "label_cues",
    "label_speakers",
    "mel_frames",
    "plan",
    "setup_notice",
    "speaker_names",
    "voice_embedding",
    "window_centres",
    "window_mels",
]
