"""Worker processes for starskope's own parallel loops (features, views, simulation,
injection-recovery): one star per core, so one thread per process for every thread pool.

A star's analysis uses small matrices (BLAS), numba's parallel sliders (wotan) and OpenMP
(finufft, batman); in a pool of one process per core, their default of one thread per core in
every process oversubscribes the machine. Dask workers get the same from
:func:`starskope.scan.runner` (``OMP_NUM_THREADS=1``, ``NUMBA_NUM_THREADS=1``), and the
benchmarks measure CPU time per core inside :func:`one_thread`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any

__all__ = [
    "map_stars",
    "one_thread",
    "one_thread_per_process",
    "process_pool",
    "progress_allowed",
    "progress_bar",
    "progress_columns",
    "shows_progress",
]

#: Holds this process's one-thread limits for its lifetime (see one_thread_per_process).
_PROCESS_LIMITS = ExitStack()


@contextmanager
def one_thread():
    """BLAS, OpenMP (threadpoolctl, when installed) and numba limited to one thread inside the
    block, restored after it. Outside, idle threads of a multi-threaded BLAS spinning on small
    matrices, and wotan's parallel numba sliders, add CPU time without saving wall time."""
    import numba
    import numpy  # noqa: F401  (the pools must be loaded to be limited)
    import scipy.linalg  # noqa: F401  (scipy's BLAS: numba's np.dot)

    try:
        import nifty_ls  # noqa: F401  (finufft's OpenMP)
    except ImportError:
        pass
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn (and with it threadpoolctl) not installed
        threadpool_limits = None
    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        if threadpool_limits is None:
            yield
        else:
            with threadpool_limits(1):
                yield
    finally:
        numba.set_num_threads(old)


def one_thread_per_process() -> None:
    """:func:`one_thread` for the rest of this process's life (a pool initializer)."""
    _PROCESS_LIMITS.enter_context(one_thread())


def process_pool(n_jobs: int) -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` of ``n_jobs`` processes, each limited to one thread."""
    return ProcessPoolExecutor(max_workers=n_jobs, initializer=one_thread_per_process)


#: Fewest items for which a progress bar is worth drawing.
PROGRESS_MIN_ITEMS = 20


def progress_allowed() -> bool:
    """False when STARSKOPE_PROGRESS is ``0``: no progress bar anywhere."""
    return os.environ.get("STARSKOPE_PROGRESS", "1") != "0"


def shows_progress(total: int | None) -> bool:
    """A bar on stderr when it is a terminal, the work is not tiny and STARSKOPE_PROGRESS is
    not ``0`` (pipes, files and tests get none)."""
    if not progress_allowed():
        return False
    if total is not None and total < PROGRESS_MIN_ITEMS:
        return False
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def progress_columns(label: str, *fields: str, eta: bool = True) -> list:
    """The rich columns of every starskope bar: ``label``, the bar, done of total, then
    ``fields`` (rich markup over the task's fields), the time elapsed and, with ``eta``,
    the time remaining."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn()]
    columns += [TextColumn(f) for f in fields] + [TimeElapsedColumn()]
    if eta:
        columns += [TextColumn("ETA"), TimeRemainingColumn()]
    return columns


@contextmanager
def progress_bar(label: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """``advance(k)`` for a rich progress bar on stderr (a counter when ``total`` is None), or
    a no-op where no bar is shown (see :func:`shows_progress`)."""
    if not shows_progress(total):
        yield lambda k=1: None
        return
    from rich.console import Console
    from rich.progress import Progress

    columns = progress_columns(label, eta=total is not None)
    # never redirect stdout into the bar's console (stderr): JSON lines printed meanwhile
    # must stay on stdout, piped or not
    bar = Progress(
        *columns,
        console=Console(stderr=True),
        transient=False,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    with bar as prog:
        task = prog.add_task(label, total=total)
        yield lambda k=1: prog.advance(task, k)


def map_stars(
    fn: Callable[[Any], Any],
    work: Sequence | Iterable,
    *,
    n_jobs: int = 1,
    label: str = "analysing stars",
    chunksize: int = 8,
) -> list:
    """``[fn(w) for w in work]``, in ``n_jobs`` one-thread processes when above 1 (results in
    order, the same for any ``n_jobs``), with a progress bar on a terminal."""
    work = list(work)
    out = []
    with progress_bar(label, len(work)) as advance:
        if n_jobs > 1 and len(work) > 1:
            with process_pool(n_jobs) as pool:
                for r in pool.map(fn, work, chunksize=chunksize):
                    out.append(r)
                    advance(1)
        else:
            for w in work:
                out.append(fn(w))
                advance(1)
    return out
