"""Two pipeline configurations on the same injection-recovery trials, trial by trial.

The trials are those of ``benchmarks/bench_injection.py`` (same seed, backgrounds and draws: the
depth draw by default, the SNR draw with ``--snr-range 4 40``); each configuration is a JSON
object of :class:`starskope.config.PipelineConfig` changes. Prints, for each configuration, the
injections recovered (all, and at expected SNR >= 12), the uninjected curves flagged and the CPU
seconds per curve, then every trial whose outcome differs. This is how the "tried, not kept"
variants in the README were compared.

Run::

    python -m benchmarks.compare_configs --a '{"alternate_peaks": 0}' --b '{}' \\
        --snr-range 4 40 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from functools import partial

import numpy as np


def _trial(i: int, cfg, files, config) -> dict:
    from starskope.pipeline import analyse
    from starskope.simulate.recovery import detection_of, make_trial, match_signals

    warnings.simplefilter("ignore")
    injected, lc, s, truth = make_trial(i, cfg, files)
    t0 = time.process_time()
    r = analyse(lc, config)
    cpu = time.process_time() - t0
    det = detection_of(r)  # the injection benchmark's own rule: flagged and a matching signal
    recovered = bool(
        injected and det.flagged and match_signals(det, s, cadence=lc.cadence)[0] == "match"
    )
    return {
        "trial": i,
        "injected": bool(injected),
        "snr": truth.get("expected_snr"),
        "background": truth["background"],
        "flagged": bool(r.is_candidate),
        "recovered": recovered,
        "cpu": cpu,
        "top": [(round(c.period_days, 4), round(c.snr, 1), c.is_planet_like) for c in r.candidates],
    }


def _run(changes: dict, cfg, files, jobs: int) -> list[dict]:
    from starskope.config import PipelineConfig
    from starskope.parallel import process_pool

    config = PipelineConfig().replace(**changes)
    n = cfg.n + cfg.n_null
    work = partial(_trial, cfg=cfg, files=files, config=config)
    if jobs <= 1:
        return [work(i) for i in range(n)]
    with process_pool(jobs) as pool:
        return list(pool.map(work, range(n), chunksize=4))


def _summary(tag: str, changes: dict, res: list[dict]) -> str:
    inj = [r for r in res if r["injected"]]
    null = [r for r in res if not r["injected"]]
    hi = [r for r in inj if r["snr"] is not None and r["snr"] >= 12]
    return (
        f"{tag} {json.dumps(changes)}: recovered {sum(r['recovered'] for r in inj)}/{len(inj)}"
        f" (SNR >= 12: {sum(r['recovered'] for r in hi)}/{len(hi)}), uninjected flagged"
        f" {sum(r['flagged'] for r in null)}/{len(null)}, CPU"
        f" {np.mean([r['cpu'] for r in res]):.4f} s/curve"
    )


def main(argv=None) -> int:
    from starskope.simulate.backgrounds import real_background_pool

    from .bench_injection import trial_config

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--a", default="{}", help="PipelineConfig changes, JSON (first config)")
    ap.add_argument("--b", default="{}", help="PipelineConfig changes, JSON (second config)")
    ap.add_argument("--n", type=int, default=300, help="injections")
    ap.add_argument("--n-null", type=int, default=300, help="uninjected curves")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--snr-range", type=float, nargs=2, default=None, metavar=("LOW", "HIGH"))
    args = ap.parse_args(argv)
    try:
        a, b = json.loads(args.a), json.loads(args.b)
    except json.JSONDecodeError as exc:
        ap.error(f"--a and --b take JSON objects: {exc}")
    cfg = trial_config(n=args.n, n_null=args.n_null, seed=args.seed, snr_range=args.snr_range)
    files = real_background_pool(missions=cfg.real_missions)
    ra, rb = _run(a, cfg, files, args.jobs), _run(b, cfg, files, args.jobs)
    print(_summary("A", a, ra))
    print(_summary("B", b, rb))
    for x, y in zip(ra, rb, strict=True):
        if x["recovered"] != y["recovered"] or x["flagged"] != y["flagged"]:
            snr = "null" if x["snr"] is None else f"SNR {x['snr']:.1f}"
            print(
                f"trial {x['trial']} ({x['background']}, {snr}): recovered"
                f" {x['recovered']} -> {y['recovered']}, flagged {x['flagged']} -> {y['flagged']}"
            )
            print(f"  A {x['top']}\n  B {y['top']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
