"""Read-only access to a scan catalog for the web app: the candidate table, one star, SQL.

One DuckDB connection, opened read-only with external access switched off (so SQL typed in the
app can neither write the catalog nor read or write other files), shared by the request
threads under a lock.
"""

from __future__ import annotations

import dataclasses
import json
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..config import PipelineConfig
from ..exceptions import StarskopeError
from ..result import StarResult

__all__ = ["SORTABLE", "CandidateQuery", "CatalogView"]

#: Table columns the user may sort by -> SQL expression.
SORTABLE = {
    "target": "s.target",
    "mission": "s.mission",
    "score": "s.score",
    "period": "c.period_days",
    "depth": "c.depth_ppm",
    "duration": "c.duration_hours",
    "snr": "c.snr",
    "sde": "c.sde",
    "transits": "c.n_transits",
    "planet_like": "c.is_planet_like",
}

_SELECT = (
    "SELECT s.input_id, s.target, s.mission, s.score, s.is_candidate, c.candidate_index,"
    " c.period_days, c.depth_ppm, c.depth_ppm_err, c.duration_hours, c.snr, c.sde,"
    " c.n_transits, c.is_planet_like, CAST(c.flags AS VARCHAR) AS flags, c.known"
    " FROM candidates c JOIN stars s USING (input_id)"
)
COLUMNS = (
    "input_id",
    "target",
    "mission",
    "score",
    "is_candidate",
    "candidate_index",
    "period_days",
    "depth_ppm",
    "depth_ppm_err",
    "duration_hours",
    "snr",
    "sde",
    "n_transits",
    "is_planet_like",
    "flags",
    "known",
)


def _float(x: Any, name: str) -> float | None:
    if x in (None, ""):
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        raise StarskopeError(f"{name} must be a number; got {x!r}") from None
    if math.isnan(value):  # (a NaN bound matched no row for one filter, every row for another)
        raise StarskopeError(f"{name} must be a number; got {x!r}")
    return value


@dataclass(frozen=True)
class CandidateQuery:
    """Filters, order and page of the candidate table (all optional)."""

    q: str = ""
    mission: str = ""
    flag: str = ""
    min_snr: float | None = None
    min_period: float | None = None
    max_period: float | None = None
    min_score: float | None = None
    planet_like: bool = False
    sort: str = "score"
    order: str = "desc"
    limit: int = 100
    offset: int = 0

    @classmethod
    def from_params(cls, p: Mapping[str, Any]) -> CandidateQuery:
        """Build from URL query parameters; bad values raise StarskopeError."""
        sort = str(p.get("sort") or "score")
        if sort not in SORTABLE:
            raise StarskopeError(f"sort must be one of {sorted(SORTABLE)}; got {sort!r}")
        order = str(p.get("order") or "desc").lower()
        if order not in ("asc", "desc"):
            raise StarskopeError(f"order must be asc or desc; got {order!r}")
        try:
            limit = int(p.get("limit") or 100)
            offset = int(p.get("offset") or 0)
        except ValueError:
            raise StarskopeError("limit and offset must be integers") from None
        return cls(
            q=str(p.get("q") or "").strip(),
            mission=str(p.get("mission") or "").strip(),
            flag=str(p.get("flag") or "").strip(),
            min_snr=_float(p.get("min_snr"), "min_snr"),
            min_period=_float(p.get("min_period"), "min_period"),
            max_period=_float(p.get("max_period"), "max_period"),
            min_score=_float(p.get("min_score"), "min_score"),
            planet_like=str(p.get("planet_like") or "").lower() in ("1", "true", "on", "yes"),
            sort=sort,
            order=order,
            limit=max(1, min(limit, 1000)),
            offset=max(0, min(offset, 10**12)),  # DuckDB's OFFSET is a 64-bit integer
        )

    def params(self, **changes: Any) -> dict[str, Any]:
        """URL parameters of this query (with ``changes``), empty values left out."""
        d = dataclasses.asdict(dataclasses.replace(self, **changes))
        d["planet_like"] = "1" if d["planet_like"] else ""
        return {k: v for k, v in d.items() if v not in (None, "", False)}

    def where(self) -> tuple[str, list[Any]]:
        conds, args = [], []
        from ..catalog.store import _like_escape

        # typed text is matched literally: a "_" or "%" in it is no wildcard
        if self.q:
            like = "ILIKE ? ESCAPE '\\'"
            conds.append(f"(s.target {like} OR s.input_id {like} OR c.known {like})")
            args += [f"%{_like_escape(self.q)}%"] * 3
        if self.mission:
            conds.append("s.mission ILIKE ? ESCAPE '\\'")
            args.append(_like_escape(self.mission))
        if self.flag == "none":
            conds.append("json_array_length(c.flags) = 0")
        elif self.flag:
            conds.append("json_contains(c.flags, ?)")
            args.append(json.dumps(self.flag))
        for expr, op, v in (
            ("c.snr", ">=", self.min_snr),
            ("c.period_days", ">=", self.min_period),
            ("c.period_days", "<=", self.max_period),
            ("s.score", ">=", self.min_score),
        ):
            if v is not None:
                conds.append(f"{expr} {op} ?")
                args.append(v)
        if self.planet_like:
            conds.append("c.is_planet_like")
        return (" WHERE " + " AND ".join(conds)) if conds else "", args


#: Seconds an app SQL query may run before it is interrupted.
SQL_TIMEOUT_S = 10.0
#: Memory DuckDB may use for the app's connection.
SQL_MEMORY = "2GB"
#: Characters of one SQL result cell shown; longer text is cut, saying how long it was.
SQL_MAX_CELL = 2000


class CatalogView:
    """A scan catalog opened read-only for the app.

    Parameters
    ----------
    path : str or path-like
        The ``.duckdb`` file written by ``starskope scan``.
    """

    def __init__(self, path):
        from ..catalog import Catalog

        self.path = str(path)
        self._cat = Catalog(path, read_only=True)
        con = self._cat.con
        con.execute("SET enable_external_access = false")
        # what one query typed in the app may take (DuckDB's default is most of the machine)
        con.execute(f"SET memory_limit = '{SQL_MEMORY}'")
        con.execute("SET lock_configuration = true")
        self._lock = threading.Lock()
        self._config: PipelineConfig | None = None
        self._read_kw: dict | None = None
        self._changed: dict[tuple, bool] = {}

    def close(self) -> None:
        self._cat.close()

    def _run(self, sql: str, args=()):
        with self._lock:
            return self._cat.query(sql, list(args))

    def candidates(self, query: CandidateQuery) -> tuple[list[dict[str, Any]], int]:
        """One page of candidate rows (dicts, ``flags`` as a list) and the total matching."""
        where, args = query.where()
        _, total = self._run(
            "SELECT count(*) FROM candidates c JOIN stars s USING (input_id)" + where, args
        )
        rows = self.candidate_rows(query, limit=query.limit, offset=query.offset)
        return rows, int(total[0][0])

    def candidate_rows(self, query: CandidateQuery, *, limit: int | None, offset: int = 0):
        """Rows matching ``query`` in its order (``limit=None``: all of them)."""
        where, args = query.where()
        direction = "ASC" if query.order == "asc" else "DESC"
        # ties (every score NULL in a scan that ran no model) in `catalog top`'s order:
        # stars with a candidate first, planet-like signals first, then by SNR
        sql = (
            f"{_SELECT}{where} ORDER BY {SORTABLE[query.sort]} {direction} NULLS LAST,"
            " s.is_candidate DESC, c.is_planet_like DESC, c.snr DESC NULLS LAST,"
            " s.input_id, c.candidate_index"
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args = [*args, int(limit), int(offset)]
        cols, rows = self._run(sql, args)
        out = []
        for r in rows:
            d = dict(zip(cols, r, strict=True))
            try:
                d["flags"] = json.loads(d["flags"]) if d["flags"] else []
            except ValueError:
                d["flags"] = []
            out.append(d)
        return out

    def missions(self) -> list[str]:
        _, rows = self._run(
            "SELECT DISTINCT mission FROM stars WHERE mission IS NOT NULL ORDER BY 1"
        )
        return [r[0] for r in rows]

    def flag_names(self) -> list[str]:
        _, rows = self._run(
            "SELECT DISTINCT unnest(CAST(flags AS VARCHAR[])) AS f FROM candidates ORDER BY 1"
        )
        return [r[0] for r in rows if r[0]]

    def counts(self) -> dict[str, int]:
        with self._lock:
            return self._cat.counts()

    def star(self, input_id: str) -> StarResult | None:
        """The stored result of one input, or None."""
        _, rows = self._run("SELECT result_json FROM stars WHERE input_id = ?", [input_id])
        return StarResult.from_json(rows[0][0]) if rows else None

    def config(self) -> PipelineConfig:
        """The pipeline settings of the catalog's runs (defaults where not recorded)."""
        if self._config is None:
            from ..report.build import catalog_config

            with self._lock:
                self._config = catalog_config(self._cat)
        return self._config

    def table_changed(self, input_id: str) -> bool:
        """True when ``input_id`` is a row of a table whose content changed since the scan
        (checked again whenever the file's size or modification time moves)."""
        from ..result import split_row_id

        table, row = split_row_id(input_id)
        if row is None:
            return False
        return self._table_changed(table)

    def file_changed(self, input_id: str) -> bool:
        """True when ``input_id`` is a single file whose size or modification time differs
        from what the scan recorded (a file rewritten with the same star and number of
        cadences got plots of the new data; ``report --catalog`` refused them)."""
        from ..catalog.store import file_stamp
        from ..result import split_row_id

        if split_row_id(input_id)[1] is not None:
            return False
        with self._lock:
            return bool(self._cat.changed_files({input_id: file_stamp(input_id)}))

    def _table_changed(self, table: str) -> bool:
        import os

        try:
            st = os.stat(table)
            key = (table, st.st_size, st.st_mtime_ns)
        except OSError:
            key = (table, None, None)
        if key not in self._changed:
            from ..catalog.store import content_changed

            with self._lock:
                recorded = self._cat.recorded_table(table)
            # the file's MD5 outside the lock: every page waits on it
            self._changed[key] = content_changed(table, recorded)
        return self._changed[key]

    def read_options(self) -> dict:
        """The columns the catalog's scan read (see :func:`starskope.report.build.read_options`)."""
        if self._read_kw is None:
            from ..report.build import read_options

            with self._lock:
                self._read_kw = read_options(self._cat)
        return self._read_kw

    def sql(
        self, text: str, *, max_rows: int = 1000, timeout: float | None = None
    ) -> tuple[list[str], list[tuple], bool]:
        """Run one read-only SQL statement; return (columns, rows, truncated).

        A query still running after ``timeout`` seconds (default :data:`SQL_TIMEOUT_S`) is
        interrupted: the catalog has one connection, and every page of the app waits for it.

        Raises
        ------
        StarskopeError
            For anything but a single SELECT-like statement, SQL DuckDB rejects, or a query
            interrupted at ``timeout``.
        """
        import duckdb

        text = (text or "").strip()
        if not text:
            raise StarskopeError("type a SELECT statement")
        with self._lock:
            con = self._cat.con
            try:
                stmts = con.extract_statements(text)
            except duckdb.Error as exc:
                raise StarskopeError(f"query failed: {str(exc).splitlines()[0]}") from exc
            if not stmts:
                raise StarskopeError("no statement to run (only a comment?): type a SELECT")
            if len(stmts) != 1:
                raise StarskopeError("one statement at a time, please")
            allowed = {duckdb.StatementType.SELECT}
            if stmts[0].type not in allowed:
                raise StarskopeError(
                    f"only SELECT queries are allowed here (got {stmts[0].type.name})"
                )
            timeout = SQL_TIMEOUT_S if timeout is None else float(timeout)
            timer = threading.Timer(timeout, con.interrupt)
            timer.start()
            try:
                cur = con.execute(text)
                cols = [d[0] for d in cur.description or ()]
                rows = cur.fetchmany(max_rows + 1)
            except duckdb.InterruptException as exc:
                raise StarskopeError(
                    f"the query ran longer than {timeout:g} s and was stopped (the app shares one"
                    " connection); narrow it, or use starskope catalog query"
                ) from exc
            except duckdb.Error as exc:
                raise StarskopeError(f"query failed: {str(exc).splitlines()[0]}") from exc
            finally:
                timer.cancel()
        return cols, [tuple(_cell(v) for v in r) for r in rows[:max_rows]], len(rows) > max_rows


def _cell(v):
    """A result cell as shown: text longer than :data:`SQL_MAX_CELL` characters is cut, and
    so is a list, struct or map (DuckDB's LIST, STRUCT, MAP, ARRAY) as its text: `SELECT
    range(5000000)` rendered a 44 MB page and held gigabytes in the server."""
    if isinstance(v, list | tuple | dict | set):
        # the text of at most as many items as characters shown (never the whole list's)
        text = str(list(v)[:SQL_MAX_CELL] if isinstance(v, list | tuple) else v)
        if len(text) > SQL_MAX_CELL:
            n = len(v)
            return f"{text[:SQL_MAX_CELL]}... ({n} {'entry' if n == 1 else 'entries'})"
        return text
    if isinstance(v, str | bytes) and len(v) > SQL_MAX_CELL:
        return f"{v[:SQL_MAX_CELL]!s}... ({len(v)} characters)"
    return v
