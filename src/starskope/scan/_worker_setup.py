"""Dask worker preload of a local scan: the worker ignores Ctrl-C.

Ctrl-C reaches the whole process group. The scan's coordinator stops, stores what is finished
and closes the cluster; its workers must not each print a traceback meanwhile. Run at every
worker start (restarts included) by ``LocalCluster(preload=[__name__])``.
"""

from __future__ import annotations

import signal
import threading


def dask_setup(worker) -> None:
    """Ignore SIGINT in this worker process (only the main thread may set a handler)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
