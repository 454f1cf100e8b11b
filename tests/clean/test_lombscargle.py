import sys

import numpy as np
import pytest
from astropy.timeseries import LombScargle

from starskope.clean.lombscargle import _nifty_available, frequency_grid, lomb_scargle


def _curve(rng, n=3197, cadence=0.0204):
    t = np.sort(np.arange(n) * cadence + rng.normal(0, 1e-4, n))
    t = np.delete(t, np.s_[1200:1350])  # a gap
    y = 3e-3 * np.sin(2 * np.pi * t / 1.7) + 1e-3 * np.sin(2 * np.pi * t / 0.37)
    return t, y + rng.normal(0, 1e-3, t.size)


def test_grid_is_astropys_autofrequency(rng):
    t, y = _curve(rng)
    f0, df, n = frequency_grid(t, minimum_frequency=1 / 30, maximum_frequency=10.0)
    ref = LombScargle(t, y).autofrequency(
        minimum_frequency=1 / 30, maximum_frequency=10.0, samples_per_peak=10
    )
    np.testing.assert_allclose(f0 + df * np.arange(n), ref, rtol=1e-12)


@pytest.mark.parametrize("engine", ["auto", "astropy"])
def test_power_matches_astropy_autopower(rng, engine):
    t, y = _curve(rng)
    f_ref, p_ref = LombScargle(t, y).autopower(
        minimum_frequency=1 / 30, maximum_frequency=10.0, samples_per_peak=10
    )
    f, p = lomb_scargle(t, y, minimum_frequency=1 / 30, maximum_frequency=10.0, engine=engine)
    np.testing.assert_allclose(f, f_ref, rtol=1e-12)
    np.testing.assert_allclose(p, p_ref, atol=1e-6)
    assert 1 / f[np.argmax(p)] == pytest.approx(1.7, rel=1e-3)


def test_nifty_engine_agrees_with_astropy(rng):
    pytest.importorskip("nifty_ls")
    t, y = _curve(rng)
    kw = dict(minimum_frequency=0.05, maximum_frequency=8.0, samples_per_peak=7)
    _, p1 = lomb_scargle(t, y, engine="nifty", **kw)
    _, p2 = lomb_scargle(t, y, engine="astropy", **kw)
    np.testing.assert_allclose(p1, p2, atol=1e-6)


@pytest.fixture
def probe_again():
    """The nifty-ls probe is cached per process: forget it before and after a test that hides
    or changes nifty-ls."""
    _nifty_available.cache_clear()
    yield
    _nifty_available.cache_clear()


def test_falls_back_to_astropy_without_nifty(rng, monkeypatch, probe_again):
    monkeypatch.setitem(sys.modules, "nifty_ls", None)  # import fails
    monkeypatch.setitem(sys.modules, "nifty_ls.backends", None)
    t, y = _curve(rng)
    f, p = lomb_scargle(t, y, minimum_frequency=0.05, maximum_frequency=8.0)
    assert 1 / f[np.argmax(p)] == pytest.approx(1.7, rel=1e-3)
    with pytest.raises(ImportError):
        lomb_scargle(t, y, minimum_frequency=0.05, maximum_frequency=8.0, engine="nifty")
    with pytest.raises(ValueError, match="unknown Lomb-Scargle engine"):
        lomb_scargle(t, y, minimum_frequency=0.05, maximum_frequency=8.0, engine="fft")


def test_no_cpu_backend_or_a_one_point_grid_uses_astropy(rng, monkeypatch, probe_again):
    nifty = pytest.importorskip("nifty_ls.backends")
    t, y = _curve(rng)
    monkeypatch.setattr(nifty, "available_backends", lambda verbose=False: ["auto", "cufinufft"])
    f, p = lomb_scargle(t, y, minimum_frequency=0.05, maximum_frequency=8.0)
    assert 1 / f[np.argmax(p)] == pytest.approx(1.7, rel=1e-3)
    monkeypatch.undo()
    _nifty_available.cache_clear()
    # a grid of one frequency (nifty-ls needs fmin < fmax)
    f, p = lomb_scargle(t, y, minimum_frequency=0.5, maximum_frequency=0.5)
    assert f.size == 1 and np.isfinite(p).all()
    with pytest.raises(ValueError, match="two distinct times"):
        lomb_scargle(np.ones(5), np.arange(5.0), minimum_frequency=0.1, maximum_frequency=1.0)
