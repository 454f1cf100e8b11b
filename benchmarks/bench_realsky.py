"""Real-sky benchmark: starskope search against lightkurve+BLS and wotan+TLS on labelled data.

For every labelled light curve in ``../shared/data/labels.csv`` and ``bulk/labels.csv`` (hosts and
non-hosts; candidates with blank labels are left out), each method reports its top period and its
detection decision:

- **starskope**: :func:`starskope.pipeline.analyse` with default settings; a detection is
  ``is_candidate`` (vetted), the top candidate's period is compared with the known periods.
- **lightkurve**: ``normalize().flatten()`` (Savitzky-Golay, 101 cadences, lightkurve's default)
  then ``to_periodogram("bls")`` on starskope's period grid and the duration grid below; detection = SDE >= 7.
- **tls**: wotan biweight (window 0.5 d, wotan's recommendation) then transitleastsquares with its
  default grid; detection = SDE >= 7 (TLS's nominal 1 % false-alarm level).

All three get the same cadences (read by starskope, quality-masked with the default bitmask).
Per-file results are cached in ``benchmarks/results/realsky/<method>.jsonl`` so a long run can be
interrupted and resumed; ``--fresh`` ignores the cache.

Run::

    python -m benchmarks.bench_realsky                 # all methods, all files
    python -m benchmarks.bench_realsky --per-group 10  # a stratified subset, quicker
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np

from .common import REPO, LabelledFile, labelled_files, markdown_table, match_period

OUT = REPO / "benchmarks" / "results" / "realsky"
DURATIONS_H = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
SDE_THRESHOLD = 7.0
METHOD_VERSION = {"starskope": "48", "lightkurve": "1", "tls": "1"}


def prepare(path: Path):
    """Read one file with starskope and apply the default quality mask; returns t, f, e, lc."""
    from starskope.io import read

    lc = read(path)
    try:
        from starskope.clean.masking import clean

        lc_c = clean(lc)
    except ImportError:  # pragma: no cover - before the cleaning module existed
        lc_c = lc.select(lc.quality == 0).remove_nans().normalize()
    ok = np.isfinite(lc_c.t) & np.isfinite(lc_c.flux)
    t, f = lc_c.t[ok], lc_c.flux[ok]
    e = lc_c.flux_err[ok]
    if not np.all(np.isfinite(e)) or np.all(e <= 0):
        e = np.full_like(f, 1.4826 * np.median(np.abs(f - np.median(f))))
    return t, f / np.median(f), e / np.median(lc_c.flux[ok]), lc


def _sde(power: np.ndarray) -> float:
    p = power[np.isfinite(power)]
    return float((p.max() - p.mean()) / p.std()) if p.size > 2 and p.std() > 0 else 0.0


def run_lightkurve(path: Path) -> dict:
    import lightkurve as lk

    from starskope.search.grid import period_grid

    t, f, e, _ = prepare(path)
    t0 = time.perf_counter()
    lc = lk.LightCurve(time=t, flux=f, flux_err=e)
    flat = lc.normalize().flatten()
    # the same period grid as starskope's (TLS-like density; the lightkurve default is coarser)
    periods = period_grid(baseline=t.max() - t.min(), min_period=0.5)
    dur = np.array(DURATIONS_H) / 24.0
    pg = flat.to_periodogram(method="bls", period=periods, duration=dur)
    power = np.asarray(pg.power.value if hasattr(pg.power, "value") else pg.power)
    best = float(pg.period_at_max_power.value)
    return {"top_period": best, "sde": _sde(power), "seconds": time.perf_counter() - t0}


def run_tls(path: Path) -> dict:
    from transitleastsquares import transitleastsquares
    from wotan import flatten

    t, f, e, _ = prepare(path)
    t0 = time.perf_counter()
    flat = flatten(t, f, method="biweight", window_length=0.5)
    ok = np.isfinite(flat)
    baseline = t.max() - t.min()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = transitleastsquares(t[ok], flat[ok], e[ok])
        res = model.power(
            period_min=0.5,
            period_max=max(baseline / 2.0, 0.6),
            use_threads=1,
            show_progress_bar=False,
        )
    best = float(res.period) if np.isfinite(res.period) else None
    sde = float(res.SDE) if np.isfinite(res.SDE) else 0.0
    return {"top_period": best, "sde": sde, "seconds": time.perf_counter() - t0}


def run_starskope(path: Path) -> dict:
    from starskope.io import read
    from starskope.pipeline import analyse

    lc = read(path)
    t0 = time.perf_counter()
    r = analyse(lc)
    dt = time.perf_counter() - t0
    if r.error:
        return {"error": r.error, "seconds": dt}
    top = r.candidates[0] if r.candidates else None
    return {
        "top_period": None if top is None else top.period_days,
        "sde": None if top is None else top.sde,
        "flagged": bool(r.is_candidate),
        "score": r.score,
        "seconds": dt,
    }


RUNNERS = {"starskope": run_starskope, "lightkurve": run_lightkurve, "tls": run_tls}


def _one(method: str, path: str) -> dict:
    try:
        out = RUNNERS[method](Path(path))
    except Exception as exc:  # a benchmark records failures instead of stopping
        out = {"error": f"{type(exc).__name__}: {exc}"}
    out.update(file=path, method=method, version=METHOD_VERSION[method])
    if "flagged" not in out and "error" not in out:
        out["flagged"] = bool(out["sde"] is not None and out["sde"] >= SDE_THRESHOLD)
    return out


def load_cache(method: str, out: Path = OUT) -> dict[str, dict]:
    p = out / f"{method}.jsonl"
    done = {}
    if p.exists():
        for line in p.read_text().splitlines():
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by an interrupted run
            if d.get("version") == METHOD_VERSION[method]:
                done[d["file"]] = d
    return done


def select(files: list[LabelledFile], per_group: int | None, seed: int) -> list[LabelledFile]:
    if per_group is None:
        return files
    rng = np.random.default_rng(seed)
    groups = defaultdict(list)
    for f in files:
        groups[(f.table, f.mission, f.is_host, f.label_class)].append(f)
    out = []
    for key in sorted(groups, key=str):
        g = groups[key]
        idx = rng.permutation(len(g))[:per_group]
        out += [g[i] for i in sorted(idx)]
    return out


def roc_auc(scores: list[float], labels: list[int]) -> float:
    s, y = np.asarray(scores, float), np.asarray(labels, int)
    pos, neg = s[y == 1], s[y == 0]
    if pos.size == 0 or neg.size == 0:
        return float("nan")
    # Mann-Whitney U with ties counted half
    gt = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(gt / (pos.size * neg.size))


def host_outcomes(files: list[LabelledFile], res: dict[str, dict]) -> tuple[dict, int, int]:
    """Over ``files`` (with results ``res`` by path): how each host's top period matches its
    known ones (``match_period`` kinds, counted), the hosts recovered (a match and flagged) and
    the non-hosts flagged."""
    kinds: dict[str, int] = defaultdict(int)
    recovered = flagged = 0
    for f in files:
        r = res[str(f.path)]
        if f.is_host == 1:
            kind = match_period(r.get("top_period"), f.periods)
            kinds[kind] += 1
            recovered += kind == "match" and bool(r.get("flagged"))
        elif f.is_host == 0:
            flagged += bool(r.get("flagged"))
    return kinds, recovered, flagged


def summarise(files: list[LabelledFile], results: dict[str, dict[str, dict]]) -> str:
    header = [
        "method",
        "subset",
        "host files",
        "top period = known",
        "recovered (= known, detected)",
        "P/2",
        "2P",
        "non-host files",
        "non-hosts flagged",
        "SDE ROC-AUC",
        "errors",
        "median s/star",
        "total s",
    ]
    rows = []
    subsets = ["all", "Kepler", "K2", "TESS"]
    for method, res in results.items():
        for name in subsets:
            fs = [f for f in files if name in ("all", f.mission) and str(f.path) in res]
            if not fs:
                continue
            hosts = [f for f in fs if f.is_host == 1]
            non = [f for f in fs if f.is_host == 0]
            kinds, recovered, flagged = host_outcomes(fs, res)
            errors = sum("error" in res[str(f.path)] for f in fs)
            secs = [res[str(f.path)].get("seconds", np.nan) for f in fs]
            sde = [res[str(f.path)].get("sde") or 0.0 for f in hosts + non]
            auc = roc_auc(sde, [1] * len(hosts) + [0] * len(non))
            rows.append(
                [
                    method,
                    name,
                    len(hosts),
                    kinds["match"],
                    recovered,
                    kinds["half"],
                    kinds["double"],
                    len(non),
                    flagged,
                    auc,
                    errors,
                    float(np.nanmedian(secs)),
                    float(np.nansum(secs)),
                ]
            )
    return markdown_table(header, rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--methods", default="starskope,lightkurve,tls")
    ap.add_argument("--per-group", type=int, default=None, help="stratified subset size per group")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--fresh", action="store_true", help="ignore cached per-file results")
    ap.add_argument("--report-only", action="store_true", help="summarise the cache, run nothing")
    ap.add_argument("--cache-dir", type=Path, default=OUT, help="per-file result cache folder")
    args = ap.parse_args(argv)

    files = select(labelled_files(), args.per_group, args.seed)
    if not files:
        print("no labelled files found (is ../shared/data beside the repository?)")
        return 1
    out = args.cache_dir
    out.mkdir(parents=True, exist_ok=True)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    results: dict[str, dict[str, dict]] = {}
    for method in methods:
        cache = {} if args.fresh else load_cache(method, out)
        todo = [str(f.path) for f in files if str(f.path) not in cache]
        if todo and not args.report_only:
            print(f"{method}: {len(todo)} files to run ({len(cache)} cached)", flush=True)
            with (out / f"{method}.jsonl").open("a") as fh:
                if args.jobs > 1:
                    with ProcessPoolExecutor(args.jobs) as pool:
                        futs = [pool.submit(_one, method, p) for p in todo]
                        for i, fut in enumerate(as_completed(futs), 1):
                            d = fut.result()
                            fh.write(json.dumps(d) + "\n")
                            fh.flush()
                            cache[d["file"]] = d
                            if i % 25 == 0:
                                print(f"  {method}: {i}/{len(todo)}", flush=True)
                else:
                    for i, p in enumerate(todo, 1):
                        d = _one(method, p)
                        fh.write(json.dumps(d) + "\n")
                        fh.flush()
                        cache[p] = d
                        if i % 25 == 0:
                            print(f"  {method}: {i}/{len(todo)}", flush=True)
        results[method] = cache
    table = summarise(files, results)
    n_h = sum(f.is_host == 1 for f in files)
    text = (
        f"Real-sky benchmark: {len(files)} labelled files ({n_h} host files, "
        f"{len(files) - n_h} non-host files); detection threshold SDE >= {SDE_THRESHOLD} "
        "for the references, vetted `is_candidate` for starskope.\n\n" + table + "\n"
    )
    print(text)
    suffix = "" if args.per_group is None else f"_per{args.per_group}"
    (REPO / "benchmarks" / "results" / f"realsky{suffix}.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
