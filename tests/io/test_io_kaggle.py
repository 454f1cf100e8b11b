"""Kaggle table reader/writer, on tables generated in the exact Kaggle layout."""

from __future__ import annotations

import gzip
import pickle

import numpy as np
import pytest

from starskope.exceptions import RowError, StarskopeError
from starskope.io.kaggle import (
    KAGGLE_N_FLUX,
    count_kaggle_rows,
    identify_kaggle,
    iter_kaggle,
    iter_kaggle_rows,
    kaggle_arrays,
    kaggle_cache_path,
    read_kaggle_row,
    write_kaggle,
)


@pytest.fixture
def table(tmp_path, rng):
    flux = np.round(rng.normal(0.0, 80.0, size=(7, KAGGLE_N_FLUX)), 2)
    labels = np.array([2, 1, 1, 2, 1, 1, 1])
    path = write_kaggle(tmp_path / "exoTrain.csv", flux, labels)
    return path, flux, labels


def test_writer_exact_layout(table):
    path, flux, labels = table
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    assert header[0] == "LABEL" and header[1] == "FLUX.1" and header[-1] == "FLUX.3197"
    assert len(header) == 3198
    assert len(lines) == 1 + len(labels)
    first = lines[1].split(",")
    assert first[0] == "2"
    assert first[1] == f"{flux[0, 0]:.2f}"
    assert all(len(v.split(".")[1]) == 2 for v in first[1:50])


def test_roundtrip_stream(table, tmp_path):
    path, flux, labels = table
    lcs = list(iter_kaggle(path, chunk_rows=3, cache_dir=tmp_path / "cache"))
    assert len(lcs) == len(labels)
    for i, lc in enumerate(lcs):
        np.testing.assert_allclose(lc.flux, flux[i], atol=0.006)
        assert lc.meta.label == (1 if labels[i] == 2 else 0)
        assert lc.meta.row == i and lc.meta.target == f"row {i}"
        assert lc.meta.mission == "K2" and lc.time_format == "relative"
        assert lc.cadence * 1440 == pytest.approx(29.4244, rel=1e-9)
        assert lc.t[0] == 0.0 and len(lc) == KAGGLE_N_FLUX


def test_cache_written_and_reused(table, tmp_path):
    path, flux, _labels = table
    cache = tmp_path / "cache"
    first = [lc.flux for lc in iter_kaggle(path, cache_dir=cache)]
    cdir = kaggle_cache_path(path, cache_dir=cache)
    assert (cdir / "flux.npy").exists() and (cdir / "label.npy").exists()
    arr = np.load(cdir / "flux.npy")
    assert arr.shape == flux.shape
    second = [lc.flux for lc in iter_kaggle(path, cache_dir=cache)]
    np.testing.assert_array_equal(np.stack(first), np.stack(second))
    # row access through the memory-mapped cache
    lc = read_kaggle_row(path, 6, cache_dir=cache)
    np.testing.assert_array_equal(lc.flux, first[6])
    a = kaggle_arrays(path, cache_dir=cache)
    assert a.flux.shape == flux.shape and a.label.tolist() == [1, 0, 0, 1, 0, 0, 0]


def test_cache_invalidated_when_file_changes(table, tmp_path):
    path, flux, labels = table
    cache = tmp_path / "cache"
    list(iter_kaggle(path, cache_dir=cache))
    old = kaggle_cache_path(path, cache_dir=cache)
    write_kaggle(path, flux[:3] + 1000.0, labels[:3])
    lcs = list(iter_kaggle(path, cache_dir=cache))
    assert len(lcs) == 3 and lcs[0].flux[0] == pytest.approx(flux[0, 0] + 1000.0, abs=0.006)
    assert not old.exists() or old == kaggle_cache_path(path, cache_dir=cache)


def test_no_cache_after_partial_pass(table, tmp_path):
    path, _flux, _labels = table
    cache = tmp_path / "cache"
    it = iter_kaggle(path, cache_dir=cache)
    next(it)
    it.close()
    assert not (kaggle_cache_path(path, cache_dir=cache) / "flux.npy").exists()
    assert not list(kaggle_cache_path(path, cache_dir=cache).glob("*.tmp"))


def test_gzip_and_headerless(tmp_path, rng):
    flux = np.round(rng.normal(0, 5, (2, KAGGLE_N_FLUX)), 2)
    gz = write_kaggle(tmp_path / "t.csv.gz", flux, [1, 2])
    with gzip.open(gz, "rt") as fh:
        assert fh.readline().startswith("LABEL,FLUX.1,")
    assert [lc.meta.label for lc in iter_kaggle(gz, cache=False)] == [0, 1]
    bare = write_kaggle(tmp_path / "bare.csv", flux, [2, 1], header=False)
    assert bare.read_text().startswith("2,")
    lcs = list(iter_kaggle(bare, cache=False))
    assert len(lcs) == 2 and lcs[0].meta.label == 1
    np.testing.assert_allclose(lcs[1].flux, flux[1], atol=0.006)


def test_other_length_only_when_header_says_so(tmp_path, rng):
    p = write_kaggle(tmp_path / "short.csv", rng.normal(size=(3, 100)), [1, 1, 2])
    lcs = list(iter_kaggle(p, cache=False))
    assert [len(lc) for lc in lcs] == [100, 100, 100]
    # header-less with the wrong length is not a Kaggle table
    body = "\n".join("1," + ",".join(["1.00"] * 100) for _ in range(2)) + "\n"
    (tmp_path / "bad.csv").write_text(body)
    with pytest.raises(StarskopeError, match="not a Kaggle table"):
        list(iter_kaggle(tmp_path / "bad.csv", cache=False))


def test_identify(table, tmp_path):
    path, _f, _l = table
    assert identify_kaggle(path, path.read_bytes()[:65536])
    assert not identify_kaggle(path, b"time,flux\n1,2\n")
    assert not identify_kaggle(path, b"SIMPLE  =                    T")


def _bad_table(tmp_path, mutate):
    flux = np.ones((4, KAGGLE_N_FLUX))
    p = write_kaggle(tmp_path / "t.csv", flux, [1, 2, 1, 1])
    lines = p.read_text().splitlines()
    lines[2] = mutate(lines[2])  # data row 1
    p.write_text("\n".join(lines) + "\n")
    return p


@pytest.mark.parametrize(
    ("mutate", "match", "label"),
    [
        (lambda s: s.rsplit(",", 5)[0], r"row 1\]: expected 3198 values .* got 3193", 1),
        (lambda s: s + ",1.00", r"row 1\]: expected 3198 values .* got 3199", 1),
        (lambda s: "3" + s[1:], r"row 1\]: LABEL must be 1 .* got '3'", None),
        (lambda s: "x" + s[1:], r"row 1\]: LABEL must be 1", None),
        (lambda s: s.replace("1.00", "abc", 1), r"row 1\]: FLUX.1 is not a number", 1),
        (lambda s: s[0] + ",nan" * KAGGLE_N_FLUX, r"row 1\]: all flux values are NaN", 1),
        # the LABEL cell lost: the first value is a flux, not a label
        (lambda s: s.split(",", 1)[1], r"row 1\]: expected 3198 values .* got 3197", None),
    ],
    ids=["short-row", "long-row", "label-3", "label-text", "junk-value", "all-nan", "no-label"],
)
def test_bad_row_is_reported_and_others_still_read(tmp_path, mutate, match, label):
    p = _bad_table(tmp_path, mutate)
    items = list(iter_kaggle_rows(p, cache_dir=tmp_path / "c"))
    assert [r for r, _ in items] == [0, 1, 2, 3]
    err = items[1][1]
    assert isinstance(err, StarskopeError)
    assert str(p) in str(err)
    import re

    assert re.search(match, str(err)), str(err)
    assert all(not isinstance(x, StarskopeError) for r, x in items if r != 1)
    # the row and, where it could be read, its label travel with the error (a failed host
    # still counts in a tally), also across processes
    assert isinstance(err, RowError) and err.row == 1 and err.label == label
    again = pickle.loads(pickle.dumps(err))
    assert (str(again), again.row, again.label) == (str(err), 1, label)
    # a bad row means no cache
    assert not (kaggle_cache_path(p, cache_dir=tmp_path / "c") / "flux.npy").exists()
    with pytest.raises(StarskopeError, match=match):
        list(iter_kaggle(p, cache=False))
    with pytest.raises(StarskopeError, match=match):
        read_kaggle_row(p, 1, cache=False)
    assert read_kaggle_row(p, 2, cache=False).meta.row == 2


def test_label_words_of_a_manifest_are_labels(tmp_path):
    """``planet`` / ``no_planet`` in LABEL made every row an error, searched by nobody (an
    audit of related formats): read as a manifest reads them, said once; any other word is
    still its row's error."""
    from starskope.exceptions import StarskopeWarning
    from starskope.io import iter_read

    p = write_kaggle(tmp_path / "t.csv", np.ones((3, KAGGLE_N_FLUX)), [2, 1, 1])
    lines = p.read_text().splitlines()
    for i, word in ((1, "planet"), (2, "No_Planet"), (3, "maybe")):
        lines[i] = word + lines[i][1:]
    p.write_text("\n".join(lines) + "\n")
    with pytest.warns(StarskopeWarning, match=r"LABEL holds words \('planet' the first\)") as w:
        got = [x for _, x in iter_read([p])]
    assert [lc.meta.label for lc in got[:2]] == [1, 0] and len(w) == 1
    assert isinstance(got[2], RowError) and "got 'maybe'" in str(got[2])


def test_missing_value_words_in_a_row_are_nan(tmp_path):
    """NA, null and N/A cells (R's and pandas' spellings) failed the whole row as "not a
    number", where empty cells and nan were read as missing (an audit of related formats)."""
    flux = 1.0 + 0.001 * np.arange(2 * KAGGLE_N_FLUX).reshape(2, KAGGLE_N_FLUX)
    p = write_kaggle(tmp_path / "t.csv", flux, [1, 2])
    lines = p.read_text().splitlines()
    cells = lines[1].split(",")
    cells[3], cells[10], cells[20], cells[30] = "NA", "null", "N/A", "--"
    lines[1] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")
    lc = read_kaggle_row(p, 0, cache=False)
    assert (
        np.isnan(lc.flux[[2, 9, 19, 29]]).all() and np.isfinite(lc.flux).sum() == KAGGLE_N_FLUX - 4
    )


def test_rows_longer_than_a_k2_campaign_at_the_layouts_cadence_are_warned_of(tmp_path):
    """A TESS two-minute table in the layout (19440 samples a row) was read at K2's cadence
    without a word: 397 days, 2-h transits stretched to 29 h, no planet found and two false
    ones (an audit of related formats). Said once per table; not with --cadence-minutes, nor
    for the layout's own 3197 samples."""
    import warnings

    from starskope.exceptions import StarskopeWarning
    from starskope.io import iter_read, read

    long = write_kaggle(tmp_path / "tess2min.csv", np.ones((3, 5000)), [1, 2, 1])
    with pytest.warns(StarskopeWarning, match="5000 samples .* span 102 days") as said:
        assert len(list(iter_read([long]))) == 3
    assert sum("longer than any K2 campaign" in str(w.message) for w in said) == 1
    ok = write_kaggle(tmp_path / "k2.csv", np.ones((2, KAGGLE_N_FLUX)), [1, 2])
    again = write_kaggle(tmp_path / "again.csv", np.ones((2, 5000)), [1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error", StarskopeWarning)
        read(ok, row=1)
        read(again, row=1, cadence_minutes=2.0)
        list(iter_read([again], cadence_minutes=2.0))


def test_a_named_first_column_names_the_stars(tmp_path):
    """``KEPID,LABEL,FLUX.1,...``: the ids were dropped as a row index (said in a warning since
    an audit of related formats); they now name the stars, in the CSV reader (its cache and a
    gzip file too), in Parquet (a column, or pandas' named index) and in a scan. pandas'
    unnamed index still names nothing, and says nothing."""
    import gzip
    import shutil
    import warnings

    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from starskope.exceptions import StarskopeWarning
    from starskope.io import iter_read, read
    from starskope.scan import iter_items
    from starskope.scan.runner import _read_item

    flux = pd.DataFrame(
        1.0 + 0.01 * np.arange(150).reshape(3, 50), columns=[f"FLUX.{i}" for i in range(1, 51)]
    )
    ids = pd.DataFrame({"KEPID": [757076, None, 757099], "LABEL": [2, 1, 1]})
    named = pd.concat([ids, flux], axis=1)
    named.to_csv(tmp_path / "ids.csv", index=False)
    with (tmp_path / "ids.csv").open("rb") as src, gzip.open(tmp_path / "ids.csv.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    named.to_parquet(tmp_path / "ids.parquet", index=False)
    named.set_index("KEPID").to_parquet(tmp_path / "indexed.parquet")
    want = ["KIC 757076", "row 1", "KIC 757099"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", StarskopeWarning)
        for name in ("ids.csv", "ids.csv.gz", "ids.parquet", "indexed.parquet"):
            path = tmp_path / name
            for _ in range(2):  # the second pass reads the CSV's cache
                got = [lc for _, lc in iter_read([path])]
                assert [lc.meta.target for lc in got] == want, name
                assert [lc.meta.label for lc in got] == [1, 0, 0], name
                np.testing.assert_array_equal(got[2].flux, flux.iloc[2].to_numpy())
            assert read(path, row=2).meta.target == "KIC 757099", name
            scanned = [_read_item(item) for item in iter_items([path])]
            assert [lc.meta.target for lc in scanned] == want, name
        iter_kaggle_names = [lc.meta.target for lc in iter_kaggle(tmp_path / "ids.csv")]
        assert iter_kaggle_names == want
        # other names: a TIC column, words as written, a column of plain numbers
        other = pd.concat([pd.DataFrame({"star": ["WASP-18", "tic 25155310", "7"]}), flux], axis=1)
        other.to_csv(tmp_path / "other.csv", index=False)
        got = [lc.meta.target for _, lc in iter_read([tmp_path / "other.csv"])]
        assert got == ["WASP-18", "TIC 25155310", "star 7"]
        named.drop(columns="KEPID").to_csv(tmp_path / "plain.csv")  # pandas' own index
        got = [lc.meta.target for lc in iter_kaggle(tmp_path / "plain.csv", cache=False)]
        assert got == ["row 0", "row 1", "row 2"]


def test_a_cache_without_the_names_is_made_again(tmp_path, monkeypatch):
    """A table's cache written before names were kept (no names.npy) is not used for a table
    whose first column names the stars: it is made again."""
    pd = pytest.importorskip("pandas")
    flux = pd.DataFrame(np.ones((2, 30)), columns=[f"FLUX.{i}" for i in range(1, 31)])
    table = pd.concat([pd.DataFrame({"tic_id": [1, 2], "LABEL": [2, 1]}), flux], axis=1)
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    monkeypatch.setenv("STARSKOPE_CACHE_DIR", str(tmp_path / "cache"))
    assert [lc.meta.target for lc in iter_kaggle(path)] == ["TIC 1", "TIC 2"]
    names = kaggle_cache_path(path) / "names.npy"
    assert names.exists()
    names.unlink()
    assert [lc.meta.target for lc in iter_kaggle(path)] == ["TIC 1", "TIC 2"]
    assert names.exists()


def test_row_out_of_range(table):
    path, _f, labels = table
    assert count_kaggle_rows(path) == len(labels)
    with pytest.raises(StarskopeError, match="row 99 does not exist: the table has 7 rows"):
        read_kaggle_row(path, 99, cache=False)
    with pytest.raises(StarskopeError, match="row must be"):
        read_kaggle_row(path, -1)


def test_writer_rejects_bad_input(tmp_path):
    with pytest.raises(StarskopeError, match="labels must be 1"):
        write_kaggle(tmp_path / "x.csv", np.ones((2, 5)), [0, 1])
    with pytest.raises(StarskopeError, match="2-D"):
        write_kaggle(tmp_path / "x.csv", np.ones(5), [1])
    with pytest.raises(StarskopeError, match="one value per star"):
        write_kaggle(tmp_path / "x.csv", np.ones((2, 5)), [1])


def test_bad_header_and_empty(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("LABEL,FLUX.2,FLUX.1\n1,1,1\n")
    with pytest.raises(StarskopeError, match="header must be LABEL,FLUX.1.*column 2 is 'FLUX.2'"):
        list(iter_kaggle(p, cache=False))
    p.write_text("LABEL,FLUX.1,FLUX.2,ID\n1,1,1,7\n")  # an extra column after the fluxes
    with pytest.raises(StarskopeError, match="column 4 is 'ID'.*drop the extra column"):
        list(iter_kaggle(p, cache=False))
    e = tmp_path / "e.csv"
    e.write_text("")
    with pytest.raises(StarskopeError, match="empty"):
        list(iter_kaggle(e, cache=False))


def test_cache_of_deleted_table_is_pruned(tmp_path, rng):
    cache = tmp_path / "cache"
    a = write_kaggle(tmp_path / "a.csv", rng.normal(size=(2, 3197)), [1, 2])
    b = write_kaggle(tmp_path / "b.csv", rng.normal(size=(2, 3197)), [1, 2])
    list(iter_kaggle(a, cache_dir=cache))
    ca = kaggle_cache_path(a, cache_dir=cache)
    assert (ca / "source.txt").read_text() == str(a.resolve())
    a.unlink()
    list(iter_kaggle(b, cache_dir=cache))
    assert not ca.exists() and kaggle_cache_path(b, cache_dir=cache).exists()


@pytest.mark.parametrize("first", ["", "Unnamed: 0", None])
def test_table_saved_with_its_row_index(table, tmp_path, first):
    """pandas' default ``to_csv`` adds a leading row-index column (header ",LABEL,FLUX.1,...",
    or none with ``header=False``): the rows read as the plain table's, from the reader and
    from a scan's byte ranges."""
    import pandas as pd

    from starskope.scan import iter_items
    from starskope.scan.runner import _read_item

    path, flux, labels = table
    df = pd.read_csv(path)
    saved = tmp_path / "resaved.csv"
    df.to_csv(saved, header=first is not None)  # index=True: the pandas default
    if first:
        text = saved.read_text().split("\n", 1)
        saved.write_text(f"{first}{text[0]}\n{text[1]}")
    head = saved.read_bytes()[:65536]  # what the registry peeks at
    assert identify_kaggle(saved, head)
    lcs = list(iter_kaggle(saved, cache=False))
    assert [lc.meta.row for lc in lcs] == list(range(len(labels)))
    assert [lc.meta.label for lc in lcs] == [int(v == 2) for v in labels]
    np.testing.assert_allclose(lcs[3].flux, flux[3])
    assert count_kaggle_rows(saved) == len(labels)
    np.testing.assert_allclose(read_kaggle_row(saved, 5, cache=False).flux, flux[5])
    items = list(iter_items([saved]))
    assert len(items) == len(labels)
    np.testing.assert_allclose(_read_item(items[6]).flux, flux[6])


@pytest.mark.parametrize("variant", ["slice-headerless", "index-named-id", "blind-with-index"])
def test_pandas_saves_of_other_shapes_still_read_row_by_row(table, tmp_path, variant):
    """A slice saved without a header (its index starts at 3), an index named "id", and a blind
    table (no LABEL) saved with its index: one star per row, never one light curve of them."""
    import pandas as pd

    from starskope.io import iter_read

    path, flux, labels = table
    df = pd.read_csv(path)
    saved = tmp_path / f"{variant}.csv"
    if variant == "slice-headerless":
        df.iloc[3:].to_csv(saved, header=False)
        want_flux, want_labels = flux[3:], [int(v == 2) for v in labels[3:]]
    elif variant == "index-named-id":
        df.rename_axis("id").to_csv(saved)
        want_flux, want_labels = flux, [int(v == 2) for v in labels]
    else:
        df.drop(columns="LABEL").iloc[2:].to_csv(saved)
        want_flux, want_labels = flux[2:], [None] * (len(labels) - 2)
    assert identify_kaggle(saved, saved.read_bytes()[:65536])
    lcs = [lc for _, lc in iter_read(saved)]
    assert [lc.meta.label for lc in lcs] == want_labels
    np.testing.assert_allclose(lcs[1].flux, want_flux[1])


def test_kaggle_shapes_that_cannot_be_read_say_so(table, tmp_path):
    import pandas as pd

    from starskope.io import read

    path, flux, labels = table
    df = pd.read_csv(path)
    twice = tmp_path / "twice.csv"
    df.to_csv(tmp_path / "once.csv")
    pd.read_csv(tmp_path / "once.csv").to_csv(twice)
    with pytest.raises(StarskopeError, match="two row-index columns"):
        read(twice, row=0)
    wide = tmp_path / "wide.csv"  # headerless rows of 3000 values: not one light curve
    wide.write_text("\n".join(",".join(f"{v:.2f}" for v in row[:3000]) for row in flux) + "\n")
    with pytest.raises(StarskopeError, match="3000 numbers per row and no header"):
        read(wide)


def test_flux_only_table_has_no_labels(table, tmp_path):
    """A blind table (``FLUX.1,...,FLUX.n``, no LABEL column) reads row by row with label None,
    from the reader and from a scan, and is not cached (the cache stores labels)."""
    from starskope.scan import iter_items
    from starskope.scan.runner import _read_item

    path, flux, labels = table
    lines = path.read_text().splitlines()
    blind = tmp_path / "blind.csv"
    blind.write_text("\n".join(line.split(",", 1)[1] for line in lines) + "\n")
    assert identify_kaggle(blind, blind.read_bytes()[:4096])
    lcs = list(iter_kaggle(blind, cache_dir=tmp_path / "cache"))
    assert [lc.meta.label for lc in lcs] == [None] * len(labels)
    np.testing.assert_allclose(lcs[2].flux, flux[2])
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("label.npy"))
    assert kaggle_arrays(blind, cache=False).label.tolist() == [-1] * len(labels)
    items = list(iter_items([blind]))
    lc = _read_item(items[4])
    assert lc.meta.label is None and lc.meta.row == 4
    np.testing.assert_allclose(lc.flux, flux[4])
    short = tmp_path / "short.csv"
    short.write_text(lines[0].split(",", 1)[1] + "\n1.0,2.0\n")
    ((_, err),) = list(iter_kaggle_rows(short, cache=False))
    assert "expected 3197 FLUX values, got 2" in str(err)


@pytest.mark.parametrize("hosts_first", [True, False])
def test_table_labelled_zero_one(tmp_path, rng, hosts_first):
    """A table relabelled 0/1 (1 = host) reads with a warning, every row with its meaning, even
    when its hosts come first (as in the real tables) and so precede the first 0."""
    from starskope.exceptions import StarskopeWarning

    flux = np.round(rng.normal(0.0, 80.0, size=(5, KAGGLE_N_FLUX)), 2)
    labels = np.array([1, 1, 0, 0, 0]) if hosts_first else np.array([0, 1, 0, 1, 0])
    p = tmp_path / "relabelled.csv"
    header = "LABEL," + ",".join(f"FLUX.{i}" for i in range(1, KAGGLE_N_FLUX + 1))
    rows = [
        f"{lab}," + ",".join(f"{v:.2f}" for v in f) for lab, f in zip(labels, flux, strict=True)
    ]
    p.write_text("\n".join([header, *rows]) + "\n")
    with pytest.warns(StarskopeWarning, match="0 and 1.*read 1 as a planet host"):
        items = list(iter_kaggle_rows(p, cache_dir=tmp_path / "c"))
    assert [lc.meta.label for _, lc in items] == labels.tolist()
    assert [lc.meta.extra["LABEL"] for _, lc in items] == (labels + 1).tolist()
    with pytest.warns(StarskopeWarning):
        assert read_kaggle_row(p, 1, cache=False).meta.label == labels[1]
    # the cache written by the first pass keeps the meaning, and says so as the text does
    with pytest.warns(StarskopeWarning, match="0 and 1.*read 1 as a planet host"):
        cached = [lc.meta.label for lc in iter_kaggle(p, cache_dir=tmp_path / "c")]
    assert cached == labels.tolist()
    with pytest.warns(StarskopeWarning, match="0 and 1"):
        assert read_kaggle_row(p, 3, cache_dir=tmp_path / "c").meta.label == labels[3]
    # building the cache and loading it in one call says it once
    import warnings

    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        arrays = kaggle_arrays(p, cache_dir=tmp_path / "c2")
    assert arrays.label.tolist() == labels.tolist()
    assert sum("0 and 1" in str(w.message) for w in said) == 1


def test_a_stray_zero_in_a_layout_table_is_an_error_on_its_row(tmp_path, rng):
    """A 2 decides for the 1/2 layout: a stray 0 does not turn the non-hosts into hosts."""
    flux = np.round(rng.normal(0.0, 80.0, size=(4, KAGGLE_N_FLUX)), 2)
    p = tmp_path / "mixed.csv"
    rows = [
        f"{lab}," + ",".join(f"{v:.2f}" for v in f)
        for lab, f in zip([1, 0, 2, 1], flux, strict=True)
    ]
    p.write_text("\n".join(["LABEL," + ",".join(f"FLUX.{i}" for i in range(1, 3198)), *rows]))
    items = list(iter_kaggle_rows(p, cache=False))
    assert isinstance(items[1][1], StarskopeError)
    assert "also holds LABEL 2" in str(items[1][1])
    assert [items[i][1].meta.label for i in (0, 2, 3)] == [0, 1, 0]


def test_truncated_gzip_table_reads_its_first_rows(tmp_path, rng):
    flux = np.round(rng.normal(0.0, 80.0, size=(40, KAGGLE_N_FLUX)), 2)
    p = write_kaggle(tmp_path / "t.csv.gz", flux, [1] * 40)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    assert read_kaggle_row(p, 0, cache=False).meta.label == 0
    rows = []
    with pytest.raises(StarskopeError, match="cannot read"):
        for row, _lc in iter_kaggle_rows(p, cache=False, chunk_rows=1):
            rows.append(row)
    assert rows[:3] == [0, 1, 2]


def test_headerless_zero_one_table(tmp_path, rng):
    flux = np.round(rng.normal(0.0, 80.0, size=(3, KAGGLE_N_FLUX)), 2)
    p = tmp_path / "noheader.csv"
    p.write_text("".join("0," + ",".join(f"{v:.2f}" for v in f) + "\n" for f in flux))
    assert identify_kaggle(str(p), p.read_bytes()[:65536])
    # (only 0s: said as such, not "0 and 1", an audit of related formats)
    with pytest.warns(Warning, match="LABEL holds 0 and no 2: read as labelled 0/1"):
        assert [lc.meta.label for lc in iter_kaggle(p, cache=False)] == [0, 0, 0]
    for _ in range(2):  # from the text, then from its cache
        with pytest.warns(Warning, match="LABEL holds 0 and no 2: read as labelled 0/1"):
            got = [lc.meta.label for lc in iter_kaggle(p, cache_dir=tmp_path / "c")]
        assert got == [0, 0, 0]


def test_layout_labels_are_not_read_as_zero_one(table, tmp_path):
    """The layout's own 1/2 table (hosts first, as exoTrain) gives no warning, from its text or
    from its cache."""
    import warnings

    path, _flux, labels = table
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = [lc.meta.label for lc in iter_kaggle(path, cache=False)]
        for _ in range(2):  # the second pass reads the cache the first one wrote
            cached = [lc.meta.label for lc in iter_kaggle(path, cache_dir=tmp_path / "c")]
            assert cached == got
    assert got == [1 if x == 2 else 0 for x in labels]


def test_a_light_curve_of_two_apertures_is_not_a_kaggle_table(tmp_path):
    """``time,flux_1,flux_2`` (two apertures) looks like FLUX names after an index: only a
    table of many FLUX columns is one star per row."""
    from starskope.io import read

    t = 1500 + np.arange(300) * 0.02
    p = tmp_path / "apertures.csv"
    p.write_text(
        "time,flux_1,flux_2\n" + "\n".join(f"{a:.5f},{1 + 1e-3 * np.sin(a):.6f},1.0" for a in t)
    )
    assert not identify_kaggle(p, p.read_bytes()[:65536])
    lc = read(p)
    assert lc.meta.product != "kaggle" and len(lc) == 300
    q = tmp_path / "labelled.csv"  # a named first column, then LABEL and one FLUX_1
    q.write_text(
        "time,label,flux_1\n" + "\n".join(f"{a:.5f},0,1.0{i % 7}" for i, a in enumerate(t))
    )
    assert not identify_kaggle(q, q.read_bytes()[:65536])


def test_the_cache_follows_starskope_cache_too(tmp_path, monkeypatch):
    """Every cache (Kaggle tables, views, MAST) lives under STARSKOPE_CACHE, or its alias
    STARSKOPE_CACHE_DIR; STARSKOPE_CACHE when both are set."""
    from starskope.models.views import cache_dir

    monkeypatch.delenv("STARSKOPE_CACHE", raising=False)
    monkeypatch.setenv("STARSKOPE_CACHE_DIR", str(tmp_path / "own"))
    table = write_kaggle(tmp_path / "t.csv", np.ones((1, 10)), [1])
    assert str(kaggle_cache_path(table)).startswith(str(tmp_path / "own"))
    assert cache_dir() == tmp_path / "own" / "views"
    monkeypatch.setenv("STARSKOPE_CACHE", str(tmp_path / "shared"))
    assert str(kaggle_cache_path(table)).startswith(str(tmp_path / "shared"))
    assert cache_dir() == tmp_path / "shared" / "views"


@pytest.mark.parametrize("kind", ["parquet", "parquet-index", "parquet-groups", "feather"])
def test_kaggle_layout_saved_as_parquet_or_feather(table, tmp_path, kind, monkeypatch):
    """``pd.read_csv(exoTrain).to_parquet()`` (or ``to_feather``) reads as the CSV does: one
    star per row, same flux, labels, rows and K2 cadence, from the reader (in batches of two
    rows here), a row and a scan."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    monkeypatch.setattr("starskope.io.kaggle_arrow.KAGGLE_BATCH", 2)
    from starskope.io import iter_read, read
    from starskope.scan import iter_items
    from starskope.scan.runner import _read_item

    path, flux, labels = table
    df = pd.read_csv(path)
    out = tmp_path / ("k.feather" if kind == "feather" else "k.parquet")
    if kind == "feather":
        df.to_feather(out)
    elif kind == "parquet-index":  # pandas stores the index as a last column
        df.index = [f"star{i}" for i in range(len(df))]
        df.to_parquet(out)
    else:
        df.to_parquet(out, row_group_size=3 if kind == "parquet-groups" else None)
    got = list(iter_read([out]))
    assert [ident for ident, _ in got] == [f"{out}#row={i}" for i in range(len(labels))]
    for i, (_, lc) in enumerate(got):
        np.testing.assert_array_equal(lc.flux, flux[i])
        assert lc.meta.label == int(labels[i] == 2) and lc.meta.row == i
        assert lc.meta.product == "kaggle" and lc.meta.mission == "K2"
        assert lc.cadence * 1440 == pytest.approx(29.4244, rel=1e-9)
    np.testing.assert_array_equal(read(out, row=4).flux, flux[4])
    with pytest.raises(StarskopeError, match="several stars"):
        read(out)
    for row in (len(labels), -1):
        with pytest.raises(StarskopeError, match="does not exist"):
            read(out, row=row)
    items = list(iter_items([out]))  # the rows travel as text, parsed as the CSV's
    assert [it.row for it in items] == list(range(len(labels)))
    for i in (0, 5):
        lc = _read_item(items[i])
        np.testing.assert_array_equal(lc.flux, flux[i])
        assert lc.meta.label == int(labels[i] == 2) and lc.meta.row == i


def test_kaggle_layout_parquet_labels_and_bad_rows(table, tmp_path, monkeypatch):
    """The CSV reader's label rules and row errors: 0/1 labels with its warning, a LABEL
    outside the scheme and an all-NaN row fail alone, naming their row; no LABEL column reads
    unlabelled."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from starskope.exceptions import StarskopeWarning
    from starskope.io import iter_read

    path, flux, labels = table
    df = pd.read_csv(path)
    zero_one = df.assign(LABEL=(df.LABEL == 2).astype(int))
    zero_one.to_parquet(tmp_path / "01.parquet")
    with pytest.warns(StarskopeWarning, match="LABEL holds 0 and 1"):
        got = [lc.meta.label for _, lc in iter_read([tmp_path / "01.parquet"])]
    assert got == [int(v == 2) for v in labels]
    bad = df.copy()
    bad.loc[2, "LABEL"] = 5
    bad.loc[3, "LABEL"] = np.nan  # an empty cell: no label, as in the CSV reader
    bad.loc[4, [c for c in bad.columns if c.startswith("FLUX")]] = np.nan
    bad.to_parquet(tmp_path / "bad.parquet")
    with pytest.warns(StarskopeWarning, match=r"LABEL cell empty \(row 3 the first\)"):
        got = dict(iter_read([tmp_path / "bad.parquet"]))
    err = got[f"{tmp_path / 'bad.parquet'}#row=2"]
    assert isinstance(err, RowError) and err.row == 2 and "LABEL must be 1" in str(err)
    assert got[f"{tmp_path / 'bad.parquet'}#row=3"].meta.label is None
    # a manifest's words are labels, said once (they were row errors: an audit of related
    # formats); another word is named as it is, as the CSV reader names it
    words = df.assign(LABEL=np.where(df.LABEL == 2, "planet", "no_planet"))
    words.loc[1, "LABEL"] = "maybe"
    words.to_parquet(tmp_path / "words.parquet")
    with pytest.warns(StarskopeWarning, match="LABEL holds words"):
        read_words = dict(iter_read([tmp_path / "words.parquet"]))
    err = read_words.pop(f"{tmp_path / 'words.parquet'}#row=1")
    assert isinstance(err, RowError) and "got 'maybe'" in str(err), str(err)
    want = [int(v == 2) for i, v in enumerate(labels) if i != 1]
    assert [lc.meta.label for lc in read_words.values()] == want
    err = got[f"{tmp_path / 'bad.parquet'}#row=4"]
    assert isinstance(err, RowError) and err.label == int(labels[4] == 2) and "NaN" in str(err)
    assert not isinstance(got[f"{tmp_path / 'bad.parquet'}#row=5"], StarskopeError)
    from starskope.scan import iter_items  # a scan's worker reports the same row errors
    from starskope.scan.runner import _read_item

    items = list(iter_items([tmp_path / "bad.parquet"]))
    for item in (items[2], items[4]):
        with pytest.raises(RowError, match="LABEL must be 1|all flux values are NaN"):
            _read_item(item)
    assert _read_item(items[3]).meta.label is None  # (said once per file: above)
    listed = list(iter_items([tmp_path / "words.parquet"]))  # (a word broke the listing)
    assert _read_item(listed[0]).meta.label == want[0]
    with pytest.raises(RowError, match="got 'maybe'"):
        _read_item(listed[1])
    # the first LABEL_LOOKAHEAD labels decide the scheme, as in the CSV reader: 0/1 there and
    # a 2 further down is an error of its row
    monkeypatch.setattr("starskope.io.kaggle.LABEL_LOOKAHEAD", 3)
    late = zero_one.copy()
    late.loc[len(late) - 1, "LABEL"] = 2
    late.to_parquet(tmp_path / "late.parquet")
    with pytest.warns(StarskopeWarning, match="LABEL holds 0 and 1"):
        got = [lc for _, lc in iter_read([tmp_path / "late.parquet"])]
    assert isinstance(got[-1], RowError) and "labelled 0/1" in str(got[-1])
    df.drop(columns="LABEL").to_parquet(tmp_path / "blind.parquet")
    assert {lc.meta.label for _, lc in iter_read([tmp_path / "blind.parquet"])} == {None}
    text = df.astype({"FLUX.7": str})
    text.to_parquet(tmp_path / "text.parquet")
    ((_, err),) = list(iter_read([tmp_path / "text.parquet"]))[:1]
    assert isinstance(err, StarskopeError) and "FLUX.7" in str(err)
    # as the CSV reader (a review): 0s only are said as such and read; "NA" words are empty
    # cells; a named first column names the stars
    df.assign(LABEL=0).to_parquet(tmp_path / "zeros.parquet")
    with pytest.warns(StarskopeWarning, match="LABEL holds 0 and no 2: read as labelled 0/1"):
        assert {lc.meta.label for _, lc in iter_read([tmp_path / "zeros.parquet"])} == {0}
    na = df.assign(LABEL=["2", "NA", "", "1", "nan", "1", "1"][: len(df)])
    na.to_parquet(tmp_path / "na.parquet")
    with pytest.warns(StarskopeWarning, match="LABEL cell empty"):
        got = [lc.meta.label for _, lc in iter_read([tmp_path / "na.parquet"])]
    assert got[:5] == [1, None, None, 0, None]
    df.insert(0, "KEPID", np.arange(len(df)) + 757076)
    df.to_parquet(tmp_path / "ids.parquet")
    got = [lc.meta.target for _, lc in iter_read([tmp_path / "ids.parquet"])]
    assert got == [f"KIC {757076 + i}" for i in range(len(df))]


@pytest.mark.parametrize("names", ["FLUX.0", "flux_0", "pandas-numbers", "parquet", "indexed"])
def test_flux_columns_numbered_from_zero(table, tmp_path, names):
    """Headers built with ``range(3197)`` (``FLUX.0..FLUX.3196``, ``flux_0..``) or pandas' own
    column numbers after an inserted label (``label,0,1,...,3196``) are the layout: they were
    refused, once with advice to drop the label column."""
    pd = pytest.importorskip("pandas")
    from starskope.io import iter_read
    from starskope.scan import iter_items
    from starskope.scan.runner import _read_item

    path, flux, labels = table
    if names == "pandas-numbers":
        df = pd.DataFrame(flux)
        df.insert(0, "label", labels)
    else:
        stem = "flux_" if names == "flux_0" else "FLUX."
        df = pd.DataFrame(flux, columns=[f"{stem}{i}" for i in range(flux.shape[1])])
        df.insert(0, "LABEL", labels)
    out = tmp_path / ("k.parquet" if names == "parquet" else "k.csv")
    if names == "parquet":
        df.to_parquet(out)
    else:
        df.to_csv(out, index=names == "indexed", float_format="%.2f")
        assert identify_kaggle(out, out.read_bytes()[:65536])
        assert identify_kaggle(out, out.read_bytes()[:20000])  # a peek that cuts the header
    got = [lc for _, lc in iter_read([out])]
    assert [lc.meta.label for lc in got] == [int(v == 2) for v in labels]
    for i, lc in enumerate(got):
        np.testing.assert_allclose(lc.flux, flux[i], atol=0.006)
        assert len(lc) == KAGGLE_N_FLUX
    items = list(iter_items([out]))
    np.testing.assert_allclose(_read_item(items[3]).flux, flux[3], atol=0.006)


def test_zero_based_names_out_of_order_are_not_renamed(tmp_path, rng):
    """Only a complete run 0, 1, 2, ... is the layout: a gap keeps the names, and the error
    names the column."""
    flux = np.round(rng.normal(0.0, 80.0, size=(2, 30)), 2)
    names = [f"FLUX.{i}" for i in range(30)]
    names[7] = "FLUX.70"
    p = tmp_path / "gap.csv"
    p.write_text(
        "LABEL," + ",".join(names) + "\n"
        + "\n".join("2," + ",".join(f"{v:.2f}" for v in row) for row in flux) + "\n"
    )  # fmt: skip
    from starskope.io import read

    with pytest.raises(StarskopeError, match="header must be LABEL,FLUX.1"):
        read(p, row=0)


def test_two_tables_joined_name_the_repeated_header(table, tmp_path):
    """``cat exoTrain.csv exoTest.csv``: the second header is one bad row that says what it
    is, not a LABEL of 'LABEL'; the rows around it are read."""
    from starskope.io import iter_read

    path, flux, labels = table
    text = path.read_text()
    joined = tmp_path / "joined.csv"
    joined.write_text(text + text)
    got = list(iter_read([joined]))
    errors = [(ident, lc) for ident, lc in got if isinstance(lc, Exception)]
    assert len(errors) == 1 and "repeats the header line" in str(errors[0][1])
    assert "two tables joined" in str(errors[0][1])
    assert len(got) == 2 * len(labels) + 1


def test_a_zero_one_table_read_twice_is_warned_about_once(tmp_path, rng):
    """A command that streams a 0/1-labelled table and then reads its cached arrays (evaluate
    did) shows the relabelling warning once, as the command line shows warnings (once per
    place and message), not once per read."""
    import warnings

    from starskope.exceptions import StarskopeWarning

    flux = np.round(rng.normal(0.0, 80.0, size=(4, KAGGLE_N_FLUX)), 2)
    path = write_kaggle(tmp_path / "t.csv", flux, np.array([2, 1, 1, 1]))
    lines = path.read_text().splitlines()
    rows = [("1" if r.startswith("2,") else "0") + r[1:] for r in lines[1:]]
    path.write_text("\n".join([lines[0], *rows]) + "\n")
    with warnings.catch_warnings(record=True) as rec:
        warnings.resetwarnings()
        warnings.filterwarnings("default", category=StarskopeWarning)
        labels = [lc.meta.label for lc in iter_kaggle(path)]
        arrays = kaggle_arrays(path)
        kaggle_arrays(path)  # from the cache
    assert labels == [1, 0, 0, 0] and arrays.label.tolist() == [1, 0, 0, 0]
    said = [w for w in rec if "LABEL holds 0 and 1" in str(w.message)]
    assert len(said) == 1


def test_label_cells_read_alike_in_csv_parquet_and_scan(tmp_path):
    """One rule for a LABEL cell (``kaggle.cell_label``) in the CSV reader, the Parquet reader
    and a scan's rows: a ``-`` cell was a row error in a CSV and a row without a label in a
    Parquet table; an infinite LABEL was named "a missing value" in Parquet."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from starskope.exceptions import StarskopeWarning
    from starskope.io import iter_read
    from starskope.scan import iter_items
    from starskope.scan.runner import _read_item

    cells = ["2", "-", "n/a", "1", "inf", "planet"]
    flux = 1.0 + 0.001 * np.arange(len(cells) * 20).reshape(len(cells), 20)
    p = write_kaggle(tmp_path / "t.csv", flux, [1] * len(cells))
    lines = p.read_text().splitlines()
    for i, cell in enumerate(cells):
        lines[i + 1] = cell + lines[i + 1][1:]
    p.write_text("\n".join(lines) + "\n")
    df = pd.read_csv(p, dtype={"LABEL": str}, keep_default_na=False)
    df.to_parquet(tmp_path / "t.parquet")

    def outcome(x):
        return str(x).split(": ")[-1] if isinstance(x, StarskopeError) else x.meta.label

    want = [1, None, None, 0, "LABEL must be 1 (no planet) or 2 (planet host); got 'inf'", 1]
    with pytest.warns(StarskopeWarning):
        for f in ("t.csv", "t.parquet"):
            got = [outcome(x) for _, x in iter_read([tmp_path / f])]
            assert got[:4] + got[5:] == want[:4] + want[5:], f
            assert "got 'inf'" in got[4] or "got inf" in got[4], (f, got[4])
            scanned = []
            for item in iter_items([tmp_path / f]):
                try:
                    scanned.append(_read_item(item).meta.label)
                except RowError as err:
                    scanned.append(str(err))
            assert scanned[:4] + scanned[5:] == want[:4] + want[5:], f
