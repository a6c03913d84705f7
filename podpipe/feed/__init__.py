"""The feed: feed.xml (feedgen with the iTunes extension and our Podcasting 2.0
extension, podcast_ns) and the registry of GUIDs that never change (guids)."""

from podpipe.feed import guids, podcast_ns
from podpipe.feed.podcast_ns import PersonTag, TranscriptTag, podcast_guid
from podpipe.feed.rss import (
    CHAPTERS_VERSION,
    artwork_path,
    build_feed,
    chapters_json,
    feed_bytes,
    newest_first,
    pub_datetime,
    transcript_formats,
)

__all__ = [
    "CHAPTERS_VERSION",
    "PersonTag",
    "TranscriptTag",
    "artwork_path",
    "build_feed",
    "chapters_json",
    "feed_bytes",
    "guids",
    "newest_first",
    "podcast_guid",
    "podcast_ns",
    "pub_datetime",
    "transcript_formats",
]
