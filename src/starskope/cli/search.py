"""``starskope search FILE...``: run the physics pipeline on light-curve files.

With ``--json`` one `~starskope.result.StarResult` JSON line per input (a file that cannot be
analysed gives a line with ``"error"`` and the run goes on; the exit code is 1 at the end if any
failed); otherwise a rich table.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import typer

from ..exceptions import StarskopeError
from . import app
from ._help import CADENCE_HELP, FORMAT_HELP
from ._paths import console as _console
from ._paths import count_stars, emit_result, output_dir

__all__ = ["search_command", "search_options"]

_METHODS = ("bls", "tls")


#: Help of the --subtract-repeats option of ``search`` and ``scan``.
SUBTRACT_REPEATS_HELP = (
    "A short-period binary or pulsator found again after masking is subtracted as its folded"
    " shape, up to this many passes, instead of taking every planet slot (default 2; 0: mask"
    " it again as any signal)."
)
#: Help of the --prewhiten-pulsations option of ``search`` and ``scan``.
PULSATIONS_HELP = (
    "Remove coherent pulsations faster than 3 cycles a day (a delta Scuti star's modes) as"
    " sinusoids before detrending (default on; a train of dips' harmonics and non-sinusoidal"
    " variables are left alone)."
)
#: Help of the --durations option of ``search`` and ``scan``.
DURATIONS_HELP = (
    "Trial transit durations in hours, comma-separated (default 1,1.5,2,3,4,6,8). Longer ones"
    " (a giant host's 12-24 h) lengthen the detrending window, 3x the longest; shorter ones"
    " (0.5 h, late M dwarfs) need a cadence below 15 min."
)


def parse_durations(text: str | None) -> tuple[float, ...] | None:
    """``"0.5,1,2"`` -> ``(0.5, 1.0, 2.0)``; None stays None; a bad list is one clear error."""
    if text is None:
        return None
    try:
        vals = tuple(sorted({float(x) for x in text.replace(" ", "").split(",") if x}))
    except ValueError:
        vals = ()
    if not vals or not all(0 < v <= 72 for v in vals):
        raise StarskopeError(
            f"--durations takes hours between 0 and 72, comma-separated (e.g. 1,2,4,8); got {text!r}"
        )
    return vals


#: Help of the --quality-bitmask option of ``search`` and ``scan``.
QUALITY_HELP = (
    "Mission quality flags that drop a cadence: default, hard, hardest (lightkurve's"
    " definitions for Kepler, K2 and TESS; a file of unknown mission keeps every cadence),"
    " none, or an integer bitmask, 0 to 4294967295 (default: default)."
)


def parse_bitmask(text: str | None) -> str | int | None:
    """``--quality-bitmask``: a named bitmask (lowercased) or a non-negative integer."""
    if text is None:
        return None
    from ..config import _CHOICES

    value = text.strip().lower()
    if value in _CHOICES["quality_bitmask"]:  # the names PipelineConfig takes
        return value
    try:
        number = int(value, 16) if value.startswith("0x") else int(value)  # 1130799, 0x1141bf
    except ValueError:
        number = -1
    if not 0 <= number < 2**32:
        raise StarskopeError(
            "--quality-bitmask takes default, hard, hardest, none or an integer from 0 to"
            f" 4294967295 (32 flag bits); got {text!r}"
        )
    return number


def search_options(
    method: str,
    max_planets: int | None,
    alternate_peaks: int | None,
    durations: str | None = None,
    subtract_repeats: int | None = None,
    quality_bitmask: str | None = None,
    prewhiten_pulsations: bool | None = None,
) -> dict:
    """`PipelineConfig` changes from the search options ``search`` and ``scan`` share; a bad
    value is a `StarskopeError` naming the option."""
    if method not in _METHODS:
        raise StarskopeError(f"--method must be one of {list(_METHODS)}; got {method!r}")
    changes: dict[str, object] = {"method": method}
    if max_planets is not None:
        if max_planets < 1:
            raise StarskopeError(f"--max-planets must be >= 1; got {max_planets}")
        changes["max_planets"] = max_planets
    if alternate_peaks is not None:
        if alternate_peaks < 0:
            raise StarskopeError(f"--alternate-peaks must be >= 0; got {alternate_peaks}")
        changes["alternate_peaks"] = alternate_peaks
    if subtract_repeats is not None:
        if subtract_repeats < 0:
            raise StarskopeError(f"--subtract-repeats must be >= 0; got {subtract_repeats}")
        changes["subtract_repeats"] = subtract_repeats
    hours = parse_durations(durations)
    if hours is not None:
        changes["durations_hours"] = hours
    bitmask = parse_bitmask(quality_bitmask)
    if bitmask is not None:
        changes["quality_bitmask"] = bitmask
    if prewhiten_pulsations is not None:
        changes["prewhiten_pulsations"] = bool(prewhiten_pulsations)
    return changes


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:120] or "star"


@app.command("search")
def search_command(
    files: list[str] = typer.Argument(..., help="Light-curve files, folders or globs."),
    json_out: bool = typer.Option(False, "--json", help="One JSON line per input."),
    plot: Path | None = typer.Option(
        None, "--plot", help="Write one diagnostic PNG per star into this folder."
    ),
    max_planets: int | None = typer.Option(
        None, "--max-planets", help="Most signals searched per star (default from the config)."
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
    method: str = typer.Option("bls", "--method", help="Period search: bls or tls."),
    durations: str | None = typer.Option(None, "--durations", help=DURATIONS_HELP),
    quality_bitmask: str | None = typer.Option(None, "--quality-bitmask", help=QUALITY_HELP),
    prewhiten_pulsations: bool | None = typer.Option(
        None, "--prewhiten-pulsations/--no-prewhiten-pulsations", help=PULSATIONS_HELP
    ),
    min_period: float | None = typer.Option(
        None,
        "--min-period",
        help="Shortest trial period in days (default 0.5; e.g. 0.2 for ultra-short periods, at"
        " the cost of a longer search).",
    ),
    max_period: float | None = typer.Option(
        None,
        "--max-period",
        help="Longest trial period in days (default and cap: half the baseline, two transits).",
    ),
    fmt: str | None = typer.Option(None, "--format", help=FORMAT_HELP),
    flux_column: str | None = typer.Option(
        None, "--flux-column", help="Flux column (name or 0-based index) of table files."
    ),
    time_column: str | None = typer.Option(
        None, "--time-column", help="Time column (name or 0-based index) of table files."
    ),
    cadence_minutes: float | None = typer.Option(None, "--cadence-minutes", help=CADENCE_HELP),
    detrend: str | None = typer.Option(
        None,
        "--detrend",
        help="Detrender for every star: biweight, savgol, spline, localpoly, rotation or none."
        " Default: biweight, and rotation (harmonics plus a local polynomial) for stars found"
        " strongly variable.",
    ),
    group: str = typer.Option(
        "none",
        "--group",
        help="'auto': analyse each star once from all its files (grouped by KIC/EPIC/TIC, "
        "catalogue names and sky position; segments stitched on BJD_TDB); 'none': per file.",
    ),
    bin_minutes: float | None = typer.Option(
        None, "--bin", help="With --group auto: bin finer cadences to this many minutes."
    ),
    model: str | None = typer.Option(
        None,
        "--model",
        help="Also score each star with a classifier (e.g. gbm, original-cnn): 'score' becomes "
        "its calibrated probability of a transiting planet. Default: no model, score null.",
    ),
    survey: bool = typer.Option(
        False,
        "--survey",
        help="Compare the stars with each other before printing: a signal at the same period"
        " and times in stars observed together (the rows of one table; files with BJD times) is"
        " flagged common_ephemeris and stops being planet-like (a model's score resting on it is"
        " moved to the star's next signal, or set to 0).",
    ),
) -> None:
    """Search FILE... for periodic transits, vet them and report candidates."""
    from ..config import PipelineConfig
    from ..io import iter_read
    from ..pipeline import analyse, analyse_full
    from ..result import StarResult

    changes = search_options(
        method,
        max_planets,
        alternate_peaks,
        durations,
        subtract_repeats=subtract_repeats,
        quality_bitmask=quality_bitmask,
        prewhiten_pulsations=prewhiten_pulsations,
    )
    for name, value in (("min", min_period), ("max", max_period)):
        if value is not None and not value > 0:
            raise StarskopeError(f"--{name}-period must be a positive number of days; got {value}")
    if max_period is not None:
        shortest = PipelineConfig.min_period_days if min_period is None else min_period
        if max_period <= shortest:
            raise StarskopeError(
                f"--max-period ({max_period}) must exceed --min-period ({shortest}"
                f"{', the default' if min_period is None else ''})"
            )
    if min_period is not None:
        changes["min_period_days"] = float(min_period)
    if max_period is not None:
        changes["max_period_days"] = float(max_period)
    if detrend is not None:
        from ..clean.detrend import DETRENDERS

        choices = sorted([*DETRENDERS, "rotation"])
        if detrend not in choices:
            raise StarskopeError(f"--detrend must be one of {choices}; got {detrend!r}")
        changes["detrend_method"] = detrend
        if detrend != "rotation":
            # the method asked for, on active stars too (their window still adapts)
            changes["active_detrend_method"] = None
    config = PipelineConfig().replace(**changes)
    plot_fn = None
    if plot is not None:
        output_dir(plot, what="--plot folder")
        try:
            from ..plotting import plot_diagnostics as plot_fn
        except ImportError as exc:
            raise StarskopeError(f"--plot needs starskope.plotting: {exc}") from exc

    if group not in ("none", "auto"):
        raise StarskopeError(f"--group must be 'none' or 'auto'; got {group!r}")
    if bin_minutes is not None and (group != "auto" or not 0 < bin_minutes < float("inf")):
        raise StarskopeError(
            f"--bin takes a positive number of minutes, with --group auto; got {bin_minutes}"
            + ("" if group == "auto" else " without --group auto")
        )
    scorer = None
    if model is not None:
        if group == "auto":
            raise StarskopeError(
                "--model scores single light curves; it cannot be combined with --group auto"
            )
        from ..models.predict import scored_result
        from ..models.registry import load_model

        loaded = load_model(model)

        def scorer(ident, lc, searched=None):
            return scored_result(ident, lc, model=loaded, config=config, searched=searched)

    items = iter_read(
        files,
        format=fmt,
        flux_column=flux_column,
        time_column=time_column,
        cadence_minutes=cadence_minutes,
    )
    if group == "auto":
        items = _grouped(items, config, bin_minutes)

    def analysed(advance):
        for ident, item in items:
            res = _one(ident, item)
            advance(1)
            yield res

    used: set[str] = set()

    def _plot(full, name: str) -> None:
        # one file per star, even for two inputs of the same name in different folders; a plot
        # that cannot be written is a warning, never the end of the run (the results still print)
        stem, k = name, 1
        while stem in used:
            k += 1
            stem = f"{name}_{k}"
        used.add(stem)
        out = plot / f"{stem}.png"
        try:
            plot_fn(full, path=out)
        except OSError as exc:
            typer.echo(
                f"starskope: warning: cannot write the plot {out}: {exc.strerror or exc}", err=True
            )

    def _one(ident, item):
        if isinstance(item, StarskopeError):
            return StarResult.from_error(ident, item)
        if not hasattr(item, "meta"):  # an Analysis from --group auto
            res = item.result
            if plot_fn is not None:
                _plot(item, _safe_name(res.target or str(ident)))
            return res
        try:
            searched = full = None  # the pipeline's result when --plot made it
            if plot_fn is not None:
                full = analyse_full(item, config)
                searched = full.result
                name = _safe_name(
                    Path(str(ident)).name.split(".")[0] + "_" + (searched.target or "")
                )
            if scorer is not None:  # the model runs the stages it needs itself
                try:
                    res = scorer(ident, item, searched)
                except StarskopeError:
                    if full is not None:  # the search's plot, though the model failed
                        _plot(full, name)
                    raise
            else:
                res = searched if searched is not None else analyse(item, config)
            if full is not None:  # drawn with the result printed: its score in the title
                shown = full if res.error is not None else dataclasses.replace(full, result=res)
                _plot(shown, name)
        except StarskopeError as exc:
            res = StarResult.from_error(ident, exc, item)
        if res.path != str(ident):
            res = dataclasses.replace(res, path=str(ident))
        return res

    from ..parallel import progress_bar

    results: list[StarResult] = []
    n_failed = n_seen = 0
    # a bar on a terminal (stderr), as predict, evaluate and train draw: a Kaggle table of
    # thousands of rows takes minutes
    total = None if group == "auto" else count_stars(files)
    with progress_bar("searching" if group != "auto" else "grouping", total) as advance:
        stream = analysed(advance)
        if survey:  # needs every star first: the results come at the end
            from ..vet.ephemeris import flag_common_signals

            stream = flag_common_signals(list(stream))
        for res in stream:
            n_seen += 1
            n_failed += emit_result(res, json_out=json_out, rows=results)
    if not n_seen:
        from ..io.registry import no_light_curves

        raise no_light_curves(files)
    if not json_out:
        _table(results)
    if n_failed:
        # SystemExit (not typer.Exit) so that main() sees the code in non-standalone mode
        raise SystemExit(1)


def _grouped(items, config, bin_minutes):
    """Collect every light curve, group them by star and analyse each group once."""
    import os

    from ..crossmatch import group_lightcurves
    from ..io._common import warn_file
    from ..pipeline import analyse_group

    lcs = []
    idents: dict[int, str] = {}  # a light curve's own identifier (a table row's file#row=N)
    seen: set[str] = set()
    for ident, item in items:
        if isinstance(item, StarskopeError):
            yield ident, item
        elif (key := os.path.realpath(ident) if os.path.isfile(ident) else str(ident)) in seen:
            # the same input twice (a glob and its file): one light curve, said once (it was
            # "the same observations reduced twice", member and left out at once)
            warn_file("given twice: read once", path=str(ident))
        else:
            seen.add(key)
            lcs.append(item)
            idents[id(item)] = str(ident)
    if not lcs:
        return
    cadence = None if bin_minutes is None else bin_minutes / 1440.0
    for g in group_lightcurves(lcs):
        # a star of several files is named by its group; a star of one file, by that file
        ident = g.name if len(g.lightcurves) > 1 else idents.get(id(g.lightcurves[0]), g.name)
        try:
            full = analyse_group(list(g.lightcurves), config, name=g.name, bin_cadence_days=cadence)
        except StarskopeError as exc:
            yield ident, exc
            continue
        grp = dict(full.result.group or {})
        grp.update(identifiers=list(g.identifiers), links=list(g.links))
        res = dataclasses.replace(full.result, group=grp, path=str(ident))
        yield ident, dataclasses.replace(full, result=res)


def _flags_cell(c) -> str:
    """Raised flags of a rejected candidate; for a planet-like one, "planet-like" with its
    informational flags (an alias note is not a rejection) and its known-object match."""
    if not c.is_planet_like:
        return ",".join(c.flags)
    text = "planet-like"
    if c.flags:
        text += f" (note: {','.join(c.flags)})"
    if c.known and c.known.startswith("known"):
        text += f"; {c.known}"
    return text


def _fit_part(c, key: str, fmt: str) -> str:
    """`` / <the fit's value>`` when the transit fit converged (``?`` after it when the fit is
    far from the box: ``extra.fit_note``), else nothing."""
    v = (c.extra or {}).get(key)
    if not (isinstance(v, int | float) and v == v):
        return ""
    return f" / {fmt.format(v)}" + ("?" if (c.extra or {}).get("fit_note") else "")


def _period_cell(c) -> str:
    """The period, or for a single transit (or one dip carrying the signal) the least period
    the data allow (``>= P``)."""
    one = (c.extra or {}).get("single_transit")
    if one:
        return f">= {one['min_period_days']:.4g} ({'1 transit' if c.n_transits == 1 else '1 dip'})"
    return f"{c.period_days:.5f}"


def _table(results) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="starskope search", show_lines=False)
    # a model's score (--model) beside the decision; the period is never cut, names fold
    scored = any(r.score is not None for r in results)
    for col in (
        "file",
        "target",
        "candidate",
        *(("score",) if scored else ()),
        "period (d)",
        "depth (ppm): box / fit",
        "dur (h): box / fit",
        "SNR",
        "SDE",
        "n_tr",
        "flags",
    ):
        table.add_column(
            col,
            no_wrap=col == "period (d)",
            overflow="fold" if col in ("file", "target", "flags") else "ellipsis",
        )
    from ..pipeline import NO_LEVEL_REASON

    def score(r) -> tuple[str, ...]:
        if not scored:
            return ()
        return ("" if r.score is None else f"{r.score:.3f}",)

    hidden = 0
    levelless = False
    for r in results:
        name, target = escape(Path(r.path or "?").name), escape(r.target or "")
        if r.error:
            table.add_row(name, target, "[red]error[/red]", *score(r), *[""] * 6, escape(r.error))
            continue
        if not r.candidates:
            table.add_row(name, target, "no", *score(r), *[""] * 7)
            continue
        # a signal flagged same_source is a residual of one listed above (in --json)
        shown = [c for c in r.candidates if "same_source" not in c.flags] or r.candidates[:1]
        hidden += len(r.candidates) - len(shown)
        mark = "*" if NO_LEVEL_REASON in r.reasons else ""
        levelless |= bool(mark)
        for k, c in enumerate(shown):
            table.add_row(
                name if k == 0 else "",
                target if k == 0 else "",
                ("[green]yes[/green]" if r.is_candidate else "no") if k == 0 else "",
                *(score(r) if k == 0 else ("",) * scored),
                _period_cell(c),
                f"{c.depth_ppm:.0f} ± {c.depth_ppm_err:.0f}{mark}"
                + _fit_part(c, "fit_depth_ppm", "{:.0f}"),
                f"{c.duration_hours:.2f}" + _fit_part(c, "fit_duration_hours", "{:.2f}"),
                f"{c.snr:.1f}",
                f"{c.sde:.1f}",
                str(c.n_transits),
                _flags_cell(c),
            )
    notes = [
        "box: the search grid's depth and duration (the --json headline fields); fit: the"
        " limb-darkened transit fit's (extra.fit_*), the transit's own, usually deeper and"
        " longer"
    ]
    if any((c.extra or {}).get("fit_note") for r in results for c in r.candidates):
        notes.append(
            "? the transit fit is over 3x from the box in depth or duration: it describes"
            " another shape than the dip found, not a transit (extra.fit_note)"
        )
    if hidden:
        notes.append(
            f"{hidden} more signal(s) flagged same_source (a rejected binary or variable found "
            "again, or its residual) not listed: see --json"
        )
    if levelless:
        notes.append(
            "* the input flux has no absolute level (mean-subtracted): depths in units of 1000"
            " ppm per point-to-point noise, not true depths"
        )
    if notes:
        table.caption = "\n".join(notes)
    _console().print(table)
