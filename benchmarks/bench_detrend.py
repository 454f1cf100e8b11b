"""Active-star detrending kernels: cost of the robust local fits, with and without the early stop.

The rotation-aware detrender (``starskope.clean.rotation.rotation_trend``: a local quadratic
plus rotation harmonics over three rotations) and the local cubic (``method="localpoly"``) refit a
Tukey-biweight least-squares model in every window for ``n_iter`` reweighting iterations. Since
the fourth session they stop once an iteration moves the window's model by at most
``CONVERGED`` (1%) of its median absolute residual. This benchmark times both kernels on the
same simulated spotted K2 stars with the default tolerance and with ``tol=0`` (every iteration,
the previous behaviour, the reference), back to back on each star (best of ``--repeat`` runs
each), and reports the largest change of the trend in units of the white noise. wotan's biweight over
the same light curves (a location filter, which cannot follow fast rotation) is timed for scale.

Run::

    python -m benchmarks.bench_detrend [--stars 8] [--repeat 5]
"""

from __future__ import annotations

import argparse

import numpy as np

from .common import REPO, best_time, markdown_table, write_report

OUT = REPO / "benchmarks" / "results" / "detrend.md"
CADENCE = 29.4244 / 1440.0


def spotted_star(seed: int, n: int = 3197):
    """A spotted K2 star: rotation 0.5-3.5 d, 0.3-2% fundamental plus a harmonic, white noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) * CADENCE
    p = float(rng.uniform(0.5, 3.5))
    a1, a2 = float(rng.uniform(3e-3, 2e-2)), float(rng.uniform(1e-3, 5e-3))
    sigma = float(rng.uniform(1e-4, 1e-3))
    f = 1 + a1 * np.sin(2 * np.pi * t / p) + a2 * np.sin(4 * np.pi * t / p + rng.uniform(0, 6))
    return t, f + sigma * rng.standard_normal(n), p, sigma


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stars", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    from wotan import flatten

    from starskope.clean._kernels import CONVERGED, local_harmonic_trend, local_poly_trend
    from starskope.clean.rotation import choose_rotation_model
    from starskope.parallel import one_thread

    rows = {"harmonic": [], "cubic": [], "wotan": []}
    moved = {"harmonic": [], "cubic": []}
    with one_thread():
        for k in range(args.stars):
            t, f, p, sigma = spotted_star(k)
            use = np.ones(t.size, dtype=bool)
            m = choose_rotation_model(p)
            spacing = max(m.window / 12.0, CADENCE)
            min_side = max(3, int(0.25 * 0.5 * m.window / CADENCE))
            deg = 2 if m.n_harmonics > 0 else 3
            harm = (t, f, use, m.window, spacing, deg, p, m.n_harmonics, m.n_harmonics > 0, 6, 6.0)
            harm = (*harm, min_side)
            cubic = (t, f, use, 0.75, 0.75 / 12.0, 3, 6, 6.0)
            for name, kernel, a in (
                ("harmonic", local_harmonic_trend, harm),
                ("cubic", local_poly_trend, cubic),
            ):
                kernel(*a)  # compile
                kernel(*a, 0.0)
                early = best_time(lambda kernel=kernel, a=a: kernel(*a), args.repeat)
                every = best_time(lambda kernel=kernel, a=a: kernel(*a, 0.0), args.repeat)
                rows[name].append((every, early))
                moved[name].append(float(np.max(np.abs(kernel(*a) - kernel(*a, 0.0)))) / sigma)
            rows["wotan"].append(
                best_time(
                    lambda t=t, f=f: flatten(t, f, method="biweight", window_length=1.0),
                    args.repeat,
                )
            )
    table = []
    for name, label in (
        ("harmonic", "rotation harmonics (local quadratic + harmonics, 3 rotations)"),
        ("cubic", "local cubic (0.75 d)"),
    ):
        every = np.array([r[0] for r in rows[name]])
        early = np.array([r[1] for r in rows[name]])
        table.append(
            [
                label,
                1e3 * float(np.median(every)),
                1e3 * float(np.median(early)),
                float(np.median(every / early)),
                float(np.max(moved[name])),
                float(np.median(early) / np.median(rows["wotan"])),
            ]
        )
    table.append(
        ["wotan biweight (1 d), reference", 1e3 * float(np.median(rows["wotan"])), "", "", "", 1.0]
    )
    head = [
        "kernel",
        "ms, every iteration (tol 0)",
        f"ms, early stop (tol {CONVERGED:g})",
        "speed-up",
        "largest trend change / white noise",
        "early stop / wotan",
    ]
    write_report(
        OUT,
        [
            "# Active-star detrending kernels: early stop of the reweighting",
            "",
            f"Command: `python -m benchmarks.bench_detrend --stars {args.stars} --repeat "
            f"{args.repeat}`. {args.stars} simulated spotted K2 stars (3197 long cadences, "
            "rotation 0.5-3.5 d), one thread; medians over the stars of the best CPU time of "
            f"{args.repeat} runs, the two tolerances run back to back on each star.",
            "",
            markdown_table(head, table),
            "",
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
