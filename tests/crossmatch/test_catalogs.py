"""Readers of the NASA Exoplanet Archive tables and the packaged known-object table (issue 7)."""

from __future__ import annotations

import gzip
from importlib import resources

import numpy as np
import pytest

from starskope import catalogs
from starskope.catalogs import (
    COLUMNS,
    find_catalog_dir,
    known_objects,
    load_catalogs,
    read_kepler_eb,
    read_koi,
)
from starskope.exceptions import StarskopeError


@pytest.fixture
def catalog_dir(shared_data):
    d = shared_data / "catalogs"
    if not d.is_dir():
        pytest.skip("no catalogs folder in ../shared/data")
    return d


def test_raw_tables_normalised(catalog_dir):
    df = load_catalogs(catalog_dir)
    assert tuple(df.columns) == COLUMNS
    assert set(df["catalog"]) == {"koi", "k2", "toi", "kepler_eb"}
    assert set(df["disposition"]) <= set(catalogs.DISPOSITIONS)
    # every object has a period, ids are canonical
    assert df["period"].notna().mean() > 0.99
    ids = df.loc[df["host_id"] != "", "host_id"]
    assert ids.str.fullmatch(r"(KIC|EPIC|TIC) \d+").all()
    koi = df[df["catalog"] == "koi"]
    # BKJD epochs became BJD
    assert koi["epoch_bjd"].between(2454833, 2458000).all()


def test_koi_rows_of_real_hosts(catalog_dir):
    df = load_catalogs(catalog_dir, names=["koi"])
    k90 = df[df["host_id"] == "KIC 11442793"].set_index("planet_name")
    assert len(k90) == 7
    assert k90.loc["Kepler-90 b", "period"] == pytest.approx(7.0082, abs=1e-3)
    assert k90.loc["Kepler-90 b", "host_name"] == "Kepler-90"
    assert "KOI-351" in k90.loc["Kepler-90 b", "aliases"].split(";")
    fp = df[df["planet_name"] == "K00114.01"].iloc[0]
    assert fp["disposition"] == "FALSE POSITIVE"
    assert fp["host_id"] == "KIC 6721123"


def test_toi_and_k2_rows(catalog_dir):
    df = load_catalogs(catalog_dir, names=["toi", "k2"])
    w18 = df[df["host_id"] == "TIC 100100827"].iloc[0]
    assert w18["planet_name"] == "TOI-185.01"
    assert w18["disposition"] == "KNOWN PLANET"  # TFOPWG "KP"
    assert w18["period"] == pytest.approx(0.9415, abs=1e-3)
    assert np.isfinite(w18["pmra"]) and w18["pos_epoch"] == 2015.5
    k23 = df[df["host_name"] == "K2-3"]
    # one row per planet although the archive has many parameter sets
    assert sorted(k23["planet_name"]) == ["K2-3 b", "K2-3 c", "K2-3 d"]
    b = k23[k23["planet_name"] == "K2-3 b"].iloc[0]
    assert b["period"] == pytest.approx(10.0545, abs=1e-3)
    assert 500 < b["depth_ppm"] < 3000  # (Rp/R*)^2 estimate


def test_kepler_eb_quirks(catalog_dir, tmp_path):
    path = next(catalog_dir.glob("kepler_eb_catalog*.csv*"))
    df = read_kepler_eb(path)
    assert len(df) > 1000
    assert (df["disposition"] == "ECLIPSING BINARY").all()
    first = df.iloc[0]
    assert first["host_id"] == "KIC 9472174"
    assert first["period"] == pytest.approx(0.1257653)
    assert first["depth_ppm"] == pytest.approx(0.0462e6)
    # a hand-made file with the same quirks: '##' comments, '#' header, trailing commas
    p = tmp_path / "eb.csv.gz"
    with gzip.open(p, "wt") as fh:
        fh.write("## Kepler EB\n##\n#KIC,period,period_err,pdepth,sdepth,morph,Teff,SC,\n")
        fh.write("123,1.5,0.0001,0.2,-1.0,0.5,5000,False,\n")
    one = read_kepler_eb(p).iloc[0]
    assert (one["host_id"], one["period"], one["depth_ppm"]) == ("KIC 123", 1.5, 2e5)
    assert np.isnan(one["epoch_bjd"]) and np.isnan(one["ra"])
    # the full catalogue's columns: bjd0 (BJD - 2400000) and a position
    with gzip.open(p, "wt") as fh:
        fh.write("#KIC,period,period_err,bjd0,bjd0_err,pdepth,ra,dec,\n")
        fh.write("123,1.5,0.0001,54964.5,0.001,0.2,290.1,44.5,\n")
    one = read_kepler_eb(p).iloc[0]
    assert one["epoch_bjd"] == pytest.approx(2454964.5, rel=0, abs=1e-5)
    assert (one["ra"], one["dec"]) == (290.1, 44.5)


def test_packaged_table_matches_raw(catalog_dir):
    ref = resources.files("starskope") / "data" / "catalogs" / catalogs.PACKAGED_TABLE
    assert ref.is_file()
    assert len(ref.read_bytes()) < 2 * 1024 * 1024
    packed = known_objects()
    raw = load_catalogs(catalog_dir)
    assert tuple(packed.columns) == COLUMNS
    assert len(packed) == len(raw)
    a = packed.set_index(["catalog", "planet_name"]).sort_index()
    b = raw.set_index(["catalog", "planet_name"]).sort_index()
    np.testing.assert_allclose(a["period"], b["period"], rtol=1e-9)
    assert (a["disposition"] == b["disposition"]).all()
    assert known_objects() is packed  # cached


def test_catalog_dir_errors(tmp_path, monkeypatch):
    with pytest.raises(StarskopeError, match="does not exist"):
        find_catalog_dir(tmp_path / "nope")
    monkeypatch.setenv("STARSKOPE_CATALOGS", str(tmp_path / "missing"))
    with pytest.raises(StarskopeError, match="STARSKOPE_CATALOGS"):
        find_catalog_dir()
    with pytest.raises(StarskopeError, match="no known catalogue table"):
        load_catalogs(tmp_path)
    bad = tmp_path / "nasa_exoplanet_archive_koi_cumulative_x.csv"
    bad.write_text("# comment\na,b\n1,2\n")
    with pytest.raises(StarskopeError, match="missing columns"):
        read_koi(bad)


def test_units_follow_the_column_documentation(tmp_path):
    """Other archive exports: BJD epochs instead of BKJD, depths in %, TIC ids, proper motion."""
    from starskope.catalogs import read_k2, read_toi

    koi = tmp_path / "koi.csv"
    koi.write_text(
        "# COLUMN kepid:          KepID\n"
        "# COLUMN koi_time0:      Transit Epoch [BJD]\n"
        "# COLUMN koi_depth:      Transit Depth [ppm]\n"
        "kepid,kepoi_name,kepler_name,koi_disposition,koi_period,koi_time0,koi_depth\n"
        "11442793,K00351.06,Kepler-90 b,CONFIRMED,7.008151,2454973.1,80.0\n"
    )
    row = read_koi(koi).iloc[0]
    assert row["epoch_bjd"] == pytest.approx(2454973.1, rel=0, abs=1e-5)
    assert row["depth_ppm"] == 80.0
    ps = tmp_path / "ps.csv"
    ps.write_text(
        "# COLUMN pl_tranmid:     Transit Midpoint [days]\n"
        "# COLUMN pl_trandep:     Transit Depth [%]\n"
        "# COLUMN sy_pmra:        Proper Motion (RA) [mas/yr]\n"
        "pl_name,hostname,default_flag,pl_orbper,pl_tranmid,pl_trandep,tic_id,"
        "ra,dec,sy_pmra,sy_pmdec,soltype\n"
        "K2-3 b,K2-3,1,10.0546,2456813.4,0.12,TIC 173103335,172.335,-1.455,-89.0,-74.5,"
        "Published Confirmed\n"
    )
    row = read_k2(ps).iloc[0]
    assert row["host_id"] == "TIC 173103335"
    assert row["depth_ppm"] == pytest.approx(1200.0)
    assert row["epoch_bjd"] == pytest.approx(2456813.4, rel=0, abs=1e-5)
    assert row["pmra"] == -89.0 and row["disposition"] == "CONFIRMED"
    toi = tmp_path / "toi.csv"
    toi.write_text(
        "# COLUMN pl_tranmid:     Planet Transit Midpoint Value [BTJD]\n"
        "# COLUMN pl_trandep:     Planet Transit Depth Value [mmag]\n"
        "toi,tid,tfopwg_disp,pl_orbper,pl_tranmid,pl_trandep\n"
        "185.01,100100827,KP,0.9414,1354.46,10.0\n"
    )
    with pytest.raises(StarskopeError, match="unknown unit 'mmag'"):
        read_toi(toi)
    toi.write_text(toi.read_text().replace("[mmag]", "[ppm]"))
    row = read_toi(toi).iloc[0]
    assert row["epoch_bjd"] == pytest.approx(2458354.46, rel=0, abs=1e-5)
