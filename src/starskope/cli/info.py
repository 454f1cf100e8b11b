"""``starskope info FILE...``: what each light-curve file is (mission, target, points, cadence,
span, time system, flux column).

Bad files are reported one line each on stderr (``starskope: error: <file>: <problem>``), the
others are still shown, and the exit status is 1 when any input failed.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import typer

from . import app
from ._help import CADENCE_HELP, FORMAT_HELP

__all__ = ["info", "info_record"]


def info_record(ident: str, lc) -> dict:
    """The JSON-ready summary of one light curve (what ``info --json`` prints per input)."""
    m = lc.meta

    def num(x, nd):
        return None if x is None or not math.isfinite(x) else round(float(x), nd)

    return {
        "file": ident,
        "product": m.product,
        "mission": m.mission,
        "target": m.target,
        "segment": m.segment,
        "n_points": len(lc),
        "n_valid": lc.n_valid,
        "cadence_min": num(lc.cadence * 1440.0, 4),
        "span_days": num(lc.time_span, 4),
        "time_format": lc.time_format,
        "time_system": lc.time_system,
        "t_start": num(float(lc.t[0]) if len(lc) else None, 6),
        "flux_column": m.flux_column,
        "flux_unit": m.flux_unit,
        "ra": m.ra,
        "dec": m.dec,
        "label": m.label,
    }


@app.command()
def info(
    files: list[str] = typer.Argument(
        ..., help="Light-curve files, folders (recursive), globs or Kaggle tables."
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per input per line."),
    format: str | None = typer.Option(None, "--format", help=FORMAT_HELP),
    flux_column: str | None = typer.Option(None, "--flux-column", help="Flux column to use."),
    time_column: str | None = typer.Option(None, "--time-column", help="Time column to use."),
    cadence_minutes: float | None = typer.Option(None, "--cadence-minutes", help=CADENCE_HELP),
) -> None:
    """Describe light-curve files: mission, target, valid points, cadence, span, time system."""
    from ..exceptions import StarskopeError
    from ..io import iter_read

    table = None
    if not as_json:
        from rich.table import Table

        table = Table(title="starskope info")
        for col, justify in (
            ("file", "left"),
            ("mission", "left"),
            ("target", "left"),
            ("valid points", "right"),
            ("cadence (min)", "right"),
            ("span (d)", "right"),
            ("time system", "left"),
            ("flux column", "left"),
        ):
            table.add_column(col, justify=justify, overflow="fold")
    n_bad = n_ok = 0
    items = iter_read(
        [str(f) for f in files],
        format=format,
        flux_column=flux_column,
        time_column=time_column,
        cadence_minutes=cadence_minutes,
    )
    for ident, item in items:
        if isinstance(item, StarskopeError):
            n_bad += 1
            print(f"starskope: error: {_one_line(item, ident)}", file=sys.stderr, flush=True)
            if as_json:
                print(json.dumps({"file": ident, "error": str(item)}), flush=True)
            continue
        n_ok += 1
        rec = info_record(ident, item)
        if as_json:
            print(json.dumps(rec), flush=True)
            continue
        from rich.markup import escape  # names and headers are text, never markup

        table.add_row(
            escape(_short(ident)),
            escape(rec["mission"] or "?"),
            escape(rec["target"] or "?"),
            str(rec["n_valid"]),
            "" if rec["cadence_min"] is None else f"{rec['cadence_min']:.2f}",
            "" if rec["span_days"] is None else f"{rec['span_days']:.2f}",
            _SHORT_TIME.get(rec["time_format"], rec["time_format"]),
            escape(rec["flux_column"] or "?"),
        )
    if table is not None and n_ok:
        from ._paths import console as _console

        console = _console()
        console.print(table)
    if not n_ok and not n_bad:
        from ..io.registry import no_light_curves

        raise no_light_curves(files)
    if n_bad:
        raise SystemExit(1)  # (typer.Exit's code is dropped by main() with standalone_mode off)


_SHORT_TIME = {"bkjd": "BKJD", "btjd": "BTJD", "jd": "BJD_TDB", "relative": "relative"}


def _one_line(err, ident: str) -> str:
    text = " ".join(str(err).split())
    return text if err.path or not ident else f"{ident}: {text}"


def _short(ident: str, width: int = 48) -> str:
    name = Path(ident.split("#", 1)[0]).name + (
        "#" + ident.split("#", 1)[1] if "#" in ident else ""
    )
    return name if len(name) <= width else "…" + name[-(width - 1) :]
