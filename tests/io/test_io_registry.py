"""The reader registry, format forcing, gzip transparency, read() on tables, iter_read()."""

from __future__ import annotations

import gzip
import shutil
import types
import warnings

import numpy as np
import pytest

from starskope.exceptions import StarskopeError, StarskopeWarning
from starskope.io import READERS, identify_format, iter_read, read, register_reader, write_kaggle
from starskope.lightcurve import LightCurve


def test_registry_names():
    for name in (
        "kepler",
        "tess",
        "k2sff",
        "k2sc",
        "everest",
        "k2varcat",
        "qlp",
        "lightkurve",
        "fits-table",
        "kaggle",
        "ecsv",
        "text",
    ):
        assert name in READERS


def test_unknown_format_lists_valid(io_data):
    with pytest.raises(
        StarskopeError, match=r"unknown format 'nope'; valid formats: kaggle, .*text"
    ):
        read(io_data / "tic10111251.fits.gz", format="nope")


def test_forced_format(io_data):
    # a lightkurve re-export read as a generic FITS table
    lc = read(io_data / "tic10111251.fits.gz", format="fits-table")
    assert lc.meta.product == "fits-table" and lc.meta.flux_column == "FLUX"
    assert lc.time_format == "btjd"


def test_gzip_by_magic_bytes_whatever_the_name(tmp_path, io_data):
    src = io_data / "kplr011442793-2009350155506_llc.fits.gz"
    renamed = tmp_path / "no_suffix.fits"
    shutil.copy(src, renamed)
    plain = tmp_path / "plain.fits"
    plain.write_bytes(gzip.decompress(src.read_bytes()))
    a, b = read(renamed), read(plain)
    np.testing.assert_array_equal(a.flux, b.flux)


def test_register_custom_reader(tmp_path):
    p = tmp_path / "x.mylc"
    p.write_text("MYLC\n1 2 3\n")

    def identify(path, header):
        return isinstance(header, bytes) and header.startswith(b"MYLC")

    def reader(path, *, flux_column=None, time_column=None, opened=None):
        return LightCurve([0.0, 1.0], [1.0, 1.0], time_format="relative")

    register_reader("mylc-test", identify=identify, read=reader)
    try:
        assert identify_format(p) == "mylc-test"
        assert len(read(p)) == 2
        with pytest.raises(StarskopeError, match="already registered"):
            register_reader("mylc-test", identify=identify, read=reader)
    finally:
        READERS.pop("mylc-test")


def test_read_kaggle_requires_row_for_many_stars(tmp_path, rng):
    p = write_kaggle(tmp_path / "exoTrain.csv", rng.normal(size=(3, 3197)), [2, 1, 1])
    with pytest.raises(StarskopeError, match=r"several stars: pass row= .* iter_read"):
        read(p)
    lc = read(p, row=2)
    assert lc.meta.row == 2 and lc.meta.label == 0 and lc.meta.product == "kaggle"
    one = write_kaggle(tmp_path / "one.csv", rng.normal(size=(1, 3197)), [2])
    assert read(one).meta.label == 1


def test_row_on_single_star_file(io_data):
    with pytest.raises(StarskopeError, match="row= applies to multi-star tables"):
        read(io_data / "tic10111251.fits.gz", row=3)


def test_iter_read_folder_glob_and_kaggle(tmp_path, io_data, rng):
    d = tmp_path / "data"
    (d / "sub").mkdir(parents=True)
    shutil.copy(io_data / "tic10111251.fits.gz", d / "b.fits.gz")
    shutil.copy(io_data / "tls_EPIC201367065_everest.csv.gz", d / "sub" / "a.csv.gz")
    write_kaggle(d / "k.csv", rng.normal(size=(2, 3197)), [1, 2])
    (d / "README.md").write_text("not data")
    (d / "labels.csv").write_text("file,label\nb.fits.gz,host\n")  # not a light curve: skipped
    (d / ".hidden.csv").write_text("1,2\n")
    with pytest.warns(StarskopeWarning, match=r"labels.csv: skipped, not a light curve \("):
        ids = [i for i, _ in iter_read(d)]
    assert ids == [
        str(d / "b.fits.gz"),
        f"{d / 'k.csv'}#row=0",
        f"{d / 'k.csv'}#row=1",
        str(d / "sub" / "a.csv.gz"),
    ]
    ids = [i for i, x in iter_read(str(d / "**" / "*.gz")) if isinstance(x, LightCurve)]
    assert ids == [str(d / "b.fits.gz"), str(d / "sub" / "a.csv.gz")]
    # row= picks one star of a table
    ((ident, lc),) = list(iter_read(d / "k.csv", row=1))
    assert ident.endswith("k.csv#row=1") and lc.meta.label == 1
    # missing paths are reported, not raised
    ((ident, err),) = list(iter_read([tmp_path / "missing.fits"]))
    assert isinstance(err, StarskopeError) and "no such file" in str(err)


def test_catalogues_and_numeric_manifests_in_a_folder_are_skipped(tmp_path, io_data):
    """A catalogue sorted by period (the Kepler EB catalogue: its increasing 'period' column was
    read as times, its 'pdepth' as flux), an archive table and a labels table with numeric
    columns are not light curves: named, they are errors saying so; in a folder, skipped."""
    d = tmp_path / "data"
    d.mkdir()
    shutil.copy(io_data / "tic10111251.fits.gz", d / "b.fits.gz")
    (d / "eb.csv").write_text(
        "#KIC,period,period_err,pdepth,sdepth,morph,Teff,SC,\n"
        + "".join(f"{9472174 + k},{0.12 + 0.05 * k:.7f},1e-7,0.046,0.01,0.78,6000,True,\n"
                  for k in range(40))
    )  # fmt: skip
    (d / "toi.csv").write_text(
        "toi,tid,ra,dec,pl_orbper,pl_trandep\n"
        + "".join(f"{100 + k}.01,{1000 + k},{10 + k},{-5 - k},{1 + k},{500 + k}\n"
                  for k in range(40))
    )  # fmt: skip
    (d / "labels.csv").write_text(
        "file,is_planet_host,known_periods_days\n"
        + "".join(f"f{k}.fits,{k % 2},{1.5 + k}\n" for k in range(40))
    )
    for name, words in (("eb.csv", "catalogue"), ("toi.csv", "catalogue"),
                        ("labels.csv", "manifest")):  # fmt: skip
        ((_, err),) = list(iter_read(d / name))
        assert isinstance(err, StarskopeError) and words in str(err)
    with pytest.warns(StarskopeWarning, match="skipped, not a light curve") as seen:
        got = list(iter_read(d))
    assert [i for i, _ in got] == [str(d / "b.fits.gz")] and isinstance(got[0][1], LightCurve)
    assert len([w for w in seen if "skipped" in str(w.message)]) == 3
    # photometry tables with a file name, identifiers or a catalogue column beside a time
    # that increases are light curves still, whatever the time's name
    t = 59000.0 + np.arange(60) * 0.02
    for header, row in (
        ("filename,mjd_obs,mag,magerr", "f{k}.fits,{t},12.0,0.01"),
        ("tic,ra,dec,hmjd,flux,flux_err", "1234,10.0,-5.0,{t},1.0,0.001"),
        ("obs_time,flux,ra,dec,period", "{t},1.0,10.0,-5.0,3.2"),
    ):
        p = tmp_path / "phot.csv"
        p.write_text(header + "\n" + "".join(row.format(k=k, t=x) + "\n" for k, x in enumerate(t)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StarskopeWarning)  # magnitudes converted, MJD
            lc = read(p)
        # (MJD or reduced JD by name: within half a day; the same times either way)
        np.testing.assert_allclose(lc.t + lc.bjd_offset, t + 2400000.0, rtol=0, atol=0.5 + 1e-6)
        np.testing.assert_allclose(np.diff(lc.t), np.diff(t), atol=1e-9)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("name,RA_deg,Dec_deg,Vmag", "catalogue"),  # three catalogue names
        ("ra,dec,kepmag", "catalogue"),
        ("ra,brightness", "sky position"),  # a right ascension is never a time
        ("target,DEJ2000,flux", "sky position"),
    ],
)
def test_a_target_list_sorted_by_sky_position_is_not_a_light_curve(tmp_path, header, words):
    # its increasing right ascension was read as a 354-day time, the magnitudes as flux
    rng = np.random.default_rng(2)
    n = 60
    cols = header.split(",")
    data = {c: rng.uniform(9, 16, n) for c in cols}
    data[cols[0]] = [f"T{k}" for k in range(n)] if cols[0] in ("name", "target") else data[cols[0]]
    pos = next(c for c in cols if c.lower().startswith(("ra", "de")))
    data[pos] = np.sort(rng.uniform(0, 90, n))
    p = tmp_path / "targets.csv"
    p.write_text(
        header + "\n" + "".join(",".join(str(data[c][k]) for c in cols) + "\n" for k in range(n))
    )
    with pytest.raises(StarskopeError, match=words):
        read(p)
    ((_, err),) = list(iter_read(p))
    assert isinstance(err, StarskopeError) and "not a light curve" in str(err)


def test_iter_read_is_lazy(tmp_path, io_data):
    for i in range(3):
        shutil.copy(io_data / "tic10111251.fits.gz", tmp_path / f"f{i}.fits.gz")
    it = iter_read(tmp_path)
    assert isinstance(it, types.GeneratorType)
    first = next(it)
    (tmp_path / "f2.fits.gz").unlink()  # later files are only touched when reached
    rest = list(it)
    # the folder is listed once, but each file is opened only when the stream reaches it
    assert isinstance(first[1], LightCurve) and isinstance(rest[0][1], LightCurve)
    assert isinstance(rest[1][1], StarskopeError) and "no such file" in str(rest[1][1])


def test_unrecognised_file_named_explicitly_is_an_error(tmp_path):
    p = tmp_path / "labels.csv"
    p.write_text("file,label\nb.fits.gz,host\n")
    ((ident, err),) = list(iter_read(p))
    assert isinstance(err, StarskopeError) and "a list of light-curve files (a manifest" in str(err)
    assert "`starskope scan`, `train` or `evaluate`" in str(err)


def test_json_light_curves_are_named_as_json(tmp_path):
    """A records array or a column object in JSON got 'no line with two numeric fields' or the
    Kaggle reader's 'a one-star-per-row table?'; both now say JSON and how to convert it."""
    import json

    t = (1325.0 + np.arange(100) * 0.02).tolist()
    (tmp_path / "rec.json").write_text(json.dumps([{"time": a, "flux": 1.0} for a in t]))
    (tmp_path / "col.json").write_text(json.dumps({"time": t, "flux": [1.0] * 100}))
    for name in ("rec.json", "col.json"):
        with pytest.raises(StarskopeError, match="a JSON file.*to_csv"):
            read(tmp_path / name)


def test_reads_docstring_names_every_reader():
    import re

    from starskope.io.registry import READERS, read

    listed = set(re.findall(r"``([a-z0-9-]+)``", read.__doc__.split("flux_column")[0]))
    assert set(READERS) <= listed, sorted(set(READERS) - listed)
