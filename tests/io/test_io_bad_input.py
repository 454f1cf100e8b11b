"""Bad input, case by case: one-line StarskopeError naming the file, the place and the problem."""

from __future__ import annotations

import gzip
import re

import numpy as np
import pytest
from astropy.io import fits

from starskope.exceptions import StarskopeError
from starskope.io import iter_read, read, write_kaggle

KEPLER = "kplr011442793-2009350155506_llc.fits.gz"


@pytest.fixture
def raw_fits(io_data) -> bytes:
    return gzip.decompress((io_data / KEPLER).read_bytes())


def _expect(path, pattern, **kw):
    with pytest.raises(StarskopeError) as info:
        read(path, **kw)
    msg = str(info.value)
    assert msg.startswith(str(path)), msg
    assert "\n" not in msg
    assert re.search(pattern, msg), msg
    return msg


def test_truncated_fits(tmp_path, raw_fits):
    p = tmp_path / "trunc.fits"
    p.write_bytes(raw_fits[: len(raw_fits) // 2])
    _expect(p, r"truncated FITS file: .*smaller than the expected size")


def test_truncated_fits_header(tmp_path, raw_fits):
    p = tmp_path / "trunc_header.fits"
    p.write_bytes(raw_fits[:4000])
    _expect(p, r"corrupt or truncated FITS file")


def test_truncated_gzip(tmp_path, io_data):
    p = tmp_path / "trunc.fits.gz"
    p.write_bytes((io_data / KEPLER).read_bytes()[:5000])
    _expect(p, r"cannot decompress: Compressed file ended")


def test_corrupt_gzip_stream(tmp_path):
    p = tmp_path / "bad.csv.gz"
    p.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(200)))
    _expect(p, r"cannot decompress")


def test_corrupt_fits_body(tmp_path, raw_fits, rng):
    p = tmp_path / "corrupt.fits"
    p.write_bytes(raw_fits[:2880] + rng.bytes(20000))
    _expect(p, r"corrupt or truncated FITS file")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.fits"
    p.write_bytes(b"")
    _expect(p, r"file is empty \(0 bytes\)")


def test_missing_file(tmp_path):
    _expect(tmp_path / "nope.fits", r"no such file")


def test_binary_junk(tmp_path, rng):
    p = tmp_path / "junk.dat"
    p.write_bytes(rng.bytes(5000))
    _expect(p, r"not a light-curve file: binary data")


def test_text_without_numbers(tmp_path):
    p = tmp_path / "words.csv"
    p.write_text("name,colour\nfoo,red\nbar,blue\n")
    _expect(p, r"unrecognised text format.*valid formats: .*kepler")


def test_missing_flux_column_fits(tmp_path, io_data):
    with fits.open(io_data / KEPLER) as h:
        keep = [c for c in h[1].columns if c.name not in ("PDCSAP_FLUX", "SAP_FLUX")]
        table = fits.BinTableHDU.from_columns(keep, header=h[1].header, name="LIGHTCURVE")
        fits.HDUList([fits.PrimaryHDU(header=h[0].header), table]).writeto(tmp_path / "x.fits")
    _expect(
        tmp_path / "x.fits",
        r"x.fits \[HDU 1 \(LIGHTCURVE\)\]: missing flux column \(looked for \['PDCSAP_FLUX'",
        format="kepler",
    )


def test_missing_time_column_text(tmp_path):
    p = tmp_path / "notime.csv"
    p.write_text("flux,other\n1.0,5\n0.9,4\n1.0,3\n")
    _expect(p, r"cannot tell which column is time.*--time-column \(Python: time_column=\)")


def test_all_nan_flux_fits(tmp_path, io_data):
    with fits.open(io_data / KEPLER) as h:
        h[1].data["PDCSAP_FLUX"][:] = np.nan
        h.writeto(tmp_path / "nan.fits")
    _expect(
        tmp_path / "nan.fits",
        r"\[HDU 1 \(LIGHTCURVE\)\]: all flux values are NaN in column .PDCSAP_FLUX.; another flux"
        r" column may hold data \(e.g. --flux-column sap_flux",
    )


def test_all_nan_flux_text(tmp_path):
    p = tmp_path / "nan.csv"
    p.write_text("time,flux\n1,nan\n2,nan\n3,nan\n")
    _expect(p, r"all flux values are NaN")


def test_unsorted_times(tmp_path, io_data):
    with fits.open(io_data / KEPLER) as h:
        t = h[1].data["TIME"]
        t[10], t[11] = t[11], t[10]
        h.writeto(tmp_path / "unsorted.fits")
    _expect(tmp_path / "unsorted.fits", r"\[HDU 1 \(LIGHTCURVE\)\]: times are not sorted")
    p = tmp_path / "unsorted.csv"
    p.write_text("time,flux\n1,1\n3,1\n2,1\n")
    _expect(p, r"times are not sorted \(time\[2\] = 2.000000 < time\[1\] = 3.000000\)")


def test_duplicated_times(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("time,flux\n1,1\n2,1\n2,1.1\n")
    _expect(p, r"duplicated time 2.000000 at rows 1 and 2")


def test_ragged_text_row(tmp_path):
    p = tmp_path / "ragged.csv"
    p.write_text("time,flux\n1,1\n2,1,5,6\n3,1\n")
    _expect(p, r"ragged.csv \[row 1\]: malformed table")


def test_nan_times_are_dropped_not_fatal(tmp_path):
    p = tmp_path / "nantime.csv"
    p.write_text("time,flux\n1,1\nnan,1\n3,1\n4,nan\n")
    lc = read(p)
    assert len(lc) == 3 and lc.n_valid == 2


def test_kaggle_bad_rows_through_iter_read(tmp_path):
    flux = np.ones((3, 3197))
    p = write_kaggle(tmp_path / "exoTest.csv", flux, [1, 2, 1])
    lines = p.read_text().splitlines()
    lines[2] = "5" + lines[2][1:]  # LABEL 5 in data row 1
    p.write_text("\n".join(lines) + "\n")
    items = list(iter_read(p))
    assert [i for i, _ in items] == [f"{p}#row={r}" for r in range(3)]
    err = items[1][1]
    assert isinstance(err, StarskopeError)
    assert str(err) == f"{p} [row 1]: LABEL must be 1 (no planet) or 2 (planet host); got '5'"
    assert not isinstance(items[0][1], StarskopeError)


def test_a_bad_file_among_many(tmp_path, io_data):
    (tmp_path / "a_bad.fits").write_bytes(b"SIMPLE  =  junk")
    (tmp_path / "b_good.csv").write_text("time,flux\n1,1\n2,1\n3,0.9\n")
    (tmp_path / "c_empty.csv").write_text("")
    out = list(iter_read(tmp_path))
    assert [type(x).__name__ for _, x in out] == ["StarskopeError", "LightCurve", "StarskopeError"]
