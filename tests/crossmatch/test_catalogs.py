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
