"""A rich live progress bar for :func:`starskope.scan.scan`: stars/s, ETA and error count."""

from __future__ import annotations

import time

__all__ = ["RichProgress"]


class RichProgress:
    """Live bar on a terminal; silent otherwise (the CLI prints a one-line summary at the end).

    Parameters
    ----------
    console : rich.console.Console, optional
        Where to draw (default: standard error).
    """

    def __init__(self, *, console=None):
        from rich.console import Console

        self.console = console if console is not None else Console(stderr=True)
        self._progress = None
        self._task = None
        self._t0 = time.monotonic()

    @property
    def enabled(self) -> bool:
        """True when the output is a terminal and STARSKOPE_PROGRESS is not ``0``."""
        from ..parallel import progress_allowed

        return self.console.is_terminal and progress_allowed()

    def start(self, *, total: int | None, skipped: int) -> None:
        """Show the bar (``total`` None: no ETA)."""
        self._t0 = time.monotonic()
        if not self.enabled:
            return
        from rich.progress import Progress

        from ..parallel import progress_columns

        self._progress = Progress(
            *progress_columns(
                "[bold]scan",
                "{task.fields[rate]:.1f} stars/s",
                "[red]{task.fields[errors]} errors",
                "{task.fields[skipped]} skipped",
            ),
            console=self.console,
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(
            "scan", total=total, rate=0.0, errors=0, skipped=skipped
        )

    def update(self, *, done: int, errors: int, skipped: int) -> None:
        """Advance to ``done + errors`` stored inputs (skipped ones count toward the total)."""
        if self._progress is None:
            return
        dt = max(time.monotonic() - self._t0, 1e-9)
        self._progress.update(
            self._task,
            completed=done + errors + skipped,
            rate=(done + errors) / dt,
            errors=errors,
            skipped=skipped,
        )

    def stop(self) -> None:
        """Remove the live display."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
