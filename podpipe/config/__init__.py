"""The show's configuration: show.yaml and episodes/*/episode.yaml, loaded and validated
once into typed, frozen dataclasses, and the one home of podpipe's YAML handling.

- :mod:`~podpipe.config.model`: the dataclasses (Show, Episode, Cycle, ...) and file names
- :mod:`~podpipe.config.schema`: Section (typed reading, problems) and the validators
- :mod:`~podpipe.config.yamlio`: YAML reading, round-trip editing, errors, line lookup
- :mod:`~podpipe.config.show`: load_show and the checks across files
- :mod:`~podpipe.config.episodes`: episode.yaml
- :mod:`~podpipe.config.sections`: show.yaml's people, audio, transcription and club
- :mod:`~podpipe.config.categories`: Apple Podcasts' category table
- :mod:`~podpipe.config.deploy`: show.yaml's ``deploy`` and the targets ``--to`` names

config knows no stage: it imports nothing of audio, transcribe, club, notes, feed, site,
the pipeline or the command line.
"""

from podpipe.config.categories import APPLE_CATEGORIES
from podpipe.config.deploy import DEFAULT_BRANCH, folder_conflict, parse_target
from podpipe.config.fastyaml import (
    FALLBACK,
    block_items,
    fast_load,
    load_big_document,
    load_big_text,
)
from podpipe.config.model import (
    AUDIO_SUFFIXES,
    DEPLOY_KINDS,
    EDITED_TRANSCRIPTS,
    EPISODE_FILE,
    EPISODE_TYPES,
    EPISODES_DIR,
    PEOPLE_FILE,
    RESULTS_DIR,
    SHOW_FILE,
    SHOW_TYPES,
    AudioSettings,
    Chapter,
    Club,
    Cycle,
    DeploySettings,
    DeployTarget,
    Episode,
    FeedSettings,
    Person,
    Resource,
    Show,
    Track,
    TranscriptionSettings,
)
from podpipe.config.schema import (
    EMAIL_RE,
    LANG_RE,
    SLUG_RE,
    Section,
    did_you_mean,
    is_http_url,
    kind_of,
    parse_timestamp,
)
from podpipe.config.sections import unknown_cycle
from podpipe.config.show import find_show_root, load_show, load_show_with_warnings
from podpipe.config.yamlio import (
    INVALID,
    LimitError,
    dump,
    guess_indent,
    line_of,
    line_of_key,
    load_document,
    parse,
    plain_values,
    read_back,
    read_text,
    round_trip,
    yaml_problem,
)

__all__ = [
    "FALLBACK",
    "LimitError",
    "block_items",
    "fast_load",
    "load_big_document",
    "load_big_text",
    "DEFAULT_BRANCH",
    "DEPLOY_KINDS",
    "DeploySettings",
    "DeployTarget",
    "folder_conflict",
    "parse_target",
    "INVALID",
    "EDITED_TRANSCRIPTS",
    "APPLE_CATEGORIES",
    "AUDIO_SUFFIXES",
    "EMAIL_RE",
    "EPISODES_DIR",
    "EPISODE_FILE",
    "EPISODE_TYPES",
    "LANG_RE",
    "PEOPLE_FILE",
    "RESULTS_DIR",
    "SHOW_FILE",
    "SHOW_TYPES",
    "SLUG_RE",
    "AudioSettings",
    "Chapter",
    "Club",
    "Cycle",
    "Episode",
    "Person",
    "Resource",
    "Track",
    "Section",
    "Show",
    "FeedSettings",
    "TranscriptionSettings",
    "did_you_mean",
    "dump",
    "find_show_root",
    "guess_indent",
    "is_http_url",
    "kind_of",
    "line_of",
    "line_of_key",
    "load_document",
    "load_show",
    "load_show_with_warnings",
    "parse",
    "parse_timestamp",
    "plain_values",
    "read_back",
    "read_text",
    "round_trip",
    "unknown_cycle",
    "yaml_problem",
]
