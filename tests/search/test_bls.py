"""BLS: the numba kernel against astropy's BoxLeastSquares and a slow reference; recovery."""

from __future__ import annotations

import numpy as np
import pytest

from starskope import StarskopeError
from starskope.search import box_stats, period_grid, search_bls
from starskope.search._bls_kernel import bls_binned, bls_slow
from starskope.search.bls import _default_stride
from starskope.search.grid import duration_grid

from .conftest import make_transits


def test_period_grid_from_baseline():
    p = period_grid(baseline=65.0, min_period=0.5, oversample=3)
    assert p[0] == pytest.approx(0.5) and p[-1] == pytest.approx(32.5)
    assert np.all(np.diff(p) > 0)
    # optimal (Ofir) spacing: finer in frequency at long periods, coarser at short ones
    df = np.diff(1 / p[::-1])
    assert df[0] < df[-1]
    assert period_grid(baseline=65.0, oversample=6).size == pytest.approx(2 * p.size, rel=0.01)
    with pytest.raises(StarskopeError, match="cannot hold 2 transits"):
        period_grid(baseline=0.8, min_period=0.5)
    assert np.allclose(duration_grid((2.0, 1.0)), [1 / 24, 2 / 24])


def test_recovers_period_depth_duration(one_planet):
    t, flux, (period, t0, duration, depth) = one_planet
    res = search_bls(t, flux)
    assert res.period == pytest.approx(period, rel=1e-3)
    phase = ((res.t0 - t0) / period + 0.5) % 1 - 0.5
    assert abs(phase * period) < 0.02  # epoch within ~30 min
    assert res.duration == pytest.approx(duration, rel=0.3)
    assert res.depth == pytest.approx(depth, rel=0.15)
    assert res.snr > 15 and res.sde > 10
    assert res.n_transits == 18
    assert res.periodogram.period.size == res.periodogram.power.size
    assert res.periodogram.method == "bls"
    snr = res.periodogram.snr
    assert snr.shape == res.periodogram.period.shape
    assert res.periodogram.period[np.argmax(snr)] == pytest.approx(period, rel=1e-3)


def test_numba_kernel_matches_astropy(one_planet):
    t, flux, (period, *_) = one_planet
    periods = period_grid(baseline=t[-1] - t[0], min_period=1.0, max_period=10.0)
    ours = search_bls(t, flux, periods=periods, engine="numba", coarse=1)
    ref = search_bls(t, flux, periods=periods, engine="astropy")
    assert ref.periodogram.period.size == periods.size  # the reference is never coarse-to-fine
    # same peak, with the full grid and with the default coarse-to-fine search
    assert ours.period == pytest.approx(ref.period, rel=2e-3)
    fast = search_bls(t, flux, periods=periods, engine="numba")
    assert fast.period == pytest.approx(ref.period, rel=2e-3)
    assert fast.power == pytest.approx(ref.power, rel=0.15)
    # same statistic within tolerance at the peak and across the spectrum
    assert ours.power == pytest.approx(ref.power, rel=0.15)
    p1, p2 = ours.periodogram.power, ref.periodogram.power
    assert np.corrcoef(p1, p2)[0, 1] > 0.95
    assert np.median(p1 / np.where(p2 > 0, p2, np.nan)) == pytest.approx(1.0, abs=0.2)


def test_binned_kernel_matches_slow_reference(rng):
    t = np.sort(rng.uniform(0, 20, 600))
    y = rng.normal(0, 1e-3, t.size)
    y[np.abs((t - 1.1 + 1.25) % 2.5 - 1.25) < 0.06] -= 4e-3
    y -= y.mean()
    w = np.ones_like(y)
    periods = np.array([1.7, 2.5, 3.3, 5.0])
    durs = np.array([0.08, 0.12])
    fast = bls_binned(t - t[0], y, w, periods, durs, durs[0] / 3, 0.2, 2.5)[0]
    slow = bls_slow(t - t[0], y, w, periods, durs, n_phase=300)
    assert np.argmax(fast) == np.argmax(slow) == 1
    assert fast[1] == pytest.approx(slow[1], rel=0.1)
    # unequal weights take the kernel's general path (equal ones count points per bin)
    w = rng.uniform(0.5, 1.5, t.size)
    fast = bls_binned(t - t[0], y, w, periods, durs, durs[0] / 3, 0.2, 2.5)[0]
    slow = bls_slow(t - t[0], y, w, periods, durs, n_phase=300)
    assert np.argmax(fast) == np.argmax(slow) == 1
    assert fast[1] == pytest.approx(slow[1], rel=0.1)


def test_binned_kernel_paths_agree(rng):
    """Equal weights (bins count points) and the general path give the same statistics."""
    t = np.sort(rng.uniform(0, 30, 900))
    y = rng.normal(0, 1e-3, t.size)
    y[np.abs((t - 0.4 + 1.6) % 3.2 - 1.6) < 0.05] -= 3e-3
    periods = np.linspace(1.0, 9.0, 400)
    durs = np.array([0.04, 0.06, 0.1, 0.2])
    w = np.full(t.size, 1e6)
    uniform = bls_binned(t - t[0], y, w, periods, durs, durs[0] / 3, 0.15, 2.5)
    w[0] *= 1 + 1e-12  # not all equal: the general path, the same weights to 1e-12
    general = bls_binned(t - t[0], y, w, periods, durs, durs[0] / 3, 0.15, 2.5)
    for a, b in zip(uniform, general, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12)
    assert periods[np.argmax(uniform[0])] == pytest.approx(3.2, rel=0.01)


def test_tess_short_cadence_is_binned_and_recovered(rng):
    t = np.arange(0, 27, 2 / 1440)
    flux = 1 + rng.normal(0, 1e-3, t.size)
    flux[np.abs((t - 0.7 + 1.5) % 3.0 - 1.5) < 0.05] -= 1.5e-3
    res = search_bls(t, flux)
    assert res.period == pytest.approx(3.0, rel=2e-3)
    assert res.depth == pytest.approx(1.5e-3, rel=0.2)


def test_box_stats_red_noise_lowers_snr(rng):
    t = np.arange(0, 30, 0.02)
    white = 1 + rng.normal(0, 5e-4, t.size)
    red = white + 1e-3 * np.sin(2 * np.pi * t / 0.7)
    a = box_stats(t, white, period=3.0, t0=1.0, duration=0.1)
    b = box_stats(t, red, period=3.0, t0=1.0, duration=0.1)
    assert b.sigma_red > 5 * max(a.sigma_red, 1e-5)
    assert abs(b.snr) < b.snr_white or abs(b.snr) < 3


def test_bad_input():
    with pytest.raises(StarskopeError, match="at least 20 finite points"):
        search_bls(np.arange(10.0), np.ones(10))
    with pytest.raises(StarskopeError, match="unknown BLS engine"):
        search_bls(np.arange(100.0), np.ones(100), engine="cuda")


def _cases(rng):
    """Light curves on which the coarse-to-fine search must find the full grid's peak."""
    out = []
    for planets, noise in (
        ([(3.7, 2001.3, 0.12, 1.0e-3)], 3e-4),  # clear planet
        ([(11.3, 2003.2, 0.2, 4e-4)], 3e-4),  # weak, long period
        ([(0.93, 2000.2, 0.17, 2e-2), (1.86, 2000.2 + 0.93, 0.17, 8e-3)], 3e-4),  # EB-like
        ([(5.3, 2001.1, 0.15, 1.5e-3), (2.17, 2000.6, 0.08, 8e-4)], 2.5e-4),  # two planets
        ([], 3e-4),  # noise only
    ):
        out.append(make_transits(rng, planets=planets, noise=noise))
    return out


# (2, 3): the pipeline's grid (PipelineConfig.oversample) and default stride; (3, 3): search_bls's
@pytest.mark.parametrize(("oversample", "coarse"), [(2, 2), (2, 3), (3, 3)])
def test_coarse_to_fine_finds_the_full_grid_peak(rng, oversample, coarse):
    for t, flux in _cases(rng):
        periods = period_grid(baseline=t[-1] - t[0], oversample=oversample)
        full = search_bls(t, flux, periods=periods, coarse=1)
        fast = search_bls(t, flux, periods=periods, coarse=coarse)
        assert fast.period == full.period
        assert (fast.t0, fast.duration, fast.power) == (full.t0, full.duration, full.power)
        assert (fast.snr, fast.depth, fast.n_transits) == (full.snr, full.depth, full.n_transits)
        # SDE from the coarse pass's statistics: the same within sampling noise
        assert fast.sde == pytest.approx(full.sde, abs=0.5)
        pg = fast.periodogram
        assert 0.9 / coarse * periods.size < pg.period.size < 1.2 / coarse * periods.size
        assert np.all(np.isin(pg.period, periods)) and np.all(np.diff(pg.period) > 0)
        # full grid evaluated within 1 % of P/2 and 2P (the vetting's alias check)
        for f in (0.5, 2.0):
            near = periods[np.abs(periods / (f * full.period) - 1) <= 0.01]
            assert np.all(np.isin(near, pg.period))
            if near.size:
                fp = full.periodogram
                assert pg.power[np.isin(pg.period, near)].max() == pytest.approx(
                    fp.power[np.isin(fp.period, near)].max()
                )


def test_default_stride_follows_the_coverage(one_planet):
    t, flux, _ = one_planet
    assert _default_stride(t) == 3  # one contiguous light curve
    # the same light curve twice, three years apart: a comb of aliases, every second period
    far = np.concatenate([t, t + 3 * 365.25])
    assert _default_stride(far) == 2
    periods = period_grid(baseline=far[-1] - far[0], min_period=1.0, max_period=20.0)
    res = search_bls(far, np.concatenate([flux, flux]), periods=periods)
    assert 0.45 * periods.size < res.periodogram.period.size < 0.6 * periods.size


def test_coarse_must_be_positive(one_planet):
    t, flux, _ = one_planet
    with pytest.raises(StarskopeError, match="coarse must be a positive integer"):
        search_bls(t, flux, coarse=0)


def test_refine_ephemeris_recovers_period_and_epoch_from_a_coarse_start():
    from starskope.search.bls import refine_ephemeris

    rng = np.random.default_rng(3)
    t = np.arange(0.0, 27.0, 2.0 / 1440.0)
    period, t0, dur = 3.7, 1.234, 2.5 / 24.0
    flux = 1.0 + rng.normal(0, 3e-4, t.size)
    flux[np.abs((t - t0 + 0.5 * period) % period - 0.5 * period) < 0.5 * dur] -= 1.5e-3
    # a start off by half a resolution element in period and a sixth of a duration in epoch
    p0 = period * (1 + 0.5 * dur / 27.0)
    p, e, d = refine_ephemeris(flux=flux, t=t, period=p0, t0=t0 + dur / 6, duration=dur)
    assert abs(p / period - 1) < 0.25 * abs(p0 / period - 1)
    assert abs(e - t0) * 1440 < 4.0  # minutes
    assert d == pytest.approx(dur)


def test_transits_with_data_count_each_segment_at_its_own_cadence(rng):
    """A 30-min sector stitched with a short 2-min one: every 30-min transit still has data
    (one median cadence of the whole made them slivers), and a transit with a quarter of its
    cadences counts while one with a single 2-min cadence does not."""
    period, t0, dur = 3.3, 1326.7, 2.5 / 24
    slow = np.arange(1325.3, 1352.3, 30 / 1440)
    fast = np.arange(1352.35, 1354.5, 2 / 1440)
    t = np.r_[slow, fast]
    flux = 1 - 2e-3 * (np.abs((t - t0 + period / 2) % period - period / 2) < dur / 2)
    flux = flux + rng.normal(0, 3e-4, t.size)
    assert box_stats(slow, flux[: slow.size], period=period, t0=t0, duration=dur).n_transits == 8
    assert box_stats(t, flux, period=period, t0=t0, duration=dur).n_transits == 9
    # a transit of which one 2-min cadence is left is no transit with data; a quarter is
    keep = np.ones(t.size, bool)
    late = (t > 1352.35) & (np.abs(t - (t0 + 8 * period)) < dur / 2)
    keep[np.flatnonzero(late)[1:]] = False
    assert box_stats(t[keep], flux[keep], period=period, t0=t0, duration=dur).n_transits == 8
    keep[np.flatnonzero(late)[1 : late.sum() // 4 + 2]] = True
    assert box_stats(t[keep], flux[keep], period=period, t0=t0, duration=dur).n_transits == 9


@pytest.mark.parametrize(
    ("periods", "match"),
    [
        ([np.nan, 4.2], "periods must be finite and at least 0.001 d; got nan"),
        ([0.0, 4.2], "got 0.0"),
        ([np.inf], "got inf"),
        ([], "non-empty 1-D"),
        ([[1.0, 2.0], [3.0, 4.0]], "non-empty 1-D"),
    ],
)
def test_bad_trial_periods_are_errors_not_crashes(rng, periods, match):
    """NaN or 0 among the periods crashed the process in the numba kernel (a segfault)."""
    t = np.arange(0, 20, 0.02)
    f = 1 + rng.normal(0, 1e-3, t.size)
    with pytest.raises(StarskopeError, match=match):
        search_bls(t, f, periods=periods)
    with pytest.raises(StarskopeError, match="durations must be finite and at least"):
        search_bls(t, f, periods=[3.0, 4.0], durations=[1e-6])


def test_quantities_are_converted_and_hours_as_days_are_warned_about(one_planet):
    """search_bls takes times, periods, durations and period limits as Quantities, as
    TransitSearch does (they were read as plain numbers: hours taken for days gave a 76-d
    'period'); plain-number durations over a day are warned about; a flux_err of another
    length is refused."""
    import astropy.units as u

    from starskope.exceptions import StarskopeWarning

    t, flux, (period, *_) = one_planet
    base = t - t[0]
    assert search_bls(base * 24 * u.hour, flux).period == pytest.approx(period, rel=1e-3)
    grid = np.linspace(3.5, 3.9, 200) * 24 * u.h
    assert search_bls(t, flux, periods=grid).period == pytest.approx(period, rel=1e-3)
    res = search_bls(t, flux, durations=[2.0, 3.0] * u.h, min_period=48 * u.h)
    assert res.period == pytest.approx(period, rel=1e-3) and res.duration < 0.2
    with pytest.warns(StarskopeWarning, match="trial durations of up to 3 days"):
        search_bls(t, flux, durations=[2.0, 3.0])
    # search_multi too; and TransitSearch.power passes its checked durations with their unit
    import warnings

    from starskope.search import TransitSearch, search_multi

    (found, *_) = search_multi(base * 24 * u.hour, flux, max_planets=1, min_period=12 * u.h)
    assert found.period == pytest.approx(period, rel=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", StarskopeWarning)
        TransitSearch(t, flux, durations=[10, 30] * u.h).power()
    with pytest.raises(StarskopeError, match="flux_err must have the shape of flux"):
        search_bls(t, flux, flux[:10])


def test_box_stats_and_search_multi_refuse_impossible_boxes(one_planet):
    """A negative period, a NaN epoch or a box as long as the period (every point 'in
    transit', depth 0) is refused; so is a fractional planet count."""
    from starskope.search import search_multi

    t, flux, _ = one_planet
    for kw, match in (
        (dict(period=-3.2, t0=2001.0, duration=0.1), "positive period"),
        (dict(period=3.2, t0=np.nan, duration=0.1), "finite t0"),
        (dict(period=3.2, t0=2001.0, duration=5.0), "shorter than the period"),
    ):
        with pytest.raises(StarskopeError, match=match):
            box_stats(t, flux, **kw)
    with pytest.raises(StarskopeError, match="max_planets must be an integer"):
        search_multi(t, flux, max_planets=1.5)
