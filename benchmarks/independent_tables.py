"""Independent Kaggle-format (K2 C3 exoTrain/exoTest-like) light-curve table generator.

Written for a generalisation audit (sixth session) without starskope's simulator or any of its
code: numpy + batman. Its noise model (white, AR(1) red noise, sinusoidal variability, trends,
single-cadence spikes, gaps filled flat or linearly as in the Kaggle files, offset levels) and
its binaries differ from ``starskope.simulate``, so models tuned to that simulator are tested
on data they were not shaped by. Writes TABLE.csv (LABEL,FLUX.1..FLUX.3197) and TABLE_truth.csv
(per-row truth) into an output folder; ``python -m benchmarks.independent_tables OUT [TABLE...]``.
"""

import csv
import sys

import numpy as np

try:
    import batman
except ImportError:  # pragma: no cover
    batman = None

N = 3197
DT = 29.4244 / 1440.0
T = np.arange(N) * DT
SPAN = T[-1]


def transit_model(rng, period, t0, depth, dur_d, b=None, ld=(0.4, 0.25), secondary=None):
    """Relative flux (1 = out of transit) for a transit with given depth (fraction), duration."""
    k = np.sqrt(depth / 0.85)  # approx: limb darkening deepens transit a bit; rescale below
    if b is None:
        b = rng.uniform(0, 0.7)
    # a/R* from duration: T = P/pi * asin(sqrt((1+k)^2-b^2)/a) ~ P/(pi a) sqrt(...)
    chord = np.sqrt(max((1 + k) ** 2 - b**2, 1e-4))
    a = period / (np.pi * dur_d) * chord
    a = max(a, 1.5 * (1 + k))
    inc = np.degrees(np.arccos(min(b / a, 1.0)))
    if batman is not None:
        p = batman.TransitParams()
        p.t0, p.per, p.rp, p.a, p.inc = t0, period, k, a, inc
        p.ecc, p.w, p.limb_dark, p.u = 0.0, 90.0, "quadratic", list(ld)
        m = batman.TransitModel(p, T, supersample_factor=7, exp_time=DT)
        f = m.light_curve(p)
        d = 1 - f.min()
        if d > 0:  # rescale to requested depth exactly
            f = 1 - (1 - f) * depth / d
        if secondary is not None:  # secondary eclipse at phase secondary[0], depth secondary[1]
            ph, d2 = secondary
            p.t0 = t0 + ph * period
            m2 = batman.TransitModel(p, T, supersample_factor=7, exp_time=DT)
            f2 = m2.light_curve(p)
            dd = 1 - f2.min()
            if dd > 0:
                f = f - (1 - f2) * d2 / dd
        return f
    # trapezoid fallback
    ph = ((T - t0 + 0.5 * period) % period) - 0.5 * period
    ing = 0.15 * dur_d
    x = np.clip((dur_d / 2 - np.abs(ph)) / ing, 0, 1)
    f = 1 - depth * x
    if secondary is not None:
        phs, d2 = secondary
        ph2 = ((T - t0 - phs * period + 0.5 * period) % period) - 0.5 * period
        f -= d2 * np.clip((dur_d / 2 - np.abs(ph2)) / ing, 0, 1)
    return f


def n_in_transit(period, t0, dur_d):
    ph = ((T - t0 + 0.5 * period) % period) - 0.5 * period
    return int(np.sum(np.abs(ph) < dur_d / 2))


def ar1(rng, n, phi, sigma):
    e = rng.normal(0, sigma * np.sqrt(1 - phi**2), n)
    x = np.empty(n)
    x[0] = rng.normal(0, sigma)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    return x


def variability(rng, amp_max=0.01):
    v = np.zeros(N)
    for _ in range(rng.integers(1, 4)):
        P = rng.uniform(1, 20)
        A = rng.uniform(0, amp_max)
        v += A * np.sin(2 * np.pi * T / P + rng.uniform(0, 2 * np.pi))
    return v


def trend(rng):
    x = T / SPAN - 0.5
    c1 = rng.uniform(-0.005, 0.005)
    c2 = rng.uniform(-0.005, 0.005) if rng.random() < 0.5 else 0.0
    return c1 * x + c2 * x**2


def gaps(rng, f):
    f = f.copy()
    info = []
    for _ in range(rng.integers(0, 4)):
        L = int(rng.integers(20, 150))
        s = int(rng.integers(0, N - L))
        if rng.random() < 0.5:  # linear interpolation between edges
            a = f[s - 1] if s > 0 else f[s + L]
            bb = f[s + L] if s + L < N else a
            f[s : s + L] = np.linspace(a, bb, L + 2)[1:-1]
            info.append(f"lin{s}:{L}")
        else:  # flat segment
            f[s : s + L] = f[s - 1] if s > 0 else f[s + L]
            info.append(f"flat{s}:{L}")
    return f, ";".join(info)


def spikes(rng, f, sigma_abs):
    f = f.copy()
    k = rng.integers(0, 6)
    idx = rng.integers(0, N, k)
    f[idx] += rng.choice([-1, 1], k) * rng.uniform(5, 30, k) * sigma_abs
    return f, int(k)


def level(rng, neg_frac=0.1):
    F0 = 10 ** rng.uniform(3, 5)
    off = 0.0
    if rng.random() < neg_frac:  # background over-subtracted: median negative
        off = F0 * rng.uniform(1.05, 2.0)
    return F0, off


def planet_params(rng, easy=True, sigma=None, extra_sigma=0.0):
    period = 10 ** rng.uniform(0, np.log10(20))
    dur_h = rng.uniform(1, 6)
    dur_d = min(dur_h / 24, 0.12 * period)
    t0 = rng.uniform(0, period)
    if easy:
        depth = 10 ** rng.uniform(3, 4) * 1e-6
        snr = None
    else:
        snr = rng.uniform(7, 30)
        nit = max(n_in_transit(period, t0, dur_d), 1)
        depth = snr * np.hypot(sigma, extra_sigma) / np.sqrt(nit)
    return dict(period=period, t0=t0, dur_d=dur_d, depth=depth, snr=snr)


def make_row(rng, kind, table):
    """Return (label 1/2, flux, truth dict)."""
    tr = dict(kind=kind)
    F0, off = level(rng)
    sigma = 10 ** rng.uniform(-4, -3)  # 100-1000 ppm white
    tr.update(F0=F0, offset=off, sigma_ppm=sigma * 1e6)
    rel = np.ones(N)
    red_sig = 0.0
    if table in ("realistic", "fp"):
        rel += variability(rng)
        rel += trend(rng)
        phi = rng.uniform(0.5, 0.95)
        red_sig = sigma * rng.uniform(0.2, 1.0)
        rel += ar1(rng, N, phi, red_sig)
    label = 1
    if kind == "planet":
        pp = planet_params(rng, easy=(table == "easy"), sigma=sigma, extra_sigma=red_sig)
        rel *= transit_model(rng, pp["period"], pp["t0"], pp["depth"], pp["dur_d"])
        tr.update(pp)
        tr["n_in_transit"] = n_in_transit(pp["period"], pp["t0"], pp["dur_d"])
        label = 2
    elif kind in ("eb", "eb_diluted"):
        period = 10 ** rng.uniform(np.log10(0.5), np.log10(15))
        t0 = rng.uniform(0, period)
        dur_d = min(rng.uniform(2, 10) / 24, 0.15 * period)
        if kind == "eb":
            depth = 10 ** rng.uniform(-2, np.log10(0.4))  # 1%-40%
        else:
            depth = 10 ** rng.uniform(np.log10(0.002), -2)  # 0.2%-1% (planet-like)
        b = rng.uniform(0.8, 1.1)  # grazing -> V-shaped
        sec_ratio = rng.uniform(0.1, 0.8)
        ecc_shift = 0.5 if rng.random() < 0.7 else rng.uniform(0.35, 0.65)
        f = transit_model(
            rng, period, t0, depth, dur_d, b=b, secondary=(ecc_shift, depth * sec_ratio)
        )
        if period < 3:  # ellipsoidal / reflection
            f += rng.uniform(0, 0.3) * depth * np.cos(4 * np.pi * (T - t0) / period)
        rel *= f
        tr.update(
            period=period, t0=t0, dur_d=dur_d, depth=depth, sec_ratio=sec_ratio, sec_phase=ecc_shift
        )
    elif kind == "pulsator":
        sub = rng.choice(["dsct", "rrl", "gdor"])
        v = np.zeros(N)
        if sub == "dsct":
            for _ in range(rng.integers(2, 6)):
                v += rng.uniform(0.0005, 0.01) * np.sin(
                    2 * np.pi * T / rng.uniform(0.02, 0.25) + rng.uniform(0, 6.28)
                )
        elif sub == "rrl":
            P = rng.uniform(0.3, 0.8)
            A = rng.uniform(0.1, 0.5)
            ph = ((T / P) + rng.uniform(0, 1)) % 1
            # fast rise, slow decline sawtooth smoothed
            saw = np.where(ph < 0.15, ph / 0.15, 1 - (ph - 0.15) / 0.85)
            v += A * (saw - 0.5)
        else:
            for _ in range(rng.integers(2, 5)):
                v += rng.uniform(0.0005, 0.005) * np.sin(
                    2 * np.pi * T / rng.uniform(0.3, 3) + rng.uniform(0, 6.28)
                )
        rel += v
        tr["sub"] = sub
    rel = rel + rng.normal(0, sigma, N)
    flux = F0 * rel - off
    gi = ""
    nsp = 0
    if table in ("realistic", "fp"):
        flux, nsp = spikes(rng, flux, F0 * sigma)
        flux, gi = gaps(rng, flux)
    tr.update(gaps=gi, n_spikes=nsp)
    return label, flux, tr


def write_table(path, rows, truths):
    with open(path, "w") as fh:
        fh.write("LABEL," + ",".join(f"FLUX.{i}" for i in range(1, N + 1)) + "\n")
        for lab, f in rows:
            cells = []
            for x in f:
                if isinstance(x, str):
                    cells.append(x)
                elif np.isnan(x):
                    cells.append("nan")
                else:
                    cells.append(f"{x:.2f}")
            fh.write(f"{lab}.0," + ",".join(cells) + "\n")
    keys = sorted({k for t in truths for k in t})
    with open(path.replace(".csv", "_truth.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, ["row", "LABEL"] + keys)
        w.writeheader()
        for i, ((lab, _), t) in enumerate(zip(rows, truths, strict=False)):
            w.writerow({"row": i, "LABEL": lab, **t})


def iter_rows(table, n, kinds_p, seed):
    """The table's rows in order, ``(label, flux, truth)``, without writing them."""
    rng = np.random.default_rng(seed)
    kinds = list(kinds_p)
    p = np.array([kinds_p[k] for k in kinds], float)
    p /= p.sum()
    counts = np.round(p * n).astype(int)
    seq = np.repeat(kinds, counts)
    rng.shuffle(seq)
    for kind in seq:
        yield make_row(rng, kind, table)


def gen(table, n, kinds_p, seed, out="."):
    rows, truths = [], []
    for lab, f, tr in iter_rows(table, n, kinds_p, seed):
        rows.append((lab, f))
        truths.append(tr)
    write_table(f"{out}/{table}.csv", rows, truths)
    print(table, len(rows), "hosts", sum(1 for r in rows if r[0] == 2))


def edge(seed, out="."):
    rng = np.random.default_rng(seed)
    rows, truths = [], []

    def add(lab, f, desc):
        rows.append((lab, f))
        truths.append(dict(kind=desc))

    def base(F0=5000.0, s=0.0003):
        return F0 * (1 + rng.normal(0, s, N))

    def tp(depth, P=5.0):
        return transit_model(rng, P, 1.3, depth, 3 / 24, b=0.2)

    add(1, np.full(N, 1234.0), "constant_1234")
    add(1, np.full(N, -50.0), "constant_negative")
    add(1, np.zeros(N), "all_zeros")
    add(1, np.full(N, np.nan), "all_nan")
    f = base() * tp(5e-3)
    f[rng.choice(N, 300, replace=False)] = np.nan
    add(2, f, "planet_10pct_nan_scattered")
    f = base() * tp(5e-3)
    f[1000:1600] = np.nan
    add(2, f, "planet_nan_block")
    f = base() * tp(5e-3)
    f = list(f)
    f[500] = ""
    f[501] = ""  # empty cells
    add(2, [x if isinstance(x, str) else float(x) for x in f], "planet_empty_cells")
    f = base()
    f[1500] = 1e9
    add(1, f, "quiet_huge_spike_1e9")
    f = base() * tp(5e-3)
    f[1500] = 1e9
    add(2, f, "planet_huge_spike_1e9")
    f = base()
    f[1500] = -1e9
    add(1, f, "quiet_huge_negative_spike")
    f = base()
    f[700] = np.inf
    add(1, f, "quiet_inf_value")
    add(1, base() * transit_model(rng, 3.0, 0.7, 0.5, 4 / 24, b=0.0), "eb_50pct_flat_no_secondary")
    add(
        1,
        base() * transit_model(rng, 3.0, 0.7, 0.5, 4 / 24, b=0.9, secondary=(0.5, 0.2)),
        "eb_50pct_V_secondary",
    )
    add(2, base() * tp(0.5), "planetlike_50pct_label2")
    add(2, base() * tp(0.01), "planet_1pct_clean")
    add(2, base(5000.0) * tp(0.01) - 20000.0, "planet_1pct_negative_level")
    add(2, base(1e-3) * tp(0.01), "planet_1pct_tiny_level_1e-3")
    add(2, base(1e9) * tp(0.01), "planet_1pct_huge_level_1e9")
    add(2, np.round(base(300.0, 1e-3) * tp(0.01)), "planet_1pct_integer_valued")
    add(1, np.linspace(100, 200, N), "pure_ramp")
    f = base() * tp(5e-3)
    f[:-10] = f[:-10]
    f[-200:] = f[-201]
    add(2, f, "planet_flat_tail_200")
    add(2, base() * tp(0.01, P=40.0), "planet_single_transit_P40")
    add(1, base() * (1 + 0.01 * np.sign(np.sin(2 * np.pi * T / 2.0))), "square_wave_2d")
    write_table(f"{out}/edge.csv", rows, truths)
    print("edge", len(rows))


#: The tables of the audit: name -> (rows, class mix, seed).
TABLES = {
    "easy": (300, {"planet": 0.10, "quiet": 0.90}, 11),
    "realistic": (300, {"planet": 0.10, "quiet": 0.90}, 12),
    "fp": (
        240,
        {"planet": 0.125, "eb": 0.30, "eb_diluted": 0.15, "pulsator": 0.30, "quiet": 0.125},
        13,
    ),
}


def make(out, which=("easy", "realistic", "fp", "edge")):
    """Write the named tables into ``out``; returns their paths."""
    paths = []
    for name in which:
        if name == "edge":
            edge(seed=14, out=out)
        else:
            n, mix, seed = TABLES[name]
            gen(name, n, mix, seed=seed, out=out)
        paths.append(f"{out}/{name}.csv")
    return paths


if __name__ == "__main__":
    make(sys.argv[1], sys.argv[2:] or ("easy", "realistic", "fp", "edge"))
