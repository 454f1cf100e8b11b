"""Readers: files of many formats -> `~starskope.lightcurve.LightCurve`.

``read(path)`` identifies the product through a registry of readers (``READERS``;
``register_reader`` adds one); ``iter_read(paths)`` streams light curves from files, folders,
globs and multi-star tables, yielding errors instead of raising so batches go on.

Formats: official Kepler / K2 / TESS SPOC FITS (and TESS data alerts), K2SFF, K2SC, EVEREST,
K2VARCAT, QLP, TASOC, eleanor, CDIPS, DIAmante, TGLC, lightkurve ``to_fits`` files and astropy ``Table.write`` output (Time
columns), any FITS table, CSV / ECSV / VOTable / IPAC / ``|`` / whitespace text tables (European
``;`` with decimal commas too), Parquet and Feather tables, the Kaggle K2 table
(``starskope.io.kaggle``) and starskope's simulated campaigns. Everything may be gzip-, bzip2-,
xz- or zip-compressed.
"""

from __future__ import annotations

from .kaggle import iter_kaggle as iter_kaggle
from .kaggle import iter_kaggle_rows as iter_kaggle_rows
from .kaggle import kaggle_arrays as kaggle_arrays
from .kaggle import read_kaggle_row as read_kaggle_row
from .kaggle import write_kaggle as write_kaggle
from .registry import READERS as READERS
from .registry import Reader as Reader
from .registry import UnrecognisedFormatError as UnrecognisedFormatError
from .registry import identify_format as identify_format
from .registry import iter_read as iter_read
from .registry import read as read
from .registry import register_reader as register_reader

__all__ = [
    "READERS",
    "Reader",
    "UnrecognisedFormatError",
    "identify_format",
    "iter_kaggle",
    "iter_kaggle_rows",
    "iter_read",
    "kaggle_arrays",
    "read",
    "read_kaggle_row",
    "register_reader",
    "write_kaggle",
]
