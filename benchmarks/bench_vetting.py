"""Speed of the per-candidate stages: transit fit, vetting, folded views, diagnostic plot.

Two light curves, as in issue 3: a 65-day, 3197-point K2 long-cadence light curve (29.4 min)
and a 27-day TESS 2-minute sector (19 440 points), each with one planet at SNR ~ 30. Each stage
is timed (CPU seconds, best of ``--repeat``) against a reference implementation:

- fit: starskope's fit (numpy sky separation + batman's compiled limb-darkening kernel) vs the
  same least-squares fit driven by ``batman.TransitModel`` (batman's own separation code);
- views: :func:`starskope.fold.make_views` (global, local, odd, even, secondary) vs lightkurve
  ``fold().bin()`` for the global and local views only;
- vetting and the plot have no standard equivalent; their absolute times are shown.

Run::

    python -m benchmarks.bench_vetting             # prints a markdown table
    python -m benchmarks.bench_vetting --repeat 5
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from .common import best_time, markdown_table


def _case(name: str, *, cadence: float, n_points: int | None, span: float, seed: int):
    from starskope.fit import transit_duration, transit_model

    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, span, n_points) if n_points else np.arange(0.0, span, cadence)
    period, t0, k, a_rs, b = 3.71, 1.23, 0.05, 11.0, 0.3
    model = transit_model(t, period=period, t0=t0, rp_rs=k, a_rs=a_rs, impact=b, exptime=cadence)
    depth = 1 - model.min()
    sigma = depth * np.sqrt(np.count_nonzero(model < 1)) / 30.0
    flux = model + rng.normal(0, sigma, t.size)
    dur = transit_duration(period=period, rp_rs=k, a_rs=a_rs, impact=b)
    eph = dict(period=period, t0=t0 + 0.004, duration=0.9 * dur, depth=0.9 * depth)
    return SimpleNamespace(name=name, t=t, flux=flux, cadence=cadence, eph=eph)


def _analysis(case):
    from starskope.fit import fit_transit
    from starskope.lightcurve import LightCurve, LightCurveMeta
    from starskope.result import Candidate, StarResult
    from starskope.search.base import Periodogram, SearchResult
    from starskope.vet import is_planet_like, vet_candidate

    e = case.eph
    lc = LightCurve(case.t, case.flux, time_format="btjd", meta=LightCurveMeta(target="bench"))
    fit = fit_transit(case.t, case.flux, None, **e, exptime=case.cadence)
    flags = vet_candidate(case.t, case.flux, None, **e)
    grid = np.geomspace(0.5, 13.0, 20000)
    pg = Periodogram(grid, np.exp(-((grid - e["period"]) ** 2) / 1e-4), grid * 0, "bls")
    s = SearchResult(e["period"], e["t0"], e["duration"], e["depth"], 1e-5, 30, 20, 1, 7, pg)
    cand = Candidate(
        period_days=e["period"],
        t0=e["t0"],
        t0_format="btjd",
        t0_bjd=None,
        duration_hours=e["duration"] * 24,
        depth_ppm=e["depth"] * 1e6,
        depth_ppm_err=10.0,
        snr=30.0,
        sde=20.0,
        power=1.0,
        n_transits=7,
        vetting=flags,
        is_planet_like=is_planet_like(flags),
    )
    res = StarResult(path="bench", target="bench", candidates=(cand,), is_candidate=True)
    return SimpleNamespace(
        result=res,
        raw=lc,
        cleaned=lc,
        trend=np.ones(len(lc)),
        flat=lc,
        searches=(s,),
        fits=(fit,),
    )


def run(repeat: int = 3) -> list[list]:
    import starskope.fit as fitmod
    from starskope.fit import fit_transit
    from starskope.fold import make_views
    from starskope.plotting import plot_diagnostics
    from starskope.vet import vet_candidate

    cases = [
        _case(
            "K2 65 d, 3197 pts (29.4 min)", cadence=29.4 / 1440, n_points=3197, span=65.0, seed=1
        ),
        _case("TESS 27 d, 2-min sector", cadence=2 / 1440, n_points=None, span=27.0, seed=2),
    ]
    rows = []
    for c in cases:
        e = c.eph

        def fit_fast(c=c, e=e):
            return fit_transit(c.t, c.flux, None, **e, exptime=c.cadence)

        def fit_batman(c=c, e=e):
            orig = fitmod._quadratic_kernel
            fitmod._quadratic_kernel = lambda: None
            try:
                return fit_transit(c.t, c.flux, None, **e, exptime=c.cadence)
            finally:
                fitmod._quadratic_kernel = orig

        f1, f2 = fit_fast(), fit_batman()
        assert abs(f1.rp_rs - f2.rp_rs) < 1e-6 * max(1.0, f1.rp_rs), (f1, f2)
        t_fit, t_fit_ref = best_time(fit_fast, repeat), best_time(fit_batman, repeat)
        rows.append(
            [c.name, "fit_transit", t_fit, "batman.TransitModel fit", t_fit_ref, t_fit_ref / t_fit]
        )

        t_vet = best_time(lambda c=c, e=e: vet_candidate(c.t, c.flux, None, **e), repeat)
        rows.append([c.name, "vet_candidate (9 tests)", t_vet, "-", float("nan"), float("nan")])

        t_views = best_time(
            lambda c=c, e=e: make_views(
                c.t, c.flux, period=e["period"], t0=e["t0"], duration=e["duration"]
            ),
            repeat,
        )
        t_lk = _lightkurve_views(c, repeat)
        rows.append(
            [
                c.name,
                "make_views (5 views)",
                t_views,
                "lightkurve fold+bin (2 views)",
                t_lk,
                t_lk / t_views,
            ]
        )

        analysis = _analysis(c)
        with tempfile.TemporaryDirectory() as tmp:
            t_plot = best_time(
                lambda a=analysis, tmp=tmp: plot_diagnostics(a, path=Path(tmp) / "x.png"),
                max(1, repeat // 2),
            )
        rows.append([c.name, "plot_diagnostics (1 cand.)", t_plot, "-", float("nan"), float("nan")])
    return rows


def _lightkurve_views(c, repeat: int) -> float:
    try:
        import astropy.units as u
        import lightkurve as lk
    except ImportError:  # pragma: no cover - optional reference
        return float("nan")
    e = c.eph
    lc = lk.LightCurve(time=c.t + 2457000.0 - 2457000.0, flux=c.flux)

    def views():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            folded = lc.fold(period=e["period"], epoch_time=e["t0"])
            folded.bin(bins=2001)
            window = 2 * e["duration"]
            local = folded[np.abs(folded.time.value) < window]
            local.bin(time_bin_size=4 * e["duration"] / 201 * u.day)

    try:
        return best_time(views, repeat)
    except Exception:  # pragma: no cover - reference failed
        return float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    rows = run(repeat=args.repeat)
    header = [
        "light curve",
        "starskope stage",
        "CPU s",
        "reference",
        "ref CPU s",
        "ref / starskope",
    ]
    print(markdown_table(header, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
