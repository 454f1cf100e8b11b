"""Speed of the physics pipeline per stage, against astropy BLS and TLS on the same grid.

Two seeded synthetic light curves with a transiting planet on a spotted star:

- K2-like: 65 days, 3197 cadences of 29.4 minutes;
- TESS-like: one 27-day sector of 2-minute cadences (with the mid-sector gap).

For each, the stages of :func:`starskope.pipeline.analyse_full` (clean, detrend, search, fit,
vet; one search pass, ``max_planets=1``) are timed, then on the *same flattened light curve*:

- starskope's numba BLS (``search_bls``, default engine) on the default period grid;
- astropy ``BoxLeastSquares.power`` (objective "likelihood", its default oversample 10) on the
  *same* periods and durations;
- ``transitleastsquares`` over the same period range with the same oversampling factor
  (TLS builds its own grid and duration set from it; its period count is reported).

Everything runs once to compile (numba caches), then the median of ``--repeat`` runs is taken
(TLS: one run). Prints a table with ratios and writes ``benchmarks/results/search_speed.md``.

Run::

    python -m benchmarks.bench_search_speed [--repeat 5] [--no-tls]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np

from .common import REPO, markdown_table

OUT = REPO / "benchmarks" / "results" / "search_speed.md"


def k2_like(seed: int = 1):
    from starskope import LightCurve, LightCurveMeta

    rng = np.random.default_rng(seed)
    t = 2000.0 + np.arange(3197) * 0.020434
    flux = 1 + rng.normal(0, 3e-4, t.size)
    flux *= 1 + 0.004 * np.sin(2 * np.pi * t / 6.3)
    flux[np.abs((t - 2001.7 + 2.05) % 4.1 - 2.05) < 0.0625] -= 1.2e-3
    meta = LightCurveMeta(mission="K2", target="synthetic K2")
    return LightCurve(t, 4000 * flux, np.full(t.size, 1.2), time_format="bkjd", meta=meta)


def tess_like(seed: int = 2):
    from starskope import LightCurve, LightCurveMeta

    rng = np.random.default_rng(seed)
    t = 1325.3 + np.arange(0, 27.0, 2.0 / 1440.0)
    t = t[(t < 1338.5) | (t > 1339.7)]  # orbit gap
    flux = 1 + rng.normal(0, 8e-4, t.size)
    flux *= 1 + 0.003 * np.sin(2 * np.pi * t / 4.4)
    flux[np.abs((t - 1326.9 + 1.55) % 3.1 - 1.55) < 0.05] -= 2e-3
    meta = LightCurveMeta(mission="TESS", target="synthetic TESS")
    return LightCurve(t, 9000 * flux, np.full(t.size, 7.0), time_format="btjd", meta=meta)


def _median_time(fn, repeat, clock=time.process_time):
    """Median seconds (default: CPU of this process, robust on a shared machine), last output."""
    times = []
    out = None
    for _ in range(repeat):
        t0 = clock()
        out = fn()
        times.append(clock() - t0)
    return float(np.median(times)), out


def bench_one(name, lc, *, repeat, run_tls):
    from astropy.timeseries import BoxLeastSquares

    from starskope import PipelineConfig
    from starskope.pipeline import analyse_full
    from starskope.search.bls import search_bls
    from starskope.search.grid import duration_grid, period_grid

    config = PipelineConfig(max_planets=1)
    analyse_full(lc, config)  # compile / warm caches
    stages: dict[str, list[float]] = {}
    full = None
    cpu = []
    for _ in range(repeat):
        c0 = time.process_time()
        full = analyse_full(lc, config)
        cpu.append(time.process_time() - c0)
        for k, v in full.result.timings.items():
            stages.setdefault(k, []).append(v)
    st = {k: float(np.median(v)) for k, v in stages.items()}
    st["cpu"] = float(np.median(cpu))
    # the default configuration: one more search pass after the significant planet
    analyse_full(lc, PipelineConfig())
    st["cpu_default"], _ = _median_time(lambda: analyse_full(lc, PipelineConfig()), repeat)
    flat = full.flat
    durations = duration_grid(config.durations_hours)
    durations = durations[durations <= full.result.candidates[0].extra["window_days"] / 2.5 + 1e-9]
    periods = period_grid(
        baseline=flat.time_span, min_period=config.min_period_days, oversample=config.oversample
    )
    t_ours, ours = _median_time(
        lambda: search_bls(flat.t, flat.flux, flat.flux_err, periods=periods, durations=durations),
        repeat,
    )

    def astropy_bls():
        bls = BoxLeastSquares(flat.t, flat.flux, flat.flux_err)
        r = bls.power(periods, durations[durations < periods.min()], objective="likelihood")
        return float(periods[int(np.argmax(r.power))])

    t_astropy, p_astropy = _median_time(astropy_bls, max(1, repeat // 2))
    grid_rows = []
    for os_ in (1, 2, 3, 5):
        pg = period_grid(baseline=flat.time_span, min_period=config.min_period_days, oversample=os_)
        t_os, r_os = _median_time(
            lambda pg=pg: search_bls(
                flat.t, flat.flux, flat.flux_err, periods=pg, durations=durations
            ),
            repeat,
        )
        grid_rows.append([name, os_, pg.size, t_os, r_os.period, r_os.snr, r_os.sde])
    row = {
        "grid_rows": grid_rows,
        "name": name,
        "n": len(lc),
        "n_periods": periods.size,
        "stages": st,
        "ours": t_ours,
        "ours_period": ours.period,
        "astropy": t_astropy,
        "astropy_period": p_astropy,
    }
    if run_tls:
        from transitleastsquares import transitleastsquares

        def tls():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = transitleastsquares(flat.t, flat.flux, verbose=False)
                r = model.power(
                    period_min=config.min_period_days,
                    period_max=flat.time_span / 2,
                    oversampling_factor=config.oversample,
                    use_threads=1,
                    show_progress_bar=False,
                    verbose=False,
                )
            return float(r.period), len(r.periods)

        tls()  # compile
        # wall clock for TLS: it may run its search in worker processes
        row["tls"], (row["tls_period"], row["tls_n_periods"]) = _median_time(
            tls, 1, clock=time.perf_counter
        )
    return row


def bench_lombscargle(name, lc, *, repeat):
    """The rotation periodogram (0.1 d to half the baseline, 10 samples per peak) of starskope
    (nifty-ls) against astropy's ``LombScargle.autopower`` on the same cleaned light curve."""
    from astropy.timeseries import LombScargle

    from starskope.clean import clean
    from starskope.clean.lombscargle import lomb_scargle

    c = clean(lc)
    t, y = c.t, c.flux / np.median(c.flux) - 1.0
    lo, hi = 2.0 / (t[-1] - t[0]), 10.0
    ours = lambda: lomb_scargle(t, y, minimum_frequency=lo, maximum_frequency=hi)  # noqa: E731
    ref = lambda: LombScargle(t, y).autopower(  # noqa: E731
        minimum_frequency=lo, maximum_frequency=hi, samples_per_peak=10
    )
    ours()
    ref()
    t_ours, (f1, p1) = _median_time(ours, repeat)
    t_ref, (f2, p2) = _median_time(ref, repeat)
    return [
        name,
        len(t),
        f1.size,
        t_ours,
        t_ref,
        t_ref / t_ours,
        float(np.max(np.abs(p1 - p2))),
        1.0 / f1[np.argmax(p1)],
        1.0 / f2[np.argmax(p2)],
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-tls", action="store_true", help="skip TLS (slow)")
    args = ap.parse_args(argv)
    from starskope.parallel import one_thread

    with one_thread():
        rows = [
            bench_one("K2 65 d, 3197 pts", k2_like(), repeat=args.repeat, run_tls=not args.no_tls),
            bench_one("TESS 27 d, 2-min", tess_like(), repeat=args.repeat, run_tls=not args.no_tls),
        ]
        ls_rows = [
            bench_lombscargle("K2 65 d, 3197 pts", k2_like(), repeat=args.repeat),
            bench_lombscargle("TESS 27 d, 2-min", tess_like(), repeat=args.repeat),
        ]
    ls_table = markdown_table(
        [
            "light curve",
            "points",
            "frequencies",
            "starskope (nifty-ls) [s]",
            "astropy autopower [s]",
            "astropy/starskope",
            "max power difference",
            "peak P starskope [d]",
            "peak P astropy [d]",
        ],
        ls_rows,
    )
    stage_names = ["clean", "detrend", "search", "redetrend", "fit", "vet", "total"]
    t1 = markdown_table(
        [
            "light curve",
            "points",
            *[f"{s} [s]" for s in stage_names],
            "CPU total [s]",
            "stars/s per core (CPU)",
            "CPU total, default config [s]",
            "stars/s per core, default config",
        ],
        [
            [
                r["name"],
                r["n"],
                *[r["stages"].get(s, float("nan")) for s in stage_names],
                r["stages"]["cpu"],
                1.0 / r["stages"]["cpu"],
                r["stages"]["cpu_default"],
                1.0 / r["stages"]["cpu_default"],
            ]
            for r in rows
        ],
    )
    head = ["light curve", "periods", "starskope BLS [s]", "astropy BLS [s]", "astropy/starskope"]
    if not args.no_tls:
        head += ["TLS [s]", "TLS periods", "TLS/starskope", "TLS/starskope pipeline"]
    body = []
    for r in rows:
        line = [r["name"], r["n_periods"], r["ours"], r["astropy"], r["astropy"] / r["ours"]]
        if not args.no_tls:
            line += [
                r["tls"],
                r["tls_n_periods"],
                r["tls"] / r["ours"],
                r["tls"] / r["stages"]["cpu"],
            ]
        body.append(line)
    t2 = markdown_table(head, body)
    peaks = markdown_table(
        ["light curve", "true P", "starskope", "astropy", *(["TLS"] if not args.no_tls else [])],
        [
            [
                r["name"],
                4.1 if r["name"].startswith("K2") else 3.1,
                r["ours_period"],
                r["astropy_period"],
                *([r["tls_period"]] if not args.no_tls else []),
            ]
            for r in rows
        ],
    )
    grids = markdown_table(
        ["light curve", "oversample", "periods", "BLS CPU [s]", "peak P [d]", "SNR", "SDE"],
        [g for r in rows for g in r["grid_rows"]],
    )
    text = "\n".join(
        [
            "# Search speed",
            "",
            f"Command: `python -m benchmarks.bench_search_speed --repeat {args.repeat}"
            + (" --no-tls" if args.no_tls else "")
            + "`",
            f"Machine: {platform.processor() or platform.machine()}, Python "
            f"{platform.python_version()}; single process with one BLAS/OpenMP thread (as in a "
            f"scan's Dask workers), median of {args.repeat} runs "
            "(TLS: one run, one thread), after a warm-up run. Stage columns are wall-clock "
            "seconds (`result.timings`), inflated when the machine is shared; 'CPU' columns and "
            "the BLS columns are CPU seconds of this process (`time.process_time`). TLS is "
            "wall-clock (it may use worker processes), so the TLS ratios understate TLS's cost "
            "only if the machine was idle, and overstate it by the load factor otherwise. "
            "The synthetic stars carry one planet: `max_planets=1` runs one search pass (the "
            "stage columns); the default (3) runs one more pass per significant signal (the "
            "'default config' columns).",
            f"Load average at the end of the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
            "cores.",
            "",
            "## Pipeline stages per light curve (`analyse_full`, one search pass)",
            "",
            t1,
            "",
            "## Period search alone on the same flattened light curve and period grid",
            "",
            t2,
            "",
            "## Peak period found",
            "",
            peaks,
            "",
            "## Grid density (`PipelineConfig.oversample`) against search time",
            "",
            grids,
            "",
            "## Rotation periodogram: starskope.clean.lombscargle against astropy",
            "",
            "Lomb-Scargle of the cleaned, normalised light curve from 0.1 d to half the baseline,"
            " 10 samples per peak (the grid of `rotation_period`), CPU seconds, one thread.",
            "",
            ls_table,
            "",
        ]
    )
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {Path(OUT).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
