"""The results catalog: an embedded DuckDB file with tables ``stars``, ``candidates``, ``errors``, ``runs``.

The columns of ``stars`` and ``candidates`` are derived here, once, from the fields of
:class:`~starskope.result.StarResult` and :class:`~starskope.result.Candidate`; each star row also
keeps the full result as JSON (``result_json``), so nothing the pipeline says is lost even when the
schema grows. Scalars become typed columns, structured fields (tuples, dicts) become JSON text.

Writes: one process only (DuckDB is single-writer); each call of :meth:`Catalog.write` is one
transaction holding whole stars (a star row and all its candidate rows, or its error row), so a
process killed at any moment leaves either the whole star or nothing. ``INSERT OR IGNORE`` on the
primary key ``input_id`` makes a star impossible to store twice.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import hashlib
import json
import os
import types
import typing
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exceptions import StarskopeError
from ..result import SIGNIFICANCE_FLAGS, Candidate, StarResult

__all__ = [
    "CANDIDATE_COLUMNS",
    "Catalog",
    "ErrorRecord",
    "STAR_COLUMNS",
    "StarRecord",
    "config_hash",
]

TABLES = ("stars", "candidates", "errors", "runs")
#: DuckDB buffer-pool cap of the writing connection (the scan's coordinator).
WRITER_MEMORY_LIMIT = "128MB"
#: DuckDB threads of the writing connection.
WRITER_THREADS = 2
#: Write-ahead-log size at which the writer checkpoints.
WRITER_CHECKPOINT = "4MB"


# ----------------------------------------------------------------------------- schema
def _sql_type(tp: Any) -> str:
    """DuckDB type for a dataclass field annotation (resolved)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return _sql_type(args[0])
        return "JSON"
    if tp is bool:
        return "BOOLEAN"
    if tp is int:
        return "BIGINT"
    if tp is float:
        return "DOUBLE"
    if tp is str:
        return "VARCHAR"
    return "JSON"  # tuples, lists, dicts, nested dataclasses


def _columns(cls, *, skip: Sequence[str] = ()) -> tuple[tuple[str, str], ...]:
    hints = typing.get_type_hints(cls)
    return tuple(
        (f.name, _sql_type(hints[f.name])) for f in dataclasses.fields(cls) if f.name not in skip
    )


#: ``stars`` columns taken from StarResult (candidates live in their own table).
STAR_COLUMNS: tuple[tuple[str, str], ...] = _columns(StarResult, skip=("candidates",))
#: ``candidates`` columns taken from Candidate, plus its ``flags`` property.
CANDIDATE_COLUMNS: tuple[tuple[str, str], ...] = (*_columns(Candidate), ("flags", "JSON"))

_STAR_EXTRA = (
    ("input_id", "VARCHAR PRIMARY KEY"),
    ("run_id", "VARCHAR"),
    ("config_hash", "VARCHAR"),
    ("n_candidates", "BIGINT"),
    ("best_period_days", "DOUBLE"),
    ("best_depth_ppm", "DOUBLE"),
    ("best_snr", "DOUBLE"),
    ("best_sde", "DOUBLE"),
    ("worker_seconds", "DOUBLE"),
    ("finished_at", "TIMESTAMP"),
)
_STAR_TAIL = (("result_json", "JSON"),)
_CAND_EXTRA = (("input_id", "VARCHAR"), ("candidate_index", "BIGINT"))
_ERROR_COLS = (
    ("input_id", "VARCHAR PRIMARY KEY"),
    ("run_id", "VARCHAR"),
    ("path", "VARCHAR"),
    ("row", "BIGINT"),
    ("stage", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("attempts", "BIGINT"),
    ("finished_at", "TIMESTAMP"),
    ("result_json", "JSON"),
)
_RUN_COLS = (
    ("run_id", "VARCHAR PRIMARY KEY"),
    ("software_version", "VARCHAR"),
    ("schema_version", "VARCHAR"),
    ("config_hash", "VARCHAR"),
    ("parameters", "JSON"),
    ("inputs", "JSON"),
    ("scheduler", "VARCHAR"),
    ("n_workers", "BIGINT"),
    ("started_at", "TIMESTAMP"),
    ("ended_at", "TIMESTAMP"),
    ("status", "VARCHAR"),
    ("n_done", "BIGINT"),
    ("n_errors", "BIGINT"),
    ("n_skipped", "BIGINT"),
)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ddl(table: str, cols: Iterable[tuple[str, str]], extra: str = "") -> str:
    body = ", ".join(f"{_q(n)} {t}" for n, t in cols)
    return f"CREATE TABLE IF NOT EXISTS {table} ({body}{extra})"


_STARS_ALL = (*_STAR_EXTRA, *STAR_COLUMNS, *_STAR_TAIL)
_CANDS_ALL = (*_CAND_EXTRA, *CANDIDATE_COLUMNS)
#: Table files (one star per row) whose rows a scan stored: their size and MD5 when first
#: met, so that a resumed scan never skips the rows of a different table of the same name.
_TABLE_FILE_COLS = (("path", "VARCHAR PRIMARY KEY"), ("size", "BIGINT"), ("md5", "VARCHAR"))
#: Single light-curve files whose result (or error) a scan stored: their size and modification
#: time when the scan read them, so that a resumed scan analyses a file replaced under the same
#: name again instead of skipping it as done (reading every file's content would cost a survey
#: as much as analysing it).
_INPUT_FILE_COLS = (
    ("input_id", "VARCHAR PRIMARY KEY"),
    ("size", "BIGINT"),
    ("mtime_ns", "BIGINT"),
)
_SCHEMA = (
    _ddl("stars", _STARS_ALL),
    _ddl("candidates", _CANDS_ALL, ", PRIMARY KEY (input_id, candidate_index)"),
    _ddl("errors", _ERROR_COLS),
    _ddl("runs", _RUN_COLS),
    _ddl("table_files", _TABLE_FILE_COLS),
    _ddl("input_files", _INPUT_FILE_COLS),
)
#: Tables beside the four of results, written by scans since the sessions that added them
#: (an older catalog lacks them until a scan writes it).
_RECORD_TABLES = ("table_files", "input_files")


def file_stamp(path) -> tuple[int, int] | None:
    """A file's size and modification time (ns), or None when it cannot be seen."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return int(st.st_size), int(st.st_mtime_ns)


def _base_type(sql: str) -> str:
    return sql.split()[0]


def _arrow_schema(cols):
    import pyarrow as pa

    m = {
        "VARCHAR": pa.string(),
        "JSON": pa.string(),
        "DOUBLE": pa.float64(),
        "BIGINT": pa.int64(),
        "BOOLEAN": pa.bool_(),
        "TIMESTAMP": pa.timestamp("us"),
    }
    return pa.schema([(n, m[_base_type(t)]) for n, t in cols])


def _cell(value: Any, sql: str) -> Any:
    if _base_type(sql) == "JSON":
        return None if value is None else json.dumps(value, separators=(",", ":"))
    return value


def config_hash(parameters: dict[str, Any]) -> str:
    """Short stable hash of a configuration dictionary (plus the result schema version)."""
    from ..result import SCHEMA_VERSION

    text = json.dumps({"schema": SCHEMA_VERSION, **parameters}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# ----------------------------------------------------------------------------- records
@dataclass(frozen=True)
class StarRecord:
    """A finished star, ready to be stored.

    Attributes
    ----------
    input_id : str
        The scan's identifier of the input (absolute path, or ``path#row=N`` for a table row).
    result : StarResult
        What the pipeline concluded.
    worker_seconds : float or None
        Wall time the worker spent on the star (read + analyse).
    rows : tuple or None
        The star row and candidate rows, made by :meth:`prepared` (on a worker, so that the
        single coordinator does no per-star serialisation); None until then.
    """

    input_id: str
    result: StarResult | None
    worker_seconds: float | None = None
    rows: tuple[dict[str, Any], tuple[dict[str, Any], ...]] | None = None

    def prepared(self, *, drop_result: bool = True) -> StarRecord:
        """This record with its table rows built (and the result object dropped to travel light)."""
        if self.rows is not None:
            return self
        star, cands = _star_rows(self)
        return StarRecord(
            self.input_id,
            None if drop_result else self.result,
            self.worker_seconds,
            (star, tuple(cands)),
        )


@dataclass(frozen=True)
class ErrorRecord:
    """An input that could not be read or analysed.

    Attributes
    ----------
    input_id : str
        The scan's identifier of the input.
    reason : str
        One line saying what went wrong.
    stage : str
        ``"read"``, ``"analyse"`` or ``"worker"`` (the worker process died).
    attempts : int
        How many times the input was tried.
    path, row : str, int or None
        Where the input lives.
    result : StarResult or None
        The pipeline's own failed result, when there is one.
    """

    input_id: str
    reason: str
    stage: str = "analyse"
    attempts: int = 1
    path: str | None = None
    row: int | None = None
    result: StarResult | None = None


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


def _star_rows(rec: StarRecord) -> tuple[dict, list[dict]]:
    """The ``stars`` row (without run columns) and ``candidates`` rows of one record."""
    d = rec.result.to_dict()
    cands = d.get("candidates") or []
    best = cands[0] if cands else {}
    row: dict[str, Any] = {
        "input_id": rec.input_id,
        "n_candidates": len(cands),
        "best_period_days": best.get("period_days"),
        "best_depth_ppm": best.get("depth_ppm"),
        "best_snr": best.get("snr"),
        "best_sde": best.get("sde"),
        "worker_seconds": rec.worker_seconds,
    }
    for name, sql in STAR_COLUMNS:
        row[name] = _cell(d.get(name), sql)
    row["result_json"] = json.dumps(d, separators=(",", ":"), allow_nan=False)
    crows = []
    for i, c in enumerate(cands):
        crow = {"input_id": rec.input_id, "candidate_index": i}
        for name, sql in CANDIDATE_COLUMNS:
            crow[name] = _cell(c.get(name), sql)
        crows.append(crow)
    return row, crows


def _table(rows: list[dict], cols):
    import pyarrow as pa

    schema = _arrow_schema(cols)
    return pa.Table.from_pylist(rows, schema=schema)


def content_changed(path: str, recorded: tuple[int, str] | None) -> bool:
    """True when a table file's content differs from what a scan ``recorded`` (size, MD5) or
    it can no longer be read; False when unchanged or never recorded (reads the whole file:
    call it without holding a lock others wait on)."""
    if recorded is None:
        return False
    try:
        md5, size = _content_md5(path)
    except OSError:
        return True
    return recorded != (size, md5)


def _content_md5(path: str) -> tuple[str, int]:
    """MD5 and length of a file's decompressed content (a gzip header's time does not count)."""
    from ..io._open import open_binary

    h, size = hashlib.md5(), 0
    with open_binary(path) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


# ----------------------------------------------------------------------------- catalog
#: DuckDB's file signature: the bytes 8-11 of every database file.
_DUCKDB_MAGIC = b"DUCK"


def _check_duckdb_file(path: str) -> None:
    """Refuse an existing file that is not a DuckDB database before DuckDB opens it (DuckDB
    2 opens a CSV or Parquet path as a read-only view: a scan into it would store nothing)."""
    p = Path(path)
    if not p.is_file():
        return
    if p.stat().st_size == 0:
        raise StarskopeError(
            "an empty file, not a DuckDB catalog: give a path that does not exist yet (the scan"
            " creates it)",
            path=path,
        )
    try:
        with open(p, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StarskopeError(f"cannot read the catalog: {exc.strerror}", path=path) from exc
    if head[8:12] != _DUCKDB_MAGIC:
        raise StarskopeError(
            "not a DuckDB catalog (an existing file of another kind): give a new path or a "
            "catalog written by 'starskope scan'",
            path=path,
        )


class Catalog:
    """A DuckDB results catalog.

    Parameters
    ----------
    path : str or path-like
        The ``.duckdb`` file (created when writable and absent).
    read_only : bool, optional
        Open without the right to write (several readers may share the file, but not while a
        scan is writing it).

    Examples
    --------
    >>> import tempfile, os
    >>> from starskope.result import StarResult
    >>> f = os.path.join(tempfile.mkdtemp(), "c.duckdb")
    >>> with Catalog(f) as cat:
    ...     run = cat.start_run(parameters={"method": "bls"}, inputs=["a.fits"])
    ...     cat.write([StarRecord("a.fits", StarResult(path="a.fits", target="A"))], run_id=run)
    ...     cat.counts()["stars"]
    (1, 0)
    1
    """

    def __init__(self, path, *, read_only: bool = False):
        import duckdb

        self.path = str(path)
        self.read_only = read_only
        if read_only and not Path(self.path).exists():
            raise StarskopeError("no such catalog file", path=self.path)
        _check_duckdb_file(self.path)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            msg = str(exc).splitlines()[0]
            if "lock" in msg.lower():
                msg = (
                    "catalog is locked by another process (a running scan, or `starskope serve`"
                    " showing it?): DuckDB lets one process write a file, and none read it"
                    " meanwhile; wait for the scan to end, or stop the app, and try again"
                )
            raise StarskopeError(msg, path=self.path) from exc
        except duckdb.Error as exc:
            raise StarskopeError(
                f"not a DuckDB catalog: {str(exc).splitlines()[0]}", path=self.path
            ) from exc
        if not read_only:
            # The writer's memory must not grow with the catalog: cap DuckDB's buffer pool (it
            # spills to disk beyond it) and its thread count.
            self.con.execute(f"SET memory_limit = '{WRITER_MEMORY_LIMIT}'")
            self.con.execute(f"SET threads = {WRITER_THREADS}")
            # small checkpoints: the write-ahead log never holds much to fold in at once
            self.con.execute(f"SET checkpoint_threshold = '{WRITER_CHECKPOINT}'")
            for stmt in _SCHEMA:
                self.con.execute(stmt)
        else:
            missing = [t for t in TABLES if not self._has_table(t)]
            if missing:
                raise StarskopeError(
                    f"not a starskope catalog (missing tables {missing})", path=self.path
                )
        self._chash: dict[str, str] = {}

    # -- context management
    def close(self) -> None:
        """Close the connection (idempotent)."""
        con, self.con = getattr(self, "con", None), None
        if con is not None:
            con.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def _ids_view(self, name: str, ids: Iterable[str]) -> Iterator[None]:
        """``ids`` as a one-column (``id``) view ``name`` that SQL in the block can join."""
        import pyarrow as pa

        self.con.register(name, pa.table({"id": list(ids)}))
        try:
            yield
        finally:
            self.con.unregister(name)

    def _one(self, sql: str, params: Sequence[Any] = ()):
        """First row of a query, or None (the result is always consumed in full)."""
        rows = self.con.execute(sql, list(params)).fetchall()
        return rows[0] if rows else None

    def _has_table(self, name: str) -> bool:
        q = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
        return self._one(q, [name])[0] > 0

    # -- runs
    def start_run(
        self,
        *,
        parameters: dict[str, Any],
        inputs: Sequence[str],
        scheduler: str | None = None,
        n_workers: int | None = None,
        software_version: str | None = None,
    ) -> str:
        """Record the start of a scan and return its run id.

        Raises
        ------
        StarskopeError
            When the catalog already holds stars made with different parameters (mixing them
            would make the catalog meaningless; use another catalog file).
        """
        from .. import __version__
        from ..result import SCHEMA_VERSION

        chash = config_hash(parameters)
        others = self.con.execute(
            "SELECT config_hash, any_value(parameters) FROM runs WHERE config_hash <> ?"
            " GROUP BY config_hash",
            [chash],
        ).fetchall()
        for _, prev_json in others:
            prev = json.loads(prev_json)
            # runs of catalogs made before the columns read were recorded lack those keys
            same = {k: v for k, v in parameters.items() if k in prev or k not in _READ_KEYS}
            if config_hash(same) == config_hash(prev):
                continue
            diff = _diff(prev, parameters)
            raise StarskopeError(
                f"catalog was made with different parameters ({diff}); "
                "use a new --catalog file or the same options",
                path=self.path,
            )
        # DuckDB lets one writer in: a run still marked running was killed (SIGKILL, a crash)
        # before it could close itself; say so, with what it stored
        self.con.execute(
            "UPDATE runs SET status = 'killed',"
            " n_done = (SELECT count(*) FROM stars s WHERE s.run_id = runs.run_id),"
            " n_errors = (SELECT count(*) FROM errors e WHERE e.run_id = runs.run_id)"
            " WHERE status = 'running'"
        )
        run_id = uuid.uuid4().hex[:12]
        self.con.execute(
            "INSERT INTO runs (run_id, software_version, schema_version, config_hash, parameters,"
            " inputs, scheduler, n_workers, started_at, status, n_done, n_errors, n_skipped)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', 0, 0, 0)",
            [
                run_id,
                software_version or __version__,
                SCHEMA_VERSION,
                chash,
                json.dumps(parameters, sort_keys=True, default=str),
                json.dumps([str(i) for i in inputs]),
                scheduler,
                n_workers,
                _now(),
            ],
        )
        self._chash[run_id] = chash
        return run_id

    def end_run(
        self, run_id: str, *, status: str, n_done: int, n_errors: int, n_skipped: int
    ) -> None:
        """Record the end of a scan (``status``: ``"finished"`` or ``"interrupted"``)."""
        self.con.execute(
            "UPDATE runs SET ended_at = ?, status = ?, n_done = ?, n_errors = ?, n_skipped = ?"
            " WHERE run_id = ?",
            [_now(), status, n_done, n_errors, n_skipped, run_id],
        )

    # -- writes
    def write(
        self,
        records: Sequence[StarRecord | ErrorRecord],
        *,
        run_id: str,
        replace_errors: bool = False,
        stamps: dict[str, tuple[int, int]] | None = None,
        replace: Iterable[str] = (),
    ) -> tuple[int, int]:
        """Store whole stars in one transaction; return how many new (stars, errors) were stored.

        Inputs already present (in ``stars`` or ``errors``) are ignored, never duplicated; with
        ``replace_errors`` (a scan retrying its errors) an input's stored error is replaced by
        its new outcome, in the same transaction. The inputs named in ``replace`` (files that
        changed since they were stored) lose everything stored of them first. ``stamps`` maps
        single files' input ids to their size and modification time when read
        (:func:`file_stamp`), kept in ``input_files`` beside their first stored outcome.
        """
        if not records:
            return 0, 0
        chash = self._chash.get(run_id)
        if chash is None:
            got = self._one("SELECT config_hash FROM runs WHERE run_id = ?", [run_id])
            chash = self._chash[run_id] = (got or [""])[0]
        now = _now()
        stars, cands, errs = [], [], []
        for rec in records:
            if isinstance(rec, StarRecord):
                st, c = rec.prepared().rows
                stars.append({**st, "run_id": run_id, "config_hash": chash, "finished_at": now})
                cands.extend(c)
            else:
                errs.append(
                    {
                        "input_id": rec.input_id,
                        "run_id": run_id,
                        "path": rec.path,
                        "row": rec.row,
                        "stage": rec.stage,
                        "reason": rec.reason,
                        "attempts": rec.attempts,
                        "finished_at": now,
                        "result_json": None if rec.result is None else rec.result.to_json(),
                    }
                )
        con = self.con
        before = self._counts2()
        con.execute("BEGIN TRANSACTION")
        try:
            replace = sorted(set(replace))
            if replace_errors or replace:
                if replace_errors:
                    with self._ids_view("_retried", (r.input_id for r in records)):
                        con.execute(
                            "DELETE FROM errors WHERE input_id IN (SELECT id FROM _retried)"
                        )
                if replace:
                    with self._ids_view("_changed", replace):
                        for name in ("candidates", "stars", "errors", "input_files"):
                            con.execute(
                                f"DELETE FROM {name} WHERE input_id IN (SELECT id FROM _changed)"
                            )
                before = self._counts2()  # what is stored now counts as new
            for name, rows, cols in (
                ("stars", stars, _STARS_ALL),
                ("errors", errs, _ERROR_COLS),
            ):
                if rows:
                    con.register("_batch", _table(rows, cols))
                    # an id stored as an error earlier and now analysed (or vice versa) keeps
                    # its first outcome: skip ids present in either table
                    con.execute(
                        f"INSERT OR IGNORE INTO {name} BY NAME SELECT * FROM _batch b WHERE NOT "
                        "EXISTS (SELECT 1 FROM stars s WHERE s.input_id = b.input_id) AND NOT "
                        "EXISTS (SELECT 1 FROM errors e WHERE e.input_id = b.input_id)"
                    )
                    con.unregister("_batch")
            if cands:
                con.register("_batch", _table(cands, _CANDS_ALL))
                con.execute(
                    "INSERT OR IGNORE INTO candidates BY NAME SELECT * FROM _batch b WHERE "
                    "EXISTS (SELECT 1 FROM stars s WHERE s.input_id = b.input_id AND s.run_id = ?)"
                    " AND NOT EXISTS (SELECT 1 FROM candidates c WHERE c.input_id = b.input_id)",
                    [run_id],
                )
                con.unregister("_batch")
            kept = [
                (r.input_id, *stamps[r.input_id])
                for r in records
                if stamps and stamps.get(r.input_id) is not None
            ]
            if kept:
                # the newest reading wins (a stored error retried after the file was fixed)
                con.executemany("INSERT OR REPLACE INTO input_files VALUES (?, ?, ?)", kept)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        after = self._counts2()
        return after[0] - before[0], after[1] - before[1]

    def _counts2(self) -> tuple[int, int]:
        row = self._one("SELECT (SELECT count(*) FROM stars), (SELECT count(*) FROM errors)")
        return int(row[0]), int(row[1])

    def _n_done(self) -> int:
        return self._one("SELECT (SELECT count(*) FROM stars) + (SELECT count(*) FROM errors)")[0]

    # -- reads
    def changed_files(self, stamps: dict[str, tuple[int, int] | None]) -> set[str]:
        """The input ids among ``stamps`` (single files: their size and modification time now,
        None when gone) whose recorded ones differ: files replaced since a scan stored them.
        A file never recorded (stored before scans recorded them, or a table row) counts as
        unchanged, and so does one gone or unreadable now (a data mount missing on resume
        must not replace good results with "no such file")."""
        stamps = {i: v for i, v in stamps.items() if v is not None}
        if not stamps or not self._has_table("input_files"):
            return set()
        with self._ids_view("_ids", stamps):
            got = self.con.execute(
                "SELECT input_id, size, mtime_ns FROM input_files"
                " WHERE input_id IN (SELECT id FROM _ids)"
            ).fetchall()
        return {i for i, size, mtime in got if stamps[i] != (int(size), int(mtime))}

    def table_file_changed(self, path: str) -> bool:
        """True when ``path`` was recorded by a scan and its content changed since (its rows'
        stored results then belong to another table); False when unchanged or never recorded.
        Reads only, for a catalog opened read-only too."""
        return content_changed(path, self.recorded_table(path))

    def recorded_table(self, path: str) -> tuple[int, str] | None:
        """The size and MD5 a scan recorded for a table file, or None."""
        row = self._one("SELECT size, md5 FROM table_files WHERE path = ?", [path])
        return None if row is None else (int(row[0]), row[1])

    def check_table_file(self, path: str) -> None:
        """Record a table file (many stars, one per row) a scan is about to read; refuse it when
        rows of it are already stored and its content changed since: those results belong to
        the table as it was, and a resumed scan would skip the new rows as done.

        The content is the decompressed bytes' MD5 (a gzip header's write time does not count)
        and their length. A table none of whose rows is stored yet is recorded afresh.

        Raises
        ------
        StarskopeError
            When rows of the file are stored and its content changed since.
        """
        md5, size = _content_md5(path)
        row = self.recorded_table(path)
        if row == (size, md5):
            return
        prefix = path + "#row="
        stored = self._one(
            "SELECT (SELECT count(*) FROM stars WHERE starts_with(input_id, ?))"
            " + (SELECT count(*) FROM errors WHERE starts_with(input_id, ?))",
            [prefix, prefix],
        )[0]
        if row is not None and stored:
            raise StarskopeError(
                "this table changed since its rows were scanned into the catalog (another size"
                " or content), and a resumed scan would keep the old rows' results as done:"
                " scan it into a new --catalog",
                path=path,
            )
        self.con.execute("INSERT OR REPLACE INTO table_files VALUES (?, ?, ?)", [path, size, md5])

    def is_empty(self) -> bool:
        """True when no star or error is stored."""
        return self._n_done() == 0

    def finished(self, ids: Sequence[str], *, errors: bool = True) -> set[str]:
        """The subset of ``ids`` already stored (in ``stars``, or with ``errors`` in
        ``errors`` too: without, stored errors count as not done, to be tried again)."""
        if not ids:
            return set()
        with self._ids_view("_ids", ids):
            got = self.con.execute(
                "SELECT id FROM _ids WHERE id IN (SELECT input_id FROM stars)"
                + (" OR id IN (SELECT input_id FROM errors)" if errors else "")
            ).fetchall()
        return {r[0] for r in got}

    def counts(self) -> dict[str, int]:
        """Row counts of every table."""
        return {t: self._one(f"SELECT count(*) FROM {t}")[0] for t in TABLES}

    def query(self, sql: str, params: Sequence[Any] | None = None):
        """Run SQL; return ``(column names, rows)``.

        Raises
        ------
        StarskopeError
            For SQL the database rejects (the message is DuckDB's first line).
        """
        import duckdb

        try:
            statements = self.con.extract_statements(sql)
            if not statements:  # blank, only semicolons, or only comments
                raise StarskopeError("empty query: give one SQL statement", path=self.path)
            if len(statements) > 1:
                # DuckDB would run them all and return the last one's rows only
                raise StarskopeError(
                    f"give one SQL statement per query; got {len(statements)} "
                    f"({'; '.join(s.type.name for s in statements)})",
                    path=self.path,
                )
            cur = self.con.execute(sql, params or [])
            if cur is None or cur.description is None:
                return [], []
            cols = [d[0] for d in cur.description]
            return cols, cur.fetchall()
        except duckdb.Error as exc:
            raise StarskopeError(
                f"query failed: {str(exc).splitlines()[0]}", path=self.path
            ) from exc

    def top(self, *, n: int = 20, exclude_common: bool = False, alpha: float = 1e-3):
        """The ``n`` most convincing stars: candidates first, then score, SNR and SDE.

        ``exclude_common``: leave out stars that have planet-like candidates, all of them
        signals shared with other stars (:meth:`common_signals` at ``alpha``): the stars the
        pipeline called candidates only for a common signal.
        """
        sql = (
            "SELECT input_id, target, mission, is_candidate, score, n_candidates,"
            " best_period_days, best_depth_ppm, best_snr, best_sde FROM stars"
            " ORDER BY is_candidate DESC, score DESC NULLS LAST, best_snr DESC NULLS LAST,"
            " best_sde DESC NULLS LAST, input_id"
        )
        if not exclude_common:
            return self.query(sql + " LIMIT ?", [int(n)])
        ccols, crows = self.common_signals(alpha=alpha, include_all=True)
        k_id, k_common = ccols.index("input_id"), ccols.index("common")
        k_planet = ccols.index("is_planet_like")
        verdicts: dict[str, list[bool]] = {}
        for r in crows:
            if r[k_planet]:
                verdicts.setdefault(r[k_id], []).append(bool(r[k_common]))
        drop = {star for star, v in verdicts.items() if all(v)}
        cur = self.con.execute(sql)
        cols = [d[0] for d in cur.description]
        out: list = []
        while len(out) < n:
            chunk = cur.fetchmany(1024)
            if not chunk:
                break
            out += [r for r in chunk if r[0] not in drop]
        return cols, out[: int(n)]

    def common_signals(self, *, alpha: float = 1e-3, include_all: bool = False):
        """Candidates whose ephemeris recurs in other stars observed at the same time.

        Every significant candidate (SNR and SDE flags not raised) is compared with those of
        the other stars by :func:`starskope.vet.ephemeris.common_signals`: in BJD_TDB where the
        catalog has it, else in each input table's own days (rows of one Kaggle table were
        observed together). Returns ``(column names, rows)``, the common signals first, by
        number of matching stars; only the common ones unless ``include_all``.
        """
        import numpy as np

        from ..vet.ephemeris import clock_group, common_signals

        cols, rows = self.query(
            "SELECT c.input_id, c.candidate_index, coalesce(s.target, c.input_id), s.path,"
            " c.period_days, c.t0, c.t0_format, c.t0_bjd, c.duration_hours, c.snr,"
            " c.is_planet_like, s.time_span_days, c.flags"
            " FROM candidates c JOIN stars s USING (input_id)"
            " ORDER BY c.input_id, c.candidate_index"
        )
        keep = [r for r in rows if not SIGNIFICANCE_FLAGS.intersection(json.loads(r[12] or "[]"))]
        head = [
            "input_id",
            "candidate_index",
            "target",
            "period_days",
            "t0",
            "t0_format",
            "duration_hours",
            "snr",
            "is_planet_like",
            "n_matches",
            "expected",
            "p_value",
            "common",
            "matches",
        ]
        if not keep:
            return head, []
        epoch = [r[7] if r[7] is not None else r[5] for r in keep]
        group = [clock_group(r[7], r[6], r[3]) for r in keep]
        span = [r[11] if r[11] is not None else float("nan") for r in keep]
        res = common_signals(
            [float("nan") if r[4] is None else r[4] for r in keep],
            [float("nan") if e is None else e for e in epoch],
            [float("nan") if r[8] is None else r[8] / 24.0 for r in keep],
            [r[2] for r in keep],
            np.asarray(span, dtype=float),
            group=group,
            alpha=alpha,
        )
        out = []
        for k, r in enumerate(keep):
            if not (include_all or res.common[k]):
                continue
            names = sorted({keep[j][2] for j in res.partners[k]})
            out.append(
                [r[0], r[1], r[2], r[4], r[5], r[6], r[8], r[9], r[10]]
                + [int(res.n_matches[k]), float(res.expected[k]), float(res.p_value[k])]
                + [bool(res.common[k]), ", ".join(map(str, names))]
            )
        out.sort(key=lambda x: (not x[12], -x[9], x[11], x[0], x[1]))
        return head, out

    def show(self, target: str) -> list[StarResult]:
        """Results whose target, input id or path matches ``target`` (exact), else whose
        candidates match a known planet or false positive of that name (``K2-3``: the star of
        K2-3 b, not K2-32), else whose target or input id holds it (substring)."""
        sql = "SELECT result_json FROM stars WHERE {} ORDER BY input_id"
        exact = "target = ? OR input_id = ? OR path = ?"
        _, rows = self.query(sql.format(exact), [target, target, target])
        if not rows:  # "known planet K2-3 b" and "known planet K2-3 b (period alias x1/2)"
            name = _like_escape(target.strip())
            known = " OR ".join(["result_json ILIKE ? ESCAPE '\\'"] * 2)
            _, rows = self.query(
                sql.format(known), [f'%"known planet {name} %', f'%"known planet {name}"%']
            )
        if not rows:
            like = "target ILIKE ? ESCAPE '\\' OR input_id ILIKE ? ESCAPE '\\'"
            pat = f"%{_like_escape(target)}%"
            _, rows = self.query(sql.format(like), [pat, pat])
        return [StarResult.from_json(r[0]) for r in rows]

    def errors_for(self, target: str):
        """Error rows whose input id contains ``target``."""
        return self.query(
            "SELECT input_id, stage, reason, attempts FROM errors WHERE input_id ILIKE ?"
            " ESCAPE '\\' ORDER BY input_id",
            [f"%{_like_escape(target)}%"],
        )

    def export_parquet(self, folder) -> list[Path]:
        """Write each table (with ``table_files`` and ``input_files``, the scanned tables'
        sizes and MD5s and the single files' sizes and times, where the catalog has them) to
        ``folder/<table>.parquet``; return the files."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for t in (*TABLES, *(t for t in _RECORD_TABLES if self._has_table(t))):
            f = folder / f"{t}.parquet"
            tmp = f.with_suffix(f".parquet.{os.getpid()}.tmp")
            self.con.execute(f"COPY {t} TO '{_sql_str(tmp)}' (FORMAT parquet)")
            os.replace(tmp, f)
            out.append(f)
        return out


#: Run parameters recorded only since the twentieth session (the columns a scan read).
_READ_KEYS = frozenset({"flux_column", "time_column"})


def _sql_str(p) -> str:
    return str(p).replace("'", "''")


def _like_escape(text: str) -> str:
    """``text`` matched literally by ILIKE (its ``%`` and ``_`` are not wildcards)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _diff(old: dict, new: dict) -> str:
    keys = sorted(set(old) | set(new))

    # compared as JSON stores them: a tuple of the config and the list read back are equal
    def as_stored(v):
        return json.loads(json.dumps(v, default=str))

    norm = {k: (as_stored(old.get(k)), as_stored(new.get(k))) for k in keys}
    parts = [f"{k}: {a!r} -> {b!r}" for k, (a, b) in norm.items() if a != b]
    return "; ".join(parts[:4]) or "schema version"
