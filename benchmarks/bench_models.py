"""Classifiers side by side: the original raw-flux CNN, the calibrated trees, the views CNN, the
spectrogram CNN, and SDE alone.

Data (all simulated data are made by ``starskope simulate campaign``; see ``--help``):

- training: one campaign (default 1000 stars, 250 hosts, seed 1) used by ``starskope train``
  for every shipped model; it is never evaluated on;
- held-out tests: campaigns with the Kaggle test set's imbalance (570 stars, 5 hosts) for several
  seeds; metrics per seed (spread over seeds) and pooled over seeds with stratified bootstrap
  95% intervals;
- real: the labelled light curves in ``../shared/data/labels.csv`` (hosts vs non-hosts; never
  used for training): ROC-AUC of each model's score and of the pipeline's SDE alone.

Speed: the original CNN's training seconds per epoch on a 5087 x 3197 table (timed over a few
balanced batches and scaled to ceil(5087 / 32) batches) and its inference rate (stars per second,
preprocessing included) on CPU; GPU figures when torch sees one.

Run::

    python -m benchmarks.bench_models --models-dir src/starskope/data/models \
        --test /tmp/sk_models/test101.csv --test /tmp/sk_models/test102.csv \
        --test /tmp/sk_models/test103.csv --jobs 2

Models are read from ``--models-dir`` (every registry model with a file there). The views CNN's
inputs (folded views) and the trees' features (and SDE) come from one search-pipeline run per
star, cached by :func:`starskope.models.views.view_matrix` (``~/.cache/starskope/views`` or
``--cache``, keyed by file MD5 and the pipeline settings, not the code: delete it after a change
to the pipeline).

Writes ``benchmarks/results/models.md`` (and ``models.json``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import time
from pathlib import Path

import numpy as np

from .compare_models_validation import TableInputs

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
RANK_METRICS = ("pr_auc", "roc_auc", "recall_at_p90", "recall_at_p99", "precision_at_r100")
THRESH_METRICS = ("precision", "recall", "f1")


def load_models(models_dir: Path) -> dict:
    """Every registry model with a file in ``models_dir``: name -> (kind, estimator)."""
    from starskope.models.registry import MODELS, load_model

    models = {}
    for spec in MODELS.values():
        f = Path(models_dir) / f"{spec.name}{spec.suffix}"
        if f.exists():
            name, est = load_model(f)
            models[name] = (spec.kind, est)
    return models


def _features(lcs, key: str, jobs: int, cache: Path | None) -> np.ndarray:
    """Tabular features of the same cached pipeline run that gives the views."""
    from starskope.models.views import view_matrix

    return view_matrix(lcs, key=key, n_jobs=jobs, cache=cache)[1]


def _sde(X: np.ndarray) -> np.ndarray:
    from starskope.features.tabular import FEATURE_NAMES

    s = X[:, FEATURE_NAMES.index("sde")]
    return np.where(np.isfinite(s), s, 0.0)


#: Models also reported with the survey-level ephemeris veto: stars whose strongest candidate
#: recurs in other stars of the same table are scored on their next candidate that does not
#: (the model applied to it as if it were the strongest), or get 0 when there is none.
VETO_MODELS = ("gbm", "views-cnn")
VETO_SUFFIX = " + ephemeris veto"


def common_rows(lcs, key: str, jobs: int, cache: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """Stars of one table (observed together) whose strongest candidate recurs in other rows
    (:func:`starskope.vet.ephemeris.common_signals`, default alpha, over every significant
    candidate of every star), and for each the index of its next candidate that is not common
    (1 or 2; -1 for none; 0 where the first is not common)."""
    from starskope.models.views import view_matrix
    from starskope.vet.ephemeris import common_signals

    _, _, E0, alt = view_matrix(
        lcs, key=key, n_jobs=jobs, cache=cache, ephemerides=True, alternatives=True
    )
    E = np.concatenate([E0[:, None, :], alt["ephemerides"]], axis=1)  # (stars, candidates, 5)
    common = np.zeros(E.shape[:2], dtype=bool)
    star, k = np.nonzero(E[..., 4] == 1)
    if star.size:
        e = E[star, k]
        common[star, k] = common_signals(e[:, 0], e[:, 1], e[:, 2], star, e[:, 3]).common
    first = common[:, 0]
    usable = np.isfinite(E[..., 0]) & ~common
    usable[:, 0] = False
    nxt = np.where(usable.any(axis=1), np.argmax(usable, axis=1), -1)
    return first, np.where(first, nxt, 0)


def _vetoed(name: str, est, kind: str, score, common, nxt, alt) -> np.ndarray:
    """``score`` with the ephemeris veto (see :data:`VETO_MODELS`)."""
    out = np.where(common, 0.0, score)
    rows = np.flatnonzero(common & (nxt > 0))
    if rows.size:
        k = nxt[rows] - 1
        if kind == "views":
            proba = est.predict_proba(alt["X"][rows, k])
            out[rows] = proba[:, _planet_col(est)]
        else:
            out[rows] = est.score_planet(alt["features"][rows, k])
    return out


def _views(lcs, key: str, jobs: int, cache: Path | None) -> np.ndarray:
    from starskope.models.views import view_matrix

    return view_matrix(lcs, key=key, n_jobs=jobs, cache=cache)[0]


def host_candidates(path: Path, X_tab: np.ndarray, scores: dict) -> list[dict]:
    """Each true planet host of a simulated table: its strongest candidate against the truth.

    ``match``: the candidate's period is the true one (or 2x, 1/2x, 3x, 1/3x) within 1%. With it,
    a low model score is the classifier's miss; without it, the search handed the model another
    signal (e.g. spot modulation outranking the transit).
    """
    from starskope.features.tabular import FEATURE_NAMES
    from starskope.models.training_data import truth_rows

    rows = truth_rows(path, ("class", "period_days"))
    if rows is None:
        return []
    ranks = {n: (-s).argsort().argsort() + 1 for n, s in scores.items() if "(prior" not in n}
    out = []
    for r in rows:
        if r["class"] != "planet":
            continue
        i = int(r["row"])
        found = float(10 ** X_tab[i, FEATURE_NAMES.index("log_period")])
        ratio = found / float(r["period_days"])
        match = (
            bool(np.isfinite(ratio))
            and min(abs(ratio * k - 1) for k in (1, 2, 0.5, 3, 1 / 3)) < 0.01
        )
        out.append(
            {
                "table": path.name,
                "row": int(i),
                "noise": r.get("noise_source") or "",
                "period_days": float(r["period_days"]),
                "expected_snr": float(r.get("expected_snr") or "nan"),
                "found_period_days": found,
                "found_snr": float(X_tab[i, FEATURE_NAMES.index("snr")]),
                "match": match,
                "rank": {n: int(rk[i]) for n, rk in ranks.items()},
            }
        )
    return out


#: Hosts whose expected SNR (truth table) is below this are out of any pipeline's reach: the
#: "detectable hosts" section drops them (and keeps every non-host).
DETECTABLE_SNR = 7.1


def host_snr(path: Path, n: int) -> np.ndarray:
    """Expected SNR of each row's planet from the table's truth table (NaN for non-hosts and
    when there is no truth table)."""
    from starskope.models.training_data import truth_rows

    out = np.full(n, np.nan)
    for r in truth_rows(path, ("label", "expected_snr")) or ():
        i = int(r["row"])
        if 0 <= i < n and int(r["label"]) == 2:  # an eclipsing binary has an SNR too
            out[i] = float(r["expected_snr"] or "nan")
    return out


def _planet_col(est) -> int:
    return est.planet_column() if hasattr(est, "planet_column") else 1


#: (table, stars vetoed, hosts among them, stars rescored on a next candidate) per table.
VETOED: list[tuple[str, int, int, int]] = []


def score_table(
    models: dict,
    path: Path,
    *,
    jobs: int,
    cache: Path | None,
    multiclass: dict | None = None,
    hosts: list | None = None,
) -> tuple[np.ndarray, dict]:
    """Labels and scores of every model (+ SDE alone) on one Kaggle table.

    ``multiclass``: filled with ``name -> (true classes, predicted classes)`` for models with
    more than two classes, when the table has a truth table. ``hosts``: extended with
    :func:`host_candidates` of the table.
    """
    from starskope.io.kaggle import iter_kaggle
    from starskope.models.training_data import truth_classes
    from starskope.models.views import file_key

    inputs = TableInputs(path, jobs=jobs, cache=cache)
    y = np.asarray(inputs.arrays.label, dtype=int)
    scores = {}
    for name, (kind, est) in models.items():
        t0 = time.perf_counter()
        scores[name], proba = inputs.scores(kind, est)
        if kind == "views" and multiclass is not None and len(est.classes_) > 2:
            truth = truth_classes(path)
            if truth is not None:
                pred = est.classes_[np.argmax(proba, axis=1)]
                t_old, p_old = multiclass.get(name, ([], []))
                multiclass[name] = (list(t_old) + list(truth), list(p_old) + list(pred))
        print(f"  {name}: {time.perf_counter() - t0:.1f} s")
    X_tab = inputs.features
    common, nxt = common_rows(lambda: list(iter_kaggle(path)), file_key(path), jobs, cache)
    if any(n in scores for n in VETO_MODELS):
        from starskope.models.views import view_matrix

        alt = view_matrix(None, key=file_key(path), cache=cache, alternatives=True)[2]
        for name in VETO_MODELS:
            if name in scores:
                kind, est = models[name]
                scores[name + VETO_SUFFIX] = _vetoed(
                    name, est, kind, scores[name], common, nxt, alt
                )
    VETOED.append(
        (path.name, int(common.sum()), int((common & (y == 1)).sum()), int((nxt > 0).sum()))
    )
    scores["sde-alone"] = _sde(X_tab)
    if hosts is not None:
        hosts += host_candidates(path, X_tab, scores)
    return y, scores


def real_scores(models: dict, shared: Path, *, jobs: int, cache: Path | None):
    """Hosts vs non-hosts among the real labelled light curves: labels and scores."""
    from starskope.io import read

    rows = [r for r in csv.DictReader(open(shared / "labels.csv")) if r["is_planet_host"] in "01"]
    rows = [r for r in rows if r["is_planet_host"] != ""]
    lcs, y, names = [], [], []
    for r in rows:
        try:
            lcs.append(read(shared / r["file"]))
        except Exception as exc:  # report, go on
            print(f"  skip {r['file']}: {exc}")
            continue
        y.append(int(r["is_planet_host"]))
        names.append(r["file"])
    y = np.array(y)
    key = "real_" + hashlib.md5("\n".join(names).encode()).hexdigest()[:12]
    return y, model_scores(models, lcs, key, jobs=jobs, cache=cache)


def model_scores(models: dict, lcs, key: str, *, jobs: int, cache: Path | None) -> dict:
    """Each model's planet score for light curves ``lcs`` (raw flux resampled, views and
    features from one cached pipeline run keyed ``key``), plus ``"sde-alone"``."""
    from starskope.features.rawflux import model_cadence_minutes, resample_flux

    X_tab = _features(lcs, key, jobs, cache)
    scores = {}
    for name, (kind, est) in models.items():
        if kind == "rawflux":
            cad = model_cadence_minutes(est)
            X = np.vstack(
                [resample_flux(lc, n_points=est.n_points_, cadence_minutes=cad) for lc in lcs]
            )
            scores[name] = est.predict_proba(X)[:, _planet_col(est)]
        elif kind == "views":
            scores[name] = est.score_planet(_views(lcs, key, jobs, cache))
        else:
            scores[name] = est.score_planet(X_tab)
    scores["sde-alone"] = _sde(X_tab)
    return scores


def speed(cnn_cls, *, n_stars: int = 5087, n_points: int = 3197, device: str = "cpu") -> dict:
    """Seconds per training epoch (scaled from a few batches) and inference stars/s."""
    import torch

    from starskope.features.rawflux import raw_flux_channels
    from starskope.models.cnn import OriginalCNN
    from starskope.models.torch_estimator import balanced_batch, circular_shift

    rng = np.random.default_rng(0)
    flux = 1000 + rng.normal(size=(n_stars, n_points))
    y = np.zeros(n_stars, int)
    y[:37] = 1
    t0 = time.perf_counter()
    x = raw_flux_channels(flux)
    prep = time.perf_counter() - t0
    dev = torch.device(device)
    net = OriginalCNN(n_points=n_points).to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    steps = 12

    def step():
        b = balanced_batch(y, batch_size=32, rng=rng)
        xb = torch.from_numpy(circular_shift(x[b], rng)).to(dev)
        yb = torch.from_numpy(y[b].astype(np.float32)).to(dev)
        opt.zero_grad()
        loss_fn(net(xb), yb).backward()
        opt.step()

    step()
    if device != "cpu":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    if device != "cpu":
        torch.cuda.synchronize()
    per_step = (time.perf_counter() - t0) / steps
    # inference incl. preprocessing, on 2000 stars
    est = cnn_cls(random_state=0, device=device)
    est.module_, est.n_points_, est.calibration_ = net.eval(), n_points, (1.0, 0.0)
    est.classes_ = np.array([0, 1])
    sub = flux[:2000]
    est.predict_proba(sub[:64])
    t0 = time.perf_counter()
    est.predict_proba(sub)
    inf = time.perf_counter() - t0
    return {
        "device": device,
        "threads": torch.get_num_threads(),
        "seconds_per_batch": per_step,
        "seconds_per_epoch_5087": per_step * math.ceil(n_stars / 32),
        "seconds_per_original_epoch_99_steps": per_step * (n_points // 32),
        "preprocess_seconds_5087": prep,
        "inference_stars_per_second": len(sub) / inf,
    }


def _fmt(v):
    return "-" if v is None or not np.isfinite(v) else f"{v:.3f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models-dir", type=Path, default=REPO / "src/starskope/data/models")
    ap.add_argument("--test", type=Path, action="append", required=True)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--boot", type=int, default=2000)
    ap.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="Folder of the cached pipeline runs (default: starskope.models.views.cache_dir()).",
    )
    ap.add_argument("--no-real", action="store_true")
    ap.add_argument(
        "--prior",
        type=float,
        default=37 / 5087,
        help="Also score with probabilities shifted to this host rate (0: off).",
    )
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--out-name", default="models", help="Result file stem in benchmarks/results.")
    args = ap.parse_args(argv)

    from starskope.evaluate import binary_metrics, bootstrap_metrics

    models = load_models(args.models_dir)
    if args.prior > 0:
        import copy

        for name, (kind, est) in list(models.items()):
            shifted = copy.deepcopy(est)
            shifted.host_prior = args.prior
            models[f"{name} (prior {args.prior:g})"] = (kind, shifted)
    print("models:", list(models))
    per_seed: dict[str, list[dict]] = {}
    pooled_y, pooled, pooled_snr = [], {}, []
    multiclass: dict = {}
    hosts: list = []
    for path in args.test:
        print(f"test {path}")
        y, scores = score_table(
            models, path, jobs=args.jobs, cache=args.cache, multiclass=multiclass, hosts=hosts
        )
        pooled_y.append(y)
        pooled_snr.append(host_snr(path, len(y)))
        for name, s in scores.items():
            per_seed.setdefault(name, []).append(binary_metrics(y, s))
            pooled.setdefault(name, []).append(s)
    y_all = np.concatenate(pooled_y)
    import sys

    argv_text = " ".join(sys.argv[1:] if argv is None else argv)
    lines = ["# Classifiers on held-out simulated campaigns", ""]
    lines += [f"Command: `python -m benchmarks.bench_models {argv_text}`", ""]
    lines += [
        f"Test sets: {len(args.test)} campaigns (`{', '.join(p.name for p in args.test)}`), "
        f"{len(y_all)} stars, {int(y_all.sum())} hosts in all. Threshold metrics at score 0.5 "
        "(calibrated probability; each model is calibrated at its training host rate: "
        + ", ".join(
            f"{n} {getattr(e, 'train_prior_', float('nan')):.1%}"
            for n, (_, e) in models.items()
            if "(prior" not in n
        )
        + (
            f"; rows marked 'prior' shift it to {args.prior:g}, the Kaggle training table's "
            "rate; ranking metrics do not change"
            if args.prior > 0
            else ""
        )
        + "). SDE alone is not a probability, so only its ranking metrics are shown.",
        "",
        "## Per test seed: mean and spread (min-max) over seeds",
        "",
        "| model | " + " | ".join(RANK_METRICS + THRESH_METRICS) + " |",
        "|---" * (1 + len(RANK_METRICS) + len(THRESH_METRICS)) + "|",
    ]
    for name, ms in per_seed.items():
        cells = []
        for k in RANK_METRICS + THRESH_METRICS:
            if name == "sde-alone" and k in THRESH_METRICS:
                cells.append("-")
                continue
            v = np.array([m[k] for m in ms])
            cells.append(f"{np.nanmean(v):.3f} ({np.nanmin(v):.2f}-{np.nanmax(v):.2f})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Pooled over seeds, stratified bootstrap 95% intervals", ""]
    lines += ["| model | " + " | ".join(RANK_METRICS + THRESH_METRICS) + " | confusion |"]
    lines += ["|---" * (2 + len(RANK_METRICS) + len(THRESH_METRICS)) + "|"]
    out_json: dict = {"per_seed": per_seed, "pooled": {}}
    note = ""
    for name, ss in pooled.items():
        s = np.concatenate(ss)
        tab = bootstrap_metrics(y_all, s, n_boot=args.boot, random_state=0)
        note = tab.note
        cells = []
        for k in RANK_METRICS + THRESH_METRICS:
            if name == "sde-alone" and k in THRESH_METRICS:
                cells.append("-")
            else:
                cells.append(f"{_fmt(tab.value[k])} [{_fmt(tab.low[k])}, {_fmt(tab.high[k])}]")
        conf = "-" if name == "sde-alone" else str(tab.value["confusion"])
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {conf} |")
        out_json["pooled"][name] = {"value": tab.value, "low": tab.low, "high": tab.high}
    if note:
        lines += ["", f"Note: {note}."]
    if VETOED:
        lines += [
            "",
            "Ephemeris veto (rows '" + VETO_SUFFIX.strip(" +") + "'): the stars of one table were"
            " observed together, so a strongest candidate whose period and transit times recur in"
            " other stars of the table (`starskope.vet.ephemeris.common_signals` over every"
            " significant candidate, chance probability below 1e-3) is the instrument's or a"
            " neighbour's: the star is scored on its next candidate that is not common (the"
            " model applied to it as if it were the strongest, as `predict --survey` does), or"
            " gets 0 when it has none. Stars vetoed per table (hosts among them; rescored on a"
            " next candidate): " + ", ".join(f"{t} {n} ({h}; {r})" for t, n, h, r in VETOED) + ".",
        ]
    snr_all = np.concatenate(pooled_snr)
    keep = (y_all == 0) | (snr_all >= DETECTABLE_SNR)
    if (y_all == 1).any() and np.isfinite(snr_all[y_all == 1]).all() and (y_all[keep] == 1).any():
        n_det = int((y_all[keep] == 1).sum())
        lines += [
            "",
            f"## Detectable hosts only: expected SNR >= {DETECTABLE_SNR:g}",
            "",
            f"The same scores with the {int((y_all == 1).sum()) - n_det} hosts whose transits are"
            f" below expected SNR {DETECTABLE_SNR:g} (truth table) left out: {n_det} hosts and"
            f" all {int((y_all == 0).sum())} non-hosts. What the models do where a detection is"
            " possible at all; the target's recall is asked of every host.",
            "",
            "| model | " + " | ".join(RANK_METRICS + THRESH_METRICS) + " |",
            "|---" * (1 + len(RANK_METRICS) + len(THRESH_METRICS)) + "|",
        ]
        out_json["detectable"] = {"snr_min": DETECTABLE_SNR, "n_hosts": n_det}
        for name, ss in pooled.items():
            s = np.concatenate(ss)[keep]
            tab = bootstrap_metrics(y_all[keep], s, n_boot=args.boot, random_state=0)
            cells = [
                "-"
                if name == "sde-alone" and k in THRESH_METRICS
                else f"{_fmt(tab.value[k])} [{_fmt(tab.low[k])}, {_fmt(tab.high[k])}]"
                for k in RANK_METRICS + THRESH_METRICS
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
            out_json["detectable"][name] = {"value": tab.value, "low": tab.low, "high": tab.high}
    for name, (truth, pred) in multiclass.items():
        if "(prior" in name:
            continue
        labels = ["planet", "eclipsing_binary", "other"]
        from sklearn.metrics import confusion_matrix

        cm = confusion_matrix(truth, pred, labels=labels)
        lines += [
            "",
            f"## {name}: classes on the test campaigns (truth table; most probable class)",
        ]
        lines += ["", "| true \\ predicted | " + " | ".join(labels) + " |", "|---" * 4 + "|"]
        for lab, row in zip(labels, cm, strict=True):
            lines.append(f"| {lab} | " + " | ".join(str(int(v)) for v in row) + " |")
        out_json.setdefault("multiclass_confusion", {})[name] = cm.tolist()
    if hosts:
        names = [n for n in hosts[0]["rank"] if n != "sde-alone"] + ["sde-alone"]
        n_match = sum(h["match"] for h in hosts)
        lines += ["", "## Test hosts: the pipeline's strongest candidate against the truth", ""]
        lines += [
            f"The strongest candidate is at the true period (or 2x, 1/2x, 3x, 1/3x, within 1%) "
            f"for {n_match} of {len(hosts)} hosts. Rank: the host's place among its table's "
            f"stars by each score (1 = top).",
            "",
            "| table | row | noise | P (d) | expected SNR | found P (d) | found SNR | match | "
            + " | ".join(f"rank {n}" for n in names)
            + " |",
            "|---" * (8 + len(names)) + "|",
        ]
        for h in hosts:
            lines.append(
                f"| {h['table']} | {h['row']} | {h['noise']} | {h['period_days']:.3f} | "
                f"{h['expected_snr']:.1f} | {h['found_period_days']:.3f} | {h['found_snr']:.1f} | "
                f"{'yes' if h['match'] else 'no'} | "
                + " | ".join(str(h["rank"][n]) for n in names)
                + " |"
            )
        out_json["hosts"] = hosts
    if not args.no_real and (args.shared / "labels.csv").exists():
        print("real labelled light curves")
        y, scores = real_scores(models, args.shared, jobs=args.jobs, cache=args.cache)
        from sklearn.metrics import roc_auc_score

        lines += ["", "## Real labelled light curves (../shared/data; never trained on)", ""]
        lines += [f"{len(y)} light curves, {int(y.sum())} from planet hosts.", ""]
        lines += ["| score | ROC-AUC hosts vs non-hosts |", "|---|---|"]
        out_json["real"] = {}
        for name, s in scores.items():
            auc = float(roc_auc_score(y, s))
            out_json["real"][name] = auc
            lines.append(f"| {name} | {auc:.3f} |")
    if not args.no_speed and "original-cnn" in models and not args.no_real:
        import torch

        from starskope.models.torch_estimator import RawFluxCNNClassifier

        sp = [speed(RawFluxCNNClassifier)]
        if torch.cuda.is_available():
            sp.append(speed(RawFluxCNNClassifier, device="cuda"))
        lines += ["", "## Original CNN speed (5087 x 3197, batch 32)", ""]
        lines += ["| device | threads | s/epoch (5087 stars) | s/original epoch (99 batches) "
                  "| inference stars/s |", "|---|---|---|---|---|"]  # fmt: skip
        for d in sp:
            lines.append(
                f"| {d['device']} | {d['threads']} | {d['seconds_per_epoch_5087']:.1f} | "
                f"{d['seconds_per_original_epoch_99_steps']:.1f} | "
                f"{d['inference_stars_per_second']:.0f} |"
            )
        if len(sp) == 1:
            lines.append("")
            lines.append("No GPU was available to this run; no GPU figures.")
        out_json["speed"] = sp
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out_name}.md").write_text(text)
    (RESULTS / f"{args.out_name}.json").write_text(json.dumps(out_json, indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
