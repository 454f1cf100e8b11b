"""Every file listed in ../shared/data/labels.csv and bulk/labels.csv reads with the right
mission, cadence, span, point count and flux level (skipped when ../shared is absent)."""

from __future__ import annotations

import csv
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from starskope.io import read

pytestmark = pytest.mark.shared_data

SHARED = Path(
    os.environ.get(
        "STARSKOPE_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"
    )
)


def _rows(table: Path) -> list[dict]:
    if not table.exists():
        return []
    with open(table, newline="") as fh:
        return list(csv.DictReader(fh))


def _expected_cadence_min(label: str) -> float:
    label = label.lower()
    if label.startswith("29.4"):
        return 29.4244
    m = re.match(r"([\d.]+)\s*min", label)
    assert m, f"unexpected cadence label {label!r}"
    return float(m.group(1))


def check(path: Path, row: dict) -> None:
    with warnings.catch_warnings():  # juliet's K2-140 file adds ground-based rows: said, dropped
        warnings.filterwarnings("ignore", message=r".*photometric bands or instruments")
        lc = read(path)
    where = f"{row['file']}: {lc!r}"
    assert lc.meta.mission == row["mission"], where
    cad = _expected_cadence_min(row["cadence"])
    assert lc.cadence * 1440 == pytest.approx(cad, rel=0.02), where
    assert len(lc) > 0 and lc.n_valid > 0.5 * len(lc), where
    span = lc.time_span
    if cad < 5:  # short cadence (1- or 2-min): at most a sector / a month
        assert 5 < span < 40, where
    else:
        assert 5 < span < 400, (
            where
        )  # a quarter, campaign or sector (one K2 file has a stray point)
    # point count: a span of evenly spaced cadences, allowing gaps
    assert len(lc) <= span / lc.cadence + 2, where
    m = re.search(r"(\d+) cadences( after NaN removal)?", row["segment"])
    if m and m.group(2):
        assert len(lc) == int(m.group(1)), where
    elif m:  # cadences in the file; those with NaN time are dropped
        assert 0.5 * int(m.group(1)) < len(lc) <= int(m.group(1)), where
    seg = row["segment"].split()[0]
    if lc.meta.segment is not None:
        assert lc.meta.segment == seg, where
    if (
        row.get("catalog_id")
        and lc.meta.target
        and lc.meta.target.split()[0] in ("KIC", "EPIC", "TIC")
    ):
        assert lc.meta.target == row["catalog_id"], where
    med = float(np.nanmedian(lc.flux))
    if lc.meta.flux_unit == "relative":
        assert 0.9 < med < 1.1, where
    elif lc.meta.flux_unit == "electron / s":
        assert 10 < med < 1e8, where
    else:
        raise AssertionError(f"{where}: unexpected flux unit {lc.meta.flux_unit!r}")
    # absolute time where the format has one: BJD in 2009-2026
    if lc.bjd_offset is not None:
        bjd = lc.t[0] + lc.bjd_offset
        assert 2454900 < bjd < 2461500, where


SMALL = _rows(SHARED / "labels.csv")


@pytest.mark.parametrize("row", SMALL, ids=[r["file"].split("/")[-1] for r in SMALL])
def test_shared_labels_file_reads(row):
    check(SHARED / row["file"], row)


def test_shared_labels_table_present():
    if not SMALL:
        pytest.skip(f"../shared/data/labels.csv not found at {SHARED}")
    assert len(SMALL) >= 38


def test_bulk_labels_all_read():
    rows = _rows(SHARED / "bulk" / "labels.csv")
    if not rows:
        pytest.skip(f"../shared/data/bulk/labels.csv not found at {SHARED / 'bulk'}")
    failures = []
    for row in rows:
        try:
            check(SHARED / "bulk" / row["file"], row)
        except Exception as exc:  # collect all, report together
            failures.append(f"{row['file']}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures[:20])  # (reading speed: benchmarks/bench_read.py)
