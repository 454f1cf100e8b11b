"""Streaming input expansion: folders, globs, manifests, Kaggle rows as byte ranges."""

from __future__ import annotations

import gzip
import os
import types

import numpy as np
import pytest

from starskope.exceptions import StarskopeError, StarskopeWarning
from starskope.io.kaggle import write_kaggle
from starskope.scan import count_items, iter_items
from starskope.scan.inputs import input_kind
from starskope.scan.runner import _read_item, _tasks

from .conftest import make_flux


def _touch(path, text="time,flux\n1,2\n2,3\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_kaggle_rows_are_byte_ranges_that_read_back(kaggle_table):
    items = list(iter_items([kaggle_table]))
    assert len(items) == 40
    assert [it.row for it in items] == list(range(40))
    assert items[12].input_id == f"{kaggle_table}#row=12"
    assert all(it.line is None and it.length > 0 for it in items)  # no data shipped
    flux, labels = make_flux(40)
    for it in (items[0], items[12], items[39]):
        lc = _read_item(it)
        assert lc.meta.row == it.row
        assert lc.meta.label == int(labels[it.row] == 2)
        np.testing.assert_allclose(lc.flux, flux[it.row], atol=0.006)
    assert count_items([kaggle_table]) == 40


def test_compressed_kaggle_rows_carry_their_line(tmp_path):
    flux, labels = make_flux(5)
    p = write_kaggle(tmp_path / "t.csv.gz", flux, labels)
    items = list(iter_items([p]))
    assert len(items) == 5 and all(it.line is not None and it.offset is None for it in items)
    np.testing.assert_allclose(_read_item(items[3]).flux, flux[3], atol=0.006)
    assert count_items([p]) is None  # not cheap to count: no ETA, still works


@pytest.mark.parametrize("compress", [False, True])
def test_zero_one_kaggle_rows_keep_their_meaning(tmp_path, compress):
    """A table relabelled 0/1 whose hosts come first: every scan item reads with its own label."""
    flux, _ = make_flux(4)
    labels = [1, 0, 1, 0]
    header = "LABEL," + ",".join(f"FLUX.{i}" for i in range(1, flux.shape[1] + 1))
    rows = [f"{a}," + ",".join(f"{v:.2f}" for v in f) for a, f in zip(labels, flux, strict=True)]
    text = ("\n".join([header, *rows]) + "\n").encode()
    p = tmp_path / ("t01.csv.gz" if compress else "t01.csv")
    p.write_bytes(gzip.compress(text) if compress else text)
    with pytest.warns(Warning, match="0 and 1"):
        items = list(iter_items([p]))
    assert all(it.zero_one for it in items)
    assert [_read_item(it).meta.label for it in items] == labels


def test_bad_kaggle_header_becomes_one_error_item(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("LABEL,FLUX.1,FLUX.3\n2,1.0,2.0\n")
    items = list(iter_items([p]))
    assert [it.input_id for it in items] == [str(p)] and items[0].row is None
    with pytest.raises(StarskopeError, match="header must be LABEL,FLUX.1"):
        _read_item(items[0])


def test_folder_walk_glob_and_kinds(tmp_path, kaggle_table):
    a = _touch(tmp_path / "d" / "a.csv")
    b = _touch(tmp_path / "d" / "sub" / "b.fits.gz", "x")
    _touch(tmp_path / "d" / "README.md", "not a light curve")
    _touch(tmp_path / "d" / ".hidden.fits", "x")
    _touch(tmp_path / "d" / "cat.duckdb.wal", "x")
    # what info and search read in a folder, a scan reads too (these were left out silently;
    # the readers recognise them by their content, or the scan stores an error row)
    c = _touch(tmp_path / "d" / "ktwo211436265-c05_llc.fits.gzip", "x")
    e = _touch(tmp_path / "d" / "KELT_lc", "time flux\n1 2\n2 3\n")
    ids = sorted(it.input_id for it in iter_items([tmp_path / "d"]))
    assert ids == sorted([str(a), str(b), str(c), str(e)])
    got = sorted(it.input_id for it in iter_items([str(tmp_path / "d" / "**" / "*.fits.gz")]))
    assert got == [str(b)]
    assert input_kind(str(a)) == "lightcurve"
    assert input_kind(str(kaggle_table)) == "kaggle"
    assert count_items([tmp_path / "d"]) is None  # folders are not walked twice


def test_a_readme_txt_beside_the_light_curves_is_passed_over_by_its_name(tmp_path):
    """A README.txt or notes.txt in a scanned folder was stored as an error row, where search
    skipped it with a warning (a known limit of the thirty-fourth session): both walks now
    pass it over by its name, as README and README.md. A text file of another name that no
    reader recognises is still an error row, and a README.txt given by name is read."""
    a = _touch(tmp_path / "d" / "a.csv")
    readme = _touch(tmp_path / "d" / "README.txt", "These are my light curves.\nFrom MAST.\n")
    _touch(tmp_path / "d" / "sub" / "Notes.TXT", "notes\n")
    words = _touch(tmp_path / "d" / "words.csv", "this,is\nnot,a light curve\n")
    ids = sorted(it.input_id for it in iter_items([tmp_path / "d"]))
    assert ids == sorted([str(a), str(words)])
    assert [it.input_id for it in iter_items([readme])] == [str(readme)]
    from starskope.io.registry import walk_skips

    assert walk_skips("readme.txt.gz") and not walk_skips("notes.csv")
    assert not walk_skips("kplr_readme_lc.txt")


def test_manifest_paths_targets_labels(tmp_path):
    f1 = _touch(tmp_path / "lc" / "one.csv")
    f2 = _touch(tmp_path / "lc" / "two.csv")
    man = tmp_path / "manifest.csv"
    man.write_text("path,target,label\nlc/one.csv,Star One,1\nlc/two.csv,,0\n" + f"{f1},Again,\n")
    assert input_kind(str(man)) == "manifest"
    items = list(iter_items([man]))
    assert [it.path for it in items] == [str(f1), str(f2), str(f1)]
    assert [it.target for it in items] == ["Star One", None, "Again"]
    assert [it.label for it in items] == [1, 0, None]
    assert count_items([man]) == 3
    # a manifest met while walking a folder is not expanded a second time, and says so (it
    # vanished without a word)
    with pytest.warns(StarskopeWarning, match=r"manifest.csv: skipped: a manifest"):
        walked = sorted(it.path for it in iter_items([tmp_path]))
    assert walked == sorted([str(f1), str(f2)])


def test_manifest_label_words_include_the_models_own_class_names(tmp_path):
    """``not_planet`` (the class predict --json names) and ``no_planet`` were refused as no
    labels, where ``planet`` and ``non-host`` were taken (an audit of related formats)."""
    f = _touch(tmp_path / "a.csv")
    words = ["planet", "not_planet", "no_planet", "Non_Host", "planet_host", "false positive"]
    man = tmp_path / "m.csv"
    man.write_text("path,label\n" + "".join(f"{f},{w}\n" for w in words))
    assert [it.label for it in iter_items([man])] == [1, 0, 0, 0, 1, 0]


def test_manifest_missing_label_cells_are_the_readers_missing_words(tmp_path):
    """A label cell of astropy's masked output (``--``) or ``?`` is no label, as every reader
    reads those cells; the manifest had its own shorter list and refused them."""
    f = _touch(tmp_path / "a.csv")
    man = tmp_path / "m.csv"
    man.write_text(f"path,label\n{f},--\n{f},?\n{f},masked\n{f},1\n")
    assert [it.label for it in iter_items([man])] == [None, None, None, 1]


def test_manifest_chunks_stream(tmp_path, monkeypatch):
    man = tmp_path / "m.csv"
    with man.open("w") as fh:
        fh.write("file\n")
        for i in range(10):
            fh.write(f"x{i}.fits\n")
    from starskope.scan import inputs

    calls = []
    real = inputs._manifest_rows

    def spy(path, *, chunk_rows=4096):
        calls.append(chunk_rows)
        return real(path, chunk_rows=3)

    monkeypatch.setattr(inputs, "_manifest_rows", spy)
    it = iter_items([man])
    first = next(it)
    assert first.path == str(tmp_path / "x0.fits") and calls
    assert len(list(it)) == 9


def test_missing_input_is_a_clear_error(tmp_path):
    with pytest.raises(StarskopeError, match="no such file"):
        list(iter_items([tmp_path / "nope.fits"]))
    assert list(iter_items([str(tmp_path / "*.nothing")])) == []


def test_iteration_is_lazy(tmp_path):
    d = tmp_path / "many"
    for i in range(50):
        _touch(d / f"{i:03d}.csv")
    it = iter_items([d])
    assert isinstance(it, types.GeneratorType)
    assert next(it).path.startswith(str(d))


def test_tasks_group_table_rows_only(kaggle_table, tmp_path):
    f = _touch(tmp_path / "f.csv")
    items = [*iter_items([f]), *iter_items([kaggle_table])][:11]
    tasks = list(_tasks(iter(items), 4))
    assert [len(t) for t in tasks] == [1, 4, 4, 2]
    assert tasks[0][0].path == str(f)


def test_gzip_manifest_is_read(tmp_path):
    f = _touch(tmp_path / "a.csv")
    man = tmp_path / "m.csv.gz"
    with gzip.open(man, "wt") as fh:
        fh.write(f"path\n{f}\n")
    assert [it.path for it in iter_items([man])] == [str(f)]
    assert os.path.exists(f)


def test_manifest_labels_in_the_kaggle_convention_are_read_with_a_warning(tmp_path):
    from starskope.exceptions import StarskopeWarning

    man = tmp_path / "m.csv"
    man.write_text("file,label\na.fits,2\nb.fits,1\nc.fits,\n")
    with pytest.warns(StarskopeWarning, match="read 2 as a planet host and 1 as none"):
        assert [it.label for it in iter_items([man])] == [1, 0, None]
    man.write_text("file,is_planet_host\na.fits,planet\nb.fits,eclipsing_binary\nc.fits,yes\n")
    assert [it.label for it in iter_items([man])] == [1, 0, 1]


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        ("a.fits,1\nb.fits,maybe\n", "label 'maybe' on line 3 is not a planet-host label"),
        ("a.fits,2\nb.fits,0\n", "mixes the Kaggle tables' 2 \\(host\\) with 0"),
    ],
)
def test_manifest_labels_that_are_no_labels_are_refused_before_any_row(tmp_path, rows, match):
    man = tmp_path / "m.csv"
    man.write_text("file,label\n" + rows)
    with pytest.raises(StarskopeError, match=match):
        next(iter_items([man]))


def test_the_manifest_label_column_checked_is_the_one_read(tmp_path):
    man = tmp_path / "m.csv"
    man.write_text("path,is_planet_host,label\na.fits,1,2\nb.fits,0,maybe\n")
    with pytest.raises(StarskopeError, match="label 'maybe' on line 3"):
        list(iter_items([man]))


def test_a_symlinked_folder_is_walked_once(tmp_path):
    """A link to a parent folder looped the walk: 3 files were given 123 times."""
    d = tmp_path / "loop"
    d.mkdir()
    for i in range(3):
        (d / f"s{i}.csv").write_text("time,flux\n0,1\n1,1\n")
    (d / "self").symlink_to(d, target_is_directory=True)
    (tmp_path / "alias").symlink_to(d, target_is_directory=True)
    got = [it.path for it in iter_items([str(d)])]
    assert sorted(os.path.basename(p) for p in got) == ["s0.csv", "s1.csv", "s2.csv"]


def test_a_hash_in_a_folder_name_is_not_a_table_row(tmp_path):
    from starskope.report.build import lightcurve_for
    from starskope.result import StarResult

    d = tmp_path / "hash#dir"
    d.mkdir()
    t = np.arange(200) * 0.02
    p = d / "a.csv"
    p.write_text("time,flux\n" + "\n".join(f"{x:.3f},{1 + 1e-3 * np.sin(x):.6f}" for x in t))
    lc = lightcurve_for(StarResult(path=str(p)), str(p))
    assert lc is not None and len(lc) == 200
    flux, labels = make_flux(3, seed=2)
    table = write_kaggle(d / "t.csv", flux, labels)
    row = lightcurve_for(StarResult(path=f"{table}#row=2", row=2), f"{table}#row=2")
    assert row is not None and row.meta.row == 2


def test_a_table_listed_in_a_manifest_gives_its_rows(tmp_path):
    """It was one input, read as one light curve and stored as an error."""
    flux, labels = make_flux(4, seed=3)
    table = write_kaggle(tmp_path / "t.csv", flux, labels)
    one = _touch(tmp_path / "one.csv")
    man = tmp_path / "manifest.csv"
    man.write_text(f"path\n{one}\nt.csv\n")
    items = list(iter_items([man]))
    assert [it.input_id for it in items] == [str(one)] + [f"{table}#row={i}" for i in range(4)]
    assert [it.row for it in items[1:]] == [0, 1, 2, 3]  # labels are read with each row
    assert count_items([man]) == 5  # the progress total counts the table's rows, not one line
    (tmp_path / "lcs").mkdir()
    man.write_text(f"path\n{one}\nlcs\n")
    assert count_items([man]) is None  # a folder is walked once, by the scan: no total
    (tmp_path / "sector.14").mkdir()
    man.write_text(f"path\n{one}\nsector.14\n")
    assert count_items([man]) is None  # a dot in a folder's name does not make it a file
    # the tables a manifest lists count against the byte budget, as tables given directly do
    man.write_text("path\nt.csv\nt.csv\nt.csv\n")
    size = os.path.getsize(table)
    assert count_items([man]) == 12
    assert count_items([man], max_bytes=int(1.5 * size)) is None


def test_folder_walk_leaves_out_backups_partial_downloads_and_readmes(tmp_path):
    """Backups (a.csv~, .bak), partial downloads (.part), checksums, scripts, Dask's lock
    files and a README are not stars (the review of the wider walk)."""
    a = _touch(tmp_path / "d" / "a.csv")
    for name in ("a.csv~", "b.csv.bak", "x.fits.part", "a.csv.md5", "get.sh", "README",
                 "w.dirlock", "cat.duckdb", "cat.duckdb.wal"):  # fmt: skip
        _touch(tmp_path / "d" / name, "x")
    assert [it.input_id for it in iter_items([tmp_path / "d"])] == [str(a)]
