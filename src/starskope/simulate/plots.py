"""Completeness plots for injection-recovery tables (matplotlib; imported only when plotting)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .recovery import completeness, snr_at_completeness

__all__ = ["plot_completeness_map", "plot_completeness_snr", "write_recovery_plots"]


_SNR_LABELS = {
    "expected_snr": "expected SNR (depth / sigma_robust x sqrt(N_in))",
    "effective_snr": "effective SNR (expected SNR / red-noise beta)",
}


def plot_completeness_snr(table, *, ax, by: str = "expected_snr"):
    """Recovered fraction against expected SNR (or ``by``: ``"effective_snr"``), one curve per
    detector; error bars are exact binomial 68.3% intervals (a bin of one trial spans most of
    [0, 1], not zero), and each point's size grows with its number of trials."""
    for name, t in table.groupby("detector", sort=False):
        c = completeness(t, by=by)
        c = c[c["n"] > 0]
        yerr = np.vstack([c["fraction"] - c["low"], c["high"] - c["fraction"]])
        line = ax.errorbar(
            c["centre"], c["fraction"], yerr=yerr, marker="none", capsize=2, label=name
        )
        ax.scatter(
            c["centre"],
            c["fraction"],
            s=8 + 4 * np.sqrt(c["n"].to_numpy(float)),
            color=line[0].get_color(),
            zorder=3,
        )
    ax.axvline(7.1, color="0.5", ls=":", label="SNR 7.1 (Kepler)")
    ax.set_xscale("log")
    ax.set_xlabel(_SNR_LABELS.get(by, by))
    ax.set_ylabel("completeness (period and epoch recovered)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    return ax


def plot_completeness_map(table, *, ax, n_bins: int | None = None):
    """Recovered fraction on a log period x log depth grid (injected trials), each cell
    labelled with its trials recovered / injected.

    ``n_bins`` per axis defaults to about ``sqrt(n / 6)`` (3 to 10), so cells hold several trials.
    """
    inj = table[table["injected"]]
    if n_bins is None:
        n_bins = int(np.clip(np.sqrt(len(inj) / 6.0), 3, 10))
    lp = np.log10(inj["period"].to_numpy(float))
    ld = np.log10(inj["depth_ppm"].to_numpy(float))
    rec = inj["recovered"].to_numpy(float)
    pe = np.linspace(lp.min(), lp.max() + 1e-9, n_bins + 1)
    de = np.linspace(ld.min(), ld.max() + 1e-9, n_bins + 1)
    num, _, _ = np.histogram2d(lp, ld, bins=[pe, de], weights=rec)
    den, _, _ = np.histogram2d(lp, ld, bins=[pe, de])
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = num / den
    im = ax.pcolormesh(10**pe, 10**de, frac.T, vmin=0, vmax=1, cmap="viridis", shading="flat")
    # each cell's trials, recovered/injected: a colour from one trial is not a measurement
    for i in range(n_bins):
        for j in range(n_bins):
            if den[i, j] > 0:
                ax.text(
                    10 ** (0.5 * (pe[i] + pe[i + 1])),
                    10 ** (0.5 * (de[j] + de[j + 1])),
                    f"{num[i, j]:.0f}/{den[i, j]:.0f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="w" if frac[i, j] < 0.6 else "k",
                )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("period [d]")
    ax.set_ylabel("depth [ppm]")
    ax.figure.colorbar(im, ax=ax, label="completeness")
    return ax


def write_recovery_plots(table, out_dir) -> list[Path]:
    """Write ``completeness_snr.png``, ``completeness_effective_snr.png`` (when the table has
    ``effective_snr``) and ``completeness_map_<detector>.png`` into ``out_dir``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for by, fname in (
        ("expected_snr", "completeness_snr.png"),
        ("effective_snr", "completeness_effective_snr.png"),
    ):
        if by not in table or not np.isfinite(table[by].to_numpy(float)).any():
            continue
        fig, ax = plt.subplots(figsize=(6, 4))
        plot_completeness_snr(table, ax=ax, by=by)
        title = ", ".join(
            f"{n}: 50% at {snr_at_completeness(t, 0.5, by=by):.1f}"
            for n, t in table.groupby("detector")
        )
        ax.set_title(title, fontsize=8)
        fig.tight_layout()
        p = out_dir / fname
        fig.savefig(p, dpi=120)
        plt.close(fig)
        paths.append(p)
    for name, t in table.groupby("detector", sort=False):
        if not t["injected"].any():
            continue
        fig, ax = plt.subplots(figsize=(6, 4.5))
        plot_completeness_map(t, ax=ax)
        ax.set_title(f"{name}: completeness vs period and depth", fontsize=9)
        fig.tight_layout()
        p = out_dir / f"completeness_map_{_file_safe(name)}.png"
        fig.savefig(p, dpi=120)
        plt.close(fig)
        paths.append(p)
    return paths


def _file_safe(name: str) -> str:
    """A detector name as part of a file name: ``model:models/gbm.pkl`` -> ``model_models_gbm.pkl``.

    >>> _file_safe("model:models/gbm.pkl"), _file_safe("bls-sde")
    ('model_models_gbm.pkl', 'bls-sde')
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(name)).strip("_") or "detector"
