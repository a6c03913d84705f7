"""`podpipe publish`, in order:

1. load and validate the show (config, club results): nothing runs on bad config;
2. take the show's lock (a second publish refuses);
3. if no input changed since the last successful publish, stop: nothing to do;
4. per episode, the stages of :data:`stages.STAGES` (audio -> transcript -> notes ->
   tagged MP3), each reused from the stage cache while its inputs are unchanged;
5. build the next site in a staging folder (media, feed, pages) and swap it with
   site/ in one step; the previous site stays intact until then.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from podpipe import club, speakers, uptodate
from podpipe.cache import SourceHashes, StageCache, exclusive, tree_hash, write_atomic
from podpipe.checks import (
    artwork_problems,
    future_episodes,
    keep_warnings,
    last_warnings,
    site_dir_problems,
)
from podpipe.config import Show
from podpipe.config.episode_cache import save_pending
from podpipe.errors import BusyError, ConfigError
from podpipe.feed import guids
from podpipe.pipeline import collector
from podpipe.pipeline.assemble import build_site
from podpipe.pipeline.builder import EpisodeBuilder, planner
from podpipe.pipeline.cluster import check_cluster, cluster_address, runner_for
from podpipe.pipeline.fingerprint import (
    input_fingerprint,
    input_paths,
    site_is_current,
    site_stamp,
    stamp_file,
)
from podpipe.pipeline.load import load, select
from podpipe.pipeline.report import NullProgress, PublishResult


def show_lock(show: Show):
    """One publish at a time per show; a second one refuses instead of waiting."""
    return exclusive(
        show.work_dir / "lock",
        busy=lambda holder: BusyError(
            f"another podpipe publish is running for {show.root} "
            f"(pid {holder}); wait for it to finish"
        ),
    )


def publish(
    show_dir: Path,
    *,
    only: tuple[str, ...] = (),
    force: bool = False,
    dry_run: bool = False,
    jobs: int = 1,
    today: dt.date | None = None,
    progress=None,
    cluster: str | None = None,
) -> PublishResult:
    """``cluster``: a Dask scheduler's address for the heavy jobs (else $PODPIPE_CLUSTER,
    else show.yaml's ``cluster:``); ``jobs``: episodes at once (N > 1: local processes).
    Bookkeeping with the garbage collector paused, stage work with it running
    (pipeline.collector)."""
    with collector.paused():
        return _publish(show_dir, only, force, dry_run, jobs, today, progress, cluster)


def _publish(show_dir, only, force, dry_run, jobs, today, progress, cluster) -> PublishResult:
    started = time.monotonic()
    today = today or dt.date.today()
    progress = progress or NullProgress()
    show, problems, results = load(show_dir)
    selected = select(show, only)
    warnings = [str(p) for p in problems]
    # Results dated after `today` are not out yet: not in the notes, not on the pages.
    warnings += club.dated_ahead(show, results, today)
    warnings += [str(p) for p in future_episodes(show, today)]
    warnings += speakers.setup_notice(show)
    results = club.as_of(results, today)
    if dry_run:
        return plan(show, results, selected, progress, warnings)
    site_problems = site_dir_problems(show)
    if site_problems:
        raise ConfigError(site_problems)
    address = cluster_address(cluster, show)
    if address:
        check_cluster(address)  # before anything changes: an unreachable one is an error
    with show_lock(show):
        save_pending(show.work_dir)  # the lock made .podpipe/: the episodes read go in it
        # GUIDs first: recording a new episode's GUID changes guids.yaml, an input.
        assigned = guids.assign(show, show.root / guids.REGISTRY_FILE)
        show = dataclasses.replace(show, podcast_guid=assigned.show)
        warnings += assigned.warnings
        inputs = input_paths(show)  # listed once: for the fingerprint and the record
        fingerprint = input_fingerprint(show, today, {"only": sorted(only)}, inputs[0])
        if not force and not only and site_is_current(show, fingerprint):
            record_inputs(show, today, inputs)  # the next plain publish may tell without this
            return PublishResult(show, [], nothing_changed=True, warnings=warnings)
        artwork = artwork_problems(show)
        if any(p.severity == "error" for p in artwork):
            raise ConfigError(problems + artwork)
        warnings += [str(p) for p in artwork]
        with runner_for(address, jobs, progress) as (runner, at_once):
            result = publish_locked(
                show,
                results,
                assigned.episodes,
                selected,
                force,
                (runner, at_once),
                today,
                progress,
                warnings,
            )
        result.known_warnings = frozenset(last_warnings(show))
        keep_warnings(show, result.warning_lines())
        if not result.failed:
            if only and same_as_a_full_publish(show, results, result):
                # the episodes kept as last published are what a full publish would make:
                # `status` and the next plain publish may treat this site as complete
                fingerprint = input_fingerprint(show, today, {"only": []}, inputs[0])
                only = ()
            tree = tree_hash(show.site_dir) if show.site_dir.is_dir() else None
            write_atomic(stamp_file(show), site_stamp(fingerprint, show, tree))
            if not only:
                record_inputs(show, today, inputs, tree)
        result.seconds = time.monotonic() - started
        return result


def record_inputs(
    show: Show, today: dt.date, inputs: tuple[list[str], list[str]], tree: str | None = None
) -> None:
    """What this publish read (``inputs``: input_paths' files and folders), for
    podpipe.uptodate (a plain publish that may stop early); ``tree``: the site's
    tree_hash if just taken."""
    files, folders = inputs
    uptodate.record(
        show.root,
        files=files,
        folders=folders,
        site_dir=show.site_dir,
        today=today,
        cluster=bool(show.cluster),
        site_tree=tree,
    )


def publish_locked(
    show, results, guids, selected, force, workers, today, progress, warnings
) -> PublishResult:
    runner, jobs = workers
    hashes = SourceHashes(show.work_dir / "hashes.json")
    cache = StageCache(show.work_dir / "stages")
    builder = EpisodeBuilder(
        show,
        results,
        guids,
        force=force,
        dry_run=False,
        progress=progress,
        hashes=hashes,
        cache=cache,
        runner=runner,
    )
    try:
        if jobs == 1:  # no thread to start: most episodes of a large show are reused
            outcomes = [builder.build(ep, ep.slug in selected) for ep in show.episodes]
        else:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                outcomes = list(
                    pool.map(lambda ep: builder.build(ep, ep.slug in selected), show.episodes)
                )
    finally:
        hashes.save()
        builder.memo.save()
        builder.reports.save()
    result = PublishResult(show, outcomes, warnings=warnings)
    for o in outcomes:
        if o.published is None and not o.error:
            o.warnings.append(
                "not processed yet (not selected with --only); left out of the feed and site"
            )
    if result.failed:
        return result
    published = [o.published for o in outcomes if o.published]
    progress.message(f"building the feed and site for {len(published)} episode(s)")
    result.warnings += build_site(show, published, today)
    record = {o.episode.slug: o.keys for o in outcomes if o.published}
    write_atomic(show.work_dir / "published.json", json.dumps(record, indent=1, sort_keys=True))
    result.site_updated = True
    if not selected ^ {e.slug for e in show.episodes}:  # a full publish: drop stale outputs
        cache.prune(builder.used)
    return result


def same_as_a_full_publish(show: Show, results, result: PublishResult) -> bool:
    """Whether every episode of an --only publish stands as a full publish would make it:
    the kept ones' stage outputs are the ones their current inputs call for."""
    builder = planner(show, results)
    for outcome in result.outcomes:
        if outcome.published is None:
            return False
        now = builder.build(outcome.episode, True)
        if now.keys != outcome.keys or any(v != "reused" for v in now.done.values()):
            return False
    return True


def plan(show, results, selected, progress, warnings) -> PublishResult:
    """A dry run: what each episode would need, changing nothing."""
    builder = planner(show, results, progress)
    outcomes = [builder.build(ep, ep.slug in selected) for ep in show.episodes]
    return PublishResult(show, outcomes, dry_run=True, warnings=warnings)
