"""The transcription stage (being split into modules)."""

from podpipe.transcribe.stage import *  # noqa: F403
from podpipe.transcribe.stage import STAGE_VERSION, cache_identity, transcribe  # noqa: F401
