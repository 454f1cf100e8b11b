"""Write report folders: one HTML page per star plus ``index.html``.

Two sources: light-curve files (read, analysed, drawn) and a scan's DuckDB catalog (its stored
results, drawn from the light-curve file again when that file can still be read).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import PipelineConfig
from ..exceptions import StarskopeError
from ..result import StarResult, split_row_id
from .html import IndexEntry, render_index, render_star, star_title

__all__ = [
    "ReportSummary",
    "annotate_known",
    "catalog_config",
    "read_options",
    "lightcurve_for",
    "page_name",
    "report_analyses",
    "report_catalog",
    "report_files",
    "star_page",
]


@dataclass(frozen=True)
class ReportSummary:
    """What a report run wrote.

    Attributes
    ----------
    index : Path
        The index page.
    pages : tuple of Path
        One page per star, in index order.
    n_failed : int
        Inputs that could not be analysed (they still get a page saying why).
    errors : tuple of str
        Their error messages (each names its input).
    """

    index: Path
    pages: tuple[Path, ...]
    n_failed: int
    errors: tuple[str, ...] = ()


def page_name(result: StarResult, used: set[str]) -> str:
    """A file name for the star's page, unique within ``used`` (which it updates)."""
    stem = star_title(result)
    if result.path:
        stem = Path(result.path.split("#", 1)[0]).name.split(".")[0] + "_" + (result.target or "")
        if result.row is not None:
            stem += f"_row{result.row}"
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_")[:100] or "star"
    name, k = base + ".html", 1
    while name in used:
        k += 1
        name = f"{base}_{k}.html"
    used.add(name)
    return name


def annotate_known(result: StarResult) -> StarResult:
    """Fill each candidate's ``known`` from the known-object catalogue (when not set yet).

    Errors of the catalogue (missing tables, bad coordinates) leave the result unchanged.
    """
    if not result.candidates or all(c.known for c in result.candidates):
        return result
    if not (result.target or (result.ra is not None and result.dec is not None)):
        return result
    from ..known import try_annotate_candidates

    cands, note = try_annotate_candidates(
        result.candidates,
        target=result.target,
        ra=result.ra,
        dec=result.dec,
        mission=result.mission,
    )
    if note is not None:
        return result
    return dataclasses.replace(result, candidates=cands)


def star_page(analysis, *, result: StarResult | None = None, known: bool = True, **render):
    """HTML of one star's page drawn from a pipeline `~starskope.pipeline.Analysis`.

    Parameters
    ----------
    analysis : `~starskope.pipeline.Analysis`
        The pipeline's products (light curves, periodogram, fits).
    result : `~starskope.result.StarResult`, optional
        Use this result for the text and tables instead of ``analysis.result`` (e.g. the one a
        catalog stored, with its model score); the transit fits are kept only for candidates
        whose period agrees.
    known : bool, optional
        Annotate candidates with the known-object catalogue.
    **render
        Passed to :func:`~starskope.report.html.render_star` (``index_href``, ``note``).

    Returns
    -------
    str
    """
    from .panels import star_panels

    fits = tuple(analysis.fits or ())
    if result is not None:
        fits = _matching_fits(analysis.result, result, fits)
        analysis = dataclasses.replace(analysis, result=result)
    res = annotate_known(analysis.result) if known else analysis.result
    analysis = dataclasses.replace(analysis, result=res)
    return render_star(res, panels=star_panels(analysis), fits=fits, **render)


def _matching_fits(old: StarResult, new: StarResult, fits):
    out = []
    for i, c in enumerate(new.candidates):
        f = fits[i] if i < len(fits) and i < len(old.candidates) else None
        if f is not None and not math.isclose(
            old.candidates[i].period_days, c.period_days, rel_tol=1e-6
        ):
            f = None
        out.append(f)
    return tuple(out)


def catalog_config(catalog, default: PipelineConfig = PipelineConfig()) -> PipelineConfig:
    """The pipeline settings a catalog's first run recorded (``default`` where not recorded).

    Parameters
    ----------
    catalog : `~starskope.catalog.Catalog`
        An open catalog.
    default : PipelineConfig, optional
        Settings for fields the run did not record.

    Returns
    -------
    PipelineConfig
    """
    import json

    _, rows = catalog.query("SELECT parameters FROM runs ORDER BY started_at LIMIT 1")
    if not rows or not rows[0][0]:
        return default
    try:
        params = json.loads(rows[0][0])
    except ValueError:
        return default
    # the scan's --model is its own setting, not the pipeline's (which runs no model)
    names = {f.name for f in dataclasses.fields(PipelineConfig)} - {"model"}
    changes = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items() if k in names}
    try:
        return default.replace(**changes)
    except TypeError:
        return default


def read_options(catalog) -> dict:
    """The read options of a catalog's scan (``flux_column``, ``time_column``,
    ``cadence_minutes``; empty for the readers' defaults), for reading its light curves again
    the same way."""
    import json

    _, rows = catalog.query("SELECT parameters FROM runs ORDER BY started_at LIMIT 1")
    try:
        params = json.loads(rows[0][0]) if rows and rows[0][0] else {}
    except ValueError:
        return {}
    keys = ("flux_column", "time_column", "cadence_minutes")
    return {k: params[k] for k in keys if params.get(k)}


def lightcurve_for(result: StarResult, input_id: str | None = None, **read_kw):
    """Read the light curve behind a stored result again (with the scan's ``read_kw``, see
    :func:`read_options`), or return None when it is gone. Only a trailing ``#row=N`` names a
    table row: a ``#`` elsewhere is part of the path."""
    from ..io import read

    src = input_id or result.path
    if not src:
        return None
    path, row = split_row_id(src)
    row = result.row if row is None else row
    if not Path(path).is_file():
        return None
    try:
        return read(path, row=row, **read_kw) if row is not None else read(path, **read_kw)
    except StarskopeError:
        return None


def _write(out: Path, name: str, text: str) -> Path:
    """Write one page, creating ``out`` on the first (so that a run with nothing to report
    leaves no empty folder); an unwritable place is a `StarskopeError`, not a traceback."""
    p = out / name
    try:
        out.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StarskopeError(
            f"cannot write the report page {name}: {exc.strerror or exc}", path=str(out)
        ) from exc
    return p


def report_analyses(
    analyses: Iterable, *, out, known: bool = True, title: str = "starskope report"
) -> ReportSummary:
    """Write pages for analyses already made (e.g. by ``starskope demo``) plus ``index.html``.

    Parameters
    ----------
    analyses : iterable of `~starskope.pipeline.Analysis`
        One per star.
    out : str or path-like
        Output folder (created).
    known : bool, optional
        Annotate candidates with the known-object catalogue.
    title : str, optional
        Index page title.

    Returns
    -------
    ReportSummary
    """
    out = Path(out)
    used: set[str] = {"index.html"}
    entries, pages = [], []
    for full in analyses:
        res = annotate_known(full.result) if known else full.result
        name = page_name(res, used)
        pages.append(_write(out, name, star_page(full, result=res, known=False)))
        entries.append(IndexEntry(res, name))
    index = _write(out, "index.html", render_index(entries, title=title))
    return ReportSummary(index, tuple(pages), 0)


def report_files(
    paths: Iterable[str] | str,
    *,
    out,
    config: PipelineConfig = PipelineConfig(),
    format: str | None = None,
    known: bool = True,
    title: str = "starskope report",
    cadence_minutes: float | None = None,
) -> ReportSummary:
    """Analyse light-curve files and write one page per star plus ``index.html`` into ``out``.

    Parameters
    ----------
    paths : str or iterable of str
        Files, folders or globs (as for :func:`starskope.io.iter_read`).
    out : str or path-like
        Output folder (created).
    config : PipelineConfig, optional
        Pipeline settings.
    format : str, optional
        Reader name (default: detected per file).
    known : bool, optional
        Annotate candidates with the known-object catalogue.
    title : str, optional
        Index page title.
    cadence_minutes : float, optional
        The samples' spacing of flux without times (see :mod:`starskope.io.series`).

    Returns
    -------
    ReportSummary
    """
    from ..io import iter_read
    from ..pipeline import analyse_full

    out = Path(out)
    used: set[str] = {"index.html"}
    entries, pages, n_failed, errors = [], [], 0, []
    for ident, item in iter_read(paths, format=format, cadence_minutes=cadence_minutes):
        if isinstance(item, StarskopeError):
            res = StarResult.from_error(ident, item)
            html_text = render_star(res)
        else:
            try:
                full = analyse_full(item, config)
            except StarskopeError as exc:
                res = StarResult.from_error(ident, exc, item)
                html_text = render_star(res)
            else:
                res = full.result
                if res.path != str(ident):
                    res = dataclasses.replace(res, path=str(ident))
                res = annotate_known(res) if known else res
                html_text = star_page(full, result=res, known=False)
        if res.error is not None:
            n_failed += 1
            errors.append(res.error if ident in res.error else f"{ident}: {res.error}")
        name = page_name(res, used)
        pages.append(_write(out, name, html_text))
        entries.append(IndexEntry(res, name))
    if not entries:
        raise StarskopeError("no light curves found in the inputs given")
    index = _write(out, "index.html", render_index(entries, title=title))
    return ReportSummary(index, tuple(pages), n_failed, tuple(errors))


def report_catalog(
    catalog,
    *,
    out,
    top: int = 20,
    config: PipelineConfig | None = None,
    redraw: bool = True,
    known: bool = True,
    title: str | None = None,
) -> ReportSummary:
    """Write pages for the ``top`` stars of a scan catalog (see `Catalog.top` for the order).

    Parameters
    ----------
    catalog : str or path-like
        The ``.duckdb`` file written by ``starskope scan``.
    out : str or path-like
        Output folder (created).
    top : int, optional
        How many stars.
    config : PipelineConfig, optional
        Settings used to redraw the figures (default: those the catalog's run recorded); the
        stored results are shown as stored.
    redraw : bool, optional
        Read each star's light curve again (when the file still exists) to draw the figures.
    known : bool, optional
        Annotate candidates with the known-object catalogue.
    title : str, optional
        Index page title (default names the catalog).

    Returns
    -------
    ReportSummary
    """
    from ..catalog import Catalog
    from ..catalog.store import file_stamp
    from ..pipeline import analyse_full

    if top < 1:
        raise StarskopeError(f"--top must be >= 1; got {top}")
    out = Path(out)
    with Catalog(catalog, read_only=True) as cat:
        if config is None:
            config = catalog_config(cat)
        read_kw = read_options(cat)
        cols, rows = cat.top(n=top)
        ids = [r[cols.index("input_id")] for r in rows]
        rows_of = {i: split_row_id(i) for i in ids}
        tables = {p for p, row in rows_of.values() if row is not None}
        changed = {t for t in tables if cat.table_file_changed(t)}
        # single files replaced since the scan (its recorded size and modification time)
        files = [i for i in ids if rows_of[i][1] is None]
        replaced = cat.changed_files({i: file_stamp(i) for i in files})
        stored = []
        for i in ids:
            _, got = cat.query("SELECT result_json FROM stars WHERE input_id = ?", [i])
            stored.append(StarResult.from_json(got[0][0]))
    used: set[str] = {"index.html"}
    entries, pages = [], []
    for input_id, res in zip(ids, stored, strict=True):
        res = annotate_known(res) if known else res
        page = None
        note = None
        if redraw and rows_of[input_id][0] in changed:
            note = (
                f"The table of {input_id} changed since it was scanned, so its row is another"
                " star now: no figures (the stored result stands)."
            )
        elif redraw and input_id in replaced:
            note = (
                f"The file {input_id} changed since it was scanned (its size or modification"
                " time): no figures, which would be of another light curve (the stored result"
                " stands; scan the folder again to analyse the new file)."
            )
        elif redraw:
            lc = lightcurve_for(res, input_id, **read_kw)
            if lc is None:
                note = (
                    f"The light curve {input_id} could not be read again, so there are no figures."
                )
            else:
                try:
                    page = star_page(analyse_full(lc, config), result=res, known=False)
                except StarskopeError as exc:
                    note = f"The figures could not be drawn: {exc}"
        if page is None:
            page = render_star(res, note=note)
        name = page_name(res, used)
        pages.append(_write(out, name, page))
        entries.append(IndexEntry(res, name))
    index = _write(
        out,
        "index.html",
        render_index(entries, title=title or f"starskope report: top {len(entries)} of {catalog}"),
    )
    return ReportSummary(index, tuple(pages), 0)
