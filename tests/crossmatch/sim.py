"""Deterministic multi-mission simulations for the stitching tests (physics, not stored draws)."""

from __future__ import annotations

import numpy as np

from starskope.lightcurve import LightCurve, LightCurveMeta
from starskope.time import BKJD_OFFSET, BTJD_OFFSET


def trapezoid(t_bjd, *, period, t0, duration, depth, ingress_frac=0.15):
    """Fractional flux drop of a trapezoidal transit at BJD times."""
    dt = np.abs((t_bjd - t0 + 0.5 * period) % period - 0.5 * period)
    half = 0.5 * duration
    ing = ingress_frac * duration
    drop = np.clip((half - dt) / ing, 0.0, 1.0)
    return depth * drop


def segment(
    rng,
    *,
    mission,
    start,
    length,
    cadence_min,
    noise,
    level,
    signal=None,
    target="SIM 1",
    segment=None,
):
    """One mission segment in the mission's own time system with noise and a flux level.

    ``signal`` maps BJD times to the fractional drop; ``start`` is in BKJD (Kepler/K2) or
    BTJD (TESS).
    """
    fmt, off = ("btjd", BTJD_OFFSET) if mission == "TESS" else ("bkjd", BKJD_OFFSET)
    t = np.arange(start, start + length, cadence_min / 1440.0)
    drop = np.zeros_like(t) if signal is None else signal(t + off)
    flux = level * (1.0 - drop) * (1.0 + noise * rng.standard_normal(t.size))
    err = np.full(t.size, level * noise)
    meta = LightCurveMeta(mission=mission, target=target, segment=segment, flux_unit="electron / s")
    return LightCurve(t, flux, err, np.zeros(t.size, dtype=np.int32), time_format=fmt, meta=meta)
