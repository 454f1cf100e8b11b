"""Injection-recovery: inject planets into real and simulated noise, run a detector, score it.

Detectors (registry :data:`DETECTORS`; each maps a relative-flux light curve to a
:class:`Detection`):

- ``"search"``: the starskope pipeline, :func:`starskope.pipeline.analyse` (flag = its
  ``is_candidate``, which rests on vetting).
- ``"bls-sde"``: wotan biweight detrending (1-day window), astropy ``BoxLeastSquares`` on the
  Ofir (2014) period grid, flag when SDE >= 7.
- ``"tls"``: the same detrending, Transit Least Squares (Hippke & Heller 2019), flag when SDE >= 7.
- ``"model:NAME"``: a trained classifier (a shipped model name or a model file, see
  :func:`starskope.models.registry.load_model`), flag = calibrated score >= 0.5; the period and
  epoch come from the model's own pipeline candidates, or from the search pipeline for raw-flux
  models.

A recovery: the detector flags the curve, its best period is within 1% of the injected period
and its epoch falls within half a transit duration (at least one cadence) of an injected transit.
Periods at P/2 or 2P (with matching epoch) are counted separately as ``"half"`` and ``"double"``.
Expected SNR is :func:`starskope.simulate.snr.expected_snr`, with the noise measured on the
background before injection. The truth table also holds the background's red-noise factor at
the injected duration (``beta``, :func:`starskope.simulate.snr.red_noise_beta`) and
``effective_snr = expected_snr / beta``: completeness against it separates what red noise costs
(which no detector gets back) from what a detector loses on top.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..exceptions import StarskopeError
from .backgrounds import (
    real_background,
    real_background_pool,
    shared_data_dir,
    simulated_background,
    white_background,
)
from .inject import inject
from .noise import LONG_CADENCE_DAYS
from .population import draw_loguniform_planet
from .snr import (
    expected_snr,
    n_in_transit,
    red_noise_beta,
    robust_sigma,
    robust_std,
    transits_with_data,
)

__all__ = [
    "DETECTORS",
    "Detection",
    "at_equal_false_alarms",
    "sde_threshold_for",
    "RecoveryConfig",
    "classify_recovery",
    "period_alias",
    "detect_model",
    "completeness",
    "false_alarm_rate",
    "get_detector",
    "make_trial",
    "run_injection_recovery",
    "snr_at_completeness",
    "summarize",
]

SDE_THRESHOLD = 7.0
_DURATIONS_H = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)


@dataclass(frozen=True)
class Detection:
    """What a detector says about one light curve (times in the curve's own days)."""

    flagged: bool
    period: float = float("nan")
    t0: float = float("nan")
    duration: float = float("nan")
    sde: float = float("nan")
    snr: float = float("nan")
    #: a model detector's calibrated score (NaN for the searches)
    score: float = float("nan")
    #: ``(period, t0)`` of the detector's other planet-like signals (a multi-planet search):
    #: an injection found among them counts as recovered, as any matching TCE does in the
    #: Kepler pipeline's injection tests (Christiansen et al. 2013)
    others: tuple[tuple[float, float], ...] = ()


def _flatten(lc):
    from wotan import flatten

    good = np.isfinite(lc.t) & np.isfinite(lc.flux)
    t, f = lc.t[good], lc.flux[good]
    flat = flatten(t, f, method="biweight", window_length=1.0, edge_cutoff=0.0)
    ok = np.isfinite(flat)
    return t[ok], flat[ok]


def _grid(t):
    from transitleastsquares import period_grid

    span = float(t[-1] - t[0])
    p = period_grid(
        R_star=1.0,
        M_star=1.0,
        time_span=span,
        period_min=0.5,
        period_max=span / 2.0,
        oversampling_factor=3,
    )
    return np.sort(np.asarray(p, dtype=float))


def detect_bls_sde(lc) -> Detection:
    """astropy BLS on the biweight-flattened curve; flagged when SDE >= 7."""
    from astropy.timeseries import BoxLeastSquares

    t, f = _flatten(lc)
    periods = _grid(t)
    durs = np.array(_DURATIONS_H) / 24.0
    durs = durs[durs < periods.min()]
    dy = np.full(t.size, max(float(robust_std(f)), 1e-12))
    res = BoxLeastSquares(t, f, dy=dy).power(periods, durs, objective="likelihood")
    power = np.asarray(res.power)
    std = np.std(power)
    sde = (power - np.mean(power)) / std if std > 0 else np.zeros_like(power)
    i = int(np.argmax(power))
    snr = float(res.depth_snr[i])
    return Detection(
        flagged=bool(sde[i] >= SDE_THRESHOLD),
        period=float(res.period[i]),
        t0=float(res.transit_time[i]),
        duration=float(res.duration[i]),
        sde=float(sde[i]),
        snr=snr,
    )


def detect_tls(lc) -> Detection:
    """Transit Least Squares on the biweight-flattened curve; flagged when SDE >= 7."""
    import contextlib
    import io
    import warnings

    from transitleastsquares import transitleastsquares

    t, f = _flatten(lc)
    span = float(t[-1] - t[0])
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        res = transitleastsquares(t, f).power(
            use_threads=1,
            show_progress_bar=False,
            period_min=0.5,
            period_max=span / 2.0,
            oversampling_factor=3,
            duration_grid_step=1.1,
        )
    sde = float(res.SDE) if np.isfinite(res.SDE) else 0.0
    return Detection(
        flagged=bool(sde >= SDE_THRESHOLD),
        period=float(res.period),
        t0=float(res.T0),
        duration=float(res.duration),
        sde=sde,
        snr=float(res.snr),
    )


def detect_search(lc, config=None) -> Detection:
    """The starskope pipeline (:func:`starskope.pipeline.analyse`), default settings unless
    ``config`` (a `~starskope.config.PipelineConfig`) is given."""
    try:
        from ..config import PipelineConfig
        from ..pipeline import analyse
    except ImportError as exc:
        raise StarskopeError(
            "detector 'search' needs starskope.pipeline.analyse, which is not available"
        ) from exc
    return detection_of(analyse(lc, PipelineConfig() if config is None else config))


def detection_of(res) -> Detection:
    """The :class:`Detection` of a pipeline `~starskope.result.StarResult`: its vetted decision,
    its strongest candidate, and its other planet-like ones."""
    if res.error:
        return Detection(flagged=False)
    if not res.candidates:
        return Detection(flagged=bool(res.is_candidate))
    c = res.candidates[0]
    return Detection(
        flagged=bool(res.is_candidate),
        period=float(c.period_days),
        t0=float(c.t0),
        duration=float(c.duration_hours) / 24.0,
        sde=float(c.sde),
        snr=float(c.snr),
        others=tuple(
            (float(o.period_days), float(o.t0)) for o in res.candidates[1:] if o.is_planet_like
        ),
    )


#: Missions whose light curves can serve as real backgrounds.
MISSIONS = ("K2", "Kepler", "TESS")

#: Detector name -> callable(LightCurve) -> Detection.
DETECTORS: dict[str, Callable] = {
    "search": detect_search,
    "bls-sde": detect_bls_sde,
    "tls": detect_tls,
}


@functools.cache
def _loaded_model(name: str):
    from ..models.registry import load_model

    return load_model(name)


def detect_model(lc, *, name: str, threshold: float = 0.5) -> Detection:
    """A trained model's verdict (score >= ``threshold``), with the pipeline's best period."""
    from ..models.predict import predict_results

    res = next(iter(predict_results([("injection", lc)], model=_loaded_model(name), explain=False)))
    if res.error:
        return Detection(flagged=False)
    score = float("nan") if res.score is None else float(res.score)
    flagged = bool(score >= threshold)
    if res.candidates:
        c = res.candidates[0]
        return Detection(
            flagged=flagged,
            period=float(c.period_days),
            t0=float(c.t0),
            duration=float(c.duration_hours) / 24.0,
            sde=float(c.sde),
            snr=float(c.snr),
            score=score,
        )
    found = detect_search(lc)  # raw-flux models give no period: take the pipeline's
    return dataclasses.replace(found, flagged=flagged, score=score)


def get_detector(name: str) -> Callable:
    """Look up a detector by name; ``model:NAME`` for a trained model (name or file)."""
    if name in DETECTORS:
        return DETECTORS[name]
    if name.startswith("model:"):
        model = name.split(":", 1)[1]
        if not model:
            raise StarskopeError("detector 'model:NAME' needs a model name or file after 'model:'")
        _loaded_model(model)  # fail early with the registry's message
        return functools.partial(detect_model, name=model)
    raise StarskopeError(f"unknown detector {name!r}; use one of {sorted(DETECTORS)} or model:NAME")


def match_signals(det: Detection, sig, *, cadence: float) -> tuple[str, int]:
    """How a detection's signals match an injected planet ``sig``: the strongest signal's class
    (:func:`classify_recovery`) and rank 1 (0 for a miss), or, when it is not a match, ``"match"``
    with the rank (2, 3, ...) of the first other planet-like signal that is (a multi-planet
    search reports several, as Kepler's matching TCEs)."""

    def one(p_found, t0_found) -> str:
        return classify_recovery(
            found_period=p_found,
            found_t0=t0_found,
            period=sig.period,
            t0=sig.t0,
            duration=sig.duration,
            cadence=cadence,
        )

    match = one(det.period, det.t0)
    if match == "match":
        return match, 1
    for k, (p_found, t0_found) in enumerate(det.others, start=2):
        if one(p_found, t0_found) == "match":
            return "match", k
    return match, 1 if match != "miss" else 0


def classify_recovery(
    *,
    found_period: float,
    found_t0: float,
    period: float,
    t0: float,
    duration: float,
    cadence: float = 0.0204,
    tol: float = 0.01,
) -> str:
    """``"match"``, ``"half"`` (P/2), ``"double"`` (2P) or ``"miss"``.

    The period must be within ``tol`` (fractional) of P, P/2 or 2P, and the found epoch within
    ``max(duration / 2, cadence)`` of an injected transit.
    """
    if not (np.isfinite(found_period) and found_period > 0 and np.isfinite(found_t0)):
        return "miss"
    window = max(0.5 * duration, cadence)
    dt = (found_t0 - t0 + 0.5 * period) % period - 0.5 * period
    return period_alias(found_period, period, tol=tol) if abs(dt) <= window else "miss"


def period_alias(found_period: float, period: float, *, tol: float = 0.01) -> str:
    """``"match"``, ``"half"`` (P/2), ``"double"`` (2P) or ``"miss"``: whether a found period is
    within ``tol`` (fractional) of a true period, half or twice it (no epoch test; NaN misses).

    Examples
    --------
    >>> period_alias(5.02, 10.0), period_alias(10.05, 10.0), period_alias(33.0, 10.0)
    ('half', 'match', 'miss')
    """
    for kind, factor in (("match", 1.0), ("half", 0.5), ("double", 2.0)):
        target = factor * period
        if abs(found_period - target) <= tol * target:
            return kind
    return "miss"


#: Noise an injection goes into: real light curves, the stochastic star model, white noise.
BACKGROUND_KINDS = ("real", "simulated", "white")


@dataclass(frozen=True)
class RecoveryConfig:
    """Settings of an injection-recovery run.

    Attributes
    ----------
    n : int
        Injections.
    n_null : int or None
        Uninjected curves for the false-alarm rate (default ``max(20, n // 5)``).
    seed : int
        Master seed; injection ``i`` uses ``SeedSequence(seed, spawn_key=(i,))``.
    backgrounds : tuple of str
        Noise kinds, used in turn: ``"real"``, ``"simulated"``, ``"white"``.
    period_range : tuple of float
        Log-uniform injected periods (days); capped at half the background's baseline.
    depth_range : tuple of float
        Log-uniform injected depths (relative).
    snr_range : tuple of float or None
        When given, each injection's radius ratio is rescaled so that its expected SNR (on its
        own background) is log-uniform in this range; period, epoch, impact, limb darkening
        and stellar density stay as drawn. Completeness at given SNR is then measured with
        most trials where it changes, instead of half of them far below detection (the depth
        draw's SNR spans five decades). Radius ratios are capped at ``max_rp_rs``, and grazing
        orbits' depths do not scale as the radius ratio squared, so the achieved SNR (the truth
        table's ``expected_snr``) can fall outside the range there.
    max_rp_rs : float
        Largest radius ratio the SNR draw may rescale to: 0.2, a Jupiter in front of a
        half-solar star (a 4% deep transit). On a noisy background a larger one would be a
        stellar eclipse, which the vetting rightly rejects, not a planet.
    n_points : int
        Cadences per background (3197, as the Kaggle K2 table).
    real_missions : tuple of str
        Missions whose real light curves (non-hosts, and hosts with their known transits
        masked) serve as backgrounds. A real background picks a mission first, uniformly, then
        a file of that mission, so the hundreds of TESS files do not swamp K2 and Kepler.
    """

    n: int = 200
    n_null: int | None = None
    seed: int = 0
    backgrounds: tuple[str, ...] = ("real", "simulated")
    period_range: tuple[float, float] = (0.5, 20.0)
    depth_range: tuple[float, float] = (5e-5, 5e-3)
    snr_range: tuple[float, float] | None = None
    max_rp_rs: float = 0.2
    n_points: int = 3197
    real_missions: tuple[str, ...] = ("K2", "Kepler", "TESS")

    def __post_init__(self):
        if self.snr_range is not None:
            if len(self.snr_range) != 2:
                raise StarskopeError(
                    "the SNR range (--snr-range LOW HIGH; Python: snr_range) must be two"
                    f" numbers; got {self.snr_range}"
                )
            lo, hi = (float(x) for x in self.snr_range)
            if not (0 < lo <= hi and np.isfinite(hi)):
                raise StarskopeError(
                    "the SNR range (--snr-range LOW HIGH; Python: snr_range) must be two positive"
                    f" numbers, LOW <= HIGH; got {self.snr_range}"
                )
        if not 0 < self.max_rp_rs <= 1:
            raise StarskopeError(f"max_rp_rs must be in (0, 1]; got {self.max_rp_rs}")
        if self.n < 1:
            raise StarskopeError(f"the number of injections (--n) must be >= 1; got {self.n}")
        if self.n_null is not None and self.n_null < 0:
            raise StarskopeError(
                f"the number of uninjected curves (--n-null) must be >= 0; got {self.n_null}"
            )
        if self.seed < 0:
            raise StarskopeError(f"the seed must be >= 0; got {self.seed}")
        if bad := [b for b in self.backgrounds if b not in BACKGROUND_KINDS]:
            raise StarskopeError(
                f"unknown background kind {bad[0]!r}; use {', '.join(BACKGROUND_KINDS)}"
            )
        if not self.backgrounds:
            raise StarskopeError("no background kind given; use real, simulated or white")
        lo, hi = (float(x) for x in self.period_range)
        if not (0 < lo < hi and np.isfinite(hi)):
            raise StarskopeError(
                "injected periods must be 0 < shortest < longest (--min-period, --max-period);"
                f" got {lo:g} and {hi:g} d"
            )
        longest = self.longest_period
        if lo >= longest:
            raise StarskopeError(
                f"backgrounds of {self.n_points} long cadences span {2 * longest:.1f} d: injected"
                f" periods must start below {longest:.1f} d (two transits); got {lo:g} d"
            )
        dlo, dhi = (float(x) for x in self.depth_range)
        if not 0 < dlo <= dhi < 1:
            raise StarskopeError(
                "injected depths must be 0 < shallowest <= deepest < 1e6 ppm (--min-depth-ppm,"
                f" --max-depth-ppm); got {1e6 * dlo:g} and {1e6 * dhi:g} ppm"
            )
        known = {m.lower(): m for m in MISSIONS}
        missions = []
        for m in self.real_missions:
            if str(m).lower() not in known:
                raise StarskopeError(
                    f"unknown mission {m!r} for real backgrounds (--real-mission); choose from"
                    f" {list(MISSIONS)}"
                )
            missions.append(known[str(m).lower()])
        object.__setattr__(self, "real_missions", tuple(missions))

    @property
    def longest_period(self) -> float:
        """Longest injectable period, days: two transits in a background of ``n_points`` long
        cadences (longer drawn periods are capped to it)."""
        return self.n_points * LONG_CADENCE_DAYS / 2.0

    @property
    def n_uninjected(self) -> int:
        return max(20, self.n // 5) if self.n_null is None else self.n_null


def _background(kind: str, rng, config: RecoveryConfig, files):
    if kind == "real":
        if not files:
            raise StarskopeError(
                f"no real background light curves of {', '.join(config.real_missions)} found "
                f"under {shared_data_dir()} (set STARSKOPE_SHARED_DATA to the data folder), or "
                "use simulated or white-noise backgrounds only (--background simulated)"
            )
        pool = files if isinstance(files, dict) else {"": list(files)}
        missions = [m for m in sorted(pool) if pool[m]]
        for _ in range(10):
            group = pool[missions[int(rng.integers(len(missions)))]]
            path = group[int(rng.integers(len(group)))]
            try:
                return real_background(path, rng=rng, n_points=config.n_points)
            except StarskopeError:
                continue
        raise StarskopeError("could not read any real background light curve")
    if kind == "simulated":
        return simulated_background(rng=rng, n_points=config.n_points)
    if kind == "white":
        return white_background(rng=rng, n_points=config.n_points)
    raise StarskopeError(f"unknown background kind {kind!r}; use real, simulated or white")


def _depth_and_points(s, t, cadence: float) -> tuple[float, int]:
    """Depth of ``s`` (relative, integrated over the cadence) and its cadences in transit."""
    fine = s.t0 + np.linspace(-0.02, 0.02, 41) * min(s.period, 1.0)
    depth = float(1.0 - s.model(fine, exptime=cadence).min())
    return depth, n_in_transit(t, period=s.period, t0=s.t0, duration=s.duration)


def make_trial(i: int, config: RecoveryConfig, files=None):
    """Trial ``i``: ``(injected, light curve, signal or None, truth dict)``, deterministic.

    Trials ``0 .. n-1`` are injections, ``n .. n + n_uninjected - 1`` uninjected backgrounds;
    background kinds are used in turn.
    """
    if files is None:
        files = (
            real_background_pool(missions=config.real_missions)
            if "real" in config.backgrounds
            else {}
        )
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(i,)))
    kind = config.backgrounds[i % len(config.backgrounds)]
    for _ in range(10):  # an injection needs two transits at the shortest period
        bg = _background(kind, rng, config, files)
        if i >= config.n or bg.lc.time_span / 2.0 > config.period_range[0]:
            break
    else:
        half = bg.lc.time_span / 2.0
        raise StarskopeError(
            f"trial {i}: no {kind} background of ten drawn holds two transits at the shortest"
            f" period, {config.period_range[0]:g} d (the last, {bg.source}, spans"
            f" {bg.lc.time_span:.1f} d): use a --min-period below {half:.1f} d, or other"
            " backgrounds (--background, --real-mission)"
        )
    lc = bg.lc
    cad = lc.cadence
    sigma = float(robust_sigma(lc.flux, cadence_days=cad))
    truth = {
        "trial": i,
        "background": kind,
        "noise_source": bg.source,
        "t_offset": bg.t_offset,
        "sigma_ppm": 1e6 * sigma,
    }
    if i >= config.n:
        return False, lc, None, truth
    span = lc.time_span
    pr = (config.period_range[0], min(config.period_range[1], span / 2.0))
    draw = draw_loguniform_planet(
        rng, t_start=float(lc.t[0]), period_range=pr, depth_range=config.depth_range
    )
    s = draw.signal
    depth, n_in = _depth_and_points(s, lc.t, cad)
    if config.snr_range is not None:
        target = float(np.exp(rng.uniform(*np.log(config.snr_range))))
        for _ in range(3):  # depth ~ k^2, and the duration (points in transit) moves with k
            snr = expected_snr(depth=depth, sigma=sigma, n_points=n_in)
            if not snr > 0:
                break
            k = min(s.rp_rs * float(np.sqrt(target / snr)), config.max_rp_rs)
            s = dataclasses.replace(s, rp_rs=k)
            depth, n_in = _depth_and_points(s, lc.t, cad)
    truth.update(
        period=s.period,
        t0=s.t0,
        depth_ppm=1e6 * depth,
        duration_hours=24 * s.duration,
        rp_rs=s.rp_rs,
        impact=s.impact,
        n_in_transit=n_in,
        n_transits_data=transits_with_data(
            lc.t, period=s.period, t0=s.t0, duration=s.duration, cadence=cad
        ),
        expected_snr=expected_snr(depth=depth, sigma=sigma, n_points=n_in),
    )
    beta = red_noise_beta(lc.t, lc.flux, cadence_days=cad, duration_days=s.duration)
    truth.update(beta=beta, effective_snr=truth["expected_snr"] / beta)
    return True, inject(lc, s), s, truth


def _run_trial(args) -> tuple[list[dict], list[tuple[str, type]]]:
    """One trial through every detector: its table rows, and the warnings the detectors gave
    (``(message, category)``; the caller shows each message once, not once per curve)."""
    import warnings

    i, config, files, detectors = args
    injected, lc, sig, truth = make_trial(i, config, files)
    rows = []
    said: list[tuple[str, type]] = []
    for name in detectors:
        fn = get_detector(name)
        t_start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            det = fn(lc)
        dt = time.perf_counter() - t_start
        said.extend((str(w.message), w.category) for w in caught)
        match = "none"
        rank = 0
        if injected:
            match, rank = match_signals(det, sig, cadence=lc.cadence)
            outcome = match if det.flagged else "miss"
        else:
            outcome = "false_alarm" if det.flagged else "none"
        rows.append(
            {
                **truth,
                "detector": name,
                "injected": injected,
                "flagged": det.flagged,
                "found_period": det.period,
                "found_t0": det.t0,
                "found_sde": det.sde,
                "found_snr": det.snr,
                "found_score": det.score,
                "period_match": match,
                "found_rank": rank,
                "outcome": outcome,
                "recovered": outcome == "match",
                "seconds": dt,
            }
        )
    return rows, said


def run_injection_recovery(
    config: RecoveryConfig,
    *,
    detectors=("bls-sde",),
    trials=None,
    n_jobs: int = 1,
    progress: Callable[[int], None] | None = None,
):
    """Run the trials of ``config`` through each detector; one table row per trial and detector.

    Parameters
    ----------
    config : RecoveryConfig
        Trials to make.
    detectors : sequence of str
        Names in :data:`DETECTORS`; every detector sees exactly the same light curves.
    trials : iterable of int, optional
        Which trial indices to run (default all); lets a slow detector run on a subset.
    n_jobs : int, optional
        Worker processes (results do not depend on it).
    progress : callable, optional
        Called with 1 after each trial.

    Returns
    -------
    pandas.DataFrame
        Columns: trial, background, noise_source, t_offset (days to add to the background's
        times to get its file's own, for a window of a real light curve; 0 otherwise),
        sigma_ppm, period, t0, depth_ppm, duration_hours, rp_rs, impact, n_in_transit,
        n_transits_data (transits with at least half their cadences,
        :func:`~starskope.simulate.snr.transits_with_data`), expected_snr, beta, effective_snr,
        detector, injected, flagged, found_period, found_t0, found_sde, found_snr (the top
        signal's), found_score (a model detector's calibrated score; NaN for the searches),
        period_match (the top
        signal's match whether flagged or not, or ``"match"`` when another planet-like signal
        of a multi-planet search matches), found_rank (1: the top signal, k: the k-th
        candidate, 0: none), outcome, recovered, seconds.
    """
    import warnings

    import pandas as pd

    for name in detectors:
        get_detector(name)
    files = (
        real_background_pool(missions=config.real_missions) if "real" in config.backgrounds else {}
    )
    idx = list(range(config.n + config.n_uninjected)) if trials is None else list(trials)
    work = [(i, config, files, tuple(detectors)) for i in idx]
    rows: list[dict] = []
    shown: set[tuple[str, type]] = set()

    def take(result) -> None:
        r, said = result
        rows.extend(r)
        for message, category in said:  # a model's resampling note, once, not once per curve
            if (message, category) not in shown:
                shown.add((message, category))
                warnings.warn(message, category, stacklevel=3)
        if progress is not None:
            progress(1)

    if n_jobs > 1:
        from ..parallel import process_pool

        with process_pool(n_jobs) as pool:
            for result in pool.map(_run_trial, work, chunksize=1):
                take(result)
    else:
        for w in work:
            take(_run_trial(w))
    return pd.DataFrame(rows)


def completeness(table, *, by: str = "expected_snr", bins=None):
    """Recovered fraction of injected trials in bins of ``by``.

    Returns
    -------
    pandas.DataFrame
        Columns ``lo, hi, centre, n, recovered, fraction, err`` (binomial standard error) and
        ``low, high``: the exact (Clopper-Pearson) 68.3% interval of the fraction, which stays
        honest where a bin holds one or two trials (the standard error is then 0).
    """
    import pandas as pd

    from ..evaluate import clopper_pearson

    inj = table[table["injected"]]
    x = inj[by].to_numpy(float)
    if bins is None:
        bins = np.array([0, 2, 4, 6, 7, 8, 9, 10, 12, 15, 20, 30, 50, 100, np.inf])
    rows = []
    for lo, hi in zip(bins[:-1], bins[1:], strict=True):
        sel = (x >= lo) & (x < hi)
        n = int(sel.sum())
        k = int(inj["recovered"].to_numpy()[sel].sum())
        frac = k / n if n else np.nan
        err = np.sqrt(frac * (1 - frac) / n) if n else np.nan
        low, high = clopper_pearson(k, n, level=0.683)
        centre = np.sqrt(lo * hi) if lo > 0 and np.isfinite(hi) else (hi / 2 if lo == 0 else lo)
        rows.append(
            {
                "lo": lo,
                "hi": hi,
                "centre": centre,
                "n": n,
                "recovered": k,
                "fraction": frac,
                "err": err,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows)


def _logistic_fit(x, y):
    """Maximum-likelihood fit of p(x) = c / (1 + exp(-(ln x - m) / s)); returns (c, m, s)."""
    from scipy.optimize import minimize
    from scipy.special import expit

    lx = np.log(np.clip(x, 1e-3, None))

    def nll(theta):
        c = expit(theta[0])
        m, s = theta[1], np.exp(np.clip(theta[2], -10, 10))
        p = c * expit((lx - m) / s)
        p = np.clip(p, 1e-9, 1 - 1e-9)
        return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))

    best = None
    for m0 in (np.log(5), np.log(10), np.log(20)):
        r = minimize(
            nll, x0=[3.0, m0, np.log(0.3)], method="Nelder-Mead", options={"maxiter": 4000}
        )
        if best is None or r.fun < best.fun:
            best = r
    c = expit(best.x[0])
    return float(c), float(best.x[1]), float(np.exp(np.clip(best.x[2], -10, 10)))


def snr_at_completeness(
    table, level: float = 0.5, *, method: str = "logistic", by: str = "expected_snr"
) -> float:
    """Expected SNR at which the fitted completeness reaches ``level`` (NaN if never).

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`run_injection_recovery` (``injected``, ``expected_snr``, ``recovered``).
    level : float, optional
        Completeness level.
    method : {"logistic", "isotonic"}, optional
        ``"logistic"``: a logistic in log expected SNR with a free plateau, fitted by maximum
        likelihood on the individual injections. Smooth, but when completeness sits at 80-90%
        over a wide range of SNR the plateau and the slope trade off, and the 90% point moves
        a lot with a few trials. ``"isotonic"``: the non-parametric, non-decreasing fit
        (pool-adjacent-violators) of recovery against SNR; the lowest injected SNR at which it
        reaches ``level``. Coarser, but robust to the shape of the curve. When every
        recovery has a higher SNR than every miss (perfectly separated trials), the logistic
        is a step anywhere between them: the geometric middle of that gap is returned.
    by : str, optional
        The SNR column: ``"expected_snr"`` (white noise, the definition), or
        ``"effective_snr"`` (divided by the background's red-noise factor). Injections of
        SNR 0 (every transit in a gap) are left out.
    """
    if method not in ("logistic", "isotonic"):
        raise StarskopeError(f"method must be 'logistic' or 'isotonic'; got {method!r}")
    if by not in table:
        raise StarskopeError(f"the table has no column {by!r}")
    snr = table[by].to_numpy(float)
    # both fits are in log SNR: an injection whose transits all fell in gaps (SNR 0) has none,
    # and is the window function's miss, not the detector's (nor the gap's lower end)
    inj = table[table["injected"].to_numpy(bool) & np.isfinite(snr) & (snr > 0)]
    if len(inj) < 10:
        return float("nan")
    x = inj[by].to_numpy(float)
    y = inj["recovered"].to_numpy(float)
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
        fitted = IsotonicRegression(increasing=True).fit_transform(np.log(x), y)
        hit = np.flatnonzero(fitted >= level)
        return float(x[hit[0]]) if hit.size else float("nan")
    found, missed = x[y > 0.5], x[y < 0.5]
    if found.size and missed.size and missed.max() < found.min():
        # perfectly separated: the likelihood's maximum is a step anywhere between the last
        # miss and the first recovery, where the optimiser stops by chance; the gap's
        # geometric middle is the estimate (for every level), not the optimiser's pick
        return float(np.sqrt(missed.max() * found.min()))
    c, m, s = _logistic_fit(x, y)
    if c <= level:
        return float("nan")
    at = float(np.exp(m - s * np.log(c / level - 1.0)))
    # a crossing outside the injected range is the fit's extrapolation, not a measurement
    # (a flat 60% over 8-12 put the 50% point at 1e-36)
    return at if x.min() <= at <= x.max() else float("nan")


def false_alarm_rate(table) -> float:
    """Fraction of uninjected curves that the detector flagged."""
    null = table[~table["injected"]]
    return float(null["flagged"].mean()) if len(null) else float("nan")


def sde_threshold_for(table, far: float = 0.01) -> float:
    """The SDE threshold at which at most ``far`` of the uninjected curves would be flagged.

    The smallest threshold above the ``1 - far`` quantile of the uninjected curves' top SDE
    (with fewer than ``1 / far`` uninjected curves this is just above their largest SDE).
    """
    sde = np.sort(table.loc[~table["injected"], "found_sde"].to_numpy(float))
    sde = sde[np.isfinite(sde)]
    if sde.size == 0:
        return float("nan")
    k = int(np.floor(far * sde.size))  # curves allowed above the threshold
    return float(np.nextafter(sde[sde.size - 1 - k], np.inf))


def at_equal_false_alarms(table, far: float = 0.01):
    """Re-score an SDE-thresholded detector at the SDE giving false-alarm rate ``far``.

    Returns a copy with ``flagged`` = SDE >= threshold and ``recovered`` = flagged and the top
    peak matches period and epoch, so detectors can be compared at equal false alarms.
    """
    thr = sde_threshold_for(table, far)
    out = table.copy()
    out["flagged"] = out["found_sde"] >= thr
    out["recovered"] = out["flagged"] & (out["period_match"] == "match")
    return out, thr


def summarize(table, *, far: float = 0.01):
    """One row per detector: SNR at 50% and 90% completeness, false-alarm rate, speed.

    ``effective_snr_50`` and ``effective_snr_90``: the same (logistic fit) against the
    red-noise-corrected SNR (``effective_snr``), when the table has it.

    For the SDE-thresholded detectors (``bls-sde``, ``tls``) the columns ``sde_equal_far``,
    ``snr_50_equal_far`` and ``snr_90_equal_far`` give the same numbers with the SDE threshold
    moved so that at most ``far`` of the uninjected curves are flagged.
    """
    import pandas as pd

    rows = []
    for name, t in table.groupby("detector", sort=False):
        inj = t[t["injected"]]
        row = {
            "detector": name,
            "n_injected": int(len(inj)),
            "n_uninjected": int((~t["injected"]).sum()),
            "snr_50": snr_at_completeness(t, 0.5),
            "snr_90": snr_at_completeness(t, 0.9),
            "snr_50_isotonic": snr_at_completeness(t, 0.5, method="isotonic"),
            "snr_90_isotonic": snr_at_completeness(t, 0.9, method="isotonic"),
            "effective_snr_50": snr_at_completeness(t, 0.5, by="effective_snr")
            if "effective_snr" in t
            else np.nan,
            "effective_snr_90": snr_at_completeness(t, 0.9, by="effective_snr")
            if "effective_snr" in t
            else np.nan,
            "recovered": float(inj["recovered"].mean()) if len(inj) else np.nan,
            "half_or_double": float(inj["outcome"].isin(["half", "double"]).mean())
            if len(inj)
            else np.nan,
            "false_alarm_rate": false_alarm_rate(t),
            "seconds_per_curve": float(t["seconds"].mean()),
            "sde_equal_far": np.nan,
            "snr_50_equal_far": np.nan,
            "snr_90_equal_far": np.nan,
        }
        if name in ("bls-sde", "tls") and "period_match" in t and (~t["injected"]).any():
            eq, thr = at_equal_false_alarms(t, far)
            row.update(
                sde_equal_far=thr,
                snr_50_equal_far=snr_at_completeness(eq, 0.5),
                snr_90_equal_far=snr_at_completeness(eq, 0.9),
            )
        rows.append(row)
    return pd.DataFrame(rows)
