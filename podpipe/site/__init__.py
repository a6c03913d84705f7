"""The static site: pages (home, episodes, transcripts, search page, club pages), the
transcripts as cues, the search index; and `podpipe serve`'s preview server (site.serve,
imported by itself: a publish does not load the HTTP server)."""

from podpipe.site.club_pages import write_club_pages
from podpipe.site.pages import build_site, club_links, copy_static, site_environment
from podpipe.site.search import note_paragraphs, search_entries
from podpipe.site.transcripts import Cue, group_words, load_cues, parse_segments

__all__ = [
    "Cue",
    "build_site",
    "club_links",
    "copy_static",
    "group_words",
    "load_cues",
    "note_paragraphs",
    "parse_segments",
    "search_entries",
    "site_environment",
    "write_club_pages",
]
