"""benchmarks/bench_cadence: the labels' period cells, and the table it builds."""

from __future__ import annotations

import pytest
from benchmarks.bench_cadence import N_SAMPLES, _periods, build_table
from benchmarks.common import SHARED_DATA


def test_known_periods_are_read_from_the_labels_cells():
    assert _periods("b 1.8587; c 9.1911; d 16.3649") == [1.8587, 9.1911, 16.3649]
    assert _periods("3.4253 (depth ~1.4%)") == [3.4253]
    assert _periods("unknown") == []


@pytest.mark.skipif(
    not (SHARED_DATA / "labels.csv").exists(), reason="needs ../shared/data (labels.csv)"
)
def test_the_table_holds_the_two_minute_tess_stars_at_their_cadence(tmp_path):
    from starskope.io import read

    info = build_table(SHARED_DATA, tmp_path / "t.csv")
    assert len(info) >= 5 and any(r["host"] for r in info)
    lc = read(tmp_path / "t.csv", row=0, cadence_minutes=2)
    assert len(lc) == N_SAMPLES and lc.cadence * 1440 == pytest.approx(2.0)
