"""The progress lines a publish prints when its output is not a terminal: every task's
last line says 100 % once, and a bar whose total grows (jobs added) says so again."""

from __future__ import annotations

from types import SimpleNamespace

from podpipe.cli.progress import TerminalProgress


def test_the_finished_line_is_written_once_and_again_for_a_new_total(capsys):
    progress = TerminalProgress(SimpleNamespace(verbosity=0, tty=False))
    report = progress.callback("001: audio")
    report(3.0, 94.0)  # the first line (nothing written before)
    report(50.0, 94.0)  # within the plain interval: not written
    report(94.0, 94.0)
    report(94.0, 94.0)  # the stage's own "done" after the last chunk's
    report(120.0, 120.0)  # more work joined the bar
    written = [line for line in capsys.readouterr().err.splitlines() if line]
    assert len(written) == 3, written
    assert written[0].startswith("001: audio: 0:03 / 1:34 of audio (  3%)")
    assert written[1:] == [
        "001: audio: 1:34 / 1:34 of audio (100%)",
        "001: audio: 2:00 / 2:00 of audio (100%)",
    ]
