"""Are the transit fit's error bars right? Pulls of the fitted period and epoch.

:func:`starskope.pipeline.analyse` fits a limb-darkened transit model to significant candidates
and reports ``extra["fit_period_days"]``, ``extra["fit_t0"]`` with 1-sigma errors
``fit_period_err_days`` and ``fit_t0_err_days`` (the fit's covariance, widened by the
red-noise beta ``fit_red_noise_beta``). A pull ``(fit - truth) / err`` of calibrated errors is
N(0, 1): robust std 1, 68.3 % / 95.4 % / 99.7 % within 1 / 2 / 3.

1. **Injections** (truth exact): ``bench_injection``'s SNR draw (expected SNR log-uniform in
   ``--snr-range``, white, simulated and real backgrounds in turn, ``make_trial``). For each
   injection whose first planet-like candidate at the injected period and epoch
   (``classify_recovery``) has a fit, the period pull ``(P_fit - P) / err_P`` and the epoch
   pull ``(t0_fit - t0_n) / err_t0``, ``t0_n`` the injected transit nearest ``t0_fit``. Both
   times are in the light curve's own system (the trial's ``lc.t``: BKJD, BTJD or the
   simulation's days; the pipeline's ``fit_t0`` is in the same system, ``Candidate.t0_format``).
2. **Real planets**: every labelled host file of ``../shared/data`` (``labels.csv`` and
   ``bulk/labels.csv``); a fitted candidate the pipeline itself matched to a known planet or
   candidate of the archive (``extra["known"]``, alias factor 1) gives
   ``(P_fit - P_cat) / sqrt(err_P^2 + err_Pcat^2)`` and, where the catalogue gives an epoch
   (KOI, TOI; the K2 table has none), ``(t0_fit - (E + nP)) / sqrt(err_t0^2 + err_E^2 +
   n^2 err_Pcat^2)`` in BJD_TDB (``fit_t0`` plus the light curve's BJD offset, as
   ``starskope.known`` does), ``E + nP`` the catalogue transit nearest ``t0_fit``.

Not measured: the fit's depth (the pipeline does not report its error), and the box search's
own period and epoch (they carry no errors; its ``depth_ppm_err`` is the box's mean depth, not
the transit's central depth). The *no beta* rows divide by the errors before the red-noise
widening (``err / beta``): what the fit's white-noise covariance alone claims; a last table
tries the same beta measured over half and a quarter of the duration instead.

Run::

    python -m benchmarks.bench_fit_pulls --n 3000 --jobs 2     # about 3.5 minutes on 2 cores

Writes ``benchmarks/results/fit_pulls.md``, a histogram ``fit_pulls.png`` and every trial's
and planet's pulls ``fit_pulls.csv`` beside it.
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np

from .common import REPO, command_line, labelled_files, markdown_table, write_report

OUT = REPO / "benchmarks" / "results" / "fit_pulls.md"
BACKGROUNDS = ("white", "simulated", "real")
#: The fraction of N(0, 1) beyond 1, 2 and 3 sigma.
GAUSS_BEYOND = {1: 0.3173, 2: 0.0455, 3: 0.0027}


# --------------------------------------------------------------------------- pulls
def pull(value, ref, *errs) -> float:
    """``(value - ref) / sqrt(sum(err^2))``; NaN when an error is not finite or the total is 0.

    >>> round(pull(10.3, 10.0, 0.1), 9), round(pull(9.7, 10.0, 0.3, 0.4), 9)
    (3.0, -0.6)
    >>> math.isnan(pull(1.0, 0.0, float("nan")))
    True
    """
    e2 = sum(float(e) ** 2 for e in errs)
    if not (np.isfinite(e2) and e2 > 0 and np.isfinite(value) and np.isfinite(ref)):
        return float("nan")
    return (float(value) - float(ref)) / math.sqrt(e2)


def nearest_transit(t0: float, period: float, t: float) -> tuple[float, int]:
    """The transit ``t0 + n period`` nearest ``t``, and ``n``.

    >>> nearest_transit(100.0, 3.0, 130.4)
    (130.0, 10)
    """
    n = int(np.rint((float(t) - float(t0)) / float(period)))
    return float(t0) + n * float(period), n


def propagated_epoch(epoch, epoch_err, period, period_err, t) -> tuple[float, float, int]:
    """A catalogue ephemeris carried to the transit nearest ``t``: ``(E + nP, error, n)`` with
    the error ``sqrt(err_E^2 + n^2 err_P^2)`` (an unknown epoch error counts 0).

    >>> pred, err, n = propagated_epoch(100.0, 0.001, 3.0, 0.0001, 130.4)
    >>> pred, round(err, 6), n
    (130.0, 0.001414, 10)
    """
    pred, n = nearest_transit(epoch, period, t)
    e_e = float(epoch_err) if epoch_err is not None and np.isfinite(epoch_err) else 0.0
    e_p = float(period_err) if period_err is not None and np.isfinite(period_err) else 0.0
    return pred, math.sqrt(e_e**2 + (n * e_p) ** 2), n


def robust_std(x) -> float:
    """1.4826 times the median absolute deviation from the median.

    >>> robust_std([-1.0, 0.0, 1.0])
    1.4826
    """
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return float("nan")
    return float(1.4826 * np.median(np.abs(x - np.median(x))))


def summarise(pulls) -> dict:
    """Number, median, robust std, std, fractions beyond 1/2/3, and the factor by which the
    errors would need scaling for the robust std to be 1 (the robust std itself).

    >>> s = summarise([-2.0, -1.0, 0.0, 1.0, 2.0])
    >>> s["n"], s["median"], s["robust_std"], s["beyond_1"]
    (5, 0.0, 1.4826, 0.4)
    """
    x = np.asarray(pulls, dtype=float)
    x = x[np.isfinite(x)]
    out = {"n": int(x.size)}
    if x.size == 0:
        return out | {k: float("nan") for k in ("median", "robust_std", "std", "beyond_1",
                                                 "beyond_2", "beyond_3", "scale")}  # fmt: skip
    rs = robust_std(x)
    out.update(
        median=float(np.median(x)),
        robust_std=rs,
        std=float(np.std(x, ddof=1)) if x.size > 1 else float("nan"),
        beyond_1=float(np.mean(np.abs(x) > 1)),
        beyond_2=float(np.mean(np.abs(x) > 2)),
        beyond_3=float(np.mean(np.abs(x) > 3)),
        scale=rs,
    )
    return out


SUMMARY_HEADER = ["sample", "quantity", "n", "median", "robust std", "std", "|pull|>1",
                  "|pull|>2", "|pull|>3", "error scale for robust std 1"]  # fmt: skip


def summary_row(sample: str, quantity: str, pulls) -> list:
    s = summarise(pulls)
    if s["n"] == 0:
        return [sample, quantity, 0, *["-"] * 7]
    return [sample, quantity, s["n"], s["median"], s["robust_std"], s["std"], s["beyond_1"],
            s["beyond_2"], s["beyond_3"], f"x{s['scale']:.2f}"]  # fmt: skip


# --------------------------------------------------------------------------- injections
def _fit_errors(c) -> dict | None:
    e = c.extra or {}
    if not isinstance(e.get("fit_t0"), int | float):
        return None
    beta = float(e.get("fit_red_noise_beta") or 1.0)
    return {
        "period": float(e["fit_period_days"]),
        "period_err": float(e["fit_period_err_days"]),
        "t0": float(e["fit_t0"]),
        "t0_err": float(e["fit_t0_err_days"]),
        "beta": beta,
    }


def injection_trial(i: int, cfg, files) -> dict:
    """Trial ``i`` of ``cfg``: truth, and the pulls of its recovered planet's fit (NaN when
    there is none)."""
    from starskope.pipeline import analyse_full
    from starskope.simulate.recovery import classify_recovery, make_trial

    warnings.simplefilter("ignore")
    _, lc, s, truth = make_trial(i, cfg, files)
    full = analyse_full(lc)  # what analyse returns, and the flattened light curve
    r = full.result
    row = {
        "trial": i,
        "background": truth["background"],
        "source": truth["noise_source"],
        "snr": truth["expected_snr"],
        "beta_true": truth.get("beta"),
        "n_transits": truth.get("n_transits_data"),
        "period": s.period,
        "status": "missed",
    }
    for c in r.candidates:
        kind = classify_recovery(found_period=c.period_days, found_t0=c.t0, period=s.period,
                                 t0=s.t0, duration=s.duration, cadence=lc.cadence)  # fmt: skip
        if not (c.is_planet_like and kind == "match"):
            continue
        f = _fit_errors(c)
        if f is None:
            row["status"] = "recovered, no fit"
            return row
        t_true, n = nearest_transit(s.t0, s.period, f["t0"])
        b = f["beta"]
        row.update(
            status="recovered, fitted",
            time_system=c.t0_format,
            beta_fit=b,
            n_fit_transits=c.n_transits,
            period_pull=pull(f["period"], s.period, f["period_err"]),
            t0_pull=pull(f["t0"], t_true, f["t0_err"]),
            period_pull_white=pull(f["period"], s.period, f["period_err"] / b),
            t0_pull_white=pull(f["t0"], t_true, f["t0_err"] / b),
            period_err=f["period_err"],
            t0_err_min=1440.0 * f["t0_err"],
            t0_off_min=1440.0 * (f["t0"] - t_true),
        )
        # the same widening with beta measured at shorter timescales than the duration
        for name, frac in TIMESCALES.items():
            bb = red_noise_beta_at(full.flat, c, frac)
            row[f"beta_{name}"] = bb
            row[f"period_pull_{name}"] = pull(f["period"], s.period, f["period_err"] / b * bb)
            row[f"t0_pull_{name}"] = pull(f["t0"], t_true, f["t0_err"] / b * bb)
        return row
    return row


#: Other timescales for the red-noise beta, as fractions of the transit duration.
TIMESCALES = {"half": 0.5, "quarter": 0.25}


def red_noise_beta_at(flat, c, frac: float) -> float:
    """The pipeline's red-noise beta of ``flat`` around candidate ``c``, over ``frac`` of its
    duration instead of the whole (``starskope.pipeline._fit_red_noise``)."""
    from types import SimpleNamespace

    from starskope.pipeline import _fit_red_noise

    sig = SimpleNamespace(period=c.period_days, t0=c.t0, duration=frac * c.duration_hours / 24)
    return float(_fit_red_noise(flat, sig))


def run_injections(cfg, files, jobs: int) -> list[dict]:
    from starskope.parallel import process_pool

    work = partial(injection_trial, cfg=cfg, files=files)
    if jobs <= 1:
        return [work(i) for i in range(cfg.n)]
    with process_pool(jobs) as pool:
        return list(pool.map(work, range(cfg.n), chunksize=4))


# --------------------------------------------------------------------------- real planets
def _epoch_errors() -> dict[tuple[str, str], list[tuple[float, float]]]:
    """(catalogue, planet name) -> [(epoch BJD, epoch error days)] from the raw archive
    tables (the normalised catalogue keeps no epoch errors; the K2 table has no epochs)."""
    import pandas as pd

    from starskope.catalogs import _find_table, _read_archive_csv, find_catalog_dir

    out: dict = {}
    d = find_catalog_dir(None)

    def pd_num(df, col):
        return pd.to_numeric(df[col], errors="coerce").to_numpy(float)

    def err(df, a, b):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # both errors missing: NaN
            return np.nanmean(np.abs(np.c_[pd_num(df, a), pd_num(df, b)]), axis=1)

    path = _find_table(d, "koi")
    if path is not None:
        df = _read_archive_csv(path)
        names = np.where(df["kepler_name"].fillna("") != "", df["kepler_name"].fillna(""),
                         df["kepoi_name"].fillna(""))  # fmt: skip
        e = err(df, "koi_time0bk_err1", "koi_time0bk_err2")
        for n, t, ee in zip(names, pd_num(df, "koi_time0bk") + 2454833.0, e, strict=True):
            out.setdefault(("koi", str(n)), []).append((t, ee))
    path = _find_table(d, "toi")
    if path is not None:
        df = _read_archive_csv(path)
        e = err(df, "pl_tranmiderr1", "pl_tranmiderr2")
        for n, t, ee in zip(pd_num(df, "toi"), pd_num(df, "pl_tranmid"), e, strict=True):
            if np.isfinite(n):
                out.setdefault(("toi", f"TOI-{n:.2f}"), []).append((t, ee))
    return out


def _catalogue_row(cat, known: dict):
    rows = cat[(cat["catalog"] == known.get("catalog")) & (cat["planet_name"] == known.get("name"))]
    if rows.empty:
        return None
    k = int(np.argmin(np.abs(rows["period"].to_numpy(float) - float(known["catalog_period"]))))
    return rows.iloc[k]


def host_file(path: str) -> list[dict]:
    """The pulls of every fitted candidate of one host file that the pipeline matched to a
    known planet or candidate at its own period (alias factor 1)."""
    from starskope.catalogs import known_objects
    from starskope.io import read
    from starskope.pipeline import analyse

    warnings.simplefilter("ignore")
    try:
        lc = read(path)
        r = analyse(lc)
    except Exception as exc:  # a benchmark records failures instead of stopping
        return [{"file": path, "status": f"error: {exc}"}]
    if r.error:
        return [{"file": path, "status": f"error: {r.error}"}]
    cat = known_objects()
    epochs = _epoch_errors_cached()
    out, seen = [], set()
    for c in r.candidates:
        f = _fit_errors(c)
        known = (c.extra or {}).get("known") or {}
        if f is None or known.get("kind") not in ("known planet", "known candidate"):
            continue
        if known.get("alias_factor") != 1.0 or known.get("name") in seen:
            continue
        row = _catalogue_row(cat, known)
        if row is None:
            continue
        seen.add(known["name"])
        p_cat, p_err = float(row["period"]), float(row["period_err"])
        d = {
            "file": path,
            "status": "matched",
            "mission": lc.meta.mission,
            "planet": known["name"],
            "catalog": known["catalog"],
            "snr": c.snr,
            "beta_fit": f["beta"],
            "n_fit_transits": c.n_transits,
            "period_pull": pull(f["period"], p_cat, f["period_err"], p_err),
            "period_pull_white": pull(f["period"], p_cat, f["period_err"] / f["beta"], p_err),
            "t0_pull": float("nan"),
            "t0_pull_white": float("nan"),
        }
        epoch = float(row["epoch_bjd"])
        if c.t0_bjd is not None and np.isfinite(epoch):
            t_fit = f["t0"] + (float(c.t0_bjd) - float(c.t0))  # BJD_TDB
            e_err = min(
                epochs.get((known["catalog"], known["name"]), [(epoch, float("nan"))]),
                key=lambda te: abs(te[0] - epoch),
            )[1]
            pred, pred_err, n = propagated_epoch(epoch, e_err, p_cat, p_err, t_fit)
            d.update(
                t0_pull=pull(t_fit, pred, f["t0_err"], pred_err),
                t0_pull_white=pull(t_fit, pred, f["t0_err"] / f["beta"], pred_err),
                cycles=n,
                t0_err_min=1440.0 * f["t0_err"],
                cat_err_min=1440.0 * pred_err,
            )
        out.append(d)
    return out or [{"file": path, "status": "no fitted match"}]


_EPOCHS: dict | None = None


def _epoch_errors_cached() -> dict:
    global _EPOCHS
    if _EPOCHS is None:
        try:
            _EPOCHS = _epoch_errors()
        except Exception:  # no raw tables: epoch errors count 0
            _EPOCHS = {}
    return _EPOCHS


def run_hosts(jobs: int) -> list[dict]:
    from starskope.parallel import process_pool

    paths = [str(f.path) for f in labelled_files() if f.is_host == 1 and f.path.exists()]
    if jobs <= 1:
        return [d for p in paths for d in host_file(p)]
    with process_pool(jobs) as pool:
        return [d for ds in pool.map(host_file, paths) for d in ds]


# --------------------------------------------------------------------------- report
def _binned(rows: list[dict], key: str, edges, label: str) -> list[list]:
    """Robust std of the period and epoch pulls (with and without beta) in bins of ``key``."""
    out = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = [r for r in rows if r.get(key) is not None and lo <= r[key] < hi]
        if not sel:
            continue
        out.append([
            f"{label} {lo:g}-{hi:g}", len(sel),
            robust_std([r["t0_pull"] for r in sel]),
            robust_std([r["t0_pull_white"] for r in sel]),
            robust_std([r["period_pull"] for r in sel]),
            robust_std([r["period_pull_white"] for r in sel]),
            _beyond([r["t0_pull"] for r in sel], 3.0),
            float(np.median([r.get("beta_fit", np.nan) for r in sel])),
        ])  # fmt: skip
    return out


#: Error widenings compared: the pipeline's (beta over the duration), none, beta over half and
#: a quarter of the duration (pull column suffixes).
WIDENINGS = {"reported": "", "no beta": "_white", "beta(T/2)": "_half", "beta(T/4)": "_quarter"}


def _widening_row(label: str, rows: list[dict]) -> list:
    return [
        label,
        len(rows),
        *(robust_std([r[f"t0_pull{x}"] for r in rows]) for x in WIDENINGS.values()),
        *(robust_std([r[f"period_pull{x}"] for r in rows]) for x in WIDENINGS.values()),
        _beyond([r["t0_pull"] for r in rows], 3.0),
        _beyond([r["t0_pull_white"] for r in rows], 3.0),
    ]


def _beyond(x, k: float) -> float:
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.mean(np.abs(x) > k)) if x.size else float("nan")


def star_of(planet: str) -> str:
    """The host of a catalogue planet name.

    >>> star_of("Kepler-18 c"), star_of("K00137.01"), star_of("TOI-247.01")
    ('Kepler-18', 'K00137', 'TOI-247')
    """
    name = str(planet)
    if " " in name:
        return name.rsplit(" ", 1)[0]
    return name.split(".")[0]


def _by_star(matched: list[dict]) -> list[list]:
    stars: dict[str, list[dict]] = {}
    for d in matched:
        stars.setdefault(star_of(d["planet"]), []).append(d)
    out = []
    for star, ds in sorted(stars.items(), key=lambda kv: -len(kv[1])):
        t0 = [d["t0_pull"] for d in ds if np.isfinite(d["t0_pull"])]
        per = [d["period_pull"] for d in ds if np.isfinite(d["period_pull"])]
        out.append([
            star, len({d["file"] for d in ds}), len(ds),
            robust_std(t0) if len(t0) >= 3 else "-",
            robust_std(per) if len(per) >= 3 else "-",
            _beyond(t0, 3.0) if len(t0) >= 3 else "-",
            float(np.median([d["beta_fit"] for d in ds])),
        ])  # fmt: skip
    return out


def _histogram(path: Path, groups: dict[str, list[float]]) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(1, len(groups), figsize=(4 * len(groups), 3.2), squeeze=False)
    x = np.linspace(-6, 6, 241)
    for ax, (name, p) in zip(axes[0], groups.items(), strict=True):
        p = np.clip(np.asarray(p, float)[np.isfinite(p)], -6, 6)
        ax.hist(p, bins=np.linspace(-6, 6, 49), density=True, alpha=0.6, label=f"n={p.size}")
        ax.plot(x, np.exp(-0.5 * x**2) / math.sqrt(2 * math.pi), "k-", label="N(0,1)")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("pull (clipped at +-6)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> int:
    from starskope.simulate.backgrounds import real_background_pool

    from .bench_injection import trial_config

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000, help="injections of the SNR draw")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--snr-range", type=float, nargs=2, default=(4.0, 40.0))
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--no-hosts", action="store_true", help="injections only")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    start = time.perf_counter()
    cfg = trial_config(n=args.n, n_null=0, seed=args.seed, snr_range=tuple(args.snr_range))
    files = real_background_pool(missions=cfg.real_missions)
    inj = run_injections(cfg, files, args.jobs)
    t_inj = time.perf_counter() - start
    hosts = [] if args.no_hosts else run_hosts(args.jobs)
    elapsed = time.perf_counter() - start

    fitted = [r for r in inj if r["status"] == "recovered, fitted"]
    rows = []
    for kind in (*BACKGROUNDS, "all"):
        sel = [r for r in fitted if kind == "all" or r["background"] == kind]
        for q in ("period", "t0"):
            rows.append(summary_row(f"injections, {kind}", q, [r[f"{q}_pull"] for r in sel]))
            rows.append(summary_row(f"injections, {kind}", f"{q} (no beta)",
                                    [r[f"{q}_pull_white"] for r in sel]))  # fmt: skip
    matched = [d for d in hosts if d["status"] == "matched"]
    for mission in ("Kepler", "K2", "TESS", "all"):
        sel = [d for d in matched if mission == "all" or d["mission"] == mission]
        if not sel:
            continue
        for q in ("period", "t0"):
            rows.append(summary_row(f"real planets, {mission}", q, [d[f"{q}_pull"] for d in sel]))
            rows.append(summary_row(f"real planets, {mission}", f"{q} (no beta)",
                                    [d[f"{q}_pull_white"] for d in sel]))  # fmt: skip

    counts = {k: sum(r["status"] == k for r in inj)
              for k in ("recovered, fitted", "recovered, no fit", "missed")}  # fmt: skip
    n_nan_p = sum(not np.isfinite(r["period_pull"]) for r in fitted)
    systems = sorted({r.get("time_system", "?") for r in fitted})
    n_files = len({d["file"] for d in hosts})
    host_counts = {}
    for d in hosts:
        host_counts.setdefault(d["status"].split(":")[0], set()).add(d["file"])
    bin_header = ["bin (injections, all backgrounds)", "n", "t0 robust std",
                  "t0 robust std, no beta", "period robust std", "period robust std, no beta",
                  "t0 |pull|>3", "median beta"]  # fmt: skip
    by_beta = _binned(fitted, "beta_fit", [1.0, 1.05, 1.2, 1.5, 2.0, 10.0], "fit beta")
    by_snr = _binned(fitted, "snr", [4, 8, 12, 20, 40, 1000], "expected SNR")
    by_tr = _binned(fitted, "n_fit_transits", [1, 3, 5, 10, 20, 1000], "transits")
    by_bg = []
    for kind in BACKGROUNDS:
        sel = [r for r in fitted if r["background"] == kind]
        by_bg += _binned(sel, "beta_fit", [1.0, 1.05, 1.5, 10.0], f"{kind}, fit beta")
    for kind in BACKGROUNDS:
        sel = [r for r in fitted if r["background"] == kind]
        by_bg += _binned(sel, "snr", [4, 10, 20, 1000], f"{kind}, expected SNR")
    real_bins = _binned(matched, "beta_fit", [1.0, 1.05, 1.5, 10.0], "real planets, fit beta")
    real_bins += _binned(matched, "snr", [0, 20, 50, 1e4], "real planets, SNR")

    alt_header = ["injections", "n", *(f"t0 robust std, {w}" for w in WIDENINGS),
                  *(f"period robust std, {w}" for w in WIDENINGS), "t0 |pull|>3, reported",
                  "t0 |pull|>3, no beta"]  # fmt: skip
    alt_rows = []
    for kind in (*BACKGROUNDS, "all"):
        sel = [r for r in fitted if kind == "all" or r["background"] == kind]
        alt_rows.append(_widening_row(kind, sel))
    for lo, hi in ((1.0, 1.05), (1.05, 1.2), (1.2, 1.5), (1.5, 10.0)):
        sel = [r for r in fitted if lo <= r["beta_fit"] < hi]
        alt_rows.append(_widening_row(f"fit beta {lo:g}-{hi:g}", sel))

    png = args.out.with_suffix(".png")
    groups = {
        f"injections {k}: t0": [r["t0_pull"] for r in fitted if r["background"] == k]
        for k in BACKGROUNDS
    }
    groups["real planets: t0"] = [d["t0_pull"] for d in matched]
    groups["real planets: period"] = [d["period_pull"] for d in matched]
    drew = _histogram(png, groups)

    cmd = command_line("benchmarks.bench_fit_pulls", argv)
    worst = sorted(matched, key=lambda d: -abs(d["t0_pull"]) if np.isfinite(d["t0_pull"]) else 0)
    worst_rows = [[Path(d["file"]).name, d["planet"], d["snr"], d["beta_fit"], d["n_fit_transits"],
                   d["period_pull"], d["t0_pull"], d.get("cycles", "-"), d.get("t0_err_min", "-"),
                   d.get("cat_err_min", "-")] for d in worst[:12]]  # fmt: skip
    lines = [
        "# Calibration of the transit fit's period and epoch errors (pulls)",
        "",
        f"Command: `{cmd}` ({elapsed:.0f} s on {args.jobs} process(es); injections"
        f" {t_inj:.0f} s). A pull is (fit - truth) / error; calibrated errors give median 0,"
        " robust std (1.4826 MAD) 1 and |pull| > 1 / 2 / 3 in 31.7 % / 4.6 % / 0.27 %. The last"
        " column is the factor by which the reported errors would have to grow for the robust"
        " std to be 1. *(no beta)*: the same pulls with the errors before the red-noise"
        " widening.",
        "",
        f"Injections: {args.n} of bench_injection's SNR draw (expected SNR {args.snr_range[0]:g}"
        f"-{args.snr_range[1]:g}, seed {args.seed}, backgrounds white, simulated and real in"
        f" turn): {counts['recovered, fitted']} recovered as planet-like at the injected period"
        f" and epoch with a fit, {counts['recovered, no fit']} recovered without one,"
        f" {counts['missed']} not recovered. {n_nan_p} fits have no period error (one transit,"
        " or the period at the edge of its range) and count for the epoch only. Epoch truth:"
        " the injected transit nearest the fitted t0, both in the light curve's own time"
        f" system ({', '.join(systems)}).",
        "",
        f"Real planets: {n_files} labelled host files; {len(host_counts.get('matched', ()))}"
        f" with a fitted candidate the pipeline matched to a known planet or candidate at alias"
        f" 1 ({len(matched)} planets in all; {len(host_counts.get('no fitted match', ()))}"
        f" files without, {len(host_counts.get('error', ()))} errors). Catalogue errors are"
        " added in quadrature; the catalogue epoch (BJD_TDB) is carried to the transit nearest"
        " the fitted one (error sqrt(err_E^2 + n^2 err_P^2)); the K2 table has no epochs.",
        "",
        markdown_table(SUMMARY_HEADER, rows),
        "",
        "## Where the pulls widen",
        "",
        markdown_table(bin_header, by_beta + by_snr + by_tr),
        "",
        markdown_table(["bin", *bin_header[1:]], by_bg + real_bins),
        "",
        "## Would another red-noise widening fit better? (injections)",
        "",
        "Robust std of the pulls with the fit's own errors widened by the pipeline's beta (over"
        " the transit's duration T, *reported*), by none, or by the same beta measured over T/2"
        " or T/4 of the flattened light curve's out-of-transit points.",
        "",
        markdown_table(alt_header, alt_rows),
        "",
        "## Real planets by star",
        "",
        "Several quarters or sectors of one star are several light curves; planets with"
        " transit-timing variations (Kepler-18 c/d, Kepler-11) are not on a linear ephemeris,"
        " so their epoch pulls against the catalogue measure the TTVs as well as the errors.",
        "",
        markdown_table(
            [
                "star",
                "files",
                "planets x files",
                "t0 robust std",
                "period robust std",
                "t0 |pull|>3",
                "median beta",
            ],
            _by_star(matched),
        ),  # fmt: skip
        "",
        "## Real planets with the largest epoch pulls",
        "",
        markdown_table(
            [
                "file",
                "planet",
                "SNR",
                "fit beta",
                "transits",
                "period pull",
                "t0 pull",
                "cycles from catalogue epoch",
                "t0 error (min)",
                "catalogue error (min)",
            ],
            worst_rows,
        ),  # fmt: skip
        "",
    ]
    if drew:
        lines += [f"Histogram: `{png.relative_to(REPO) if png.is_relative_to(REPO) else png}`.", ""]
    write_report(args.out, lines)
    _write_rows(args.out.with_suffix(".csv"), [*inj, *hosts])
    return 0


def _write_rows(path: Path, rows: list[dict]) -> None:
    """Every fitted injection and matched planet (the pulls and what they are binned by), for
    a closer look: floats to 5 significant digits, file names without their folders."""
    import csv

    def short(v):
        return float(f"{v:.5g}") if isinstance(v, float) else v

    rows = [
        {k: (Path(v).name if k == "file" else short(v)) for k, v in r.items()}
        for r in rows
        if r["status"] in ("recovered, fitted", "matched")
    ]
    keys = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {path}")


if __name__ == "__main__":
    raise SystemExit(main())
