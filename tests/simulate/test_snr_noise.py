"""Expected SNR definition, noise measures and the stochastic star model (issue 4)."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.simulate import noise
from starskope.simulate.snr import (
    cdpp,
    detrend_running_median,
    expected_snr,
    n_in_transit,
    psd_slope,
    red_noise_beta,
    robust_sigma,
    robust_std,
)

CAD = noise.LONG_CADENCE_DAYS


def test_expected_snr_definition():
    assert expected_snr(depth=1e-3, sigma=1e-3, n_points=49) == pytest.approx(7.0)
    t = np.arange(1000) * 0.01
    assert n_in_transit(t, period=2.0, t0=0.5, duration=0.1) == 5 * 10


def test_robust_sigma_ignores_outliers_and_trends(rng):
    t = np.arange(3197) * CAD
    f = 1 + 1e-3 * rng.standard_normal(t.size) + 0.01 * np.sin(2 * np.pi * t / 10)
    f[::50] += 0.05  # outliers
    assert robust_sigma(f, cadence_days=CAD) == pytest.approx(1e-3, rel=0.08)
    assert robust_std(rng.normal(0, 3, 50_000)) == pytest.approx(3, rel=0.03)


def test_red_noise_beta_white_vs_correlated(rng):
    t = np.arange(3197) * CAD
    dur = 3.0 / 24.0
    white = 1 + 1e-3 * rng.standard_normal(t.size)
    assert red_noise_beta(t, white, cadence_days=CAD, duration_days=dur) < 1.25
    # granulation-like noise correlated over hours, stronger than the white part
    red = white + noise.granulation(t, amp=2e-3, tau=0.2, rng=rng)
    beta = red_noise_beta(t, red, cadence_days=CAD, duration_days=dur)
    assert beta > 1.5
    # its definition: binned scatter against the white expectation of the per-point scatter
    n = int(round(dur / CAD))
    resid = red / np.median(red) - 1  # the day-long median barely moves on this noise
    means = resid[: resid.size // n * n].reshape(-1, n).mean(axis=1)
    assert beta == pytest.approx(robust_std(means) / (robust_std(resid) / np.sqrt(n)), rel=0.25)
    assert np.isnan(red_noise_beta(t[:40], red[:40], cadence_days=CAD, duration_days=1.0))


def test_cdpp_of_white_noise(rng):
    f = 1 + 5e-4 * rng.standard_normal(3197)
    expect = 1e6 * 5e-4 / np.sqrt(6.5 / 24 / CAD)
    assert cdpp(f, cadence_days=CAD) == pytest.approx(expect, rel=0.15)


def test_psd_slope_white_vs_red(rng):
    white = 1 + 1e-3 * rng.standard_normal(3197)
    red = 1 + noise.granulation(np.arange(3197) * CAD, amp=1e-3, tau=0.5, rng=rng)
    assert abs(psd_slope(white, cadence_days=CAD)) < 0.4
    assert psd_slope(red, cadence_days=CAD) < -1.0


def test_components_behave(rng):
    t = np.arange(3197) * CAD
    fl = noise.flares(t, rate=0.5, amp_min=1e-3, amp_max=1e-2, rng=rng)
    assert fl.min() >= 0 and fl.max() > 1e-4  # upward only
    ft = noise.k2_firing_times(t[0], t[-1], rng)
    gaps = np.diff(ft)
    assert np.median(gaps) == pytest.approx(noise.K2_ROLL_PERIOD_DAYS, rel=0.05)
    saw = noise.roll_sawtooth(t, amp=1e-3, firing_times=ft)
    assert np.ptp(saw) == pytest.approx(1e-3, rel=0.05)
    g = noise.granulation(t, amp=2e-4, tau=0.2, rng=rng)
    assert np.std(g) == pytest.approx(2e-4, rel=0.3)
    lag = int(round(0.2 / CAD))
    assert np.corrcoef(g[:-lag], g[lag:])[0, 1] == pytest.approx(np.exp(-1), abs=0.15)


def test_simulate_noise_flags_and_level(rng):
    t = np.arange(3197) * CAD
    p = noise.draw_star_params(rng, kepmag=12.0)
    r = noise.simulate_noise(t, p, rng)
    assert np.nanmedian(r.flux) == pytest.approx(1.0, abs=5e-3)
    assert np.all(np.isnan(r.flux[r.gap]))
    assert np.any(r.quality & noise.QUALITY_THRUSTER)
    # brighter stars are quieter
    assert (
        noise.photometric_sigma(10.0)
        < noise.photometric_sigma(14.0)
        < noise.photometric_sigma(16.0)
    )
    with pytest.raises(ValueError, match="kind"):
        noise.draw_star_params(rng, kind="pulsar")


def test_spotted_share_is_the_field_share_and_rises_toward_faint_stars():
    p = noise.spotted_probability(np.array([9.0, 12.0, 13.0, 16.0]))
    assert np.all(np.diff(p) > 0)
    assert p[0] < 0.25 and p[-1] > 0.45
    rng = np.random.default_rng(3)
    kinds = [noise.draw_field_star_params(rng).kind for _ in range(4000)]
    share = np.mean([k == "spotted" for k in kinds])
    assert abs(share - noise.FIELD_FRAC_SPOTTED) < 0.03
    quiet = [noise.draw_field_star_params(rng, frac_spotted=0.0).kind for _ in range(200)]
    assert "spotted" not in quiet
    # spotted stars drawn on their own are fainter than the field
    kp_sp = [noise.draw_star_params(rng, kind="spotted").kepmag for _ in range(2000)]
    kp_all = [noise.draw_kepmag(rng) for _ in range(2000)]
    assert np.median(kp_sp) > np.median(kp_all) + 0.1


@pytest.mark.shared_data
def test_default_field_matches_real_k2_noise(shared_data):
    """The calibration holds: at the real C13/C5 stars' magnitudes and lengths, the default
    field's CDPP quartiles are within a factor 2 of the real ones and its median white noise
    (second differences) within 30%. The old quiet field (10% spotted) was about 4x too quiet in
    median CDPP (0.23x)."""

    def sd2(f):
        f = np.asarray(f) / np.nanmedian(f)
        d = f[:-2] - 2 * f[1:-1] + f[2:]
        return 1.4826 * np.nanmedian(np.abs(d - np.nanmedian(d))) / np.sqrt(6)

    from starskope.io import read

    files = sorted((shared_data / "bulk" / "k2").glob("*.fits.gz"))
    real, sim, w_real, w_sim = [], [], [], []
    for k, f in enumerate(files):
        lc = read(f)
        kp = (lc.meta.extra or {}).get("KEPMAG")
        good = np.isfinite(lc.flux) & (lc.quality == 0)
        if kp is None or not np.isfinite(kp) or good.sum() < 1000:
            continue
        real.append(cdpp(lc.flux[good], cadence_days=CAD))
        w_real.append(sd2(lc.flux[good]))
        rng = np.random.default_rng(np.random.SeedSequence(0, spawn_key=(k,)))
        tt = np.arange(good.sum()) * CAD
        r = noise.simulate_noise(tt, noise.draw_field_star_params(rng, kepmag=kp), rng)
        sim.append(cdpp(r.flux, cadence_days=CAD))
        w_sim.append(sd2(r.flux))
    assert len(real) >= 80
    q_real = np.nanpercentile(real, [25, 50, 75])
    q_sim = np.nanpercentile(sim, [25, 50, 75])
    assert np.all(np.abs(np.log10(q_sim / q_real)) < np.log10(2.0)), (q_real, q_sim)
    assert abs(np.log10(np.median(w_sim) / np.median(w_real))) < np.log10(1.3)


def test_red_noise_beta_uses_the_expected_snrs_noise_on_a_degenerate_median():
    # smooth, monotonic variability far above the noise: the running median's residuals are
    # mostly exactly 0, and the noise must come from robust_sigma's point-to-point fallback
    t = np.arange(3197) * CAD
    f = 1 + 0.02 * t + 1e-4 * np.random.default_rng(0).normal(size=t.size)
    assert robust_std(detrend_running_median(f, cadence_days=CAD)) == 0.0
    beta = red_noise_beta(t, f, cadence_days=CAD, duration_days=0.125)
    assert np.isfinite(beta) and beta >= 1.0


def test_transits_with_data_counts_the_window_function():
    from starskope.simulate.snr import transits_with_data

    t = np.arange(0.0, 30.0, 0.02)
    assert transits_with_data(t, period=5.0, t0=2.5, duration=0.2, cadence=0.02) == 6
    gap = t[(t < 12.45) | (t > 12.6)]  # three quarters of the 12.5-d transit missing
    assert transits_with_data(gap, period=5.0, t0=2.5, duration=0.2, cadence=0.02) == 5
    half = t[(t < 12.5) | (t > 12.6)]  # half of it left: still counts
    assert transits_with_data(half, period=5.0, t0=2.5, duration=0.2, cadence=0.02) == 6
    assert transits_with_data(t[:0], period=5.0, t0=2.5, duration=0.2, cadence=0.02) == 0
