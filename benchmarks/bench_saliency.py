"""Do the explanations point at the transits? Saliency inside the true transits, measured.

Issue 5 asks of the raw-flux models' saliency over time "do the high-saliency regions coincide
with the transits?", and of the view models' saliency over phase likewise. This answers it on
the held-out simulated test campaigns, whose truth tables give every host's period, epoch and
duration. For each host (all of them, and those at expected SNR 12 or more) and each shipped
model it measures:

- **in-transit share**: saliency is scored at its own resolution (occlusion hides a stretch of
  points at once and gives the whole stretch one value; gradient saliency is per point), and
  a stretch counts as in transit when it overlaps one. The share of the star's saliency in
  such stretches is set against the share of the light curve they cover (what saliency spread
  at random would give); their ratio is the **enrichment**: 1 = no better than chance.
- **top in transit**: whether the most salient stretch is in transit, against the chance of
  that (the covered share).

Raw-flux models (original CNN, spectrogram CNN, RBM): saliency over the 3197 cadences, by
occlusion (``window`` cadences replaced by the star's median) and, for the original CNN, by
gradient. Views CNN: occlusion over phase in the global view (the detected transit at phase
0, half-width T14 / 2P of the found ephemeris; the model hides 10 x ``view-window`` of its 2001
bins at once) and in the local view (4 found durations, at most one orbit), for the hosts whose
strongest candidate is at the true period (the views are folded at the found ephemeris).

    python -m benchmarks.bench_saliency --test /tmp/sk_models/test101.csv \\
        --test /tmp/sk_models/test102.csv --test /tmp/sk_models/test103.csv \\
        --test /tmp/s4/test201_full.csv --cache /tmp/s16/viewcache28

Writes ``benchmarks/results/saliency.md``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from .common import REPO, command_line, match_period, write_table_report

OUT = REPO / "benchmarks" / "results" / "saliency.md"
RAW_MODELS = ("original-cnn", "spectrogram-cnn", "rbm")


def transit_windows(n: int, cadence: float, *, period, t0, duration) -> np.ndarray:
    """True at the cadences (times ``i * cadence``) within ``duration / 2`` days of a transit
    centre ``t0 + k * period``."""
    t = np.arange(n) * cadence
    dt = (t - t0 + 0.5 * period) % period - 0.5 * period
    return np.abs(dt) <= 0.5 * duration


def block_stats(saliency: np.ndarray, inside: np.ndarray, block: int) -> tuple[float, float, bool]:
    """Saliency measured at its own resolution: ``block``-point stretches from the first point
    (occlusion hides, and so scores, a whole stretch at once; 1 for per-point saliency).

    A stretch counts as in transit when any of its points is (``inside``). Returns the share
    of the saliency in such stretches, the share of points they cover (what saliency spread
    at random would give) and whether the most salient stretch is one (NaN share, False, when
    the saliency is all zero).

    Examples
    --------
    >>> s = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    >>> block_stats(s, np.array([0, 0, 0, 1, 0, 0], bool), 2)
    (1.0, 0.3333333333333333, True)
    """
    n = saliency.size
    starts = np.arange(0, n, max(1, int(block)))
    value = saliency[starts]  # constant over a stretch
    hit = np.logical_or.reduceat(inside, starts)
    size = np.diff(np.append(starts, n))
    total = float((value * size).sum())
    if total <= 0:
        return float("nan"), float((hit * size).sum() / n), False
    share = float((value * size)[hit].sum() / total)
    return share, float((hit * size).sum() / n), bool(hit[int(np.argmax(value))])


def summarise(rows: list[dict]) -> list:
    """One table row per (model, method, subset): hosts, median share, median chance,
    median enrichment, top in transit (observed / expected by chance)."""
    out = []
    keys = sorted({(r["model"], r["method"]) for r in rows})
    for model, method in keys:
        for subset, keep in (
            ("all hosts", lambda r: True),
            ("SNR >= 12", lambda r: r["snr"] >= 12),
        ):
            sel = [r for r in rows if r["model"] == model and r["method"] == method and keep(r)]
            sel = [r for r in sel if np.isfinite(r["share"])]
            if not sel:
                continue
            share = np.array([r["share"] for r in sel])
            chance = np.array([r["chance"] for r in sel])
            top = np.array([r["top"] for r in sel])
            out.append(
                [
                    model,
                    method,
                    subset,
                    len(sel),
                    float(np.median(share)),
                    float(np.median(chance)),
                    float(np.median(share / chance)),
                    f"{int(top.sum())} / {chance.sum():.1f}",
                ]
            )
    return out


def _hosts(path: Path) -> list[dict]:
    from starskope.models.training_data import truth_rows

    cols = ("class", "period_days", "epoch_days", "duration_hours", "expected_snr")
    rows = truth_rows(path, cols)
    if rows is None:
        raise SystemExit(f"{path}: no truth table beside it; use simulated tables")
    return [
        {
            "table": path.name,
            "row": int(r["row"]),
            "period": float(r["period_days"]),
            "t0": float(r["epoch_days"]),
            "duration": float(r["duration_hours"]) / 24.0,
            "snr": float(r["expected_snr"]),
        }
        for r in rows
        if r["class"] == "planet"
    ]


def raw_rows(models: dict, path: Path, hosts: list[dict], *, window: int) -> list[dict]:
    from starskope.io.kaggle import kaggle_arrays
    from starskope.simulate.campaign import LONG_CADENCE_DAYS

    flux = np.asarray(kaggle_arrays(path).flux, dtype=float)
    X = flux[[h["row"] for h in hosts]]
    out = []
    for name in RAW_MODELS:
        if name not in models:
            continue
        est = models[name]
        methods = [("occlusion", window, window)]  # (method, window, scored stretch)
        if name == "original-cnn":
            methods.append(("gradient", 1, 1))
        for method, w, block in methods:
            S = est.saliency(X, method=method, window=w)
            for h, sal in zip(hosts, S, strict=True):
                inside = transit_windows(X.shape[1], LONG_CADENCE_DAYS, period=h["period"],
                                         t0=h["t0"], duration=h["duration"])  # fmt: skip
                share, chance, top = block_stats(sal, inside, block)
                out.append({**h, "model": name, "method": f"{method} ({w})", "share": share,
                            "chance": chance, "top": top})  # fmt: skip
    return out


def view_rows(est, path: Path, hosts: list[dict], *, cache, jobs: int, window: int) -> list[dict]:
    from starskope.io.kaggle import iter_kaggle
    from starskope.models.views import N_GLOBAL, N_LOCAL, file_key, view_matrix

    Xv, _, E = view_matrix(
        lambda: list(iter_kaggle(path)), key=file_key(path), cache=cache, n_jobs=jobs,
        ephemerides=True,
    )  # fmt: skip
    found = [h for h in hosts if match_period(float(E[h["row"], 0]), (h["period"],)) == "match"]
    if not found:
        return []
    S = est.saliency(Xv[[h["row"] for h in found]], window=window)
    out = []
    # the views are folded at the found ephemeris, the detected transit at their centre: the
    # global view spans phase -1/2..1/2 in N_GLOBAL bins, the local one 4 found durations
    # (at most one orbit); ViewsCNNClassifier.saliency hides 10 x window global bins at once
    g_centres = -0.5 + (np.arange(N_GLOBAL) + 0.5) / N_GLOBAL
    for i, h in enumerate(found):
        period, duration = float(E[h["row"], 0]), float(E[h["row"], 2])
        half = min(2.0 * duration, 0.5 * period)
        l_centres = -half + (np.arange(N_LOCAL) + 0.5) * (2.0 * half / N_LOCAL)
        for view, sal, inside, block in (
            ("global", S["global"][i], np.abs(g_centres) <= 0.5 * duration / period, 10 * window),
            ("local", S["local"][i], np.abs(l_centres) <= 0.5 * duration, window),
        ):
            share, chance, top = block_stats(sal, inside, block)
            out.append({**h, "model": "views-cnn", "method": f"occlusion ({block} bins), {view}",
                        "share": share, "chance": chance, "top": top})  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    from starskope.models.registry import load_model

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--test", type=Path, action="append", required=True, help="simulated table")
    ap.add_argument("--models", default="original-cnn,spectrogram-cnn,rbm,views-cnn")
    ap.add_argument("--window", type=int, default=8, help="occlusion window in cadences")
    ap.add_argument("--view-window", type=int, default=5, help="occlusion window in view bins")
    ap.add_argument("--cache", type=Path, default=None, help="pipeline-run cache (views CNN)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    for p in args.test:
        if not p.is_file():
            ap.error(f"no table at {p}")
    t_start = time.perf_counter()
    models = {name: load_model(name)[1] for name in args.models.split(",") if name}
    rows: list[dict] = []
    for path in args.test:
        hosts = _hosts(path)
        with warnings.catch_warnings():  # the pipeline's and torch's notes on odd stars
            warnings.simplefilter("ignore")
            rows += raw_rows(models, path, hosts, window=args.window)
            if "views-cnn" in models:
                rows += view_rows(models["views-cnn"], path, hosts, cache=args.cache,
                                  jobs=args.jobs, window=args.view_window)  # fmt: skip
        print(f"{path.name}: {len(hosts)} hosts", flush=True)
    header = ["model", "saliency", "hosts", "n", "median in-transit share", "median covered",
              "median enrichment", "top stretch in transit / by chance"]  # fmt: skip
    n_hosts = len({(r["table"], r["row"]) for r in rows})
    write_table_report(
        args.out,
        title="Do the explanations point at the transits?",
        intro=(
            f"Command: `{command_line('benchmarks.bench_saliency', argv)}` "
            f"({time.perf_counter() - t_start:.0f} s). {n_hosts} hosts of "
            f"{len(args.test)} simulated test tables (never trained on), true ephemerides from "
            "their truth tables. Saliency is scored in the stretches it was computed on (the window "
            "in brackets; gradient: per point), a stretch in transit when it overlaps one. "
            "In-transit share: the fraction of a star's saliency in such stretches; covered: the "
            "fraction of the light curve (or view) they take, which saliency spread at random "
            "would give; enrichment = share / covered (1 = chance); top: the most salient "
            "stretch in transit, against the sum of the covered fractions. Views CNN: only the "
            "hosts whose strongest candidate is at the true period, with the found ephemeris "
            "(its views are folded there)."
        ),
        header=header,
        rows=summarise(rows),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
