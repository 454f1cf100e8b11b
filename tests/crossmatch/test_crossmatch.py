"""Grouping light curves of one star by identifier, catalogue name and position (issue 7)."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest

from starskope.crossmatch import (
    StarPosition,
    group_lightcurves,
    parse_identifier,
    propagate,
    resolve_name,
)
from starskope.exceptions import StarskopeError
from starskope.lightcurve import LightCurveMeta

from .conftest import meta_from_fits, stub_lightcurve


@pytest.mark.parametrize(
    ("text", "mission", "expected"),
    [
        ("KIC 11442793", None, "KIC 11442793"),
        ("kic011442793", None, "KIC 11442793"),
        ("kplr011442793-2009350155506_llc", None, "KIC 11442793"),
        ("EPIC_201367065", None, "EPIC 201367065"),
        ("ktwo201367065-c01_llc", None, "EPIC 201367065"),
        ("TIC100100827", None, "TIC 100100827"),
        ("100100827", "TESS", "TIC 100100827"),
        ("6721123", "Kepler", "KIC 6721123"),
        ("211436265", "K2", "EPIC 211436265"),
        ("6721123", None, None),
        ("K2-3", None, None),
        ("", None, None),
    ],
)
def test_parse_identifier(text, mission, expected):
    assert parse_identifier(text, mission=mission) == expected


def test_resolve_names_through_catalogue():
    assert resolve_name("Kepler-90")[0] == ("KIC 11442793",)
    assert resolve_name("KOI-351")[0] == ("KIC 11442793",)
    assert resolve_name("koi 0351")[0] == ("KIC 11442793",)
    assert resolve_name("TOI-185")[0] == ("TIC 100100827",)
    ids, pos = resolve_name("K2-3")
    assert ids == () and pos is not None
    assert pos.ra == pytest.approx(172.3354, abs=1e-3)
    assert resolve_name("no such star") == ((), None)


def test_real_headers_group_by_star(header_lightcurves):
    groups = group_lightcurves(header_lightcurves)
    by_name = {g.name: g for g in groups}
    # three Kepler-90 quarters, three TOI-2048 sectors: one star each
    assert len(by_name["KIC 11442793"]) == 3
    assert len(by_name["TIC 159873822"]) == 3
    assert by_name["TIC 159873822"].missions == ("TESS",)
    # every other file is its own star
    assert sum(len(g) for g in groups) == len(header_lightcurves)
    assert len(groups) == len(header_lightcurves) - 4
    # bare OBJECT numbers (lightkurve re-exports) are read with the mission
    assert "KIC 6721123" in by_name
    assert "TIC 100100827" in by_name


def test_position_alone_links_quarters(shared_data):
    """Kepler-90 quarters with their identifiers hidden still group by RA_OBJ/DEC_OBJ."""
    files = sorted((shared_data / "lightcurves" / "kepler").glob("kplr011442793-*.fits.gz"))
    lcs = [stub_lightcurve(meta_from_fits(f).replace(target=None)) for f in files]
    groups = group_lightcurves(lcs, use_catalog=False)
    assert len(groups) == 1
    assert all("arcsec apart" in link for link in groups[0].links)
    assert group_lightcurves(lcs, use_ids=False, radius=0.001 * u.arcsec)[0].members == (0, 1, 2)


def test_cross_mission_with_catalogue_cross_identification(shared_data):
    """Kepler-18 (KIC 8644288) is TIC 273690178: a TESS file with only its TIC number joins
    the real Kepler quarters through the TOI table's position, moved from J2015.5 to J2000
    with the star's proper motion."""
    files = sorted((shared_data / "bulk" / "kepler").glob("kplr008644288-*.fits.gz"))[:3]
    if not files:
        pytest.skip("bulk Kepler-18 files absent")
    kepler = [stub_lightcurve(meta_from_fits(f)) for f in files]
    tess = stub_lightcurve(LightCurveMeta(mission="TESS", target="TIC 273690178"))
    other = stub_lightcurve(LightCurveMeta(mission="TESS", target="TIC 100100827"))
    groups = group_lightcurves([*kepler, tess, other])
    assert [g.members for g in groups] == [(0, 1, 2, 3), (4,)]
    g = groups[0]
    assert g.missions == ("Kepler", "TESS")
    assert g.identifiers == ("KIC 8644288", "TIC 273690178")
    assert any("3~" in link or "~3" in link for link in g.links)
    # without the catalogue the TESS file has no position and stays alone
    assert len(group_lightcurves([*kepler, tess], use_catalog=False)) == 2


def test_proper_motion_brings_epochs_together(shared_data):
    """GJ 357 moves 1"/yr: the TESS header position (J2000) and a Gaia-epoch position of the
    same star are 15" apart, and match only once proper motion is applied."""
    path = (
        shared_data
        / "lightcurves"
        / "tess"
        / ("tess2019032160000-s0008-0000000413248763-0136-s_lc.fits.gz")
    )
    meta = meta_from_fits(path)
    assert meta.pmdec == pytest.approx(-990.303)
    a = stub_lightcurve(meta)
    # the same star as another survey lists it: position at J2015.5, another name
    b = stub_lightcurve(
        LightCurveMeta(
            mission="Kepler",  # pretend another mission saw it
            target="GJ 357 (other survey)",
            ra=144.007464,
            dec=-21.665063,
            pmra=meta.pmra,
            pmdec=meta.pmdec,
            extra={"position_epoch": 2015.5},
        )
    )
    assert len(group_lightcurves([a, b], use_catalog=False)) == 1
    no_pm = b.meta.replace(pmra=None, pmdec=None)
    assert len(group_lightcurves([a, stub_lightcurve(no_pm)], use_catalog=False)) == 2
    moved = propagate(
        [StarPosition(meta.ra, meta.dec, 2000.0, meta.pmra, meta.pmdec)], epoch=2015.5
    )
    assert moved[0].dec.deg == pytest.approx(-21.665063, abs=0.2 / 3600)


def test_different_numbers_never_merge_by_position():
    m1 = LightCurveMeta(mission="TESS", target="TIC 1", ra=10.0, dec=10.0)
    m2 = LightCurveMeta(mission="TESS", target="TIC 2", ra=10.0, dec=10.0 + 0.5 / 3600)
    m3 = LightCurveMeta(mission="Kepler", target=None, ra=10.0, dec=10.0 + 0.2 / 3600)
    groups = group_lightcurves([stub_lightcurve(m) for m in (m1, m2, m3)], use_catalog=False)
    # the anonymous light curve joins its nearest neighbour (TIC 1, 0.2"); TIC 2 stays apart
    assert [g.members for g in groups] == [(0, 2), (1,)]


def test_radius_and_bad_input():
    m1 = LightCurveMeta(ra=50.0, dec=-30.0)
    m2 = LightCurveMeta(ra=50.0, dec=-30.0 + 3 / 3600)
    lcs = [stub_lightcurve(m1), stub_lightcurve(m2)]
    assert len(group_lightcurves(lcs)) == 2
    assert len(group_lightcurves(lcs, radius=4 * u.arcsec)) == 1
    assert len(group_lightcurves(lcs, radius=4.0)) == 1  # bare number: arcsec
    with pytest.raises(StarskopeError, match="angle"):
        group_lightcurves(lcs, radius=3 * u.s)
    with pytest.raises(StarskopeError, match="positive"):
        group_lightcurves(lcs, radius=0)
    assert group_lightcurves([]) == []
    # no identifier, no position: alone, named by order
    (g,) = group_lightcurves([stub_lightcurve(LightCurveMeta())])
    assert g.name == "lightcurve 0" and g.ra is None


def test_group_position_is_mean():
    m1 = LightCurveMeta(ra=359.99990, dec=0.0)
    m2 = LightCurveMeta(ra=0.00010, dec=0.0)
    (g,) = group_lightcurves([stub_lightcurve(m1), stub_lightcurve(m2)], use_catalog=False)
    assert min(g.ra, 360 - g.ra) < 1e-6  # wraps around 0 correctly
    assert np.isclose(g.dec, 0.0)


def test_files_read_by_io_group_by_star(shared_data, labels):
    """End to end with the project's readers: FITS and text files of one star come together."""
    from starskope.io import read

    wanted = [r["file"] for r in labels if r["catalog_id"] in ("KIC 11442793", "EPIC 201367065")]
    lcs = []
    for f in wanted:
        got = read(shared_data / f)
        lcs += got if isinstance(got, list) else [got]
    groups = group_lightcurves(lcs)
    names = sorted(g.name for g in groups)
    assert names == ["EPIC 201367065", "KIC 11442793"]
    assert sorted(len(g) for g in groups) == [3, 3]


def test_group_to_dict_is_json(header_lightcurves):
    import json

    g = next(g for g in group_lightcurves(header_lightcurves) if g.name == "TIC 159873822")
    d = json.loads(json.dumps(g.to_dict()))
    assert d["missions"] == ["TESS"] and d["segments"] == ["S16", "S23", "S24"]
    assert len(d["sources"]) == 3 and d["identifiers"] == ["TIC 159873822"]
