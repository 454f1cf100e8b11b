"""Evaluation and explanation plots (matplotlib, imported lazily; every function takes ``ax=``)."""

from __future__ import annotations

import numpy as np

__all__ = [
    "plot_confusion",
    "plot_contributions",
    "plot_history",
    "plot_pr",
    "plot_reliability",
    "plot_roc",
    "plot_saliency",
    "plot_score_distributions",
    "plot_view_saliency",
]


def _ax(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5, 4))
    return ax


def plot_roc(y, s, *, ax=None, label=None):
    """ROC curve of scores ``s`` for labels ``y``."""
    from sklearn.metrics import roc_auc_score, roc_curve

    ax = _ax(ax)
    fpr, tpr, _ = roc_curve(y, s)
    ax.plot(fpr, tpr, label=f"{label or 'model'} (AUC {roc_auc_score(y, s):.3f})")
    ax.plot([0, 1], [0, 1], ls=":", c="gray")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC")
    ax.legend(loc="lower right")
    return ax


def plot_pr(y, s, *, ax=None, label=None):
    """Precision-recall curve."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    ax = _ax(ax)
    p, r, _ = precision_recall_curve(y, s)
    ax.step(
        r, p, where="post", label=f"{label or 'model'} (AP {average_precision_score(y, s):.3f})"
    )
    ax.axhline(np.mean(y), ls=":", c="gray", label="chance")
    ax.set(xlabel="recall", ylabel="precision", title="precision-recall", ylim=(0, 1.02))
    ax.legend(loc="lower left")
    return ax


def plot_confusion(confusion, *, ax=None):
    """Confusion matrix ``[[tn, fp], [fn, tp]]``."""
    ax = _ax(ax)
    c = np.asarray(confusion)
    ax.imshow(c, cmap="Blues", vmin=0)
    top = c.max() if c.size and c.max() > 0 else 1
    for (i, j), v in np.ndenumerate(c):
        # white on the dark cells, black on the light ones: readable on both
        color = "w" if v > 0.5 * top else "k"
        ax.text(j, i, str(int(v)), ha="center", va="center", fontsize=14, color=color)
    ax.set_xticks([0, 1], ["not host", "host"])
    ax.set_yticks([0, 1], ["not host", "host"])
    ax.set(xlabel="predicted", ylabel="true", title="confusion matrix")
    return ax


def plot_score_distributions(y, s, *, ax=None, bins=30):
    """Histograms of the score per true class (``y``: 0/1, or class names such as
    ``"planet"``, ``"eclipsing_binary"``, ``"other"``)."""
    ax = _ax(ax)
    y = np.asarray(y)
    edges = np.linspace(0, 1, bins + 1)
    if y.dtype.kind in "iub":
        groups = [(0, "not host"), (1, "host")]
    else:
        groups = [(c, str(c)) for c in sorted(set(y.tolist()))]
    for cls, name in groups:
        ax.hist(np.asarray(s)[y == cls], bins=edges, alpha=0.6, label=name, log=True)
    ax.set(xlabel="score (P planet)", ylabel="stars", title="scores per true class")
    from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_major_formatter(ScalarFormatter())  # 1, 10, 100: not 6x10^0
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.legend()
    return ax


def plot_reliability(y, s, *, ax=None, label=None, n_bins: int = 10, strategy="log"):
    """Reliability diagram: the observed host share against the mean score in bins of the
    score (:func:`~starskope.evaluate.reliability`; by default ``n_bins`` equal steps in log
    score), with exact binomial error bars; a
    calibrated model's points lie on the diagonal within them. Log axes: most stars score near
    0, where the calibration that matters for a rare class is decided; a bin without hosts is
    drawn as an open triangle at its upper limit. Call it again on the same ``ax`` to compare
    models."""
    from ..evaluate import calibration_metrics, reliability

    ax = _ax(ax)
    r = reliability(y, s, n_bins=n_bins, strategy=strategy)
    m = calibration_metrics(y, s)  # the legend's ECE: ten equal-count bins, as the tables'
    floor = 0.5 / max(len(np.asarray(y)), 1)  # where a zero share is drawn on log axes
    some = r["fraction"] > 0
    frac = r["fraction"][some]
    err = [frac - np.maximum(r["low"][some], floor), r["high"][some] - frac]
    x = np.maximum(r["mean_score"], floor)
    bars = ax.errorbar(x[some], frac, yerr=err, fmt="o", capsize=2,
                       label=f"{label or 'model'} (Brier {m['brier']:.3f}, ECE {m['ece']:.3f})")  # fmt: skip
    # no host in the bin: its 95% upper limit, an open triangle pointing down
    ax.plot(x[~some], r["high"][~some], "v", mfc="white", c=bars[0].get_color(), ls="none")
    lim = (floor * 0.8, 1.05)
    if not any(line.get_label() == "calibrated" for line in ax.lines):
        ax.plot(lim, lim, ls=":", c="gray", label="calibrated")
    ax.set(xscale="log", yscale="log", xlim=lim, ylim=lim, xlabel="mean score in bin",
           ylabel="share of hosts in bin", title="reliability")  # fmt: skip
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_history(history, *, ax=None):
    """Training loss and validation metrics per epoch (CNN ``history_``)."""
    ax = _ax(ax)
    ep = [h["epoch"] for h in history]
    ax.plot(ep, [h["loss"] for h in history], label="train loss")
    ax.plot(ep, [h["val_loss"] for h in history], label="val loss")
    ax.plot(ep, [h["val_pr_auc"] for h in history], label="val PR-AUC")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(
        xlabel="epoch",
        ylabel="loss; PR-AUC",
        title="the model's training history (not this evaluation)",
    )
    ax.legend()
    return ax


def plot_saliency(flux, saliency, *, ax=None, transits=None):
    """Flux coloured by saliency (raw-flux models); optional true transit mask shaded."""
    ax = _ax(ax)
    x = np.arange(len(flux))
    ax.plot(x, flux, c="0.7", lw=0.5, zorder=1)
    sc = ax.scatter(x, flux, c=saliency, s=3, cmap="inferno_r", vmin=0, vmax=1, zorder=2)
    if transits is not None:
        ymin, ymax = ax.get_ylim()
        ax.fill_between(x, ymin, ymax, where=transits, color="tab:blue", alpha=0.15, lw=0)
    ax.figure.colorbar(sc, ax=ax, label="occlusion saliency")
    ax.set(xlabel="cadence", ylabel="flux", title="what drove the score")
    return ax


def plot_contributions(contributions, names, *, ax=None, top: int = 10):
    """Horizontal bars of the ``top`` largest feature contributions of one star."""
    ax = _ax(ax)
    c = np.asarray(contributions, dtype=float)
    order = np.argsort(-np.abs(c))[:top][::-1]
    colors = ["tab:green" if c[j] > 0 else "tab:red" for j in order]
    ax.barh([names[j] for j in order], c[order], color=colors)
    ax.axvline(0, c="k", lw=0.5)
    ax.set(
        xlabel="change of P(planet) vs feature at training median", title="feature contributions"
    )
    return ax


def plot_view_saliency(views: dict, saliency: dict, *, axes=None):
    """Folded views (global, local, odd, even, secondary) with occlusion saliency shaded.

    ``views`` and ``saliency``: name -> 1-D array (one star), as
    :func:`~starskope.models.views.split_views` and ``ViewsCNNClassifier.saliency`` give them.
    ``axes``: five matplotlib axes (default: a new 1 x 5 figure).
    """
    names = ("global", "local", "odd", "even", "secondary")
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 5, figsize=(14, 3), gridspec_kw={"width_ratios": [2, 1, 1, 1, 1]})
    for ax, name in zip(axes, names, strict=True):
        v = np.asarray(views[name], dtype=float)
        sal = np.asarray(saliency[name], dtype=float)
        x = np.linspace(-0.5, 0.5, len(v)) if name == "global" else np.linspace(-2, 2, len(v))
        lo, hi = float(np.min(v)), float(np.max(v))
        ax.fill_between(x, lo, lo + (hi - lo) * sal, color="tab:red", alpha=0.3, lw=0)
        ax.plot(x, v, ".", ms=1.5, color="k")
        ax.set_title(name)
        ax.set_xlabel("phase (periods)" if name == "global" else "time (durations)")
    axes[0].set_ylabel("normalised flux (saliency shaded)")
    return axes
