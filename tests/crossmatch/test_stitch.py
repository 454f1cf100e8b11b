"""Stitching segments of several missions and per-mission depth consistency (issue 7)."""

from __future__ import annotations

import dataclasses

import astropy.units as u
import numpy as np
import pytest
from astropy.timeseries import BoxLeastSquares

from starskope.exceptions import StarskopeError, StarskopeWarning
from starskope.lightcurve import LightCurve, LightCurveMeta
from starskope.stitch import bin_to, depth_consistency, stitch
from starskope.time import BKJD_OFFSET, BTJD_OFFSET

from .sim import segment, trapezoid

# A long-period planet seen once by K2 (campaign 5, 2015) and once in each of two TESS
# sectors (2018 and 2020): no single segment holds two transits.
PERIOD, T0, DURATION = 61.7, BKJD_OFFSET + 2343.0, 0.3


def _three_segments(rng, *, depth_k2=1200e-6, depth_tess=1200e-6):
    def sig(depth):
        return lambda tb: trapezoid(tb, period=PERIOD, t0=T0, duration=DURATION, depth=depth)

    k2 = segment(
        rng,
        mission="K2",
        start=2306.0,
        length=75.0,
        cadence_min=29.4,
        noise=300e-6,
        level=5e4,
        signal=sig(depth_k2),
        segment="C5",
    )
    s1 = segment(
        rng,
        mission="TESS",
        start=1325.3,
        length=27.0,
        cadence_min=2.0,
        noise=1200e-6,
        level=800.0,
        signal=sig(depth_tess),
        segment="S1",
    )
    s2 = segment(
        rng,
        mission="TESS",
        start=2010.3,
        length=27.0,
        cadence_min=2.0,
        noise=1200e-6,
        level=800.0,
        signal=sig(depth_tess),
        segment="S26",
    )
    return [k2, s1, s2]


def _n_transits(lc):
    b = lc.to_bjd().t
    return int(np.floor((b[-1] - T0) / PERIOD) - np.ceil((b[0] - T0) / PERIOD) + 1)


def test_stitch_times_normalisation_and_missions(rng):
    segs = _three_segments(rng)
    st = stitch(segs[::-1], cadence=30 * u.min)  # order of input does not matter
    lc = st.lightcurve
    assert lc.time_format == "jd"
    assert np.all(np.diff(lc.t) >= 0)
    assert st.missions == ("K2", "TESS")
    # all times are BJD_TDB: K2 from BKJD, TESS from BTJD
    k2 = st.of_mission("K2")
    assert k2.t.min() == pytest.approx(2306.0 + BKJD_OFFSET, abs=0.05)
    tess = st.of_mission("tess")
    assert tess.t.min() == pytest.approx(1325.3 + BTJD_OFFSET, abs=0.05)
    # each segment normalised on its own despite 5e4 vs 800 e-/s
    for k in range(3):
        assert np.median(lc.flux[st.segment == k]) == pytest.approx(1.0, abs=1e-3)
    # TESS 2-min binned to 30 min, K2 long cadence untouched
    info = {s.segment: s for s in st.segments}
    assert info["S1"].original_cadence_minutes == pytest.approx(2.0)
    assert info["S1"].cadence_minutes == pytest.approx(30.0, rel=0.01)
    assert info["C5"].cadence_minutes == pytest.approx(29.4, rel=0.01)
    assert st.baseline_days > 1800
    sub = st.select(st.mission == "K2")
    assert len(sub) == len(sub.mission) == len(sub.segment) == len(k2)
    assert lc.meta.mission == "K2+TESS" and lc.meta.flux_unit == "relative"


def test_long_period_planet_found_only_when_stitched(rng):
    """Neither segment alone has two transits; the stitched light curve pins the period."""
    segs = _three_segments(rng)
    assert [_n_transits(s) for s in segs] == [1, 1, 1]
    st = stitch(segs, cadence=30 * u.min)
    lc = st.lightcurve
    # BLS period grid fine enough that the phase drifts < duration/3 over the baseline
    step = DURATION / 3 / st.baseline_days
    periods = np.exp(np.arange(np.log(28.0), np.log(80.0), step))  # below P/2 to 1.3 P
    bls = BoxLeastSquares(lc.t, lc.flux, lc.flux_err)
    res = bls.power(periods, 0.25, objective="likelihood")
    best = res.period[np.argmax(res.power)]
    # the true period wins over P/2 (which the K2 window excludes) and over the other
    # aliases of the three single transits
    assert best == pytest.approx(PERIOD, rel=2e-4)


def test_depth_consistency_planet_vs_diluted_binary(rng):
    same = stitch(_three_segments(rng), cadence=30 * u.min)
    dc = depth_consistency(
        same.t,
        same.lightcurve.flux,
        same.lightcurve.flux_err,
        same.mission,
        period=PERIOD,
        t0=T0,
        duration=DURATION * u.day,
    )
    assert not dc.flag
    assert set(dc.depths) == {"K2", "TESS"}
    assert dc.depths["K2"].n_transits == 1 and dc.depths["TESS"].n_transits == 2
    for d in dc.depths.values():
        assert d.depth_ppm == pytest.approx(1200, abs=4 * d.depth_err_ppm)
    assert dc.to_vetflag().raised is False

    # an eclipsing binary diluted twice as much in the big TESS pixels
    blend = stitch(_three_segments(rng, depth_k2=3000e-6, depth_tess=1500e-6), cadence=30 * u.min)
    dc2 = depth_consistency(
        blend.t,
        blend.lightcurve.flux,
        blend.lightcurve.flux_err,
        blend.mission,
        period=PERIOD,
        t0=T0,
        duration=DURATION,
    )
    assert dc2.flag and dc2.sigma > 5
    assert dc2.depths["K2"].depth_ppm / dc2.depths["TESS"].depth_ppm == pytest.approx(2, rel=0.2)
    flag = dc2.to_vetflag()
    assert flag.name == "depth_consistency" and flag.raised
    assert "K2" in flag.reason and "TESS" in flag.reason


def test_depth_consistency_with_many_transits_and_no_errors(rng):
    """Short period, errors unknown: the errors come from the data themselves."""
    t = np.arange(0.0, 60.0, 0.02)
    mission = np.where(t < 30, "Kepler", "TESS")
    drop = trapezoid(t, period=3.0, t0=1.0, duration=0.15, depth=800e-6)
    for _ in range(3):
        f = 1 - drop + 300e-6 * rng.standard_normal(t.size)
        dc = depth_consistency(t, f, None, mission, period=3.0, t0=1.0, duration=0.15)
        assert not dc.flag, dc.reason
    f = 1 - np.where(mission == "TESS", 0.5, 1.0) * drop + 300e-6 * rng.standard_normal(t.size)
    assert depth_consistency(t, f, None, mission, period=3.0, t0=1.0, duration=0.15).flag


def test_depth_consistency_single_mission_and_errors():
    t = np.linspace(0, 10, 500)
    dc = depth_consistency(
        t, np.ones(500), None, np.full(500, "TESS"), period=2.0, t0=0.5, duration=0.1
    )
    assert not dc.flag and np.isnan(dc.sigma) and "not testable" in dc.reason
    assert dc.to_vetflag().value is None
    with pytest.raises(StarskopeError, match="same length"):
        depth_consistency(t, np.ones(5), None, np.full(500, "TESS"), period=2, t0=0, duration=0.1)
    with pytest.raises(StarskopeError, match="duration"):
        depth_consistency(t, np.ones(500), None, np.full(500, "TESS"), period=2, t0=0, duration=3)


def test_bin_to_conserves_flux_and_propagates_errors(rng):
    t = np.arange(0.0, 2.0, 2 / 1440)
    f = 1 + 1e-3 * rng.standard_normal(t.size)
    q = np.zeros(t.size, dtype=np.int32)
    q[5] = 4
    lc = LightCurve(t, f, np.full(t.size, 1e-3), q, time_format="btjd")
    b = bin_to(lc, 30 * u.min)
    assert len(b) == 96
    assert np.mean(b.flux) == pytest.approx(np.mean(f), abs=1e-9)
    assert np.allclose(b.flux_err, 1e-3 / np.sqrt(15))
    assert b.quality[0] == 4 and np.all(b.quality[1:] == 0)
    assert b.cadence == pytest.approx(30 / 1440, rel=1e-6)
    # without errors: standard error of the mean
    b2 = bin_to(lc.copy(flux_err=np.full(t.size, np.nan)), 1 * u.hour)
    assert np.median(b2.flux_err) == pytest.approx(1e-3 / np.sqrt(30), rel=0.3)
    with pytest.raises(StarskopeError, match="positive"):
        bin_to(lc, 0 * u.min)
    with pytest.raises(u.UnitsError):
        bin_to(lc, 3 * u.m)


def test_stitch_quality_and_bad_input():
    meta = LightCurveMeta(mission="TESS", source="s.fits")
    q = np.zeros(100, dtype=np.int32)
    q[:10] = 32  # desaturation event: in the default bitmask
    q[10:20] = 64  # cosmic ray in aperture: kept by default
    lc = LightCurve(1500 + np.arange(100) / 720, np.full(100, 10.0), None, q, meta=meta)
    st = stitch([lc])
    assert len(st) == 90 and st.segments[0].n_dropped_quality == 10
    assert len(stitch([lc], quality_bitmask="none")) == 100
    assert len(stitch([lc], quality_bitmask="hard")) == 80
    rel = LightCurve(
        np.arange(10.0), np.ones(10), time_format="relative", meta=LightCurveMeta(source="x.csv")
    )
    with pytest.raises(StarskopeError, match=r"x\.csv.*relative"):
        stitch([rel])
    with pytest.raises(StarskopeError, match="at least one"):
        stitch([])
    bad = LightCurve(1500 + np.arange(5.0), np.full(5, np.nan), meta=meta)
    with pytest.warns(StarskopeWarning, match="no valid cadence"):
        assert len(stitch([bad, lc])) == 90
    with pytest.warns(StarskopeWarning), pytest.raises(StarskopeError, match="no valid"):
        stitch([bad])


def test_stitch_detrend_hook(rng):
    segs = _three_segments(rng)
    seen = []

    def detrend(lc):
        seen.append(len(lc))
        return lc.copy(flux=lc.flux - np.median(lc.flux) + 1.0)

    st = stitch(segs, cadence=30 * u.min, detrend=detrend)
    assert len(seen) == 3 and sum(seen) == len(st)
    with pytest.raises(StarskopeError, match="detrend"):
        stitch(segs[:1], detrend=lambda lc: lc.flux)


def test_depth_consistency_to_dict_is_json(rng):
    import json

    st = stitch(_three_segments(rng), cadence=30 * u.min)
    dc = depth_consistency(
        st.t, st.lightcurve.flux, st.lightcurve.flux_err, st.mission,
        period=PERIOD, t0=T0, duration=DURATION,
    )  # fmt: skip
    d = json.loads(json.dumps(dc.to_dict()))
    assert set(d["depths"]) == {"K2", "TESS"}
    assert d["depths"]["TESS"]["n_transits"] == 2 and d["flag"] is False


def test_candidate_depths(rng):
    from starskope.result import Candidate

    st = stitch(_three_segments(rng, depth_k2=3000e-6, depth_tess=1500e-6), cadence=30 * u.min)
    cand = Candidate(
        period_days=PERIOD, t0=T0, t0_format="jd", t0_bjd=None, duration_hours=DURATION * 24,
        depth_ppm=2000.0, depth_ppm_err=100.0, snr=20.0, sde=15.0, power=1.0, n_transits=3,
    )  # fmt: skip
    from starskope.stitch import candidate_depths

    assert candidate_depths(st, cand).flag
    with pytest.raises(StarskopeError, match="BJD"):
        candidate_depths(st, dataclasses.replace(cand, t0_format="btjd"))


def test_real_tess_sectors_stitched(shared_data):
    """TOI-2048 (three real TESS sectors, a year apart): stitched on BJD, the known planet's
    transits have the same depth in every sector, and the archive depth within errors."""
    from starskope.catalogs import known_objects
    from starskope.clean.detrend import flatten
    from starskope.io import read

    files = sorted((shared_data / "lightcurves" / "tess").glob("*0000000159873822*"))
    assert len(files) == 3
    lcs = [read(f) for f in files]
    st = stitch(
        lcs,
        cadence=30 * u.min,
        detrend=lambda lc: flatten(lc, method="spline", window=1.0).lightcurve,
    )
    assert [s.segment for s in st.segments] == ["S16", "S23", "S24"]
    first = lcs[0].to_bjd().t
    assert st.t[0] == pytest.approx(first[np.isfinite(lcs[0].flux)][0], abs=0.021)
    row = known_objects().query("planet_name == 'TOI-2048.01'").iloc[0]
    sector = np.array([st.segments[k].segment for k in st.segment])
    dc = depth_consistency(
        st.t, st.lightcurve.flux, st.lightcurve.flux_err, sector,
        period=row.period, t0=row.epoch_bjd, duration=row.duration_hours * u.hour,
    )  # fmt: skip
    assert not dc.flag, dc.reason
    assert all(d.n_transits >= 1 and d.depth_ppm > 2 * d.depth_err_ppm for d in dc.depths.values())
    combined = dc.weighted_depth_ppm
    err = 1 / np.sqrt(sum(d.depth_err_ppm**-2 for d in dc.depths.values()))
    assert abs(combined - row.depth_ppm) < 3 * err


def test_stitch_refuses_non_lightcurves_and_warns_across_the_sky():
    def lc(ra, dec, fmt="bkjd", t0=100.0):
        t = np.arange(t0, t0 + 2, 0.02)
        meta = LightCurveMeta(mission="Kepler" if fmt == "bkjd" else "TESS", ra=ra, dec=dec)
        return LightCurve(t, np.full(t.size, 10.0), time_format=fmt, meta=meta)

    with pytest.raises(StarskopeError, match="takes a list of LightCurve"):
        stitch(lc(10.0, 20.0))
    with pytest.raises(StarskopeError, match="got str"):
        stitch(["kplr.fits"])
    stitch([lc(10.0, 20.0), lc(10.0 + 1e-4, 20.0, "btjd", 1500.0)])  # 0.3 arcsec: one star
    with pytest.warns(StarskopeWarning, match=r"3600 arcsec apart on the sky"):
        stitch([lc(10.0, 20.0), lc(10.0, 21.0, "btjd", 1500.0)])


def test_two_reductions_of_one_campaign_are_not_stitched_together(rng):
    """K2SFF and EVEREST of one campaign (the same cadences, other normalisations): stitched,
    every transit would appear twice. The one with more cadences is kept, with a warning;
    observations of two missions at the same time are both kept."""
    t = 2000.0 + np.arange(0, 60, 0.0204)

    def k2(source, level, keep=slice(None)):
        f = level * (1 + 1e-4 * rng.normal(size=t.size))
        return LightCurve(t[keep], f[keep], time_format="bkjd",
                          meta=LightCurveMeta(mission="K2", source=source, segment="C1"))  # fmt: skip

    sff, everest = k2("k2sff.fits", 1.0, slice(0, -300)), k2("everest.fits", 5000.0)
    with pytest.warns(StarskopeWarning, match="same observations reduced twice"):
        st = stitch([sff, everest])
    assert len(st.lightcurve) == len(everest) and [s.source for s in st.segments] == [
        "everest.fits"
    ]
    tess = LightCurve(t + BKJD_OFFSET - BTJD_OFFSET, np.ones(t.size), time_format="btjd",
                      meta=LightCurveMeta(mission="TESS", source="tess.fits"))  # fmt: skip
    both = stitch([everest, tess])  # simultaneous, two telescopes: both kept
    assert len(both.lightcurve) == 2 * t.size


def test_a_short_cadence_month_is_its_quarters_duplicate_and_ground_data_kept(rng):
    """Duplicates share most of the shorter span: a 30-day short-cadence month inside its
    90-day long-cadence quarter is the same pixels (stitched beside it, its transits counted
    twice: SNR 63 -> 78); the quarter, the longer, is kept. Two telescopes without a mission
    observing the same nights are not duplicates."""
    q = 300.0 + np.arange(0, 90, 0.0204)
    m = 330.0 + np.arange(0, 30, 1 / 1440)
    lc_q = _flat(q, "bkjd", mission="Kepler", source="llc")
    lc_m = _flat(m, "bkjd", mission="Kepler", source="slc")
    with pytest.warns(StarskopeWarning, match="slc covers the same Kepler times as llc"):
        st = stitch([lc_q, lc_m])
    assert [s.source for s in st.segments] == ["llc"]
    nights = 2459000.0 + np.arange(0, 10, 0.01)
    a = _flat(nights, "jd", source="A")
    b = _flat(nights, "jd", source="B")
    assert len(stitch([a, b]).segments) == 2


def test_of_one_sectors_products_the_finer_cadence_is_kept():
    """A sector's 2-min light curve and its 30-min product that starts one cadence earlier:
    the longer span kept the 30-min one. Spans within 1.2x keep the finer cadence."""
    two = 1500.0 + np.arange(0.02, 27, 2 / 1440)
    thirty = 1500.0 - 30 / 1440 + np.arange(0.0, 27.03, 30 / 1440)
    fine = _flat(two, "btjd", mission="TESS", source="spoc")
    coarse = _flat(thirty, "btjd", mission="TESS", source="qlp")
    with pytest.warns(StarskopeWarning, match="qlp covers the same TESS times as spoc"):
        st = stitch([coarse, fine])
    assert [s.source for s in st.segments] == ["spoc"]


def _flat(t, time_format, **meta):
    """A light curve of constant flux at times ``t``, with metadata ``meta``."""
    return LightCurve(t, np.ones(t.size), time_format=time_format, meta=LightCurveMeta(**meta))


@pytest.mark.parametrize("cadence", [-30 * u.min, 0 * u.min, np.nan * u.min])
def test_a_cadence_to_bin_to_must_be_positive(cadence):
    """A negative, zero or NaN cadence was taken in silence and nothing binned."""
    rng = np.random.default_rng(0)
    lc = segment(rng, mission="TESS", start=1500.0, length=5.0, cadence_min=2.0, noise=1e-3,
                 level=1e4)  # fmt: skip
    with pytest.raises(StarskopeError, match="cadence must be a positive time"):
        stitch([lc], cadence=cadence)
