"""Real backgrounds: non-hosts and Kepler hosts with their known transits masked (issue 4)."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.simulate.backgrounds import (
    known_ephemerides,
    real_background,
    real_background_files,
    simulated_background,
)


def test_simulated_background_is_relative_and_clean(rng):
    bg = simulated_background(rng=rng, n_points=1000)
    assert bg.source.startswith("simulated:")
    assert np.all(np.isfinite(bg.lc.flux)) and abs(np.median(bg.lc.flux) - 1) < 0.01


@pytest.mark.shared_data
def test_real_backgrounds_exclude_binaries_and_mask_hosts(shared_data, rng):
    files = real_background_files(missions=("K2", "Kepler"), root=shared_data)
    names = {f.name for f in files}
    assert any(n.startswith("EPIC_") for n in names)  # K2 C13 non-hosts
    eph = known_ephemerides("KIC 11442793")  # Kepler-90: seven planets
    assert len(eph) >= 7
    host = [f for f in files if f.name.startswith("kplr011442793")]
    assert host, "Kepler-90 quarters should be usable with transits masked"
    bg = real_background(host[0], rng=rng, n_points=None)
    assert bg.source.startswith("real-host-masked:")
    # no cadence left within T14/2 of a known transit (times back in BKJD)
    t = bg.lc.t + bg.t_offset
    for p, t0, d in eph:
        phase = np.mod(t - t0 + 0.5 * p, p) - 0.5 * p
        assert not np.any(np.abs(phase) < 0.5 * d)
    assert abs(np.median(bg.lc.flux) - 1) < 1e-3


# ------------------------------------------------------------ known transits of K2/TESS hosts
from starskope.simulate.backgrounds import (  # noqa: E402
    MASK_DURATIONS,
    Ephemeris,
    host_ephemerides,
    known_periods,
    real_background_pool,
    transit_mask,
)


def test_known_periods_parses_label_cells():
    assert known_periods("b 7.0082; c 8.7198") == [7.0082, 8.7198]
    assert known_periods("b 104.3520; (candidate K02311.02 13.7255)") == [104.352, 13.7255]
    assert known_periods("TOI: TOI-3563.01 17.8552 | KOI: b 17.8552") == [17.8552, 17.8552]
    assert known_periods("b ~2.484 (grazing hot Jupiter)") == [2.484]
    assert known_periods("3.4253 (depth ~1.4%)") == [3.4253]
    assert known_periods("") == []


def test_mask_covers_every_transit_with_drifting_ephemeris():
    # epoch in BJD, times in BTJD; the period error moves late transits by up to 0.03 d
    e = Ephemeris(period=3.0, t0_bjd=2458000.0, duration=0.1, period_err=1e-3, t0_err=2e-3)
    t = 1000.0 + np.arange(0, 30, 2 / 1440)  # BTJD, 2-min cadence
    m = transit_mask(t, "btjd", [e])
    tb = t + 2457000.0
    n = np.round((tb - e.t0_bjd) / e.period)
    dist = np.abs(tb - (e.t0_bjd + n * e.period))
    drift = np.sqrt(e.t0_err**2 + (n * e.period_err) ** 2)
    # every cadence within T14/2 of a transit shifted by up to 3 sigma is masked ...
    assert m[dist < 0.5 * e.duration + 3 * drift].all()
    # ... and the window is no wider than asked
    assert not m[dist > 0.5 * MASK_DURATIONS * e.duration + 3 * drift + 1e-9].any()
    assert 0.05 < m.mean() < 0.5


def test_host_without_every_epoch_is_not_used():
    row = {"catalog_id": "KIC 0", "target": "x", "known_periods_days": "b 3.0"}
    assert host_ephemerides(row) is None


def _bjd(bg, fmt):
    return bg.lc.t + bg.t_offset + {"bkjd": 2454833.0, "btjd": 2457000.0, "jd": 0.0}[fmt]


@pytest.mark.shared_data
def test_k2_and_tess_hosts_are_backgrounds_with_transits_masked(shared_data, rng):
    from starskope.io import read
    from starskope.simulate.backgrounds import _label_rows

    pool = real_background_pool(missions=("K2", "TESS"), root=shared_data)
    names = {p.name for v in pool.values() for p in v}
    assert "dave_ktwo210490365-c04_detrended.dat.gz" in names  # K2-25: TOI-5095 epoch
    assert "lightkurve_wasp18_tic100100827_s02.fits.gz" in names
    assert "EPIC_247589423_mast.fits.gz" not in names  # K2-136 b and d have no epoch
    assert not any("0000000166527623" in n for n in names)  # HIP 67522 c: no ephemeris
    rows = {p.name: r for p, r in _label_rows(shared_data)}
    assert not any("eclipsing" in rows[n]["label_class"] for n in names)
    hosts = [p for v in pool.values() for p in v if rows[p.name]["is_planet_host"] == "1"]
    assert len(hosts) >= 10
    for path in hosts:
        row = rows[path.name]
        eph = host_ephemerides(row)
        assert eph is not None
        listed = known_periods(row["known_periods_days"])
        assert all(any(abs(e.period - p) < 0.005 * p for e in eph) for p in listed)
        fmt = read(path).time_format
        bg = real_background(path, rng=rng, n_points=None, bin_to_days=None, root=shared_data)
        assert bg.source.startswith("real-host-masked:")
        tb = _bjd(bg, fmt)
        for e in eph:
            n = np.round((tb - e.t0_bjd) / e.period)
            dist = np.abs(tb - (e.t0_bjd + n * e.period))
            drift = np.sqrt(e.t0_err**2 + (n * e.period_err) ** 2)
            assert not np.any(dist < 0.5 * e.duration + 3 * drift), (path.name, e.source)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("name", "depth"),
    [
        ("lightkurve_wasp18_tic100100827_s02.fits.gz", 0.01),  # WASP-18 b, TESS 2 min
        ("hlsp_tess-data-alerts_tess_phot_00160148385-s02_tess_v1_lc.fits.gz", 0.013),  # TOI-247
    ],
)
def test_masked_windows_hold_the_real_transits(shared_data, rng, name, depth):
    """The catalogue epochs land on the real dips, and masking removes them."""
    path = next(
        p
        for v in real_background_pool(missions=("K2", "TESS"), root=shared_data).values()
        for p in v
        if p.name == name
    )
    from starskope.io import read

    lc = read(path)
    good = np.isfinite(lc.flux) & (lc.quality == 0)
    t, f = lc.t[good], lc.flux[good] / np.nanmedian(lc.flux[good])
    from starskope.simulate.backgrounds import _label_rows

    row = {p.name: r for p, r in _label_rows(shared_data)}[name]
    (e,) = host_ephemerides(row)
    off = {"bkjd": 2454833.0, "btjd": 2457000.0, "jd": 0.0}[lc.time_format]

    def fold(tt, ff):
        """Median flux in phase bins of T14 / 2 (bins with at least 5 cadences)."""
        phase = np.mod(tt + off - e.t0_bjd + 0.5 * e.period, e.period) - 0.5 * e.period
        k = np.floor(phase / (0.5 * e.duration)).astype(int)
        return {b: np.median(ff[k == b]) for b in np.unique(k) if np.sum(k == b) >= 5}

    raw = fold(t, f)
    # the catalogue epoch lands on the real dip: the bins at phase 0 hold the transit
    assert min(raw[-1], raw[0]) < 1 - 0.5 * depth
    bg = real_background(path, rng=rng, n_points=None, bin_to_days=None, root=shared_data)
    masked = fold(bg.lc.t + bg.t_offset, bg.lc.flux)
    assert -1 not in masked and 0 not in masked
    # nothing of the transit is left anywhere in phase (beyond the noise of a bin)
    noise = 1.4826 * np.median(np.abs(bg.lc.flux - np.median(bg.lc.flux)))
    n_bin = len(bg.lc.flux) / len(masked)
    assert min(masked.values()) > 1 - max(0.25 * depth, 5 * noise / np.sqrt(n_bin))


@pytest.mark.shared_data
def test_tess_two_minute_backgrounds_are_binned_to_long_cadence(shared_data, rng):
    path = shared_data / "lightcurves/tess/lightkurve_wasp18_tic100100827_s02.fits.gz"
    bg = real_background(path, rng=rng, n_points=3197, root=shared_data)
    assert abs(bg.lc.cadence * 1440 - 29.4244) < 0.5
    assert 500 < len(bg.lc.t) <= 3197


@pytest.mark.shared_data
def test_an_injection_trial_records_where_its_real_window_starts(shared_data):
    """The truth table's t_offset turns a trial's relative times back into its file's own,
    so a real-background injection can be found again in the file."""
    from starskope.simulate.backgrounds import _load
    from starskope.simulate.recovery import RecoveryConfig, make_trial

    path = real_background_files(missions=("K2",), root=shared_data)[0]
    cfg = RecoveryConfig(n=1, n_null=0, seed=3, backgrounds=("real",), n_points=1500)
    _, lc, _, truth = make_trial(0, cfg, files=[path])
    file_t = _load(path)[0]
    assert truth["t_offset"] > 0 and file_t.min() <= truth["t_offset"] <= file_t.max()
    assert np.isin(np.round(lc.t + truth["t_offset"], 6), np.round(file_t, 6)).all()
    white = RecoveryConfig(n=1, n_null=0, backgrounds=("white",), n_points=500)
    assert make_trial(0, white)[3]["t_offset"] == 0.0
