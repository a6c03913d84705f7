"""The host's daily workflow: start a show folder, add the interview just recorded.

Both only create files: a show is never overwritten, a source recording is never
moved or modified (init holds ``podpipe init``, episode ``podpipe episode add``).
"""

from podpipe.scaffold.episode import (
    NewEpisode,
    add_episode,
    check_speakers,
    default_cycle,
    next_episode_number,
    render_episode_yaml,
    slugify,
    title_from_filename,
    used_episode_numbers,
)
from podpipe.scaffold.init import (
    ARTWORK_FILE,
    ARTWORK_SIZE,
    DEFAULT_AUTHOR,
    DEFAULT_EMAIL,
    GITIGNORE_LINES,
    SHOW_EXISTS,
    NewShow,
    check_base_url,
    check_email,
    default_base_url,
    default_title,
    example_cycle,
    init_show,
    next_monday,
    refuse_existing_show,
    render_show_yaml,
    update_gitignore,
    write_placeholder_artwork,
)
from podpipe.scaffold.templates import yaml_scalar

__all__ = [
    "ARTWORK_FILE",
    "ARTWORK_SIZE",
    "DEFAULT_AUTHOR",
    "DEFAULT_EMAIL",
    "GITIGNORE_LINES",
    "SHOW_EXISTS",
    "NewEpisode",
    "NewShow",
    "add_episode",
    "check_base_url",
    "check_email",
    "check_speakers",
    "default_base_url",
    "default_cycle",
    "default_title",
    "example_cycle",
    "init_show",
    "next_episode_number",
    "next_monday",
    "refuse_existing_show",
    "render_episode_yaml",
    "render_show_yaml",
    "slugify",
    "title_from_filename",
    "update_gitignore",
    "used_episode_numbers",
    "write_placeholder_artwork",
    "yaml_scalar",
]
