"""Bad input, case by case: one-line StarskopeError naming the file, the place and the problem."""

from __future__ import annotations

import gzip
import re
import warnings

import numpy as np
import pytest
from astropy.io import fits

from starskope.exceptions import StarskopeError, StarskopeWarning
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


def test_fits_cut_inside_its_second_header(tmp_path, raw_fits):
    """Cut at 20000 bytes (inside the table's header): no reader recognised the file, and the
    message listed the formats instead of saying the file is damaged."""
    p = tmp_path / "cut.fits"
    p.write_bytes(raw_fits[:20000])
    _expect(p, r"damaged or truncated FITS file: .*2880")


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


def test_header_only_table_and_damaged_fits_say_so(tmp_path):
    p = tmp_path / "head.csv"
    p.write_text("# a comment\ntime,flux,flux_err\n")
    _expect(p, r"one header line \('time,flux,flux_err'\) and no data rows")
    p = tmp_path / "one.txt"
    p.write_text("1.0001\n")  # one number is no header
    with pytest.raises(StarskopeError) as info:
        read(p)
    assert "header line" not in str(info.value)
    p = tmp_path / "damaged.fits"
    p.write_bytes(b"X" * 2880 + b"END" + b" " * 77)
    _expect(p, r"named like a FITS file but does not begin like one")


@pytest.mark.parametrize(
    ("body", "match"),
    [
        # the column named time holds text in some rows: said so, not "none named like time"
        (
            "time,flux\n2020-xx,1.0\n" + "".join(f"{i},1.0\n" for i in range(1, 60)),
            r"column 'time' is named like the time but 1 of its 60 values are not numbers "
            r"\(the first, '2020-xx', in data row 1\)",
        ),
        # the flux column holds text: never another column (a note) read in its place
        (
            "time,flux,note\n" + "".join(f"{i},bright,{i}\n" for i in range(60)),
            r"column 'flux' is named like the flux but 60 of its 60 values are not numbers.*"
            r"--flux-column",
        ),
        (
            "time,flux\n" + "".join(f"{i},{'oops' if i % 3 == 0 else 1.0}\n" for i in range(60)),
            r"column 'flux' .* 20 of its 60 values are not numbers \(the first, 'oops'",
        ),
    ],
    ids=["text-in-time", "text-flux-beside-a-number-column", "text-in-some-flux-rows"],
)
def test_a_named_column_holding_text_is_one_clear_error(tmp_path, body, match):
    p = tmp_path / "t.csv"
    p.write_text(body)
    _expect(p, match)


@pytest.mark.parametrize(
    ("header", "row", "flux_column"),
    [
        ("bjd,time,flux", "{t},day {i},{f}", "flux"),  # a text time stamp beside a numeric bjd
        ("JD-2450000,time,flux", "{tr},00:{i:02d},{f}", "flux"),  # clock readings as 'time'
        ("time,mag,mag_err,flux", "{t},{m},0.01,ok", "mag"),  # a text flag named flux
        ("bjd,V_mag,flux", "{t},{m},good", "V_mag"),  # magnitudes named by band
    ],
    ids=["bjd-and-text-time", "reduced-jd-and-clock", "mag-and-text-flux", "vmag-and-text-flux"],
)
def test_a_text_column_named_like_a_role_is_read_as_before_when_another_holds_it(
    tmp_path, header, row, flux_column
):
    from starskope.io import read

    rows = "".join(
        row.format(t=2459000 + i * 0.02, tr=9000 + i * 0.02, i=i, f=1 + 1e-4 * (i % 5),
                   m=12 + 1e-3 * (i % 5)) + "\n"
        for i in range(60)
    )  # fmt: skip
    p = tmp_path / "t.csv"
    p.write_text(header + "\n" + rows)
    if "mag" in flux_column.lower():
        with pytest.warns(StarskopeWarning, match="holds magnitudes"):
            lc = read(p)
    else:
        lc = read(p)
    assert len(lc) == 60 and lc.meta.flux_column == flux_column
    assert lc.t[1] - lc.t[0] == pytest.approx(0.02)


def test_corrupt_data_are_named_by_the_checksum(tmp_path, io_data):
    # a mission file carries DATASUM; bytes overwritten in its table give absurd times
    with fits.open(io_data / KEPLER) as h:
        h.writeto(tmp_path / "ok.fits", checksum=True)
    raw = bytearray((tmp_path / "ok.fits").read_bytes())
    with fits.open(tmp_path / "ok.fits") as h:
        start = h[1]._data_offset
    raw[start : start + 4000] = np.random.default_rng(0).bytes(4000)
    (tmp_path / "bad.fits").write_bytes(bytes(raw))
    _expect(
        tmp_path / "bad.fits",
        r"the times span .* \(and the data do not match the file's checksum: corrupt, or edited",
    )


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


def test_unsorted_times_are_sorted_with_a_warning(tmp_path, io_data):
    with fits.open(io_data / KEPLER) as h:
        t = np.array(h[1].data["TIME"])
        ok = np.isfinite(t)
        i, j = np.flatnonzero(ok)[10:12]
        h[1].data["TIME"][i], h[1].data["TIME"][j] = t[j], t[i]
        h.writeto(tmp_path / "unsorted.fits")
    ref = read(io_data / KEPLER)
    with pytest.warns(StarskopeWarning, match=r"\[HDU 1 \(LIGHTCURVE\)\]: times were not in order"):
        lc = read(tmp_path / "unsorted.fits")
    assert np.all(np.diff(lc.t) > 0)
    np.testing.assert_array_equal(lc.t, ref.t)
    assert "sorted by time" in lc.meta.extra["time_order"]
    # each flux travelled with its time: the two fluxes come out swapped
    want = ref.flux.copy()
    want[[10, 11]] = want[[11, 10]]
    np.testing.assert_array_equal(lc.flux, want)
    p = tmp_path / "unsorted.csv"
    p.write_text("time,flux\n1,1.0\n3,1.3\n2,1.2\n4,1.4\n")
    with pytest.warns(StarskopeWarning, match=r"first at row 2: 2.000000 after 3.000000"):
        lc = read(p)
    np.testing.assert_array_equal(lc.t, [1, 2, 3, 4])
    np.testing.assert_array_equal(lc.flux, [1.0, 1.2, 1.3, 1.4])


def test_duplicated_times_keep_the_first_row(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("time,flux\n1,1\n2,1\n2,1.1\n3,1\n3,1\n")
    with pytest.warns(StarskopeWarning, match=r"2 repeated time\(s\) \(first 2.000000; 1 with a "):
        lc = read(p)
    np.testing.assert_array_equal(lc.t, [1, 2, 3])
    np.testing.assert_array_equal(lc.flux, [1, 1, 1])
    assert "kept one row of each time, the first with finite" in lc.meta.extra["time_order"]


def test_duplicated_times_keep_the_row_with_data(tmp_path):
    # a sector stitched twice whose first copy is NaN or flagged: the good copy is kept (the
    # first rows were kept, and every cadence was then masked)
    p = tmp_path / "dup.csv"
    p.write_text(
        "time,flux,quality\n1,nan,0\n1,1.0,0\n2,0.5,8\n2,0.9,0\n3,nan,4\n3,1.2,4\n4,nan,0\n4,nan,0\n"
    )
    with pytest.warns(StarskopeWarning, match=r"4 repeated time"):
        lc = read(p, flux_column="flux", time_column="time")
    np.testing.assert_array_equal(lc.t, [1, 2, 3, 4])
    np.testing.assert_array_equal(lc.flux, [1.0, 0.9, 1.2, np.nan])
    np.testing.assert_array_equal(lc.quality, [0, 0, 4, 0])


def test_cli_prints_starskope_warnings_on_one_line(tmp_path, capsys):
    from starskope.cli import main

    rng = np.random.default_rng(0)
    t = np.arange(400) * 0.02
    f = 1 + 1e-4 * rng.standard_normal(t.size)
    order = np.r_[np.arange(200, 400), np.arange(200)]  # two halves swapped
    p = tmp_path / "swapped.csv"
    np.savetxt(p, np.c_[t[order], f[order]], delimiter=",", header="time,flux", comments="")
    main(["info", str(p)])
    err = capsys.readouterr().err
    assert re.search(r"^starskope: warning: .*swapped.csv: times were not in order", err, re.M)
    assert "Traceback" not in err and "warnings.warn" not in err


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


def test_a_time_column_without_values_is_named(tmp_path):
    p = tmp_path / "nantimes.csv"
    p.write_text("time,flux\nnan,1.0\nnan,1.0\n,0.9\n")
    _expect(p, r"the time column 'time' holds no values \(every cell is NaN or blank\)")


def test_a_copy_with_shifted_times_is_left_out_but_close_exposures_are_kept(tmp_path):
    # a sector stitched with itself, the copy's times a few seconds later: the median step
    # halved and every transit read as empty; ground-based exposures seconds apart differ in
    # flux and stay
    rng = np.random.default_rng(3)
    t = 1325.3 + np.arange(400) * 2.0 / 1440.0
    f = 1 + 1e-3 * rng.standard_normal(t.size)
    p = tmp_path / "twice.csv"
    np.savetxt(p, np.c_[np.r_[t, t + 1e-4], np.r_[f, f]], delimiter=",", header="time,flux",
               comments="")  # fmt: skip
    with pytest.warns(StarskopeWarning, match=r"400 cadence\(s\) repeat the one before them a "
                      r"moment later \(first 1325.300100, 8.64 s after it\) with the same flux"):  # fmt: skip
        lc = read(p)
    np.testing.assert_allclose(lc.t, t)
    np.testing.assert_allclose(lc.flux, f, rtol=1e-15)
    nights = np.r_[0.0, 30 / 86400, 1.0, 1.0 + 30 / 86400, 2.0, 2.0 + 30 / 86400]
    q = tmp_path / "dithers.csv"
    np.savetxt(q, np.c_[2459000.5 + nights, [1.0, 1.01, 0.99, 1.0, 1.02, 0.98]], delimiter=",",
               header="bjd,flux", comments="")  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert len(read(q)) == 6


def test_one_star_per_column_is_told_to_transpose(tmp_path):
    """24 stars as columns (star0..star23, 3197 rows) were told to name a time column, which
    they do not have (an audit of related formats): the error says to transpose the table into
    the Kaggle layout; a table of two columns is not told so."""
    rng = np.random.default_rng(0)
    p = tmp_path / "by_column.csv"
    cols = [f"star{i}" for i in range(24)]
    rows = (",".join(f"{v:.2f}" for v in r) for r in 1000 + rng.normal(size=(200, 24)))
    p.write_text(",".join(cols) + "\n" + "\n".join(rows) + "\n")
    _expect(p, r"stars in columns\? Transpose them to rows \(LABEL,FLUX.1,...\)")
    two = tmp_path / "two.csv"
    two.write_text("flux,other\n1.0,5\n0.9,4\n1.0,3\n")
    with pytest.raises(StarskopeError) as err:
        read(two)
    assert "stars in columns" not in str(err.value)
