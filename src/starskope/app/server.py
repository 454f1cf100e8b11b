"""The FastAPI application: candidate table, star pages, uploads, CSV export, read-only SQL.

Pages are rendered on the server with jinja2 and work without JavaScript (sorting and
filtering are links and a GET form); the plots are drawn in the browser by the bundled
``static/plot.js`` from JSON made by :mod:`starskope.app.plotdata`. Nothing is fetched from the
internet.
"""

import contextlib
import csv
import io
import json
import threading
import types
from collections import OrderedDict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from ..exceptions import StarskopeError
from ..result import StarResult
from .store import COLUMNS

__all__ = ["create_app"]

_HERE = Path(__file__).resolve().parent
# the catalog table's columns, less the per-star decision repeated on every candidate row
_CSV_COLUMNS = tuple(c for c in COLUMNS if c != "is_candidate")


class _PlotCache:
    """Plot data of catalog stars, recomputed from their files; the last ``size`` kept."""

    def __init__(self, size: int = 16):
        self.size = size
        self._d: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                return self._d[key]
        return None

    def put(self, key: str, value: bytes) -> None:
        with self._lock:
            self._d[key] = value
            while len(self._d) > self.size:
                self._d.popitem(last=False)


def _warm_known() -> None:
    """Load the known-object catalogue once, so that the first star page does not wait for it."""
    try:
        from ..catalogs import known_objects

        known_objects()
    except Exception:  # an app without the catalogue still works; pages just lack the match
        pass


def _spreadsheet_safe(value):
    """A CSV cell a spreadsheet will not run: text starting with ``= + - @`` (a file or target
    name) gets a leading apostrophe, as OWASP advises; None is empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _not_the_scanned(result: StarResult, again: StarResult) -> bool:
    """True when a light curve read and analysed again (``again``) is clearly not the one
    behind the stored ``result``: another target, or another number of cadences."""
    if None not in (result.n_points, again.n_points) and again.n_points != result.n_points:
        return True
    return bool(result.target and again.target and result.target != again.target)


def _fits_ns(fits) -> list:
    return [None if f is None else types.SimpleNamespace(**f) for f in fits or ()]


def create_app(
    *,
    catalog=None,
    max_upload_bytes: int = 50 * 1024 * 1024,
    upload_timeout: float = 120.0,
    max_running: int = 2,
    known: bool = True,
    allowed_hosts=None,
    upload_memory_mb: float | None = None,
):
    """Build the web app.

    Parameters
    ----------
    catalog : str or path-like, optional
        A scan's DuckDB catalog, opened read-only; without one the app offers uploads only.
    max_upload_bytes : int, optional
        Largest upload accepted.
    upload_timeout : float, optional
        Seconds a worker may spend on one upload before it is stopped.
    max_running : int, optional
        Uploads analysed at once.
    known : bool, optional
        Match a star's candidates against the known-object catalogue on its page (the
        catalogue is loaded in the background when the app starts).
    allowed_hosts : sequence of str, optional
        Host names the app answers to (requests naming another host get 400, and uploads
        sent from a page of another origin 403). ``starskope serve`` on a loopback interface
        passes the loopback names: a web page the user visits cannot then use the app, by
        DNS rebinding or a cross-site form. None: any host.
    upload_memory_mb : float, optional
        Address space of each upload's worker, MiB (default
        :data:`starskope.app.jobs.DEFAULT_MEMORY_MB`).

    Returns
    -------
    `fastapi.FastAPI`
    """
    import jinja2
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
    from fastapi.staticfiles import StaticFiles

    from ..report.html import _num, candidate_parameters, star_title
    from .jobs import DEFAULT_MEMORY_MB, JobManager
    from .store import SORTABLE, CandidateQuery, CatalogView

    view = CatalogView(catalog) if catalog is not None else None
    jobs = JobManager(
        timeout=upload_timeout,
        max_running=max_running,
        memory_mb=DEFAULT_MEMORY_MB if upload_memory_mb is None else upload_memory_mb,
    )
    plots = _PlotCache()

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _num
    env.globals["star_title"] = star_title

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        if known:
            threading.Thread(target=_warm_known, daemon=True).start()
        yield
        jobs.close()
        if view is not None:
            view.close()

    app = FastAPI(
        title="starskope", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.catalog = view
    app.state.jobs = jobs
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    if allowed_hosts is not None:
        hosts = {h.strip("[]").lower() for h in allowed_hosts}

        named = ", ".join(sorted(hosts))

        @app.middleware("http")
        async def _same_host(request: Request, call_next):
            from urllib.parse import urlsplit

            header = request.headers.get("host", "")
            try:
                host = urlsplit("//" + header).hostname or ""
            except ValueError:  # "[::1" and the like
                host = ""
            if host.lower() not in hosts:
                return Response(
                    f"unknown host {header[:100]!r}: this app, served on a loopback interface,"
                    f" answers only to {named}",
                    status_code=400,
                    media_type="text/plain",
                )
            origin = request.headers.get("origin")
            if request.method not in ("GET", "HEAD") and origin is not None:
                # the same origin: scheme, host and port of the page that sent it (another
                # local server, on another port, is another origin)
                own = f"{request.url.scheme}://{header}".lower()
                if origin.lower().rstrip("/") != own:
                    return Response(
                        f"request from another origin ({origin[:100]}) refused",
                        status_code=403,
                        media_type="text/plain",
                    )
            return await call_next(request)

    def page(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("catalog_path", view.path if view is not None else None)
        ctx.setdefault("max_upload_mb", max_upload_bytes / 1024 / 1024)
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=status)

    def error_page(message: str, status: int = 400) -> HTMLResponse:
        return page("error.html.j2", status=status, message=message, title="Error")

    @app.exception_handler(StarskopeError)
    async def _starskope_error(request: Request, exc: StarskopeError):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc)}, status_code=400)
        return error_page(str(exc))

    def star_context(result: StarResult, fits=()) -> dict[str, Any]:
        cands = []
        for i, c in enumerate(result.candidates):
            fit = fits[i] if i < len(fits) else None
            known = (
                (c.extra or {}).get("known")
                if isinstance((c.extra or {}).get("known"), dict)
                else None
            )
            cands.append(
                {
                    "index": i + 1,
                    "c": c,
                    "params": candidate_parameters(c, fit),
                    "known": known or ({"label": c.known} if c.known else None),
                }
            )
        return {"r": result, "candidates": cands, "title": star_title(result)}

    # ------------------------------------------------------------------ table
    @app.get("/", response_class=HTMLResponse)
    def table(request: Request):
        if view is None:
            return page("home.html.j2", title="starskope")
        query = CandidateQuery.from_params(request.query_params)
        rows, total = view.candidates(query)

        def link(**changes: Any) -> str:
            return "?" + urlencode(query.params(**changes))

        def sort_link(col: str) -> str:
            order = "asc" if (query.sort == col and query.order == "desc") else "desc"
            return link(sort=col, order=order, offset=0)

        return page(
            "table.html.j2",
            title="starskope candidates",
            rows=rows,
            total=total,
            query=query,
            sortable=SORTABLE,
            sort_link=sort_link,
            prev_link=link(offset=max(0, query.offset - query.limit)) if query.offset else None,
            next_link=link(offset=query.offset + query.limit)
            if query.offset + query.limit < total
            else None,
            # every matching row, in the table's order: no page of it
            export_link="/export.csv?"
            + urlencode({k: v for k, v in query.params(offset=0).items() if k != "limit"}),
            missions=view.missions(),
            flag_names=view.flag_names(),
            urlencode=urlencode,
        )

    @app.get("/api/candidates")
    def api_candidates(request: Request):
        if view is None:
            return JSONResponse({"rows": [], "total": 0})
        query = CandidateQuery.from_params(request.query_params)
        rows, total = view.candidates(query)
        return JSONResponse({"rows": rows, "total": total}, headers={"Cache-Control": "no-store"})

    @app.get("/export.csv")
    def export_csv(request: Request):
        if view is None:
            raise StarskopeError("no catalog is open, so there is nothing to export")
        query = CandidateQuery.from_params(request.query_params)
        rows = view.candidate_rows(query, limit=None)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(_CSV_COLUMNS)
        for r in rows:
            w.writerow(
                [_spreadsheet_safe(";".join(r[c]) if c == "flags" else r[c]) for c in _CSV_COLUMNS]
            )
        return Response(
            buf.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="starskope-candidates.csv"'},
        )

    # ------------------------------------------------------------------ stars
    @app.get("/star", response_class=HTMLResponse)
    def star(id: str = ""):
        if view is None:
            return error_page("no catalog is open; upload a light curve instead", 404)
        result = view.star(id)
        if result is None:
            return error_page(f"no star {id!r} in the catalog", 404)
        return page(
            "star.html.j2",
            plots_url="/api/plots?" + urlencode({"id": id}),
            known_url=("/api/known?" + urlencode({"id": id})) if known else None,
            source="catalog",
            **star_context(result),
        )

    @app.get("/api/known")
    def api_known(id: str = ""):  # the known-object match can take a second: asked for apart
        if view is None or not known:
            return JSONResponse({"error": "not available"}, status_code=404)
        result = view.star(id)
        if result is None:
            return JSONResponse({"error": f"no star {id!r} in the catalog"}, status_code=404)
        from ..report.build import annotate_known

        out = []
        for c in annotate_known(result).candidates:
            k = (c.extra or {}).get("known")
            out.append(k if isinstance(k, dict) else ({"label": c.known} if c.known else None))
        return JSONResponse({"known": out})

    @app.get("/api/plots")
    def api_plots(id: str = ""):
        if view is None:
            return JSONResponse({"error": "no catalog is open"}, status_code=404)
        cached = plots.get(id)
        if cached is not None:
            return Response(cached, media_type="application/json")
        result = view.star(id)
        if result is None:
            return JSONResponse({"error": f"no star {id!r} in the catalog"}, status_code=404)
        from ..pipeline import analyse_full
        from ..report.build import _matching_fits, lightcurve_for
        from .plotdata import star_plot_data

        if view.table_changed(id):
            return JSONResponse(
                {"error": f"the table of {id} changed since it was scanned, so there are no plots"},
                status_code=409,
            )
        if view.file_changed(id):
            return JSONResponse(
                {
                    "error": f"{id} changed since it was scanned (its size or time), so there are no plots"
                },
                status_code=409,
            )
        lc = lightcurve_for(result, id, **view.read_options())
        if lc is None:
            return JSONResponse(
                {"error": f"the light curve {id} can no longer be read, so there are no plots"},
                status_code=404,
            )
        try:
            full = analyse_full(lc, view.config())
        except StarskopeError as exc:
            return JSONResponse({"error": f"could not redraw: {exc}"}, status_code=422)
        if _not_the_scanned(result, full.result):  # a file replaced under the same name
            return JSONResponse(
                {
                    "error": f"{id} is not the light curve that was scanned (now"
                    f" {full.result.target or 'no target'}, {full.result.n_points} cadences;"
                    f" then {result.target or 'no target'}, {result.n_points} cadences), so"
                    " there are no plots"
                },
                status_code=409,
            )
        import dataclasses

        fits = _matching_fits(full.result, result, tuple(full.fits or ()))
        full = dataclasses.replace(full, result=result, fits=fits)
        body = json.dumps(star_plot_data(full), separators=(",", ":")).encode()
        plots.put(id, body)
        return Response(body, media_type="application/json")

    # ------------------------------------------------------------------ uploads
    @app.get("/upload", response_class=HTMLResponse)
    def upload_form():
        return page("upload.html.j2", title="Analyse a light curve", error=None)

    @app.post("/upload")
    async def upload(request: Request):
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            # a chunked body would be spooled to disk whole before its size is known
            return page(
                "upload.html.j2",
                status=411,
                title="Analyse a light curve",
                error="The upload must say its length (Content-Length); send it from the form.",
            )
        if int(length) > max_upload_bytes + 65536:
            return page(
                "upload.html.j2",
                status=413,
                title="Analyse a light curve",
                error=f"The file is larger than the {max_upload_bytes / 1048576:g} MB limit.",
            )
        try:
            form = await request.form(max_files=1, max_fields=10)
        except Exception as exc:
            return page(
                "upload.html.j2",
                status=400,
                title="Analyse a light curve",
                error=f"The upload could not be read ({exc}).",
            )
        item = form.get("file")
        if item is None or isinstance(item, str) or not getattr(item, "filename", ""):
            return page(
                "upload.html.j2",
                status=400,
                title="Analyse a light curve",
                error="Choose a light-curve file to upload.",
            )
        data = await item.read(max_upload_bytes + 1)
        await item.close()
        if len(data) > max_upload_bytes:
            return page(
                "upload.html.j2",
                status=413,
                title="Analyse a light curve",
                error=f"The file is larger than the {max_upload_bytes / 1048576:g} MB limit.",
            )
        if not data:
            return page(
                "upload.html.j2",
                status=400,
                title="Analyse a light curve",
                error=f"The file {item.filename} is empty.",
            )
        cadence = str(form.get("cadence") or "").strip()
        try:
            from ..io.series import check_cadence

            minutes = check_cadence(cadence) if cadence else None
        except StarskopeError as exc:
            from .jobs import form_words

            return page(
                "upload.html.j2",
                status=400,
                title="Analyse a light curve",
                error=form_words(str(exc)),
            )
        try:
            job = jobs.submit(item.filename, data, cadence_minutes=minutes)
        except StarskopeError as exc:
            return page("upload.html.j2", status=429, title="Analyse a light curve", error=str(exc))
        return RedirectResponse(f"/job/{job.id}", status_code=303)

    @app.get("/api/job/{job_id}")
    def api_job(job_id: str):
        job = jobs.get(job_id)
        if job is None:
            return JSONResponse({"error": "no such job"}, status_code=404)
        return JSONResponse(job.status(), headers={"Cache-Control": "no-store"})

    @app.get("/api/job/{job_id}/plots")
    def api_job_plots(job_id: str):
        job = jobs.get(job_id)
        if job is None or job.payload is None:
            return JSONResponse({"error": "no finished job with this id"}, status_code=404)
        return JSONResponse(job.payload["plots"])

    @app.get("/job/{job_id}", response_class=HTMLResponse)
    def job_page(job_id: str):
        job = jobs.get(job_id)
        if job is None:
            return error_page("no such upload (the app keeps only recent ones)", 404)
        if job.stage == "done" and job.payload is not None:
            result = StarResult.from_dict(job.payload["result"])
            return page(
                "star.html.j2",
                plots_url=f"/api/job/{job_id}/plots",
                known_url=None,
                source=f"upload {job.filename}",
                **star_context(result, _fits_ns(job.payload.get("fits"))),
            )
        verb = "Could not analyse" if job.stage == "failed" else "Analysing"
        return page("job.html.j2", title=f"{verb} {job.filename}", job=job.status())

    # ------------------------------------------------------------------ SQL
    @app.get("/sql", response_class=HTMLResponse)
    def sql_page(q: str = ""):
        if view is None:
            return error_page("no catalog is open, so there is nothing to query", 404)
        cols, rows, truncated, error = [], [], False, None
        if q.strip():
            try:
                cols, rows, truncated = view.sql(q)
            except StarskopeError as exc:
                error = str(exc)
        return page(
            "sql.html.j2",
            status=400 if error else 200,
            title="SQL (read-only)",
            q=q,
            cols=cols,
            rows=rows,
            truncated=truncated,
            error=error,
        )

    return app
