"""benchmarks/compare_models_validation.py scores raw-flux models on the table's own rows."""

import re

from benchmarks.compare_models_validation import main as compare

from starskope.cli import main


def test_raw_flux_models_are_compared_on_the_tables_rows(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STARSKOPE_CACHE", str(tmp_path / "cache"))
    table = tmp_path / "val.csv"
    assert main(["simulate", "campaign", "--n-stars", "24", "--n-hosts", "6", "--seed", "7",
                 "--out", str(table), "--shuffle"]) == 0  # fmt: skip
    capsys.readouterr()
    compare(["--table", str(table), "--old", "original-cnn", "--new", "spectrogram-cnn",
             "--boot", "50"])  # fmt: skip
    out = capsys.readouterr().out
    # both raw-flux models scored (no pipeline run, so no views cache was made)
    got = dict(re.findall(r"^(old|new) \S+: PR-AUC ([0-9.]+)", out, re.M))
    assert set(got) == {"old", "new"} and all(0.0 < float(v) <= 1.0 for v in got.values())
    assert "new - old PR-AUC" in out
    assert not (tmp_path / "cache" / "views").exists()
    # the same model on both sides: no difference
    compare(["--table", str(table), "--old", "original-cnn", "--new", "original-cnn",
             "--boot", "50"])  # fmt: skip
    assert "new - old PR-AUC: +0.000 (bootstrap 90% interval [+0.000, +0.000])" in (
        capsys.readouterr().out
    )


def test_bench_models_scores_a_table_as_predict_does(tmp_path, monkeypatch):
    """bench_models.score_table (one TableInputs per table) gives every shipped model the
    scores `starskope predict` gives the same rows, and the views CNN's classes per row."""
    import numpy as np
    import pytest
    from benchmarks.bench_models import REPO, load_models, score_table

    from starskope.io import iter_read
    from starskope.models.predict import predict_results

    monkeypatch.setenv("STARSKOPE_CACHE", str(tmp_path / "cache"))
    table = tmp_path / "test.csv"
    assert main(["simulate", "campaign", "--n-stars", "16", "--n-hosts", "4", "--seed", "8",
                 "--out", str(table), "--shuffle"]) == 0  # fmt: skip
    models = load_models(REPO / "src/starskope/data/models")
    assert {"gbm", "views-cnn", "original-cnn"} <= set(models)
    multiclass = {}
    cache = tmp_path / "bench-cache"
    y, scores = score_table(models, table, jobs=1, cache=cache, multiclass=multiclass)
    assert any(cache.rglob("*")), "the pipeline's views were not cached where asked"
    assert y.tolist() == [r.label for r in predict_results(
        iter_read(table), model="original-cnn", explain=False)]  # fmt: skip
    assert y.sum() == 4 and "sde-alone" in scores
    for name in models:
        got = list(predict_results(iter_read(table), model=name, explain=False))
        want = np.asarray([r.score for r in got], float)
        assert scores[name] == pytest.approx(want, abs=1e-6), name
        if name == "views-cnn":
            truth, pred = multiclass[name]
            assert len(truth) == 16
            assert list(pred) == [max(r.class_probabilities, key=r.class_probabilities.get)
                                  for r in got]  # fmt: skip
