"""Campaign-simulator benchmark, and the noise model checked against real K2 light curves.

    python -m benchmarks.bench_simulate [--n-stars 5087] [--jobs 1,2] [--no-noise]

1. Generation time of a 5087 x 3197 campaign (1 and 2 worker processes), plus writing the Kaggle
   table; target < 60 s on 2 cores.
2. Noise check: for every real K2 light curve in ../shared/data (official C5 PDCSAP files, and the
   K2SC C13 files in bulk/, systematics-corrected flux as starskope.io reads them) a simulated star
   of the same Kepler magnitude and length is drawn from the default noise model; both get the
   same measurements: 6.5-h CDPP (ppm), robust per-point sigma (ppm) and the power-spectrum slope
   between 0.5 and 8 cycles/day. Quartiles and the median ratio simulated / real are reported.

Writes ``benchmarks/results/simulate.md``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from starskope.simulate.campaign import CampaignConfig, simulate_campaign
from starskope.simulate.noise import LONG_CADENCE_DAYS, draw_star_params, simulate_noise
from starskope.simulate.output import write_campaign
from starskope.simulate.snr import cdpp, psd_slope

from .common import SHARED_DATA, markdown_table

RESULTS = Path(__file__).resolve().parent / "results"


def time_generation(n_stars: int, jobs: list[int]) -> list[list]:
    rows = []
    base = None
    for j in jobs:
        t0, c0 = time.perf_counter(), time.process_time()
        camp = simulate_campaign(CampaignConfig(n_stars=n_stars), n_jobs=j)
        gen, cpu = time.perf_counter() - t0, time.process_time() - c0
        with tempfile.TemporaryDirectory() as d:
            t1 = time.perf_counter()
            write_campaign(camp, Path(d) / "train.csv", format="kaggle")
            wr = time.perf_counter() - t1
        base = base or gen
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
    return rows


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


MIXES = {"default field (10% spotted)": 0.10, "young field (50% spotted)": 0.50}


def noise_comparison(seed: int = 0) -> tuple[list[list], list[list]]:
    """Quartiles of the noise measures, real vs simulated at the same Kp and length."""
    real, kps, sims = [], [], {m: [] for m in MIXES}
    for k, (_name, kp, t, f, _group) in enumerate(_real_k2()):
        real.append(_measure(t, f))
        kps.append(kp)
        tt = np.arange(t.size) * LONG_CADENCE_DAYS
        for j, (mix, frac) in enumerate(MIXES.items()):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(k, j)))
            kind = "spotted" if rng.random() < frac else "auto"
            p = draw_star_params(rng, kepmag=kp, kind=kind)
            r = simulate_noise(tt, p, rng)
            ok = np.isfinite(r.flux) & (r.quality == 0)
            sims[mix].append(_measure(tt[ok], r.flux[ok]))
    rows = []
    for name, arr in [("real K2 (C13 K2SC + C5 PDCSAP)", real), *sims.items()]:
        a = np.asarray(arr)
        q = np.nanpercentile(a, [25, 50, 75], axis=0)
        rows.append(
            [name, len(a)] + [f"{q[0, i]:.3g} / {q[1, i]:.3g} / {q[2, i]:.3g}" for i in range(4)]
        )
    kp = np.asarray(kps)
    a = np.asarray(real)
    b = np.asarray(sims["default field (10% spotted)"])
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
                ]
            )
    return rows, ratios


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-stars", type=int, default=5087)
    ap.add_argument("--jobs", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--no-noise", action="store_true", help="skip the real-K2 noise comparison")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    jobs = [int(x) for x in args.jobs.split(",")]
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
            time_generation(args.n_stars, jobs),
        ),
        "",
    ]
    if not args.no_noise and (SHARED_DATA / "bulk").exists():
        rows, ratios = noise_comparison()
        out += [
            "## Noise model vs real K2 light curves",
            "",
            "Each real K2 light curve (112: 106 K2SC C13, 6 official C5) is paired with a simulated "
            "star of the same Kepler magnitude and length. Cells: quartiles q25 / median / q75. "
            "CDPP = robust std of 6.5-h running means of the 2-day running-median-detrended flux "
            "(ppm); p2p = 1.4826 MAD of successive differences / sqrt(2) (ppm, white part); "
            "red excess = CDPP / (p2p / sqrt(N_6.5h)) (1 for white noise); slope = log-log power "
            "spectrum slope over 0.5-8 c/d (0 white, < 0 red).",
            "",
            markdown_table(
                ["set", "n", "CDPP 6.5 h", "p2p sigma", "red excess", "PSD slope"], rows
            ),
            "",
            "Per Kepler-magnitude bin, default field (medians, ppm):",
            "",
            markdown_table(
                ["Kp", "n", "p2p real", "p2p sim", "p2p sim/real", "CDPP real", "CDPP sim"],
                ratios,
            ),
            "",
        ]
    report = "\n".join(out)
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "simulate.md").write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
