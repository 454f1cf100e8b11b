"""Injection-recovery benchmark: starskope search vs BLS+SDE vs TLS on the same light curves.

    python -m benchmarks.bench_injection [--n 60] [--n-null 30] [--n-tls 30] [--jobs 1]
                                         [--snr-range 3 40] [--tag snr]

Trials are log-uniform in period (0.5-20 d) and depth (50-5000 ppm) (or, with ``--snr-range``,
in expected SNR on their background: radius ratio rescaled), injected with batman into
backgrounds used in turn: real K2/Kepler/TESS light curves (non-hosts, and planet hosts with
their known transits masked; a mission is picked first, then a file), simulated K2-like stars of
the default field, and pure white noise (the matched-filter anchor). Every detector sees the same curves
(TLS, the slowest, sees the first ``--n-tls`` injections and the first ``--n-null // 2``
uninjected curves). Prints a table with ratios to starskope search and writes
``benchmarks/results/injection.md``, ``injection.csv`` and the completeness PNGs.
"""

from __future__ import annotations

import argparse
import functools
import os
import time
from pathlib import Path

import numpy as np

from starskope.simulate.recovery import RecoveryConfig, run_injection_recovery, summarize

from .common import markdown_table

RESULTS = Path(__file__).resolve().parent / "results"


#: Backgrounds with a red-noise factor at least this are reported apart.
BETA_RED = 1.5


def trial_config(
    *, n: int, n_null: int, seed: int, snr_range=None, real_missions=("K2", "Kepler", "TESS")
) -> RecoveryConfig:
    """The benchmark's trials: real, simulated and white backgrounds in turn, periods 0.5-20 d,
    depths 50-5000 ppm drawn log-uniform, or the expected SNR in ``snr_range`` (the SNR draw).
    ``benchmarks.compare_configs`` runs the same trials."""
    return RecoveryConfig(
        n=n,
        n_null=n_null,
        seed=seed,
        backgrounds=("real", "simulated", "white"),
        period_range=(0.5, 20.0),
        depth_range=(5e-5, 5e-3),
        snr_range=None if snr_range is None else tuple(snr_range),
        real_missions=tuple(real_missions),
    )


def noise_class(source: str) -> str:
    """What a trial's background is: ``"real: <label class>"`` (from the shared data's
    labels), ``"real: planet host, transits masked"``, ``"simulated:<star type>"`` or
    ``"white"``."""
    kind, _, rest = str(source).partition(":")
    if kind == "real-host-masked":
        return "real: planet host, transits masked"
    if kind == "real":
        row = _label_classes().get(os.path.basename(rest.split("#")[0]))
        return f"real: {row or 'unlabelled'}"
    return str(source)


@functools.cache
def _label_classes() -> dict[str, str]:
    from starskope.simulate.backgrounds import _label_rows, shared_data_dir

    try:
        return {p.name: row["label_class"] for p, row in _label_rows(shared_data_dir())}
    except Exception:  # no shared data: classes unknown
        return {}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60, help="injections for search and bls-sde")
    ap.add_argument("--n-null", type=int, default=30, help="uninjected curves")
    ap.add_argument("--n-tls", type=int, default=30, help="injections also run through TLS")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--detectors", default="search,bls-sde,tls")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument(
        "--real-missions", default="K2,Kepler,TESS", help="missions of the real backgrounds"
    )
    ap.add_argument(
        "--snr-range",
        type=float,
        nargs=2,
        default=None,
        metavar=("LOW", "HIGH"),
        help="draw the expected SNR log-uniform in this range instead of the depth",
    )
    ap.add_argument("--tag", default="", help="suffix of the output names (injection_TAG.md, ...)")
    args = ap.parse_args(argv)

    detectors = [d for d in args.detectors.split(",") if d]
    cfg = trial_config(
        n=args.n,
        n_null=args.n_null,
        seed=args.seed,
        snr_range=args.snr_range,
        real_missions=tuple(m for m in args.real_missions.split(",") if m),
    )
    fast = [d for d in detectors if d != "tls"]
    t0 = time.perf_counter()
    tables = []
    if fast:
        tables.append(run_injection_recovery(cfg, detectors=fast, n_jobs=args.jobs))
    if "tls" in detectors:
        sub = list(range(min(args.n_tls, cfg.n))) + list(
            range(cfg.n, cfg.n + max(1, cfg.n_uninjected // 2))
        )
        tables.append(run_injection_recovery(cfg, detectors=["tls"], trials=sub, n_jobs=args.jobs))
    import pandas as pd

    table = pd.concat(tables, ignore_index=True)
    wall = time.perf_counter() - t0

    summary = summarize(table)
    per_bg = []
    for (det, bg), t in table.groupby(["detector", "background"], sort=False):
        s = summarize(t).iloc[0]
        per_bg.append(
            [
                det,
                bg,
                int(s.n_injected),
                s.snr_50,
                s.snr_90,
                s.snr_50_isotonic,
                s.snr_90_isotonic,
                s.recovered,
                s.false_alarm_rate,
            ]
        )

    red_rows = []
    for det, t in table.groupby("detector", sort=False):
        s = summary.set_index("detector").loc[det]
        inj = t[t["injected"] & (t["expected_snr"] >= 12)]
        row = [det, s.effective_snr_50, s.effective_snr_90]
        beta = inj["beta"].to_numpy(float)
        for sel in (beta < BETA_RED, beta >= BETA_RED):  # NaN (too few bins) in neither
            sub = inj[sel]
            row += [len(sub), sub["recovered"].mean() if len(sub) else np.nan]
        red_rows.append(row)

    # the window function apart (Burke et al. 2015): trials with at least 2 / 3 transits that
    # have half their cadences or more
    win_rows = []
    for det, t in table.groupby("detector", sort=False):
        for k in (2, 3):
            keep = ~t["injected"] | (t["n_transits_data"] >= k)
            sub = t[keep]
            s = summarize(sub).iloc[0]
            hi = sub[sub["injected"] & (sub["expected_snr"] >= 12)]
            win_rows.append(
                [
                    det,
                    f">= {k}",
                    int(s.n_injected),
                    s.snr_50,
                    s.snr_90,
                    s.snr_50_isotonic,
                    s.snr_90_isotonic,
                    len(hi),
                    hi["recovered"].mean() if len(hi) else np.nan,
                ]
            )

    # the backgrounds by what they are: the labels' class of each real light curve, the
    # simulated star's type, white noise
    cls = table["noise_source"].map(noise_class)
    class_rows = []
    for (det, c), t in table.assign(noise_class=cls).groupby(["detector", "noise_class"]):
        inj, null = t[t["injected"]], t[~t["injected"]]
        hi = inj[inj["expected_snr"] >= 12]
        class_rows.append(
            [
                det,
                c,
                len(inj),
                inj["recovered"].mean() if len(inj) else np.nan,
                len(hi),
                hi["recovered"].mean() if len(hi) else np.nan,
                len(null),
                null["flagged"].mean() if len(null) else np.nan,
            ]
        )

    ref = summary.set_index("detector")
    base = "search" if "search" in ref.index else ref.index[0]
    rows = []
    for det, s in ref.iterrows():
        rows.append(
            [
                det,
                int(s.n_injected),
                int(s.n_uninjected),
                s.snr_50,
                s.snr_90,
                s.snr_50_isotonic,
                s.snr_90_isotonic,
                s.recovered,
                s.half_or_double,
                s.false_alarm_rate,
                s.seconds_per_curve,
                s.snr_50 / ref.loc[base, "snr_50"],
                s.seconds_per_curve / ref.loc[base, "seconds_per_curve"],
            ]
        )
    eq_rows = [
        [det, s.sde_equal_far, s.snr_50_equal_far, s.snr_90_equal_far]
        for det, s in ref.iterrows()
        if np.isfinite(s.sde_equal_far)
    ]
    head = [
        "detector",
        "n inj",
        "n null",
        "SNR 50%",
        "SNR 90%",
        "SNR 50% (isotonic)",
        "SNR 90% (isotonic)",
        "recovered",
        "P/2 or 2P",
        "false-alarm rate",
        "s / curve",
        f"SNR50 / {base}",
        f"time / {base}",
    ]
    text = [
        "# Injection-recovery: starskope search vs BLS+SDE 7 vs TLS SDE 7",
        "",
        f"Command: `python -m benchmarks.bench_injection --n {args.n} --n-null {args.n_null} "
        f"--n-tls {args.n_tls} --seed {args.seed} --jobs {args.jobs} "
        f"--detectors {args.detectors}"
        + (f" --snr-range {args.snr_range[0]:g} {args.snr_range[1]:g}" if args.snr_range else "")
        + (f" --tag {args.tag}" if args.tag else "")
        + f"`  (wall {wall:.0f} s)",
        "",
        "Expected SNR = depth / (1.4826 MAD of the 1-day running-median-detrended background) "
        "x sqrt(cadences in transit). SNR 50%/90%: logistic fit (free plateau) of recovery against "
        "log expected SNR; NaN = the plateau never reaches that level. The isotonic columns are the "
        "non-parametric monotone fit (robust where the logistic's plateau and slope trade off). "
        "Recovery = flagged, period "
        "within 1% and epoch within T14/2, for the top signal or (starskope search, which "
        "reports several) any other planet-like candidate, as a matching TCE in Kepler's tests.",
        "",
        markdown_table(head, rows),
        "",
        "## BLS and TLS at equal false alarms",
        "",
        "SDE 7 flags many uninjected curves, so the SDE threshold is moved until at most 1% of "
        "the uninjected curves (here: none of them) are flagged, and completeness re-measured "
        "with that threshold (same trials).",
        "",
        markdown_table(["detector", "SDE threshold", "SNR 50%", "SNR 90%"], eq_rows),
        "",
        "## Red noise",
        "",
        "The expected SNR is a white-noise figure. `beta` is each background's red-noise factor at"
        " the injected duration (scatter of duration-long means of the 1-day running-median-"
        "detrended background against the white expectation, at least 1; Pont et al. 2006) and"
        " effective SNR = expected SNR / beta. Completeness against it, and at expected SNR >= 12"
        f" for backgrounds with beta below and above {BETA_RED:g}:",
        "",
        markdown_table(
            [
                "detector",
                "effective SNR 50%",
                "effective SNR 90%",
                f"n (SNR >= 12, beta < {BETA_RED:g})",
                "recovered",
                f"n (SNR >= 12, beta >= {BETA_RED:g})",
                "recovered",
            ],
            red_rows,
        ),
        "",
        "## Window function",
        "",
        "A planet whose transits fall in the background's gaps cannot be found at any SNR (the "
        "expected SNR counts the in-transit cadences present, not how many transits hold them)."
        " Completeness of the trials with at least two or three transits that have half their "
        "cadences or more (`n_transits_data`; the Kepler pipeline required three), as Burke et al."
        " (2015) separate the window function from the detection efficiency; the uninjected "
        "curves are the same:",
        "",
        markdown_table(
            [
                "detector",
                "transits with data",
                "n inj",
                "SNR 50%",
                "SNR 90%",
                "SNR 50% (iso)",
                "SNR 90% (iso)",
                "n (SNR >= 12)",
                "recovered",
            ],
            win_rows,
        ),
        "",
        "## By kind of background",
        "",
        "Real light curves by their class in `labels.csv` (`no_known_planet` without a quiet or"
        " variable tag: K2 C13 and Kepler stars nobody classified, many of them young and"
        " active), planet hosts with their transits masked, the simulated star types, white"
        " noise:",
        "",
        markdown_table(
            [
                "detector",
                "background",
                "n inj",
                "recovered",
                "n inj (SNR >= 12)",
                "recovered",
                "n null",
                "flagged",
            ],
            class_rows,
        ),
        "",
        "## By background",
        "",
        markdown_table(
            [
                "detector",
                "background",
                "n inj",
                "SNR 50%",
                "SNR 90%",
                "SNR 50% (iso)",
                "SNR 90% (iso)",
                "recovered",
                "false-alarm rate",
            ],
            per_bg,
        ),
        "",
    ]
    report = "\n".join(text)
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    name = "injection" + (f"_{args.tag}" if args.tag else "")
    (args.out / f"{name}.md").write_text(report)
    table.to_csv(args.out / f"{name}.csv", index=False, float_format="%.6g")
    from starskope.simulate.plots import write_recovery_plots

    sub = args.out / f"{name}_png"
    write_recovery_plots(table, sub)
    print(f"wrote {args.out / name}.md, {name}.csv, {sub}/*.png")
    return 0 if np.isfinite(summary["recovered"]).all() else 1


if __name__ == "__main__":
    raise SystemExit(main())
