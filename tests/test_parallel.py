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
