"""The object face of the period searches: ``TransitSearch.from_lightcurve(lc).power()``.

A thin facade in the manner of astropy's ``BoxLeastSquares`` and lightkurve's periodograms:
:meth:`TransitSearch.from_lightcurve` takes a flattened light curve, :meth:`~TransitSearch.autoperiod`
returns the trial grid, :meth:`~TransitSearch.power` runs one search pass
(:func:`~starskope.search.bls.search_bls` or :func:`~starskope.search.tls.search_tls`) and
:meth:`~TransitSearch.search_multi` the multi-planet loop, :meth:`~TransitSearch.model` and
:meth:`~TransitSearch.transit_mask` turn a result back into arrays. Every method delegates to a
pure function; the object only remembers the data and the settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import astropy.units as u
import numpy as np

from ..clean.masking import transit_mask as _transit_mask
from ..exceptions import StarskopeError
from ..lightcurve import LightCurve
from ..units import to_days, to_days_array
from .base import SearchResult
from .grid import duration_grid, period_grid
from .multi import SEARCHES
from .multi import search_multi as _search_multi

__all__ = ["TransitSearch"]


@dataclass(frozen=True)
class TransitSearch:
    """A period search bound to one flattened light curve.

    Build it with :meth:`from_lightcurve` (or directly from arrays). Times are days in the
    light curve's own system; flux is relative and flattened (about 1 out of transit).

    Attributes
    ----------
    t, flux : ndarray
        Finite times (days) and flux.
    flux_err : ndarray or None
        One-sigma errors.
    method : {"bls", "tls"}
        Search method (registry :data:`~starskope.search.multi.SEARCHES`).
    durations : ndarray
        Trial durations, days.
    min_period, oversample : float
        Period-grid settings (:func:`~starskope.search.grid.period_grid`).
    max_period : float or None
        Longest trial period, days (default half the baseline).
    time_format : {"btjd", "bkjd", "jd", "relative"} or None
        The system of ``t``: set by :meth:`from_lightcurve` and by an astropy ``Time`` given
        as ``t``; None for bare numbers. A ``Time`` given to :meth:`model` or
        :meth:`transit_mask` is converted into it.

    Examples
    --------
    >>> import numpy as np
    >>> from starskope import LightCurve
    >>> t = np.arange(0.0, 27.0, 10 / 1440)
    >>> f = 1 + np.random.default_rng(1).normal(0, 3e-4, t.size)
    >>> f[np.abs((t - 1.0 + 1.6) % 3.2 - 1.6) < 0.05] -= 2e-3
    >>> s = TransitSearch.from_lightcurve(LightCurve(t, f, time_format="relative"))
    >>> r = s.power()
    >>> round(r.period, 2), int(s.transit_mask(r).sum() > 0)
    (3.2, 1)
    """

    t: np.ndarray
    flux: np.ndarray
    flux_err: np.ndarray | None = None
    method: str = "bls"
    durations: np.ndarray | None = None
    min_period: float = 0.5
    max_period: float | None = None
    oversample: float = 2.0
    time_format: str | None = None

    def __post_init__(self):
        if self.method not in SEARCHES:
            raise StarskopeError(
                f"unknown search method {self.method!r}; choose one of {sorted(SEARCHES)}"
            )
        from astropy.time import Time, TimeDelta

        from ..lightcurve import _floats, _time_days

        if isinstance(self.t, TimeDelta):
            object.__setattr__(self, "time_format", "relative")
        elif isinstance(self.t, Time):  # its own system, whatever the field said before
            own = self.t.format if self.t.format in ("btjd", "bkjd") else "jd"
            object.__setattr__(self, "time_format", own)
        elif self.time_format is not None:
            fmt = str(self.time_format).strip().lower()
            if fmt not in ("btjd", "bkjd", "jd", "relative"):
                raise StarskopeError(
                    "time_format must be 'btjd', 'bkjd', 'jd', 'relative' or None; got"
                    f" {self.time_format!r}"
                )
            object.__setattr__(self, "time_format", fmt)
        t = _time_days(self.t)  # a Quantity of hours or seconds in days; masked -> NaN
        f = _floats(self.flux)
        if t.ndim != 1 or t.shape != f.shape:
            raise StarskopeError(
                f"t and flux must be 1-D of equal length; got {t.shape}, {f.shape}"
            )
        ok = np.isfinite(t) & np.isfinite(f)
        if ok.sum() < 20:
            raise StarskopeError(f"a period search needs at least 20 finite points; got {ok.sum()}")
        err = None
        if self.flux_err is not None:
            err = _floats(self.flux_err)
            if err.shape != t.shape:
                raise StarskopeError("flux_err must have the shape of flux")
            err = err[ok]
        med = float(np.median(f[ok]))
        if not 0.5 < med < 2.0:  # e-/s or offsets: a depth of 88 e/s reported as relative
            import warnings

            from ..exceptions import StarskopeWarning

            warnings.warn(
                f"flux is not relative (median {med:.4g}): the search's depths and model are"
                " relative flux; normalise it first (lc.normalize(), or"
                " TransitSearch.from_lightcurve(lc.normalize()))",
                StarskopeWarning,
                stacklevel=3,
            )
        order = np.argsort(t[ok], kind="stable")
        object.__setattr__(self, "t", t[ok][order])
        object.__setattr__(self, "flux", f[ok][order])
        object.__setattr__(self, "flux_err", None if err is None else err[order])
        dur = duration_grid() if self.durations is None else to_days_array(self.durations)
        dur = np.sort(np.atleast_1d(dur).astype(float))
        if dur.size == 0 or not np.all(np.isfinite(dur) & (dur > 0)):
            raise StarskopeError(f"durations must be one or more positive times; got {dur}")
        if self.durations is not None:
            from .bls import warn_if_durations_look_like_hours

            warn_if_durations_look_like_hours(self.durations, dur)
        object.__setattr__(self, "durations", dur)
        object.__setattr__(self, "min_period", to_days(self.min_period, name="min_period"))
        if not (np.isfinite(self.min_period) and self.min_period > 0):
            raise StarskopeError(f"min_period must be a positive time; got {self.min_period}")
        if self.max_period is not None:
            object.__setattr__(self, "max_period", to_days(self.max_period, name="max_period"))
            if not self.max_period > self.min_period:
                raise StarskopeError(
                    f"max_period ({self.max_period}) must exceed min_period ({self.min_period})"
                )
        try:
            ok = bool(np.isfinite(float(self.oversample)) and float(self.oversample) >= 1)
        except (TypeError, ValueError):
            ok = False
        if not ok or isinstance(self.oversample, str | bool):
            raise StarskopeError(f"oversample must be a number >= 1; got {self.oversample!r}")

    @classmethod
    def from_lightcurve(
        cls,
        lc: LightCurve,
        *,
        method: str = "bls",
        durations=None,
        min_period=0.5,
        max_period=None,
        oversample: float = 2.0,
    ) -> TransitSearch:
        """Bind a search to a flattened light curve (e.g. ``flatten(clean(lc)).lightcurve``).

        Parameters
        ----------
        lc : LightCurve
            Flattened relative flux; NaNs are dropped.
        method : {"bls", "tls"}, optional
        durations : array-like or `~astropy.units.Quantity`, optional
            Trial durations (float: days; default 1-8 hours).
        min_period, max_period : float or `~astropy.units.Quantity`, optional
            Period range (float: days); max defaults to half the baseline.
        oversample : float, optional
            Period-grid oversampling.
        """
        if not isinstance(lc, LightCurve):
            raise StarskopeError(
                f"from_lightcurve needs a starskope LightCurve; got {type(lc).__name__} "
                "(use starskope.read or LightCurve.from_lightkurve)"
            )
        return cls(
            t=lc.t,
            flux=lc.flux,
            flux_err=lc.flux_err,
            method=method,
            durations=durations,
            min_period=min_period,
            max_period=max_period,
            oversample=oversample,
            time_format=lc.time_format,
        )

    @property
    def baseline(self) -> float:
        """Time from the first to the last point, days."""
        return float(self.t[-1] - self.t[0])

    def autoperiod(self) -> np.ndarray:
        """The trial periods (days) the search uses: :func:`~starskope.search.grid.period_grid`."""
        return period_grid(
            baseline=self.baseline,
            min_period=self.min_period,
            max_period=self.max_period,
            oversample=self.oversample,
        )

    def power(self, periods=None) -> SearchResult:
        """One search pass: the strongest periodic transit signal and its periodogram.

        Parameters
        ----------
        periods : array-like or `~astropy.units.Quantity`, optional
            Trial periods (float: days); default :meth:`autoperiod`. Ignored by TLS, which
            builds its own grid from the same period range and oversampling.
        """
        grid = self.autoperiod() if periods is None else to_days_array(periods)
        baseline = float(self.t[-1] - self.t[0])
        if periods is not None and np.size(grid) and float(np.min(grid)) > baseline:
            import warnings

            from ..exceptions import StarskopeWarning

            warnings.warn(
                f"every trial period ({float(np.min(grid)):g} d and longer) exceeds the"
                f" {baseline:.4g}-d baseline: at most one transit fits, so the period is not"
                " measured",
                StarskopeWarning,
                stacklevel=2,
            )
        return SEARCHES[self.method](
            self.t,
            self.flux,
            self.flux_err,
            periods=np.asarray(grid, dtype=float),
            durations=self.durations * u.day,  # days, checked when the search was made
            min_period=self.min_period,
            max_period=self.max_period,
            oversample=self.oversample,
            engine="numba",
        )

    def search_multi(
        self,
        *,
        max_planets: int = 3,
        snr_threshold: float = 7.1,
        sde_threshold: float = 7.0,
        alternates: int = 0,
        repeats: int = 0,
    ) -> tuple[SearchResult, ...]:
        """Search, mask the found transits, search again: :func:`~starskope.search.multi.search_multi`
        (``alternates`` and ``repeats`` as there; the pipeline uses 3 and 2)."""
        return _search_multi(
            self.t,
            self.flux,
            self.flux_err,
            method=self.method,
            max_planets=max_planets,
            snr_threshold=snr_threshold,
            sde_threshold=sde_threshold,
            min_period=self.min_period,
            max_period=self.max_period,
            oversample=self.oversample,
            durations=self.durations * u.day,  # days, checked when the search was made
            alternates=alternates,
            repeats=repeats,
        )

    def _days(self, t) -> np.ndarray:
        """``t`` in the search's own days: numbers as they are, an astropy ``Time`` converted
        into :attr:`time_format` (a ``Time`` in JD or MJD of a BTJD search's instants was read
        by its own format, 2457000 days off); numbers more than a century from the search's
        times are refused as another system (BTJD against BKJD, 2167 days apart, is not
        told apart)."""
        from astropy.time import Time

        from ..fold import check_epoch_system
        from ..lightcurve import _time_days, _time_values
        from ..time import TIME_OFFSETS

        if isinstance(t, Time):
            if self.time_format == "relative":
                raise StarskopeError(
                    "the search's times are relative (days from a start): give t as days, not"
                    " an absolute Time"
                )
            if self.time_format is None:
                raise StarskopeError(
                    "the search's times are bare numbers of no known system: give t as the"
                    " same numbers, or build the search from a LightCurve or an astropy Time"
                )
            values, fmt = _time_values(t, stacklevel=3)  # (warned at model's caller)
            if fmt == self.time_format:
                return values
            return values + (TIME_OFFSETS[fmt] - TIME_OFFSETS[self.time_format])
        days = _time_days(t)
        finite = days[np.isfinite(days)]
        if finite.size:  # another system than the search's would put the transits elsewhere
            check_epoch_system(float(np.median(finite)), self.t)
        return days

    def model(self, result: SearchResult, t=None) -> np.ndarray:
        """The box model of ``result`` (relative flux, 1 out of transit) at ``t`` (default the
        search's own times)."""
        t = self.t if t is None else self._days(t)
        inn = _transit_mask(t, period=result.period, t0=result.t0, duration=result.duration)
        return 1.0 - result.depth * inn

    def transit_mask(self, result: SearchResult, t=None, *, factor: float = 1.0) -> np.ndarray:
        """True in ``result``'s transits, widened to ``factor`` durations, at ``t`` (default the
        search's own times)."""
        if not factor > 0:
            raise StarskopeError(f"factor must be positive; got {factor}")
        t = self.t if t is None else self._days(t)
        return _transit_mask(
            t, period=result.period, t0=result.t0, duration=factor * result.duration
        )
