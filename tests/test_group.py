"""One star, several missions: grouped, stitched analysis (issue 7)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from starskope import LightCurve, LightCurveMeta
from starskope.cli import main
from starskope.config import PipelineConfig
from starskope.pipeline import analyse_group
from starskope.time import BKJD_OFFSET, BTJD_OFFSET

PERIOD = 4.3
T0_BJD = 2457000.0 + 0.71


def _segment(rng, *, mission, fmt, start_bjd, days, depth, cadence_min=30.0):
    offset = {"bkjd": BKJD_OFFSET, "btjd": BTJD_OFFSET}[fmt]
    t_bjd = start_bjd + np.arange(0.0, days, cadence_min / 1440.0)
    phase = ((t_bjd - T0_BJD) / PERIOD + 0.5) % 1.0 - 0.5
    flux = 1000.0 * (1.0 - depth * (np.abs(phase * PERIOD) < 0.05)) + rng.normal(0, 0.3, t_bjd.size)
    meta = LightCurveMeta(
        mission=mission,
        target="TIC 999" if mission == "TESS" else "EPIC 999",
        ra=150.0,
        dec=-20.0,
        source=f"{mission}.fits",
        segment=mission,
        flux_unit="electron / s",
    )
    return LightCurve(t_bjd - offset, flux, np.full(t_bjd.size, 0.3), time_format=fmt, meta=meta)


def _pair(rng, depth_k2, depth_tess):
    k2 = _segment(rng, mission="K2", fmt="bkjd", start_bjd=2457000.0, days=40.0, depth=depth_k2)
    tess = _segment(
        rng, mission="TESS", fmt="btjd", start_bjd=2457150.0, days=27.0, depth=depth_tess
    )
    return [k2, tess]


CONFIG = PipelineConfig(max_planets=1, annotate_known=False, oversample=1)


def test_group_finds_planet_with_consistent_depths(rng):
    full = analyse_group(_pair(rng, 2e-3, 2e-3), CONFIG, name="EPIC 999")
    r = full.result
    assert r.group["missions"] == ["K2", "TESS"]
    assert len(r.group["members"]) == 2
    top = r.candidates[0]
    assert top.period_days == pytest.approx(PERIOD, rel=1e-3)
    assert top.t0_bjd is not None
    assert "per_mission_depths" in top.extra
    assert "depth_consistency" not in top.flags
    assert r.is_candidate


def test_a_second_reduction_left_out_of_the_stitch_is_not_a_member(rng):
    """Two reductions of the same K2 campaign: one is stitched, the other left out with a
    warning; the group's members list the one used and ``left_out`` the other (both were
    listed as members, with two segments)."""
    from starskope.exceptions import StarskopeWarning

    k2, tess = _pair(rng, 2e-3, 2e-3)
    again = k2.copy(meta=k2.meta.replace(source="K2_everest.fits"))
    again = again.select(np.arange(len(again)) < len(again) - 5)  # shorter: left out
    with pytest.warns(StarskopeWarning, match="same observations reduced twice"):
        r = analyse_group([k2, again, tess], CONFIG).result
    assert r.group["members"] == ["K2.fits", "TESS.fits"]
    assert r.group["left_out"] == ["K2_everest.fits"]
    assert r.group["segments"] == ["K2", "TESS"]


def test_group_flags_diluted_binary_by_depth(rng):
    full = analyse_group(_pair(rng, 4e-3, 1.5e-3), CONFIG)
    top = full.result.candidates[0]
    assert top.period_days == pytest.approx(PERIOD, rel=1e-3)
    assert "depth_consistency" in top.flags
    assert not full.result.is_candidate


def test_cli_group_auto_one_line_per_star(tmp_path, rng, capsys):
    from astropy.io import fits

    paths = []
    for lc in _pair(rng, 2e-3, 2e-3):
        fmt = lc.time_format
        cols = fits.ColDefs(
            [
                fits.Column(name="TIME", format="D", array=lc.t, unit=fmt),
                fits.Column(name="FLUX", format="D", array=lc.flux),
                fits.Column(name="FLUX_ERR", format="D", array=lc.flux_err),
                fits.Column(name="QUALITY", format="J", array=lc.quality),
            ]
        )
        hdr = fits.Header(
            {
                "TELESCOP": lc.meta.mission,
                "MISSION": lc.meta.mission,
                "OBJECT": lc.meta.target,
                "RA_OBJ": 150.0,
                "DEC_OBJ": -20.0,
            }
        )
        p = tmp_path / f"{lc.meta.mission}.fits"
        fits.HDUList([fits.PrimaryHDU(header=hdr), fits.BinTableHDU.from_columns(cols)]).writeto(p)
        paths.append(str(p))
    rc = main(["search", "--group", "auto", "--json", "--max-planets", "1", *paths])
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert rc == 0
    assert len(lines) == 1
    assert sorted(lines[0]["group"]["missions"]) == ["K2", "TESS"]
    assert abs(lines[0]["candidates"][0]["period_days"] - PERIOD) < 0.01
    assert lines[0]["path"] == lines[0]["group"]["name"]  # several files: named by the star
    # a file given twice is read once and said so (it was "the same observations reduced
    # twice", both member and left out of the group)
    rc = main(["search", "--group", "auto", "--json", "--max-planets", "1", *paths, paths[0]])
    out = capsys.readouterr()
    again = [json.loads(x) for x in out.out.splitlines() if x.startswith("{")]
    assert rc == 0 and "given twice: read once" in out.err and "reduced twice" not in out.err
    assert again[0]["group"]["members"] == lines[0]["group"]["members"]
    assert not again[0]["group"].get("left_out")


def test_cli_group_auto_names_a_one_file_star_by_its_file(tmp_path, rng, capsys):
    """A table's rows (or a lone file) grouped alone keep their own names, file#row=N."""
    from starskope.io.kaggle import write_kaggle

    flux = 1000 + rng.normal(0, 1, size=(2, 3197))
    table = write_kaggle(tmp_path / "t.csv", flux, [2, 1])
    assert main(["search", "--group", "auto", "--json", "--max-planets", "1", str(table)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert [x["path"] for x in lines] == [f"{table}#row=0", f"{table}#row=1"]


def test_segments_of_different_cadences_are_binned_to_the_coarsest(rng):
    """A 2-min TESS sector beside a 30-min K2 campaign: the stitched curve's cadence was the
    2-min one (its median spacing), which set the detrending and noise tests for the 30-min
    data too. The finer segment is binned to the coarsest cadence, and the reasons say so;
    the group's target is the group's name, not the first file's."""
    k2 = _segment(rng, mission="K2", fmt="bkjd", start_bjd=2457000.0, days=40.0, depth=2e-3)
    tess = _segment(
        rng, mission="TESS", fmt="btjd", start_bjd=2457150.0, days=27.0, depth=2e-3,
        cadence_min=2.0,
    )  # fmt: skip
    r = analyse_group([tess, k2], CONFIG, name="EPIC 999").result
    assert r.cadence_minutes == pytest.approx(30.0, rel=0.01)
    assert r.reasons[0].startswith("The segments' cadences differ (2 to 30 min)")
    assert r.target == "EPIC 999" and r.candidates[0].period_days == pytest.approx(PERIOD, 1e-3)
    given = analyse_group([tess, k2], CONFIG, name="EPIC 999", bin_cadence_days=10 / 1440)
    assert given.result.cadence_minutes == pytest.approx(10.0, rel=0.01)  # --bin decides


def test_a_member_with_relative_times_is_left_out_of_the_group(rng):
    """One member without an absolute epoch stopped the whole group ("cannot stitch"): it is
    left out, with a warning, and the others are stitched."""
    from starskope.exceptions import StarskopeWarning

    k2, tess = _pair(rng, 2e-3, 2e-3)
    rel = LightCurve(
        k2.t - k2.t[0], k2.flux, time_format="relative", meta=k2.meta.replace(source="own.csv")
    )
    with pytest.warns(StarskopeWarning, match="own.csv: left out of the group"):
        r = analyse_group([k2, rel, tess], CONFIG, name="EPIC 999").result
    assert r.error is None and r.group["left_out"] == ["own.csv"]
    assert r.candidates[0].period_days == pytest.approx(PERIOD, rel=1e-3)


def test_a_group_rejection_by_depths_is_said_in_the_reasons(rng):
    """The per-mission depth check's verdict reached the flags but not the reasons, which
    still said "passes vetting" for a candidate no longer planet-like."""
    r = analyse_group(_pair(rng, 2e-3, 8e-3), CONFIG, name="EPIC 999").result
    top = r.candidates[0]
    assert "depth_consistency" in top.flags and not top.is_planet_like
    line = next(x for x in r.reasons if x.startswith("Signal 1"))
    said = next(f.reason for f in top.vetting if f.name == "depth_consistency")
    assert "not planet-like" in line and said in line


def test_a_duplicate_left_out_does_not_set_the_groups_cadence(rng):
    """A sector's 2-min light curve and a 30-min product of the same sector: the latter is the
    same observations reduced twice and left out, so nothing is binned (the 2-min data were
    binned to 30 min for a member no longer there)."""
    tess = _segment(
        rng, mission="TESS", fmt="btjd", start_bjd=2457150.0, days=27.0, depth=2e-3,
        cadence_min=2.0,
    )  # fmt: skip
    ffi = _segment(rng, mission="TESS", fmt="btjd", start_bjd=2457150.0, days=27.0, depth=2e-3)
    ffi = ffi.copy(meta=ffi.meta.replace(source="ffi.fits"))
    with pytest.warns(Warning, match="ffi.fits covers the same TESS times"):
        r = analyse_group([ffi, tess], CONFIG, name="TIC 999").result
    assert r.group["left_out"] == ["ffi.fits"]
    assert r.cadence_minutes == pytest.approx(2.0, rel=0.01)
    assert not any("cadences differ" in x for x in r.reasons)


def test_a_ground_surveys_nightly_points_do_not_set_the_groups_cadence(rng):
    """A point a night from the ground beside a 2-min sector and a 30-min campaign: binning
    to the coarsest cadence (a day) blurred every transit; the coarsest of an hour or less
    is used."""
    k2, tess = _pair(rng, 2e-3, 2e-3)
    tess = _segment(
        rng, mission="TESS", fmt="btjd", start_bjd=2457150.0, days=27.0, depth=2e-3,
        cadence_min=2.0,
    )  # fmt: skip
    nights = 2457300.0 + np.arange(0.0, 60.0, 1.0)
    ground = LightCurve(
        nights, 1 + 1e-3 * rng.normal(size=nights.size), time_format="jd",
        meta=LightCurveMeta(source="ground.csv", ra=150.0, dec=-20.0),
    )  # fmt: skip
    r = analyse_group([k2, tess, ground], CONFIG, name="EPIC 999").result
    assert r.reasons[0].startswith("The segments' cadences differ (2 to 30 min)")
    assert r.candidates[0].period_days == pytest.approx(PERIOD, rel=1e-3)


def test_a_group_reduced_to_one_member_keeps_its_name(rng):
    k2, _ = _pair(rng, 2e-3, 2e-3)
    rel = LightCurve(k2.t - k2.t[0], k2.flux, time_format="relative",
                     meta=k2.meta.replace(source="own.csv", target="mine"))  # fmt: skip
    with pytest.warns(Warning, match="left out of the group"):
        r = analyse_group([k2, rel], CONFIG, name="the star").result
    assert r.target == "the star" and r.group["left_out"] == ["own.csv"]


def test_the_catalogues_word_survives_the_groups_rebuilt_reasons(rng, monkeypatch):
    """Rebuilding a multi-mission group's candidate lines dropped every line beginning
    "Signal ", the catalogues' warning on a planet-like known false positive among them."""
    import dataclasses

    import starskope.pipeline as pipeline

    def known(candidates, meta):
        first = dataclasses.replace(candidates[0], known="known false positive (KOI-0.01)")
        return [first, *candidates[1:]], None

    monkeypatch.setattr(pipeline, "_annotate", known)
    config = dataclasses.replace(CONFIG, annotate_known=True)
    r = analyse_group(_pair(rng, 2e-3, 2e-3), config, name="EPIC 999").result
    assert r.candidates[0].is_planet_like and len(r.group["missions"]) == 2
    assert any(
        "passes vetting, but the catalogues list it as a false positive" in x for x in r.reasons
    )


def test_the_bin_cadence_may_be_a_quantity(rng):
    import astropy.units as u

    r = analyse_group(_pair(rng, 2e-3, 2e-3), CONFIG, name="EPIC 999", bin_cadence_days=60 * u.min)
    assert r.result.cadence_minutes == pytest.approx(60.0, rel=0.01)


def test_group_members_are_listed_in_time_order(rng):
    # given TESS first, K2 (150 days earlier) second: members, segments by time
    k2, tess = _pair(rng, 2e-3, 2e-3)
    g = analyse_group([tess, k2], CONFIG, name="EPIC 999").result.group
    assert g["members"] == ["K2.fits", "TESS.fits"] and g["segments"] == ["K2", "TESS"]


def test_a_group_of_magnitude_light_curves_keeps_its_depth():
    """Two sectors in magnitudes, analysed as one star: stitch divided the magnitudes by their
    median and the group kept the first member's unit, so they were converted again (297 ppm
    for a 3000-ppm planet; an audit of the Python API). A bad --bin is refused."""
    from starskope import StarskopeError

    rng = np.random.default_rng(4)
    lcs = []
    for start in (1400.0, 1430.0):
        t = np.arange(start, start + 25.0, 10.0 / 1440.0)
        flux = 1.0 - 3e-3 * (np.abs((t - 1401.3 + 1.35) % 2.7 - 1.35) < 0.05)
        mag = 10.0 - 2.5 * np.log10(flux) + 3e-4 * rng.standard_normal(t.size)
        meta = LightCurveMeta(mission="TESS", target="TIC 1", flux_unit="mag")
        lcs.append(LightCurve(t, mag, time_format="btjd", meta=meta))
    best = analyse_group(lcs, name="TIC 1").result.candidates[0]
    assert best.period_days == pytest.approx(2.7, rel=1e-3)
    assert best.depth_ppm == pytest.approx(3000, rel=0.25)
    with pytest.raises(StarskopeError, match="must be a positive time"):
        analyse_group(lcs, bin_cadence_days=-1)


def test_a_group_of_ppm_offset_light_curves_keeps_its_depth():
    """Two sectors of offsets in ppm, median +100 and +150 ppm: stitch divided each by its
    median, and the group's 3000-ppm planet came out at 10362 ppm with a note that the flux
    had no level (a review of the thirty-third session's change)."""
    from starskope.units import ppm

    rng = np.random.default_rng(0)
    lcs = []
    for start, level in ((1500.0, 100.0), (1530.0, 150.0)):
        t = start + np.arange(3000) * 10.0 / 1440.0
        phase = (t - 1500.3 + 1.6) % 3.2 - 1.6
        off = rng.normal(level, 300.0, t.size) - 3000.0 * (np.abs(phase) < 0.06)
        meta = LightCurveMeta(mission="TESS", target="TIC 2")
        lcs.append(LightCurve(t, off * ppm, time_format="btjd", meta=meta))
    best = analyse_group(lcs, name="TIC 2").result.candidates[0]
    assert best.period_days == pytest.approx(3.2, rel=2e-3)
    assert best.depth_ppm == pytest.approx(3000, rel=0.15)
    assert best.is_planet_like


def test_the_groups_position_and_epoch_system_do_not_depend_on_the_member_kept_first(rng):
    """A group whose first (or only kept) member has no position lost the star's position,
    and with it K2-3's planet names, where another member had one; a group of one mission's
    segments reported t0 in BJD where one segment reports its own BKJD (an audit of
    multi-file stars)."""
    from starskope.exceptions import StarskopeWarning

    a = _segment(rng, mission="K2", fmt="bkjd", start_bjd=2457000.0, days=30.0, depth=2e-3)
    b = _segment(rng, mission="K2", fmt="bkjd", start_bjd=2457040.0, days=30.0, depth=2e-3)
    bare = a.meta.replace(ra=None, dec=None, source="own.csv")
    r = analyse_group([a.copy(meta=bare), b], CONFIG, name="EPIC 999").result
    assert (r.ra, r.dec) == (150.0, -20.0)
    top = r.candidates[0]
    assert top.t0_format == "bkjd" and top.t0 == pytest.approx(top.t0_bjd - BKJD_OFFSET)
    assert top.period_days == pytest.approx(PERIOD, rel=1e-3)
    # the member kept is the one without a position: another reduction of the same
    # observations, left out, still places the star
    again = a.select(np.arange(len(a)) < len(a) - 5)
    with pytest.warns(StarskopeWarning, match="same observations reduced twice"):
        r = analyse_group([a.copy(meta=bare), again], CONFIG).result
    assert (r.ra, r.dec) == (150.0, -20.0) and r.group["left_out"]
    # two missions: BJD, as before
    r = analyse_group(_pair(rng, 2e-3, 2e-3), CONFIG).result
    assert r.candidates[0].t0_format == "jd"
