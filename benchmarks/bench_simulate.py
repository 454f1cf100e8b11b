"""Campaign-simulator benchmark, and the noise model checked against real K2 light curves.

    python -m benchmarks.bench_simulate [--n-stars 5087] [--jobs 1,2] [--no-noise]

1. Generation time of a 5087 x 3197 campaign (1 and 2 worker processes), plus writing the Kaggle
   table; target < 60 s on 2 cores. The default campaign's class counts and the expected-SNR
   distribution of its hosts (and of 500 hosts drawn the same way, for a smoother histogram).
2. Noise check: the white-noise fit (factor x photometric noise, floor, scatter) is redone on the
   second-difference scatter of every real K2 light curve in ../shared/data (official C5 PDCSAP
   files, and the K2SC C13 files in bulk/). Then each real light curve is paired with a simulated
   star of the same Kepler magnitude and length, from the default field and from a quiet field;
   both get the same measurements: 6.5-h CDPP (ppm), point-to-point sigma (ppm), red-noise excess
   and the power-spectrum slope between 0.5 and 8 cycles/day, plus median power spectra.

Writes ``benchmarks/results/simulate.md``, ``docs/img/sim_noise_vs_k2.png`` and
``docs/img/sim_host_snr.png``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from starskope.simulate.campaign import CampaignConfig, simulate_campaign
from starskope.simulate.noise import (
    FIELD_FRAC_SPOTTED,
    K2_WHITE_FACTOR,
    K2_WHITE_FLOOR,
    K2_WHITE_SCATTER_DEX,
    LONG_CADENCE_DAYS,
    draw_field_star_params,
    photometric_sigma,
    simulate_noise,
)
from starskope.simulate.output import write_campaign
from starskope.simulate.snr import cdpp, psd_slope

from .common import SHARED_DATA, markdown_table

RESULTS = Path(__file__).resolve().parent / "results"
IMG = Path(__file__).resolve().parents[1] / "docs" / "img"


def time_generation(n_stars: int, jobs: list[int]) -> list[list]:
    rows = []
    base = None
    first = None
    for j in jobs:
        t0, c0 = time.perf_counter(), time.process_time()
        camp = simulate_campaign(CampaignConfig(n_stars=n_stars), n_jobs=j)
        gen, cpu = time.perf_counter() - t0, time.process_time() - c0
        with tempfile.TemporaryDirectory() as d:
            t1 = time.perf_counter()
            write_campaign(camp, Path(d) / "train.csv", format="kaggle")
            wr = time.perf_counter() - t1
        base = base or gen
        first = first or camp
        rows.append(
            [
                f"{n_stars} x {camp.config.n_points}",
                j,
                gen,
                cpu if j == 1 else "-",
                wr,
                gen + wr,
                base / gen,
            ]
        )
    return rows, first


def campaign_report(camp) -> list[str]:
    """Class counts and the hosts' expected-SNR distribution of a default campaign."""
    t = camp.truth
    counts = t.groupby(["class", "subclass"]).size().reset_index(name="n")
    noise = t["noise_source"].str.split(":").str[-1]
    counts["spotted noise"] = [
        int(((t["class"] == c) & (t["subclass"] == s) & (noise == "spotted")).sum())
        for c, s in zip(counts["class"], counts["subclass"], strict=True)
    ]
    many = simulate_campaign(CampaignConfig(n_stars=500, n_hosts=500, seed=1)).truth
    snr_rows = []
    for name, s in (
        ("default campaign hosts (seed 0)", t.loc[t["class"] == "planet", "expected_snr"]),
        ("500 hosts drawn the same way (seed 1)", many["expected_snr"]),
    ):
        v = s.to_numpy(dtype=float)
        q = np.percentile(v, [10, 25, 50, 75, 90])
        snr_rows.append(
            [name, v.size, " / ".join(f"{x:.3g}" for x in q)]
            + [f"{np.mean(v < x):.0%}" for x in (7.1, 10, 15)]
        )
    _plot_host_snr(t.loc[t["class"] == "planet", "expected_snr"], many["expected_snr"])
    return [
        "## The default campaign: classes and host SNR",
        "",
        f"`CampaignConfig(n_stars={camp.config.n_stars})`, seed 0 (the campaign timed above). "
        "'spotted noise': stars whose noise is a spotted fast rotator's (hosts share the field's "
        "noise mix).",
        "",
        markdown_table(["class", "subclass", "n", "spotted noise"], counts.values.tolist()),
        "",
        "Expected SNR of the hosts (depth / robust sigma x sqrt(points in transit); hosts are "
        f"redrawn while below {camp.config.min_host_snr:g}):",
        "",
        markdown_table(
            ["hosts", "n", "SNR q10 / q25 / median / q75 / q90", "< 7.1", "< 10", "< 15"],
            snr_rows,
        ),
        "",
    ]


def _plot_host_snr(campaign_snr, many_snr):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6))
    bins = np.logspace(np.log10(3), np.log10(3000), 31)
    ax.hist(many_snr, bins=bins, histtype="step", lw=2, label=f"{len(many_snr)} hosts (seed 1)")
    ax.hist(
        campaign_snr, bins=bins, alpha=0.6, label=f"default campaign, {len(campaign_snr)} hosts"
    )
    ax.axvline(7.1, color="k", ls="--", lw=1, label="7.1 (Kepler threshold)")
    ax.set_xscale("log")
    ax.set_xlabel("expected SNR")
    ax.set_ylabel("hosts")
    ax.legend(fontsize=8)
    ax.set_title("Simulated K2-like campaign: host transit SNR", fontsize=10)
    fig.tight_layout()
    IMG.mkdir(parents=True, exist_ok=True)
    fig.savefig(IMG / "sim_host_snr.png", dpi=110)
    plt.close(fig)


def _real_k2():
    """(name, kepmag, time, flux) of the real K2 light curves with a Kepler magnitude."""
    from starskope.io import read

    files = sorted((SHARED_DATA / "bulk" / "k2").glob("*.fits.gz"))
    files += sorted((SHARED_DATA / "lightcurves" / "k2").glob("ktwo*_llc.fits.gz"))
    for f in files:
        try:
            lc = read(f)
        except Exception:
            continue
        kp = lc.meta.extra.get("KEPMAG") if lc.meta.extra else None
        if kp is None:
            from astropy.io import fits

            kp = fits.getheader(f, 0).get("KEPMAG")
        if kp is None or not np.isfinite(kp):
            continue
        good = np.isfinite(lc.t) & np.isfinite(lc.flux) & (lc.quality == 0)
        if good.sum() < 1000:
            continue
        yield (
            f.name,
            float(kp),
            lc.t[good],
            lc.flux[good],
            "C5 PDCSAP" if "ktwo" in f.name else "C13 K2SC",
        )


def _measure(t, f):
    """CDPP 6.5 h (ppm), point-to-point sigma (ppm), red excess, PSD slope."""
    cad = float(np.median(np.diff(t)))
    d = np.diff(f / np.nanmedian(f))
    p2p = 1e6 * 1.4826 * np.median(np.abs(d - np.median(d))) / np.sqrt(2)
    c = float(cdpp(f, cadence_days=cad))
    n65 = 6.5 / 24.0 / cad
    return c, p2p, c / (p2p / np.sqrt(n65)), psd_slope(f, cadence_days=cad)


MIXES = {
    f"default field ({FIELD_FRAC_SPOTTED:.0%} spotted)": FIELD_FRAC_SPOTTED,
    "quiet field (10% spotted)": 0.10,
}
DEFAULT_MIX = next(iter(MIXES))
#: Frequencies (cycles/day) of the median power spectra.
PSD_FREQ = np.logspace(np.log10(0.1), np.log10(24.0), 25)


def _second_diff_sigma(f) -> float:
    """White noise per cadence from second differences (blind to smooth variability)."""
    f = np.asarray(f, dtype=float) / np.nanmedian(f)
    d2 = f[:-2] - 2 * f[1:-1] + f[2:]
    return float(1.4826 * np.median(np.abs(d2 - np.median(d2))) / np.sqrt(6.0))


def white_fit(kps, sigmas) -> tuple[float, float, float]:
    """Least-absolute-log-deviation fit of sigma = sqrt((A phot)^2 + floor^2), floor >= 0."""
    from scipy.optimize import minimize

    ph = photometric_sigma(np.asarray(kps))
    y = np.log10(np.asarray(sigmas))

    def resid(p):
        return y - 0.5 * np.log10((p[0] * ph) ** 2 + (max(p[1], 0.0) * 1e-6) ** 2)

    best = minimize(lambda p: np.abs(resid(p)).sum(), [3.0, 50.0], method="Nelder-Mead").x
    r = resid(best)
    return float(best[0]), max(float(best[1]), 0.0), float(1.4826 * np.median(np.abs(r)))


def _psd(t, f):
    """Hann-windowed periodogram of the relative flux, averaged in bins around :data:`PSD_FREQ`
    (relative flux^2 per cycle/day)."""
    from starskope.simulate.snr import detrend_running_median

    cad = float(np.median(np.diff(t)))
    y = f / np.nanmedian(f)
    # 5-sigma outliers (from a 12-h running median) out, then onto an even grid: the spectrum
    # of the bulk of the points, as the robust CDPP and p2p measure them
    r = detrend_running_median(y, cadence_days=cad, window_days=0.5)
    s = 1.4826 * np.nanmedian(np.abs(r - np.nanmedian(r)))
    ok = np.abs(r) < 5 * s if s > 0 else np.isfinite(r)
    grid = np.arange(t[0], t[-1], cad)
    y = np.interp(grid, t[ok], y[ok]) - 1.0
    y = y - np.mean(y)
    w = np.hanning(y.size)
    freq = np.fft.rfftfreq(y.size, d=cad)
    power = 2.0 * cad * np.abs(np.fft.rfft(y * w)) ** 2 / np.sum(w**2)
    edges = np.sqrt(PSD_FREQ[1:] * PSD_FREQ[:-1])
    edges = np.concatenate([[PSD_FREQ[0] ** 2 / edges[0]], edges, [PSD_FREQ[-1] ** 2 / edges[-1]]])
    idx = np.digitize(freq, edges) - 1
    return np.array(
        [np.mean(power[idx == k]) if np.any(idx == k) else np.nan for k in range(PSD_FREQ.size)]
    )


def noise_comparison(seed: int = 0):
    """Quartiles of the noise measures, real vs simulated at the same Kp and length."""
    real, kps, s2, psd_real = [], [], [], []
    sims = {m: [] for m in MIXES}
    psd_sim = {m: [] for m in MIXES}
    for k, (_name, kp, t, f, _group) in enumerate(_real_k2()):
        real.append(_measure(t, f))
        kps.append(kp)
        s2.append(_second_diff_sigma(f))
        psd_real.append(_psd(t, f))
        tt = np.arange(t.size) * LONG_CADENCE_DAYS
        for j, (mix, frac) in enumerate(MIXES.items()):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(k, j)))
            p = draw_field_star_params(rng, frac_spotted=frac, kepmag=kp)
            r = simulate_noise(tt, p, rng)
            ok = np.isfinite(r.flux) & (r.quality == 0)
            sims[mix].append(_measure(tt[ok], r.flux[ok]))
            psd_sim[mix].append(_psd(tt[ok], r.flux[ok]))
    rows = []
    for name, arr in [("real K2 (C13 K2SC + C5 PDCSAP)", real), *sims.items()]:
        a = np.asarray(arr)
        q = np.nanpercentile(a, [25, 50, 75], axis=0)
        rows.append(
            [name, len(a)] + [f"{q[0, i]:.3g} / {q[1, i]:.3g} / {q[2, i]:.3g}" for i in range(4)]
        )
    kp = np.asarray(kps)
    a = np.asarray(real)
    b = np.asarray(sims[DEFAULT_MIX])
    ratios = []
    for lo, hi in ((8, 12), (12, 14), (14, 19)):
        sel = (kp >= lo) & (kp < hi)
        if sel.any():
            ratios.append(
                [
                    f"Kp {lo}-{hi}",
                    int(sel.sum()),
                    float(np.median(a[sel, 1])),
                    float(np.median(b[sel, 1])),
                    float(np.median(b[sel, 1]) / np.median(a[sel, 1])),
                    float(np.median(a[sel, 0])),
                    float(np.median(b[sel, 0])),
                    float(np.median(b[sel, 0]) / np.median(a[sel, 0])),
                ]
            )
    fit = white_fit(kp, s2)
    psd = {"real K2": np.nanmedian(psd_real, axis=0)}
    psd.update({m: np.nanmedian(v, axis=0) for m, v in psd_sim.items()})
    psd_rows = [
        [f"{f0:.2g}"] + [float(psd[k][i] / psd["real K2"][i]) for k in list(psd)[1:]]
        for i, f0 in enumerate(PSD_FREQ)
        if i % 3 == 0
    ]
    _plot_noise(a, {m: np.asarray(v) for m, v in sims.items()}, kp, np.asarray(s2), psd)
    return rows, ratios, fit, psd_rows


def _plot_noise(real, sims, kp, s2, psd):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
    for name, arr, style in [("real K2", real, "k-")] + [
        (m, v, st) for (m, v), st in zip(sims.items(), ("C0-", "C1--"), strict=False)
    ]:
        x = np.sort(arr[:, 0])
        ax[0].plot(x, np.arange(1, x.size + 1) / x.size, style, label=name)
        ax[2].loglog(PSD_FREQ, psd[name], style, label=name)
    ax[0].set_xscale("log")
    ax[0].set_xlim(5, 2e5)
    ax[0].set_xlabel("6.5-h CDPP (ppm)")
    ax[0].set_ylabel("fraction of stars")
    ax[0].legend(fontsize=7)
    grid = np.linspace(9, 18.6, 100)
    ax[1].semilogy(kp, 1e6 * s2, "k.", label="real K2 (second differences)")
    model = 1e6 * np.sqrt((K2_WHITE_FACTOR * photometric_sigma(grid)) ** 2 + K2_WHITE_FLOOR**2)
    ax[1].semilogy(grid, model, "C0-", label=f"model: {K2_WHITE_FACTOR:.2f} x photometric")
    ax[1].fill_between(
        grid,
        model * 10**-K2_WHITE_SCATTER_DEX,
        model * 10**K2_WHITE_SCATTER_DEX,
        color="C0",
        alpha=0.2,
        label=f"+- {K2_WHITE_SCATTER_DEX} dex",
    )
    ax[1].set_xlabel("Kepler magnitude")
    ax[1].set_ylabel("white noise per cadence (ppm)")
    ax[1].legend(fontsize=7)
    ax[2].set_xlabel("frequency (cycles/day)")
    ax[2].set_ylabel("median power (relative flux^2 per c/d)")
    ax[2].legend(fontsize=7)
    fig.suptitle("Simulated K2 stars vs 112 real K2 light curves (same Kp and length)", fontsize=10)
    fig.tight_layout()
    IMG.mkdir(parents=True, exist_ok=True)
    fig.savefig(IMG / "sim_noise_vs_k2.png", dpi=110)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-stars", type=int, default=5087)
    ap.add_argument("--jobs", default="1", help="comma-separated worker counts")
    ap.add_argument("--no-noise", action="store_true", help="skip the real-K2 noise comparison")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    jobs = [int(x) for x in args.jobs.split(",")]
    gen_rows, camp = time_generation(args.n_stars, jobs)
    out = [
        "# Campaign simulator benchmark",
        "",
        f"Command: `python -m benchmarks.bench_simulate --n-stars {args.n_stars} --jobs {args.jobs}`",
        "",
        "## Generation time (target: < 60 s for 5087 x 3197 on 2 cores)",
        "",
        markdown_table(
            [
                "campaign",
                "processes",
                "generate s (wall)",
                "CPU s (main)",
                "write Kaggle s",
                "total s",
                "speed-up",
            ],
            gen_rows,
        ),
        "",
    ]
    out += campaign_report(camp)
    if not args.no_noise and (SHARED_DATA / "bulk").exists():
        rows, ratios, fit, psd_rows = noise_comparison()
        out += [
            "## Noise model vs real K2 light curves",
            "",
            "White noise: the fit of sigma = sqrt((A x photometric)^2 + floor^2) (least absolute "
            "log deviation) to the second-difference scatter of the real K2 light curves, redone "
            f"here: A = {fit[0]:.3g}, floor = {fit[1]:.3g} ppm, star-to-star scatter "
            f"{fit[2]:.3g} dex. The model uses A = {K2_WHITE_FACTOR}, floor = "
            f"{1e6 * K2_WHITE_FLOOR:g} ppm, scatter {K2_WHITE_SCATTER_DEX} dex.",
            "",
            "Each real K2 light curve (112: 106 K2SC C13, 6 official C5) is paired with a simulated "
            "star of the same Kepler magnitude and length. Cells: quartiles q25 / median / q75. "
            "CDPP = robust std of 6.5-h running means of the 2-day running-median-detrended flux "
            "(ppm); p2p = 1.4826 MAD of successive differences / sqrt(2) (ppm); "
            "red excess = CDPP / (p2p / sqrt(N_6.5h)) (1 for white noise); slope = log-log power "
            "spectrum slope over 0.5-8 c/d (0 white, < 0 red).",
            "",
            markdown_table(
                ["set", "n", "CDPP 6.5 h", "p2p sigma", "red excess", "PSD slope"], rows
            ),
            "",
            f"Per Kepler-magnitude bin, {DEFAULT_MIX} (medians, ppm):",
            "",
            markdown_table(
                [
                    "Kp",
                    "n",
                    "p2p real",
                    "p2p sim",
                    "p2p sim/real",
                    "CDPP real",
                    "CDPP sim",
                    "CDPP sim/real",
                ],
                ratios,
            ),
            "",
            "Median power spectrum (Hann-windowed periodogram of the relative flux, not "
            "detrended; 5-sigma outliers from a 12-h running median removed and gaps bridged "
            "linearly, for real and simulated stars alike), simulated / real:",
            "",
            markdown_table(["frequency (c/d)", *list(MIXES)], psd_rows),
            "",
            "Plots: `docs/img/sim_noise_vs_k2.png` (CDPP distribution, white noise against Kp, "
            "median power spectra) and `docs/img/sim_host_snr.png`.",
            "",
        ]
    report = "\n".join(out)
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "simulate.md").write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
