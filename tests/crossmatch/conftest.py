"""Helpers for the cross-matching tests: light-curve metadata straight from FITS headers.

The io readers fill ``LightCurveMeta`` from the same keywords; reading only the headers here
keeps these tests independent of them and fast.
"""

from __future__ import annotations

import csv
from pathlib import Path

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits

from starskope.lightcurve import LightCurve, LightCurveMeta

_SEGMENT_KEYS = (("QUARTER", "Q"), ("CAMPAIGN", "C"), ("SECTOR", "S"))


def _pm_mas_per_yr(header, key):
    """A proper-motion keyword in mas/yr, reading its unit from the header comment."""
    if key not in header or header[key] is None:
        return None
    value = float(header[key])
    comment = header.comments[key]
    unit = u.mas / u.yr
    if "[" in comment and "]" in comment:
        unit = u.Unit(comment[comment.index("[") + 1 : comment.index("]")])
    return float((value * unit).to_value(u.mas / u.yr))


def meta_from_fits(path) -> LightCurveMeta:
    """LightCurveMeta from a Kepler/K2/TESS light-curve file's primary header."""
    h = fits.getheader(path, 0)
    telescope = str(h.get("TELESCOP", "")).strip().upper()
    mission = h.get("MISSION") or ("TESS" if telescope == "TESS" else None)
    if mission is None and telescope == "KEPLER":
        mission = "K2" if h.get("CAMPAIGN") is not None else "Kepler"
    mission = {"KEPLER": "Kepler", "K2": "K2", "TESS": "TESS"}.get(str(mission).upper())
    segment = None
    for key, prefix in _SEGMENT_KEYS:
        if h.get(key) is not None:
            segment = f"{prefix}{h[key]}"
            break
    return LightCurveMeta(
        mission=mission,
        target=str(h.get("OBJECT")).strip() if h.get("OBJECT") is not None else None,
        ra=h.get("RA_OBJ"),
        dec=h.get("DEC_OBJ"),
        pmra=_pm_mas_per_yr(h, "PMRA"),
        pmdec=_pm_mas_per_yr(h, "PMDEC"),
        source=str(path),
        segment=segment,
    )


def stub_lightcurve(meta: LightCurveMeta) -> LightCurve:
    """A two-point light curve carrying ``meta`` (grouping only looks at the metadata)."""
    return LightCurve(np.array([0.0, 1.0]), np.ones(2), time_format="relative", meta=meta)


@pytest.fixture
def labels(shared_data) -> list[dict]:
    with open(shared_data / "labels.csv", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def header_lightcurves(shared_data, labels) -> list[LightCurve]:
    """One metadata-only light curve per FITS file listed in ../shared/data/labels.csv."""
    out = []
    for row in labels:
        p = Path(shared_data) / row["file"]
        if ".fits" in p.name:
            out.append(stub_lightcurve(meta_from_fits(p)))
    return out


FIXTURES = Path(__file__).resolve().parent / "fixtures"
