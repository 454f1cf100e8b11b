"""``starskope scan`` (survey on Dask into a DuckDB catalog) and ``starskope catalog
top|show|common|query``."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import typer

from ..exceptions import StarskopeError
from ..result import json_safe
from . import app
from ._help import CADENCE_HELP
from ._paths import console as _console
from ._paths import output_dir
from .search import (
    DURATIONS_HELP,
    PULSATIONS_HELP,
    QUALITY_HELP,
    SUBTRACT_REPEATS_HELP,
    search_options,
)

__all__ = ["catalog_app", "scan_command"]

catalog_app = typer.Typer(
    name="catalog",
    help="Read a scan's DuckDB catalog: top candidates, one target, common signals, or any SQL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog_app, name="catalog")


@app.command("scan")
def scan_command(
    inputs: list[str] = typer.Argument(
        ..., help="Files, folders, globs, manifest CSVs or Kaggle tables."
    ),
    catalog: Path = typer.Option(..., "--catalog", "-c", help="DuckDB catalog file (resumed)."),
    workers: int | None = typer.Option(
        None, "--workers", "-w", help="Local worker processes (default: CPU count)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Use a running Dask scheduler, e.g. tcp://host:8786."
    ),
    method: str = typer.Option("bls", "--method", help="Period search: bls or tls."),
    max_planets: int | None = typer.Option(
        None, "--max-planets", help="Signals searched per star (default from the config)."
    ),
    alternate_peaks: int | None = typer.Option(
        None,
        "--alternate-peaks",
        help="When the strongest periodogram peak is not significant, measure up to this many"
        " of the next peaks (default 3; 0: stop at the strongest).",
    ),
    subtract_repeats: int | None = typer.Option(
        None, "--subtract-repeats", help=SUBTRACT_REPEATS_HELP
    ),
    durations: str | None = typer.Option(None, "--durations", help=DURATIONS_HELP),
    quality_bitmask: str | None = typer.Option(None, "--quality-bitmask", help=QUALITY_HELP),
    prewhiten_pulsations: bool | None = typer.Option(
        None, "--prewhiten-pulsations/--no-prewhiten-pulsations", help=PULSATIONS_HELP
    ),
    export: tuple[str, Path] | None = typer.Option(
        None, "--export", help="Also export the catalog: --export parquet DIR.", show_default=False
    ),
    chunk_rows: int = typer.Option(4, "--chunk-rows", help="Kaggle table rows per task."),
    max_attempts: int = typer.Option(
        3, "--max-attempts", help="Tries of a star whose worker died before it becomes an error."
    ),
    retry_errors: bool = typer.Option(
        False,
        "--retry-errors",
        help="Try again the inputs of this run stored as errors by earlier runs (each error is"
        " replaced by the new outcome).",
    ),
    commit_every: float = typer.Option(
        1.0, "--commit-every", help="Seconds between catalog commits (0: after every task)."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log each commit to stderr."),
    flux_column: str | None = typer.Option(
        None, "--flux-column", help="Flux column (name or 0-based index) of light-curve tables."
    ),
    time_column: str | None = typer.Option(
        None, "--time-column", help="Time column (name or 0-based index) of light-curve tables."
    ),
    cadence_minutes: float | None = typer.Option(None, "--cadence-minutes", help=CADENCE_HELP),
    model: str | None = typer.Option(
        None,
        "--model",
        help="Also score each star with a classifier (e.g. gbm, original-cnn, or a model file"
        " every worker can read): 'score' becomes its calibrated probability of a transiting"
        " planet. Default: no model, score null.",
    ),
) -> None:
    """Analyse every star in INPUT... on Dask and store the results in a DuckDB catalog.

    Inputs that cannot be read or analysed become rows of the catalog's errors table (the
    first few named on stderr) and the scan goes on: it exits 0 when it finishes with at least
    one star analysed (the summary line counts the errors), 1 when every input it analysed
    failed, 2 when it cannot start or finds no light curve, 130 when interrupted (run it again
    to resume).
    """
    from ..config import PipelineConfig
    from ..scan import scan
    from ..scan.progress import RichProgress

    changes = search_options(
        method,
        max_planets,
        alternate_peaks,
        durations,
        subtract_repeats=subtract_repeats,
        quality_bitmask=quality_bitmask,
        prewhiten_pulsations=prewhiten_pulsations,
    )
    if export is not None and export[0].lower() != "parquet":
        raise StarskopeError(f"--export supports 'parquet' only; got {export[0]!r}")
    if export is not None:
        output_dir(export[1], what="--export folder")
    for opt, value, low in (
        ("--workers", workers, 1),
        ("--chunk-rows", chunk_rows, 1),
        ("--max-attempts", max_attempts, 1),
        ("--commit-every", commit_every, 0),
    ):
        if value is not None and value < low:
            raise StarskopeError(f"{opt} must be >= {low}; got {value}")
    if scheduler and workers is not None:
        raise StarskopeError("give --workers or --scheduler, not both")
    if verbose:
        logging.basicConfig(
            level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
        )
        logging.getLogger("starskope").setLevel(logging.INFO)
    config = PipelineConfig().replace(**changes)
    progress = RichProgress()
    try:
        summary = scan(
            inputs,
            catalog=catalog,
            config=config,
            workers=workers,
            scheduler=scheduler,
            chunk_rows=chunk_rows,
            max_attempts=max_attempts,
            retry_errors=retry_errors,
            progress=progress if progress.enabled else None,
            flush_seconds=commit_every,
            flux_column=flux_column,
            time_column=time_column,
            cadence_minutes=cadence_minutes,
            model=model,
        )
    except KeyboardInterrupt:
        print(
            f"starskope: interrupted: the stars finished so far are stored in {catalog}; run the"
            " same command again to resume",
            file=sys.stderr,
        )
        raise typer.Exit(130) from None
    print(summary.line())
    if summary.n_done + summary.n_errors + summary.n_skipped == 0:
        from ..io.registry import no_light_curves

        raise no_light_curves(inputs)
    if summary.n_errors:
        _say_errors(catalog, summary.run_id, summary.n_errors)
    if export is not None:
        from ..catalog import Catalog

        with Catalog(catalog, read_only=True) as cat:
            files = cat.export_parquet(export[1])
        print("exported " + ", ".join(str(f) for f in files))
    if summary.n_errors and not summary.n_done:
        raise typer.Exit(1)  # every input this run analysed failed


#: Errors of a run named on stderr (the rest are in the catalog's errors table).
_ERRORS_SHOWN = 5


def _say_errors(catalog, run_id: str, n_errors: int) -> None:
    """One ``starskope: error:`` line per failed input of the run (the first few), as
    ``search`` prints them, and the query that lists them all."""
    from ..catalog import Catalog

    with Catalog(catalog, read_only=True) as cat:
        _, rows = cat.query(
            "SELECT input_id, reason FROM errors WHERE run_id = ? ORDER BY input_id LIMIT ?",
            [run_id, _ERRORS_SHOWN],
        )
    for input_id, reason in rows:
        text = " ".join(str(reason).split())
        named = str(input_id).split("#row=")[0] in text  # a reader's message names its file
        print(f"starskope: error: {'' if named else f'{input_id}: '}{text}", file=sys.stderr)
    if n_errors > len(rows):
        print(
            f"starskope: {n_errors - len(rows)} more error(s): starskope catalog query --catalog"
            f' {catalog} "SELECT input_id, reason FROM errors"',
            file=sys.stderr,
        )


def _print_table(cols, rows, *, title: str | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=None if title is None else Text(title))
    for c in cols:
        table.add_column(Text(str(c)), overflow="fold")
    for r in rows:  # stored names and targets are text, never rich markup
        table.add_row(
            *(Text("" if v is None else _fmt(v, c)) for v, c in zip(r, cols, strict=False))
        )
    _console().print(table)


def _fmt(v, column="") -> str:
    """A cell: floats to six significant figures, but epochs (``t0``, ``t0_bjd``) to 1e-5 d
    (a full BJD to six figures, 2.4569e+06, is no ephemeris)."""
    if isinstance(v, float):
        return f"{v:.5f}" if "t0" in str(column).lower() else f"{v:.6g}"
    return str(v)


_CATALOG_OPT = typer.Option(..., "--catalog", "-c", help="DuckDB catalog file.")


@catalog_app.command("top")
def top_command(
    catalog: Path = _CATALOG_OPT,
    n: int = typer.Option(20, "--n", "-n", help="How many stars."),
    no_common: bool = typer.Option(
        False,
        "--no-common",
        help="Leave out stars whose planet-like candidates all recur in other stars observed"
        " together (see 'starskope catalog common').",
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """The most convincing stars: pipeline candidates first, then score, SNR and SDE."""
    from ..catalog import Catalog

    if n < 1:
        raise StarskopeError(f"--n must be >= 1; got {n}")
    with Catalog(catalog, read_only=True) as cat:
        cols, rows = cat.top(n=n, exclude_common=no_common)
    if as_json:
        for r in rows:
            print(json.dumps(json_safe(dict(zip(cols, r, strict=True))), default=str))
    else:
        _print_table(cols, rows, title=f"top {n} of {catalog}")


@catalog_app.command("show")
def show_command(
    target: str = typer.Argument(..., help="Target name, input id or path (or part of one)."),
    catalog: Path = _CATALOG_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print the stored StarResult JSON."),
) -> None:
    """Everything stored about one target: its result, candidates and errors."""
    from ..catalog import Catalog

    if not target.strip():
        raise StarskopeError("give a target name, input id or path (or part of one); got ''")
    with Catalog(catalog, read_only=True) as cat:
        results = cat.show(target)
        ecols, erows = cat.errors_for(target)
    if not results and not erows:
        raise StarskopeError(f"no star matching {target!r}", path=str(catalog))
    if as_json:
        for r in results:
            print(r.to_json())
        return
    for r in results:
        head = ["path", "target", "mission", "is_candidate", "score", "n_points", "reasons"]
        _print_table(
            head,
            [
                [
                    r.path,
                    r.target,
                    r.mission,
                    r.is_candidate,
                    r.score,
                    r.n_points,
                    "; ".join(r.reasons),
                ]
            ],
            title=r.target or r.path,
        )
        if r.candidates:
            keys = ["period_days", "t0", "duration_hours", "depth_ppm", "snr", "sde", "n_transits"]
            rows = [[getattr(c, k) for k in keys] + [", ".join(c.flags)] for c in r.candidates]
            _print_table([*keys, "flags"], rows, title="candidates")
    if erows:
        _print_table(ecols, erows, title="errors")


@catalog_app.command("common")
def common_command(
    catalog: Path = _CATALOG_OPT,
    alpha: float = typer.Option(
        1e-3,
        "--alpha",
        min=0.0,
        max=1.0,
        help="Chance probability below which a shared ephemeris is called common.",
    ),
    include_all: bool = typer.Option(
        False,
        "--all",
        help="List every significant candidate with its matches, not just the common ones.",
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """Signals that recur with the same ephemeris in several stars observed together.

    A dip at the same period and times in unrelated stars is the instrument's (K2 thruster
    firings) or a neighbour's light, not a planet of each (ephemeris matching, Coughlin et al.
    2014); see ``starskope.vet.ephemeris`` for the test and its chance probability.
    """
    from ..catalog import Catalog

    with Catalog(catalog, read_only=True) as cat:
        cols, rows = cat.common_signals(alpha=alpha, include_all=include_all)
    if as_json:
        for r in rows:
            print(json.dumps(json_safe(dict(zip(cols, r, strict=True))), default=str))
        return
    n_common = sum(1 for r in rows if r[cols.index("common")])
    _print_table(cols, rows, title=f"{n_common} common signal(s) in {catalog} (alpha {alpha:g})")


@catalog_app.command("query")
def query_command(
    sql: str = typer.Argument(..., help='SQL, e.g. "SELECT count(*) FROM stars".'),
    catalog: Path = _CATALOG_OPT,
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """Run SQL on the catalog, opened read-only: the catalog is never changed, while DuckDB's
    file functions work as in its own shell (COPY (SELECT ...) TO 'top.parquet' exports, and
    read_csv() reads other files); the web app's /sql page allows neither."""
    from ..catalog import Catalog

    with Catalog(catalog, read_only=True) as cat:
        cols, rows = cat.query(sql)
    if as_json:
        for r in rows:
            print(json.dumps(json_safe(dict(zip(cols, r, strict=True))), default=str))
    else:
        _print_table(cols, rows)
