"""Archive access with recorded MAST responses; never touches the network (issue 7)."""

from __future__ import annotations

import os
import socket

import pytest
from astropy.table import Table

from starskope.exceptions import StarskopeError, StarskopeWarning
from starskope.fetch import AstroqueryBackend, default_cache_dir, fetch

from .conftest import FIXTURES

RECORDED = {
    ("Kepler", "kplr011442793"): "mast_kepler90",
    ("TESS", "100100827"): "mast_wasp18",
}


class RecordedObservations:
    """Stands in for ``astroquery.mast.Observations``: answers from the recorded ECSV files."""

    def __init__(self):
        self.calls = []

    def query_criteria(self, **criteria):
        self.calls.append(("query_criteria", criteria))
        key = (criteria.get("obs_collection"), criteria.get("target_name"))
        if key not in RECORDED:
            return Table(
                names=["obs_collection", "dataproduct_type", "obsid"], dtype=[str, str, str]
            )
        return Table.read(FIXTURES / f"{RECORDED[key]}_observations.ecsv")

    def get_product_list(self, observations):
        self.calls.append(("get_product_list", list(observations["obsid"])))
        name = {"3000001": "mast_kepler90", "3000002": "mast_kepler90", "27000001": "mast_wasp18"}
        stem = name[str(observations["obsid"][0])]
        products = Table.read(FIXTURES / f"{stem}_products.ecsv")
        keep = [str(o) in {str(x) for x in observations["obsid"]} for o in products["obsID"]]
        return products[keep]

    def download_file(self, uri, *, local_path=None, cache=True, verbose=True):
        self.calls.append(("download_file", uri))
        products = [Table.read(p) for p in FIXTURES.glob("*_products.ecsv")]
        size = next(
            int(t["size"][i]) for t in products for i in range(len(t)) if t["dataURI"][i] == uri
        )
        with open(local_path, "wb") as fh:  # as many bytes as MAST reports
            fh.truncate(size)
        return "COMPLETE", None, uri


class Offline(RecordedObservations):
    def query_criteria(self, **criteria):
        raise socket.gaierror(-3, "Temporary failure in name resolution\n(second line)")


@pytest.fixture
def mast(monkeypatch):
    """Patch astroquery's Observations with the recorded answers."""
    import astroquery.mast

    rec = RecordedObservations()
    for name in ("query_criteria", "get_product_list", "download_file"):
        monkeypatch.setattr(astroquery.mast.Observations, name, getattr(rec, name))
    return rec


def test_fetch_kepler_long_cadence_and_cache(mast, tmp_path):
    paths = fetch("KIC 11442793", cache_dir=tmp_path)
    assert [p.name for p in paths] == [
        "kplr011442793-2009350155506_llc.fits",
        "kplr011442793-2010009091648_llc.fits",
        "kplr011442793-2010174085026_llc.fits",
    ]  # LLC only: no target pixels, short cadence or reports
    assert all(
        p.is_file() and p.parent == tmp_path / "mast" / "kepler" / "KIC_11442793" for p in paths
    )
    query = mast.calls[0][1]
    assert query == {
        "target_name": "kplr011442793",
        "obs_collection": "Kepler",
        "dataproduct_type": "timeseries",
    }
    n_calls = len(mast.calls)
    # second call: from the cache, no network at all
    assert fetch("Kepler-90", mission="kepler", cache_dir=tmp_path) == paths
    assert len(mast.calls) == n_calls
    # refresh queries again but does not download files already there
    fetch("KIC 11442793", cache_dir=tmp_path, refresh=True)
    new = mast.calls[n_calls:]
    assert [c[0] for c in new] == ["query_criteria", "get_product_list"]


def test_fetch_short_cadence_limit_and_tess(mast, tmp_path):
    short = fetch("KIC 11442793", cache_dir=tmp_path, cadence="short")
    assert [p.name for p in short] == ["kplr011442793-2010009094841_slc.fits"]
    one = fetch("KIC 11442793", cache_dir=tmp_path / "b", limit=1)
    assert [p.name for p in one] == ["kplr011442793-2009350155506_llc.fits"]
    tess = fetch("TOI-185", cache_dir=tmp_path)  # name -> TIC 100100827 offline -> TESS
    assert [p.name for p in tess] == ["tess2018234235059-s0002-0000000100100827-0121-s_lc.fits"]


def test_cached_files_used_when_offline(mast, tmp_path, monkeypatch):
    paths = fetch("TIC 100100827", cache_dir=tmp_path)
    import astroquery.mast

    off = Offline()
    monkeypatch.setattr(astroquery.mast.Observations, "query_criteria", off.query_criteria)
    assert fetch("TIC 100100827", cache_dir=tmp_path) == paths
    # a damaged cache falls back to the network, which is down: one clear line
    paths[0].unlink()
    with pytest.raises(StarskopeError) as err:
        fetch("TIC 100100827", cache_dir=tmp_path)
    msg = str(err.value)
    assert msg.startswith("cannot reach MAST (offline?): gaierror")
    assert "\n" not in msg


def test_offline_error_is_one_line(monkeypatch, tmp_path):
    import astroquery.mast

    off = Offline()
    monkeypatch.setattr(astroquery.mast.Observations, "query_criteria", off.query_criteria)
    with pytest.raises(StarskopeError, match=r"^cannot reach MAST \(offline\?\)") as err:
        fetch("KIC 11442793", cache_dir=tmp_path)
    assert "\n" not in str(err.value)


def test_requests_connection_error_is_offline(tmp_path):
    import requests

    class Down:
        def query_observations(self, **kw):
            raise requests.exceptions.ConnectionError("Max retries exceeded with url: /api")

    with pytest.raises(StarskopeError, match="offline"):
        fetch("TIC 100100827", cache_dir=tmp_path, backend=Down())


def test_not_found_and_bad_arguments(mast, tmp_path):
    with pytest.raises(StarskopeError, match="no K2 light curves"):
        fetch("EPIC 201367065", cache_dir=tmp_path)
    with pytest.raises(StarskopeError, match="unknown mission"):
        fetch("KIC 11442793", mission="hubble", cache_dir=tmp_path)
    with pytest.raises(StarskopeError, match="cadence"):
        fetch("KIC 11442793", cadence="fast", cache_dir=tmp_path)
    with pytest.raises(StarskopeError, match="target"):
        fetch("  ", cache_dir=tmp_path)


def test_cli_fetch(mast, tmp_path, capsys):
    import starskope.cli.fetch  # noqa: F401  (registers the command until cli/__init__ lists it)
    from starskope.cli import main

    assert main(["fetch", "KIC 11442793", "--cache", str(tmp_path), "--limit", "2"]) == 0
    out = capsys.readouterr().out.split()
    assert len(out) == 2 and out[0].endswith("_llc.fits")
    assert main(["fetch", "KIC 11442793", "--mission", "hubble", "--cache", str(tmp_path)]) == 2
    assert "unknown mission" in capsys.readouterr().err


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("STARSKOPE_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("STARSKOPE_CACHE")
    monkeypatch.delenv("STARSKOPE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "starskope"
    assert isinstance(AstroqueryBackend(), AstroqueryBackend)


@pytest.mark.remote_data
@pytest.mark.skipif(
    not os.environ.get("STARSKOPE_REMOTE_DATA"), reason="network test: set STARSKOPE_REMOTE_DATA=1"
)
def test_real_mast_query(tmp_path):  # pragma: no cover - network
    paths = fetch("TIC 100100827", cache_dir=tmp_path, limit=1)
    assert paths and paths[0].stat().st_size > 100_000


def test_cache_with_a_smaller_limit_is_not_enough(mast, tmp_path):
    assert len(fetch("KIC 11442793", cache_dir=tmp_path, limit=1)) == 1
    n = len(mast.calls)
    assert len(fetch("KIC 11442793", cache_dir=tmp_path, limit=1)) == 1
    assert len(mast.calls) == n  # same request: cache
    assert len(fetch("KIC 11442793", cache_dir=tmp_path)) == 3  # more wanted: ask again
    assert len(mast.calls) > n
    n = len(mast.calls)
    assert len(fetch("KIC 11442793", cache_dir=tmp_path, limit=2)) == 2  # subset of cache
    assert len(mast.calls) == n


class _OneMissionOnly:
    """A MAST backend that finds a name-only target in Kepler alone (none in K2 or TESS)."""

    def query_observations(self, *, obs_collection, target_name, objectname):
        if obs_collection != "Kepler":
            return Table(names=["obs_collection", "dataproduct_type"], dtype=[str, str])
        return Table({"obs_collection": ["Kepler"], "dataproduct_type": ["timeseries"]})

    def product_list(self, obs):
        return Table(
            {
                "productSubGroupDescription": ["LLC"],
                "productType": ["SCIENCE"],
                "productFilename": ["kplr011442793-2009350155506_llc.fits"],
                "dataURI": ["mast:x"],
                "size": [0],
            }
        )

    def download(self, uri, path):
        with open(path, "wb") as fh:
            fh.write(b"SIMPLE" * 100)


class _OneMissionOffline(_OneMissionOnly):
    def query_observations(self, **kw):
        raise ConnectionError("no network")


def test_a_name_found_in_one_mission_is_answered_offline_from_the_cache(tmp_path):
    """MAST's 'nothing in K2 or TESS' is cached too, so offline the Kepler files still answer;
    a mission that cannot be reached does not discard another's cached files."""
    name = "Some Star Only MAST Knows"
    online = fetch(name, cache_dir=tmp_path, backend=_OneMissionOnly())
    assert [p.name for p in online] == ["kplr011442793-2009350155506_llc.fits"]
    assert fetch(name, cache_dir=tmp_path, backend=_OneMissionOffline()) == online
    # without the cached 'no products' answers: the Kepler files and a warning
    for mission in ("k2", "tess"):
        for m in (tmp_path / "mast" / mission).rglob("manifest-*.json"):
            m.unlink()
    with pytest.warns(StarskopeWarning, match="2 of 3 missions not queried"):
        assert fetch(name, cache_dir=tmp_path, backend=_OneMissionOffline()) == online
    # nothing cached at all: the one-line offline error
    with pytest.raises(StarskopeError, match="cannot reach MAST"):
        fetch(name, cache_dir=tmp_path / "empty", backend=_OneMissionOffline())
