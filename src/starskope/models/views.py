"""Inputs of the views CNN: folded views of the strongest candidate plus a few scalars, cached.

One run of the search pipeline (:func:`starskope.pipeline.analyse_full`) gives both the folded
views of the strongest candidate (:func:`starskope.fold.make_views`: global 2001 bins, local,
odd, even and secondary 201 bins) and the tabular features of the tree model
(:func:`starskope.features.tabular.tabular_features`). The search is the expensive part
(about 0.3-0.5 s per 3197-cadence star on one core), so :func:`view_matrix` caches both on
disk per data source: a re-train or a benchmark rerun reads them back.

The model input is one flat row per star (scikit-learn contract), laid out as
:data:`VIEW_LAYOUT`: ``global (2001) | local (201) | odd (201) | even (201) | secondary (201) |
scalars (len(SCALAR_FEATURES))``. A star without a candidate gets all-zero views (nothing
folded) and its scalars from the search (NaN where unknown); one the pipeline cannot analyse
gets zeros and NaN.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..exceptions import StarskopeError

__all__ = [
    "N_GLOBAL",
    "N_LOCAL",
    "SCALAR_FEATURES",
    "VIEW_LAYOUT",
    "analysis_views",
    "cache_dir",
    "file_key",
    "split_views",
    "view_matrix",
    "views_and_features",
]

N_GLOBAL = 2001
N_LOCAL = 201
#: Tabular features the views CNN also reads (the views are normalised to unit depth, so the
#: depth, period, duration and significance of the candidate come in as scalars, as in ExoMiner).
SCALAR_FEATURES = (
    "log_period",
    "duration_hours",
    "duty_cycle",
    "log_depth_ppm",
    "depth_significance",
    "snr",
    "sde",
    "n_transits",
)
#: (name, length) of each block of a model input row, in order.
VIEW_LAYOUT: tuple[tuple[str, int], ...] = (
    ("global", N_GLOBAL),
    ("local", N_LOCAL),
    ("odd", N_LOCAL),
    ("even", N_LOCAL),
    ("secondary", N_LOCAL),
    ("scalars", len(SCALAR_FEATURES)),
)
N_INPUT = sum(n for _, n in VIEW_LAYOUT)
#: Bump when the layout or the way views are made changes (invalidates caches).
CACHE_VERSION = 40  # 40: coherent pulsations prewhitened before detrending (prewhiten_pulsations), the 10% depth limit also at the transit fit's radius ratio; 39: other signals' transits inside a signal's own kept when they hold most of them, or a third while covering a quarter of the light curve; 38: alternate periodogram peaks on every search pass; each signal measured, fitted and vetted without the other signals' transits (never without its own same source); 37: equal dips a third of an orbit apart one planet at P/3; 36: single_event by SNR shares when most in-transit points are slivers (sparse surveys), a raised V-shape re-checked at the transit fit's ephemeris when the grid's drifts 0.2 durations; 35: a signal found at half its period inside the grid moved to 2P (the other half empty and the SNR 1.2x at 2P), a shallow later signal half an orbit away no longer its same source, the fit at a halved period; 34: a planet-like residual re-checked against the binaries the eclipse-pair check rejects; 33: data_edges baseline: two points each side, clear of the transit by half a cadence; 32: data_edges raised for transits at edges none of which has data on both sides; 31: a short-period source found again is subtracted as its folded shape (subtract_repeats); 30: data_edges vetting test; odd/even medians only when a parity's transits disagree; 29: transits with data counted at each cadence's own sampling interval (stitched cadences); 28: the empty half within 0.3 of the depth of zero, its error from white and red noise; 27: a signal is also moved to 2P beyond the grid when the other half of its transits is empty (3 sigma, under 0.3 of the depth); 26: a signal re-measured after the masked re-detrend is moved to 2P beyond the grid when every other transit is empty; 25: a lone point is a sliver too; 24: single_event slivers against the best-covered transit, fit epoch at the middle transit; 23: single_event shares squared depths (coverage-neutral); 22: the transit fit frees the period (features rp_rs, a_rs, impact); 21: (20 with the polished ephemeris, not kept); 20: one planet found twice at 2P reported at P (its period below the grid), impossible fluxes dropped; 19: alternate periodogram peaks under an insignificant top; 18: every third period in the coarse pass; 17: the long-period end of the period grid sampled like the rest; 16: the 0.35 limit only for dips under three cadences; 15: durations under 0.35 of the densest star's central transit are too short; 14: odd/even from single-transit depths; 13: filled gaps dropped; 12: single-transit depths against their neighbours; 11: clipped only when an outlier to both medians; 10: fast-modulation clip window; 9: sparse windows, crest-keeping clip, guarded re-detrend; 8: integer variability ratios only; 7: variability measured without the transits; 6: rotation at twice the period, 1000-ppm secondaries; 5: other candidates kept; 4: eclipse pairs; 3: odd/even medians, ephemerides
#: Candidates after the strongest whose views, features and ephemerides :func:`view_matrix`
#: keeps (``alternatives=True``): what a model says of a star's next signals.
N_ALTERNATIVES = 2
#: Columns of :func:`view_matrix`'s ``ephemerides`` (the strongest candidate's; NaN for none):
#: period, epoch and duration (days, the light curve's own clock), time span (days), and 1 when
#: the candidate passes the SNR and SDE thresholds.
EPHEMERIS_COLUMNS = ("period_days", "t0", "duration_days", "time_span_days", "significant")


def split_views(X) -> dict[str, np.ndarray]:
    """Blocks of input rows by name (views of shape ``(n, length)``), see :data:`VIEW_LAYOUT`."""
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != N_INPUT:
        raise StarskopeError(f"views input must be (n_stars, {N_INPUT}); got shape {X.shape}")
    out, i = {}, 0
    for name, n in VIEW_LAYOUT:
        out[name] = X[:, i : i + n]
        i += n
    return out


def _scalars(features: np.ndarray) -> np.ndarray:
    from ..features.tabular import FEATURE_NAMES

    return np.array([features[FEATURE_NAMES.index(n)] for n in SCALAR_FEATURES], dtype=float)


def analysis_views(analysis, *, candidate: int = 0) -> np.ndarray:
    """Folded views of one analysed star's strongest candidate, flattened (no scalars).

    Parameters
    ----------
    analysis : starskope.pipeline.Analysis
    candidate : int, optional
        Fold on this candidate instead (see :func:`~starskope.features.tabular.tabular_features`).

    Returns
    -------
    numpy.ndarray, shape (N_INPUT - len(SCALAR_FEATURES),)
        Zeros when there is no candidate or search period.
    """
    from ..fold import make_views

    n_views = N_INPUT - len(SCALAR_FEATURES)
    res = analysis.result
    if res.candidates:
        c = res.candidates[candidate]
        period, t0, dur = c.period_days, c.t0, c.duration_hours / 24.0
    elif analysis.searches:
        s = analysis.searches[0]
        period, t0, dur = s.period, s.t0, s.duration
    else:
        return np.zeros(n_views)
    flat = analysis.flat
    try:
        v = make_views(flat.t, flat.flux, period=period, t0=t0, duration=dur)
    except StarskopeError:
        return np.zeros(n_views)
    return np.concatenate([v.global_, v.local, v.odd, v.even, v.secondary]).astype(float)


def candidate_inputs(analysis, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Views input rows and tabular feature rows, one per candidate (at least one; at most
    ``n``), each made as if that candidate were the star's strongest.

    Returns
    -------
    X : numpy.ndarray, shape (rows, N_INPUT)
    features : numpy.ndarray, shape (rows, len(FEATURE_NAMES))
    """
    from ..features.tabular import candidate_features

    feats = candidate_features(analysis, n)
    rows = [
        np.concatenate([analysis_views(analysis, candidate=k), _scalars(f)])
        for k, f in enumerate(feats)
    ]
    return np.vstack(rows), feats


def views_and_features(lc, config=None) -> tuple[np.ndarray, np.ndarray]:
    """One pipeline run -> ``(views input row, tabular feature vector)`` of a light curve.

    A light curve the pipeline cannot analyse gives zeros and NaN (never raises for that).
    """
    x, f, _, _ = _views_features_ephemeris(lc, config)
    return x, f


def _views_features_ephemeris(lc, config=None):
    """``(views row, features, ephemeris)`` of the strongest candidate and the same three
    stacked for the next :data:`N_ALTERNATIVES` (zeros / NaN where there are fewer)."""
    from ..config import PipelineConfig
    from ..features.tabular import FEATURE_NAMES
    from ..pipeline import analyse_full

    k_all = 1 + N_ALTERNATIVES
    eph = np.full((k_all, len(EPHEMERIS_COLUMNS)), np.nan)
    feats = np.full((k_all, len(FEATURE_NAMES)), np.nan)
    rows = np.zeros((k_all, N_INPUT))
    rows[:, N_INPUT - len(SCALAR_FEATURES) :] = np.nan
    try:
        analysis = analyse_full(lc, config or PipelineConfig())
    except StarskopeError:
        rows[0] = np.concatenate([np.zeros(N_INPUT - len(SCALAR_FEATURES)), _scalars(feats[0])])
        return rows[0], feats[0], eph[0], (rows[1:], feats[1:], eph[1:])
    res = analysis.result
    X, F = candidate_inputs(analysis, k_all)
    rows[: len(X)], feats[: len(F)] = X, F
    for k, c in enumerate(res.candidates[:k_all]):
        eph[k] = (
            c.period_days,
            c.t0,
            c.duration_hours / 24.0,
            res.time_span_days,
            float(c.is_significant),
        )
    return rows[0], feats[0], eph[0], (rows[1:], feats[1:], eph[1:])


def _one(args):
    lc, config = args
    return _views_features_ephemeris(lc, config)


def cache_dir() -> Path:
    """``views`` in :func:`starskope.config.cache_root` (``$STARSKOPE_CACHE``, ...)."""
    from ..config import cache_root

    return cache_root() / "views"


def _config_key(config) -> str:
    from ..config import PipelineConfig

    d = (config or PipelineConfig()).to_dict()
    return hashlib.md5(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:10]


def view_matrix(
    lcs: Sequence | Callable[[], Sequence],
    *,
    key: str | None = None,
    config=None,
    n_jobs: int = 1,
    cache: Path | str | None = None,
    ephemerides: bool = False,
    alternatives: bool = False,
):
    """Views input rows and tabular features of many light curves, cached on disk.

    Parameters
    ----------
    lcs : sequence of LightCurve, or a callable returning one
        A callable is only called on a cache miss (reading the light curves is skipped too).
    key : str, optional
        Names the data (e.g. a file's MD5); with it the result is cached in
        ``cache / f"{key}-{config hash}-v{CACHE_VERSION}.npz"``. None: no cache.
    config : PipelineConfig, optional
    n_jobs : int, optional
        Worker processes (results do not depend on it).
    cache : path, optional
        Cache folder (default :func:`cache_dir`).
    ephemerides : bool, optional
        Also return each star's strongest candidate (:data:`EPHEMERIS_COLUMNS`), for
        survey-level tests such as :func:`starskope.vet.ephemeris.common_signals`.
    alternatives : bool, optional
        Also return the next :data:`N_ALTERNATIVES` candidates of each star: a dict of ``X``
        (n_stars, N_ALTERNATIVES, N_INPUT), ``features`` and ``ephemerides`` likewise, each row
        made as if that candidate were the strongest (zeros / NaN where a star has fewer).

    Returns
    -------
    X : numpy.ndarray, shape (n_stars, N_INPUT)
    features : numpy.ndarray, shape (n_stars, len(FEATURE_NAMES))
    ephemerides : numpy.ndarray, shape (n_stars, len(EPHEMERIS_COLUMNS))
        Only with ``ephemerides=True``.
    alternatives : dict
        Only with ``alternatives=True`` (last).
    """
    from ..config import PipelineConfig
    from ..features.tabular import FEATURE_NAMES

    config = config or PipelineConfig()
    f = None
    if key is not None:
        folder = Path(cache) if cache is not None else cache_dir()
        f = folder / f"{key}-{_config_key(config)}-v{CACHE_VERSION}.npz"
        if f.exists():
            with np.load(f) as z:
                return _outputs(dict(z), ephemerides, alternatives)
    items = list(lcs() if callable(lcs) else lcs)
    from ..parallel import map_stars

    rows = map_stars(_one, [(lc, config) for lc in items], n_jobs=n_jobs, label="search + views")
    n, k, nf, ne = len(rows), N_ALTERNATIVES, len(FEATURE_NAMES), len(EPHEMERIS_COLUMNS)
    arrays = {
        "X": np.array([r[0] for r in rows], dtype=np.float32).reshape(n, N_INPUT),
        "features": np.array([r[1] for r in rows], dtype=float).reshape(n, nf),
        "ephemerides": np.array([r[2] for r in rows], dtype=float).reshape(n, ne),
        "X_alt": np.array([r[3][0] for r in rows], dtype=np.float32).reshape(n, k, N_INPUT),
        "features_alt": np.array([r[3][1] for r in rows], dtype=float).reshape(n, k, nf),
        "ephemerides_alt": np.array([r[3][2] for r in rows], dtype=float).reshape(n, k, ne),
    }
    if f is not None:
        f.parent.mkdir(parents=True, exist_ok=True)
        tmp = f.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, **arrays)
        os.replace(tmp, f)
    return _outputs(arrays, ephemerides, alternatives)


def _outputs(arrays: dict, ephemerides: bool, alternatives: bool) -> tuple:
    out: tuple = (arrays["X"].astype(np.float64), arrays["features"].astype(np.float64))
    if ephemerides:
        out += (arrays["ephemerides"].astype(np.float64),)
    if alternatives:
        out += (
            {
                "X": arrays["X_alt"].astype(np.float64),
                "features": arrays["features_alt"].astype(np.float64),
                "ephemerides": arrays["ephemerides_alt"].astype(np.float64),
            },
        )
    return out


def file_key(path) -> str:
    """Cache key of a data file: its MD5 (content, not name)."""
    from .data import file_md5

    return "file-" + file_md5(path)
