"""The shipped classifiers on every real labelled light curve that no model was trained on.

``bench_models`` scores the models on the 34 labelled files of ``../shared/data/labels.csv``.
This benchmark adds the bulk Kepler and TESS files of ``../shared/data/bulk`` (the bulk K2 files
are left out: their non-hosts were the noise of the models' injection training set, see the
model cards), so that the comparison of each model's score with the search pipeline's SDE alone
rests on hundreds of stars, among them the eclipsing binaries, false positives and pulsators
that a host-versus-rest score must rank low.

Reported, per subset (all, Kepler, TESS, the top-level files):

- ROC-AUC and PR-AUC of each model's planet score and of SDE alone, hosts (``is_planet_host``
  1) against non-hosts (0), with stratified bootstrap 95% intervals; files without a label
  (TESS candidates) are left out of these and listed per class below;
- per label class: files, median score and the share scored 0.5 or more by the default model,
  and the share with SDE >= 7.

The Kepler bulk holds quarters of 8 host stars and 1 non-host star, so its files are far from
independent; the TESS bulk holds one file per star.

Run::

    python -m benchmarks.bench_models_real --jobs 2

Writes ``benchmarks/results/models_real.md`` (and ``models_real.json``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import time
from pathlib import Path

import numpy as np

from .bench_models import load_models, model_scores

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DEFAULT_MODEL = "gbm"


def labelled_files(shared: Path) -> list[dict]:
    """Rows of the top-level labels and of the bulk Kepler and TESS labels (paths resolved)."""
    rows = []
    for r in csv.DictReader(open(shared / "labels.csv")):
        rows.append({**r, "path": shared / r["file"], "set": "top-level"})
    bulk = shared / "bulk" / "labels.csv"
    if bulk.exists():
        for r in csv.DictReader(open(bulk)):
            if r["mission"] in ("Kepler", "TESS"):
                rows.append({**r, "path": shared / "bulk" / r["file"], "set": "bulk"})
    return rows


def read_real(shared: Path) -> tuple[list[dict], list, str]:
    """The readable labelled files (:func:`labelled_files`), their light curves and the
    pipeline-run cache key naming them (unreadable files reported and left out)."""
    from starskope.io import read

    rows, lcs = [], []
    for r in labelled_files(shared):
        try:
            lcs.append(read(r["path"]))
        except Exception as exc:  # report, go on
            print(f"  skip {r['file']}: {exc}")
            continue
        rows.append(r)
    names = [str(r["path"]) for r in rows]
    return rows, lcs, "realbulk_" + hashlib.md5("\n".join(names).encode()).hexdigest()[:12]


def _auc_ci(y, s, *, boot: int, seed: int = 0):
    from sklearn.metrics import average_precision_score, roc_auc_score

    roc, pr = float(roc_auc_score(y, s)), float(average_precision_score(y, s))
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    rocs, prs = [], []
    for _ in range(boot):
        i = np.concatenate([rng.choice(pos, pos.size), rng.choice(neg, neg.size)])
        rocs.append(roc_auc_score(y[i], s[i]))
        prs.append(average_precision_score(y[i], s[i]))
    lo_hi = lambda v: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5)))  # noqa: E731
    return {"roc_auc": roc, "roc_ci": lo_hi(rocs), "pr_auc": pr, "pr_ci": lo_hi(prs)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models-dir", type=Path, default=REPO / "src/starskope/data/models")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--cache", type=Path, default=None, help="Pipeline-run cache folder.")
    ap.add_argument("--out-name", default="models_real")
    args = ap.parse_args(argv)
    if not (args.shared / "labels.csv").exists():
        print(f"no labelled light curves at {args.shared}: nothing to do")
        return 0

    t_start = time.perf_counter()
    models = load_models(args.models_dir)

    rows, lcs, key = read_real(args.shared)
    scores = model_scores(models, lcs, key, jobs=args.jobs, cache=args.cache)
    sde = scores["sde-alone"]
    wall = time.perf_counter() - t_start

    label = np.array([r["is_planet_host"] for r in rows])
    mission = np.array([r["mission"] for r in rows])
    where = np.array([r["set"] for r in rows])
    klass = np.array([r["label_class"] or "unlabelled" for r in rows])
    subsets = {
        "all": np.ones(len(rows), dtype=bool),
        "Kepler": mission == "Kepler",
        "TESS": mission == "TESS",
        "top-level files": where == "top-level",
    }
    out = {"n_files": len(rows), "wall_s": wall, "subsets": {}, "classes": {}}
    lines = [
        "# Shipped classifiers on real light curves never trained on",
        "",
        f"{len(rows)} files: the {int((where == 'top-level').sum())} of `../shared/data/labels.csv`"
        f" and {int((where == 'bulk').sum())} bulk Kepler and TESS files (bulk K2 left out: its"
        " non-hosts were training noise). Hosts (is_planet_host 1) against non-hosts (0);"
        " unlabelled files are left out of the AUCs. 95% intervals: stratified bootstrap"
        f" ({args.boot} draws). Command: `python -m benchmarks.bench_models_real --jobs"
        f" {args.jobs}` ({wall:.0f} s).",
        "",
        "| subset | hosts | non-hosts | score | ROC-AUC | 95% CI | PR-AUC | 95% CI |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for sub, m in subsets.items():
        sel = m & np.isin(label, ["0", "1"])
        y = (label[sel] == "1").astype(int)
        if y.sum() == 0 or y.sum() == y.size:
            continue
        out["subsets"][sub] = {}
        for name, s in scores.items():
            r = _auc_ci(y, np.nan_to_num(s[sel]), boot=args.boot)
            out["subsets"][sub][name] = r
            lines.append(
                f"| {sub} | {int(y.sum())} | {int(y.size - y.sum())} | {name} | "
                f"{r['roc_auc']:.3f} | [{r['roc_ci'][0]:.2f}, {r['roc_ci'][1]:.2f}] | "
                f"{r['pr_auc']:.3f} | [{r['pr_ci'][0]:.2f}, {r['pr_ci'][1]:.2f}] |"
            )
    d = scores.get(DEFAULT_MODEL)
    if d is not None:
        lines += [
            "",
            f"## Per label class (default model `{DEFAULT_MODEL}`)",
            "",
            f"| mission | label class | files | median {DEFAULT_MODEL} score | score >= 0.5 |"
            " SDE >= 7 |",
            "|---|---|---|---|---|---|",
        ]
        for mis in ("Kepler", "K2", "TESS"):
            for c in sorted(set(klass[mission == mis])):
                m = (mission == mis) & (klass == c)
                row = {
                    "n": int(m.sum()),
                    "median_score": float(np.median(d[m])),
                    "share_score_05": float(np.mean(d[m] >= 0.5)),
                    "share_sde_7": float(np.mean(sde[m] >= 7.0)),
                }
                out["classes"][f"{mis}:{c}"] = row
                lines.append(
                    f"| {mis} | {c} | {row['n']} | {row['median_score']:.2f} | "
                    f"{row['share_score_05']:.2f} | {row['share_sde_7']:.2f} |"
                )
    text = "\n".join(lines) + "\n"
    (RESULTS / f"{args.out_name}.md").write_text(text)
    (RESULTS / f"{args.out_name}.json").write_text(json.dumps(out, indent=1))
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
