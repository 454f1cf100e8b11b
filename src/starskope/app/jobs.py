"""Uploaded light curves, analysed one per worker process with a time limit.

The web server never parses an upload itself: a `multiprocessing` child (spawned, so it shares
no threads or locks with the server) reads the file with :func:`starskope.io.read`, runs the
pipeline and sends back the result and the plot data. The child reports its stage as it goes
(reading, analysing, drawing), and is killed when it runs past the time limit. Whatever goes
wrong becomes a one-line message on the job; the server itself never fails because of a file.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exceptions import StarskopeError

__all__ = ["DEFAULT_MEMORY_MB", "Job", "JobManager", "analyse_upload"]

_STAGES = ("queued", "reading", "analysing", "drawing", "done", "failed")


#: Address space of an upload's worker, MiB (``starskope serve --upload-memory-mb``): a small
#: compressed file can hold gigabytes of zeros (a gzip bomb), and the machine is shared.
DEFAULT_MEMORY_MB = 4096


#: Thread pools of the numerical libraries, one thread each in an upload's worker: every
#: pool thread reserves address space (the cap then bites on thread stacks and arenas, where
#: running out hangs a thread start instead of raising MemoryError), and uploads are analysed
#: side by side anyway. BLAS and OpenMP read these when they load, before the worker's first
#: line runs (numpy comes with the package), so they are set in the environment the worker is
#: started with; numba, loaded later, is told in the worker itself.
_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_ENV_LOCK = threading.Lock()


@contextlib.contextmanager
def _one_thread_environment():
    """This process's environment, with one-thread numerical libraries, while a worker is
    started (a spawned process copies it then); restored after, so that the server's own
    settings never change."""
    import os

    with _ENV_LOCK:
        saved = {k: os.environ.get(k) for k in _ONE_THREAD}
        for k in _ONE_THREAD:
            os.environ.setdefault(k, "1")
        try:
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def _limit_memory(memory_mb: float | None) -> None:
    """Cap this process's address space where the platform enforces ``RLIMIT_AS`` (Linux):
    past it an allocation fails with MemoryError, which becomes the job's message, instead of
    the machine swapping. Elsewhere (Windows; macOS accepts the limit but does not enforce
    it) there is no cap."""
    if not memory_mb:
        return
    try:
        import resource

        which = getattr(resource, "RLIMIT_AS", None)
        if which is None:
            return
        limit = int(memory_mb * 1024 * 1024)
        _soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(which, (limit, hard))
    except (ImportError, ValueError, OSError):  # pragma: no cover - Windows; a locked limit
        pass


#: What an upload of a table of several stars is told (the Python advice of read() is not
#: for a web page).
MANY_STARS = (
    "the file is a table of several stars (one per row); the app analyses one light curve per"
    " upload: scan the table with `starskope scan FILE --catalog stars.duckdb` and open that"
    " catalog with `starskope serve --catalog stars.duckdb`"
)


def analyse_upload(
    path: str, queue, memory_mb: float | None = None, cadence_minutes: float | None = None
) -> None:
    """Worker body: read ``path``, analyse it, put progress and the outcome on ``queue``.

    Messages are ``("stage", name)``, then ``("done", payload)`` or ``("failed", message)``.
    ``memory_mb`` caps the worker's address space (None: no cap); ``cadence_minutes`` spaces
    flux without times (:mod:`starskope.io.series`).
    """
    try:
        import os

        os.environ.setdefault("NUMBA_NUM_THREADS", "1")  # before numba loads (see _ONE_THREAD)
        _limit_memory(memory_mb)
        queue.put(("stage", "reading"))
        from ..io import iter_read

        items = iter_read([path], cadence_minutes=cadence_minutes)
        first = next(items, None)
        if first is None:
            raise StarskopeError("no light curve in the file", path=path)
        if next(items, None) is not None:
            raise StarskopeError(MANY_STARS, path=path)
        lc = first[1]
        if isinstance(lc, StarskopeError):
            raise lc
        queue.put(("stage", "analysing"))
        from ..pipeline import analyse_full

        full = analyse_full(lc)
        queue.put(("stage", "drawing"))
        from ..report.build import annotate_known
        from .plotdata import star_plot_data

        res = annotate_known(full.result)
        import dataclasses

        full = dataclasses.replace(full, result=res)
        fits = [
            None if f is None else {k: getattr(f, k, None) for k in _FIT_ERRORS}
            for f in (full.fits or ())
        ]
        queue.put(("done", {"result": res.to_dict(), "plots": star_plot_data(full), "fits": fits}))
    except StarskopeError as exc:
        queue.put(("failed", str(exc)))
    except MemoryError:
        queue.put(("failed", "the file is too large to analyse in memory"))
    except Exception as exc:
        queue.put(("failed", f"could not analyse the file ({type(exc).__name__}: {exc})"))


#: The command line's words for what the upload form calls otherwise, and what it has not.
_FORM_WORDS = (
    (
        r"with --cadence-minutes \(Python: cadence_minutes=\)",
        'in the "minutes between samples" field',
    ),
    (r"cadence_minutes \(--cadence-minutes\)", 'the "minutes between samples" field'),
    (r"--cadence-minutes", 'the "minutes between samples" field'),
    (r"pass the files \(or the folder\)", "upload them one at a time"),
)


def form_words(text: str) -> str:
    """An error message in the upload form's words: its field for the cadence, one file per
    upload, and a note when it names a command-line option the form does not have (a column
    to read: ``--time-column``, ``--flux-column``)."""
    import re

    for pattern, words in _FORM_WORDS:
        text = re.sub(pattern, words, text)
    # the form has no Python either: "(Python: x=)" goes, "(e.g. --y z; Python: x=)" keeps
    # "(e.g. --y z)"
    text = re.sub(r" \(Python: \w+=\)", "", text)
    text = re.sub(r"; Python: \w+=\)", ")", text)
    if re.search(r"--[a-z][a-z-]+", text):
        text += (
            " (options such as --time-column are the command line's, `starskope search FILE"
            " --time-column NAME`; the upload form has none but the minutes between samples:"
            " rename the file's columns, or use the command line)"
        )
    return text


_FIT_ERRORS = (
    "success",
    "period_err",
    "t0_err",
    "rp_rs_err",
    "a_rs_err",
    "impact_err",
    "depth_ppm_err",
)


@dataclass
class Job:
    """One upload and its progress."""

    id: str
    filename: str
    stage: str = "queued"
    message: str = ""
    started: float = field(default_factory=time.time)
    finished: float | None = None
    payload: dict[str, Any] | None = None

    @property
    def done(self) -> bool:
        return self.stage in ("done", "failed")

    def status(self) -> dict[str, Any]:
        end = self.finished or time.time()
        return {
            "id": self.id,
            "filename": self.filename,
            "stage": self.stage,
            "done": self.done,
            "ok": self.stage == "done",
            "message": self.message,
            "elapsed_s": round(end - self.started, 1),
        }


class JobManager:
    """Runs upload jobs in worker processes; keeps the last ``keep`` jobs in memory.

    Parameters
    ----------
    timeout : float
        Seconds a worker may run before it is killed.
    max_running : int
        Uploads analysed at once; more are refused with a message.
    keep : int
        Finished jobs remembered (oldest dropped first).
    memory_mb : float or None
        Address space of each worker, MiB (None: no cap).
    max_queued : int
        Uploads waiting for a worker beyond those running; more are refused with a message.
    """

    def __init__(
        self,
        *,
        timeout: float = 120.0,
        max_running: int = 2,
        keep: int = 50,
        memory_mb: float | None = DEFAULT_MEMORY_MB,
        max_queued: int = 8,
    ):
        self.timeout = float(timeout)
        self.memory_mb = memory_mb
        self.max_running = int(max_running)
        self.max_queued = int(max_queued)
        self.keep = int(keep)
        # a job waits ("queued") for one of the max_running worker slots
        self._slots = threading.Semaphore(max(self.max_running, 0))
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._dir = Path(tempfile.mkdtemp(prefix="starskope-uploads-"))
        self._ctx = mp.get_context("spawn")

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def running(self) -> int:
        with self._lock:
            return sum(1 for j in self._jobs.values() if not j.done)

    def submit(self, filename: str, data: bytes, *, cadence_minutes: float | None = None) -> Job:
        """Queue an uploaded file for analysis (``cadence_minutes``: the spacing of flux without
        times); it starts as soon as one of ``max_running`` workers is free. Raise
        StarskopeError when ``max_queued`` more are waiting already (or no worker may run)."""
        if self.max_running < 1:
            raise StarskopeError("this app analyses no uploads (it was started with no workers)")
        if self.running() >= self.max_running + self.max_queued:
            raise StarskopeError(
                f"{self.running()} upload(s) are being analysed or waiting already; try again"
                " shortly"
            )
        job = Job(id=uuid.uuid4().hex[:12], filename=filename)
        folder = self._dir / job.id
        folder.mkdir()
        safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in filename)[-100:]
        path = folder / (safe.lstrip(".") or "upload")
        path.write_bytes(data)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                old = next(iter(self._jobs))
                if not self._jobs[old].done:
                    break
                del self._jobs[old]
        threading.Thread(target=self._watch, args=(job, path, cadence_minutes), daemon=True).start()
        return job

    def _watch(self, job: Job, path: Path, cadence_minutes: float | None = None) -> None:
        self._slots.acquire()  # "queued" until a worker slot is free
        try:
            job.started = time.time()  # the time limit counts from here, not from the upload
            self._run(job, path, cadence_minutes)
        except Exception as exc:
            self._finish(
                job, "failed", f"the analysis could not be run ({type(exc).__name__}: {exc})"
            )
        finally:
            self._slots.release()
            shutil.rmtree(path.parent, ignore_errors=True)

    def _run(self, job: Job, path: Path, cadence_minutes: float | None = None) -> None:
        import queue as _q

        queue = self._ctx.Queue()
        proc = self._ctx.Process(
            target=analyse_upload,
            args=(str(path), queue, self.memory_mb, cadence_minutes),
            daemon=True,
        )
        with _one_thread_environment() if self.memory_mb else contextlib.nullcontext():
            proc.start()
        deadline = time.time() + self.timeout
        try:
            while True:
                left = deadline - time.time()
                if left <= 0:
                    self._finish(
                        job,
                        "failed",
                        f"analysis took longer than {self.timeout:g} s (counted from the"
                        f" start of its worker, included; it was {job.stage}); stopped",
                    )
                    break
                try:
                    kind, value = queue.get(timeout=min(left, 0.5))
                except _q.Empty:
                    if not proc.is_alive() and queue.empty():
                        self._finish(
                            job,
                            "failed",
                            f"the worker stopped unexpectedly (exit code {proc.exitcode})",
                        )
                        break
                    continue
                if kind == "stage":
                    job.stage = value
                elif kind == "done":
                    # the user knows the file by its name, not the deleted temporary copy's
                    value["result"] = {**value["result"], "path": job.filename}
                    job.payload = value
                    self._finish(job, "done", "")
                    break
                else:
                    # the worker names the temporary copy; the user knows the file by its name.
                    # The command line's words for the cadence are the form's field here, put
                    # before the name goes in (a name such as "tess--sector-14.csv" is no option)
                    text = form_words(str(value).replace(str(path), "\0")).replace(
                        "\0", job.filename
                    )
                    self._finish(job, "failed", text)
                    break
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(timeout=5)
            queue.close()

    @staticmethod
    def _finish(job: Job, stage: str, message: str) -> None:
        job.message = message
        job.finished = time.time()
        job.stage = stage

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)
