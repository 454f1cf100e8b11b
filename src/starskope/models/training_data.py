"""Multi-class training labels: simulated campaigns' truth tables and injections into real noise.

Classes of the multi-class models (:data:`CLASS_NAMES`): ``"planet"``, ``"eclipsing_binary"``
and ``"other"`` (variable stars and quiet stars: variability or noise).

- :func:`truth_classes`: a simulated campaign's table (``starskope simulate campaign``) has a
  truth table beside it (``train.csv`` -> ``train.truth.csv``) whose ``class`` column is planet,
  eclipsing_binary, variable or quiet; without one, Kaggle labels give planet / other.
- :func:`injection_set`: real K2 non-host light curves from ``../shared/data/bulk`` (quiet stars
  and variables; eclipsing binaries, false positives and candidates excluded) as noise, with a
  catalog planet (:func:`starskope.simulate.population.draw_planet`), an eclipsing binary
  (:func:`starskope.simulate.binaries.draw_eclipsing_binary`) or nothing injected. Only the
  ``bulk`` folder is used: the 34 labelled files of ``../shared/data/labels.csv`` are the
  benchmark's real evaluation set and are never trained on.
- :func:`detection_labels`: which rows a tabular model trains on when labels describe the
  strongest candidate rather than the star (``starskope train --host-labels detected``): the
  known periods come from :func:`known_periods` (truth tables and :func:`injection_periods`).
"""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path

import numpy as np

from ..exceptions import StarskopeError

__all__ = [
    "CLASS_NAMES",
    "background_files",
    "detection_labels",
    "injection_classes",
    "injection_ids",
    "injection_key",
    "injection_periods",
    "injection_set",
    "known_periods",
    "star_groups",
    "to_class_names",
    "truth_classes",
    "truth_periods",
    "truth_rows",
]

CLASS_NAMES = ("planet", "eclipsing_binary", "other")
_MAP = {
    "planet": "planet",
    "eclipsing_binary": "eclipsing_binary",
    "eclipsing binary": "eclipsing_binary",
    "variable": "other",
    "quiet": "other",
    "other": "other",
}


def to_class_names(labels) -> np.ndarray:
    """Binary (1 = host) or truth-table class labels -> :data:`CLASS_NAMES` strings."""
    from ..evaluate import binary_labels

    values = np.asarray(labels).ravel()
    if values.dtype.kind in "biuf":  # 0/1 (a Kaggle LABEL of 1/2 is refused), checked once
        return np.where(binary_labels(values) == 1, "planet", "other").astype(object)
    out = []
    for v in values:
        if isinstance(v, (str, np.str_)):
            key = str(v).strip().lower()
            if key not in _MAP:
                raise StarskopeError(f"unknown class label {v!r}; use one of {sorted(_MAP)}")
            out.append(_MAP[key])
        else:
            out.append("planet" if int(binary_labels([v])[0]) == 1 else "other")
    return np.array(out, dtype=object)


def truth_rows(table, columns: tuple[str, ...] = ()) -> list[dict] | None:
    """The rows of a simulated table's truth table (``train.csv`` -> ``train.truth.csv``) as
    dicts of strings, in row order; None without one.

    Raises
    ------
    StarskopeError
        When the truth table lacks one of ``columns`` or its ``row`` column, or a row number is
        not an integer.
    """
    from ..simulate.output import truth_path

    tp = truth_path(table)
    if not tp.exists():
        return None
    with tp.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = [c for c in ("row", *columns) if not rows or c not in rows[0]]
    if missing:
        names = " and ".join(f"'{c}'" for c in missing)
        raise StarskopeError(
            f"truth table has no {names} column{'s' if len(missing) > 1 else ''}", path=str(tp)
        )
    try:
        rows.sort(key=lambda r: int(r["row"]))
    except ValueError as exc:
        raise StarskopeError(f"truth table has a 'row' that is not an integer ({exc})",
                             path=str(tp)) from None  # fmt: skip
    return rows


def truth_classes(table, *, n: int | None = None) -> np.ndarray | None:
    """Classes of a simulated campaign table's rows from its truth table (None without one)."""
    rows = truth_rows(table, ("class",))
    if rows is None:
        return None
    classes = to_class_names([r["class"] for r in rows])
    return classes if n is None else classes[:n]


def background_files(root=None) -> list[Path]:
    """Real K2 non-host light curves of ``bulk`` usable as noise (never the evaluation files)."""
    from ..simulate.backgrounds import real_background_files, shared_data_dir

    root = shared_data_dir() if root is None else Path(root)
    bulk = (root / "bulk").resolve()
    files = [
        p
        for p in real_background_files(missions=("K2",), root=root, hosts=False)
        if bulk in p.resolve().parents
    ]
    if not files:
        raise StarskopeError(
            f"no real K2 background light curves under {bulk} (set STARSKOPE_SHARED_DATA)"
        )
    return files


def injection_classes(n: int, fractions=(0.4, 0.3, 0.3)) -> np.ndarray:
    """Class of each injection trial (planets first, then eclipsing binaries, then nothing)."""
    n_planet = int(round(fractions[0] * n))
    n_eb = int(round(fractions[1] * n))
    kinds = ["planet"] * n_planet + ["eclipsing_binary"] * n_eb
    return np.array(kinds + ["other"] * (n - len(kinds)), dtype=object)


def injection_key(
    n: int, *, seed: int, fractions=(0.4, 0.3, 0.3), n_points: int = 3197, root=None
) -> str:
    """Cache key of :func:`injection_set`: settings, the background files' names and sizes
    (a replaced file changes it), and the injector's version (a change of the injected signal
    does)."""
    from ..simulate.inject import INJECTOR_VERSION

    names = "\n".join(sorted(f"{p.name}:{p.stat().st_size}" for p in background_files(root)))
    text = f"{n}|{seed}|{tuple(fractions)}|{n_points}|{names}|injector {INJECTOR_VERSION}"
    digest = hashlib.md5(text.encode()).hexdigest()
    return f"inject-{digest[:12]}"


def _injection_trials(n, *, seed, fractions, n_points, root):
    """The draws of :func:`injection_set`, one per trial: ``(class, background, signal)``
    (signal: a planet's or binary's, None for nothing), in trial order."""
    from ..simulate.backgrounds import real_background
    from ..simulate.binaries import EB_KINDS, draw_eclipsing_binary
    from ..simulate.population import draw_planet

    if n < 1:
        raise StarskopeError(f"need at least one injection; got {n}")
    files = background_files(root)
    eb_kinds = sorted(EB_KINDS)
    for i, cls in enumerate(injection_classes(n, fractions)):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        bg = None
        for _ in range(10):
            path = files[int(rng.integers(len(files)))]
            try:
                bg = real_background(path, rng=rng, n_points=n_points)
                break
            except StarskopeError:
                continue
        if bg is None:
            raise StarskopeError("could not read any real background light curve")
        t_start = float(bg.lc.t[0])
        span = float(bg.lc.t[-1] - t_start)
        pr = (0.5, max(1.0, min(30.0, span / 2.0)))
        signal = None
        if cls == "planet":
            signal = draw_planet(rng, t_start=t_start, period_range=pr).signal
        elif cls == "eclipsing_binary":
            kind = eb_kinds[int(rng.integers(len(eb_kinds)))]
            signal = draw_eclipsing_binary(rng, kind=kind, t_start=t_start, period_range=pr)
        yield str(cls), bg, signal


def injection_set(
    n: int,
    *,
    seed: int,
    fractions: tuple[float, float, float] = (0.4, 0.3, 0.3),
    n_points: int = 3197,
    root=None,
) -> tuple[list, np.ndarray, list[str], str]:
    """Injections into real noise: light curves, classes, ids and a cache key.

    Parameters
    ----------
    n : int
        Light curves to make.
    seed : int
        Trial ``i`` draws from ``SeedSequence(seed, spawn_key=(i,))``: repeatable.
    fractions : (planet, eclipsing binary, nothing)
        Shares of each class (rounded; the rest is "other").
    n_points : int, optional
        Cadences per background window (3197: a K2 campaign's long cadences).
    root : path, optional
        Shared data folder (default :func:`starskope.simulate.backgrounds.shared_data_dir`).

    Returns
    -------
    lcs : list of LightCurve
    classes : numpy.ndarray of str
    ids : list of str
        ``inject:<i>:<class>:<background file>``.
    key : str
        Names the set for :func:`starskope.models.views.view_matrix`'s cache.
    """
    from ..simulate.inject import inject

    lcs, kinds, ids = [], [], []
    trials = _injection_trials(n, seed=seed, fractions=fractions, n_points=n_points, root=root)
    for i, (cls, bg, signal) in enumerate(trials):
        lcs.append(bg.lc if signal is None else inject(bg.lc, signal))
        kinds.append(cls)
        ids.append(_trial_id(i, cls, bg))
    key = injection_key(n, seed=seed, fractions=fractions, n_points=n_points, root=root)
    return lcs, np.array(kinds, dtype=object), ids, key


def injection_ids(
    n: int,
    *,
    seed: int,
    fractions: tuple[float, float, float] = (0.4, 0.3, 0.3),
    n_points: int = 3197,
    root=None,
) -> list[str]:
    """The ids :func:`injection_set` gives its trials (``inject:<i>:<class>:<background
    file>``), from the same draws without injecting.

    Naming the backgrounds means reading them (each draw reads its file); the ids are kept in
    the views cache (:func:`starskope.models.views.cache_dir`) under :func:`injection_key`, so
    ``starskope train`` with cached features reads no light curve again.
    """
    import json

    from .views import cache_dir

    key = injection_key(n, seed=seed, fractions=fractions, n_points=n_points, root=root)
    path = cache_dir() / f"{key}-ids.json"
    try:
        ids = json.loads(path.read_text())
        if isinstance(ids, list) and len(ids) == n and all(isinstance(i, str) for i in ids):
            return ids
    except (OSError, ValueError):
        pass
    trials = _injection_trials(n, seed=seed, fractions=fractions, n_points=n_points, root=root)
    ids = [_trial_id(i, c, bg) for i, (c, bg, _) in enumerate(trials)]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(ids))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache: the ids are made again next time
    return ids


def _trial_id(i: int, cls: str, background) -> str:
    """``inject:<i>:<class>:<background file>``, the id of one injection trial (read back by
    :func:`star_groups`)."""
    return f"inject:{i}:{cls}:{Path(background.source.split(':', 1)[-1]).name}"


def injection_periods(
    n: int,
    *,
    seed: int,
    fractions: tuple[float, float, float] = (0.4, 0.3, 0.3),
    n_points: int = 3197,
    root=None,
) -> np.ndarray:
    """The injected planet period (days) of each trial of :func:`injection_set` with the same
    arguments (NaN for binaries and nothing): the same draws, without injecting.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    trials = _injection_trials(n, seed=seed, fractions=fractions, n_points=n_points, root=root)
    return np.array([s.period if c == "planet" else np.nan for c, _, s in trials], dtype=float)


def truth_periods(table, *, n: int | None = None) -> np.ndarray | None:
    """The planet period of each row of a simulated campaign table, from its truth table.

    Parameters
    ----------
    table : path
        A table written by ``starskope simulate campaign`` (its truth table beside it:
        ``train.csv`` -> ``train.truth.csv``).
    n : int, optional
        Only the first ``n`` rows.

    Returns
    -------
    numpy.ndarray or None
        Days; NaN for rows whose class is not a planet. None without a truth table.

    Raises
    ------
    StarskopeError
        When the truth table lacks a column or a planet's period is not a positive number.
    """
    rows = truth_rows(table, ("class", "period_days"))
    if rows is None:
        return None
    is_planet = to_class_names([r["class"] for r in rows]) == "planet"
    out = np.full(len(rows), np.nan)
    for k in np.flatnonzero(is_planet):
        try:
            out[k] = float(rows[k]["period_days"])
        except ValueError:
            out[k] = np.nan
        if not (np.isfinite(out[k]) and out[k] > 0):
            from ..simulate.output import truth_path

            raise StarskopeError(
                f"truth table row {rows[k]['row']}: a planet's period_days "
                f"{rows[k]['period_days']!r} is not a positive number",
                path=str(truth_path(table)),
            )
    return out if n is None else out[:n]


def known_periods(
    ids,
    *,
    injections: int = 0,
    seed: int = 0,
    fractions: tuple[float, float, float] = (0.4, 0.3, 0.3),
    n_points: int = 3197,
    root=None,
) -> np.ndarray:
    """The planet period of each training row, from the row's name.

    Parameters
    ----------
    ids : sequence of str
        Row names as :func:`starskope.models.data.load_labelled` and ``starskope train`` give
        them: ``PATH#row=I`` (a table's row: its truth table) or ``inject:I:...`` (trial ``I``
        of :func:`injection_set`).
    injections, seed, fractions, n_points, root
        The arguments of the :func:`injection_set` that made the ``inject:`` rows.

    Returns
    -------
    numpy.ndarray
        Days; NaN where no period is known (not a planet, no truth table, another kind of row).

    Raises
    ------
    StarskopeError
        When ``inject:`` rows are named but ``injections`` does not cover them.
    """
    out = np.full(len(ids), np.nan)
    tables: dict[str, np.ndarray | None] = {}
    inj = None
    for k, ident in enumerate(ids):
        if ident.startswith("inject:"):
            i = int(ident.split(":")[1])
            if i >= injections:
                raise StarskopeError(
                    f"row {ident!r} is injection {i}, but only {injections} injections were made"
                )
            if inj is None:
                inj = injection_periods(
                    injections, seed=seed, fractions=fractions, n_points=n_points, root=root
                )
            out[k] = inj[i]
        elif "#row=" in ident:
            path, row = ident.rsplit("#row=", 1)
            if path not in tables:
                tables[path] = truth_periods(path)
            periods = tables[path]
            if periods is not None and int(row) < len(periods):
                out[k] = periods[int(row)]
    return out


def detection_labels(y, found_period, known_period, *, tol: float = 0.01, ids=None) -> np.ndarray:
    """Which rows to train on with detection labels: every non-host, and the hosts whose
    strongest signal is their planet (found period within ``tol`` of P, P/2 or 2P).

    Parameters
    ----------
    y : array-like of int
        1 = planet host, 0 = not.
    found_period : array-like of float
        Period of each row's strongest candidate (days; NaN without one).
    known_period : array-like of float
        Each host's planet period (days; :func:`known_periods`); ignored for non-hosts.
    tol : float, optional
        Fractional tolerance of the period match.
    ids : sequence of str, optional
        Row names, to name hosts without a known period in the error.

    Returns
    -------
    numpy.ndarray of bool
        True for the rows to train on.

    A tabular model describes a star by its strongest candidate. A host whose planet the
    search did not find is described by noise or by the star's own signals, and labelling that
    description "planet" teaches the model that noise is planet-like (a large share of a
    realistic campaign's hosts lie below the detection limit). Training on the candidates'
    truth instead, as AstroNet and the Kepler Robovetter label threshold-crossing events, leaves
    those hosts out: the score becomes the probability that the star's strongest signal is a
    planet.

    Raises
    ------
    StarskopeError
        When a host has no known period (a truth table or injection record is needed), or the
        arrays differ in length.

    Examples
    --------
    >>> detection_labels([1, 1, 1, 0], [10.02, 20.1, 33.0, 4.0], [10.0, 10.0, 10.0, np.nan])
    array([ True,  True, False,  True])
    """
    y = np.asarray(y, dtype=int)
    found = np.asarray(found_period, dtype=float)
    known = np.asarray(known_period, dtype=float)
    if not (y.shape == found.shape == known.shape):
        raise StarskopeError(
            f"labels, found and known periods differ in length: {y.size}, {found.size}, "
            f"{known.size}"
        )
    missing = (y == 1) & ~(known > 0)
    if missing.any():
        named = "" if ids is None else ", e.g. " + ", ".join(np.asarray(ids)[missing][:3])
        raise StarskopeError(
            f"{int(missing.sum())} host(s) have no known planet period{named}: detection labels "
            "need each host's period (a simulated table's truth table beside it, or injections; "
            "labelled light-curve files do not give one)"
        )
    from ..simulate.recovery import period_alias

    hit = [
        h == 1 and period_alias(f, k, tol=tol) != "miss"
        for h, f, k in zip(y, found, known, strict=True)
    ]
    return (y == 0) | np.array(hit, dtype=bool)


def star_groups(ids) -> np.ndarray:
    """The star behind each training row, for folds that keep a star's rows together: an
    injection (``inject:<i>:<class>:<background file>``) is its background star, any other
    row its own.

    Examples
    --------
    >>> star_groups(["inject:0:planet:a.fits", "inject:7:other:a.fits", "t.csv#row=3"]).tolist()
    ['a.fits', 'a.fits', 't.csv#row=3']
    """
    return np.array(
        [i.split(":", 3)[3] if i.startswith("inject:") and i.count(":") >= 3 else i for i in ids],
        dtype=object,
    )
