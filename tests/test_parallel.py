"""starskope's own process pools run one thread per process."""

from __future__ import annotations

import os


def _threads_seen(_):
    import numba

    out = {"numba": numba.get_num_threads(), "pid": os.getpid()}
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return out
    import scipy.linalg  # noqa: F401

    out["blas"] = max((p["num_threads"] for p in threadpool_info()), default=1)
    return out


def test_process_pool_workers_use_one_thread():
    from starskope.parallel import process_pool

    with process_pool(2) as pool:
        seen = list(pool.map(_threads_seen, range(4)))
    assert all(s["numba"] == 1 for s in seen)
    assert all(s.get("blas", 1) == 1 for s in seen)


def test_progress_columns_shared_layout():
    """Every bar shows label, bar, count, its own fields, elapsed, then ETA when asked."""
    from rich.progress import TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from starskope.parallel import progress_columns

    cols = progress_columns("scan", "{task.fields[rate]:.1f} stars/s")
    assert isinstance(cols[3], TextColumn) and "stars/s" in cols[3].text_format
    assert isinstance(cols[4], TimeElapsedColumn) and isinstance(cols[-1], TimeRemainingColumn)
    no_eta = progress_columns("reading")
    assert len(no_eta) == 6
    assert not any(isinstance(c, TimeRemainingColumn) for c in progress_columns("x", eta=False))
