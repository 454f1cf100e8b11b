"""Labelled inputs of `train` / `evaluate` beyond Kaggle tables: manifests with a label column,
a simulated FITS campaign folder (SIMCLASS headers); --limit over all inputs; clear errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from starskope.exceptions import StarskopeError, StarskopeWarning
from starskope.io.kaggle import write_kaggle
from starskope.models.data import load_labelled


def _curve(path, rng, dip: bool):
    t = np.arange(2000) * 0.0204
    f = 1 + 3e-4 * rng.standard_normal(t.size)
    if dip:
        f[(t % 3.1) < 0.12] -= 4e-3
    np.savetxt(path, np.column_stack([t, f]), delimiter=",", header="time,flux", comments="")
    return path


def test_manifest_labels(tmp_path, rng):
    files = [_curve(tmp_path / f"s{i}.csv", rng, dip=i % 2 == 0) for i in range(4)]
    man = tmp_path / "manifest.csv"
    man.write_text("path,label\n" + "".join(f"{f.name},{1 - i % 2}\n" for i, f in enumerate(files)))
    ds = load_labelled([man], kind="rawflux", n_points=500)
    assert ds.y.tolist() == [1, 0, 1, 0]
    assert ds.X.shape == (4, 500)
    assert load_labelled([man], kind="rawflux", n_points=500, limit=3).y.size == 3


def test_simulated_fits_folder_labels(tmp_path):
    from starskope.simulate.campaign import CampaignConfig, simulate_campaign
    from starskope.simulate.output import write_campaign

    camp = simulate_campaign(CampaignConfig(n_stars=4, n_hosts=2, n_points=600, seed=3))
    write_campaign(camp, tmp_path / "camp", format="fits")
    ds = load_labelled([tmp_path / "camp"], kind="rawflux", n_points=600)
    assert sorted(ds.y.tolist()) == [0, 0, 1, 1]  # the truth table is not read as a star
    assert len(ds.ids) == 4


def test_limit_counts_all_inputs_and_bad_inputs_are_named(tmp_path, rng):
    a = write_kaggle(tmp_path / "a.csv", rng.normal(size=(4, 3197)), [2, 2, 1, 1])
    b = write_kaggle(tmp_path / "b.csv", rng.normal(size=(4, 3197)), [2, 1, 1, 1])
    ds = load_labelled([a, b], kind="rawflux", limit=6)
    assert ds.y.size == 6 and ds.ids[-1] == f"{b}#row=1"
    with pytest.raises(StarskopeError, match="no such file"):
        load_labelled([tmp_path / "nope.csv"], kind="rawflux")
    with pytest.raises(StarskopeError, match="given twice"):
        load_labelled([a, a], kind="rawflux")
    with pytest.raises(StarskopeError, match="--limit must be >= 1"):
        load_labelled([a], kind="rawflux", limit=0)
    unlabelled = _curve(tmp_path / "u.csv", rng, dip=False)
    with (
        pytest.raises(StarskopeError, match="manifest CSV's label"),
        pytest.warns(StarskopeWarning, match="u.csv: no label"),
    ):
        load_labelled([unlabelled], kind="rawflux")


def test_other_row_lengths_are_trimmed_or_padded_with_a_warning(tmp_path, rng):
    """Rows of another width at the model's cadence keep their samples (a 3198th is cut, a
    1000-row is repeated back and forth to fill the row); too few samples are refused."""
    flux = rng.normal(size=(3, 1000))
    p = write_kaggle(tmp_path / "short.csv", flux, [2, 1, 1])
    with pytest.warns(Warning, match="other lengths than the raw-flux model's 3197 points"):
        ds = load_labelled([p], kind="rawflux", n_points=3197)
    assert ds.X.shape == (3, 3197)
    np.testing.assert_allclose(ds.X[1, :1000], flux[1], atol=6e-3)  # the table keeps 2 decimals
    np.testing.assert_array_equal(ds.X[1, 1000:2000], ds.X[1, 999::-1])  # mirrored to fill
    np.testing.assert_array_equal(ds.X[1, 2000:3000], ds.X[1, :1000])
    wide = rng.normal(size=(2, 3198))
    q = write_kaggle(tmp_path / "wide.csv", wide, [2, 1])
    with pytest.warns(Warning, match="trimmed or padded"):
        np.testing.assert_allclose(
            load_labelled([q], kind="rawflux", n_points=3197).X, wide[:, :3197], atol=6e-3
        )
    tiny = write_kaggle(tmp_path / "tiny.csv", rng.normal(size=(2, 5)), [2, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # refused, not first said to be padded
        with pytest.raises(StarskopeError, match="only 5 valid flux samples"):
            load_labelled([tiny], kind="rawflux", n_points=3197)


def test_globs_and_manifests_of_tables(tmp_path, rng, monkeypatch):
    a = write_kaggle(tmp_path / "a.csv", rng.normal(size=(3, 3197)), [2, 1, 1])
    write_kaggle(tmp_path / "b.csv", rng.normal(size=(2, 3197)), [2, 1])
    monkeypatch.chdir(tmp_path)
    assert load_labelled(["*.csv"], kind="rawflux").y.tolist() == [1, 0, 0, 1, 0]
    with pytest.raises(StarskopeError, match="no file matches"):
        load_labelled(["nothing*.csv"], kind="rawflux")
    man = tmp_path / "m.csv"
    man.write_text(f"path,label\n{a.name},\n")  # a table: its own labels
    assert load_labelled([man], kind="rawflux").y.tolist() == [1, 0, 0]


def test_a_truth_table_that_is_not_the_tables_is_refused(tmp_path):
    from starskope.models.data import _check_truth

    table = tmp_path / "camp.csv"
    y = np.array([1, 0, 0, 1])
    _check_truth(table, np.array(["planet", "other", "eclipsing_binary", "planet"]), y)
    with pytest.raises(StarskopeError, match=r"camp.truth.csv disagrees with LABEL on 1 row\(s\)"):
        _check_truth(table, np.array(["planet", "planet", "other", "planet"]), y)
    with pytest.raises(StarskopeError, match="has 2 rows for 4 in the table"):
        _check_truth(table, np.array(["planet", "other"]), y)


@pytest.mark.parametrize("kind", ["rawflux", "tabular"])
def test_a_bad_table_row_stops_training_data_with_the_row_named(tmp_path, rng, kind):
    p = write_kaggle(tmp_path / "t.csv", 1000 + rng.normal(size=(3, 300)), [1, 2, 1])
    lines = p.read_text().splitlines()
    lines[2] = "2" + ",nan" * 300  # data row 1
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(StarskopeError, match=r"t.csv \[row 1\]: all flux values are NaN; train"):
        load_labelled([p], kind=kind)


def test_unreadable_and_unlabelled_inputs_are_named_and_counted(tmp_path, rng):
    files = [_curve(tmp_path / f"s{i}.csv", rng, dip=i % 2 == 0) for i in range(4)]
    (tmp_path / "broken.fits").write_bytes(b"SIMPLE  =                    T" + b"\0" * 50)
    man = tmp_path / "manifest.csv"
    man.write_text(
        "path,label\n"
        + "".join(f"{f.name},{1 - i % 2}\n" for i, f in enumerate(files))
        + "broken.fits,1\nmissing.csv,0\n"
    )
    with pytest.warns(StarskopeWarning) as rec:
        ds = load_labelled([man], kind="rawflux", n_points=500)
    said = [str(w.message) for w in rec if "left out" in str(w.message)]
    assert len(said) == 2 and ds.n_skipped == 2 and ds.y.tolist() == [1, 0, 1, 0]
    assert any("broken.fits" in m for m in said) and any("missing.csv" in m for m in said)


def test_scoring_resampled_light_curves_warns_as_predict_does(tmp_path, rng):
    files = [_curve(tmp_path / f"s{i}.csv", rng, dip=i % 2 == 0) for i in range(4)]
    man = tmp_path / "manifest.csv"
    man.write_text("path,label\n" + "".join(f"{f.name},{1 - i % 2}\n" for i, f in enumerate(files)))
    with pytest.warns(StarskopeWarning, match="other lengths than the raw-flux model's 500"):
        load_labelled([man], kind="rawflux", n_points=500, warn_resampled=True)


def test_many_inputs_left_out_are_named_twenty_then_counted(tmp_path, rng):
    d = tmp_path / "unlabelled"
    d.mkdir()
    for i in range(25):
        _curve(d / f"s{i:02d}.csv", rng, dip=False)
    with (
        pytest.raises(StarskopeError, match="no labelled light curves"),
        pytest.warns(StarskopeWarning) as rec,
    ):
        load_labelled([d], kind="rawflux", n_points=500)
    said = [str(w.message) for w in rec]
    assert sum("no label (left out" in m for m in said) == 20
    assert "5 more inputs left out" in said[-1]


def test_a_table_with_empty_label_cells_is_refused_for_training_not_for_search(tmp_path, rng):
    """Empty LABEL cells failed their rows everywhere (search and predict need no label; an
    audit of related formats): they are read without a label, with one warning, and train and
    evaluate, which use every row of a table, refuse the table naming the first such row."""
    from starskope.exceptions import RowError
    from starskope.io import iter_read

    p = write_kaggle(tmp_path / "t.csv", rng.normal(size=(4, 3197)), [2, 1, 1, 1])
    lines = p.read_text().splitlines()
    for i in (2, 4):  # data rows 1 and 3
        lines[i] = lines[i][lines[i].index(",") :]
    p.write_text("\n".join(lines) + "\n")
    with pytest.warns(StarskopeWarning, match=r"LABEL cell empty \(row 1 the first\)") as said:
        labels = [lc.meta.label for _, lc in iter_read([p])]
    assert labels == [1, None, 0, None] and len(said) == 1
    for kind in ("rawflux", "tabular"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StarskopeWarning)
            with pytest.raises(RowError, match=r"row 1\]: LABEL cell empty \(2 row"):
                load_labelled([p], kind=kind)
