"""Where a scan's CPU time goes: per-thread CPU of the Dask workers and of the coordinator.

Runs :func:`starskope.scan.scan` on a simulated K2 campaign (a Kaggle table of ``--n`` stars) on a
fresh local cluster of ``--workers`` processes, after a warm-up scan of ``--warm`` stars per worker,
and prints the scan's rate and, per thread, the CPU milliseconds per star it spent (Linux:
``/proc/<pid>/task/*/stat``): each worker's pipeline thread ("Dask-Default-Threads") and event
loop ("MainThread"), and the coordinator's main thread (streaming inputs, catalog commits) and
IO loop (the local scheduler and the client). ``--warm 2`` shows what a short warm-up costs: the
numba kernels a star needs are loaded from the disk cache inside the timed scan, by each worker.

Run::

    python -m benchmarks.profile_scan --n 500 --workers 1
    python -m benchmarks.profile_scan --n 40 --workers 2 --warm 2
"""

from __future__ import annotations

import argparse
import glob
import os
import tempfile
import threading
import time
from pathlib import Path


def thread_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) of every thread of this process, by thread id, with names."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for d in glob.glob(f"/proc/{os.getpid()}/task/*"):
        try:
            with open(f"{d}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"{d}/comm") as fh:
                comm = fh.read().strip()
        except OSError:  # the thread ended meanwhile
            continue
        tid = int(Path(d).name)
        out[tid] = (names.get(tid, comm), (int(fields[11]) + int(fields[12])) / tick)
    return out


def _delta(before, after, n: int) -> list[tuple[str, float]]:
    rows = []
    for tid, (name, cpu) in after.items():
        ms = (cpu - before.get(tid, (name, 0.0))[1]) / max(n, 1) * 1e3
        if ms > 0.005:
            rows.append((name, ms))
    return sorted(rows, key=lambda r: -r[1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500, help="stars in the timed scan")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--warm", type=int, default=24, help="warm-up stars per worker")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not os.path.isdir("/proc/self/task"):
        ap.error("needs Linux's /proc to read per-thread CPU times")

    from distributed import Client

    from starskope.scan import scan
    from starskope.scan.runner import _local_cluster

    from .bench_scan import simulated_table

    with tempfile.TemporaryDirectory(prefix="profile_scan_") as d:
        tmp = Path(d)
        table, _ = simulated_table(tmp / "sim.csv", args.n, seed=args.seed)
        warm, _ = simulated_table(tmp / "warm.csv", args.warm * args.workers, seed=99)
        cluster = _local_cluster(args.workers)
        client = Client(cluster)
        try:
            client.wait_for_workers(args.workers)
            scan([warm], catalog=tmp / "warm.duckdb", client=client)
            w0, c0 = client.run(thread_cpu), thread_cpu()
            t0 = time.perf_counter()
            s = scan([table], catalog=tmp / "scan.duckdb", client=client)
            wall = time.perf_counter() - t0
            w1, c1 = client.run(thread_cpu), thread_cpu()
        finally:
            client.close()
            cluster.close()
    n = s.n_done + s.n_errors
    print(
        f"{n} stars, {args.workers} worker(s), warm-up {args.warm} per worker: "
        f"{n / wall:.1f} stars/s, {wall / n * 1e3:.1f} ms of wall time per star"
    )
    print("CPU ms per star (of all stars), by thread:")
    for addr in sorted(w1):
        for name, ms in _delta(w0[addr], w1[addr], n):
            print(f"  worker {addr}  {name:40s} {ms:7.2f}")
    for name, ms in _delta(c0, c1, n):
        print(f"  coordinator  {name:40s} {ms:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
