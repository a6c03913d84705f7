"""pipeline.collector: bookkeeping with the cyclic garbage collector paused, stage work
with it running, and the collector as it was once a command is done."""

from __future__ import annotations

import gc
import threading

from podpipe.pipeline import collector


def test_paused_nests_and_stage_work_runs_with_the_collector_on():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        with collector.running():
            # on, and what the pause made is left out of the stage work's collections
            assert gc.isenabled() and gc.get_freeze_count() > 0
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_stage_in_another_thread_keeps_it_on_until_it_ends():
    started, finish = threading.Event(), threading.Event()

    def stage():
        with collector.running():
            started.set()
            finish.wait(10)

    with collector.paused():
        worker = threading.Thread(target=stage)
        worker.start()
        started.wait(10)
        assert gc.isenabled()
        finish.set()
        worker.join(10)
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_by_the_caller_stays_disabled():
    gc.disable()
    try:
        with collector.paused(), collector.running():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_in_the_bookkeeping_still_restores_the_collector():
    try:
        with collector.paused():
            raise ValueError("bad input")
    except ValueError:
        pass
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_real_publish_and_status_leave_the_collector_as_they_found_it(tmp_path):
    import datetime as dt

    from podpipe.pipeline import publish, status
    from tests.scale_helpers import generated_show

    show = generated_show(tmp_path / "show", 3)
    assert not publish(show).failed
    assert gc.isenabled() and gc.get_freeze_count() == 0
    status(show, dt.date.today())
    assert gc.isenabled() and gc.get_freeze_count() == 0
