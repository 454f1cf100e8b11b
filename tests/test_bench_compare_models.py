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
