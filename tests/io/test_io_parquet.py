"""Parquet: starskope's own campaigns (one star per row) and plain column tables."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.exceptions import StarskopeError
from starskope.io import iter_read, read

pytest.importorskip("pyarrow")


def test_campaign_written_as_parquet_reads_back_row_by_row(tmp_path):
    from starskope.simulate.campaign import CampaignConfig, simulate_campaign
    from starskope.simulate.output import write_parquet

    camp = simulate_campaign(CampaignConfig(n_stars=5, n_hosts=2, seed=3))
    path = write_parquet(camp, tmp_path / "c.parquet")[0]
    items = list(iter_read(path))
    assert [i for i, _ in items] == [f"{path}#row={r}" for r in range(5)]
    lcs = [lc for _, lc in items]
    assert [lc.meta.label for lc in lcs] == [int(v == 2) for v in camp.labels]
    for k, lc in enumerate(lcs):
        assert lc.meta.row == k and lc.meta.mission == "K2" and lc.time_format == "relative"
        np.testing.assert_allclose(lc.t, camp.time)
        np.testing.assert_array_equal(lc.flux, camp.flux[k])
    np.testing.assert_array_equal(read(path, row=3).flux, camp.flux[3])
    with pytest.raises(StarskopeError, match="several stars: pass row="):
        read(path)


def test_column_table_parquet_is_one_light_curve(tmp_path):
    import pandas as pd

    t = 1325 + np.arange(300) * 0.0204
    f = 1 + 1e-4 * np.sin(t)
    pd.DataFrame({"TIME": t, "PDCSAP_FLUX": f, "QUALITY": 0, "note": "x"}).to_parquet(
        tmp_path / "lc.parquet"
    )
    ((ident, lc),) = list(iter_read(tmp_path / "lc.parquet"))
    assert ident == str(tmp_path / "lc.parquet")
    assert lc.time_format == "btjd" and lc.meta.flux_column == "PDCSAP_FLUX"
    np.testing.assert_allclose(lc.flux, f)
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(StarskopeError, match="bad.parquet: cannot read Parquet"):
        read(tmp_path / "bad.parquet")


def test_scan_items_of_a_parquet_campaign(tmp_path):
    """A scan expands a one-star-per-row Parquet file into one item per star (read on the
    worker by row), as it does a Kaggle table; a folder walk finds it."""
    from starskope.scan import iter_items
    from starskope.scan.runner import _read_item
    from starskope.simulate.campaign import CampaignConfig, simulate_campaign
    from starskope.simulate.output import write_parquet

    camp = simulate_campaign(CampaignConfig(n_stars=4, n_hosts=1, seed=5))
    path = write_parquet(camp, tmp_path / "camp" / "c.parquet")[0]
    items = [it for it in iter_items([tmp_path / "camp"]) if it.path == str(path)]
    assert [it.input_id for it in items] == [f"{path}#row={r}" for r in range(4)]  # (+ truth CSV)
    np.testing.assert_array_equal(_read_item(items[2]).flux, camp.flux[2])


def test_one_star_per_row_with_0_1_labels_and_other_list_names(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = np.arange(200) * 0.02
    flux = [list(1 + 1e-3 * np.sin(t + k)) for k in range(3)]
    times = [list(t)] * 3
    pq.write_table(pa.table({"time": times, "flux": flux, "label": [1, 0, 0]}), tmp_path / "a.pq")
    # 0/1 labels (1 = host) are read as given; Kaggle's 1/2 stay the campaign test's business
    assert [lc.meta.label for _, lc in iter_read(tmp_path / "a.pq")] == [1, 0, 0]
    pq.write_table(pa.table({"time": times, "flux": flux, "label": [2, 1, 1]}), tmp_path / "b.pq")
    assert [lc.meta.label for _, lc in iter_read(tmp_path / "b.pq")] == [1, 0, 0]
    # list columns without one named flux: say what the layout needs, not "no time column"
    pq.write_table(pa.table({"time": times, "pdcsap_flux": flux}), tmp_path / "c.pq")
    with pytest.raises(StarskopeError, match="list column named 'flux'"):
        read(tmp_path / "c.pq")


def test_one_star_per_row_nulls_label_case_and_missing_times(tmp_path):
    """A null in a row's quality list is no flag (it ended in a bare TypeError); an upper-case
    LABEL column is the label; a row of the wrong shape is that row's error alone; a file of
    flux lists without times says where flux without times is read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = np.arange(200) * 0.02
    flux = [list(1 + 1e-3 * np.sin(t + k)) for k in range(3)]
    quality = [[0] * 200, [None] + [0] * 198 + [128], [0] * 199]
    table = pa.table({"time": [list(t)] * 3, "flux": flux, "quality": quality, "LABEL": [2, 1, 1]})
    pq.write_table(table, tmp_path / "a.pq")
    items = list(iter_read(tmp_path / "a.pq"))
    assert [lc.meta.label for _, lc in items[:2]] == [1, 0]
    assert items[1][1].quality[0] == 0 and items[1][1].quality[-1] == 128
    assert isinstance(items[2][1], StarskopeError)
    assert "199 quality flags for 200 flux values" in str(items[2][1])
    assert read(tmp_path / "a.pq", row=1).meta.label == 0
    # a text label ("CONFIRMED") is no label, and no reason to lose the file
    table = pa.table({"time": [list(t)] * 2, "flux": flux[:2], "LABEL": ["CONFIRMED", "FP"]})
    pq.write_table(table, tmp_path / "text.pq")
    assert [lc.meta.label for _, lc in iter_read(tmp_path / "text.pq")] == [None, None]
    pq.write_table(pa.table({"flux": flux}), tmp_path / "b.pq")
    with pytest.raises(StarskopeError, match="Kaggle-layout table"):
        read(tmp_path / "b.pq", row=0)


@pytest.mark.parametrize(
    ("start", "fmt", "first"),
    [
        (0.0, "relative", 0.0),  # starskope's campaigns: days from the first cadence
        (1325.5, "btjd", 1325.5),  # TESS times (above K2's range: only TESS observed then)
        (2459000.5, "jd", 2459000.5),  # full BJD
        (59000.0, "jd", 2459000.0),  # reduced BJD - 2400000, as a text table's
    ],
)
def test_one_star_per_row_dated_times_keep_their_epoch(tmp_path, start, fmt, first):
    import warnings

    import pyarrow as pa
    import pyarrow.parquet as pq

    t = start + np.arange(200) * 0.02
    flux = [list(1 + 1e-3 * np.sin(t + k)) for k in range(2)]
    pq.write_table(pa.table({"time": [list(t)] * 2, "flux": flux}), tmp_path / "s.parquet")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lcs = [lc for _, lc in iter_read(tmp_path / "s.parquet")]
    # reduced JD is read with a warning, as in text tables
    assert any("times of ~5e4" in str(w.message) for w in caught) == (start == 59000.0)
    assert [lc.time_format for lc in lcs] == [fmt, fmt]
    assert lcs[1].t[0] == pytest.approx(first)
    assert lcs[1].meta.extra["time_rule"]
