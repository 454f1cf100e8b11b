"""Readers: files of many formats -> `~starskope.lightcurve.LightCurve`.

``read(path)`` identifies the product through a registry of readers; ``iter_read(paths)`` streams
light curves from files, folders, globs and multi-star tables.
"""

from __future__ import annotations

from .kaggle import iter_kaggle as iter_kaggle
from .kaggle import read_kaggle_row as read_kaggle_row
from .kaggle import write_kaggle as write_kaggle

__all__ = ["iter_kaggle", "read_kaggle_row", "write_kaggle"]
