"""Text tables: CSV / ECSV / whitespace, with or without header; column and time inference."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from starskope.exceptions import StarskopeError, StarskopeWarning
from starskope.io import read

CAD = 29.4244 / 1440


@pytest.mark.parametrize(
    ("name", "mission", "target", "fmt", "flux_col", "has_err"),
    [
        ("tls_EPIC201367065_everest.csv.gz", "K2", "EPIC 201367065", "bkjd", "col1", False),
        (
            "dave_ktwo210490365-c04_detrended.dat.gz",
            "K2",
            "EPIC 210490365",
            "bkjd",
            "Corrflux",
            False,
        ),
        ("allesfitter_pimen_tess_s01_detrended.csv.gz", "TESS", None, "jd", "flux", True),
        ("juliet_K2-32_lc.dat.gz", "K2", "K2-32", "jd", "col1", False),  # error column all 0
        (
            "koi-1003_kic002438502_q02_allesfitter.csv.gz",
            "Kepler",
            "KIC 2438502",
            "jd",
            "col1",
            True,
        ),
    ],
)
def test_trimmed_real_text_files(io_data, name, mission, target, fmt, flux_col, has_err):
    lc = read(io_data / name)
    m = lc.meta
    assert (m.product, m.mission, m.target, lc.time_format, m.flux_column) == (
        "text",
        mission,
        target,
        fmt,
        flux_col,
    )
    assert np.isfinite(lc.flux_err).any() == has_err
    assert m.flux_unit == "relative"
    assert 250 <= len(lc) <= 300


def test_dave_header_prefers_corrected_flux(io_data):
    lc = read(io_data / "dave_ktwo210490365-c04_detrended.dat.gz")
    raw = read(io_data / "dave_ktwo210490365-c04_detrended.dat.gz", flux_column="Flux")
    assert lc.meta.flux_column == "Corrflux" and raw.meta.flux_column == "Flux"
    assert lc.meta.segment == "C4"


def test_csv_with_header_and_error(tmp_path, rng):
    t = 1500.0 + np.arange(50) * 2 / 1440
    f = 1 + rng.normal(0, 1e-3, 50)
    p = tmp_path / "tic_12345_s05.csv"
    p.write_text(
        "time,flux,flux_err,quality\n"
        + "".join(
            f"{a:.6f},{b:.6f},0.001,{i % 2}\n" for i, (a, b) in enumerate(zip(t, f, strict=True))
        )
    )
    lc = read(p)
    assert lc.meta.mission == "TESS" and lc.meta.target == "TIC 12345" and lc.meta.segment == "S5"
    assert lc.time_format == "btjd"
    np.testing.assert_allclose(lc.t, t, atol=1e-6)
    np.testing.assert_allclose(lc.flux_err, 0.001)
    assert lc.quality.tolist()[:4] == [0, 1, 0, 1]


def test_whitespace_no_header_positional(tmp_path, rng):
    t = 2455000.0 + np.arange(40) * CAD
    p = tmp_path / "star.dat"
    p.write_text("".join(f"{a:.6f}  {1 + rng.normal(0, 1e-3):.6f}  0.0005\n" for a in t))
    lc = read(p)
    assert lc.time_format == "jd" and lc.meta.mission is None
    np.testing.assert_allclose(lc.flux_err, 0.0005)
    assert lc.cadence == pytest.approx(CAD, rel=1e-4)


def test_time_not_first_column_found_by_monotonicity(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("1.01 100.0\n0.99 100.5\n1.00 101.0\n1.02 101.5\n")
    lc = read(p)
    assert lc.t.tolist() == [100.0, 100.5, 101.0, 101.5]
    assert lc.flux.tolist() == [1.01, 0.99, 1.00, 1.02]


def test_overrides_by_name_and_index(tmp_path):
    p = tmp_path / "multi.csv"
    p.write_text(
        "bjd,a_flux,b_flux\n" + "".join(f"{2459000 + i},{1 + i},{2 + i}\n" for i in range(5))
    )
    lc = read(p, flux_column="b_flux")
    assert lc.flux[0] == 2.0 and lc.time_format == "jd"
    lc2 = read(p, flux_column=1, time_column="0")
    assert lc2.flux[0] == 1.0


def test_ambiguous_flux_columns(tmp_path):
    p = tmp_path / "amb.csv"
    p.write_text("time,flux,f\n1,1,1\n2,1,1\n3,1,1\n")
    with pytest.raises(
        StarskopeError, match=r"ambiguous flux column: \['flux', 'f'\]; choose one with --flux-c"
    ):
        read(p)


def test_magnitudes_refused(tmp_path):
    p = tmp_path / "mag.csv"
    p.write_text("time,mag\n1,10.1\n2,10.2\n3,10.1\n")
    with pytest.raises(StarskopeError, match="magnitudes"):
        read(p)


@pytest.mark.parametrize(
    ("above", "header", "sep"),
    [
        ("sep=,", "time,flux,flux_err", ","),  # Excel's delimiter line
        ("sep=;\nGJ 357;;", "time;flux;flux_err", ";"),  # ...and a title row of empty cells
        ("GJ 357 TESS sector 8,,", "time,flux,flux_err", ","),  # a spreadsheet's title row
        ("Light curve of GJ 357\n", "time,flux,flux_err", ","),  # a title, a blank line
        ("Light curve\n", "time flux flux_err", " "),
        ("GJ 357,,", "BJD,mag,merr", ","),  # a title above magnitudes: converted
        ("GJ 357", None, ","),  # a title above headerless rows
    ],
)
def test_title_and_delimiter_lines_above_the_header(tmp_path, above, header, sep):
    """Lines above the header (a spreadsheet's ``sep=,``, a title row, perhaps with empty cells
    or a blank line after it) are comments: the header below them names the columns, and a
    transit stays a dip. They once became the header, the real one a row of NaN."""
    rng = np.random.default_rng(5)
    t = 2459000.5 + np.arange(300) * 0.02
    f = 1 + 3e-4 * rng.standard_normal(t.size)
    f[120:126] -= 5e-3
    mag = header is not None and "mag" in header
    v = 10 - 2.5 * np.log10(f) if mag else f
    rows = "\n".join(sep.join(f"{x:.7f}" for x in r) for r in zip(t, v, 0 * t + 3e-4, strict=True))
    p = tmp_path / "lc.csv"
    p.write_text(above + "\n" + (header + "\n" if header else "") + rows + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarskopeWarning)  # the magnitudes' note
        lc = read(p)
    assert lc.t.size == 300 and np.all(np.isfinite(lc.flux))
    assert np.argmin(lc.flux) in range(120, 126)
    if header is not None:
        assert lc.meta.flux_column == header.split(sep.strip() or None)[1]
        assert lc.flux_err is not None and np.all(np.isfinite(lc.flux_err))


@pytest.mark.parametrize("note", ['"ok; checked"', "ok; checked"])
def test_a_semicolon_in_a_text_cell_is_not_the_delimiter(tmp_path, note):
    """A comma-separated table whose text column holds a semicolon (quoted or not) is split on
    its commas; it was once split on the semicolons (a pandas tokenizer error, or "no line
    with two numeric fields"), while decimal-comma tables keep their semicolons."""
    t = 2459000.5 + np.arange(100) * 0.02
    rows = [f"{x:.4f},{1 + 1e-4 * (i % 5):.6f},0.001,{note if i % 3 == 0 else 'ok'}"
            for i, x in enumerate(t)]  # fmt: skip
    p = tmp_path / "notes.csv"
    p.write_text("time,flux,flux_err,note\n" + "\n".join(rows) + "\n")
    lc = read(p)
    assert lc.t.size == 100 and lc.meta.flux_column == "flux"
    np.testing.assert_allclose(lc.flux_err, 0.001)
    q = tmp_path / "euro.csv"
    q.write_text("time;flux\n" + "".join(f"{x:.4f};1,{i % 7}\n".replace(".", ",", 1)
                                          for i, x in enumerate(t)))  # fmt: skip
    assert read(q).t.size == 100


def test_comment_header_line(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("# made by hand\n# time,flux,flux_err\n1,1.0,0.1\n2,1.1,0.1\n3,0.9,0.1\n")
    lc = read(p)
    assert lc.meta.flux_column == "flux" and np.all(lc.flux_err == 0.1)


def test_time_inference_rules(tmp_path):
    def one(name, t0, step=0.02, **kw):
        p = tmp_path / name
        p.write_text("".join(f"{t0 + i * step},{1.0}\n" for i in range(5)))
        return read(p, **kw)

    assert one("a.csv", 2458000.0).time_format == "jd"
    with pytest.warns(StarskopeWarning, match="half a day early"):  # or MJD: it says so
        mjd = one("b.csv", 58000.0)
    assert mjd.time_format == "jd" and mjd.t[0] == pytest.approx(2458000.0, rel=0, abs=1e-5)
    assert one("c.csv", 500.0).time_format == "bkjd"  # Kepler prime-mission range
    assert one("d_k2.csv", 2500.0).time_format == "bkjd"  # K2 hint
    assert one("e_tess.csv", 2500.0).time_format == "btjd"  # TESS hint
    with pytest.warns(StarskopeWarning, match="K2 had them .* and TESS"):
        assert one("f.csv", 2500.0).time_format == "relative"  # K2 or TESS: ambiguous, no hint
    # ... unless the cadence says which: Kepler's 29.4 min, TESS's 2 min
    assert one("fk.csv", 2500.0, step=29.4244 / 1440).time_format == "bkjd"
    assert one("ft.csv", 2500.0, step=2.0 / 1440).time_format == "btjd"
    assert one("f2.csv", 1500.0).time_format == "btjd"  # before K2 began: only TESS
    assert one("f3.csv", 3500.0).time_format == "btjd"  # after K2 ended: only TESS
    assert one("g.csv", 0.0).time_format == "relative"
    assert one("h.csv", 2500.0, time_format="btjd").time_format == "btjd"


def test_ecsv(tmp_path):
    import astropy.units as u
    from astropy.table import Table

    tab = Table()
    tab["time"] = np.arange(10) * 0.02 + 1400.0
    tab["time"].unit = u.day
    tab["pdcsap_flux"] = np.full(10, 5000.0) * u.electron / u.s
    tab["pdcsap_flux_err"] = np.full(10, 3.0) * u.electron / u.s
    tab.meta["MISSION"] = "TESS"
    tab.meta["OBJECT"] = "TIC 7"
    p = tmp_path / "lc.ecsv"
    tab.write(p, format="ascii.ecsv")
    lc = read(p)
    assert lc.meta.product == "ecsv" and lc.meta.mission == "TESS" and lc.meta.target == "TIC 7"
    assert lc.time_format == "btjd" and lc.meta.flux_column == "pdcsap_flux"
    assert lc.meta.flux_unit == "electron / s" and np.all(lc.flux_err == 3.0)


def test_k2sff_text_layout(tmp_path):
    """The K2SFF text files: a 'BJD - 2454833,Corrected Flux' header."""
    p = tmp_path / "hlsp_k2sff_k2_lightcurve_201367065-c01_kepler_v1_llc-default-aper.txt"
    p.write_text(
        "BJD - 2454833,Corrected Flux\n"
        + "".join(f"{1977.0 + i * CAD:.6f},{1 + 1e-4 * (i % 3):.6f}\n" for i in range(20))
    )
    lc = read(p)
    assert lc.time_format == "bkjd" and lc.meta.flux_column == "Corrected Flux"
    assert (
        lc.meta.mission == "K2" and lc.meta.target == "EPIC 201367065" and lc.meta.segment == "C1"
    )


def test_ecsv_with_time_column_keeps_mission_format(tmp_path):
    from astropy.table import Table
    from astropy.time import Time

    import starskope.time  # noqa: F401  (registers btjd)

    tab = Table()
    tab["time"] = Time(1500.0 + np.arange(10) * 2 / 1440, format="btjd", scale="tdb")
    tab["flux"] = np.ones(10)
    p = tmp_path / "t.ecsv"
    tab.write(p, format="ascii.ecsv")
    lc = read(p)
    assert lc.time_format == "btjd"
    np.testing.assert_allclose(lc.t, 1500.0 + np.arange(10) * 2 / 1440, atol=1e-9)


@pytest.mark.parametrize(("scale", "declared"), [("tdb", None), ("utc", "JD")])
def test_ecsv_time_columns_say_their_scale(tmp_path, scale, declared):
    """An ECSV Time column in JD and TDB is BJD_TDB (no note that the times are geocentric JD,
    as there once was); one in UTC is read as JD, with the note."""
    from astropy.table import Table
    from astropy.time import Time

    tab = Table()
    tab["time"] = Time(2459000.5 + np.arange(50) * 0.02, format="jd", scale=scale)
    tab["flux"] = np.ones(50)
    p = tmp_path / "t.ecsv"
    tab.write(p, format="ascii.ecsv")
    lc = read(p)
    assert lc.time_format == "jd" and lc.t[0] == pytest.approx(2459000.5, abs=1e-2)
    assert lc.meta.extra.get("time_scale") == declared


def test_number_formats_missing_tokens_and_hash_columns(tmp_path):
    """Masked cells ("--", " nan", empty) read as NaN without losing the column; Fortran "D"
    exponents and decimal commas (";" tables) read as numbers; a text column of hashes such
    as "5e89970752060f..." (whose long exponent crashes pandas' number parser) is ignored."""
    t = 1325.0 + np.arange(60) * 0.02
    f = 1.0 + 1e-3 * np.sin(t)
    rows = [
        f"{a:.5f},{b:.7f},5e8997075206{i}f3a9377dff3c753ad89"
        for i, (a, b) in enumerate(zip(t, f, strict=True))
    ]
    p = tmp_path / "hash.csv"
    p.write_text("time,flux,md5\n" + "\n".join(rows) + "\n")
    lc = read(p)
    np.testing.assert_allclose(lc.flux, f, rtol=1e-6)

    cells = [f"{b:.7f}" for b in f]
    cells[5], cells[9], cells[20] = "--", " nan", ""
    p = tmp_path / "masked.csv"
    p.write_text(
        "time,flux,flux_err\n"
        + "\n".join(f"{a:.5f},{c},0.0004" for a, c in zip(t, cells, strict=True))
        + "\n"
    )
    lc = read(p)  # the flux column, not flux_err (before: a column with 5% "--" was not numeric)
    assert np.nanmax(np.abs(lc.flux - f)) < 1e-6 and np.allclose(lc.flux_err, 4e-4)
    assert np.isnan(lc.flux[[5, 9, 20]]).all() and np.isfinite(np.delete(lc.flux, [5, 9, 20])).all()

    p = tmp_path / "fortran.dat"
    p.write_text("\n".join(f"{a:.7f}D+00 {b:.7f}D+00" for a, b in zip(t, f, strict=True)) + "\n")
    np.testing.assert_allclose(read(p).flux, f, rtol=1e-6)

    p = tmp_path / "comma.csv"
    p.write_text(
        "time;flux\n"
        + "\n".join(f"{a:.5f};{b:.7f}".replace(".", ",") for a, b in zip(t, f, strict=True))
    )
    lc = read(p)
    np.testing.assert_allclose(lc.t, t, rtol=1e-9)
    np.testing.assert_allclose(lc.flux, f, rtol=1e-6)


def test_jd_offsets_hlsp_names_magnitudes_and_short_messages(tmp_path):
    """BJD-2450000 / HJD-2450000 columns are full JD once shifted; PATHOS and CDIPS flux names
    are chosen as lightkurve does; delta-magnitudes are refused; a message about a Kaggle-width
    header lists a few names, not thousands."""
    t = 8325.3 + np.arange(50) * 0.0208
    f = 1 + 1e-3 * np.cos(t)
    for name in ("BJD-2450000", "HJD - 2450000"):
        p = tmp_path / "jd.csv"
        p.write_text(
            f"{name},flux\n" + "\n".join(f"{a:.6f},{b:.7f}" for a, b in zip(t, f, strict=True))
        )
        lc = read(p)
        assert lc.time_format == "jd" and lc.t[0] == pytest.approx(2458325.3, rel=0, abs=1e-5)

    p = tmp_path / "pathos.csv"
    p.write_text(
        "TIME,PSF_FLUX_RAW,PSF_FLUX_COR,DQUALITY\n"
        + "\n".join(f"{a - 7000:.6f},{b + 0.1:.7f},{b:.7f},0" for a, b in zip(t, f, strict=True))
    )
    lc = read(p)
    assert lc.meta.flux_column == "PSF_FLUX_COR"
    np.testing.assert_allclose(lc.flux, f, rtol=1e-6)

    p = tmp_path / "dmag.csv"
    p.write_text(
        "time,dmag\n" + "\n".join(f"{a:.6f},{1e-3 * b:.7f}" for a, b in zip(t, f, strict=True))
    )
    with pytest.warns(StarskopeWarning) as caught:
        lc = read(p)
    msgs = [str(w.message) for w in caught]
    assert any("'dmag' holds magnitudes: converted" in m for m in msgs)
    assert any("beyond today's TESS time" in m for m in msgs)  # 8325: BJD - 2450000
    assert lc.t[0] == pytest.approx(2458325.3)
    np.testing.assert_allclose(lc.flux, 10 ** (-0.4 * (1e-3 * f - np.median(1e-3 * f))), rtol=1e-6)

    p = tmp_path / "wide.csv"
    p.write_text(",".join(f"FLUX.{i}" for i in range(1, 3001)) + "\n" + ",".join(["1.0"] * 3000))
    with pytest.raises(StarskopeError) as err:
        read(p, format="text")
    assert len(str(err.value)) < 400 and "more]" in str(err.value)


def test_unit_in_the_flux_column_name(tmp_path):
    p = tmp_path / "ppm.csv"
    p.write_text(
        "time,flux_ppm\n"
        + "\n".join(f"{1325 + 0.02 * i:.4f},{(-1) ** i * 50.0}" for i in range(40))
    )
    assert read(p).meta.flux_unit == "ppm"


def test_row_index_or_cadence_number_is_not_time(tmp_path):
    """A headerless table saved with its row index (pandas' to_csv(header=False)) keeps the
    real time column; a table whose only increasing column is a row index (0, 1, 2...) is
    refused."""
    t = 1325.3 + np.arange(80) * 0.0208
    f = 1 + 1e-3 * np.sin(t)
    p = tmp_path / "idx.csv"
    p.write_text(
        "\n".join(f"{i},{a:.6f},{b:.7f}" for i, (a, b) in enumerate(zip(t, f, strict=True)))
    )
    lc = read(p)
    np.testing.assert_allclose(lc.t, t)
    np.testing.assert_allclose(lc.flux, f, rtol=1e-6)
    f = f + np.random.default_rng(1).normal(0, 1e-4, f.size)
    p = tmp_path / "cad.csv"
    p.write_text(
        "stamp,cadenceno,flux\n" + "\n".join(f"x{i},{1000 + i},{b:.7f}" for i, b in enumerate(f))
    )
    with pytest.raises(StarskopeError, match=r"\('cadenceno'\) count cadences"):
        read(p)  # a cadence number is not a time in days, even with nothing else increasing
    lc = read(p, time_column="cadenceno")  # unless the user says so
    assert lc.t[0] == 1000
    p = tmp_path / "rows.csv"
    p.write_text("stamp,n,flux\n" + "\n".join(f"x{i},{i},{b:.7f}" for i, b in enumerate(f)))
    with pytest.raises(StarskopeError, match="'n' counts rows"):
        read(p)


def test_utf16_text_is_read(tmp_path):
    """Excel's "Unicode Text" export: UTF-16 with a byte-order mark, tab-separated."""
    t = 1325.3 + np.arange(60) * 0.0208
    f = 1 + 1e-3 * np.cos(t)
    text = "time\tflux\r\n" + "".join(f"{a:.6f}\t{b:.7f}\r\n" for a, b in zip(t, f, strict=True))
    p = tmp_path / "excel.txt"
    p.write_bytes(text.encode("utf-16"))
    lc = read(p)
    np.testing.assert_allclose(lc.t, t)
    np.testing.assert_allclose(lc.flux, f, rtol=1e-6)


def test_decimal_commas_outside_semicolon_tables_get_a_hint(tmp_path):
    p = tmp_path / "euro.tsv"
    p.write_text("BJD_TDB\trel_flux\n" + "".join(f"2459500,{i:03d}\t1,0\n" for i in range(50)))
    with pytest.raises(StarskopeError, match="decimal commas are read in ';'-separated tables"):
        read(p)


def test_a_juliet_file_of_two_instruments_keeps_the_most_common(tmp_path):
    """juliet's 'time flux error instrument' rows of K2 and a ground-based follow-up 250 d
    later: one light curve of both would mix two levels and depths."""
    import warnings

    from starskope.io import read

    t_k2 = 2457582.59 + np.arange(300) * 0.0204
    t_gb = 2457831.6 + np.arange(40) * 0.002
    rows = [f"{t:.7f} {1.0:.8f} 0.0001 K2" for t in t_k2]
    rows += [f"{t:.7f} {0.98:.8f} 0.001 LCOGT" for t in t_gb]
    p = tmp_path / "juliet_lc.dat"
    p.write_text("\n".join(rows) + "\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lc = read(p)
    assert len(lc) == 300 and lc.t.max() - lc.t.min() < 10
    msg = " ".join(str(w.message) for w in caught)
    assert "column 4 holds 2 photometric bands or instruments: K2 (300), LCOGT (40)" in msg


def test_a_headerless_label_column_that_no_instrument_dominates_keeps_every_row(tmp_path):
    """Night labels in a fourth column are not instruments to choose between."""
    import warnings

    from starskope.io import read

    t = 2459000.0 + np.arange(300) * 0.01
    rows = [f"{x:.5f} 1.0 0.001 N{1 + i // 60}" for i, x in enumerate(t)]
    rows += [f"{x:.5f} 1.0 0.001 {'OK' if i % 3 else 'SAT'}" for i, x in enumerate(t + 5)]
    p = tmp_path / "nights.txt"
    p.write_text("\n".join(rows[:300]) + "\n")
    q = tmp_path / "flags.txt"
    q.write_text("\n".join(rows[300:]) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert len(read(p)) == 300
        assert len(read(q)) == 300  # OK/SAT are flags, not instruments


def test_headerless_magnitudes_are_named_in_a_warning(tmp_path):
    """A headerless ``time mag err`` table is read as flux (a header is what says magnitudes),
    but no longer silently: its transits would be brightenings."""
    rng = np.random.default_rng(3)
    t = 1517.3 + np.arange(400) * (2 / 1440)
    mag = 10.2 + 1e-3 * rng.standard_normal(t.size)
    rows = "\n".join(f"{a:.6f} {m:.6f} 0.001" for a, m in zip(t, mag, strict=True))
    p = tmp_path / "mags.txt"
    p.write_text(rows + "\n")
    with pytest.warns(StarskopeWarning, match="column 2 .* looks like magnitudes"):
        read(p)
    p.write_text("time mag err\n" + rows + "\n")  # named: converted, with its own warning
    with pytest.warns(StarskopeWarning) as rec:
        lc = read(p)
    assert not any("looks like magnitudes" in str(w.message) for w in rec)
    assert np.median(lc.flux) == pytest.approx(1.0, rel=1e-3)
    flux = 5000 + 70 * rng.standard_normal(t.size)  # counts: no warning
    p.write_text("\n".join(f"{a:.6f} {b:.3f}" for a, b in zip(t, flux, strict=True)) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", StarskopeWarning)
        read(p)


@pytest.mark.parametrize(
    ("t0", "step", "mission"), [(1517.3, 2 / 1440, "TESS"), (300.2, 0.0204, "Kepler")]
)
def test_a_quality_column_is_masked_for_the_mission_the_times_say(tmp_path, t0, step, mission):
    """A table whose name and header say no mission, whose times are recognised as TESS BTJD
    or Kepler BKJD, has its quality flags read with that mission's default mask (they were
    kept, every flagged cadence analysed)."""
    from starskope.io.quality import quality_mask

    t = t0 + np.arange(400) * step
    q = np.zeros(t.size, dtype=int)
    q[50:60] = 32 if mission == "TESS" else 8  # desaturation / coarse point: masked by default
    rows = "\n".join(f"{x:.6f},1.0,{v}" for x, v in zip(t, q, strict=True))
    p = tmp_path / "star.csv"
    p.write_text("time,flux,quality\n" + rows + "\n")
    lc = read(p)
    assert lc.meta.mission == mission and "mission_rule" in lc.meta.extra
    assert (~quality_mask(lc.quality, mission=lc.meta.mission)).sum() == 10
    p.write_text("time,flux\n" + "\n".join(f"{x:.6f},1.0" for x in t) + "\n")
    assert read(p).meta.mission is None  # no flags: no mission claimed


def test_a_star_named_after_k2_observed_by_tess(tmp_path):
    """``K2-18_tess_s08.csv`` is TESS data of the star K2-18: BTJD, TESS, sector 8 (it was read
    as K2's BKJD, 2167 days early); times before K2's first day in a file named only after a
    K2 star are relative days, with a warning, not K2 mission days."""
    t = 1517.35 + np.arange(300) * (2 / 1440)
    rows = "time,flux\n" + "\n".join(f"{x:.6f},1.0" for x in t) + "\n"
    (tmp_path / "K2-18_tess_s08.csv").write_text(rows)
    lc = read(tmp_path / "K2-18_tess_s08.csv")
    assert (lc.meta.mission, lc.time_format, lc.meta.segment) == ("TESS", "btjd", "S8")
    assert lc.meta.target == "K2-18"
    (tmp_path / "K2-18.csv").write_text(rows)
    with pytest.warns(StarskopeWarning, match="before the mission's first day"):
        lc = read(tmp_path / "K2-18.csv")
    assert lc.time_format == "relative"


def test_a_pandas_index_header_is_not_a_title(tmp_path):
    """pandas' ``DataFrame({'flux': f}).to_csv()`` writes the header ``,flux`` (an unnamed
    index, then the name): a header, not a one-field title row."""
    import pandas as pd

    f = 1 + 1e-4 * np.sin(np.arange(300))
    p = tmp_path / "f.csv"
    pd.DataFrame({"flux": f}).to_csv(p)
    lc = read(p, flux_column="flux", time_column=0, time_format="relative")
    np.testing.assert_allclose(lc.flux, f)


def test_a_headerless_flux_time_error_table(tmp_path):
    """Headerless ``flux time err`` rows: the column after the time is the error of the one
    before it, not the flux (the error was read as a flat flux; the time as its error)."""
    rng = np.random.default_rng(4)
    t = 1517.35 + np.arange(400) * (2 / 1440)
    f = 45000 + 25 * rng.standard_normal(t.size)
    p = tmp_path / "lc.txt"
    p.write_text("\n".join(f"{a:.3f} {b:.6f} 25.0" for a, b in zip(f, t, strict=True)) + "\n")
    lc = read(p)
    np.testing.assert_allclose(lc.flux, f, rtol=1e-6)
    np.testing.assert_allclose(lc.flux_err, 25.0)
    assert "before the time" in lc.meta.extra["columns"]


def test_latin1_export_is_read(tmp_path):
    """A Windows/Latin-1 export (a 'T(°C)' column written in Latin-1) was refused as 'no line
    with two numeric fields', and skipped in folders as not a light curve."""
    t = 2458600.5 + np.arange(200) * 0.01
    f = 1.0 + 1e-3 * np.sin(np.arange(200))
    text = "BJD,flux,T(°C)\n" + "".join(f"{a:.5f},{b:.6f},21.5\n" for a, b in zip(t, f, strict=True))
    p = tmp_path / "lc.csv"
    p.write_bytes(text.encode("latin-1"))
    lc = read(p)
    assert lc.meta.flux_column == "flux"
    np.testing.assert_allclose(lc.flux, f, rtol=1e-6)


def test_review_of_the_second_reader_batch(tmp_path):
    """Inputs the second batch of reader fixes first misread (a review): an all-empty named
    flux is still named in the error, not replaced by its error column; a magnitude is paired
    only with a generic error or its own; '#N' comments are DAOPHOT names only beside its
    '#K'/'#U'/'#F' lines; a table whose first line starts like JSON but holds units, or a JSON
    metadata record above rows, is a table; whole-number pipe names are a header."""
    t = 2458000.0 + np.arange(300) * 0.02
    f = 1.0 + 1e-3 * np.sin(np.arange(300))

    def write(name, head, row):
        p = tmp_path / name
        p.write_text(head + "\n" + "".join(row(a, b) + "\n" for a, b in zip(t, f, strict=True)))
        return p

    p = write("empty.csv", "HJD,counts,err", lambda a, b: f"{a:.5f},,0.001")
    with pytest.raises(StarskopeError, match="all flux values are NaN in column 'counts'"):
        read(p)
    for head, row, want in (
        ("JD,comp_mag,e_mag,mag", lambda a, b: f"{a:.5f},11.2,0.01,{10 - 2.5 * np.log10(b):.6f}",
         "mag"),
        ("JD,mag,sigma_psf,counts", lambda a, b: f"{a:.5f},12.0,1.5,{1000 * b:.4f}", "counts"),
        ("#N stars 1\n# time flux", lambda a, b: f"{a:.5f} {b:.6f}", "flux"),
        ("[[time]] [[flux]]", lambda a, b: f"{a:.5f} {b:.6f}", "[[flux]]"),
        ('{"sector": 5}\ntime,flux', lambda a, b: f"{a:.5f},{b:.6f}", "flux"),
        ("| 1 | 2 |", lambda a, b: f"| {a:.5f} | {b:.6f} |", "2"),
    ):  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StarskopeWarning)
            lc = read(write("t.txt", head, row))
        assert lc.meta.flux_column == want, head
        assert len(lc) == t.size
