"""Which vetting flags fire on real light curves: hosts whose top candidate is a known planet
versus non-hosts (eclipsing binaries, pulsators, spotted and quiet stars).

For a stratified subset of ``../shared/data/labels.csv`` and ``bulk/labels.csv`` the full
pipeline (:func:`starskope.pipeline.analyse_full`) is run and, for the *top* candidate of each
star, every vetting flag is recorded. The table gives, per flag, the share of

- **planets**: host files whose top period matches a known period (within 1 %, or P/2, 2P):
  a flag raised here rejects a real planet (lower is better);
- **non-hosts**: files with no known planet: a raised disqualifying flag is a correct
  rejection (higher is better), per label class.

The "any disqualifying" rows count candidates that are not planet-like (the pipeline's SNR/SDE
flags included), once as the pipeline vetted them and once re-vetted with the star's other
candidates' transits left out (``vet_candidate(..., exclude=...)``).

Per-file results are cached in ``benchmarks/results/vet_realsky.jsonl`` (resumable).

Run::

    python -m benchmarks.bench_vet_realsky --per-group 3
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections import defaultdict

import numpy as np

from .common import REPO, labelled_files, markdown_table, match_period

OUT = REPO / "benchmarks" / "results" / "vet_realsky.jsonl"
VERSION = "4"


def analyse_one(f) -> dict:
    from starskope.io import read
    from starskope.pipeline import analyse_full

    start = time.process_time()
    d = {"file": str(f.path), "version": VERSION, "class": f.label_class, "host": f.is_host}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = analyse_full(read(f.path))
    except Exception as exc:  # report and go on
        d["error"] = f"{type(exc).__name__}: {exc}"
        return d
    res = a.result
    d["seconds"] = time.process_time() - start
    d["is_candidate"] = bool(res.is_candidate)
    if res.candidates:
        c = res.candidates[0]
        d["period"] = c.period_days
        d["match"] = match_period(c.period_days, f.periods)
        d["flags"] = {v.name: bool(v.raised) for v in c.vetting}
        d["planet_like"] = bool(c.is_planet_like)
        d.update(revet_with_exclude(a, c))
    return d


def revet_with_exclude(a, c) -> dict:
    """Vet the top candidate again with the other candidates' transits left out
    (``exclude=``), keeping the pipeline's own significance flags."""
    from starskope.fold import phase_fold
    from starskope.vet import is_planet_like, vet_candidate

    t, flux = a.flat.t, a.flat.flux
    exclude = np.zeros(t.size, dtype=bool)
    others = [o for o in a.result.candidates if o is not c]
    for o in others:
        exclude |= (
            np.abs(phase_fold(t, period=o.period_days, t0=o.t0)) < 0.75 * o.duration_hours / 24
        )
    try:
        flags = vet_candidate(
            t,
            flux,
            None,
            period=c.period_days,
            t0=c.t0,
            duration=c.duration_hours / 24,
            depth=max(c.depth_ppm * 1e-6, 1e-9),
            other_periods=[o.period_days for o in others],
            exclude=exclude,
        )
    except Exception as exc:  # report and go on
        return {"excl_error": str(exc)}
    significant = not any(v.raised for v in c.vetting if v.name in ("snr", "sde", "n_transits"))
    return {
        "flags_excl": {v.name: bool(v.raised) for v in flags},
        "planet_like_excl": bool(significant and is_planet_like(flags)),
    }


def select(files, per_group: int, seed: int):
    rng = np.random.default_rng(seed)
    groups = defaultdict(list)
    for f in files:
        groups[(f.table, f.mission, f.is_host, f.label_class)].append(f)
    out = []
    for key in sorted(groups, key=str):
        g = groups[key]
        out += [g[i] for i in sorted(rng.permutation(len(g))[:per_group])]
    return out


def summarise(rows: list[dict]) -> str:
    from starskope.vet import DISQUALIFYING, VET_TESTS

    planets = [r for r in rows if r.get("host") == 1 and r.get("match", "miss") != "miss"]
    non = [r for r in rows if r.get("host") == 0 and "flags" in r]
    classes = sorted({r["class"] for r in non})
    names = list(VET_TESTS)
    header = ["flag", "kind", f"planets (n={len(planets)})"] + [
        f"{c} (n={sum(r['class'] == c for r in non)})" for c in classes
    ]

    def share(rs, name):
        have = [r for r in rs if name in r.get("flags", {})]
        return f"{sum(r['flags'][name] for r in have)}/{len(have)}" if have else "-"

    table = []
    for name in names:
        kind = "disqualifying" if name in DISQUALIFYING else "informational"
        table.append(
            [name, kind, share(planets, name)]
            + [share([r for r in non if r["class"] == c], name) for c in classes]
        )

    def rejected(rs):
        return f"{sum(not r.get('planet_like', False) for r in rs)}/{len(rs)}"

    table.append(
        ["(any disqualifying)", "", rejected(planets)]
        + [rejected([r for r in non if r["class"] == c]) for c in classes]
    )

    def rejected_excl(rs):
        return f"{sum(not r.get('planet_like_excl', False) for r in rs)}/{len(rs)}"

    table.append(
        ["(any, others' transits excluded)", "", rejected_excl(planets)]
        + [rejected_excl([r for r in non if r["class"] == c]) for c in classes]
    )
    return markdown_table(header, table)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-group", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--report-only", action="store_true")
    args = ap.parse_args(argv)
    cache = {}
    if OUT.exists():
        for line in OUT.read_text().splitlines():
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                continue
            if d.get("version") == VERSION:
                cache[d["file"]] = d
    files = select(labelled_files(), args.per_group, args.seed)
    if not args.report_only:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        with OUT.open("a") as fh:
            for i, f in enumerate(files):
                if str(f.path) in cache:
                    continue
                d = analyse_one(f)
                cache[d["file"]] = d
                fh.write(json.dumps(d) + "\n")
                fh.flush()
                print(
                    f"{i + 1}/{len(files)} {f.label_class} {d.get('match')} {d.get('flags')}",
                    flush=True,
                )
    rows = [cache[str(f.path)] for f in files if str(f.path) in cache]
    print(summarise(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
