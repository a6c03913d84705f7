"""Rules on the show's source files, checked before any work: artwork files, values a
directory would reject, episodes dated ahead, an output folder podpipe may not replace."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from podpipe import urls
from podpipe.checks.images import PLACEHOLDER_AUTHOR, ImageChecks
from podpipe.checks.models import model_problems
from podpipe.config import SHOW_FILE, Show, line_of_key
from podpipe.errors import Problem

EXAMPLE_HOST = re.compile(r"(^|\.)example\.(com|org|net|invalid)$")


def source_problems(show: Show) -> list[Problem]:
    """What `check` (and `status`) report beyond the configuration: the output folder,
    the artwork files, placeholder values, a named Whisper model not on this machine."""
    return (
        site_dir_problems(show)
        + artwork_problems(show)
        + placeholder_problems(show)
        + model_problems(show)
    )


def artwork_problems(show: Show) -> list[Problem]:
    """Apple's artwork rules, checked on the source files before any work."""
    files = [(show.root / SHOW_FILE, show.artwork)]
    files += [(ep.source_file, ep.artwork) for ep in show.episodes if ep.artwork]
    problems = []
    images = ImageChecks(show.work_dir)
    for yaml_file, image in files:
        if image is None:
            continue
        for severity, message in images.problems(image):
            line = line_of_key(yaml_file, "artwork")
            problems.append(
                Problem(yaml_file, line, "artwork", f"{image.name}: {message}", severity)
            )
    images.save()
    return problems


def placeholder_problems(show: Show) -> list[Problem]:
    """Warnings for values a directory would reject: documentation domains, placeholders."""
    file = show.root / SHOW_FILE
    found = []
    if EXAMPLE_HOST.search(urlsplit(show.base_url).hostname or ""):
        found.append(
            (
                "base_url",
                f"{show.base_url} is a documentation address: set the "
                "address your site will be served from before you submit the feed",
            )
        )
    if EXAMPLE_HOST.search(show.owner_email.rpartition("@")[2]):
        found.append(
            (
                "owner",
                f"{show.owner_email} is a placeholder: directories send "
                "verification mail to the owner's email",
            )
        )
    if show.author.strip().lower() == PLACEHOLDER_AUTHOR.lower():
        found.append(("author", f"still the placeholder {PLACEHOLDER_AUTHOR!r}"))
    if show.artwork and _placeholder(show):
        found.append(
            (
                "artwork",
                f"{show.artwork.name} is still the placeholder `podpipe init` made: replace "
                "it with your own square artwork (1400 to 3000 px)",
            )
        )
    return [
        Problem(file, line_of_key(file, key), key, message, "warning") for key, message in found
    ]


def future_episodes(show: Show, today: dt.date) -> list[Problem]:
    """Warnings for episodes dated after ``today``: podpipe publishes what is there (it
    does not schedule), so they go out now, under a date to come."""
    return [
        Problem(
            ep.source_file,
            line_of_key(ep.source_file, "date"),
            "date",
            f"episode {ep.number} is dated {ep.date}, after today ({today}): publishing "
            "puts it in the feed now, under that date; to release it on the day, publish "
            "it then (podpipe does not schedule)",
            "warning",
        )
        for ep in show.episodes
        if ep.date > today
    ]


def site_dir_problems(show: Show) -> list[Problem]:
    """Refuse to replace an output folder podpipe did not build: it would be deleted."""
    site = show.site_dir
    where = show.root / SHOW_FILE
    if site.exists() and not site.is_dir():
        return [
            Problem(
                where,
                None,
                "output_dir",
                f"{site} exists and is not a folder; move "
                "it away, or set output_dir to another folder",
            )
        ]
    if site.is_dir() and not (site / urls.SITE_MARKER).is_file() and any(site.iterdir()):
        return [
            Problem(
                where,
                None,
                "output_dir",
                f"{site} holds files podpipe did not write "
                f"(no {urls.SITE_MARKER} in it) and every publish replaces this folder: "
                "empty or move it, or set output_dir to another folder",
            )
        ]
    return []


def _placeholder(show: Show) -> bool:
    images = ImageChecks(show.work_dir)
    try:
        return images.placeholder(show.artwork)
    finally:
        images.save()
