"""Every pipeline outcome, result by result: to check that a change moves no decision.

Runs the default pipeline (``starskope.pipeline.analyse``) on both injection draws of
``bench_injection`` (600 trials each: 300 injections and 300 uninjected curves, seed 0) and on
every labelled real light curve in ``../shared/data`` (``labels.csv`` and ``bulk/labels.csv``),
and writes each result's candidates (period, epoch, SNR, transits with data, planet-like, raised
tests) as JSON. ``--compare`` then lists the results that differ between two such files and
whether any decision (``is_candidate``, planet-like, raised tests) moved.

Run::

    python -m benchmarks.pipeline_outcomes --out before.json --jobs 2    # ~2 min on 2 cores
    (change the code)
    python -m benchmarks.pipeline_outcomes --out after.json --jobs 2
    python -m benchmarks.pipeline_outcomes --compare before.json after.json
"""

from __future__ import annotations

import argparse
import csv
import json
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .common import SHARED_DATA

_CONFIGS: dict = {}


def _outcome(r) -> dict:
    return {
        "is": bool(r.is_candidate),
        "c": [
            [
                round(c.period_days, 6),
                round(c.t0, 5),
                round(c.snr, 3),
                c.n_transits,
                c.is_planet_like,
                [f.name for f in c.vetting if f.raised],
            ]
            for c in r.candidates
        ],  # fmt: skip
        "err": None if r.error is None else str(r.error)[:80],
    }


def _trial(args) -> tuple[str, dict]:
    import starskope.pipeline as pipeline
    from starskope.simulate.backgrounds import real_background_pool
    from starskope.simulate.recovery import make_trial

    from .bench_injection import trial_config

    warnings.simplefilter("ignore")
    draw, i = args
    if draw not in _CONFIGS:
        cfg = trial_config(
            n=300, n_null=300, seed=0, snr_range=(4.0, 40.0) if draw == "snr" else None
        )
        _CONFIGS[draw] = (cfg, real_background_pool(missions=cfg.real_missions))
    cfg, files = _CONFIGS[draw]
    _, lc, _, _ = make_trial(i, cfg, files)
    return f"{draw}:{i}", _outcome(pipeline.analyse(lc))


def _real(path: str) -> tuple[str, dict]:
    import starskope.pipeline as pipeline

    warnings.simplefilter("ignore")
    return path, _outcome(pipeline.analyse_path(path))


def real_files(root: Path) -> list[str]:
    """Every labelled light curve of ``root/labels.csv`` and ``root/bulk/labels.csv``."""
    out = []
    for lab in (root / "labels.csv", root / "bulk" / "labels.csv"):
        if lab.exists():
            with lab.open(newline="") as fh:
                out += [str(lab.parent / row["file"]) for row in csv.DictReader(fh)]
    return out


def run(out: Path, *, jobs: int, root: Path) -> int:
    work = [("snr", i) for i in range(600)] + [("depth", i) for i in range(600)]
    results: dict = {}
    with ProcessPoolExecutor(jobs) as ex:
        results.update(ex.map(_trial, work, chunksize=20))
        results.update(ex.map(_real, real_files(root), chunksize=10))
    out.write_text(json.dumps(results))
    print(f"{len(results)} outcomes -> {out}")
    return 0


def compare(a_path: Path, b_path: Path) -> int:
    a, b = json.loads(a_path.read_text()), json.loads(b_path.read_text())

    def decisions(o):
        return o["is"], [(c[4], c[5]) for c in o["c"]], o["err"]

    differ = [k for k in a if a[k] != b.get(k)]
    moved = [k for k in differ if k not in b or decisions(a[k]) != decisions(b[k])]
    # the star's own decision (is_candidate), apart from a candidate's raised tests
    star = {k: (a[k]["is"], b[k]["is"]) for k in moved if k in b and a[k]["is"] != b[k]["is"]}
    for k in differ:
        tag = "DECISION " if k in moved else "numbers  "
        if k in star:
            tag = "FLAGGED  " if star[k][1] else "UNFLAGGED"
        print(f"{tag} {k}")
    gained = sum(after for _, after in star.values())
    print(
        f"{len(a)} outcomes: {len(differ)} differ, {len(moved)} in a decision (a candidate's"
        f" raised tests or planet-likeness), {len(star)} in a star's: {gained} newly flagged,"
        f" {len(star) - gained} no longer"
    )
    return 1 if moved else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="write the outcomes here")
    ap.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--shared", type=Path, default=SHARED_DATA)
    args = ap.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        ap.error("give --out FILE (or --compare BEFORE AFTER)")
    return run(args.out, jobs=args.jobs, root=args.shared)


if __name__ == "__main__":
    raise SystemExit(main())
