"""Bundled demo light curves (read through :mod:`importlib.resources`).

Six small real Kepler, K2 and TESS light curves ship inside the package (see
``starskope/data/demo/PROVENANCE.md``): planet hosts with clear transits and non-hosts, in several
file formats, with their labels.
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

from .exceptions import StarskopeError

__all__ = ["demo_dir", "demo_files", "demo_labels"]


def demo_dir() -> Path:
    """The folder holding the bundled demo files.

    Raises
    ------
    StarskopeError
        When the package is installed in a form without real files (e.g. a zip).
    """
    d = resources.files("starskope") / "data" / "demo"
    path = Path(str(d))
    if not (path / "labels.csv").is_file():
        raise StarskopeError(
            "bundled demo data not found (is the package fully installed?)", path=str(path)
        )
    return path


def demo_labels() -> list[dict]:
    """One dict per bundled light curve, in a fixed order.

    Keys: ``file`` (name inside the demo folder), ``mission``, ``target``, ``catalog_id``,
    ``segment``, ``is_planet_host`` (int 1/0), ``label_class``, ``known_periods_days`` (text such
    as ``"b 9.4880; c 54.4184"``), ``periods`` (list of floats, days) and ``format`` (the reader).

    Examples
    --------
    >>> rows = demo_labels()
    >>> sorted({r["mission"] for r in rows})
    ['K2', 'Kepler', 'TESS']
    """
    with open(demo_dir() / "labels.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["is_planet_host"] = int(r["is_planet_host"]) if r["is_planet_host"] != "" else None
        r["periods"] = _periods(r["known_periods_days"])
    return rows


def demo_files() -> list[Path]:
    """Paths of the bundled light curves, in the order of :func:`demo_labels`."""
    d = demo_dir()
    return [d / r["file"] for r in demo_labels()]


def _periods(text: str) -> list[float]:
    out = []
    for part in text.split(";"):
        for tok in part.replace("(", " ").split():
            try:
                out.append(float(tok))
                break
            except ValueError:
                continue
    return out
