"""Are the shipped models' scores probabilities? Reliability on campaigns no model saw.

Issue 5 asks that ``score`` mean the probability that the star hosts a transiting planet. A
probability is one for a population: the shipped models are calibrated on their training
mixture (its host share is every card's ``host_prior``) and ``--prior RATE`` moves them to
another rate by Bayes' rule (:mod:`starskope.models.prior`); ``--prior auto`` estimates the
rate from the scores themselves (:func:`~starskope.models.prior.estimate_prior`). This benchmark
simulates two
campaigns with seeds no model was trained, validated or tested on, one at the training
mixture's host share and one at a survey's (1%), scores them with each model (as ``starskope
predict`` does), at the training prior, at the campaign's own host share and at the share
``--prior auto`` estimates without the labels, and reports the
Brier score (against always giving the host share), the log loss, the expected calibration
error over ten equal-count bins, and the mean score against the host share; a reliability
table for each model at the campaign's own prior (bins equal in log score: at a 1% share the
top tenth of the scores would lump every high-scoring star together), and a reliability
diagram (``calibration.png``).

Run (about 4 minutes on 2 cores)::

    python -m benchmarks.bench_calibration --jobs 2
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import REPO, command_line, markdown_table, write_report
from .compare_models_validation import TableInputs

OUT = REPO / "benchmarks" / "results" / "calibration.md"
#: name -> (stars, hosts, seed): the training mixture's host share (30.6%) and a survey's (1%)
CAMPAIGNS = {"training share": (1000, 306, 701), "survey share": (3000, 30, 702)}
MODELS = "gbm,views-cnn,original-cnn,spectrogram-cnn,rbm"


def _training_scores(inputs: TableInputs, name: str) -> tuple[np.ndarray, float]:
    """Model ``name``'s planet scores of the table at its training prior, and that prior; the
    scores at another share follow by Bayes' rule (:func:`~starskope.models.prior.shift_planet`,
    what ``--prior`` applies)."""
    from starskope.models.prior import score_prior
    from starskope.models.registry import MODELS as REGISTRY
    from starskope.models.registry import load_model

    _, est = load_model(name)
    return inputs.planet_scores(REGISTRY[name].kind, est), score_prior(est)


def _plot(panels: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from starskope.models.plots import plot_reliability

    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 5), squeeze=False)
    for ax, (title, curves) in zip(axes[0], panels.items(), strict=True):
        for label, (y, s) in curves.items():
            plot_reliability(y, s, ax=ax, label=label)
        ax.set_title(title, fontsize="medium")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None) -> str:
    from starskope.cli import main as starskope
    from starskope.evaluate import calibration_metrics, reliability
    from starskope.models.prior import estimate_prior, shift_planet

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=MODELS)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0, help="campaign sizes times this")
    ap.add_argument("--work", type=Path, default=None, help="folder for the campaigns")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    models = [m for m in args.models.split(",") if m]
    work = args.work or Path(tempfile.mkdtemp(prefix="sk_calib_"))
    work.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    rows, rel_rows, panels, made = [], [], {}, []
    for title, (n, k, seed) in CAMPAIGNS.items():
        n, k = max(20, round(n * args.scale)), max(2, round(k * args.scale))
        table = work / f"calib_{seed}_{n}_{k}.csv"
        cmd = ["simulate", "campaign", "--n-stars", str(n), "--n-hosts", str(k), "--seed",
               str(seed), "--format", "kaggle", "--out", str(table), "--shuffle"]  # fmt: skip
        made.append("starskope " + " ".join(cmd[:-3] + ["--shuffle"]))
        if not table.exists() and starskope(cmd) != 0:
            raise SystemExit(f"could not simulate the {title} campaign")
        inputs = TableInputs(table, jobs=args.jobs)
        y = np.asarray(inputs.arrays.label, dtype=int)
        rate = float(y.mean())
        curves = {}
        for name in models:
            at_train, trained = _training_scores(inputs, name)
            # as `predict --prior auto`: estimated without the labels
            auto = estimate_prior(at_train, train_prior=trained)
            for prior, tag in ((trained, f"training ({trained:.3g})"), (rate, f"own ({rate:.3g})"),
                               (auto, f"auto ({auto:.3g})")):  # fmt: skip
                s = shift_planet(at_train, train_prior=trained, host_prior=prior)
                m = calibration_metrics(y, s)
                high = s >= 0.5
                rows.append([title, name, tag, m["n"], m["n_pos"], m["brier"],
                             m["brier_reference"], m["log_loss"], m["ece"], m["mean_score"],
                             m["host_rate"], int(high.sum()), int(y[high].sum())])  # fmt: skip
                if tag.startswith("own"):
                    curves[name] = (y, s)
                    r = reliability(y, s, n_bins=10, strategy="log")
                    for i in range(len(r["count"])):
                        rel_rows.append([title, name, f"{r['lower'][i]:.3g}-{r['upper'][i]:.3g}",
                                         int(r["count"][i]), r["mean_score"][i], r["fraction"][i],
                                         f"[{r['low'][i]:.3f}, {r['high'][i]:.3f}]"])  # fmt: skip
        panels[f"{title}: {n} stars, {k} hosts, scored at their own share"] = curves
    png = args.out.with_suffix(".png")
    png.parent.mkdir(parents=True, exist_ok=True)
    _plot(panels, png)
    lines = [
        "# Calibration: are the shipped models' scores probabilities?",
        "",
        f"Command: `{command_line('benchmarks.bench_calibration', argv)}` "
        f"({time.perf_counter() - t_start:.0f} s). Campaigns (seeds no model saw): "
        + "; ".join(f"`{c}`" for c in made)
        + ". Each model scores every row as `starskope predict` does, at its training prior (the "
        "card's host share), moved to the campaign's own host share (`--prior RATE`) and to the "
        "share estimated from the scores without the labels (`--prior auto`, the EM of Saerens et "
        "al. 2002). Brier: mean "
        "squared difference of score and label; reference: always giving the host share (a "
        "score that does not beat it carries no information about single stars). ECE: the "
        "count-weighted mean of |host share - mean score| over ten equal-count bins (it "
        "includes the bins' sampling noise: with 3 hosts in a bin, a calibrated model's share "
        "scatters by about 0.03 in 300 stars). Mean score against host share: calibration in "
        "the large.",
        "",
        markdown_table(
            ["campaign", "model", "prior", "stars", "hosts", "Brier", "Brier reference",
             "log loss", "ECE", "mean score", "host share", "scored >= 0.5",
             "of them hosts"],
            rows,
        ),  # fmt: skip
        "",
        "Reliability at the campaign's own host share (ten bins of equal width in log score, "
        "from the smallest score to 1, empty ones left out; the share's exact 95% interval), as "
        "drawn in the diagram:",
        "",
        markdown_table(
            ["campaign", "model", "score bin", "stars", "mean score", "host share",
             "interval"],
            rel_rows,
        ),  # fmt: skip
        "",
        f"![reliability diagrams]({png.name})",
        "",
    ]
    return write_report(args.out, lines)


if __name__ == "__main__":
    main()
