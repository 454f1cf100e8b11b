"""Multi-mission benchmark: catalogues, grouping, known-object annotation, depth consistency.

Measured on the real files in ../shared/data (and bulk/) and on seeded simulations::

    python benchmarks/bench_multimission.py [--sims 100]

Prints markdown tables with rates and timings.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

import astropy.units as u
import numpy as np
from astropy.io import fits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import SHARED_DATA, markdown_table
from starskope.catalogs import known_objects, load_catalogs
from starskope.crossmatch import group_lightcurves, parse_identifier
from starskope.known import annotate
from starskope.lightcurve import LightCurve, LightCurveMeta
from starskope.stitch import depth_consistency, stitch
from starskope.time import BKJD_OFFSET, BTJD_OFFSET

# periods in a labels.csv cell; not TOI numbers ("TOI-3563.01") or depths ("~1.4%")
_PERIOD = re.compile(r"(?<![\w.~-])(\d+\.\d+)(?![\d%])")


def rows():
    for root in (SHARED_DATA, SHARED_DATA / "bulk"):
        with (root / "labels.csv").open(newline="") as fh:
            for r in csv.DictReader(fh):
                r["path"] = root / r["file"]
                yield r


def header_meta(path: Path) -> LightCurveMeta:
    h = fits.getheader(path, 0)
    mission = h.get("MISSION") or ("TESS" if str(h.get("TELESCOP")).upper() == "TESS" else None)

    def pm(key):
        if h.get(key) is None:
            return None
        scale = 1000.0 if "arcsec" in h.comments[key] else 1.0
        return float(h[key]) * scale

    return LightCurveMeta(
        mission=mission,
        target=str(h.get("OBJECT") or "").strip() or None,
        ra=h.get("RA_OBJ"),
        dec=h.get("DEC_OBJ"),
        pmra=pm("PMRA"),
        pmdec=pm("PMDEC"),
        source=str(path),
    )


def bench_catalogs():
    from starskope import catalogs

    catalogs._cached.cache_clear()
    t = time.perf_counter()
    packed = known_objects()
    t_pack = time.perf_counter() - t
    t = time.perf_counter()
    raw = load_catalogs()
    t_raw = time.perf_counter() - t
    size = (
        (Path(catalogs.__file__).parent / "data" / "catalogs" / catalogs.PACKAGED_TABLE)
        .stat()
        .st_size
    )
    print("\n## Known-object table\n")
    print(
        markdown_table(
            ["source", "rows", "load s", "size kB"],
            [
                ["packaged csv.gz", len(packed), t_pack, size / 1024],
                ["raw archive tables", len(raw), t_raw, float("nan")],
            ],
        )
    )
    print(f"\nraw / packaged load time: {t_raw / t_pack:.1f}x")


def bench_grouping(all_rows):
    fits_rows = [r for r in all_rows if ".fits" in r["file"]]
    lcs = [
        LightCurve([0.0, 1.0], [1.0, 1.0], time_format="relative", meta=header_meta(r["path"]))
        for r in fits_rows
    ]
    truth = [parse_identifier(r["catalog_id"]) or r["catalog_id"] for r in fits_rows]
    t = time.perf_counter()
    groups = group_lightcurves(lcs)
    dt = time.perf_counter() - t
    t = time.perf_counter()
    groups_pos = group_lightcurves(
        [lc.copy(meta=lc.meta.replace(target=None)) for lc in lcs], use_catalog=False
    )
    dt_pos = time.perf_counter() - t

    def score(gs):
        label_of = {}
        for g in gs:
            for i in g.members:
                label_of[i] = g.members[0]
        # a group is pure when all its members share one true star; a true star is complete
        # when all its files are in one group
        pure = sum(len({truth[i] for i in g.members}) == 1 for g in gs)
        stars = {}
        for i, s in enumerate(truth):
            stars.setdefault(s, set()).add(label_of[i])
        complete = sum(len(v) == 1 for v in stars.values())
        return len(gs), pure, len(stars), complete

    print("\n## Grouping real FITS headers (shared + bulk)\n")
    out = []
    for name, gs, secs in (
        ("ids + catalogue + position", groups, dt),
        ("position only (ids hidden)", groups_pos, dt_pos),
    ):
        n, pure, nstars, complete = score(gs)
        out.append([name, len(lcs), n, nstars, pure / n, complete / nstars, secs])
    print(
        markdown_table(
            ["links used", "files", "groups", "true stars", "purity", "completeness", "s"], out
        )
    )


def bench_annotation(all_rows):
    expect = {
        "confirmed_host": {"known planet"},
        "known_planet_host": {"known planet"},
        "false_positive": {"known false positive", "known eclipsing binary"},
        "false_positive_eclipsing_binary": {"known false positive", "known eclipsing binary"},
    }
    tally: dict[tuple[str, str], list[int]] = {}
    rng = np.random.default_rng(1)
    t = time.perf_counter()
    n_calls = 0
    for r in all_rows:
        cls = r["label_class"]
        cell = r["known_periods_days"].split("(plus")[0]
        # periods of the labelled class only: "(candidate K02311.02 13.7255)" is not a planet
        cell = ";".join(p for p in cell.split(";") if "candidate" not in p)
        periods = [float(x) for x in _PERIOD.findall(cell)]
        meta = header_meta(r["path"]) if ".fits" in r["file"] else None
        for how in ("identifier", "position", "identifier+position"):
            if how == "identifier":
                target, ra, dec = r["catalog_id"], None, None
            else:
                if meta is None or meta.ra is None:
                    continue
                target = None if how == "position" else r["catalog_id"]
                ra, dec = meta.ra, meta.dec
            if cls in expect:
                for p in periods:
                    m = annotate(target, ra, dec, p)
                    n_calls += 1
                    ok = m.kind in expect[cls]
                    tally.setdefault((cls, how), [0, 0])
                    tally[(cls, how)][0] += ok
                    tally[(cls, how)][1] += 1
            elif cls.startswith("no_known_planet"):
                p = float(np.exp(rng.uniform(np.log(0.5), np.log(100))))
                m = annotate(target, ra, dec, p)
                n_calls += 1
                tally.setdefault(("no_known_planet*", how), [0, 0])
                tally[("no_known_planet*", how)][0] += m.kind == "new"
                tally[("no_known_planet*", how)][1] += 1
    dt = time.perf_counter() - t
    print("\n## Known-object annotation of labelled periods (shared + bulk labels.csv)\n")
    print("(no_known_planet rows get a random period in 0.5-100 d; expected: 'new')\n")
    out = [[cls, how, ok, n, ok / n] for (cls, how), (ok, n) in sorted(tally.items())]
    print(markdown_table(["label class", "given", "as expected", "signals", "rate"], out))
    print(f"\n{n_calls} annotate() calls in {dt:.1f} s ({1e3 * dt / n_calls:.1f} ms each)")


def _segments(rng, depth_a, depth_b):
    period, t0, dur = 61.7, BKJD_OFFSET + 2343.0, 0.3

    def seg(fmt, start, length, cad, noise, level, depth, mission):
        off = BTJD_OFFSET if fmt == "btjd" else BKJD_OFFSET
        t = np.arange(start, start + length, cad / 1440)
        dt = np.abs((t + off - t0 + 0.5 * period) % period - 0.5 * period)
        drop = depth * np.clip((0.5 * dur - dt) / (0.15 * dur), 0, 1)
        f = level * (1 - drop) * (1 + noise * rng.standard_normal(t.size))
        return LightCurve(
            t, f, np.full(t.size, level * noise), time_format=fmt,
            meta=LightCurveMeta(mission=mission),
        )  # fmt: skip

    lcs = [
        seg("bkjd", 2306.0, 75.0, 29.4, 300e-6, 5e4, depth_a, "K2"),
        seg("btjd", 1325.3, 27.0, 2.0, 1200e-6, 800.0, depth_b, "TESS"),
        seg("btjd", 2010.3, 27.0, 2.0, 1200e-6, 800.0, depth_b, "TESS"),
    ]
    return lcs, period, t0, dur


def bench_depths(n_sims):
    rng = np.random.default_rng(7)
    out = []
    for name, da, db in (
        ("planet (same depth)", 1200e-6, 1200e-6),
        ("EB diluted 1.5x in TESS", 1800e-6, 1200e-6),
        ("EB diluted 2x in TESS", 3000e-6, 1500e-6),
    ):
        flags, t_used = 0, 0.0
        for _ in range(n_sims):
            lcs, p, t0, dur = _segments(rng, da, db)
            st = stitch(lcs, cadence=30 * u.min)
            t = time.perf_counter()
            dc = depth_consistency(
                st.t, st.lightcurve.flux, st.lightcurve.flux_err, st.mission,
                period=p, t0=t0, duration=dur,
            )  # fmt: skip
            t_used += time.perf_counter() - t
            flags += dc.flag
        out.append([name, n_sims, flags, flags / n_sims, 1e3 * t_used / n_sims])
    print("\n## Depth consistency on simulated K2 + 2 TESS sectors (61.7-d, one transit each)\n")
    print(markdown_table(["truth", "sims", "flagged", "flag rate", "ms per test"], out))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sims", type=int, default=100)
    a = ap.parse_args(argv)
    if not (SHARED_DATA / "labels.csv").exists():
        print(f"no shared data at {SHARED_DATA}")
        return 1
    all_rows = list(rows())
    bench_catalogs()
    bench_grouping(all_rows)
    bench_annotation(all_rows)
    bench_depths(a.sims)
    return 0


if __name__ == "__main__":
    sys.exit(main())
