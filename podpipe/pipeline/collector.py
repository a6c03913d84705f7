"""The cyclic garbage collector, paused for bookkeeping and running for stage work.

A publish, `status` or `check` of a large show is mostly bookkeeping: it reads its state
caches into hundreds of thousands of objects that last the whole run (episodes, stage
reports, page and feed parts) and walks a 3 MB feed. None of that makes reference cycles
(refcounting frees what it drops), but every pass of the collector traverses all the
objects made so far: 15-25 % of a one-edit publish or a `status` of 1000 episodes, a
share that grows with the show. So those commands run with the collector ``paused()``,
and a stage that runs (mastering, Whisper, a job in flight on a cluster) runs with it
back on (``running()``): its libraries may leave cycles behind, and a long import of a
back catalog must not grow with them. Both nest, and threads (``--jobs N``) count.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0  # paused() blocks open
_running = 0  # running() blocks open (stage work, in any thread)
_was_enabled = True
_frozen = False  # gc.freeze() done by running() under a pause


def _apply() -> None:
    global _frozen
    if _paused == 0:  # no pause: the collector as it was before the first one
        if _frozen:
            gc.unfreeze()  # the bookkeeping's objects: in the oldest generation again
            _frozen = False
        if _was_enabled:
            gc.enable()
    elif _running and _was_enabled:
        if not gc.isenabled() and not _frozen:
            # everything made while paused, out of the stage work's collections (else
            # its first one traverses all of it, as young objects)
            gc.freeze()
            _frozen = True
        gc.enable()
    else:
        gc.disable()


@contextmanager
def paused() -> Iterator[None]:
    """Bookkeeping: the collector off (unless stage work is running meanwhile)."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
        _paused += 1
        _apply()
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            _apply()


@contextmanager
def running() -> Iterator[None]:
    """Stage work: the collector on, as it was before any pause."""
    global _running
    with _lock:
        _running += 1
        _apply()
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            _apply()
