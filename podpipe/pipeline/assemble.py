"""The next site, built beside the current one and swapped in with one rename.

The orchestrator places the media (MP3s, transcript files, chapters, artwork) at their
URLs in a staging folder, the feed and site stages render into it, and only when all
of it succeeded does it replace site/: a failed or killed publish leaves the previous
site as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Collection
from pathlib import Path

from podpipe import feed, site, urls
from podpipe.cache import link_or_copy, synced_at_end
from podpipe.config import Show
from podpipe.errors import ProcessingError, write_failure
from podpipe.records import PublishedEpisode
from podpipe.render import template_errors


def staging_dir(show: Show) -> Path:
    # Same file system as site/, so the final swap is a rename.
    return show.site_dir.parent / f".{show.site_dir.name}.staging"


def place_media(show: Show, published: list[PublishedEpisode], out: Path) -> None:
    """Put the files the feed and pages link into the staging site, at their URLs."""
    if show.artwork:
        shutil.copyfile(show.artwork, out / urls.show_artwork(show.artwork))
    top = os.fspath(out)
    for p in published:
        mp3 = os.path.join(top, p.mp3_path)
        try:  # its folder is there when the previous site's skeleton was kept
            os.link(p.mp3, mp3)
        except OSError:
            os.makedirs(os.path.dirname(mp3), exist_ok=True)
            link_or_copy(p.mp3, Path(mp3))
        if p.transcript and p.transcript_dir:
            for fmt, name in p.transcript.files.items():
                link_or_copy(p.transcript_dir / name, out / p.transcript_path(fmt))
        if p.episode.chapters:
            (out / p.chapters_path).write_text(feed.chapters_json(p.episode), encoding="utf-8")
        if p.artwork_path:
            shutil.copyfile(p.episode.artwork, out / p.artwork_path)


def build_site(show: Show, published: list[PublishedEpisode], today: dt.date) -> list[str]:
    """Build the whole site in staging, then swap it with site/ in one step; the
    warnings to show (an old site that could not be removed).

    A full disk, a file-size limit or a read-only target is a ProcessingError naming the
    path: the staging folder is removed and the previous site stays as it was."""
    staging = staging_dir(show)
    try:
        if not take_marker(show.work_dir / EMPTIED):  # else a killed run's files go
            empty_files(staging)
    except OSError as e:
        raise _left_over(staging, e) from e
    try:
        staging.mkdir(parents=True, exist_ok=True)
        (staging / urls.SITE_MARKER).write_text(
            "Built by podpipe. This folder is replaced on every publish: edit the show, not it.\n"
        )
        # One sync of the whole staging site before the swap, not an fsync per file.
        with synced_at_end(staging):
            place_media(show, published, staging)
            warnings = feed.build_feed(show, published, staging / urls.FEED)
            with template_errors():
                site.build_site(show, published, staging, today=today)
            # an episode removed since the skeleton was left (those published hold their MP3)
            drop_empty_folders(staging, holding={p.page_path for p in published})
        return warnings + swap_into_place(staging, show.site_dir, emptied=show.work_dir / EMPTIED)
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise write_failure(None, e) from e
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _left_over(staging: Path, err: OSError) -> ProcessingError:
    return ProcessingError(
        f"a previous site left here cannot be removed ({err.strerror or err}): "
        f"remove {staging} by hand (it may need `chattr -i` or write permission) and "
        "publish again",
        file=Path(err.filename) if err.filename else staging,
    )


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def swap_into_place(new: Path, target: Path, *, emptied: Path | None = None) -> list[str]:
    """Replace directory ``target`` by ``new`` atomically (Linux: renameat2 EXCHANGE).

    The previous site is removed after the swap. A large one (thousands of files) leaves
    its folders behind at ``new``, emptied of files: the next publish builds into them,
    as creating a thousand folders costs more than the rest of a one-edit publish on some
    disks. An old site that cannot be deleted stays where it was swapped to, with a
    warning saying so (the new site is published all the same). ``emptied``: the file
    that says the folders left hold no file (kept outside them: no file in the skeleton
    for git or a backup to see)."""
    if target.exists() and exchange(new, target):
        keep = emptied if emptied is not None and _large(new) else None
        return _drop_old(new, emptied=keep)  # now holds the previous site
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        if old.exists():
            shutil.rmtree(old)
        os.rename(target, old)
        os.rename(new, target)
        return _drop_old(old)
    os.rename(new, target)
    return []


def _drop_old(old: Path, *, emptied: Path | None = None) -> list[str]:
    """Remove the previous site (with ``emptied``: its files only, then ``emptied`` made),
    saying what could not go."""
    try:
        if emptied is not None:
            empty_files(old)
            emptied.touch()
        else:
            shutil.rmtree(old)
    except OSError as e:
        return [
            f"the new site is in place, but the previous one could not be removed from "
            f"{old} ({e.strerror or e}: {e.filename}): remove it by hand"
        ]
    return []


SKELETON_FROM = 200  # episodes in a previous site whose folders are kept for the next build


def _large(site_dir: Path) -> bool:
    try:
        with os.scandir(site_dir / urls.EPISODES) as entries:
            return sum(1 for _ in entries) >= SKELETON_FROM
    except OSError:
        return False


EMPTIED = "staging.emptied"  # in .podpipe/: the skeleton holds no file, no need to look


def take_marker(marker: Path) -> bool:
    """Whether the skeleton was left emptied (``marker``, removed now: writes follow)."""
    try:
        os.unlink(marker)
    except OSError:
        return False
    return True


def empty_files(folder: Path) -> None:
    """Unlink every file under ``folder``, keeping the folders (a path that is not a
    folder is removed). Each file is a link of its own: the live site and the stage
    cache keep theirs."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        folder.unlink()
        return
    if folder.is_dir():
        _unlink_files(os.fspath(folder))


def _unlink_files(folder: str) -> None:
    with os.scandir(folder) as entries:
        found = list(entries)
    for entry in found:
        if entry.is_dir(follow_symlinks=False):
            _unlink_files(entry.path)
        else:
            os.unlink(entry.path)


def drop_empty_folders(root: Path, holding: Collection[str] = ()) -> None:
    """Remove the folders under ``root`` that hold nothing (deepest first).

    ``holding``: folders (paths relative to ``root``, ``a/b/``) known to hold a file,
    read only if they have folders of their own: a folder's link count is two plus its
    subfolders where the file system counts them (else it is read), and a thousand
    episode folders cost a thousand directory reads otherwise."""
    top = os.fspath(root)
    skip = {os.path.join(top, folder.rstrip("/")) for folder in holding}
    _drop_empty(top, skip)


def _drop_empty(folder: str, holding: set[str]) -> bool:
    """Empty the folders in ``folder`` of empty folders; whether it holds nothing now."""
    empty = True
    subfolders = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                subfolders.append(entry.path)
            else:
                empty = False
    for sub in subfolders:
        if sub in holding and os.stat(sub).st_nlink == 2:
            empty = False  # a file and no folder in it
        elif _drop_empty(sub, holding):
            try:
                os.rmdir(sub)
            except OSError:  # something came in meanwhile
                empty = False
        else:
            empty = False
    return empty


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step; False where the system cannot (then rename twice)."""
    import ctypes  # only when a site is swapped in: a no-op publish does not load it
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0
