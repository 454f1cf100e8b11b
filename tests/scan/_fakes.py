"""Analyse functions for scan tests; pickled by value so Dask workers need not import tests/."""

from __future__ import annotations

import os

import numpy as np

from starskope.result import Candidate, StarResult


def quick_analyse(lc, config):
    """A cheap deterministic stand-in for the pipeline: one 'candidate' from simple statistics."""
    f = np.asarray(lc.flux, dtype=float)
    f = f[np.isfinite(f)]
    med = float(np.median(f))
    dip = int(np.argmin(f))
    cand = Candidate(
        period_days=1.0 + (dip % 7),
        t0=float(lc.t[dip]),
        t0_format=lc.time_format,
        t0_bjd=None,
        duration_hours=2.0,
        depth_ppm=float((med - f.min()) / med * 1e6),
        depth_ppm_err=float(np.std(f) / med * 1e6),
        snr=float((med - f.min()) / np.std(f)),
        sde=1.0,
        power=1.0,
        n_transits=2,
    )
    return StarResult(
        path=lc.meta.source,
        mission=lc.meta.mission,
        target=lc.meta.target,
        row=lc.meta.row,
        label=lc.meta.label,
        n_points=len(lc),
        method=config.method,
        candidates=(cand,),
    )


def crash_on_row_3(lc, config):
    """Kill the worker process (as a segfault or the OOM killer would) on row 3."""
    if lc.meta.row == 3:
        os._exit(13)
    return quick_analyse(lc, config)


def fail_on_row_5(lc, config):
    """Raise an ordinary exception on row 5 (a pipeline bug must not stop the scan)."""
    if lc.meta.row == 5:
        raise ValueError("boom on row 5")
    return quick_analyse(lc, config)
