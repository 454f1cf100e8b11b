"""Do the explanations point at the transits? Saliency inside the true transits, measured.

Issue 5 asks of the raw-flux models' saliency over time "do the high-saliency regions coincide
with the transits?", and of the view models' saliency over phase likewise. This answers it on
the held-out simulated test campaigns, whose truth tables give every host's period, epoch and
duration. For each host (all of them, and those at expected SNR 12 or more) and each shipped
model it measures:

- **in-transit share**: the fraction of the star's saliency that falls inside its transits
  (each widened by half the saliency's own resolution on both sides), against the fraction of
  the light curve those windows cover (what saliency spread at random would give). Their ratio
  is the **enrichment**: 1 = no better than chance.
- **top in transit**: whether the single most salient point is inside a transit, against the
  chance of that (the covered fraction).

Raw-flux models (original CNN, spectrogram CNN, RBM): saliency over the 3197 cadences, by
occlusion (``window`` cadences replaced by the star's median) and, for the original CNN, by
gradient. Views CNN: occlusion over phase in the global view (transit at phase 0, half-width
T14 / 2P) and the local view (transit in its central quarter), for the hosts whose strongest
candidate is at the true period (the views are folded at the found period).

    python -m benchmarks.bench_saliency --test /tmp/sk_models/test101.csv \\
        --test /tmp/sk_models/test102.csv --test /tmp/sk_models/test103.csv \\
        --test /tmp/s4/test201_full.csv --cache /tmp/s16/viewcache28

Writes ``benchmarks/results/saliency.md``.
"""

from __future__ import annotations

import argparse
import csv
import time
import warnings
from pathlib import Path

import numpy as np

from .common import REPO, command_line, markdown_table, match_period, write_report

OUT = REPO / "benchmarks" / "results" / "saliency.md"
RAW_MODELS = ("original-cnn", "spectrogram-cnn", "rbm")


def transit_windows(n: int, cadence: float, *, period, t0, duration, pad: float) -> np.ndarray:
    """True at the cadences (times ``i * cadence``) within ``duration / 2 + pad`` days of a
    transit centre ``t0 + k * period``."""
    t = np.arange(n) * cadence
    dt = (t - t0 + 0.5 * period) % period - 0.5 * period
    return np.abs(dt) <= 0.5 * duration + pad


def in_window_stats(saliency: np.ndarray, mask: np.ndarray) -> tuple[float, float, bool]:
    """Share of ``saliency`` inside ``mask``, the share of cadences ``mask`` covers, and
    whether the most salient point is inside (NaN share when the saliency is all zero)."""
    total = float(saliency.sum())
    share = float(saliency[mask].sum() / total) if total > 0 else float("nan")
    return share, float(mask.mean()), bool(mask[int(np.argmax(saliency))]) if total > 0 else False


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
    truth = path.with_name(path.name[: -len(".csv")] + ".truth.csv")
    if not truth.exists():
        raise SystemExit(f"{path}: no truth table beside it ({truth.name}); use simulated tables")
    with truth.open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["class"] == "planet"]
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
        methods = [("occlusion", window, window)]
        if name == "original-cnn":
            methods.append(("gradient", 1, 1))
        for method, w, resolution in methods:
            S = est.saliency(X, method=method, window=w)
            for h, s in zip(hosts, S, strict=True):
                mask = transit_windows(
                    X.shape[1],
                    LONG_CADENCE_DAYS,
                    period=h["period"],
                    t0=h["t0"],
                    duration=h["duration"],
                    pad=0.5 * resolution * LONG_CADENCE_DAYS,
                )
                share, chance, top = in_window_stats(s, mask)
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
    phase = np.linspace(-0.5, 0.5, N_GLOBAL)
    local = np.linspace(-2.0, 2.0, N_LOCAL)  # in durations: the local view spans 4
    for i, h in enumerate(found):
        half = 0.5 * h["duration"] / h["period"] + 0.5 * window / N_GLOBAL
        g_mask = np.abs(phase) <= half
        l_mask = np.abs(local) <= 0.5 + 0.5 * window * 4.0 / N_LOCAL
        for view, s, mask in (("global", S["global"][i], g_mask), ("local", S["local"][i], l_mask)):
            share, chance, top = in_window_stats(s, mask)
            out.append({**h, "model": "views-cnn", "method": f"occlusion ({window} bins), {view}",
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
    warnings.simplefilter("ignore")
    t_start = time.perf_counter()
    models = {name: load_model(name)[1] for name in args.models.split(",") if name}
    rows: list[dict] = []
    for path in args.test:
        hosts = _hosts(path)
        rows += raw_rows(models, path, hosts, window=args.window)
        if "views-cnn" in models:
            rows += view_rows(models["views-cnn"], path, hosts, cache=args.cache, jobs=args.jobs,
                              window=args.view_window)  # fmt: skip
        print(f"{path.name}: {len(hosts)} hosts", flush=True)
    header = ["model", "saliency", "hosts", "n", "median in-transit share", "median covered",
              "median enrichment", "top point in transit / by chance"]  # fmt: skip
    n_hosts = len({(r["table"], r["row"]) for r in rows})
    write_report(
        args.out,
        [
            "# Do the explanations point at the transits?",
            "",
            f"Command: `{command_line('benchmarks.bench_saliency', argv)}` "
            f"({time.perf_counter() - t_start:.0f} s). {n_hosts} hosts of "
            f"{len(args.test)} simulated test tables (never trained on), true ephemerides from "
            "their truth tables. In-transit share: the fraction of a star's saliency inside its "
            "transits (widened by half the saliency's resolution); covered: the fraction of the "
            "light curve (or view) those windows take, which saliency spread at random would "
            "give; enrichment = share / covered (1 = chance). Views CNN: only the hosts whose "
            "strongest candidate is at the true period (its views are folded there).",
            "",
            markdown_table(header, summarise(rows)),
            "",
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
