"""Worker processes for starskope's own parallel loops (features, views, simulation,
injection-recovery): one star per core, so one thread per process for every thread pool.

A star's analysis uses small matrices (BLAS), numba's parallel sliders (wotan) and OpenMP
(finufft, batman); in a pool of one process per core, their default of one thread per core in
every process oversubscribes the machine. Dask workers get the same from
:func:`starskope.scan.runner` (``OMP_NUM_THREADS=1``, ``NUMBA_NUM_THREADS=1``), and the
benchmarks measure CPU time per core inside :func:`one_thread`.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager

__all__ = ["one_thread", "one_thread_per_process", "process_pool"]

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
