"""Ephemeris matching: one periodic signal in several stars observed at the same time.

A dip that recurs with the same period, at the same times, in stars that share nothing but the
instrument and the time of observation is the instrument's (K2's thruster firings every ~6 h, a
momentum dump) or one variable star's light spilled onto its neighbours, not a planet of each.
The Kepler team rejected hundreds of KOIs this way (Coughlin et al. 2014). This test needs the
whole survey, so it runs after the per-star pipeline: on a scan catalog
(:meth:`starskope.catalog.Catalog.common_signals`), an injection-recovery table or any list of
candidates.

**Match.** Two candidates of different stars match when their periods are equal or in ratio 2
(the search may pick either alias) and their boxes overlap at every transit of the longer-period
one within the shorter of the two time spans: the predicted mid-transit times differ by less
than the mean of the two durations. The epochs must be in one time system (BJD, or one table's
own days) and the stars observed together (epochs less than the longer span, plus a period,
apart).

**Significance.** Short periods are crowded, so one match can be chance. For a candidate of
period ``P``, duration ``D`` and span ``L``, an unrelated candidate matches with probability
(period window) x (phase window): its log period must fall within ``2 D / L`` (epochs that drift
by less than ``D`` over ``L``) and its epoch within ``2 D / P`` of the candidate's (``4 D / P``
for a candidate at ``P/2``). The expected number of chance matches sums, over ``P``, ``2P`` and
``P/2``, the local density of co-observed candidates of other stars per unit log period
(counted within +-:data:`DENSITY_WINDOW`, the matching ones left out, plus one: a sparse survey
is not taken for an empty one) times those windows; the
matches are Poisson with that mean, and the signal is called common when the probability of at
least the observed number of them is below ``alpha``. ``alpha`` applies to each candidate: among
``N`` candidates with no common signal at all, up to about ``N x alpha`` can be called common by
chance.

References
----------
Coughlin, J. L. et al. 2014, AJ 147, 119, "Contamination in the Kepler Field. Identification of
685 KOIs as False Positives via Ephemeris Matching Based on Q1-Q12 Data".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..exceptions import StarskopeError

__all__ = [
    "CommonSignals",
    "clock_group",
    "common_signals",
    "ephemerides_match",
    "flag_common_signals",
]

#: Period ratios tried (and their inverses): the same signal, or one found at twice the period.
RATIOS = (1.0, 2.0)
#: Default significance: a candidate is a common signal when chance gives its matches with a
#: probability below this.
ALPHA = 1e-3
#: Half-width (in log period) of the window in which the density of other stars' candidates is
#: counted, at least ten times the match window.
DENSITY_WINDOW = 0.05


@dataclass(frozen=True)
class CommonSignals:
    """Result of :func:`common_signals`, one entry per input candidate.

    Attributes
    ----------
    n_matches : ndarray of int
        Other stars whose candidate matches this one.
    expected : ndarray of float
        Chance matches expected from the co-observed candidates (Poisson mean).
    p_value : ndarray of float
        Probability of at least ``n_matches`` chance matches (1 when there are none).
    common : ndarray of bool
        ``p_value < alpha``: a signal shared with other stars, not the star's own.
    partners : tuple of tuple of int
        Indices of the matching candidates.
    """

    n_matches: np.ndarray
    expected: np.ndarray
    p_value: np.ndarray
    common: np.ndarray
    partners: tuple[tuple[int, ...], ...]


def ephemerides_match(p1, t1, d1, p2, t2, d2, *, span: float, ratios=RATIOS) -> bool:
    """True when two ephemerides (days) predict overlapping transits over ``span`` days.

    The longer-period signal's transits from the later epoch on must each fall within the mean
    duration of a transit of the shorter-period one, its period being a ratio in ``ratios`` of
    the other's.

    Examples
    --------
    >>> ephemerides_match(1.70, 100.0, 0.25, 1.701, 100.05, 0.25, span=30.0)
    True
    >>> ephemerides_match(1.70, 100.0, 0.25, 3.40, 101.7, 0.25, span=30.0)
    True
    >>> ephemerides_match(1.70, 100.0, 0.25, 1.75, 100.0, 0.25, span=30.0)
    False
    """
    m = _match_many(
        float(p1),
        float(t1),
        float(d1),
        float(span),
        *np.atleast_1d(p2, t2, d2, span),
        ratios=ratios,
    )
    return bool(m[0])


def _match_many(p1, t1, d1, s1, p2, t2, d2, s2, *, ratios=RATIOS) -> np.ndarray:
    """:func:`ephemerides_match` of one ephemeris against arrays of others (vectorised); the
    span of each comparison is the shorter of ``s1`` and ``s2``."""
    p2, t2, d2 = (np.asarray(x, dtype=float) for x in (p2, t2, d2))
    span = np.minimum(s1, np.asarray(s2, dtype=float))
    pa, pb = np.minimum(p1, p2), np.maximum(p1, p2)
    ta = np.where(p1 <= p2, t1, t2)
    tb = np.where(p1 <= p2, t2, t1)
    near = np.zeros(p2.shape, dtype=bool)
    for k in ratios:
        near |= np.abs(pb / (k * pa) - 1.0) < 0.05
    near &= (pa > 0) & (span > 0)
    out = np.zeros(p2.shape, dtype=bool)
    if not near.any():
        return out
    pa, pb, ta, tb, span, tol = (
        pa[near],
        pb[near],
        ta[near],
        tb[near],
        span[near],
        0.5 * (d1 + d2[near]),
    )
    start = np.maximum(ta, tb)
    first = tb + pb * np.ceil((start - tb) / pb - 1e-9)
    count = np.floor(span / pb).astype(np.int64) + 1
    k = np.arange(int(count.max()))
    times = first[:, None] + pb[:, None] * k[None, :]
    off = np.mod(times - ta[:, None] + 0.5 * pa[:, None], pa[:, None]) - 0.5 * pa[:, None]
    ok = (np.abs(off) < tol[:, None]) | (k[None, :] >= count[:, None])
    out[near] = ok.all(axis=1)
    return out


def common_signals(
    period,
    t0,
    duration,
    star,
    span,
    *,
    group=None,
    alpha: float = ALPHA,
    ratios=RATIOS,
) -> CommonSignals:
    """Find candidates whose ephemeris recurs in other stars observed at the same time.

    Parameters
    ----------
    period, t0, duration : array-like
        Each candidate's period, mid-transit epoch and duration, in days; epochs of one
        ``group`` must share a time system (BJD_TDB, or one table's days).
    star : array-like
        Star identifier per candidate; candidates of the same star never match each other.
    span : array-like or float
        Time span of each candidate's light curve (days).
    group : array-like, optional
        Time system per candidate (e.g. ``"bjd"``, or a table's path for relative days); only
        candidates of one group are compared. Default: one group.
    alpha : float, optional
        Significance below which a candidate is called common.
    ratios : tuple of float, optional
        Period ratios that count as the same signal.

    Returns
    -------
    CommonSignals

    Raises
    ------
    StarskopeError
        For arrays of different lengths or non-positive ``alpha``.
    """
    from scipy.stats import poisson

    p = np.asarray(period, dtype=float)
    n = p.size
    t = np.asarray(t0, dtype=float)
    d = np.asarray(duration, dtype=float)
    s = np.broadcast_to(np.asarray(span, dtype=float), (n,)).copy()
    who = _codes(np.asarray(star, dtype=object).ravel())
    grp = np.zeros(n, dtype=np.int64) if group is None else _codes(group)
    if not (t.size == d.size == who.size == grp.size == n):
        raise StarskopeError(
            "period, t0, duration, star (and group) must have one entry per candidate; got "
            f"{n}, {t.size}, {d.size}, {who.size}, {grp.size}"
        )
    if not alpha > 0:
        raise StarskopeError(f"alpha must be positive; got {alpha}")
    ok = np.isfinite(p) & (p > 0) & np.isfinite(t) & np.isfinite(d) & (d > 0) & (s > 0)
    n_match = np.zeros(n, dtype=np.int64)
    expected = np.zeros(n)
    partners: list[list[int]] = [[] for _ in range(n)]
    logp = np.log(np.where(ok, p, 1.0))
    for g in np.unique(grp[ok]):
        idx = np.flatnonzero(ok & (grp == g))
        order = idx[np.argsort(logp[idx], kind="stable")]
        lp = logp[order]
        for i in idx:
            # candidates of other stars observed together, within a window of log period
            # around P, 2P and P/2: the matches among them, and the density of the others
            window = max(DENSITY_WINDOW, 10.0 * d[i] / s[i])
            found: set[int] = set()
            near: list[tuple[float, np.ndarray, float]] = []
            for centre, phase in ((0.0, 2.0), (np.log(2.0), 2.0), (-np.log(2.0), 4.0)):
                if centre and 2.0 not in ratios:
                    continue
                lo_v, hi_v = logp[i] + centre - window, logp[i] + centre + window
                lo = np.searchsorted(lp, lo_v, "left")
                hi = np.searchsorted(lp, hi_v, "right")
                js = order[lo:hi]
                js = js[
                    (who[js] != who[i])
                    & (np.abs(t[js] - t[i]) <= np.maximum(s[i], s[js]) + np.maximum(p[i], p[js]))
                ]
                if js.size:
                    hit = _match_many(
                        p[i], t[i], d[i], s[i], p[js], t[js], d[js], s[js], ratios=ratios
                    )
                    found.update(int(j) for j in js[hit])
                near.append((min(1.0, phase * d[i] / p[i]), js, 2.0 * window))
            # chance matches: local density (partners left out) x period window (drifts below
            # D over L: 2 D / L in log period) x phase window
            for phase_window, js, width in near:
                partners_here = np.isin(js, np.fromiter(found, dtype=np.int64, count=len(found)))
                n_other = int(np.count_nonzero(~partners_here)) + 1  # pseudo-count
                expected[i] += n_other / width * (2.0 * d[i] / s[i]) * phase_window
            stars = {who[j] for j in found}
            n_match[i] = len(stars)
            partners[i] = sorted(found)
    pval = np.where(n_match > 0, poisson.sf(n_match - 1, np.maximum(expected, 1e-300)), 1.0)
    return CommonSignals(
        n_matches=n_match,
        expected=expected,
        p_value=pval,
        common=pval < alpha,
        partners=tuple(tuple(x) for x in partners),
    )


def _codes(values) -> np.ndarray:
    """Integer codes of arbitrary hashable labels (None and NaN are a group of their own)."""
    table: dict = {}
    codes = []
    for v in values:
        missing = v is None or (isinstance(v, float) and np.isnan(v))
        codes.append(table.setdefault("<none>" if missing else v, len(table)))
    return np.array(codes, dtype=np.int64)


def clock_group(t0_bjd, t0_format, path) -> str:
    """The clock a candidate's epoch is on: BJD when known, else one input's own days (the
    rows of one Kaggle table were observed together; separate files each have their own)."""
    if t0_bjd is not None:
        return "bjd"
    table = str(path).rsplit("#row=", 1)[0]  # a table row's path names its row
    return f"{t0_format}:{table}"


def flag_common_signals(results, *, alpha: float = ALPHA) -> list:
    """Survey-level vetting of many :class:`~starskope.result.StarResult`: common signals out.

    Every significant candidate (SNR and SDE flags not raised) that :func:`common_signals`
    calls common gets a raised ``common_ephemeris`` flag (value: the number of other stars it
    matches) and stops being planet-like; ``is_candidate`` follows. When that candidate is the
    star's first (the one a model scored), the signal is the instrument's or a neighbour's, not
    this star's: the score becomes the model's score of the star's next signal that is not
    common (each candidate's ``extra["model_score"]``), or 0 when there is none (the planet
    probability then moves to the model's other class: ``other``, or gbm's ``not_planet``).
    Failed results pass through.

    Returns
    -------
    list of StarResult
        Same order.
    """
    import dataclasses

    from ..result import VetFlag

    out = list(results)
    keys, period, t0, dur, star, span, group = [], [], [], [], [], [], []
    for i, r in enumerate(out):
        if r.error or not r.candidates:
            continue
        who = r.target or f"{r.path}#{r.row}"
        for k, c in enumerate(r.candidates):
            if not c.is_significant:
                continue
            keys.append((i, k))
            period.append(c.period_days)
            t0.append(c.t0_bjd if c.t0_bjd is not None else c.t0)
            dur.append(c.duration_hours / 24.0)
            star.append(who)
            span.append(r.time_span_days if r.time_span_days else float("nan"))
            group.append(clock_group(c.t0_bjd, c.t0_format, r.path))
    if not keys:
        return out
    res = common_signals(
        period, t0, dur, star, np.asarray(span, dtype=float), group=group, alpha=alpha
    )
    hits: dict[int, dict[int, tuple[int, float]]] = {}
    for (i, k), common, n, p in zip(keys, res.common, res.n_matches, res.p_value, strict=True):
        if common:
            hits.setdefault(i, {})[k] = (int(n), float(p))
    for i, cands in hits.items():
        r = out[i]
        new = list(r.candidates)
        for k, (n, p) in cands.items():
            flag = VetFlag(
                "common_ephemeris",
                True,
                float(n),
                f"the same period and transit times in {n} other star(s) observed together "
                f"(chance probability {p:.1e}, below {alpha:g}): a signal of the instrument or "
                "of a neighbour's light, not this star's",
            )
            new[k] = dataclasses.replace(
                new[k], vetting=new[k].vetting + (flag,), is_planet_like=False
            )
        changes = dict(candidates=tuple(new), is_candidate=any(c.is_planet_like for c in new))
        if 0 in cands and r.score is not None:
            changes.update(_rescored(r, new, cands))
        out[i] = dataclasses.replace(r, **changes)
    return out


def _rescored(r, cands, common: dict) -> dict:
    """New score of a star whose scored (first) signal is common: the model's score of its next
    signal that is not (``model_score`` in the candidate's ``extra``, from
    :func:`~starskope.models.predict.predict_results`), else 0 with the planet probability moved
    to the model's other class (``other``, or gbm's ``not_planet``)."""
    why = (
        f"the scored signal (P = {cands[0].period_days:.4f} d) recurs in {common[0][0]} other "
        "star(s) observed together (ephemeris matching)"
    )
    for k, c in enumerate(cands):
        extra = c.extra or {}
        if k in common or "model_score" not in extra or "model_class_probabilities" not in extra:
            continue
        text = (
            f"Score {float(c.extra['model_score']):.3f} (was {r.score:.3f}) from the next "
            f"signal, P = {c.period_days:.4f} d: {why}."
        )
        return dict(
            score=float(extra["model_score"]),
            class_probabilities=dict(extra["model_class_probabilities"]),
            reasons=r.reasons + (text,),
            explanation=_noted(r.explanation, text),
        )
    probs = dict(r.class_probabilities or {})
    if "planet" in probs:
        moved = probs["planet"]
        probs["planet"] = 0.0
        # to the model's own class for the rest (gbm's not_planet; the views CNN's other)
        rest = next((c for c in ("other", "not_planet") if c in probs), None)
        rest = rest or next((c for c in probs if c != "planet"), "other")
        probs[rest] = probs.get(rest, 0.0) + moved
    text = f"Score set to 0 (was {r.score:.3f}): {why}."
    return dict(
        score=0.0,
        class_probabilities=probs or r.class_probabilities,
        reasons=r.reasons + (text,),
        explanation=_noted(r.explanation, text),
    )


def _noted(explanation, text: str):
    """A model's explanation with the survey's rescoring said in it (its figures, such as
    gbm's feature contributions, are the model's of the signal it first scored)."""
    if explanation is None:
        return None
    return {**explanation, "rescored": text}
