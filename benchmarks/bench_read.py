"""Read speed of ``starskope.io.read`` per format, against lightkurve / astropy / pandas.

Over every file in ``../shared/data/labels.csv`` and ``bulk/labels.csv`` (grouped by the format
starskope detects), in the same run:

- FITS products: ``starskope.io.read(path)`` vs ``lightkurve.read(path)`` (its default quality
  mask and flux column);
- text tables: ``starskope.io.read`` vs astropy ``Table.read(path, format="ascii")`` (format
  guessing) and ``pandas.read_csv`` (delimiter given, no type guessing beyond pandas' own);
- the Kaggle layout: a generated 5087-row table (the size of ``exoTrain.csv``): starskope's
  streaming first read (``iter_kaggle``, no cache), the cached re-read (``.npy``, memory-mapped)
  and ``pandas.read_csv`` of the whole file.

Each library reads one warm-up file first (imports and caches excluded). Throughput is in files/s
and MB/s of the stored (gzip-compressed) bytes; the ratio column is starskope's speed over the
reference's (>1: starskope faster). Prints a table and writes ``benchmarks/results/read.md``.

Run::

    python -m benchmarks.bench_read [--quick] [--kaggle-rows 5087]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np

from .common import REPO, labelled_files, markdown_table

OUT = REPO / "benchmarks" / "results" / "read.md"


def _time_all(fn, paths) -> tuple[float, int]:
    """Seconds to call ``fn`` on every path, and how many calls failed."""
    failed = 0
    t0 = time.perf_counter()
    for p in paths:
        try:
            fn(p)
        except Exception:  # a reference library may not read every product
            failed += 1
    return time.perf_counter() - t0, failed


def _lightkurve_read(p):
    import lightkurve as lk

    return lk.read(str(p))


def _astropy_read(p):
    from astropy.table import Table

    return Table.read(str(p), format="ascii")


def _pandas_read(p):
    import pandas as pd

    name = Path(p).name.lower()
    is_csv = ".csv" in name
    return pd.read_csv(p, sep="," if is_csv else r"\s+", header=None, comment="#")


def bench_files(quick: bool) -> list[list]:
    from starskope.io import identify_format, read

    files = [f.path for f in labelled_files(include_unlabelled=True) if f.path.exists()]
    if quick:
        files = files[:80]
    groups: dict[str, list[Path]] = defaultdict(list)
    for p in files:
        groups[identify_format(p)].append(p)
    rows = []
    for fmt in sorted(groups):
        paths = groups[fmt]
        mb = sum(p.stat().st_size for p in paths) / 1e6
        refs = {"text": [("astropy Table.read", _astropy_read), ("pandas.read_csv", _pandas_read)]}
        ref_list = refs.get(fmt, [("lightkurve.read", _lightkurve_read)])
        read(paths[0])  # warm-up
        t_s, f_s = _time_all(read, paths)
        for name, fn in ref_list:
            try:
                fn(paths[0])  # warm-up
            except Exception:
                pass
            t_r, f_r = _time_all(fn, paths)
            rows.append(
                [
                    fmt,
                    len(paths),
                    round(mb, 2),
                    round(len(paths) / t_s, 1),
                    round(mb / t_s, 2),
                    f_s,
                    name,
                    round(len(paths) / t_r, 1),
                    round(mb / t_r, 2),
                    f_r,
                    round(t_r / t_s, 2),
                ]
            )
            print(" | ".join(str(x) for x in rows[-1]), flush=True)
    return rows


def bench_kaggle(n_rows: int) -> list[list]:
    import pandas as pd

    from starskope.io.kaggle import iter_kaggle, write_kaggle

    rng = np.random.default_rng(2)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "exoTrain_like.csv"
        flux = rng.normal(0.0, 150.0, size=(n_rows, 3197))
        labels = np.where(rng.random(n_rows) < 0.0073, 2, 1)
        t0 = time.perf_counter()
        write_kaggle(path, flux, labels)
        t_write = time.perf_counter() - t0
        del flux
        mb = path.stat().st_size / 1e6
        cache = Path(d) / "cache"

        def run(**kw):
            t = time.perf_counter()
            n = sum(1 for _ in iter_kaggle(path, cache_dir=cache, **kw))
            assert n == n_rows
            return time.perf_counter() - t

        t_first = run(cache=True)  # parses the text, writes the cache at the end
        t_cached = run(cache=True)
        t = time.perf_counter()
        pd.read_csv(path)
        t_pandas = time.perf_counter() - t
    print(
        f"kaggle: write {t_write:.2f}s, first {t_first:.2f}s, cached {t_cached:.2f}s, "
        f"pandas {t_pandas:.2f}s ({mb:.0f} MB)"
    )
    base = ["kaggle (generated)", 1, round(mb, 1)]
    return [
        base[:1]
        + ["1 table"]
        + base[2:]
        + [
            f"{n_rows / t_first:.0f} rows/s",
            round(mb / t_first, 1),
            0,
            "pandas.read_csv (whole)",
            f"{n_rows / t_pandas:.0f} rows/s",
            round(mb / t_pandas, 1),
            0,
            round(t_pandas / t_first, 2),
        ],
        [
            "kaggle (cached re-read)",
            "1 table",
            round(mb, 1),
            f"{n_rows / t_cached:.0f} rows/s",
            round(mb / t_cached, 1),
            0,
            "pandas.read_csv (whole)",
            f"{n_rows / t_pandas:.0f} rows/s",
            round(mb / t_pandas, 1),
            0,
            round(t_pandas / t_cached, 2),
        ],
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only the first 80 shared files")
    ap.add_argument("--kaggle-rows", type=int, default=5087)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    header = [
        "format",
        "files",
        "MB (gz)",
        "starskope files/s",
        "starskope MB/s",
        "starskope failed",
        "reference",
        "ref files/s",
        "ref MB/s",
        "ref failed",
        "speed ratio (starskope/ref)",
    ]
    rows = bench_files(args.quick)
    if args.kaggle_rows > 0:
        rows += bench_kaggle(args.kaggle_rows)
    table = markdown_table(header, rows)
    note = (
        f"Measured by `python -m benchmarks.bench_read{' --quick' if args.quick else ''}` on "
        f"{platform.machine()} / Python {platform.python_version()} ({time.strftime('%Y-%m-%d')}). "
        "One pass over each group after a warm-up read; MB are stored (gzip) bytes, except the "
        "Kaggle table (plain CSV). 'failed' counts files a library could not read. lightkurve "
        "applies its default quality mask; pandas/astropy only parse the text (no time system, "
        "no column detection, no checks). Kaggle rows: a generated table in the exact Kaggle "
        "layout; 'first' parses the text and writes the .npy cache, 'cached' re-reads it."
    )
    text = "# Read speed\n\n" + table + "\n\n" + note + "\n"
    print()
    print(table)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"\nwritten {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
