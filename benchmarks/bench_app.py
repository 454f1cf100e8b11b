"""Web-app benchmark: how fast pages load from a catalog of 10,000 stars.

Builds a DuckDB catalog of ``--n`` stars (default 10,000; 1-3 candidates each with vetting
flags, random missions and scores; written through :class:`starskope.catalog.Catalog`, the way
``starskope scan`` writes), starts the app on a real uvicorn server on 127.0.0.1 and times,
over HTTP from this process (``urllib``, one request at a time):

* the star page (``/star?id=...``) of ``--pages`` random stars: the target is well under 1 s;
* the candidate table (``/``) sorted by score, by SNR, and filtered by flag and mission;
* the CSV export of a filtered selection;
* the plot data of a star whose light curve is on disk (``/api/plots``), cold (the file is
  read and the pipeline re-run) and warm (cached): the bundled TESS WASP-18 light curve.

Run::

    python -m benchmarks.bench_app               # 10,000 stars, 200 star pages
    python -m benchmarks.bench_app --n 2000 --pages 50
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

from .common import markdown_table

FLAGS = ("odd_even", "secondary", "v_shape", "sinusoid", "alias", "snr", "sde", "single_event")
MISSIONS = ("Kepler", "K2", "TESS")


def _results(n: int, rng):
    from starskope.result import Candidate, StarResult, VetFlag

    for i in range(n):
        cands = []
        for k in range(int(rng.integers(1, 4))):
            raised = set(rng.choice(FLAGS, size=int(rng.integers(0, 3)), replace=False))
            vet = tuple(
                VetFlag(f, f in raised, float(rng.normal()), f"{f}: synthetic reason {i}.{k}.")
                for f in FLAGS
            )
            cands.append(
                Candidate(
                    period_days=float(rng.uniform(0.5, 40)),
                    t0=float(rng.uniform(0, 10)),
                    t0_format="btjd",
                    t0_bjd=2457000.0,
                    duration_hours=float(rng.uniform(1, 8)),
                    depth_ppm=float(rng.uniform(50, 20000)),
                    depth_ppm_err=float(rng.uniform(5, 100)),
                    snr=float(rng.uniform(3, 100)),
                    sde=float(rng.uniform(5, 30)),
                    power=1.0,
                    n_transits=int(rng.integers(2, 30)),
                    vetting=vet,
                    is_planet_like=not raised,
                )
            )
        yield StarResult(
            path=f"/bench/star{i:05d}.fits",
            mission=str(rng.choice(MISSIONS)),
            target=f"TIC {100000 + i}",
            n_points=18000,
            time_span_days=27.0,
            cadence_minutes=2.0,
            candidates=tuple(cands),
            is_candidate=any(c.is_planet_like for c in cands),
            score=float(rng.uniform()),
            reasons=("synthetic benchmark star",),
        )


def build_catalog(path: Path, n: int, *, seed: int = 0, real_file: Path | None = None) -> float:
    """Write ``n`` synthetic stars (and the analysed ``real_file``) to ``path``; return seconds."""
    from starskope.catalog import Catalog, StarRecord

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    with Catalog(path) as cat:
        run = cat.start_run(parameters={"method": "bls"}, inputs=["bench"])
        batch = []
        for res in _results(n, rng):
            batch.append(StarRecord(res.path, res))
            if len(batch) == 1000:
                cat.write(batch, run_id=run)
                batch = []
        if real_file is not None:
            import dataclasses

            from starskope.io import read
            from starskope.pipeline import analyse

            res = dataclasses.replace(analyse(read(real_file)), path=str(real_file))
            batch.append(StarRecord(str(real_file), res))
        cat.write(batch, run_id=run)
    return time.perf_counter() - t0


def _get(url: str) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return time.perf_counter() - t0, status, len(body)


def _serve(catalog: Path):
    import uvicorn

    from starskope.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(
        uvicorn.Config(create_app(catalog=catalog), host="127.0.0.1", port=port, log_level="error")
    )
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    while not srv.started:
        time.sleep(0.05)
    return srv, th, f"http://127.0.0.1:{port}"


def _stats(times: list[float]) -> list:
    ms = np.array(times) * 1e3
    return [
        len(ms),
        f"{np.median(ms):.1f}",
        f"{np.percentile(ms, 95):.1f}",
        f"{ms.max():.1f}",
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="stars in the catalog")
    ap.add_argument("--pages", type=int, default=200, help="random star pages to load")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from starskope.datasets import demo_files

    real = next((p for p in demo_files() if p.name.startswith("lightkurve_wasp18")), None)
    tmp = Path(tempfile.mkdtemp(prefix="starskope-bench-app-"))
    cat = tmp / "results.duckdb"
    t_build = build_catalog(cat, args.n, seed=args.seed, real_file=real)
    print(f"catalog: {args.n} synthetic stars + 1 real, written in {t_build:.1f} s ({cat})")

    srv, th, base = _serve(cat)
    rng = np.random.default_rng(args.seed)
    rows = []
    try:
        _get(base + "/")  # first request: template compilation, DuckDB warm-up
        _get(base + "/api/known?id=/bench/star00000.fits")  # the catalogue, loaded at start
        ids = [f"/bench/star{i:05d}.fits" for i in rng.integers(0, args.n, args.pages)]
        star_times, sizes = [], []
        for i in ids:
            dt, status, size = _get(base + "/star?" + urllib.parse.urlencode({"id": i}))
            assert status == 200, (i, status)
            star_times.append(dt)
            sizes.append(size)
        rows.append(["star page /star?id=", *_stats(star_times), f"{np.mean(sizes) / 1e3:.0f}"])
        for label, query in (
            ("table, sorted by score", "/?sort=score&order=desc"),
            ("table, sorted by SNR asc", "/?sort=snr&order=asc"),
            ("table, flag=odd_even & TESS", "/?flag=odd_even&mission=TESS"),
            ("table, page 50 (offset 4900)", "/?sort=period&offset=4900"),
            ("CSV export, TESS & SNR >= 50", "/export.csv?mission=TESS&min_snr=50"),
        ):
            ts = []
            for _ in range(10):
                dt, status, size = _get(base + query)
                assert status == 200, (query, status)
                ts.append(dt)
            rows.append([label, *_stats(ts), f"{size / 1e3:.0f}"])
        if real is not None:
            q = "/api/plots?" + urllib.parse.urlencode({"id": str(real)})
            dt, status, size = _get(base + q)
            rows.append(
                [
                    "plot data, real TESS star, cold",
                    1,
                    f"{dt * 1e3:.0f}",
                    "",
                    "",
                    f"{size / 1e3:.0f}",
                ]
            )
            ts = [_get(base + q)[0] for _ in range(10)]
            rows.append(["plot data, same star, cached", *_stats(ts), f"{size / 1e3:.0f}"])
            dt, status, size = _get(base + "/star?" + urllib.parse.urlencode({"id": str(real)}))
            rows.append(
                ["star page, real TESS star", 1, f"{dt * 1e3:.1f}", "", "", f"{size / 1e3:.0f}"]
            )
            q = "/api/known?" + urllib.parse.urlencode({"id": str(real)})
            ts = [_get(base + q)[0] for _ in range(5)]
            rows.append(["known-object match, real TESS star", *_stats(ts), ""])
    finally:
        srv.should_exit = True
        th.join(timeout=10)

    print()
    print(f"Pages from a catalog of {args.n:,} stars (uvicorn on 127.0.0.1, one request at a time)")
    print(
        markdown_table(["request", "n", "median [ms]", "p95 [ms]", "max [ms]", "size [kB]"], rows)
    )
    med = statistics.median(star_times)
    worst = max(star_times)
    print(
        f"\nstar page: median {med * 1e3:.1f} ms = {med:.4f} s, i.e. {1 / med:.0f}x faster than "
        f"the 1 s target; slowest {worst * 1e3:.1f} ms ({1 / worst:.0f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
