"""Vetting: is a periodic transit-like signal planet-like, or a binary, a variable star, noise?

Each test is a pure function of times (days), relative detrended flux and the candidate's
ephemeris, returning one :class:`~starskope.result.VetFlag` whose ``raised`` is True when the
test says the signal is *not* planet-like (or, for informational tests, that something needs a
look), with a ``reason`` sentence that quotes the numbers behind the decision.
:func:`vet_candidate` runs all of them through a registry, sharing the folding and the noise
estimate, in a few milliseconds; :func:`is_planet_like` turns the flags into a decision.

The tests follow the Kepler Robovetter (Coughlin et al. 2016; Thompson et al. 2018): odd/even
depth difference, secondary eclipse (at phase 0.5 and the strongest dip at any other phase),
V- versus U-shape (trapezoid ingress fraction), transit versus sinusoid (stellar variability),
single-event domination, uniqueness against the dips at all other phases (model-shift test),
plus the duration a main-sequence star allows at the period (Seager & Mallen-Ornelas 2003), a
depth limit, and period aliases (P/2, 2P, other candidates).

Noise: the white scatter is the robust (MAD) standard deviation of out-of-transit flux; a
red-noise factor ``beta >= 1`` compares the scatter of duration-long averages with the white
expectation (Pont, Zucker & Queloz 2006), and every depth uncertainty is
``sigma * beta / sqrt(n)``.

References
----------
.. [1] Coughlin, J. L. et al. 2016, ApJS 224, 12, "Planetary Candidates Observed by Kepler.
   VII. The First Fully Uniform Catalog Based on the Entire 48-month Data Set (Q1-Q17 DR24)".
.. [2] Thompson, S. E. et al. 2018, ApJS 235, 38, "Planetary Candidates Observed by Kepler.
   VIII. A Fully Automated Catalog with Measured Completeness and Reliability Based on Data
   Release 25".
.. [3] Seager, S. & Mallen-Ornelas, G. 2003, ApJ 585, 1038, "A Unique Solution of Planet and
   Star Parameters from an Extrasolar Planet Transit Light Curve".
.. [4] Pont, F., Zucker, S. & Queloz, D. 2006, MNRAS 373, 231, "The effect of red noise on
   planetary transit detection".
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..exceptions import StarskopeError
from ..fold import phase_fold
from ..result import VetFlag
from .base import DISQUALIFYING, INFORMATIONAL, VetThresholds, _context
from .checks import VET_TESTS, _alias, central_duration, parity_depths

__all__ = [
    "DISQUALIFYING",
    "INFORMATIONAL",
    "VET_TESTS",
    "VetThresholds",
    "alias",
    "central_duration",
    "data_edges",
    "depth_limit",
    "duration_vs_period",
    "is_planet_like",
    "odd_even",
    "odd_even_depths",
    "other_transits",
    "secondary_eclipse",
    "single_event",
    "sinusoid",
    "transit_depths",
    "uniqueness",
    "v_shape",
    "vet_candidate",
]


def vet_candidate(
    t,
    flux,
    flux_err,
    *,
    period,
    t0,
    duration,
    depth,
    periodogram=None,
    other_periods: Iterable = (),
    thresholds: VetThresholds | None = None,
    tests: Iterable[str] | None = None,
    exclude=None,
) -> tuple[VetFlag, ...]:
    """Run the vetting tests on one candidate.

    Parameters
    ----------
    t : array-like
        Times in days.
    flux : array-like
        Relative, detrended flux (about 1 out of transit).
    flux_err : array-like or None
        One-sigma errors; used only when the out-of-transit scatter cannot be measured.
    period, t0, duration : float or `~astropy.units.Quantity` ['time']
        Ephemeris and transit duration (float: days; ``t0`` in the system of ``t``).
    depth : float
        Transit depth, relative flux (e.g. from the search or the fit).
    periodogram : `~starskope.search.base.Periodogram`, optional
        The search's periodogram, to compare power at P/2 and 2P with P.
    other_periods : iterable of float, optional
        Periods (days) of the star's other candidates, to spot harmonics and duplicates.
    thresholds : VetThresholds, optional
        Decision thresholds; defaults in :class:`VetThresholds`.
    tests : iterable of str, optional
        Names from :data:`VET_TESTS` to run (default all, in registry order).
    exclude : array-like of bool, optional
        Points to leave out (True), e.g. the in-transit points of the star's other
        candidates, so that their transits are not mistaken for secondary eclipses or spoil
        odd/even depths. If it would remove most of this candidate's own in-transit points
        (an alias of this one), or many of them while covering much of the light curve (a
        pulsation's "transits"; :func:`~starskope.vet.base.others_left_out`), this
        candidate's transit windows are kept.

    Returns
    -------
    tuple of `~starskope.result.VetFlag`
        One flag per test, named as in :data:`VET_TESTS`.

    Raises
    ------
    StarskopeError
        If the ephemeris is not usable, fewer than 10 points are finite, or a test name is
        unknown.

    References
    ----------
    .. [1] Coughlin et al. 2016, ApJS 224, 12.
    .. [2] Thompson et al. 2018, ApJS 235, 38.
    .. [3] Seager & Mallen-Ornelas 2003, ApJ 585, 1038.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(0.0, 27.0, 10 / 1440)
    >>> flux = 1 + rng.normal(0, 5e-4, t.size)
    >>> flux[np.abs((t - 1.0 + 1.6) % 3.2 - 1.6) < 0.05] -= 2e-3
    >>> flags = vet_candidate(t, flux, None, period=3.2, t0=1.0, duration=0.1, depth=2e-3)
    >>> [f.name for f in flags if f.raised], is_planet_like(flags)
    ([], True)
    """
    th = VetThresholds.coerce(thresholds)
    names = list(VET_TESTS) if tests is None else list(tests)
    unknown = [n for n in names if n not in VET_TESTS]
    if unknown:
        raise StarskopeError(f"unknown vetting tests {unknown}; choose from {list(VET_TESTS)}")
    ctx = _context(
        t, flux, flux_err, period=period, t0=t0, duration=duration, depth=depth, exclude=exclude
    )
    out = []
    for name in names:
        if name == "alias":
            out.append(_alias(ctx, th, periodogram=periodogram, other_periods=tuple(other_periods)))
        else:
            out.append(VET_TESTS[name](ctx, th))
    return tuple(out)


def is_planet_like(flags: Iterable[VetFlag]) -> bool:
    """True unless a disqualifying flag (see :data:`DISQUALIFYING`) is raised.

    Informational flags (:data:`INFORMATIONAL`, e.g. ``alias``) and unknown names never
    disqualify.

    Examples
    --------
    >>> is_planet_like([VetFlag("alias", True, 1.4, "P/2"), VetFlag("depth", False, 0.01, "")])
    True
    >>> is_planet_like([VetFlag("odd_even", True, 5.0, "odd and even differ")])
    False
    """
    return not any(f.raised and f.name in DISQUALIFYING for f in flags)


def _single(name: str, doc: str):
    def test(
        t,
        flux,
        flux_err=None,
        *,
        period,
        t0,
        duration,
        depth=None,
        thresholds: VetThresholds | None = None,
        exclude=None,
    ) -> VetFlag:
        ctx = _context(
            t,
            flux,
            flux_err,
            period=period,
            t0=t0,
            duration=duration,
            depth=depth,
            exclude=exclude,
        )
        return VET_TESTS[name](ctx, thresholds if thresholds is not None else VetThresholds())

    test.__name__ = test.__qualname__ = {
        "secondary": "secondary_eclipse",
        "depth": "depth_limit",
    }.get(name, name)
    test.__doc__ = (
        doc
        + """

    Parameters
    ----------
    t, flux : array-like
        Times (days) and relative, detrended flux.
    flux_err : array-like, optional
        Used only when the out-of-transit scatter cannot be measured.
    period, t0, duration : float or `~astropy.units.Quantity` ['time']
        Ephemeris and duration (float: days).
    depth : float, optional
        Transit depth (relative flux) from the search or fit.
    thresholds : VetThresholds, optional
        Decision thresholds.
    exclude : array-like of bool, optional
        Points to leave out (e.g. other candidates' transits).

    Returns
    -------
    `~starskope.result.VetFlag`
    """
    )
    return test


def other_transits(t, ephemerides) -> np.ndarray | None:
    """Cadences in the transits of a star's other signals, which vetting one signal leaves
    out (another planet's dip is neither a secondary eclipse nor an odd/even difference):
    within 0.75 of a duration of each transit's centre.

    Parameters
    ----------
    t : array-like
        Times (days).
    ephemerides : iterable of (period, t0, duration)
        The other signals, in days.

    Returns
    -------
    numpy.ndarray of bool, or None when there is no other signal.

    Examples
    --------
    >>> other_transits(np.arange(0.0, 3.0, 0.25), [(1.0, 0.0, 0.2)]).nonzero()[0]
    array([0, 4, 8])
    """
    t = np.asarray(t, dtype=float)
    mask = None
    for period, t0, duration in ephemerides:
        inside = np.abs(phase_fold(t, period=period, t0=t0)) < 0.75 * duration
        mask = inside if mask is None else mask | inside
    return mask


def odd_even_depths(
    t,
    flux,
    flux_err=None,
    *,
    period,
    t0,
    duration,
    exclude=None,
    thresholds: VetThresholds | None = None,
) -> dict | None:
    """The odd and even transit depths :func:`odd_even` compares, for plots and checks.

    Parameters are those of :func:`odd_even`. Returns a dict with ``odd``, ``odd_err``,
    ``even``, ``even_err`` (relative flux), ``n_odd``, ``n_even`` (transits with data),
    ``inflate`` (the errors' scale factor) and ``how`` (empty, or saying that the medians of
    the single-transit depths were compared); None when one parity has no transit with data.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 20.0, 0.02)
    >>> f = np.where(np.abs((t - 1.0 + 1.0) % 2.0 - 1.0) < 0.05, 0.99, 1.0)
    >>> d = odd_even_depths(t, f, period=2.0, t0=1.0, duration=0.1)
    >>> round(d["odd"] * 1e6), round(d["even"] * 1e6), d["n_odd"] + d["n_even"]
    (10000, 10000, 10)
    """
    ctx = _context(
        t, flux, flux_err, period=period, t0=t0, duration=duration, depth=None, exclude=exclude
    )
    return parity_depths(ctx, thresholds if thresholds is not None else VetThresholds())


odd_even = _single(
    "odd_even",
    "Odd versus even transit depth, difference in sigma (an eclipsing binary at twice the "
    "period shows unequal depths; Thompson et al. 2018).",
)
secondary_eclipse = _single(
    "secondary",
    "Secondary eclipse at phase 0.5 and the strongest dip at any other phase (eccentric "
    "binaries); significance and depth relative to the primary (Coughlin et al. 2016).",
)
v_shape = _single(
    "v_shape",
    "V- versus U-shape: ingress fraction of a trapezoid fit, exposure-smeared; raised for "
    "V-shaped (grazing or stellar) eclipses.",
)
sinusoid = _single(
    "sinusoid",
    "Transit versus sinusoid: chi-square reduction of harmonics at P and P/2 versus the "
    "transit box on the folded curve (stellar variability).",
)
single_event = _single(
    "single_event",
    "Single-event domination: share of the summed per-transit SNR^2 carried by the strongest "
    "transit.",
)
data_edges = _single(
    "data_edges",
    "Segment edges: raised when every transit lies at the start or end of a data segment (a "
    "gap or the data's ends; with one or two transits, only when none of them has data both "
    "before and after it), or the transits away from them do not show the dip: ramps and "
    "one-sided detrending at the edges lined up by a period.",
)
transit_depths = _single(
    "transit_depths",
    "Per-transit depth consistency: chi-square of the individual transit depths about their "
    "mean, raised when a transit is missing (a period assembled from single transits of "
    "different planets, as in Kepler-90 quarters, or from unrelated dips).",
)
duration_vs_period = _single(
    "duration_vs_period",
    "Transit duration against the central-transit duration for a main-sequence stellar "
    "density at that period (Seager & Mallen-Ornelas 2003).",
)
uniqueness = _single(
    "uniqueness",
    "Uniqueness: the transit's significance against the scatter of box dips at all other "
    "phases (pulsators, spotted stars and systematics make many dips; Coughlin et al. 2016 "
    "model-shift test).",
)
depth_limit = _single("depth", "Depth too large for a planet transiting a main-sequence star.")


def alias(
    t,
    flux,
    flux_err=None,
    *,
    period,
    t0,
    duration,
    depth=None,
    periodogram=None,
    other_periods: Iterable = (),
    thresholds: VetThresholds | None = None,
    exclude=None,
) -> VetFlag:
    """Period aliases: is the box signal at P/2 or 2P as strong as at P, or does the period
    match another candidate's (1x, 2x, 3x, 1/2, 1/3)?

    Parameters
    ----------
    t, flux : array-like
        Times (days) and relative, detrended flux.
    flux_err : array-like, optional
        Used only when the out-of-transit scatter cannot be measured.
    period, t0, duration : float or `~astropy.units.Quantity` ['time']
        Ephemeris and duration (float: days).
    depth : float, optional
        Transit depth (relative flux).
    periodogram : `~starskope.search.base.Periodogram`, optional
        Compare the power at P/2 and 2P with that at P.
    other_periods : iterable of float, optional
        Periods (days) of the star's other candidates.
    thresholds : VetThresholds, optional
        Decision thresholds.
    exclude : array-like of bool, optional
        Points to leave out (e.g. other candidates' transits).

    Returns
    -------
    `~starskope.result.VetFlag`
        ``value`` is the larger of SNR(P/2)/SNR(P) and SNR(2P)/SNR(P) (about 0.71 for a true
        period P); the reason names the alias.
    """
    ctx = _context(
        t, flux, flux_err, period=period, t0=t0, duration=duration, depth=depth, exclude=exclude
    )
    th = thresholds if thresholds is not None else VetThresholds()
    return _alias(ctx, th, periodogram=periodogram, other_periods=tuple(other_periods))
