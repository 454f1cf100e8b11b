"""Scan many light curves on Dask and store the results in a DuckDB catalog.

The coordinator (this process) streams the inputs, keeps a bounded number of tasks in flight
(``client.submit`` + ``as_completed``: backpressure, so its memory stays flat however many inputs
there are), and is the only process that writes the catalog. Workers read their own inputs (a
Kaggle table row is sent as a byte range, never as data) and run
:func:`starskope.pipeline.analyse`. The same code runs on a local cluster (``workers=N``) and on an
existing scheduler (``scheduler="tcp://host:8786"``).

Failure handling: a file that cannot be read or analysed comes back as an error record; a task
whose worker died (``KilledWorker``, lost connection) is submitted again, split into single stars
when it held several, up to ``max_attempts`` times in all, then each of its stars is stored as an
error. Finished stars (in ``stars`` or ``errors``) are skipped on restart.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..catalog.store import Catalog, ErrorRecord, StarRecord, file_stamp
from ..config import PipelineConfig
from ..exceptions import StarskopeError
from .inputs import TABLE_KINDS, ScanItem, count_items, input_kind, iter_items

__all__ = ["ScanProgress", "ScanSummary", "run_items", "scan"]

log = logging.getLogger(__name__)

Analyse = Callable[[Any, PipelineConfig], Any]


class ScanProgress(Protocol):
    """What :func:`scan` reports progress to (e.g. a rich live bar)."""

    def start(self, *, total: int | None, skipped: int) -> None: ...

    def update(self, *, done: int, errors: int, skipped: int) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class ScanSummary:
    """What a scan did.

    Attributes
    ----------
    run_id : str
        The run's row in the catalog's ``runs`` table.
    catalog : str
        The catalog file.
    n_done : int
        Stars analysed and stored by this run.
    n_errors : int
        Inputs stored as errors by this run.
    n_skipped : int
        Inputs skipped because an earlier run had finished them.
    n_retried : int
        Task resubmissions after a worker died.
    elapsed_s : float
        Wall time from the first submission to the last commit.
    n_workers : int
        Worker threads the cluster had at the start.
    status : str
        ``"finished"`` or ``"interrupted"``.
    n_changed : int
        Of ``n_done`` and ``n_errors``: files stored by an earlier run and analysed again
        because their size or modification time changed since (their old outcome replaced).
    """

    run_id: str
    catalog: str
    n_done: int
    n_errors: int
    n_skipped: int
    n_retried: int
    elapsed_s: float
    n_workers: int
    status: str = "finished"
    n_changed: int = 0

    @property
    def stars_per_s(self) -> float:
        """Inputs stored (stars and errors) per second of wall time."""
        n = self.n_done + self.n_errors
        return n / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def line(self) -> str:
        """One-line human summary."""
        return (
            f"scan {self.status}: {self.n_done} stars, {self.n_errors} errors, "
            f"{self.n_skipped} skipped (already in the catalog, or given twice), "
            + (
                f"{self.n_changed} analysed again (changed since stored), "
                if self.n_changed
                else ""
            )
            + f"{self.n_retried} retries in "
            f"{self.elapsed_s:.1f} s ({self.stars_per_s:.1f} stars/s on {self.n_workers} "
            f"workers) -> {self.catalog}"
        )


# ----------------------------------------------------------------------------- worker side
def _read_item(item: ScanItem):
    """Read one star's light curve on the worker."""
    if item.row is None or (item.offset is None and item.line is None):
        # a light-curve file, or a row of a one-star-per-row Parquet file
        from ..io import read

        columns = {"flux_column": item.flux_column, "time_column": item.time_column}
        if item.row is not None:  # a one-star-per-row table has fixed columns
            columns = {}
        cadence = getattr(item, "cadence_minutes", None)
        return read(item.path, row=item.row, cadence_minutes=cadence, **columns)
    from ..io.kaggle import kaggle_lightcurve, parse_kaggle_row

    if item.line is not None:
        raw = item.line
    else:
        with open(item.path, "rb") as fh:
            fh.seek(item.offset)
            raw = fh.read(item.length)
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StarskopeError("not text", path=item.path, where=f"row {item.row}") from exc
    label, flux = parse_kaggle_row(
        line,
        item.row,
        item.n_flux,
        item.path,
        labelled=getattr(item, "labelled", True),
        zero_one=getattr(item, "zero_one", False),
    )
    lc = kaggle_lightcurve(flux, label, row=item.row, source=item.path, name=item.target)
    cadence = getattr(item, "cadence_minutes", None)
    if cadence is not None:
        from ..io.series import respace

        lc = respace(lc, cadence)
    return lc


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    msg = text[0] if text else ""
    if isinstance(exc, StarskopeError):
        return msg
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def run_items(
    items: Sequence[ScanItem],
    config: PipelineConfig,
    analyse: Analyse | None = None,
    attempts: int = 1,
) -> list[StarRecord | ErrorRecord]:
    """Read and analyse some stars; never raises for bad input (the worker-side task).

    Parameters
    ----------
    items : sequence of ScanItem
        The stars to do.
    config : PipelineConfig
        Pipeline settings.
    analyse : callable, optional
        ``analyse(lc, config) -> StarResult``; default :func:`starskope.pipeline.analyse`.
    attempts : int, optional
        Which attempt this is (stored with errors).

    Returns
    -------
    list of StarRecord or ErrorRecord
        One per item, in order.
    """

    if analyse is None:
        from ..pipeline import analyse
    out: list[StarRecord | ErrorRecord] = []
    for item in items:
        t0 = time.perf_counter()
        common = {"attempts": attempts, "path": item.path, "row": item.row}
        try:
            lc = _read_item(item)
        except Exception as exc:  # a bad input must not stop the scan
            out.append(ErrorRecord(item.input_id, _one_line(exc), stage="read", **common))
            continue
        try:
            result = analyse(lc, config)
        except Exception as exc:
            out.append(ErrorRecord(item.input_id, _one_line(exc), stage="analyse", **common))
            continue
        if getattr(result, "error", None):
            out.append(
                ErrorRecord(
                    item.input_id, str(result.error), stage="analyse", result=result, **common
                )
            )
            continue
        changes = {}
        if item.target is not None:
            changes["target"] = item.target
        if item.label is not None:
            changes["label"] = item.label
        if result.path is None:
            changes["path"] = item.path
        if item.row is not None and result.row is None:
            changes["row"] = item.row
        if changes:
            result = dataclasses.replace(result, **changes)
        out.append(StarRecord(item.input_id, result, time.perf_counter() - t0).prepared())
    return out


# ----------------------------------------------------------------------------- coordinator
def _pending(
    items: Iterator[ScanItem],
    cat: Catalog,
    *,
    check: bool,
    batch: int = 2048,
    retry_errors: bool = False,
    changed: set[str] | None = None,
) -> Iterator[tuple[ScanItem | None, int]]:
    """Drop items the catalog already has (stored errors count as not done with
    ``retry_errors``); yields (item, skipped so far) and (None, n) at batch ends.

    A single file stored earlier whose size or modification time changed since is not dropped:
    its id is added to ``changed`` (its stored outcome is to be replaced)."""
    skipped = 0
    while True:
        chunk = list(itertools.islice(items, batch))
        if not chunk:
            return
        ids = [it.input_id for it in chunk]
        done = cat.finished(ids, errors=not retry_errors) if check else set()
        if done and changed is not None:
            now = {it.input_id: file_stamp(it.path) for it in chunk
                   if it.row is None and it.input_id in done}  # fmt: skip
            moved = cat.changed_files(now)
            changed.update(moved)
            done -= moved
        seen: set[str] = set()
        for it in chunk:
            if it.input_id in done or it.input_id in seen:
                skipped += 1
                continue
            seen.add(it.input_id)
            yield it, skipped
        yield None, skipped


def _tasks(items: Iterator[ScanItem], chunk_rows: int) -> Iterator[list[ScanItem]]:
    """Group consecutive rows of one table into tasks of up to ``chunk_rows`` stars."""
    buf: list[ScanItem] = []
    for it in items:
        if buf and (it.row is None or buf[0].path != it.path or len(buf) >= chunk_rows):
            yield buf
            buf = []
        if it.row is None:
            yield [it]
        else:
            buf.append(it)
    if buf:
        yield buf


def _check_inputs(inputs: Sequence[str]) -> None:
    import glob

    for raw in inputs:
        p = os.path.expanduser(os.fspath(raw))
        if not p.strip():
            from ..io.registry import EMPTY_PATH

            raise StarskopeError(EMPTY_PATH)
        if not os.path.exists(p) and not glob.has_magic(p):
            raise StarskopeError("no such file, folder or glob pattern", path=p)


#: Scheduler settings of the local cluster (give them to a remote scheduler's config too).
_CLUSTER_CONFIG = {
    "distributed.scheduler.allowed-failures": 0,
    "distributed.scheduler.worker-saturation": 1.0,
    # The scheduler keeps this many recent message batches per worker connection and
    # transitions for debugging (default 1000): the batches hold every task's arguments, so
    # with the default the coordinator's memory grows for the first few thousand tasks (about
    # 4 KB per star, measured with benchmarks/bench_scan.py --only memory). Keep a few.
    "distributed.admin.low-level-log-length": 32,
    # Dask starts its workers with MALLOC_TRIM_THRESHOLD_=65536 (freed memory goes back to the
    # system at once): a star's many short-lived arrays then cost a system call each, 19% of the
    # pipeline's CPU time (0.051 against 0.043 s per simulated K2 star, run_items in one
    # process with and without it). None unsets it: glibc's own adaptive threshold (a user's
    # MALLOC_TRIM_THRESHOLD_ in the environment is still passed on).
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}
_LOG_LENGTH = "distributed.admin.low-level-log-length"


def _twice(write):
    """``write()``, tried again once when DuckDB reports the query interrupted (the Ctrl-C
    that stopped the scan can reach a statement of the clean-up: the retry stores the work)."""
    try:
        return write()
    except RuntimeError as exc:
        if "interrupted" not in str(exc).lower():
            raise
        return write()


def _local_cluster(n_workers: int):
    import dask
    from distributed import LocalCluster

    # Every worker death reaches the coordinator, which counts the attempts itself; one task per
    # worker thread at a time, so that a dying worker takes no innocent task down with it.
    # One thread per worker process for every pool, as Dask sets OMP_NUM_THREADS=1 for BLAS:
    # numba's too (wotan's parallel sliders would otherwise start one thread per core in every
    # worker, oversubscribing the machine). Through the workers' own environment (`env`), not
    # Dask's pre-spawn one, which is also written into this process, where numba may already
    # run its threads (it refuses a changed NUMBA_NUM_THREADS at its next compilation).
    # Ctrl-C reaches the whole process group: the workers ignore it (a preload run at every
    # worker start, restarts included), so that only this process stops, stores what is
    # finished and closes the cluster, instead of every worker printing its own traceback.
    with dask.config.set(_CLUSTER_CONFIG):
        return LocalCluster(
            env={"NUMBA_NUM_THREADS": "1"},
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: never clash with another cluster
            silence_logs=logging.ERROR,
            preload=["starskope.scan._worker_setup"],
        )


def scan(
    inputs: Sequence[str | os.PathLike],
    *,
    catalog: str | os.PathLike,
    config: PipelineConfig | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client=None,
    chunk_rows: int = 4,
    max_in_flight: int | None = None,
    max_attempts: int = 3,
    retry_errors: bool = False,
    analyse: Analyse | None = None,
    progress: ScanProgress | None = None,
    flush_seconds: float = 1.0,
    flush_rows: int = 512,
    flux_column: str | None = None,
    time_column: str | None = None,
    cadence_minutes: float | None = None,
    model: str | None = None,
) -> ScanSummary:
    """Analyse every star in ``inputs`` on Dask and store the results in a DuckDB catalog.

    Parameters
    ----------
    inputs : sequence of str or path-like
        Files, folders, globs, manifest CSVs, Kaggle tables.
    catalog : str or path-like
        The DuckDB file (created if absent; an existing one is resumed).
    config : PipelineConfig, optional
        Pipeline settings (the defaults when omitted); stored in the ``runs`` table.
    workers : int, optional
        Worker processes (one thread each) of the local cluster; default the CPU count.
    scheduler : str, optional
        Address of a running dask.distributed scheduler (``tcp://host:8786``); no local cluster.
    client : distributed.Client, optional
        An existing client to use (not closed at the end).
    chunk_rows : int, optional
        Rows of a Kaggle table per task.
    max_in_flight : int, optional
        Tasks submitted but not yet collected; default 2 per worker thread + 2.
    max_attempts : int, optional
        Tries of a star whose worker died before it is stored as an error.
    retry_errors : bool, optional
        Try again this run's inputs that earlier runs stored as errors; each stored error is
        replaced by the new outcome as it is stored (errors of inputs not named in this run,
        and of a run refused before it starts, stay).
    analyse : callable, optional
        ``analyse(lc, config) -> StarResult`` run on the workers (must pickle); default
        :func:`starskope.pipeline.analyse`.
    progress : ScanProgress, optional
        Receives progress updates.
    flush_seconds, flush_rows : float, int, optional
        Commit finished stars at least this often / when this many are waiting.
    flux_column, time_column : str, optional
        Column overrides for light-curve files (name or 0-based index); table rows keep theirs.
    cadence_minutes : float, optional
        The samples' spacing, in minutes, of flux without times (Kaggle-layout rows, a single
        column of flux; see :mod:`starskope.io.series`); recorded with the run's parameters.
    model : str, optional
        Also score each star with this classifier (a shipped name such as ``gbm``, or a model
        file every worker can read): ``score`` is then its calibrated probability of a
        transiting planet (:func:`starskope.models.predict.scored_result`; null without a
        model). Recorded with the run's parameters; not with ``analyse``.

    Returns
    -------
    ScanSummary

    Raises
    ------
    StarskopeError
        For a missing input, an unusable catalog, or a catalog made with other parameters.
    """

    import dask
    from distributed import Client, as_completed

    if inputs is None:
        raise StarskopeError("no inputs given")
    if model is not None:
        if analyse is not None:
            raise StarskopeError("give a model or an analyse function, not both")
        from ..models.predict import ModelAnalyse, _loaded
        from ..models.registry import shipped_models

        if os.path.isfile(os.fspath(model)) or (
            os.path.isdir(os.fspath(model)) and str(model) not in shipped_models()
        ):  # a model file (or a train folder) as the workers, which may run elsewhere, find it
            model = os.path.abspath(os.fspath(model))
        _loaded(model)  # a bad name or file is refused here, before any worker starts
        analyse = ModelAnalyse(model)
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    inputs = [os.fspath(i) for i in inputs]
    if not inputs:
        raise StarskopeError("no inputs given")
    if catalog is None or not str(os.fspath(catalog)).strip():
        raise StarskopeError(
            "catalog= must name the DuckDB file the scan writes (e.g. scan.duckdb)"
        )
    if workers is not None and workers < 1:
        raise StarskopeError(f"--workers must be >= 1; got {workers}")
    if max_attempts < 1:
        raise StarskopeError(f"max_attempts must be >= 1; got {max_attempts}")
    _check_inputs(inputs)
    if cadence_minutes is not None:
        from ..io.series import check_cadence

        cadence_minutes = check_cadence(cadence_minutes)
    config = config if config is not None else PipelineConfig()
    if next(iter_items(inputs), None) is None and not os.path.exists(os.fspath(catalog)):
        # nothing to scan (an empty folder): an error, and no empty catalog left behind
        from ..io.registry import no_light_curves

        raise no_light_curves(inputs)

    fresh = not os.path.exists(os.fspath(catalog))  # removed again if no run starts in it
    cat = Catalog(catalog)
    checked: set[str] = set()  # table files checked against the catalog's record
    for i in inputs:  # tables named directly: checked before any worker starts
        if os.path.isfile(i) and input_kind(i) in TABLE_KINDS:
            path = os.path.abspath(i)
            try:
                cat.check_table_file(path)
            except BaseException:
                cat.close()
                if fresh:
                    _remove_catalog(catalog)
                raise
            checked.add(path)
    cluster = own_client = None
    status = "interrupted"
    n_done = n_err = n_retry = skipped = 0
    run_id = ""
    nthreads = 0
    buffer: list[StarRecord | ErrorRecord] = []
    state = {"skipped": 0}
    changed: set[str] = set()  # single files replaced since their outcome was stored
    stamps: dict[str, tuple[int, int] | None] = {}  # single files' size and time when read
    n_changed = 0

    def write_options() -> dict[str, Any]:
        """The buffer's files' stamps, and which of them replace a stored outcome (a file
        changed since); forgotten by `written` once the write succeeded."""
        ids = [r.input_id for r in buffer]
        got = {i: stamps[i] for i in ids if stamps.get(i) is not None}
        return {"replace_errors": retry_errors, "stamps": got, "replace": changed.intersection(ids)}

    def written(options: dict[str, Any]) -> None:
        nonlocal n_changed
        n_changed += len(options["replace"])
        changed.difference_update(options["replace"])
        for r in buffer:
            stamps.pop(r.input_id, None)

    t_start = time.perf_counter()
    stack = contextlib.ExitStack()
    try:
        resume = not cat.is_empty()
        interrupted = stack.enter_context(_remembered_interrupt())
        # short debugging logs for this process's Dask objects (a local scheduler, the client
        # and connections made during the scan, e.g. to a restarted worker): see _CLUSTER_CONFIG
        stack.enter_context(dask.config.set({_LOG_LENGTH: _CLUSTER_CONFIG[_LOG_LENGTH]}))
        if client is None:
            if scheduler:
                try:
                    client = own_client = Client(scheduler, timeout="30s")
                except (OSError, ValueError, TypeError) as exc:  # unreachable; a bad address
                    raise StarskopeError(
                        f"cannot reach the Dask scheduler at {scheduler}: {exc}"
                    ) from exc
            else:
                cluster = _local_cluster(workers or os.cpu_count() or 1)
                client = own_client = Client(cluster)
        client.wait_for_workers(1, timeout=120)
        nthreads = max(sum(client.nthreads().values()), 1)
        limit = max_in_flight or 2 * nthreads + 2
        run_id = cat.start_run(
            # the columns read are settings of the results too (a scan resumed with others is
            # refused; catalogs from before they were recorded are compared without them)
            parameters={
                **config.to_dict(),
                "flux_column": flux_column or None,
                "time_column": time_column or None,
                # only when given: catalogs from before the option compare equal without it
                **({"cadence_minutes": cadence_minutes} if cadence_minutes is not None else {}),
                **({"model": model} if model is not None else {}),
            },
            inputs=inputs,
            scheduler=client.scheduler.address if client.scheduler else scheduler,
            n_workers=nthreads,
        )
        log.info("run %s: %d worker threads, %d tasks in flight at most", run_id, nthreads, limit)
        if progress is not None:
            progress.start(total=count_items(inputs), skipped=0)

        def table_checked(items: Iterator[ScanItem]) -> Iterator[ScanItem]:
            # a table's file is checked against the catalog's record before any of its rows
            # is skipped as done (a regenerated table keeps its row names)
            for it in items:
                if it.row is not None and it.path not in checked:
                    checked.add(it.path)
                    cat.check_table_file(it.path)
                yield it

        def stream() -> Iterator[ScanItem]:
            for it, sk in _pending(
                table_checked(iter_items(inputs)),
                cat,
                check=resume,
                retry_errors=retry_errors,
                changed=changed,
            ):
                state["skipped"] = sk
                if it is not None and it.row is None:  # as read: a later change is seen
                    stamps[it.input_id] = file_stamp(it.path)
                if it is not None and it.row is None and (flux_column or time_column):
                    it = dataclasses.replace(it, flux_column=flux_column, time_column=time_column)
                if it is not None and cadence_minutes is not None:
                    it = dataclasses.replace(it, cadence_minutes=cadence_minutes)
                elif it is not None and it.n_flux is not None:  # a Kaggle-layout row
                    from ..io.kaggle import warn_if_longer_than_a_campaign

                    warn_if_longer_than_a_campaign(it.n_flux, it.path)  # once per table
                if it is not None:
                    yield it

        tasks = _tasks(stream(), chunk_rows)
        ac = as_completed(with_results=True, raise_errors=False)
        inflight: dict[Any, tuple[list[ScanItem], int]] = {}
        retry_queue: list[tuple[list[ScanItem], int]] = []
        last_flush = time.monotonic()
        t_start = time.perf_counter()

        def submit(task: list[ScanItem], attempt: int) -> None:
            fut = client.submit(run_items, task, config, analyse, attempt, pure=False, retries=0)
            inflight[fut] = (task, attempt)
            ac.add(fut)

        def fill() -> None:
            while len(inflight) < limit:
                if retry_queue:
                    submit(*retry_queue.pop())
                    continue
                task = next(tasks, None)
                if task is None:
                    return
                submit(task, 1)

        def flush() -> None:
            nonlocal n_done, n_err, last_flush
            if buffer:
                options = write_options()
                new_stars, new_errors = cat.write(buffer, run_id=run_id, **options)
                written(options)
                n_done += new_stars
                n_err += new_errors
                buffer.clear()
                log.info("committed %d stars, %d errors", n_done, n_err)
            last_flush = time.monotonic()
            if progress is not None:
                progress.update(done=n_done, errors=n_err, skipped=state["skipped"])

        fill()
        while inflight:
            fut, res = next(ac)
            if interrupted():  # a Ctrl-C that Python dropped (raised in a gc callback)
                raise KeyboardInterrupt
            task, attempt = inflight.pop(fut)
            if isinstance(res, list):
                buffer.extend(res)
            else:
                if isinstance(res, tuple) and len(res) == 3 and isinstance(res[1], BaseException):
                    res = res[1]  # (type, exception, traceback) of a failed future
                reason = f"worker failed: {_one_line(res)}"
                if attempt < max_attempts:
                    n_retry += 1
                    log.warning("task of %d stars failed (%s); retrying", len(task), reason)
                    if len(task) > 1:  # isolate the star that kills its worker
                        retry_queue.extend(([it], attempt + 1) for it in task)
                    else:
                        retry_queue.append((task, attempt + 1))
                else:
                    buffer.extend(
                        ErrorRecord(
                            it.input_id,
                            reason,
                            stage="worker",
                            attempts=attempt,
                            path=it.path,
                            row=it.row,
                        )
                        for it in task
                    )
            fut.release()
            del fut
            if len(buffer) >= flush_rows or time.monotonic() - last_flush >= flush_seconds:
                flush()
            fill()
        flush()
        status = "finished"
    finally:
        skipped = state["skipped"]
        elapsed = time.perf_counter() - t_start
        if progress is not None:
            progress.stop()
        try:
            if run_id and buffer:  # finished stars of an interrupted scan are kept
                try:
                    options = write_options()
                    new_stars, new_errors = _twice(
                        lambda: cat.write(buffer, run_id=run_id, **options)
                    )
                    written(options)
                    n_done, n_err = n_done + new_stars, n_err + new_errors
                except Exception:  # the original error matters more
                    log.exception("could not store the last %d results", len(buffer))
            if run_id:
                try:
                    _twice(
                        lambda: cat.end_run(
                            run_id, status=status, n_done=n_done, n_errors=n_err, n_skipped=skipped
                        )
                    )
                except Exception:  # the stars are stored; only the run's summary row is not
                    log.exception("could not close the run %s in the catalog", run_id)
        finally:
            cat.close()
            if fresh and not run_id:  # no run started: no empty catalog left behind
                _remove_catalog(catalog)
            if own_client is not None:
                own_client.close()
            if cluster is not None:
                cluster.close()
            stack.close()
    return ScanSummary(
        run_id=run_id,
        catalog=str(catalog),
        n_done=n_done,
        n_errors=n_err,
        n_skipped=skipped,
        n_retried=n_retry,
        n_changed=n_changed,
        elapsed_s=elapsed,
        n_workers=nthreads,
        status=status,
    )


@contextlib.contextmanager
def _remembered_interrupt():
    """While scanning, Ctrl-C raises KeyboardInterrupt as usual and is also remembered: one
    that lands in a garbage-collection callback (Dask's) is dropped by Python, and the scan
    loop raises it at its next step instead. Yields ``interrupted()``; the previous handler
    is restored. Outside the main thread (no signal handler can be set) nothing changes."""
    import signal
    import threading

    hit = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield hit.is_set
        return
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum, frame):
        hit.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield hit.is_set
    finally:
        signal.signal(signal.SIGINT, previous)


def _remove_catalog(catalog) -> None:
    """Delete a catalog file this scan created and never used (with DuckDB's WAL beside it)."""
    for p in (os.fspath(catalog), os.fspath(catalog) + ".wal"):
        with contextlib.suppress(OSError):
            os.remove(p)
