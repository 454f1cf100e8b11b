"""Pipeline configuration: one frozen dataclass, defaults in one place."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

__all__ = ["PipelineConfig", "cache_root"]


@dataclass(frozen=True)
class PipelineConfig:
    """Settings for :func:`starskope.pipeline.analyse`.

    Times are in days and durations in hours unless the name says otherwise.
    """

    # cleaning
    quality_bitmask: str = "default"
    sigma_upper: float = 4.0
    sigma_isolated: float | None = 5.0  # single-cadence dips (neighbours at baseline) dropped
    # detrending
    detrend_method: str = "biweight"
    detrend_window_days: float | None = None  # None: 3 x the longest duration searched
    adaptive_window: bool = True  # detect strongly variable (active) stars, treat them below
    # "rotation": the rotation period from a Lomb-Scargle periodogram; rotators faster than 2 d
    # get a robust local polynomial plus rotation harmonics over three rotations
    # (starskope.clean.rotation), with signals at simple ratios of that period and shallower
    # than the modulation rejected as its residual (vetting flag "variability"); slower ones a robust
    # local cubic over active_window_days, as are fast ones whose harmonic model leaves over
    # twice the cubic's noise on two-hour means (multi-periodic pulsators, beating pairs).
    # "localpoly": the local cubic for every active star
    # (the default before 2026-11). None: biweight with a shortened window
    active_detrend_method: str | None = "rotation"
    active_window_days: float = 0.75  # shortest window for active stars
    active_trigger: float = 0.5  # active when the suggested window < this x 3 x longest duration
    # opt-in: remove coherent rotation (sinusoids) before detrending active stars; off by
    # default because it also absorbs part of an eclipsing binary's eclipses
    prewhiten_active: bool = False
    # coherent pulsations faster than 3 cycles a day (a delta Scuti star's modes, on a
    # transit's own time scale) removed as sinusoids before detrending, while each lowers the
    # bulk's scatter as a pulsation does (a train of dips' harmonics do not):
    # starskope.clean.pulsations
    prewhiten_pulsations: bool = True
    redetrend_masked: bool = True  # re-detrend with the found transits masked, re-measure
    # search
    method: str = "bls"
    min_period_days: float = 0.5
    max_period_days: float | None = None  # None: half the baseline (two transits)
    durations_hours: tuple[float, ...] = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
    oversample: int = 2  # grid points per duration-phase step; 1 is 1.5x faster, 3 TLS-dense
    max_planets: int = 3
    # when the strongest periodogram peak of the first pass is not significant (a long-period
    # red-noise signal on a spotted or granulating star, say), this many of the next peaks
    # (SDE above threshold, not the top's aliases) are measured, and the first significant one
    # with three or more transits is taken (search.multi.search_multi; 0 turns it off)
    alternate_peaks: int = 3
    # a binary or pulsator at a short period (20 or more cycles in the data) found again after
    # masking is subtracted as its folded shape, up to this many times, instead of being
    # masked again and taking every planet slot (search.multi.search_multi; 0 turns it off)
    subtract_repeats: int = 2
    snr_threshold: float = 7.1
    snr_threshold_two_transits: float = 9.0  # look-elsewhere: any two dips make a "period"
    sde_threshold: float = 7.0
    # a top signal above this fraction of snr_threshold (and with SDE above sde_threshold) is
    # re-measured on the light curve re-detrended with its transits masked, as significant
    # signals are: the first detrending takes ~5% of a transit's depth (more for long ones).
    # Quiet stars only: on an active star, masking dips of the variability deepens them as
    # much (20-50% on injection-recovery nulls), which would make false alarms
    borderline_snr_fraction: float = 0.8
    bls_engine: str = "numba"  # "numba" (starskope's kernel) or "astropy" (reference)
    # refinement
    fit_transit: bool = True
    # known objects: annotate candidates against the NASA Exoplanet Archive tables
    annotate_known: bool = True
    # models: reserved (None only); analyse() runs no model. Scores come from
    # starskope.models.predict.predict_results, `starskope search --model` or `predict`
    model: str | None = None

    def __post_init__(self) -> None:
        _check(self)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> PipelineConfig:
        """A copy with some settings changed; unknown names are refused, naming them."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            from .exceptions import StarskopeError

            raise StarskopeError(
                f"unknown PipelineConfig setting{'s' if len(unknown) > 1 else ''}"
                f" {', '.join(map(repr, unknown))}; the settings are {', '.join(sorted(known))}"
            )
        return dataclasses.replace(self, **changes)


#: Fields checked on construction: name -> (kind, lower bound, strictly above the bound).
_NUMBERS: dict[str, tuple[type, float, bool]] = {
    "sigma_upper": (float, 0.0, True),
    "sigma_isolated": (float, 0.0, True),
    "detrend_window_days": (float, 0.0, True),
    "active_window_days": (float, 0.0, True),
    "active_trigger": (float, 0.0, True),
    "min_period_days": (float, 0.0, True),
    "max_period_days": (float, 0.0, True),
    "oversample": (int, 1.0, False),
    "max_planets": (int, 1.0, False),
    "alternate_peaks": (int, 0.0, False),
    "subtract_repeats": (int, 0.0, False),
    "snr_threshold": (float, 0.0, False),
    "snr_threshold_two_transits": (float, 0.0, False),
    "sde_threshold": (float, 0.0, False),
    "borderline_snr_fraction": (float, 0.0, True),
}


#: The named choices of the text settings (the searches, detrenders and BLS engines of
#: ``starskope.search`` and ``starskope.clean``; a test keeps them equal), checked when the
#: configuration is made, not when an active star first needs one in the middle of a scan.
_DETRENDERS = frozenset({"biweight", "savgol", "spline", "localpoly", "none", "rotation"})
_CHOICES: dict[str, frozenset] = {
    "method": frozenset({"bls", "tls"}),
    "bls_engine": frozenset({"numba", "astropy"}),
    "detrend_method": _DETRENDERS,
    "active_detrend_method": _DETRENDERS | {None},  # None: biweight with a shortened window
    "quality_bitmask": frozenset({"none", "default", "hard", "hardest"}),
}


def _registered(name: str) -> set:
    """Names added at run time to the registries a text setting names (``SEARCHES``,
    ``DETRENDERS``), where their modules are loaded (never imported here: the configuration
    is made at ``import starskope``)."""
    import sys

    where = {
        "method": ("starskope.search.multi", "SEARCHES"),
        "detrend_method": ("starskope.clean.detrend", "DETRENDERS"),
        "active_detrend_method": ("starskope.clean.detrend", "DETRENDERS"),
    }.get(name)
    module = sys.modules.get(where[0]) if where else None
    return set(getattr(module, where[1], ())) if module is not None else set()


def _check(config: PipelineConfig) -> None:
    """One clear error for a setting of the wrong type or range, when the configuration is made
    (not a TypeError deep in the search)."""
    import math
    import numbers

    from .exceptions import StarskopeError

    if config.model is not None:
        raise StarskopeError(
            f"PipelineConfig.model ({config.model!r}) is not used by analyse(), which runs no"
            " model: score stars with starskope.models.predict.predict_results(items,"
            " model=NAME), `starskope search --model NAME` or `starskope predict`"
        )
    for f in dataclasses.fields(config):  # switches are True or False, not "no" (truthy)
        value = getattr(config, f.name)
        if isinstance(f.default, bool) and not isinstance(value, bool):
            if getattr(getattr(value, "dtype", None), "kind", "") == "b":  # numpy's bool
                object.__setattr__(config, f.name, bool(value))
                continue
            raise StarskopeError(f"PipelineConfig.{f.name} must be True or False; got {value!r}")
    for name, choices in _CHOICES.items():
        value = getattr(config, name)
        if (
            name == "quality_bitmask"
            and isinstance(value, numbers.Integral)
            and not isinstance(value, bool)
        ):
            if not 0 <= int(value) < 2**32:  # the missions' flags are 32-bit words
                raise StarskopeError(
                    f"PipelineConfig.quality_bitmask must be 0 to 2**32 - 1 as an integer; got"
                    f" {value}"
                )
            continue  # an explicit bitmask
        key = value.lower() if name == "quality_bitmask" and isinstance(value, str) else value
        try:
            known = key in choices or key in _registered(name)
        except TypeError:  # unhashable (a list)
            known = False
        if not known:
            shown = sorted(c for c in choices if c is not None) + (
                ["None"] if None in choices else []
            )
            extra = " or an integer" if name == "quality_bitmask" else ""
            raise StarskopeError(
                f"PipelineConfig.{name} must be one of {shown}{extra}; got {value!r}"
            )
    for name, (kind, low, strict) in _NUMBERS.items():
        value = getattr(config, name)
        if isinstance(value, numbers.Real) and not isinstance(value, bool | int | float):
            # a numpy scalar (np.int64(2), np.float32(1.0)): stored as the Python number
            value = value.item() if hasattr(value, "item") else float(value)
            object.__setattr__(config, name, value)
        if value is None and name in ("sigma_upper", "sigma_isolated", "detrend_window_days",
                                      "max_period_days"):  # fmt: skip
            continue
        ok_type = isinstance(value, int | float) and not isinstance(value, bool)
        if kind is int:
            ok_type = ok_type and math.isfinite(value) and float(value).is_integer()
        # +inf is a way to switch a test off (a threshold nothing reaches); NaN never is
        if not ok_type or math.isnan(value) or value < low or (strict and value == low):
            what = "an integer" if kind is int else "a number"
            bound = f"> {low:g}" if strict else f">= {low:g}"
            raise StarskopeError(f"PipelineConfig.{name} must be {what} {bound}; got {value!r}")
        if kind is int and isinstance(value, float) and math.isfinite(value):
            object.__setattr__(config, name, int(value))  # 2.0 -> 2
    if config.max_period_days is not None and config.max_period_days <= config.min_period_days:
        raise StarskopeError(
            f"PipelineConfig.max_period_days ({config.max_period_days}) must exceed "
            f"min_period_days ({config.min_period_days})"
        )
    durations = config.durations_hours
    if (
        not isinstance(durations, tuple | list)
        or not durations
        or not all(isinstance(d, int | float) and math.isfinite(d) and d > 0 for d in durations)
    ):
        raise StarskopeError(
            f"PipelineConfig.durations_hours must be positive hours, one or more; got {durations!r}"
        )
    if min(durations) < 1.0 / 60.0:  # the search's shortest box (search.bls.MIN_DURATION_DAYS)
        raise StarskopeError(
            f"PipelineConfig.durations_hours must be one minute (0.0167 h) or longer; got"
            f" {min(durations):g} h (no planet's transit is shorter)"
        )
    # a tuple of floats: hashable, and equal after a JSON round trip (which gives a list)
    object.__setattr__(config, "durations_hours", tuple(float(d) for d in durations))


def cache_root():
    """Where starskope's caches live (Kaggle tables, pipeline views, MAST downloads):
    ``$STARSKOPE_CACHE`` (or its alias ``$STARSKOPE_CACHE_DIR``), else
    ``$XDG_CACHE_HOME/starskope``, else ``~/.cache/starskope``.

    Examples
    --------
    >>> import os
    >>> saved = os.environ.get("STARSKOPE_CACHE")
    >>> os.environ["STARSKOPE_CACHE"] = "/tmp/sk"
    >>> str(cache_root())
    '/tmp/sk'
    >>> _ = os.environ.pop("STARSKOPE_CACHE") if saved is None else os.environ.update(
    ...     STARSKOPE_CACHE=saved)
    """
    import os
    from pathlib import Path

    env = os.environ.get("STARSKOPE_CACHE") or os.environ.get("STARSKOPE_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "starskope"
