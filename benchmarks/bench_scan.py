"""Scan benchmark: throughput of ``starskope scan`` on Dask, and the coordinator's peak memory.

Measures, in one run:

1. **Throughput** (stars/s) of :func:`starskope.scan.scan` with the default pipeline on a local
   Dask cluster of 1 and 2 worker processes (one thread each), on (a) a simulated K2 campaign of
   ``--n-sim`` 3197-point light curves written as a Kaggle table and (b) the real light curves of
   ``../shared/data/labels.csv``. "steady" excludes the cluster start and the workers' first
   imports / JIT compilation (a warm-up scan of 24 stars per worker runs first on the same
   cluster); "cold" counts the warm-up's stars too, over the wall time from the cluster's start
   (what a user's first stars see). Worker counts alternate,
   ``--repeat`` times each on a fresh cluster, and the medians are reported with their range;
   the workers' CPU seconds per star give the per-core rate without the coordinator's share.
2. **Baseline**: a plain serial loop, in this process, of lightkurve ``flatten()`` +
   ``to_periodogram("bls")`` (lightkurve's default grid) on the same light curves (the first
   ``--baseline-n`` simulated ones, all real ones; read by starskope's reader, which is timed too).
3. **Peak RSS of the coordinator** (the process running ``scan``, which also hosts the local
   scheduler) for 500 and 5,000 inputs of a Kaggle table, each in a fresh process. The workers run a
   cheap stand-in analysis returning a result with three candidates, so that the measurement is
   about the coordinator (streaming, backpressure, commits), not the pipeline.

Run::

    python -m benchmarks.bench_scan                 # everything; writes benchmarks/results/scan.md
    python -m benchmarks.bench_scan --n-sim 500 --baseline-n 100 --repeat 3 --mem 500,5000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from .common import REPO, SHARED_DATA, markdown_table

OUT = REPO / "benchmarks" / "results" / "scan.md"


# ----------------------------------------------------------------------------- inputs
def simulated_table(path: Path, n: int, *, seed: int = 0, fast: bool = False) -> tuple[Path, str]:
    """A Kaggle-layout table of ``n`` simulated 3197-point K2 light curves.

    ``fast``: plain seeded noise with box transits (for the memory test, whose stand-in analysis
    does not look at the data) instead of the full campaign simulator.
    """
    from starskope.io.kaggle import write_kaggle

    try:
        if fast:
            raise ImportError("fast table requested")
        from starskope.simulate.campaign import CampaignConfig, simulate_campaign

        camp = simulate_campaign(
            CampaignConfig(n_stars=n, n_hosts=max(n // 10, 1), seed=seed, hosts_first=False)
        )
        flux, labels = camp.filled_flux(), camp.labels  # gaps bridged, as the simulator writes it
        how = "starskope.simulate campaign (K2 noise, systematics, EBs, pulsators, hosts 10 %)"
        if flux.shape[1] != 3197 or not np.isin(labels, (1, 2)).all():
            raise ValueError("unexpected campaign shape")
    except (ImportError, TypeError, ValueError, AttributeError):
        rng = np.random.default_rng(seed)
        t = np.arange(3197) * 29.4244 / 1440
        flux = rng.uniform(100, 5000, (n, 1)) * (1 + 3e-4 * rng.standard_normal((n, 3197)))
        labels = np.ones(n, dtype=int)
        for i in range(0, n, 10):
            p, t0 = rng.uniform(1, 15), rng.uniform(0, 5)
            flux[i, ((t - t0) % p) < 0.1] *= 1 - rng.uniform(5e-4, 5e-3)
            labels[i] = 2
        how = "seeded white noise + box transits in 10 % of stars"
    return write_kaggle(path, flux, labels), how


def real_files() -> list[Path]:
    import csv

    labels = SHARED_DATA / "labels.csv"
    if not labels.exists():
        return []
    with labels.open(newline="") as fh:
        return [SHARED_DATA / r["file"] for r in csv.DictReader(fh)]


# ----------------------------------------------------------------------------- throughput
def _cpu_seconds() -> float:
    return time.process_time()


def scan_throughput(inputs, n_workers: int, tmp: Path, tag: str) -> dict:
    """Cold and steady-state scan rates with ``n_workers`` local worker processes, and the
    workers' CPU seconds per star in the steady scan (all their threads)."""
    from distributed import Client

    from starskope.scan import scan
    from starskope.scan.runner import _local_cluster

    t0 = time.perf_counter()
    cluster = _local_cluster(n_workers)
    client = Client(cluster)
    try:
        client.wait_for_workers(n_workers)
        start_s = time.perf_counter() - t0
        # warm-up: imports and numba kernels (compiled or loaded from the disk cache) on every
        # worker; enough stars for every path of the pipeline (rotation, binaries, pulsators)
        warm, _ = simulated_table(tmp / f"warm-{tag}-{n_workers}.csv", 24 * n_workers, seed=99)
        w = scan([warm], catalog=tmp / f"warm-{tag}-{n_workers}.duckdb", client=client)
        cat = tmp / f"{tag}-{n_workers}.duckdb"  # a new catalog per run (tag names the repeat)
        cpu0 = sum(client.run(_cpu_seconds).values())
        s = scan(inputs, catalog=cat, client=client)
        cpu1 = sum(client.run(_cpu_seconds).values())
    finally:
        client.close()
        cluster.close()
    n = s.n_done + s.n_errors
    n_warm = w.n_done + w.n_errors
    cold = start_s + w.elapsed_s + s.elapsed_s
    return {
        "workers": n_workers,
        "n": n,
        "errors": s.n_errors,
        "steady_s": s.elapsed_s,
        "steady_rate": n / s.elapsed_s,
        "cold_rate": (n + n_warm) / cold,  # the warm-up's stars count: a user's first stars
        "cluster_start_s": start_s,
        "warmup_s": w.elapsed_s,
        # a worker restarted during the scan would reset its clock: no figure then
        "worker_cpu_per_star": (cpu1 - cpu0) / max(n, 1) if s.n_retried == 0 else float("nan"),
    }


def baseline_lightkurve(items) -> dict:
    """Serial lightkurve flatten() + BLS periodogram; ``items`` yields light curves lazily."""
    import lightkurve  # noqa: F401  (import time not counted)

    n = 0
    t0 = time.perf_counter()
    for lc in items:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lk = _to_lightkurve(lc).remove_nans().normalize()
            pg = lk.flatten().to_periodogram("bls")
            _ = pg.period_at_max_power
        n += 1
    dt = time.perf_counter() - t0
    return {"n": n, "s": dt, "rate": n / dt}


def _to_lightkurve(lc):
    """lightkurve object of a starskope light curve (relative times: plain days)."""
    import lightkurve

    from starskope.exceptions import StarskopeError

    try:
        return lc.to_lightkurve()
    except StarskopeError:
        return lightkurve.LightCurve(time=lc.t, flux=lc.flux)


def _kaggle_lcs(path: Path, n: int):
    from starskope.io.kaggle import iter_kaggle

    for i, lc in enumerate(iter_kaggle(path, cache=False)):
        if i >= n:
            return
        yield lc


def _file_lcs(paths):
    from starskope.io import read

    for p in paths:
        try:
            yield read(p)
        except Exception:  # the baseline skips what it cannot read
            continue


# ----------------------------------------------------------------------------- memory
def cheap_analyse(lc, config):
    """Stand-in analysis for the memory test: a realistic-size result, almost no CPU."""
    from starskope.result import Candidate, StarResult, VetFlag

    f = lc.flux[np.isfinite(lc.flux)]
    med = float(np.median(f))
    cands = tuple(
        Candidate(
            period_days=1.0 + k,
            t0=0.5,
            t0_format=lc.time_format,
            t0_bjd=None,
            duration_hours=2.0,
            depth_ppm=float(np.std(f) / med * 1e6),
            depth_ppm_err=10.0,
            snr=7.5,
            sde=8.0,
            power=1.0,
            n_transits=3,
            vetting=(VetFlag("odd_even", False, 0.5, "odd and even depths agree"),),
        )
        for k in range(3)
    )
    return StarResult(
        path=lc.meta.source,
        target=lc.meta.target,
        row=lc.meta.row,
        n_points=len(lc),
        candidates=cands,
        reasons=("stand-in analysis for the memory benchmark",),
    )


def _child_rss(table: str, n_workers: int, catalog: str) -> None:
    import resource

    from starskope.scan import scan

    s = scan([table], catalog=catalog, workers=n_workers, analyse=cheap_analyse)
    # VmHWM, not getrusage's ru_maxrss: on Linux the latter survives exec, so it would report the
    # size of the parent (which holds the generated table) at the moment it forked this process.
    with open("/proc/self/status") as fh:
        hwm = [line for line in fh if line.startswith("VmHWM")]
    peak_kib = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"n": s.n_done + s.n_errors, "peak_mib": peak_kib / 1024, "s": s.elapsed_s}))


def coordinator_rss(n: int, tmp: Path, n_workers: int = 2) -> dict:
    table, _ = simulated_table(tmp / f"mem-{n}.csv", n, seed=7, fast=True)
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.bench_scan",
        "--child-rss",
        str(table),
        str(n_workers),
        str(tmp / f"mem-{n}.duckdb"),
    ]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- main
def _throughput_section(args, tmp: Path) -> list[str]:
    workers = [int(w) for w in args.workers.split(",")]
    table, how = simulated_table(tmp / "sim.csv", args.n_sim)
    sets = [("simulated K2 (Kaggle table, 3197 pts)", [table], _kaggle_lcs(table, args.baseline_n))]
    files = [] if args.skip_real else real_files()
    if files:
        sets.append((f"real ../shared/data ({len(files)} files)", files, _file_lcs(files)))
    rows = []
    for name, inputs, lcs in sets:
        base = baseline_lightkurve(lcs)
        # worker counts alternate, `--repeat` times, each on a fresh cluster: the median is
        # reported with the range, since a shared machine's load moves single runs by 10-20%
        runs: dict[int, list[dict]] = {w: [] for w in workers}
        for rep in range(args.repeat):
            for w in workers:
                runs[w].append(scan_throughput(inputs, w, tmp, f"{name[:4]}{rep}"))
        print(name, base, runs, flush=True)
        med = {w: float(np.median([r["steady_rate"] for r in runs[w]])) for w in workers}
        one = med[workers[0]] / workers[0]
        for w in workers:
            rates = [r["steady_rate"] for r in runs[w]]
            cpu = float(np.nanmedian([r["worker_cpu_per_star"] for r in runs[w]]))
            rows.append(
                [
                    name,
                    w,
                    runs[w][0]["n"],
                    max(r["errors"] for r in runs[w]),
                    med[w],
                    f"{min(rates):.3g}-{max(rates):.3g}",
                    med[w] / w,
                    1.0 / cpu if cpu > 0 else float("nan"),
                    float(np.median([r["cold_rate"] for r in runs[w]])),
                    med[w] / one,
                    base["rate"],
                    med[w] / base["rate"],
                ]
            )
        rows.append(
            [
                name,
                "lightkurve serial",
                base["n"],
                "",
                base["rate"],
                "",
                base["rate"],
                "",
                base["rate"],
                "",
                base["rate"],
                1.0,
            ]
        )
    header = [
        "inputs",
        "workers",
        "stars",
        "errors",
        "stars/s (steady, median)",
        "range",
        "per worker",
        "stars/CPU-s (workers)",
        "stars/s (cold)",
        "scaling vs 1",
        "lightkurve stars/s",
        "speed-up vs lightkurve",
    ]
    return [
        f"Simulated table: {args.n_sim} stars, {how}.",
        "",
        markdown_table(header, rows),
        "",
        f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared"
        f" machine). Medians of {args.repeat} runs per worker count, alternating, each on a fresh"
        " cluster; 'stars/CPU-s (workers)': stars per CPU second of the worker processes (all their"
        " threads: the pipeline, reading, Dask's event loop), the per-core rate with the"
        " coordinator's share of the machine left out. Command: `python -m benchmarks.bench_scan"
        f" --only throughput --n-sim {args.n_sim} --baseline-n {args.baseline_n}"
        f" --repeat {args.repeat}`.",
        "",
    ]


def _memory_section(args, tmp: Path) -> list[str]:
    sizes = [int(x) for x in args.mem.split(",") if x]
    mem = {n: coordinator_rss(n, tmp) for n in sizes}
    rows = [
        [
            n,
            mem[n]["n"],
            mem[n]["peak_mib"],
            mem[n]["peak_mib"] / mem[sizes[0]]["peak_mib"],
            mem[n]["n"] / mem[n]["s"],
        ]
        for n in sizes
    ]
    header = ["inputs", "stored", "peak RSS MiB", f"ratio vs {sizes[0]}", "stars/s (orchestration)"]
    return [
        _MEM_MARK,
        "Coordinator peak RSS (a fresh process per size; 2 workers; a stand-in analysis that reads"
        " each row and returns a 3-candidate result, so the last column is the orchestration's own"
        " ceiling: stream + queue + commit):",
        "",
        markdown_table(header, rows),
        "",
        f"Load average at the end: {os.getloadavg()[0]:.1f}. Command: `python -m"
        f" benchmarks.bench_scan --only memory --mem {args.mem}`.",
    ]


_MEM_MARK = "<!-- memory -->"
COST_OUT = REPO / "benchmarks" / "results" / "scan_cost.md"


def _cost_section(tmp: Path, n_cost: int = 200) -> list[str]:
    """CPU seconds per star of the default pipeline (``time.process_time``, after a warm-up)."""
    from starskope.config import PipelineConfig
    from starskope.io.kaggle import iter_kaggle
    from starskope.lightcurve import LightCurve, LightCurveMeta
    from starskope.parallel import one_thread
    from starskope.pipeline import analyse

    cfg = PipelineConfig()

    def cpu(lcs):
        out = []
        with one_thread():
            for lc in lcs:
                t = time.process_time()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    analyse(lc, cfg)
                out.append(time.process_time() - t)
        return out

    table, how = simulated_table(tmp / "cost.csv", n_cost + 2, seed=3)
    lcs = list(iter_kaggle(table, cache=False))
    # imports and JIT compilation: a whole untimed pass, since a fresh checkout compiles each
    # numba kernel (cached on disk afterwards) the first time a star needs it, and the first
    # stars do not need them all (a timed pass would otherwise carry the compilation)
    cpu(lcs)
    rows = []
    k2 = cpu(lcs[2:])
    rows.append(
        ["K2 long cadence (simulated campaign)", 3197, 65.3, len(k2), np.mean(k2), np.median(k2)]
    )
    rng = np.random.default_rng(1)
    for name, dt_min in (
        ("TESS FFI 10-min (white noise + box)", 10.0),
        ("TESS FFI 200-s (white noise + box)", 200 / 60),
    ):
        n = int(27.0 * 1440 / dt_min)
        lcs = []
        for i in range(6):
            t = 1500 + np.arange(n) * dt_min / 1440
            f = 1 + 5e-4 * rng.standard_normal(n)
            p = rng.uniform(1, 10)
            f[((t - 1500.3) % p) < 0.1] -= 1e-3
            meta = LightCurveMeta(mission="TESS", target=f"sim {i}")
            lcs.append(LightCurve(t, f, np.full(n, 5e-4), time_format="btjd", meta=meta))
        cpu(lcs[:1])  # the 2-min binning path's kernels
        c = cpu(lcs)
        rows.append([name, n, 27.0, len(c), np.mean(c), np.median(c)])
    base = rows[0][4]
    for r in rows:
        r += [1.0 / r[4], r[4] / base]
    header = [
        "light curves",
        "points",
        "days",
        "stars",
        "CPU s/star (mean)",
        "median",
        "stars/s per core",
        "vs K2",
    ]
    return [
        "# Pipeline cost per star (CPU time, default PipelineConfig)",
        "",
        markdown_table(header, rows),
        "",
        f"K2 rows: {how}. CPU time (`time.process_time`) of one thread (BLAS and OpenMP pools"
        " limited to one, as in the scan's Dask workers) does not depend on the machine's load"
        " as wall time does; 'stars/s per core' is its inverse. Command:"
        " `python -m benchmarks.bench_scan --only cost` (after an untimed pass over the same"
        " stars: numba compilation is not counted).",
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-sim", type=int, default=500)
    ap.add_argument("--baseline-n", type=int, default=100)
    ap.add_argument("--mem", default="500,5000")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--repeat", type=int, default=3, help="throughput runs per worker count")
    ap.add_argument("--skip-real", action="store_true")
    ap.add_argument("--only", choices=("all", "throughput", "memory", "cost"), default="all")
    ap.add_argument("--child-rss", nargs=3, metavar=("TABLE", "WORKERS", "CATALOG"))
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error(f"--repeat must be at least 1; got {args.repeat}")
    if args.child_rss:
        _child_rss(args.child_rss[0], int(args.child_rss[1]), args.child_rss[2])
        return 0
    if args.only in ("all", "cost"):
        with tempfile.TemporaryDirectory(prefix="bench_scan_") as d:
            text = "\n".join(_cost_section(Path(d))) + "\n"
        COST_OUT.parent.mkdir(parents=True, exist_ok=True)
        COST_OUT.write_text(text)
        print(text)
        if args.only == "cost":
            return 0
    old = OUT.read_text() if OUT.exists() else ""
    old_top, _, old_mem = old.partition(_MEM_MARK)
    with tempfile.TemporaryDirectory(prefix="bench_scan_") as d:
        tmp = Path(d)
        if args.only in ("all", "throughput"):
            top = "\n".join(["# Scan benchmark", "", *_throughput_section(args, tmp)]) + "\n"
        else:
            top = old_top or "# Scan benchmark\n\n"
        if args.only in ("all", "memory"):
            mem = "\n".join(_memory_section(args, tmp)) + "\n"
        else:
            mem = (_MEM_MARK + old_mem) if old_mem else ""
    text = top + mem
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
