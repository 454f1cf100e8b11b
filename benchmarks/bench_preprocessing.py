"""Which pre-processing works best, and what it costs: the pipeline with one stage changed at a time.

Each variant is the default :class:`starskope.config.PipelineConfig` with one pre-processing
stage removed or swapped (quality mask, outlier clipping, detrender, the active-star treatment,
the masked re-detrending), run on

- the injection-recovery trials of ``benchmarks/bench_injection.py`` (the SNR draw: expected SNR
  4-40 log-uniform into real Kepler/K2/TESS, simulated and white noise, plus as many uninjected
  curves; same seed, so every variant sees the same trials): injections recovered (all, and at
  expected SNR >= 12 per kind of background) and uninjected curves flagged; and the injections
  of its depth draw (depths 50-5000 ppm log-uniform), recovered;
- the labelled real light curves of ``../shared/data`` (``--realsky``, as
  ``benchmarks/bench_realsky.py``): host files whose known period is found and flagged, non-host
  files flagged;

with the CPU seconds per light curve of the analysis (reading excluded; on the SNR draw, its
injected and uninjected curves together), measured in the same run.
The injected real backgrounds keep only their quality-0 cadences (the trials' own rule), so the
quality mask's effect shows on the real-sky columns only.

Run::

    python -m benchmarks.bench_preprocessing --jobs 2 --realsky      # ~11 min on 2 cores
    python -m benchmarks.bench_preprocessing --jobs 2 --variants default,no-detrend --n 60
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np

from .common import REPO, command_line, markdown_table, pick_names, write_report

OUT = REPO / "benchmarks" / "results" / "preprocessing.md"

#: name -> (PipelineConfig changes, what the variant is)
VARIANTS: dict[str, tuple[dict, str]] = {
    "default": ({}, "quality mask, clipping, adaptive detrending, masked re-detrending"),
    "no-quality-mask": ({"quality_bitmask": "none"}, "every finite cadence kept, flagged or not"),
    "hard-quality-mask": ({"quality_bitmask": "hard"}, "lightkurve's 'hard' bitmask"),
    "no-clipping": (
        {"sigma_upper": None, "sigma_isolated": None},
        "no upper clip (flares), no single-cadence dips dropped",
    ),
    "no-detrend": ({"detrend_method": "none"}, "normalised per segment only"),
    "savgol": (
        {"detrend_method": "savgol"},
        "Savitzky-Golay (lightkurve's flatten) for quiet stars",
    ),
    "spline": ({"detrend_method": "spline"}, "robust spline for quiet stars"),
    "localpoly": ({"detrend_method": "localpoly"}, "robust local cubic for quiet stars"),
    "no-active-handling": (
        {"adaptive_window": False},
        "one biweight window (3x the longest duration) for every star",
    ),
    "active-biweight": (
        {"active_detrend_method": None},
        "active stars: a shortened biweight window instead of the rotation-aware detrender",
    ),
    "active-localpoly": (
        {"active_detrend_method": "localpoly"},
        "active stars: the local cubic (no rotation harmonics)",
    ),
    "prewhiten-active": (
        {"prewhiten_active": True},
        "active stars: coherent rotation removed first",
    ),
    "no-pulsation-prewhitening": (
        {"prewhiten_pulsations": False},
        "coherent pulsations (delta Scuti modes) left in before detrending",
    ),
    "no-masked-redetrend": (
        {"redetrend_masked": False},
        "signals measured on the first detrending (no re-detrend with their transits masked)",
    ),
}


def _real_one(path: str, changes: dict) -> dict:
    from starskope.config import PipelineConfig
    from starskope.io import read
    from starskope.pipeline import analyse

    warnings.simplefilter("ignore")
    try:
        lc = read(path)
        t0 = time.process_time()
        r = analyse(lc, PipelineConfig().replace(**changes))
        cpu = time.process_time() - t0
    except Exception as exc:  # a benchmark records failures instead of stopping
        return {"file": path, "error": f"{type(exc).__name__}: {exc}"}
    if r.error:
        return {"file": path, "error": r.error, "cpu": cpu}
    top = r.candidates[0].period_days if r.candidates else None
    return {"file": path, "top_period": top, "flagged": bool(r.is_candidate), "cpu": cpu}


def run_realsky(changes: dict, files, jobs: int) -> list[dict]:
    from starskope.parallel import process_pool

    work = partial(_real_one, changes=changes)
    paths = [str(f.path) for f in files]
    if jobs <= 1:
        return [work(p) for p in paths]
    with process_pool(jobs) as pool:
        return list(pool.map(work, paths, chunksize=4))


def injection_columns(res: list[dict]) -> dict:
    inj = [r for r in res if r["injected"]]
    null = [r for r in res if not r["injected"]]
    hi = [r for r in inj if r["snr"] is not None and r["snr"] >= 12]
    out = {
        "SNR draw recovered": f"{sum(r['recovered'] for r in inj)}/{len(inj)}",
        "SNR >= 12": f"{sum(r['recovered'] for r in hi)}/{len(hi)}",
    }
    for kind in ("real", "simulated", "white"):
        k = [r for r in hi if r["background"] == kind]
        out[f"{kind}, SNR >= 12"] = f"{sum(r['recovered'] for r in k)}/{len(k)}"
    out["uninjected flagged"] = f"{sum(r['flagged'] for r in null)}/{len(null)}"
    out["cpu"] = float(np.mean([r["cpu"] for r in res]))
    return out


def realsky_columns(res: list[dict], files) -> dict:
    from .bench_realsky import host_outcomes

    _, found, flagged = host_outcomes(files, {r["file"]: r for r in res})
    n_hosts = sum(f.is_host == 1 for f in files)
    n_non = sum(f.is_host == 0 for f in files)
    cpu = [r["cpu"] for r in res if "cpu" in r]
    return {
        "real hosts found": f"{found}/{n_hosts}",
        "real non-hosts flagged": f"{flagged}/{n_non}",
        "errors": sum("error" in r for r in res),
        "real cpu": float(np.mean(cpu)) if cpu else float("nan"),
    }


def main(argv: list[str] | None = None) -> int:
    from starskope.simulate.backgrounds import real_background_pool

    from .bench_injection import trial_config
    from .bench_realsky import select
    from .common import labelled_files
    from .compare_configs import _run

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated names")
    ap.add_argument("--n", type=int, default=300, help="injections")
    ap.add_argument("--n-null", type=int, default=300, help="uninjected curves")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--realsky", action="store_true", help="also the labelled real light curves")
    ap.add_argument(
        "--no-depth-draw", dest="depth_draw", action="store_false", help="the SNR draw only"
    )
    ap.add_argument("--per-group", type=int, default=None, help="real sky: a stratified subset")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    names = pick_names(ap, args.variants, VARIANTS)
    # the default first (the costs are ratios to it), whether named or not
    names = ["default", *[n for n in names if n != "default"]]
    if args.per_group is not None and not args.realsky:
        ap.error("--per-group chooses real files: give --realsky too")

    cfg = trial_config(n=args.n, n_null=args.n_null, seed=args.seed, snr_range=(4.0, 40.0))
    # the depth draw's injections only (its uninjected curves are the SNR draw's)
    cfg_depth = trial_config(n=args.n, n_null=0, seed=args.seed)
    pool = real_background_pool(missions=cfg.real_missions)
    files = select(labelled_files(), args.per_group, args.seed) if args.realsky else []
    if args.realsky and not files:
        print("no labelled files found (is ../shared/data beside the repository?)")
        return 1
    rows = {}
    # the default runs first and again last: the CPU columns' noise is the difference
    runs = [*names, "default"] if len(names) > 1 else names
    t_start = time.perf_counter()
    for k, name in enumerate(runs):
        changes = VARIANTS[name][0]
        t0 = time.perf_counter()
        row = injection_columns(_run(changes, cfg, pool, args.jobs))
        if args.depth_draw:
            dep = [r for r in _run(changes, cfg_depth, pool, args.jobs) if r["injected"]]
            row["depth draw recovered"] = f"{sum(r['recovered'] for r in dep)}/{len(dep)}"
        if files:
            row.update(realsky_columns(run_realsky(changes, files, args.jobs), files))
        if k == len(names):
            again = row
        else:
            rows[name] = row
        print(f"{name}: {row} ({time.perf_counter() - t0:.0f} s)", flush=True)

    base = rows["default"]
    noise = ""
    if len(runs) > len(names):
        spread = abs(again["cpu"] / base["cpu"] - 1.0)
        same = all(again[c] == base[c] for c in base if "cpu" not in c)
        noise = (
            " The default ran first and again last: its CPU per SNR-draw curve differed by"
            f" {100 * spread:.0f}% between the two runs"
        )
        if files:
            real = abs(again["real cpu"] / base["real cpu"] - 1.0)
            noise += f" ({100 * real:.0f}% per real file)"
        noise += (
            ", which is the noise of the cost columns; its outcomes were identical."
            if same
            else "; its outcomes differed (a nondeterministic run: check it)."
        )
    keys = [k for k in base if k not in ("cpu", "real cpu")]
    header = ["variant", "what changes", *keys]
    header += ["CPU ms/curve (SNR draw)", "x default"]
    if files:
        header += ["CPU ms/file (real)", "x default (real)"]
    table = []
    for name in names:
        row = rows[name]
        line = [name, VARIANTS[name][1], *[row[k] for k in keys]]
        line += [1e3 * row["cpu"], row["cpu"] / base["cpu"]]
        if files:
            line += [1e3 * row["real cpu"], row["real cpu"] / base["real cpu"]]
        table.append(line)
    cmd = command_line("benchmarks.bench_preprocessing", argv)
    text = (
        "# Pre-processing: the pipeline with one stage changed at a time\n\n"
        f"Command: `{cmd}`. Injection-recovery: the SNR draw of bench_injection"
        f" ({args.n} injections at expected SNR 4-40, {args.n_null} uninjected curves, seed"
        f" {args.seed}; real, simulated and white backgrounds in turn)"
        + (
            f" and its depth draw ({args.n} injections, depths 50-5000 ppm)."
            if args.depth_draw
            else "."
        )
        + (
            f" Real sky: {len(files)} labelled files of ../shared/data (a host is found when the"
            " top period is a known one and the star is flagged)."
            if files
            else ""
        )
        + " CPU: process time of the analysis per light curve, reading excluded."
        + f" Wall time {time.perf_counter() - t_start:.0f} s with {args.jobs} process(es)."
        + noise
        + "\n\n"
        + markdown_table(header, table)
        + "\n"
    )
    write_report(args.out, [text])
    args.out.with_suffix(".json").write_text(json.dumps(rows, indent=1) + "\n")
    if files:
        png = args.out.with_suffix(".png")
        plot_tradeoff(rows, png)
        print(f"wrote {png}")
    return 0


def _count(text: str) -> int:
    return int(str(text).split("/")[0])


def plot_tradeoff(rows: dict[str, dict], path: Path) -> None:
    """Planets against false alarms, one labelled point per variant: injections recovered on
    both draws against real non-hosts flagged (the default highlighted)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points: dict[tuple[int, int], list[str]] = {}
    for name, row in rows.items():
        x = _count(row["real non-hosts flagged"])
        y = _count(row["SNR draw recovered"]) + _count(row.get("depth draw recovered", "0"))
        points.setdefault((x, y), []).append(name)
    fig, ax = plt.subplots(figsize=(9, 5.5))
    span = max(y for _, y in points) - min(y for _, y in points) or 1
    for (x, y), names in points.items():
        default = "default" in names
        ax.scatter(x, y, s=70 if default else 30, color="C3" if default else "C0", zorder=3)
        # variants at one point share a label, below the point when another sits just above
        crowded = default or any(
            abs(x2 - x) <= 1.5 and 0 < y2 - y <= 0.08 * span for x2, y2 in points
        )
        ax.annotate(
            " = ".join(names),
            (x, y),
            textcoords="offset points",
            xytext=(5, -11 if crowded else 4),
            fontsize=8,
            fontweight="bold" if default else "normal",
        )
    draws = "SNR + depth draws" if "depth draw recovered" in rows["default"] else "SNR draw"
    ax.set_xlabel("real non-host files flagged (of the labelled real light curves)")
    ax.set_ylabel(f"injections recovered ({draws})")
    ax.set_title("Pre-processing variants: planets found against false alarms")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    raise SystemExit(main())
