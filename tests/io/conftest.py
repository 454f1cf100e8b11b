"""Fixtures for the reader tests: the trimmed real files and synthetic FITS products."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

IO_DATA = Path(__file__).resolve().parents[1] / "data" / "io"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Kaggle caches go to a temporary folder, never to ~/.cache."""
    monkeypatch.setenv("STARSKOPE_CACHE_DIR", str(tmp_path / "starskope-cache"))


@pytest.fixture
def io_data() -> Path:
    return IO_DATA


@pytest.fixture
def fits_maker():
    """The :func:`make_table_fits` helper, as a fixture."""
    return make_table_fits


def make_table_fits(
    path,
    columns: dict,
    *,
    primary: dict,
    table: dict,
    extname="LIGHTCURVE",
    units: dict | None = None,
    extra_tables=(),
):
    """Write a FITS file with one binary table (plus optional extra tables)."""
    from astropy.io import fits

    units = units or {}
    cols = []
    for name, arr in columns.items():
        arr = np.asarray(arr)
        fmt = "D" if arr.dtype.kind == "f" else "J"
        cols.append(fits.Column(name=name, format=fmt, array=arr, unit=units.get(name)))
    ph = fits.PrimaryHDU()
    for k, v in primary.items():
        ph.header[k] = v
    th = fits.BinTableHDU.from_columns(cols, name=extname)
    for k, v in table.items():
        th.header[k] = v
    hdus = [ph, th]
    for name, cdict in extra_tables:
        hdus.append(
            fits.BinTableHDU.from_columns(
                [fits.Column(name=n, format="D", array=np.asarray(a)) for n, a in cdict.items()],
                name=name,
            )
        )
    fits.HDUList(hdus).writeto(path, overwrite=True)
    return Path(path)
