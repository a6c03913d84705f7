"""podpipe import: bring an existing show from another host through its RSS feed.

feed.py reads the feed (lxml, no DTD or entities), plan.py decides each item (GUID,
number, date, folder), html_notes.py turns HTML show notes into Markdown, files.py
writes show.yaml and the episode folders, download.py fetches audio resumably, and
run.py tells the story of an import.
"""

from podpipe.importer.download import DownloadError, download, part_path
from podpipe.importer.feed import Channel, Item, parse_feed
from podpipe.importer.html_notes import html_to_markdown, html_to_text
from podpipe.importer.run import ImportedEpisode, ImportResult, import_feed

__all__ = [
    "Channel",
    "DownloadError",
    "ImportResult",
    "ImportedEpisode",
    "Item",
    "download",
    "html_to_markdown",
    "html_to_text",
    "import_feed",
    "parse_feed",
    "part_path",
]
