"""Stitch light curves of one star from several missions into one, and compare their depths.

* :func:`stitch` puts every segment on BJD_TDB, drops cadences flagged by the mission's quality
  bitmask, optionally bins fine cadences (TESS 2-min, Kepler 1-min) to a coarser one,
  normalises (and optionally detrends) each segment on its own, and concatenates them in time
  order. The mission and segment of every cadence are kept beside the light curve.
* :func:`bin_to` bins a light curve to a fixed cadence.
* :func:`depth_consistency` measures the transit depth in each mission and flags a signal
  whose depths disagree beyond their errors: the signature of an eclipsing binary blended
  with the target, diluted differently by Kepler's 4" and TESS's 21" pixels.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .exceptions import StarskopeError, StarskopeWarning
from .io.quality import quality_mask
from .lightcurve import LightCurve, LightCurveMeta
from .result import VetFlag
from .units import to_days

__all__ = [
    "DepthConsistency",
    "MissionDepth",
    "SegmentInfo",
    "StitchedLightCurve",
    "bin_to",
    "candidate_depths",
    "depth_consistency",
    "stitch",
]


# --------------------------------------------------------------------------- binning
def bin_to(lc: LightCurve, cadence, *, min_count: int = 1) -> LightCurve:
    """Bin a light curve to a fixed cadence.

    Bins are ``cadence`` wide, starting at the first finite time. Each bin's time and flux are
    the means of its finite points; its error is ``sqrt(sum err^2) / n`` when every point has
    an error, else the standard error of the mean (NaN for a single point); its quality is the
    bitwise OR of the points' flags.

    Parameters
    ----------
    lc : `~starskope.lightcurve.LightCurve`
    cadence : `~astropy.units.Quantity` ['time'] or float
        Bin width (a bare number is days), e.g. ``30 * u.min``.
    min_count : int, optional
        Bins with fewer points are dropped.

    Returns
    -------
    `~starskope.lightcurve.LightCurve`
        Same time format and metadata; ``meta.extra["binned_from_minutes"]`` records the
        original cadence.

    Raises
    ------
    StarskopeError
        If ``cadence`` is not positive.

    Examples
    --------
    >>> import numpy as np, astropy.units as u
    >>> lc = LightCurve(np.arange(0, 1, 2 / 1440), np.ones(720), time_format="btjd")
    >>> len(bin_to(lc, 30 * u.min))
    48
    """
    width = to_days(cadence, name="cadence")
    if not (np.isfinite(width) and width > 0):
        raise StarskopeError(f"bin cadence must be positive; got {width} d", path=lc.meta.source)
    good = np.isfinite(lc.t) & np.isfinite(lc.flux)
    t, f = lc.t[good], lc.flux[good]
    e, q = lc.flux_err[good], lc.quality[good]
    if t.size == 0:
        return lc.select(good)
    order = np.argsort(t, kind="stable")
    t, f, e, q = t[order], f[order], e[order], q[order]
    # a hair of slack so that times on a bin edge (up to rounding) open the next bin
    idx = np.floor((t - t[0]) / width + 1e-9).astype(np.int64)
    uniq, start, counts = np.unique(idx, return_index=True, return_counts=True)
    n = counts.astype(float)
    tb = np.add.reduceat(t, start) / n
    fb = np.add.reduceat(f, start) / n
    e_ok = np.isfinite(e)
    all_err = np.add.reduceat(e_ok.astype(np.int64), start) == counts
    err_prop = np.sqrt(np.add.reduceat(np.where(e_ok, e, 0.0) ** 2, start)) / n
    dev2 = np.add.reduceat((f - np.repeat(fb, counts)) ** 2, start)
    with np.errstate(invalid="ignore", divide="ignore"):
        sem = np.sqrt(dev2 / np.maximum(n - 1, 1) / n)
    sem[counts < 2] = np.nan
    eb = np.where(all_err, err_prop, sem)
    qb = np.bitwise_or.reduceat(q.astype(np.int64), start).astype(np.int32)
    keep = counts >= max(int(min_count), 1)
    extra = dict(lc.meta.extra)
    extra.setdefault("binned_from_minutes", lc.cadence * 1440.0)
    return LightCurve(
        tb[keep],
        fb[keep],
        eb[keep],
        qb[keep],
        time_format=lc.time_format,
        meta=lc.meta.replace(extra=extra),
    )


# --------------------------------------------------------------------------- stitching
@dataclass(frozen=True)
class SegmentInfo:
    """One input light curve as it went into the stitched one.

    Attributes
    ----------
    index : int
        Position in the list given to :func:`stitch`.
    mission, segment, source, target : str or None
        From the input's metadata.
    n_points : int
        Cadences kept.
    n_dropped_quality : int
        Cadences dropped by the quality bitmask.
    cadence_minutes : float
        Cadence after binning.
    original_cadence_minutes : float
        Cadence of the input.
    t_start, t_stop : float
        First and last kept time, BJD_TDB.
    median_flux : float
        The divisor used to normalise the segment.
    """

    index: int
    mission: str | None
    segment: str | None
    source: str | None
    target: str | None
    n_points: int
    n_dropped_quality: int
    cadence_minutes: float
    original_cadence_minutes: float
    t_start: float
    t_stop: float
    median_flux: float


@dataclass(frozen=True)
class StitchedLightCurve:
    """A light curve stitched from several segments, with the origin of every cadence.

    Attributes
    ----------
    lightcurve : `~starskope.lightcurve.LightCurve`
        Times in BJD_TDB (``time_format="jd"``), flux relative (each segment's median is 1).
    mission : `numpy.ndarray` of str
        Mission of each cadence (``""`` when unknown).
    segment : `numpy.ndarray` of int
        Index into :attr:`segments` of each cadence.
    segments : tuple of `SegmentInfo`
    """

    lightcurve: LightCurve
    mission: np.ndarray
    segment: np.ndarray
    segments: tuple[SegmentInfo, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.lightcurve)

    @property
    def missions(self) -> tuple[str, ...]:
        """The missions present, sorted."""
        return tuple(sorted({m for m in self.mission.tolist() if m}))

    @property
    def t(self) -> np.ndarray:
        """Times, BJD_TDB."""
        return self.lightcurve.t

    @property
    def baseline_days(self) -> float:
        """First to last cadence, days."""
        return self.lightcurve.time_span

    def select(self, mask) -> StitchedLightCurve:
        """Keep the cadences where ``mask`` is true, with their mission and segment."""
        mask = np.asarray(mask)
        return StitchedLightCurve(
            self.lightcurve.select(mask), self.mission[mask], self.segment[mask], self.segments
        )

    def of_mission(self, mission: str) -> StitchedLightCurve:
        """The cadences of one mission (case-insensitive)."""
        return self.select(np.char.lower(self.mission.astype(str)) == mission.lower())


#: Light curves whose stated positions are further apart than this are not one star's.
SAME_STAR_ARCSEC = 10.0


def _warn_if_apart(lcs) -> None:
    """Warn when the inputs' header positions (moved to one epoch with their proper motions,
    as :func:`~starskope.crossmatch.group_lightcurves` does) put them on different stars."""
    from .crossmatch import _lc_position, propagate

    placed = [(lc, p) for lc in lcs if (p := _lc_position(lc)) is not None]
    if len(placed) < 2:
        return
    sky = propagate([p for _, p in placed])
    sep = sky[1:].separation(sky[0]).arcsec
    k = int(np.argmax(sep))
    if sep[k] > SAME_STAR_ARCSEC:
        first, other = placed[0][0].meta.source, placed[k + 1][0].meta.source
        warnings.warn(
            f"stitching light curves {sep[k]:.0f} arcsec apart on the sky ({first or 'first'} and"
            f" {other or 'another'}): not one star? (starskope.crossmatch.group_lightcurves"
            " groups files by star)",
            StarskopeWarning,
            stacklevel=3,
        )


#: Two segments of one mission whose time spans share more than this fraction of the shorter
#: one are the same observations reduced twice (K2SFF and EVEREST of one campaign, a sector's
#: 2-min and 20-s light curves, a Kepler short-cadence month inside its long-cadence quarter:
#: one telescope, the same pixels): stitched together, every transit would appear twice at two
#: normalisations, and the noise seem lower than it is.
DUPLICATE_OVERLAP = 0.5


#: A duplicate whose span is this many times another's is kept over it whatever its cadence
#: (a long-cadence quarter over its short-cadence month); spans closer than that (one sector's
#: products) keep the finer cadence.
LONGER_SPAN = 1.2


def _one_reduction_per_observation(parts, infos):
    """Keep one of each group of same-mission segments covering the same times, with a warning
    naming the others: the one whose span is `LONGER_SPAN` times the others', else the finest
    original cadence, then the most valid cadences (the first given on a tie; a sector's 2-min
    light curve over its 30-min product that starts a cadence earlier). Segments of no named
    mission (ground-based telescopes observing the same nights) are all kept."""

    def span(i):
        return infos[i].t_stop - infos[i].t_start

    order = sorted(
        range(len(parts)),
        key=lambda k: (infos[k].original_cadence_minutes, -infos[k].n_points, -span(k)),
    )
    kept: list[int] = []
    for k in order:
        a = infos[k]
        j = next(
            (
                j
                for j in kept
                if a.mission
                and infos[j].mission == a.mission
                and _overlap(a, infos[j]) > DUPLICATE_OVERLAP
            ),
            None,
        )
        if j is None:
            kept.append(k)
            continue
        if span(k) > LONGER_SPAN * span(j):  # clearly longer: it replaces the one kept
            kept[kept.index(j)] = k
            a, b = infos[j], a
        else:
            b = infos[j]
        warnings.warn(
            f"{a.source or f'light curve {a.index}'} covers the same {a.mission or ''} times as"
            f" {b.source or f'light curve {b.index}'} ({100 * _overlap(a, b):.0f}% of the"
            " shorter span): the same observations reduced twice, so only the latter"
            f" ({b.n_points} cadences against {a.n_points}) is stitched",
            StarskopeWarning,
            stacklevel=3,
        )
    kept.sort()
    return [parts[k] for k in kept], [infos[k] for k in kept]


def _overlap(a, b) -> float:
    """Shared time span of two segments over the shorter one's span (0 for spans that are not
    finite)."""
    shared = min(a.t_stop, b.t_stop) - max(a.t_start, b.t_start)
    shorter = min(a.t_stop - a.t_start, b.t_stop - b.t_start)
    if not (np.isfinite(shared) and np.isfinite(shorter)) or shorter <= 0:
        return 0.0
    return max(shared, 0.0) / shorter


def stitch(
    lcs: Sequence[LightCurve],
    *,
    quality_bitmask: str | int = "default",
    cadence=None,
    detrend: Callable[[LightCurve], LightCurve] | None = None,
) -> StitchedLightCurve:
    """Stitch light curves of one star (any missions) into one on BJD_TDB.

    Each input is one segment (quarter, campaign, sector). Per segment: times go to BJD_TDB,
    cadences flagged by the mission's quality bitmask and non-finite points are dropped,
    cadences finer than ``cadence`` are binned to it, flux is divided by the segment median
    and ``detrend`` (if given) is applied. Segments are then concatenated in time order.

    Parameters
    ----------
    lcs : sequence of `~starskope.lightcurve.LightCurve`
        With absolute times (BKJD, BTJD or BJD); ``meta.mission`` selects the quality mask.
    quality_bitmask : {"default", "hard", "hardest", "none"} or int, optional
        Mission quality bitmask, see :func:`starskope.io.quality.quality_mask`.
    cadence : `~astropy.units.Quantity` ['time'], optional
        Bin segments with a finer cadence to this one (e.g. ``30 * u.min`` brings TESS 2-min
        data to the Kepler long cadence). Default: no binning.
    detrend : callable, optional
        ``LightCurve -> LightCurve`` applied to each normalised segment, e.g.
        ``lambda lc: starskope.clean.detrend.flatten(lc).lightcurve``.

    Returns
    -------
    `StitchedLightCurve`

    Raises
    ------
    StarskopeError
        If there is no input, an input has only relative times, or no cadence survives.

    Examples
    --------
    >>> import numpy as np
    >>> from starskope.lightcurve import LightCurve, LightCurveMeta
    >>> k = LightCurve(np.arange(100, 101, 0.02), np.full(50, 200.0),
    ...                time_format="bkjd", meta=LightCurveMeta(mission="Kepler"))
    >>> s = LightCurve(np.arange(1500, 1501, 0.02), np.full(50, 5.0),
    ...                time_format="btjd", meta=LightCurveMeta(mission="TESS"))
    >>> st = stitch([s, k])
    >>> st.missions, st.lightcurve.time_format, float(st.lightcurve.flux.max())
    (('Kepler', 'TESS'), 'jd', 1.0)
    """
    if isinstance(lcs, LightCurve) or isinstance(lcs, str | bytes):
        raise StarskopeError("stitch() takes a list of LightCurve objects (one per segment)")
    lcs = list(lcs)
    if not lcs:
        raise StarskopeError("stitch() needs at least one light curve")
    wrong = [type(lc).__name__ for lc in lcs if not isinstance(lc, LightCurve)]
    if wrong:
        raise StarskopeError(
            f"stitch() takes LightCurve objects (starskope.read(path) makes one); got {wrong[0]}"
        )
    _warn_if_apart(lcs)
    width = None if cadence is None else to_days(cadence, name="cadence")
    if width is not None and not (np.isfinite(width) and width > 0):
        raise StarskopeError(f"cadence must be a positive time to bin to; got {cadence!r}")
    parts, infos = [], []
    for i, lc in enumerate(lcs):
        if lc.time_format == "relative":
            raise StarskopeError(
                "cannot stitch: relative times have no absolute epoch (give BKJD/BTJD/BJD times)",
                path=lc.meta.source,
            )
        m = lc.meta
        original = lc.cadence * 1440.0
        bjd = lc.to_bjd()
        qmask = quality_mask(bjd.quality, mission=m.mission, bitmask=quality_bitmask)
        n_q = int(np.count_nonzero(~qmask))
        seg = bjd.select(qmask).remove_nans()
        if len(seg) == 0:
            warnings.warn(
                f"{m.source or f'light curve {i}'}: no valid cadence left after the quality "
                "mask; segment skipped",
                StarskopeWarning,
                stacklevel=2,
            )
            continue
        if width is not None and np.isfinite(seg.cadence) and seg.cadence < 0.9 * width:
            seg = bin_to(seg, width)
        med = float(np.nanmedian(seg.flux))
        seg = seg.normalize()
        if detrend is not None:
            seg = detrend(seg)
            if not isinstance(seg, LightCurve):
                raise StarskopeError("detrend must return a LightCurve", path=m.source)
            seg = seg.to_bjd() if seg.time_format != "jd" else seg
        parts.append((i, seg))
        infos.append(
            SegmentInfo(
                index=i,
                mission=m.mission,
                segment=m.segment,
                source=m.source,
                target=m.target,
                n_points=len(seg),
                n_dropped_quality=n_q,
                cadence_minutes=seg.cadence * 1440.0,
                original_cadence_minutes=original,
                t_start=float(np.nanmin(seg.t)),
                t_stop=float(np.nanmax(seg.t)),
                median_flux=med,
            )
        )
    if not parts:
        raise StarskopeError("no valid cadence in any light curve to stitch")
    parts, infos = _one_reduction_per_observation(parts, infos)
    t = np.concatenate([s.t for _, s in parts])
    f = np.concatenate([s.flux for _, s in parts])
    e = np.concatenate([s.flux_err for _, s in parts])
    q = np.concatenate([s.quality for _, s in parts])
    mission = np.concatenate(
        [np.full(len(s), lcs[i].meta.mission or "", dtype=object) for i, s in parts]
    )
    segment = np.concatenate([np.full(len(s), k, dtype=np.int32) for k, (_, s) in enumerate(parts)])
    order = np.argsort(t, kind="stable")
    missions = tuple(sorted({lc.meta.mission for lc in lcs if lc.meta.mission}))
    first = lcs[parts[0][0]].meta
    with_pos = next((lc.meta for lc in lcs if lc.meta.ra is not None), first)
    meta = LightCurveMeta(
        mission="+".join(missions) if missions else None,
        target=first.target,
        ra=with_pos.ra,
        dec=with_pos.dec,
        pmra=with_pos.pmra,
        pmdec=with_pos.pmdec,
        flux_column=first.flux_column,
        flux_unit="relative",
        source=";".join(str(lc.meta.source) for lc in lcs if lc.meta.source) or None,
        product="stitched",
        segment=",".join(str(s.segment) for s in infos if s.segment) or None,
        extra={"missions": missions, "n_segments": len(infos)},
    )
    out = LightCurve(t[order], f[order], e[order], q[order], time_format="jd", meta=meta)
    return StitchedLightCurve(out, mission[order].astype(str), segment[order], tuple(infos))


# --------------------------------------------------------------------------- depths
@dataclass(frozen=True)
class MissionDepth:
    """Transit depth measured in one mission's data.

    Attributes
    ----------
    mission : str
    depth_ppm, depth_err_ppm : float
        Mean out-of-transit minus mean in-transit flux (central half of the transit), ppm,
        and its one-sigma error (NaN when there is no in-transit point).
    n_in, n_out : int
        In-transit and local out-of-transit points used.
    n_transits : int
        Transits with at least one in-transit point.
    """

    mission: str
    depth_ppm: float
    depth_err_ppm: float
    n_in: int
    n_out: int
    n_transits: int


@dataclass(frozen=True)
class DepthConsistency:
    """Are the transit depths of the missions consistent?

    Attributes
    ----------
    depths : dict of str to `MissionDepth`
    weighted_depth_ppm : float
        Inverse-variance mean of the measurable depths.
    chi2 : float
        Of the depths about their weighted mean.
    dof : int
        Measurable missions minus one.
    p_value : float
        Chance of a chi2 this large if the depths agree.
    sigma : float
        ``p_value`` as a two-sided Gaussian significance.
    flag : bool
        True when ``sigma`` exceeds the threshold: the depths disagree.
    reason : str
        One sentence stating the depths and the verdict.
    """

    depths: dict[str, MissionDepth]
    weighted_depth_ppm: float
    chi2: float
    dof: int
    p_value: float
    sigma: float
    flag: bool
    reason: str

    def to_dict(self) -> dict:
        """JSON-ready: per-mission depths (ppm) with errors and counts, and the test."""
        return {
            "depths": {k: dataclasses.asdict(v) for k, v in self.depths.items()},
            "weighted_depth_ppm": self.weighted_depth_ppm,
            "chi2": self.chi2,
            "dof": self.dof,
            "p_value": self.p_value,
            "sigma": self.sigma,
            "flag": self.flag,
            "reason": self.reason,
        }

    def to_vetflag(self) -> VetFlag:
        """This test as a :class:`~starskope.result.VetFlag` named ``"depth_consistency"``."""
        value = self.sigma if np.isfinite(self.sigma) else None
        return VetFlag(name="depth_consistency", raised=self.flag, value=value, reason=self.reason)


def _robust_std(x: np.ndarray) -> float:
    if x.size < 2:
        return float("nan")
    mad = np.median(np.abs(x - np.median(x)))
    return float(1.4826 * mad) if mad > 0 else float(np.std(x, ddof=1))


def _depth_one(dt, f, e, epoch_idx, duration):
    """Depth, error, counts for one mission's points (dt = time from nearest mid-transit)."""
    a = np.abs(dt)
    inn = a < 0.25 * duration
    out = (a > 0.75 * duration) & (a < 2.5 * duration)
    n_in, n_out = int(inn.sum()), int(out.sum())
    n_tr = int(np.unique(epoch_idx[inn]).size)
    if n_in == 0 or n_out < 2:
        return float("nan"), float("nan"), n_in, n_out, n_tr
    fin, fout = f[inn], f[out]
    depth = float(np.mean(fout) - np.mean(fin))
    sig = _robust_std(fout)
    if not np.isfinite(sig):
        sig = float(np.nanmedian(e[out])) if np.isfinite(e[out]).any() else float("nan")
    med_err = np.nanmedian(e) if np.isfinite(e).any() else np.nan
    if np.isfinite(med_err):
        sig = max(sig, float(med_err)) if np.isfinite(sig) else float(med_err)
    err = float(sig * np.sqrt(1.0 / n_in + 1.0 / n_out))
    # red noise: per-transit depths scatter more than white noise says
    per = []
    for k in np.unique(epoch_idx[inn]):
        ki, ko = inn & (epoch_idx == k), out & (epoch_idx == k)
        if ki.sum() >= 2 and ko.sum() >= 2:
            per.append(np.mean(f[ko]) - np.mean(f[ki]))
    if len(per) >= 3:
        err = max(err, float(np.std(per, ddof=1) / np.sqrt(len(per))))
    return depth, err, n_in, n_out, n_tr


def depth_consistency(
    t,
    flux,
    flux_err,
    mission,
    *,
    period,
    t0,
    duration,
    sigma_threshold: float = 3.0,
) -> DepthConsistency:
    """Compare the transit depth measured in each mission.

    The depth is the mean local out-of-transit flux (0.75 to 2.5 durations from mid-transit)
    minus the mean flux in the central half of the transit, per mission; its error combines
    the robust out-of-transit scatter (or the reported errors, whichever is larger) with the
    scatter between individual transits when there are three or more. The depths are tested
    against a common value with a chi-square test.

    Parameters
    ----------
    t : array-like
        Times, days, in the same system as ``t0`` (BJD_TDB for a stitched light curve).
    flux : array-like
        Relative, detrended flux (out-of-transit level 1).
    flux_err : array-like or None
        One-sigma errors; NaN or None where unknown.
    mission : array-like of str
        Mission of each cadence (:attr:`StitchedLightCurve.mission`).
    period, t0, duration : `~astropy.units.Quantity` ['time'] or float
        Ephemeris and full transit duration (bare numbers are days).
    sigma_threshold : float, optional
        Flag when the depths disagree at more than this many sigma.

    Returns
    -------
    `DepthConsistency`

    Raises
    ------
    StarskopeError
        If the arrays differ in length, or period/duration are not positive.

    Notes
    -----
    A planet blocks the same fraction of its star's light whatever the instrument; a
    background eclipsing binary blended with the target is diluted by every star in the
    aperture, so its apparent depth depends on the pixel scale and aperture (4" Kepler pixels,
    21" TESS pixels). Disagreeing depths are therefore evidence of a blend [1]_. Imperfect
    crowding corrections in pipeline fluxes (PDCSAP ``CROWDSAP``) can produce the same effect
    at a lower level.

    References
    ----------
    .. [1] Bryson, S. T. et al. 2013, PASP 125, 889: identification of background false
       positives from Kepler data.
    """
    t = np.asarray(t, dtype=float)
    f = np.asarray(flux, dtype=float)
    e = np.full(t.shape, np.nan) if flux_err is None else np.asarray(flux_err, dtype=float)
    ms = np.asarray(mission).astype(str)
    if not (f.shape == t.shape == e.shape == ms.shape):
        raise StarskopeError("t, flux, flux_err and mission must have the same length")
    p = to_days(period, name="period")
    t0d = to_days(t0, name="t0")
    dur = to_days(duration, name="duration")
    if not (p > 0 and dur > 0 and dur < p):
        raise StarskopeError(f"need 0 < duration < period; got duration {dur} d, period {p} d")
    ok = np.isfinite(t) & np.isfinite(f)
    t, f, e, ms = t[ok], f[ok], e[ok], ms[ok]
    epoch_idx = np.round((t - t0d) / p).astype(np.int64)
    dt = t - (t0d + epoch_idx * p)
    depths: dict[str, MissionDepth] = {}
    for name in sorted(set(ms.tolist())):
        sel = ms == name
        d, de, n_in, n_out, n_tr = _depth_one(dt[sel], f[sel], e[sel], epoch_idx[sel], dur)
        depths[name or "unknown"] = MissionDepth(
            mission=name or "unknown",
            depth_ppm=d * 1e6,
            depth_err_ppm=de * 1e6,
            n_in=n_in,
            n_out=n_out,
            n_transits=n_tr,
        )
    good = [d for d in depths.values() if np.isfinite(d.depth_ppm) and d.depth_err_ppm > 0]
    text = ", ".join(
        f"{d.mission} {d.depth_ppm:.0f} ± {d.depth_err_ppm:.0f} ppm"
        if np.isfinite(d.depth_ppm)
        else f"{d.mission} no in-transit data"
        for d in depths.values()
    )
    if len(good) < 2:
        wmean = good[0].depth_ppm if good else float("nan")
        return DepthConsistency(
            depths=depths,
            weighted_depth_ppm=wmean,
            chi2=float("nan"),
            dof=0,
            p_value=float("nan"),
            sigma=float("nan"),
            flag=False,
            reason=f"depth consistency not testable (fewer than two missions with transits): {text}",
        )
    from scipy import stats

    d = np.array([x.depth_ppm for x in good])
    s = np.array([x.depth_err_ppm for x in good])
    w = 1.0 / s**2
    wmean = float(np.sum(w * d) / np.sum(w))
    chi2 = float(np.sum(((d - wmean) / s) ** 2))
    dof = len(good) - 1
    pval = float(stats.chi2.sf(chi2, dof))
    sigma = float(stats.norm.isf(pval / 2.0)) if pval > 0 else float("inf")
    flag = bool(sigma > sigma_threshold)
    verdict = (
        f"depths differ at {sigma:.1f} sigma (> {sigma_threshold:g}): a diluted eclipsing "
        "binary blended with the target, or a contaminated aperture"
        if flag
        else f"depths agree ({sigma:.1f} sigma)"
    )
    return DepthConsistency(
        depths=depths,
        weighted_depth_ppm=wmean,
        chi2=chi2,
        dof=dof,
        p_value=pval,
        sigma=sigma,
        flag=flag,
        reason=f"{text}: {verdict}",
    )


def candidate_depths(
    stitched: StitchedLightCurve, candidate, *, sigma_threshold: float = 3.0
) -> DepthConsistency:
    """:func:`depth_consistency` for a search candidate found in a stitched light curve.

    Parameters
    ----------
    stitched : `StitchedLightCurve`
    candidate : `~starskope.result.Candidate`
        Uses ``period_days``, ``duration_hours`` and ``t0_bjd`` (or ``t0`` when
        ``t0_format`` is ``"jd"``).
    sigma_threshold : float, optional

    Returns
    -------
    `DepthConsistency`

    Raises
    ------
    StarskopeError
        If the candidate has no BJD epoch.
    """
    t0 = candidate.t0_bjd
    if t0 is None and candidate.t0_format == "jd":
        t0 = candidate.t0
    if t0 is None:
        raise StarskopeError("candidate has no BJD epoch (t0_bjd); cannot place its transits")
    lc = stitched.lightcurve
    return depth_consistency(
        lc.t,
        lc.flux,
        lc.flux_err,
        stitched.mission,
        period=candidate.period_days,
        t0=t0,
        duration=candidate.duration_hours / 24.0,
        sigma_threshold=sigma_threshold,
    )
