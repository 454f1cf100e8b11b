"""Calibration folds and validation splits that keep each star's rows on one side.

The training set holds several rows of one real star (injections into its light curve,
:func:`starskope.models.training_data.star_groups`). A calibration fold or validation split
that puts rows of one star on both sides lets the model be calibrated, or stopped early, on
stars it has seen. The models' ``fit(X, y, groups=None)`` pass ``groups`` here:

- :func:`calibration_folds`: stratified group k-fold splits for ``CalibratedClassifierCV``
  (the gradient-boosted trees, the RBM);
- :func:`validation_split`: one stratified group split for the torch models' early stopping and
  calibration, and for the early stopping of the trees in each of the gbm's calibration folds.

Both return None, and the models keep their row-wise splits exactly as without groups, when
``groups`` is None or gives every row its own group (then the row-wise split already keeps
each group on one side). Where the groups are too few for the folds asked, they use fewer folds
or fall back to the row-wise split, with a :class:`~starskope.exceptions.StarskopeWarning`.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..exceptions import StarskopeError, StarskopeWarning

__all__ = [
    "calibration_folds",
    "check_row_split",
    "groups_per_class",
    "shared_groups",
    "validation_split",
]


def shared_groups(groups, n: int) -> np.ndarray | None:
    """``groups`` as integer codes when some group holds more than one of the ``n`` rows, else
    None (no groups, or every row its own: the row-wise splits need no change).

    Examples
    --------
    >>> shared_groups(["a", "b", "a"], 3).tolist()
    [0, 1, 0]
    >>> shared_groups(["a", "b", "c"], 3) is None, shared_groups(None, 3) is None
    (True, True)
    """
    if groups is None:
        return None
    g = np.asarray(groups)
    if g.shape != (n,):
        raise StarskopeError(f"groups must give one group per row ({n}); got shape {g.shape}")
    _, codes = np.unique(g.astype(str) if g.dtype == object else g, return_inverse=True)
    codes = codes.ravel()
    return None if codes.max(initial=-1) + 1 == n else codes


def groups_per_class(y, groups) -> dict:
    """How many distinct groups hold each class of ``y``.

    Examples
    --------
    >>> groups_per_class([0, 0, 1, 1, 1], [5, 6, 7, 7, 8])
    {0: 2, 1: 2}
    """
    y, g = np.asarray(y), np.asarray(groups)
    return {c.item() if hasattr(c, "item") else c: len(np.unique(g[y == c])) for c in np.unique(y)}


def _covers(y, idx, classes) -> bool:
    return len(idx) > 0 and np.isin(classes, y[idx]).all()


def calibration_folds(y, groups, n_splits: int, *, random_state=None, what="calibration"):
    """Stratified group k-fold splits of ``y`` that keep a group in one fold.

    Parameters
    ----------
    y : array-like
        Class labels.
    groups : array-like or None
        A group per row.
    n_splits : int
        Folds asked (the model's ``cv``); reduced, with a warning, to the fewest groups
        holding any class.
    random_state : int or None
        Shuffles the groups (``StratifiedGroupKFold(shuffle=True)``).
    what : str
        Named in the warnings.

    Returns
    -------
    list of (train, test) index arrays, or None
        None when ``groups`` shares no group between rows (use the row-wise folds), and, with a
        warning, when some class lies in a single group or the grouped folds leave a class out
        of some fold's training part (row-wise folds then: the calibration can see a star on
        both sides).
    """
    from sklearn.model_selection import StratifiedGroupKFold

    y = np.asarray(y)
    g = shared_groups(groups, len(y))
    if g is None:
        return None
    per_class = groups_per_class(y, g)
    fewest = min(per_class.values())
    k = int(min(n_splits, fewest))
    if k < 2:
        warnings.warn(
            f"{what}: a class lies in a single star group ({per_class} groups per class), so "
            "grouped folds cannot hold it out: row-wise folds instead (a star's rows may sit "
            "on both sides)",
            StarskopeWarning,
            stacklevel=3,
        )
        return None
    if k < n_splits:
        warnings.warn(
            f"{what}: only {fewest} star groups hold the rarest class ({per_class} per class): "
            f"{k} grouped folds instead of {n_splits}",
            StarskopeWarning,
            stacklevel=3,
        )
    splitter = StratifiedGroupKFold(k, shuffle=True, random_state=random_state)
    folds = list(splitter.split(np.zeros((len(y), 1)), y, g))
    classes = np.unique(y)
    if not all(_covers(y, tr, classes) and len(te) for tr, te in folds):
        warnings.warn(
            f"{what}: the grouped folds leave a class out of a fold's training part: row-wise "
            "folds instead (a star's rows may sit on both sides)",
            StarskopeWarning,
            stacklevel=3,
        )
        return None
    return folds


def validation_split(y, groups, fraction: float, *, random_state=None, what="validation split"):
    """One stratified split of about ``fraction`` of the rows for validation, keeping a group on
    one side: the first fold of ``StratifiedGroupKFold(round(1 / fraction))`` whose validation
    and training parts both hold every class.

    Returns ``(train, validation)`` index arrays, or None (use the row-wise split): when
    ``groups`` shares no group between rows, and, with a warning, when no fold holds every
    class on both sides (too few groups of some class).
    """
    from sklearn.model_selection import StratifiedGroupKFold

    y = np.asarray(y)
    g = shared_groups(groups, len(y))
    if g is None:
        return None
    if not 0.0 < fraction < 1.0:
        raise StarskopeError(f"validation_fraction must be in (0, 1); got {fraction}")
    per_class = groups_per_class(y, g)
    k = max(2, int(round(1.0 / fraction)))
    classes = np.unique(y)
    if min(per_class.values()) >= 2 and g.max() + 1 >= k:
        splitter = StratifiedGroupKFold(k, shuffle=True, random_state=random_state)
        for tr, va in splitter.split(np.zeros((len(y), 1)), y, g):
            if _covers(y, tr, classes) and _covers(y, va, classes):
                return tr, va
    warnings.warn(
        f"{what}: too few star groups ({per_class} per class) for a grouped split with every "
        "class on both sides: a row-wise split instead (a star's rows may sit on both sides)",
        StarskopeWarning,
        stacklevel=3,
    )
    return None


#: How :func:`check_row_split` names a class's stars.
_CLASS_WORDS = {1: "hosts", 0: "non-hosts", "planet": "planets"}


def _hosts_first(item) -> tuple:
    cls = item[0]
    return (cls not in (1, "planet"), str(cls))


def _split_sizes(n: int, fraction: float) -> tuple[int, int]:
    """(training, validation) sizes of scikit-learn's ``train_test_split(test_size=fraction)``
    of ``n`` rows (it rounds the validation part up)."""
    n_va = math.ceil(fraction * n)
    return n - n_va, n_va


def check_row_split(y, fraction: float, *, what: str = "validation split") -> None:
    """Raise a :class:`~starskope.exceptions.StarskopeError` when a stratified row-wise split
    of ``fraction`` of the labels ``y`` for validation cannot hold every class on both sides.

    scikit-learn's stratified ``train_test_split`` needs at least one row per class in each
    part; ``ceil(fraction * n)`` rows for validation, the rest for training. The message says
    how many rows of each class were given and how many the split needs.

    Examples
    --------
    >>> check_row_split([0] * 8 + [1] * 2, 0.2)
    >>> try:
    ...     check_row_split([0, 0, 1, 1], 0.2)
    ... except StarskopeError as exc:
    ...     print(exc)
    validation split: 20% of 4 stars for validation is 1 star, fewer than the 2 classes it must hold; needs at least 6 stars, with at least 2 of each class (got 2 hosts, 2 non-hosts)
    """
    y = np.asarray(y).ravel()
    if not 0.0 < fraction < 1.0:
        raise StarskopeError(f"validation_fraction must be in (0, 1); got {fraction}")
    classes, counts = np.unique(y, return_counts=True)
    k, n = len(classes), len(y)
    n_tr, n_va = _split_sizes(n, fraction)
    if n_va >= k and n_tr >= k:
        return
    need = n
    while min(_split_sizes(need, fraction)) < k:
        need += 1
    got = ", ".join(
        f"{c} {_CLASS_WORDS.get(cls, f'of class {cls}')}"
        for cls, c in sorted(zip(classes.tolist(), counts.tolist(), strict=True), key=_hosts_first)
    )
    short = (
        f"{fraction:.0%} of {n} stars for validation is {n_va} star{'s' * (n_va != 1)}"
        if n_va < k
        else f"{fraction:.0%} of {n} stars for validation leaves {n_tr} for training"
    )
    raise StarskopeError(
        f"{what}: {short}, fewer than the {k} classes it must hold; needs at least {need} "
        f"stars, with at least 2 of each class (got {got})"
    )
