"""Planets on pulsating stars: what prewhitening coherent pulsations gains, and what it costs.

Three parts, each run with the default pipeline (``prewhiten_pulsations=True``) and without
the prewhitening, side by side:

1. **Simulated pulsators with a planet** (and, as a check that nothing is lost where a shallow
   planet's harmonics are significant, quiet stars with a planet in four TESS sectors at
   2-minute cadence, 1000 ppm per point, period 0.5-6 d, radius ratio 0.02-0.06): the simulator's delta Scuti stars (3-8 modes at 5-50
   c/d, 0.01-0.5%) and gamma Dor stars (beating modes at 0.3-3 c/d), each with a planet
   (period 1.5-12 d, radius ratio 0.02-0.05, impact 0.3), one K2 campaign of 3197 long
   cadences with 200 ppm of white noise. Recovered: flagged, with a planet-like candidate
   within 1% of the period.
2. **The same pulsators without a planet**: any flagged star is a false alarm.
3. **Real stars**: the labelled files of ``../shared/data`` whose light curve the
   prewhitening changes (it removes at least one mode): hosts recovered at a known period,
   non-hosts flagged. Plus the prewhitening's own time per light curve over every file.

Run::

    python -m benchmarks.bench_pulsators [--n 60] [--seed 0] [--jobs 2]

Writes ``benchmarks/results/pulsators.md``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from benchmarks.common import command_line, labelled_files, markdown_table, write_report

CAD = 0.0204340278  # K2 long cadence, days
#: Name -> PipelineConfig changes.
CONFIGS = {"prewhitening (default)": {}, "no prewhitening": {"prewhiten_pulsations": False}}


def _planet(rng, periods: tuple[float, float], radii: tuple[float, float]):
    """A planet of log-uniform period and uniform radius ratio in the ranges given, around a
    Sun-like star, impact 0.3."""
    from starskope.simulate.inject import PlanetSignal

    period = float(np.exp(rng.uniform(*np.log(periods))))
    return PlanetSignal(
        period=period,
        t0=float(rng.uniform(0, period)),
        rp_rs=float(rng.uniform(*radii)),
        a_rs=(period / 365.25) ** (2 / 3) * 215,
        impact=0.3,
    )


def _simulated(args) -> dict:
    i, seed, kind, with_planet = args
    from starskope.config import PipelineConfig
    from starskope.lightcurve import LightCurve
    from starskope.pipeline import analyse
    from starskope.simulate.binaries import draw_pulsator

    warnings.simplefilter("ignore")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
    t = np.arange(3197) * CAD
    pul = draw_pulsator(rng, kind=kind)
    planet = _planet(rng, (1.5, 12.0), (0.02, 0.05))
    period = planet.period
    flux = pul.model(t, exptime=CAD)
    if with_planet:
        flux = flux * planet.model(t, exptime=CAD)
    lc = LightCurve(t, 1000.0 * (flux + 2e-4 * rng.normal(size=t.size)), time_format="relative")
    out = {"kind": kind, "planet": with_planet}
    for name, changes in CONFIGS.items():
        r = analyse(lc, PipelineConfig().replace(**changes))
        hit = any(c.is_planet_like and abs(c.period_days / period - 1) < 0.01 for c in r.candidates)
        out[name] = hit if with_planet else bool(r.is_candidate)
    return out


def _tess_quiet(args) -> dict:
    """A quiet star's planet in four TESS sectors at 2-minute cadence (1000 ppm per point):
    where a shallow planet's harmonics are significant but a tiny share of the scatter."""
    i, seed = args
    from starskope.config import PipelineConfig
    from starskope.lightcurve import LightCurve
    from starskope.pipeline import analyse

    warnings.simplefilter("ignore")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(10_000 + i,)))
    cad = 2.0 / 1440.0
    t = np.concatenate([np.arange(a, b, cad) for a, b in ((0, 13), (14, 27), (55, 68), (69, 82))])
    planet = _planet(rng, (0.5, 6.0), (0.02, 0.06))
    period = planet.period
    flux = planet.model(t, exptime=cad) + 1e-3 * rng.normal(size=t.size)
    lc = LightCurve(t, 1000.0 * flux, time_format="relative")
    out = {}
    for name, changes in CONFIGS.items():
        r = analyse(lc, PipelineConfig().replace(**changes))
        out[name] = any(
            c.is_planet_like and abs(c.period_days / period - 1) < 0.01 for c in r.candidates
        )
    return out


def _real(lf) -> dict | None:
    from starskope.clean.masking import clean
    from starskope.clean.pulsations import remove_pulsations
    from starskope.config import PipelineConfig
    from starskope.io import read
    from starskope.pipeline import analyse

    from .common import match_period

    warnings.simplefilter("ignore")
    try:
        lc = read(str(lf.path))
        cleaned = clean(lc)
        start = time.process_time()
        pul = remove_pulsations(cleaned.t, cleaned.flux)
        cost = time.process_time() - start
    except Exception:  # an unreadable file: the readers' benchmarks count those
        return None
    out = {"file": lf.path.name, "class": lf.label_class, "host": lf.is_host, "cost": cost,
           "modes": len(pul.frequencies)}  # fmt: skip
    if not pul.frequencies:
        return out
    for name, changes in CONFIGS.items():
        r = analyse(lc, PipelineConfig().replace(**changes))
        if lf.is_host:
            found = [c.period_days for c in r.candidates if c.is_planet_like]
            out[name] = any(match_period(p, lf.periods) == "match" for p in found)
        else:
            out[name] = bool(r.is_candidate)
    return out


def _at_scale(n: int, seed: int) -> tuple[float, int]:
    """Wall seconds of the prewhitening of ``n`` points at 20-s cadence holding 30 modes
    (5-50 c/d, 0.01-0.5%) and 500 ppm of white noise, and the modes it removed."""
    from starskope.clean.pulsations import remove_pulsations

    rng = np.random.default_rng(seed)
    t = np.arange(n) * 20.0 / 86400.0
    flux = 1.0 + 5e-4 * rng.normal(size=n)
    for f, a, ph in zip(rng.uniform(5, 50, 30), np.exp(rng.uniform(np.log(1e-4), np.log(5e-3), 30)),
                        rng.uniform(0, 2 * np.pi, 30), strict=True):  # fmt: skip
        flux += a * np.sin(2 * np.pi * f * t + ph)
    start = time.perf_counter()
    p = remove_pulsations(t, flux)
    return time.perf_counter() - start, len(p.frequencies)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60, help="simulated stars of each kind")
    ap.add_argument("--n-tess", type=int, default=40, help="quiet TESS stars with a planet")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    from starskope.parallel import process_pool

    start = time.perf_counter()
    work = [(i, args.seed, kind, planet) for planet in (True, False)
            for kind in ("dsct", "gdor") for i in range(args.n)]  # fmt: skip
    files = labelled_files()
    with process_pool(args.jobs) as pool:
        sim = list(pool.map(_simulated, work, chunksize=4))
        tess = list(pool.map(_tess_quiet, [(i, args.seed) for i in range(args.n_tess)]))
        real = [r for r in pool.map(_real, files, chunksize=8) if r is not None]
    scale = [(n, *_at_scale(n, args.seed)) for n in (100_000, 1_000_000)]
    wall = time.perf_counter() - start
    names = list(CONFIGS)
    rows = []
    for kind, label in (("dsct", "delta Scuti"), ("gdor", "gamma Dor")):
        for planet, what in ((True, "planets recovered"), (False, "false alarms (no planet)")):
            sel = [s for s in sim if s["kind"] == kind and s["planet"] == planet]
            rows.append([f"simulated {label}", what, len(sel),
                         *[sum(s[n] for s in sel) for n in names]])  # fmt: skip
    rows.append(["simulated quiet stars, TESS 2-min, 4 sectors", "planets recovered", len(tess),
                 *[sum(r[n] for r in tess) for n in names]])  # fmt: skip
    changed = [r for r in real if r["modes"]]
    hosts = [r for r in changed if r["host"] == 1]
    others = [r for r in changed if r["host"] == 0]
    rows.append(["real, prewhitened", "hosts recovered at a known period", len(hosts),
                 *[sum(r[n] for r in hosts) for n in names]])  # fmt: skip
    rows.append(["real, prewhitened", "non-hosts flagged", len(others),
                 *[sum(r[n] for r in others) for n in names]])  # fmt: skip
    classes: dict[str, int] = {}
    for r in changed:
        classes[r["class"]] = classes.get(r["class"], 0) + 1
    cost = np.array([r["cost"] for r in real])
    write_report(
        Path(__file__).parent / "results" / "pulsators.md",
        [
            "# Planets on pulsating stars: prewhitening coherent pulsations",
            "",
            f"Command: `{command_line('benchmarks.bench_pulsators', argv)}` ({wall:.0f} s,"
            f" {args.jobs} processes). Simulated: {args.n} stars of each kind with a planet and"
            f" {args.n} without, K2 long cadence, 200 ppm white noise (see the module's"
            " docstring). Real: the labelled files of ../shared/data whose light curve the"
            f" prewhitening changes ({len(changed)} of {len(real)}: "
            + ", ".join(f"{k} {v}" for k, v in sorted(classes.items()))
            + ").",
            "",
            markdown_table(["stars", "count", "n", *names], rows),
            "",
            f"The prewhitening's own CPU time per light curve over the {len(real)} real files:"
            f" median {1e3 * np.median(cost):.0f} ms, 90th percentile"
            f" {1e3 * np.percentile(cost, 90):.0f} ms, largest {1e3 * cost.max():.0f} ms (one"
            " Lomb-Scargle periodogram for a star without modes, one per mode for a pulsator).",
            "At scale (20-s cadence, 30 modes of 0.01-0.5%, one process, wall time): "
            + "; ".join(f"{n:,} points {sec:.1f} s ({m} modes removed)" for n, sec, m in scale)
            + ".",
            "",
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
