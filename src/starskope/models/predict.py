"""Score light curves with a model and return :class:`~starskope.result.StarResult` objects.

:func:`predict_results` runs whatever stages the model needs: a raw-flux model gets each light
curve resampled to its input length; a tabular model gets the full search pipeline
(:func:`~starskope.pipeline.analyse_full`), so its results also carry the candidates and vetting.
``score`` is the calibrated probability that the star hosts a transiting planet;
A views model gets the same pipeline run and the folded views of the strongest candidate.
``class_probabilities`` has one entry per class; ``explanation`` says what drove the score
(the strongest feature contributions, the time ranges with the highest saliency, or for a views
model the phases of the global and local views with the highest occlusion saliency).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Iterator

import numpy as np

from ..exceptions import StarskopeError
from ..parallel import one_thread
from ..result import StarResult
from .prior import score_prior, significant
from .registry import DEFAULT_MODEL, MODELS, load_model

__all__ = ["ModelAnalyse", "at_prior", "predict_results", "scored_result"]

_CLASS_NAMES = {0: "not_planet", 1: "planet"}


def _class_names(est) -> list[str]:
    return [c if isinstance(c, str) else _CLASS_NAMES.get(int(c), str(c)) for c in est.classes_]


def _base_result(ident, lc) -> StarResult:
    m = lc.meta
    return StarResult(
        path=str(ident),
        mission=getattr(m, "mission", None),
        target=getattr(m, "target", None),
        ra=getattr(m, "ra", None),
        dec=getattr(m, "dec", None),
        row=getattr(m, "row", None),
        label=getattr(m, "label", None),
        n_points=len(lc),
        time_span_days=float(lc.time_span) if len(lc) > 1 else None,
        cadence_minutes=float(lc.cadence * 1440.0) if len(lc) > 1 else None,
    )


def _probs(est, X) -> tuple[np.ndarray, list[dict[str, float]]]:
    proba = est.predict_proba(X)
    names = _class_names(est)
    col = names.index("planet")
    rows = [{n: float(p) for n, p in zip(names, r, strict=True)} for r in proba]
    return proba[:, col].astype(float), rows


def _rawflux_chunk(name, est, chunk, *, explain: bool) -> list[StarResult]:
    from ..features.rawflux import (
        model_cadence_minutes,
        model_times,
        resample_flux,
        row_span,
        warn_if_resampled,
    )

    cadence = model_cadence_minutes(est)
    warn_if_resampled([lc for _, lc in chunk], est.n_points_, cadence)
    out: list[StarResult | None] = [None] * len(chunk)
    good, X = [], []
    for i, (ident, lc) in enumerate(chunk):
        try:
            X.append(resample_flux(lc, n_points=est.n_points_, cadence_minutes=cadence))
            good.append(i)
        except StarskopeError as exc:
            out[i] = StarResult.from_error(ident, exc, lc)
    if good:
        X = np.vstack(X)
        score, probs = _probs(est, X)
        method = "gradient" if name == "original-cnn" else "occlusion"
        window = max(1, est.n_points_ // 64)
        sal = est.saliency(X, method=method, window=window) if explain else None
        for k, i in enumerate(good):
            ident, lc = chunk[i]
            expl = {"model": name, "host_prior": score_prior(est)}
            if sal is not None:
                grid = model_times(lc, n_points=est.n_points_, cadence_minutes=cadence)
                # the row's slots the light curve spans (beyond, its data repeated)
                span = row_span(lc, n_points=est.n_points_, cadence_minutes=cadence)
                row = np.nan_to_num(sal[k], nan=0.0)
                order = [j for j in np.argsort(row)[::-1] if j < span and row[j] > 0]
                expl["high_saliency_times"] = _most_salient_times(
                    grid, order[: max(1, est.n_points_ // 50)]
                )
                expl["time_format"] = lc.time_format
                expl["saliency_method"] = method
            out[i] = dataclasses.replace(
                _base_result(ident, lc),
                score=float(score[k]),
                class_probabilities=probs[k],
                explanation=expl,
                method=name,
            )
    return out  # type: ignore[return-value]


#: Times listed in a raw-flux model's explanation (``high_saliency_times``).
N_SALIENT_TIMES = 20


def _most_salient_times(grid, order) -> list[float]:
    """The :data:`N_SALIENT_TIMES` most salient distinct times (to 0.01 d) of the slots in
    ``order`` (most salient first), listed in time order."""
    times: list[float] = []
    for j in order:
        v = round(float(grid[j]), 2)
        if v not in times:
            times.append(v)
            if len(times) == N_SALIENT_TIMES:
                break
    return sorted(times)


#: Shortest light curve (days) the models of the search's candidates (gbm, the views CNN)
#: score: a tenth of the 65-day K2 light curves they were trained on, as for the raw-flux
#: models' rows (:data:`starskope.features.rawflux.MIN_SLOT_FRACTION`). A day of data scored
#: 0.37 with gbm, above its 65 days' 0.22 and the hosts of its table.
MIN_SPAN_DAYS = 6.5


def _long_enough(name, lc) -> None:
    """Refuse a light curve too short for a per-star model (:data:`MIN_SPAN_DAYS`): the span
    of its cadences with flux (a Kaggle row of 149 samples and empty cells after them spans
    3 days, not the row's 65)."""
    ok = np.isfinite(lc.t) & np.isfinite(lc.flux)
    span = float(np.ptp(lc.t[ok])) if np.count_nonzero(ok) > 1 else 0.0
    if not span >= MIN_SPAN_DAYS:
        raise StarskopeError(
            f"the light curve spans {span:.3g} days: the {name} model scores none shorter than"
            f" {MIN_SPAN_DAYS:g} (a tenth of the 65-day light curves it was trained on; its score"
            " of so little data would mean nothing)",
            path=lc.meta.source,
        )


def _tabular_one(name, est, ident, lc, *, config, explain: bool) -> StarResult:
    from ..features.tabular import FEATURE_NAMES, candidate_features
    from ..pipeline import analyse_full

    try:
        _long_enough(name, lc)
        analysis = analyse_full(lc, config)
    except StarskopeError as exc:
        return StarResult.from_error(ident, exc, lc)
    x = candidate_features(analysis)
    score, probs = _probs(est, x)
    expl: dict = {"model": name, "host_prior": score_prior(est)}
    if explain:
        contrib = est.contributions(x[:1])[0]
        order = np.argsort(-np.abs(contrib))[:5]
        expl["feature_contributions"] = {
            FEATURE_NAMES[j]: round(float(contrib[j]), 4)
            for j in order
            if round(float(contrib[j]), 4) != 0
        }
    return dataclasses.replace(
        _with_candidate_scores(analysis.result, score, probs),
        path=str(ident),
        score=float(score[0]),
        class_probabilities=probs[0],
        explanation=expl,
    )


def _with_candidate_scores(res: StarResult, score, probs) -> StarResult:
    """Each candidate's ``extra`` gets ``model_score`` and ``model_class_probabilities``: what
    the model says when that signal is taken as the star's strongest (the first candidate's are
    the star's own). :func:`~starskope.vet.ephemeris.flag_common_signals` moves a star's score
    to its next candidate this way when the first is vetoed."""
    if not res.candidates:
        return res
    cands = tuple(
        dataclasses.replace(
            c,
            extra={
                **(c.extra or {}),
                "model_score": significant(score[k]),
                "model_class_probabilities": {n: significant(v) for n, v in probs[k].items()},
            },
        )
        for k, c in enumerate(res.candidates)
    )
    return dataclasses.replace(res, candidates=cands)


#: Occluded stretches named in a views model's explanation, per view ...
N_SALIENT_STRETCHES = 3
#: ... each this many bins of the local views, ten times as many of the global view.
VIEWS_WINDOW = 10


def _top_stretches(values, axis, stretches, *, digits: int) -> list[float]:
    """The centres (on ``axis``) of the :data:`N_SALIENT_STRETCHES` occluded ``stretches``
    (``[start, stop)`` bins; ``values`` is constant over each) whose hiding lowered the score
    most, in axis order."""
    values = np.asarray(values, dtype=float)
    runs = [
        (float(values[a]), 0.5 * (float(axis[a]) + float(axis[b - 1])))
        for a, b in stretches
        if values[a] > 0  # NaN and no drop: not salient
    ]
    runs.sort(key=lambda r: -r[0])
    return sorted(round(c, digits) + 0.0 for _, c in runs[:N_SALIENT_STRETCHES])  # no -0.0


def _views_one(name, est, ident, lc, *, config, explain: bool) -> StarResult:
    from ..pipeline import analyse_full
    from .views import N_GLOBAL, N_LOCAL, candidate_inputs

    try:
        _long_enough(name, lc)
        analysis = analyse_full(lc, config)
    except StarskopeError as exc:
        return StarResult.from_error(ident, exc, lc)
    x, _ = candidate_inputs(analysis)  # one row per candidate; the first is the star's
    score, probs = _probs(est, x)
    expl: dict = {"model": name, "host_prior": score_prior(est)}
    res = _with_candidate_scores(analysis.result, score, probs)
    if explain and res.candidates:
        from .torch_multiclass import view_stretches

        sal = est.saliency(x[:1], window=VIEWS_WINDOW)
        g = sal["global"][0]
        loc = sal["local"][0]
        phase = np.linspace(-0.5, 0.5, N_GLOBAL)
        durs = np.linspace(-2.0, 2.0, N_LOCAL)  # local view: +-2 transit durations
        expl["high_saliency_global_phase"] = _top_stretches(
            g, phase, view_stretches(N_GLOBAL, VIEWS_WINDOW), digits=3
        )
        expl["high_saliency_local_durations"] = _top_stretches(
            loc, durs, view_stretches(N_LOCAL, VIEWS_WINDOW), digits=2
        )
        expl["view_saliency"] = {k: round(float(v[0].max()), 3) for k, v in sal.items()}
        expl["saliency_method"] = "occlusion"
    return dataclasses.replace(
        res,
        path=str(ident),
        score=float(score[0]),
        class_probabilities=probs[0],
        explanation=expl,
    )


#: The scorer of each per-star model kind (they run the search pipeline on every light curve;
#: raw-flux models score a chunk at once in :func:`_rawflux_chunk`).
_PER_STAR = {"tabular": _tabular_one, "views": _views_one}


def predict_results(
    items: Iterable,
    *,
    model=DEFAULT_MODEL,
    explain: bool = True,
    config=None,
    chunk: int = 256,
    n_jobs: int = 1,
) -> Iterator[StarResult]:
    """Score light curves; one :class:`~starskope.result.StarResult` per item, in order.

    Parameters
    ----------
    items : iterable of (id, LightCurve or StarskopeError), of LightCurve, or one LightCurve
        As :func:`starskope.io.iter_read` yields them (an error gives a failed result); bare
        light curves are named by their source file, else ``"lightcurve <i>"``.
    model : str, path or (name, estimator), optional
        A shipped model name, a model file, or an already loaded ``(name, estimator)`` pair.
    explain : bool, optional
        Add what drove each score to ``explanation``.
    config : PipelineConfig, optional
        For models that run the search pipeline.
    chunk : int, optional
        Light curves scored together by raw-flux models.
    n_jobs : int, optional
        Worker processes for the models that run the search pipeline per star (gbm, views-cnn;
        raw-flux models score a chunk at once in this process). Results keep the input order.

    Yields
    ------
    StarResult
    """
    from ..config import PipelineConfig

    items = _pairs(items)
    name, est = model if isinstance(model, tuple) else load_model(model)
    kind = MODELS[name].kind
    config = config or PipelineConfig()
    if n_jobs < 1:
        raise StarskopeError(f"n_jobs must be >= 1; got {n_jobs}")
    if n_jobs > 1 and kind in _PER_STAR:
        yield from _in_processes(name, est, items, config=config, explain=explain, n_jobs=n_jobs)
        return
    batch: list = []
    for ident, lc in items:
        if isinstance(lc, StarskopeError):
            if batch:
                yield from _rawflux_chunk(name, est, batch, explain=explain)
                batch = []
            yield StarResult.from_error(ident, lc)
            continue
        if kind in _PER_STAR:
            # one star at a time: thread pools only cost here (scikit-learn's OpenMP predicting
            # three rows took 5 s instead of 0.02 s on a busy 2-core machine)
            with one_thread():
                res = _PER_STAR[kind](name, est, ident, lc, config=config, explain=explain)
            yield res
            continue
        batch.append((ident, lc))
        if len(batch) >= chunk:
            yield from _rawflux_chunk(name, est, batch, explain=explain)
            batch = []
    if batch:
        yield from _rawflux_chunk(name, est, batch, explain=explain)


def scored_result(
    ident, lc, *, model, config, searched: StarResult | None = None, explain: bool = True
) -> StarResult:
    """One light curve's search result with ``model``'s score: what ``starskope search
    --model`` prints and ``starskope scan --model`` stores.

    A model that runs the search pipeline (gbm, views-cnn) returns its result with the
    candidates and vetting. A raw-flux model scores the flux alone; the search still runs, as
    without a model (once: ``searched`` is a result already made, e.g. for a plot), and takes
    its score, class probabilities and explanation (under ``explanation["model"]``).

    Parameters
    ----------
    ident : str
        The star's name in the result (its file, or file and row).
    lc : LightCurve
        The light curve.
    model : (name, estimator)
        A loaded model (:func:`~starskope.models.registry.load_model`).
    config : PipelineConfig
        Search settings.
    searched : StarResult, optional
        The search's result for ``lc``, when already made.
    explain : bool, optional
        Add what drove the score.
    """
    from ..pipeline import analyse

    scored = next(iter(predict_results([(ident, lc)], model=model, config=config, explain=explain)))
    if MODELS[model[0]].kind in _PER_STAR and scored.error is None:
        return scored
    res = searched if searched is not None else analyse(lc, config)
    if scored.error is not None and res.error is None:
        # the model cannot score this flux (too short for its rows, or for a model of the
        # search's candidates, :data:`MIN_SPAN_DAYS`): the search's result stands, without a
        # score, and says why
        return dataclasses.replace(
            res,
            explanation={
                **(res.explanation or {}),
                "model": {"model": model[0], "error": scored.error},
            },
            reasons=tuple(res.reasons) + (f"The {model[0]} model gave no score: {scored.error}",),
        )
    if scored.error is not None:
        return scored
    return dataclasses.replace(
        res,
        score=scored.score,
        class_probabilities=scored.class_probabilities,
        explanation={**(res.explanation or {}), "model": scored.explanation or {}},
    )


@functools.lru_cache(maxsize=4)
def _loaded(model: str) -> tuple[str, object]:
    """A model loaded once per process (a scan's worker scores many stars with it)."""
    return load_model(model)


@dataclasses.dataclass(frozen=True)
class ModelAnalyse:
    """``analyse(lc, config)`` that also scores the star with a model (a shipped name or a model
    file that every worker can read): :func:`scored_result`, for ``starskope scan --model``.
    Pickles as the model's name; each worker process loads the model once."""

    model: str
    explain: bool = True

    def __call__(self, lc, config) -> StarResult:
        ident = lc.meta.source or "lightcurve"  # the row, if any, is the result's own field
        return scored_result(
            ident, lc, model=_loaded(self.model), config=config, explain=self.explain
        )


def _shift_dict(probs, train_prior: float, host_prior: float):
    """Class probabilities (a dict with a ``"planet"`` key) moved to ``host_prior``; anything
    else returned as it is."""
    from .prior import shift_prior

    if not isinstance(probs, dict) or "planet" not in probs:
        return probs
    names = list(probs)
    row = shift_prior([[probs[n] for n in names]], planet_col=names.index("planet"),
                      train_prior=train_prior, host_prior=host_prior)[0]  # fmt: skip
    return {n: float(v) for n, v in zip(names, row, strict=True)}


def _shift_candidate(c, train_prior: float, host_prior: float):
    from .prior import shift_planet

    extra = dict(c.extra or {})
    if extra.get("model_score") is None and extra.get("model_class_probabilities") is None:
        return c
    if extra.get("model_score") is not None:
        extra["model_score"] = significant(
            shift_planet(extra["model_score"], train_prior=train_prior, host_prior=host_prior)
        )
    probs = _shift_dict(extra.get("model_class_probabilities"), train_prior, host_prior)
    if isinstance(probs, dict):
        extra["model_class_probabilities"] = {n: significant(v) for n, v in probs.items()}
    return dataclasses.replace(c, extra=extra)


def at_prior(
    res: StarResult, *, train_prior: float, host_prior: float, estimated: bool = False
) -> StarResult:
    """``res`` scored for a population with host share ``host_prior`` instead of
    ``train_prior``: its score, class probabilities, each candidate's ``model_score`` and
    ``model_class_probabilities``, ``explanation["host_prior"]`` and gbm's
    ``explanation["feature_contributions"]`` moved by Bayes' rule
    (:func:`~starskope.models.prior.shift_prior`; what a result lacks is left out); a result
    without a score is returned as it is. Candidates' model scores are stored to 6 significant
    figures. ``estimated``: the share came from the scores themselves (``--prior
    auto``), recorded as ``explanation["host_prior_estimated"]``."""
    from .prior import shift_planet

    if res.score is None:
        return res
    score = float(shift_planet(res.score, train_prior=train_prior, host_prior=host_prior))
    cands = tuple(_shift_candidate(c, train_prior, host_prior) for c in res.candidates)
    expl = dict(res.explanation or {})
    expl["host_prior"] = significant(host_prior)
    if estimated:
        expl["host_prior_estimated"] = True
    if expl.get("feature_contributions"):
        # each is p(star) - p(star with that feature at its median): both moved alike
        def shift(p: float) -> float:
            p = min(max(p, 0.0), 1.0)
            return float(shift_planet(p, train_prior=train_prior, host_prior=host_prior))

        moved = {
            k: round(score - shift(float(res.score) - float(v)), 4)
            for k, v in expl["feature_contributions"].items()
        }
        expl["feature_contributions"] = {k: v for k, v in moved.items() if v != 0}
    return dataclasses.replace(
        res,
        score=score,
        class_probabilities=_shift_dict(res.class_probabilities, train_prior, host_prior),
        candidates=cands,
        explanation=expl,
    )


def _pairs(items) -> Iterator:
    """``(id, light curve or error)`` pairs from what :func:`predict_results` is given: such
    pairs, bare light curves (named by their file, else their place), or one light curve."""
    from ..lightcurve import LightCurve

    if isinstance(items, LightCurve):
        items = [items]
    for i, item in enumerate(items):
        if isinstance(item, LightCurve):
            yield item.meta.source or f"lightcurve {i}", item
        elif isinstance(item, tuple) and len(item) == 2:
            yield item
        else:
            raise StarskopeError(
                "predict_results takes light curves or (id, light curve) pairs (as"
                f" starskope.io.iter_read yields them); item {i} is a {type(item).__name__}"
            )


#: The model a worker process scores with (set once per process by :func:`_worker_init`).
_WORKER: dict = {}


def _worker_init(name, est, config, explain) -> None:
    import warnings

    from ..exceptions import show_warning
    from ..parallel import one_thread_per_process

    one_thread_per_process()
    warnings.showwarning = show_warning  # one line each, as the parent process prints them
    _WORKER.update(name=name, est=est, config=config, explain=explain)


def _worker_one(item) -> StarResult:
    ident, lc = item
    w = _WORKER
    one = _PER_STAR[MODELS[w["name"]].kind]
    return one(w["name"], w["est"], ident, lc, config=w["config"], explain=w["explain"])


def _in_processes(name, est, items, *, config, explain: bool, n_jobs: int, batch: int = 64):
    """:func:`predict_results` for per-star pipeline models over ``n_jobs`` processes, in input
    order, ``batch`` light curves in flight at a time (the input is streamed)."""
    import itertools
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: workers forked from a fresh server process, not from this one, which may
    # already use GNU OpenMP (batman, scikit-learn): libgomp kills a child forked after that
    with ProcessPoolExecutor(
        max_workers=n_jobs,
        mp_context=mp.get_context("forkserver"),
        initializer=_worker_init,
        initargs=(name, est, config, explain),
    ) as pool:
        it = iter(items)
        while True:
            part = list(itertools.islice(it, batch))
            if not part:
                return
            good = [(i, x) for i, x in enumerate(part) if not isinstance(x[1], StarskopeError)]
            scored = pool.map(_worker_one, [x for _, x in good])
            done = dict(zip((i for i, _ in good), scored, strict=True))
            for i, (ident, lc) in enumerate(part):
                yield done[i] if i in done else StarResult.from_error(ident, lc)
