"""Dask worker preload of a local scan: the worker ignores Ctrl-C and prints warnings as the
command line does.

Ctrl-C reaches the whole process group. The scan's coordinator stops, stores what is finished
and closes the cluster; its workers must not each print a traceback meanwhile. A worker's
warnings are one line each (``starskope: warning: FILE: ...``), as ``info`` and ``search``
print them, not Python's two lines with a source line. Run at every worker start (restarts
included) by ``LocalCluster(preload=[__name__])``.
"""

from __future__ import annotations

import signal
import threading


def dask_setup(worker) -> None:
    """Ignore SIGINT in this worker process (only the main thread may set a handler), and
    show warnings as the command line does."""
    import warnings

    from ..exceptions import show_warning

    warnings.showwarning = show_warning
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
