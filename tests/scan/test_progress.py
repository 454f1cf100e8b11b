"""The live progress bar: stars/s, errors and ETA on a terminal; silent otherwise."""

from __future__ import annotations

import io

from rich.console import Console

from starskope.scan.progress import RichProgress


def test_bar_on_a_terminal_shows_rate_and_errors():
    out = io.StringIO()
    p = RichProgress(console=Console(file=out, force_terminal=True, width=160))
    assert p.enabled
    p.start(total=10, skipped=0)
    p.update(done=6, errors=2, skipped=1)
    p.stop()
    text = out.getvalue()
    assert "9/10" in text and "2 errors" in text and "stars/s" in text and "1 skipped" in text


def test_silent_when_not_a_terminal():
    out = io.StringIO()
    p = RichProgress(console=Console(file=out, force_terminal=False))
    assert not p.enabled
    p.start(total=None, skipped=0)
    p.update(done=1, errors=0, skipped=0)
    p.stop()
    assert out.getvalue() == ""


def test_starskope_progress_0_hides_the_scan_bar(monkeypatch):
    from rich.console import Console

    from starskope.scan.progress import RichProgress

    term = Console(force_terminal=True)
    assert RichProgress(console=term).enabled
    monkeypatch.setenv("STARSKOPE_PROGRESS", "0")
    assert not RichProgress(console=term).enabled
