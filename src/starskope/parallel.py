"""Worker processes for starskope's own parallel loops (features, views, simulation,
injection-recovery): one star per core, so one thread per process for every thread pool.

A star's analysis uses small matrices (BLAS), numba's parallel sliders (wotan) and OpenMP
(finufft, batman); in a pool of one process per core, their default of one thread per core in
every process oversubscribes the machine. Dask workers get the same from
:func:`starskope.scan.runner` (``OMP_NUM_THREADS=1``, ``NUMBA_NUM_THREADS=1``).
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

__all__ = ["one_thread_per_process", "process_pool"]


def one_thread_per_process() -> None:
    """Limit this process's BLAS/OpenMP pools (threadpoolctl, when installed) and numba to one
    thread (a pool initializer)."""
    import numba

    numba.set_num_threads(1)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn (and with it threadpoolctl) not installed
        return
    import scipy.linalg  # noqa: F401  (load scipy's BLAS so that it is limited too)

    threadpool_limits(1)


def process_pool(n_jobs: int) -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` of ``n_jobs`` processes, each limited to one thread."""
    return ProcessPoolExecutor(max_workers=n_jobs, initializer=one_thread_per_process)
