"""Tabular features for the tree models: vetting statistics, candidate parameters, Fourier bands.

One fixed-length, named feature vector per star (:data:`FEATURE_NAMES`), built from an
:class:`~starskope.pipeline.Analysis` (:func:`starskope.pipeline.analyse_full`): the strongest
candidate's parameters, the value and the raised/not state of every vetting test, and the
log power of the cleaned flux in logarithmic frequency bands plus robust moments of the flattened
flux. Missing values (no candidate, a test not run) are NaN, which gradient boosting handles.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ..exceptions import StarskopeError

__all__ = [
    "CANDIDATE_FEATURES",
    "FEATURE_NAMES",
    "FOURIER_BANDS",
    "VET_TESTS",
    "candidate_features",
    "feature_matrix",
    "fourier_features",
    "tabular_features",
]

#: Vetting tests whose statistic and raised flag become features (absent ones are NaN).
VET_TESTS = (
    "snr",
    "sde",
    "n_transits",
    "odd_even",
    "secondary",
    "v_shape",
    "sinusoid",
    "single_event",
    "duration_vs_period",
    "depth",
    "uniqueness",
    "alias",
)
#: Parameters of the strongest candidate.
CANDIDATE_FEATURES = (
    "log_period",
    "duration_hours",
    "duty_cycle",
    "log_depth_ppm",
    "depth_significance",
    "snr",
    "sde",
    "log_power",
    "n_transits",
    "rp_rs",
    "a_rs",
    "impact",
    "fit_depth_ratio",
    "is_planet_like",
    "n_candidates",
)
#: Number of logarithmic frequency bands of the Fourier features.
FOURIER_BANDS = 12
_MOMENTS = ("log_rms", "log_mad", "skew", "excess_kurtosis", "frac_below_3sigma")

FEATURE_NAMES: tuple[str, ...] = (
    CANDIDATE_FEATURES
    + tuple(f"vet_{n}" for n in VET_TESTS)
    + tuple(f"vet_{n}_raised" for n in VET_TESTS)
    + tuple(f"fourier_band_{i}" for i in range(FOURIER_BANDS))
    + _MOMENTS
)


def _log(x) -> float:
    return math.log10(x) if x is not None and np.isfinite(x) and x > 0 else float("nan")


def _num(x) -> float:
    return float(x) if x is not None and np.isfinite(float(x)) else float("nan")


def fourier_features(t, flux, *, n_bands: int = FOURIER_BANDS) -> np.ndarray:
    """Log10 mean power of the flux in ``n_bands`` logarithmic frequency bands.

    The flux is standardised, resampled onto a uniform grid at the median cadence, and its
    periodogram (``|rfft|^2 / n``) averaged between the lowest resolvable frequency and Nyquist.

    Parameters
    ----------
    t, flux : array-like
        Times (days) and fluxes; non-finite samples are dropped.
    n_bands : int, optional

    Returns
    -------
    numpy.ndarray, shape (n_bands,)
    """
    t = np.asarray(t, float)
    f = np.asarray(flux, float)
    ok = np.isfinite(t) & np.isfinite(f)
    t, f = t[ok], f[ok]
    if len(t) < 16:
        return np.full(n_bands, np.nan)
    dt = float(np.median(np.diff(t)))
    grid = np.arange(t[0], t[-1], dt) if dt > 0 else t
    x = np.interp(grid, t, f)
    x = (x - x.mean()) / (x.std() or 1.0)
    p = np.abs(np.fft.rfft(x)) ** 2 / len(x)
    k = np.arange(len(p))
    edges = np.unique(np.geomspace(1, len(p), n_bands + 1).astype(int))
    out = np.full(n_bands, np.nan)
    for i in range(min(n_bands, len(edges) - 1)):
        sel = (k >= edges[i]) & (k < max(edges[i + 1], edges[i] + 1))
        out[i] = _log(p[sel].mean()) if sel.any() else np.nan
    return out


def _moments(flux) -> np.ndarray:
    f = np.asarray(flux, float)
    f = f[np.isfinite(f)]
    if len(f) < 4:
        return np.full(len(_MOMENTS), np.nan)
    d = f - np.median(f)
    rms = float(np.std(d))
    mad = 1.4826 * float(np.median(np.abs(d)))
    z = d / (rms or 1.0)
    return np.array(
        [
            _log(rms),
            _log(mad),
            float(np.mean(z**3)),
            float(np.mean(z**4) - 3.0),
            float(np.mean(d < -3.0 * (mad or rms or 1.0))),
        ]
    )


def tabular_features(analysis, *, candidate: int = 0) -> np.ndarray:
    """The feature vector (:data:`FEATURE_NAMES` order) of one analysed star.

    Parameters
    ----------
    analysis : starskope.pipeline.Analysis
        From :func:`starskope.pipeline.analyse_full`.
    candidate : int, optional
        Which of the star's candidates describes the signal (default the strongest, as in
        training); another one asks what the model would say if that signal were the star's
        strongest (used when the first one is vetoed, e.g. as a signal common to many stars).

    Returns
    -------
    numpy.ndarray of float64, shape (len(FEATURE_NAMES),)
    """
    return np.concatenate([_candidate_part(analysis, candidate), _star_part(analysis)])


def candidate_features(analysis, n: int | None = None) -> np.ndarray:
    """:func:`tabular_features` of each of the star's candidates (at least one row; at most
    ``n``), the star-level part (Fourier bands, moments) computed once.

    Returns
    -------
    numpy.ndarray of float64, shape (rows, len(FEATURE_NAMES))
    """
    rows = max(len(analysis.result.candidates), 1)
    rows = rows if n is None else min(rows, n)
    star = _star_part(analysis)
    return np.vstack([np.concatenate([_candidate_part(analysis, k), star]) for k in range(rows)])


def _candidate_part(analysis, candidate: int) -> np.ndarray:
    """The candidate's parameters, vetting values and raised flags (NaN where absent)."""
    res = analysis.result
    cands = list(res.candidates)
    if cands and not 0 <= candidate < len(cands):
        raise StarskopeError(f"candidate {candidate} out of range: the star has {len(cands)}")
    cand_part = np.full(len(CANDIDATE_FEATURES), np.nan)
    vet_val = np.full(len(VET_TESTS), np.nan)
    vet_raised = np.full(len(VET_TESTS), np.nan)
    if cands:
        c = cands[candidate]
        fit_depth = (c.extra or {}).get("fit_depth_ppm")
        cand_part[:] = [
            _log(c.period_days),
            _num(c.duration_hours),
            _num(c.duration_hours / 24.0 / c.period_days) if c.period_days else np.nan,
            _log(c.depth_ppm),
            _num(c.depth_ppm / c.depth_ppm_err) if c.depth_ppm_err else np.nan,
            _num(c.snr),
            _num(c.sde),
            _log(c.power),
            _num(c.n_transits),
            _num(c.rp_rs),
            _num(c.a_rs),
            _num(c.impact),
            _num(fit_depth / c.depth_ppm) if fit_depth and c.depth_ppm else np.nan,
            float(c.is_planet_like),
            float(len(cands)),
        ]
        index = {n: i for i, n in enumerate(VET_TESTS)}
        for flag in c.vetting:
            if flag.name in index:
                vet_val[index[flag.name]] = _num(flag.value)
                vet_raised[index[flag.name]] = float(flag.raised)
    elif analysis.searches:
        s = analysis.searches[0]
        cand_part[0] = _log(s.period)
        cand_part[5], cand_part[6] = _num(s.snr), _num(s.sde)
        cand_part[-1] = 0.0
    else:
        cand_part[-1] = 0.0
    return np.concatenate([cand_part, vet_val, vet_raised])


def _star_part(analysis) -> np.ndarray:
    """Fourier bands of the cleaned flux and moments of the flattened flux."""
    cleaned = analysis.cleaned
    four = fourier_features(cleaned.t, cleaned.flux)
    return np.concatenate([four, _moments(analysis.flat.flux)])


def _one(args):
    lc, config = args
    from ..pipeline import analyse_full

    try:
        return tabular_features(analyse_full(lc, config))
    except StarskopeError:
        return np.full(len(FEATURE_NAMES), np.nan)


def feature_matrix(lcs: Iterable, *, config=None, n_jobs: int = 1) -> np.ndarray:
    """Run the pipeline on each light curve and stack the feature vectors.

    Parameters
    ----------
    lcs : iterable of LightCurve
    config : starskope.config.PipelineConfig, optional
    n_jobs : int, optional
        Worker processes (results do not depend on it).

    Returns
    -------
    numpy.ndarray, shape (n_stars, len(FEATURE_NAMES))
        A star the pipeline cannot analyse gets a row of NaN.
    """
    from ..config import PipelineConfig

    config = config or PipelineConfig()
    from ..parallel import map_stars

    rows = map_stars(_one, [(lc, config) for lc in lcs], n_jobs=n_jobs, label="features")
    if not rows:
        return np.empty((0, len(FEATURE_NAMES)))
    return np.vstack(rows)
