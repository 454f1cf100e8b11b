"""Cleaning: quality masks, upper-only clipping that never touches transits, segments."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from starskope import LightCurve, LightCurveMeta, StarskopeError
from starskope.clean import clean, find_segments, sigma_clip_upper, transit_mask
from starskope.clean.masking import isolated_dips
from starskope.io.quality import (
    K2_THRUSTER_BITS,
    KeplerQualityFlags,
    TessQualityFlags,
    bitmask_for,
    decode,
    quality_mask,
)


def test_bitmasks_match_lightkurve_definitions():
    # lightkurve's KeplerQualityFlags.DEFAULT_BITMASK / HARD_BITMASK and TESS equivalents
    assert bitmask_for("Kepler", "default") == 1130799
    assert bitmask_for("K2", "hard") == 1664431
    assert bitmask_for("TESS", "default") == 17087
    assert bitmask_for("TESS", "hard") == 24319
    assert bitmask_for("TESS", "none") == 0
    assert bitmask_for(None, "default") == 0
    assert bitmask_for("tess", 7) == 7
    with pytest.raises(StarskopeError, match="unknown quality bitmask"):
        bitmask_for("TESS", "softest")


def test_k2_thruster_firings_always_dropped():
    q = np.array([0, int(KeplerQualityFlags.PossibleThrusterFiring), 0, 1048576])
    assert quality_mask(q, mission="K2", bitmask="default").tolist() == [True, False, True, False]
    # Kepler's default keeps "possible" thruster firings (lightkurve semantics)
    assert quality_mask(q, mission="Kepler", bitmask="default").tolist() == [
        True,
        True,
        True,
        False,
    ]
    assert quality_mask(q, mission="K2", bitmask="none").all()
    assert K2_THRUSTER_BITS == 524288 | 1048576
    assert decode(int(TessQualityFlags.Desat | TessQualityFlags.SafeMode), mission="TESS") == [
        "SafeMode",
        "Desat",
    ]


def _transit_lc(rng, depth=0.01, mission="TESS"):
    t = np.arange(0.0, 27.0, 2.0 / 1440.0) + 1500.0
    flux = 1.0 + rng.normal(0, 3e-4, t.size)
    inn = transit_mask(t, period=3.0, t0=1501.0, duration=0.1)
    flux[inn] -= depth
    flux *= 5000.0
    return t, flux, inn


def test_clean_never_clips_transits_but_clips_flares(rng):
    t, flux, inn = _transit_lc(rng, depth=0.05)  # 5% deep: far beyond any sigma threshold
    flare = np.arange(3000, 3005)
    flux[flare] *= 1.02
    q = np.zeros(t.size, dtype=int)
    q[100:110] = int(TessQualityFlags.Desat)
    flux[200] = np.nan
    lc = LightCurve(t, flux, np.full(t.size, 1.5), q, meta=LightCurveMeta(mission="TESS"))
    out = clean(lc, sigma_upper=4.0)
    kept = np.isin(t, out.t)
    assert kept[inn].all(), "a transit cadence was clipped"
    assert not kept[flare].any()
    assert not kept[100:110].any() and not kept[200]
    assert np.isclose(np.median(out.flux), 1.0, atol=1e-3)
    assert out.meta.flux_unit == "relative"
    assert np.all(np.diff(out.t) > 0)


def test_sigma_clip_upper_keeps_dips(rng):
    t = np.arange(1000) * 0.02
    f = 1 + rng.normal(0, 1e-3, t.size)
    f[500] -= 0.5
    f[600] += 0.5
    keep = sigma_clip_upper(t, f, sigma_upper=3.0)
    assert keep[500] and not keep[600]


def test_segments_split_at_gaps_and_normalise_each(rng):
    t = np.concatenate([np.arange(0, 10, 0.02), np.arange(12, 20, 0.02)])
    f = np.where(t < 11, 100.0, 200.0) + rng.normal(0, 0.01, t.size)
    seg = find_segments(t)
    assert seg.max() == 1 and seg[0] == 0 and seg[-1] == 1
    out = clean(LightCurve(t, f, time_format="relative"), sigma_upper=None)
    assert np.allclose(np.median(out.flux[out.t < 11]), 1.0, atol=1e-4)
    assert np.allclose(np.median(out.flux[out.t > 11]), 1.0, atol=1e-4)


def test_clean_too_few_points_names_the_file():
    lc = LightCurve(
        np.arange(5.0), np.ones(5), time_format="relative", meta=LightCurveMeta(source="x.fits")
    )
    with pytest.raises(StarskopeError, match=r"x\.fits: only 5 usable cadences"):
        clean(lc)


def test_mean_subtracted_flux_gets_a_relative_scale(rng):
    # the Kaggle K2 table stores fluxes with the stellar level subtracted (values around 0)
    t = np.arange(3197) * 0.0204
    f = rng.normal(0, 30, t.size) + 200 * np.sin(t / 4)
    f[1000:1003] -= 150
    from starskope.exceptions import StarskopeWarning

    with pytest.warns(StarskopeWarning, match="depths are in units of the point noise"):
        out = clean(LightCurve(t, f, time_format="relative"), sigma_upper=None)
    assert out.meta.extra["flux_level"].startswith("unknown")
    # said by a file's reader or the table row instead: no warning then
    meta = {"source": "exoTrain.csv", "row": 3}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", StarskopeWarning)
        clean(LightCurve(t, f, time_format="relative", meta=meta), sigma_upper=None)
    assert np.median(out.flux) == pytest.approx(1.0, abs=0.05)
    assert np.all(out.flux > 0)
    # point-to-point noise is scaled to 1000 ppm
    noise = np.median(np.abs(np.diff(out.flux))) * 1.4826 / np.sqrt(2)
    assert noise == pytest.approx(1e-3, rel=0.05)
    # ordinary fluxes keep their median normalisation and no flag
    lc = LightCurve(t, 5000 + f, time_format="relative")
    assert "flux_level" not in clean(lc).meta.extra


@pytest.mark.parametrize("per_point_snr", [20.0, 6.0])
def test_isolated_dips_drop_single_cadences_but_not_one_hour_transits(rng, per_point_snr):
    """One-hour transits (the shortest searched) at the 29.4-min long cadence, batman-integrated
    over the exposure at five sub-cadence phases: no in-transit cadence is dropped when the
    transit is 20 sigma deep per point, hardly any at 6 sigma (1.5% on average over 20 seeds,
    2.9% at most: a noise dip beside a shallow edge cadence); single bad cadences 8 sigma deep
    are dropped unless a neighbour happens to sit more than 2.4 sigma low (~2% of them)."""
    from starskope.simulate.inject import PlanetSignal

    t = np.arange(3197) * 29.4244 / 1440
    sig = PlanetSignal(period=3.3, t0=1.0, rp_rs=0.05, a_rs=26.5, impact=0.0)
    assert 0.95 < 24 * sig.duration < 1.1
    dropped = in_transit = bad_kept = 0
    for shift in np.linspace(0, 29.4244 / 1440, 5, endpoint=False):
        model = sig.replace(t0=1.0 + shift).model(t)
        depth = 1 - model.min()
        inn = model < 1 - 0.05 * depth
        noise = depth / per_point_snr
        f = model + rng.normal(0, noise, t.size)
        bad = rng.choice(np.flatnonzero(~inn[1:-1] & ~inn[2:] & ~inn[:-2]) + 1, 8, replace=False)
        f[bad] -= 8 * noise
        keep = isolated_dips(t, f)
        bad_kept += int(keep[bad].sum())
        dropped += int((~keep[inn]).sum())
        in_transit += int(inn.sum())
    assert in_transit > 150 and bad_kept <= 3
    assert dropped == 0 if per_point_snr >= 20 else dropped <= 0.03 * in_transit


def test_clean_drops_isolated_dips_and_rejects_constant_flux(rng):
    t = np.arange(2000) * 0.0204
    f = 1000 + rng.normal(0, 0.3, t.size)
    f[[300, 1700]] -= 5.0  # two one-cadence glitches, 28 days apart
    out = clean(LightCurve(t, f, time_format="relative"))
    assert not np.isin(t[[300, 1700]], out.t).any() and len(out) == t.size - 2
    kept = clean(LightCurve(t, f, time_format="relative"), sigma_isolated=None)
    assert len(kept) == t.size
    lc = LightCurve(
        t, np.full(t.size, 5.0), time_format="relative", meta=LightCurveMeta(source="c.csv")
    )
    with pytest.raises(StarskopeError, match=r"c\.csv: every flux value is the same"):
        clean(lc)


def test_impossible_fluxes_are_left_out_with_a_warning(rng):
    from starskope.exceptions import StarskopeWarning

    t = np.arange(3000) * 0.0208
    f = 1 + rng.normal(0, 2e-4, t.size)
    f[np.abs((t - 1.0 + 2.05) % 4.1 - 2.05) < 0.04] -= 3e-3  # a planet
    bad = [100, 101, 900, 2500, 2750]
    f[bad] = [-9999.0, -9999.0, 0.0, 1e30, 2e-5]  # missing-value markers, corrupt values
    lc = LightCurve(t, f, time_format="relative", meta=LightCurveMeta(source="s.csv"))
    with pytest.warns(StarskopeWarning, match=r"s\.csv: 5 cadence\(s\) with a flux below"):
        out = clean(lc)
    assert not np.isin(t[bad], out.t).any() and len(out) == t.size - 5
    assert out.flux.min() > 0.99  # the transits stay; nothing else is far below 1
    # a 90 % deep eclipse is a star's flux: kept
    g = 1 + rng.normal(0, 2e-4, t.size)
    g[1000:1010] = 0.1
    assert len(clean(LightCurve(t, g, time_format="relative"), sigma_isolated=None)) == t.size


def test_flux_in_ppm_becomes_relative(rng):
    """Offsets in ppm (TASOC-like products) keep their depths: relative flux = 1 + ppm / 1e6."""
    t = np.arange(2000) * 0.0204
    f = rng.normal(0, 300.0, t.size)
    f[np.abs((t - 3.0 + 2.5) % 5.0 - 2.5) < 0.06] -= 3000.0
    lc = LightCurve(
        t, f, np.full(t.size, 300.0), time_format="relative", meta=LightCurveMeta(flux_unit="ppm")
    )
    out = clean(lc)
    inn = transit_mask(out.t, period=5.0, t0=3.0, duration=0.1)
    depth = np.median(out.flux[~inn]) - np.mean(out.flux[inn])
    assert depth == pytest.approx(3e-3, rel=0.05) and out.meta.flux_unit == "relative"
    assert np.median(out.flux_err) == pytest.approx(3e-4, rel=0.01)
    # a level in those units (1e6 ppm) is normalised by its median, not offset
    leveled = lc.copy(flux=1e6 + f, meta=LightCurveMeta(flux_unit="ppm"))
    out = clean(leveled)
    inn = transit_mask(out.t, period=5.0, t0=3.0, duration=0.1)
    assert np.median(out.flux[~inn]) - np.mean(out.flux[inn]) == pytest.approx(3e-3, rel=0.05)


def test_isolated_dip_next_to_a_gap_is_kept(rng):
    """A one-hour transit at the long cadence that lost one of its two cadences to a quality
    mask keeps its other, deep cadence (the gap may have held the rest of the transit)."""
    t = np.arange(1000) * 0.0204
    f = 1 + rng.normal(0, 1e-4, t.size)
    f[500] -= 3e-3
    keep_all = np.ones(t.size, dtype=bool)
    keep_all[501] = False  # the masked partner cadence
    tt, ff = t[keep_all], f[keep_all]
    assert isolated_dips(tt, ff)[np.flatnonzero(tt == t[500])[0]]
    assert not isolated_dips(t, f)[500]  # with both neighbours there and quiet: dropped


def test_a_deep_transit_of_mean_subtracted_flux_is_not_taken_for_corrupt_values(rng):
    """Offsets around zero whose median sits just above zero (an 8% transit pulls the mean
    down): the transit's run below zero is a dip, not 129 'impossible' cadences."""
    from starskope.clean.masking import has_flux_level

    t = np.arange(3197) * 0.0204
    level = 1000.0
    f = level * (1 + 2e-4 * rng.normal(size=t.size))
    f[np.abs((t - 1.0 + 1.5) % 3.0 - 1.5) < 0.06] *= 0.92
    offsets = f - f.mean()
    assert has_flux_level(f) and not has_flux_level(offsets)
    lc = LightCurve(t, offsets, time_format="relative")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = clean(lc)
    assert len(out) > 0.95 * len(lc)  # the transit's cadences are kept
    # missing-value markers (one repeated value) below zero do not make a level offsets
    marked = f.copy()
    marked[100:140] = -9999.0
    assert has_flux_level(marked)


def test_a_bright_stars_few_negative_cadences_leave_it_a_level(rng):
    """A real K2 star at 3.6e6 e-/s with five corrupt cadences near -1.8e7 (EPIC 210667985)
    keeps its level: its mean is its level, where offsets average zero."""
    from starskope.clean.masking import has_flux_level

    f = 3.6e6 * (1 + 1e-4 * rng.normal(size=3000))
    f[1000:1005] = -1.8e7 + 1e5 * rng.normal(size=5)
    assert has_flux_level(f)


def test_a_faint_stars_noise_below_zero_leaves_it_a_level(rng):
    """A background-subtracted faint star: level 100 e-/s, noise 40 e-/s per cadence, so that
    0.6% of its cadences are below zero. Its level was lost (the 0.5th percentile below zero):
    a 25% eclipse was measured in noise units and passed the depth test. Its mean is its median,
    where offsets about zero (a 2.5-sigma transit's cadences below zero included) average zero."""
    from starskope.clean.masking import has_flux_level

    t = np.arange(19440) * 2 / 1440
    f = 100.0 * np.where(np.abs((t - 0.8 + 1.65) % 3.3 - 1.65) < 1 / 24, 0.75, 1.0)
    f = f + 40.0 * rng.normal(size=t.size)
    assert np.nanpercentile(f, 0.5) < 0 and has_flux_level(f)
    assert not has_flux_level(f - f.mean())
    assert not has_flux_level(40.0 * rng.normal(size=t.size))  # noise about zero


def test_a_table_rows_cleaning_warning_names_the_row(rng):
    from starskope.exceptions import StarskopeWarning

    t = np.arange(500) * 0.02
    f = 1000 * (1 + 1e-3 * rng.normal(size=t.size))
    f[50] = 1e9
    lc = LightCurve(t, f, time_format="relative", meta=LightCurveMeta(source="t.csv", row=7))
    with pytest.warns(StarskopeWarning, match=r"t\.csv \[row 7\]: 1 cadence"):
        clean(lc)


def test_times_in_seconds_read_as_days_are_refused_not_a_memory_blowup():
    """Seconds read as days (a 'relative' baseline of 6.9 million days) asked the
    Lomb-Scargle grid for billions of frequencies: the process was killed for memory."""
    from starskope.clean.lombscargle import frequency_grid
    from starskope.exceptions import StarskopeError

    t = np.arange(0, 80 * 86400.0, 1800.0)
    with pytest.raises(StarskopeError, match="are the times in days"):
        frequency_grid(t, minimum_frequency=1 / 80, maximum_frequency=24.0)


def test_a_level_swamped_by_its_noise_is_warned_of(rng):
    """A mean-subtracted row whose median sits three noise units above zero is read as a
    faint star's level (as a faint star's must be, for the depth test), and its planet's dip
    then looks too deep for a planet: the reading is said, with what to do (an audit on
    another simulator's tables). None of the 864 real files in ../shared/data is warned."""
    from starskope.exceptions import StarskopeWarning

    t = np.arange(3000) * 0.0204
    off = LightCurve(t, 60.0 + 20.0 * rng.normal(size=t.size), meta=LightCurveMeta(row=4))
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        clean(off)  # (its few cadences below zero are left out with a warning of their own)
    assert any(
        issubclass(w.category, StarskopeWarning)
        and "[row 4]: the flux is read as a star's level" in str(w.message)
        for w in said
    )
    star = LightCurve(t, 5000.0 + 50.0 * rng.normal(size=t.size))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clean(star)
