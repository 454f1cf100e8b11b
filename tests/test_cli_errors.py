"""One-line errors, not tracebacks or silent successes, for the CLI misuses a user audit met:
output paths that cannot be written, a non-catalog file as --catalog, empty SQL, empty input
folders, out-of-range injection settings, a simulation truth table inside a light-curve folder,
NaN in JSON output."""

from __future__ import annotations

import json

import pytest

from starskope.cli import main
from starskope.io.kaggle import write_kaggle

#: A three-star campaign with one host: the start of every `simulate` call below.
SIM = ["simulate", "campaign", "--n-stars", "3", "--n-hosts", "1"]


@pytest.fixture
def table(tmp_path, rng):
    flux = 1000 + rng.normal(0, 1, size=(2, 3197))
    return write_kaggle(tmp_path / "t.csv", flux, [2, 1])


def _err(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_an_existing_csv_is_refused_as_a_catalog(tmp_path, table, capsys):
    """DuckDB 2 opens a CSV path read-only as a view: a scan into it would store nothing."""
    before = table.read_bytes()
    assert main(["scan", str(table), "--catalog", str(table), "-w", "1"]) == 2
    assert "not a DuckDB catalog (an existing file of another kind)" in _err(capsys)
    assert table.read_bytes() == before
    assert main(["catalog", "top", "-c", str(table)]) == 2
    assert "not a DuckDB catalog" in _err(capsys)


def test_empty_sql_and_nan_in_json(tmp_path, capsys):
    from starskope.catalog import Catalog

    cat = tmp_path / "c.duckdb"
    Catalog(cat).close()
    for sql in ("", "  ", ";"):
        assert main(["catalog", "query", "-c", str(cat), sql]) == 2
        assert "empty query" in _err(capsys)
    assert main(["catalog", "query", "-c", str(cat), "--json", "SELECT 'nan'::DOUBLE AS x"]) == 0
    assert json.loads(capsys.readouterr().out) == {"x": None}


@pytest.mark.parametrize(
    "argv",
    [
        [*SIM, "--out", "{blocked}/x.csv"],
        [*SIM, "--out", "{folder}"],
        [
            *SIM,
            "--format",
            "fits",
            "--out",
            "{file}",
        ],
        ["search", "{table}", "--plot", "{file}"],
        ["evaluate", "--model", "gbm", "--data", "{table}", "--out", "{file}"],
        ["inject-recover", "--n", "2", "--out", "{blocked}/d"],
        ["scan", "{table}", "-c", "{folder}/c.duckdb", "--export", "parquet", "{file}"],
        ["demo", "--out", "{file}"],
        ["report", "{table}", "--out", "{file}"],
        ["report", "{table}", "--out", "{blocked}/sub"],
    ],
    ids=[
        "sim-missing-parent",
        "sim-folder",
        "fits-into-file",
        "plot",
        "evaluate",
        "inject",
        "export",
        "demo",
        "report",
        "report-parent",
    ],
)
def test_output_paths_are_checked_before_the_work(tmp_path, table, capsys, argv):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder is needed")
    folder = tmp_path / "folder"
    folder.mkdir()
    subs = {
        "{blocked}": str(blocked),
        "{folder}": str(folder),
        "{file}": str(blocked),
        "{table}": str(table),
    }
    argv = [next((a.replace(k, v) for k, v in subs.items() if k in a), a) for a in argv]
    assert main(argv) == 2
    err = _err(capsys)
    assert err.startswith("starskope: error: ") and err.count("\n") == 1
    assert not (folder / "c.duckdb").exists()  # the scan did not start


def test_empty_folders_are_errors(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(tmp_path)
    for argv in (
        ["search", str(empty)],
        ["predict", str(empty), "--json"],
        ["info", str(empty)],
        ["scan", str(empty), "-c", "c.duckdb"],
        ["report", str(empty), "--out", "rep"],
    ):
        assert main(argv) == 2
        assert "no light curves found" in _err(capsys)
        assert capsys.readouterr().out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]  # no catalog, no report
    # a folder of NumPy arrays: the files passed over are named (an audit of related formats)
    import numpy as np

    np.save(empty / "flux.npy", np.ones((2, 10)))
    for argv in (["search", str(empty)], ["scan", str(empty), "-c", "c.duckdb"]):
        assert main(argv) == 2
        err = _err(capsys)
        assert "1 file(s) passed over" in err and "flux.npy" in err and "NumPy arrays" in err
    # a folder holding only a README.txt: passed over by its name, and said so (a scan had
    # stored it as an error row; the known limit of the thirty-fourth session)
    (empty / "flux.npy").unlink()
    (empty / "README.txt").write_text("These are my light curves.\nDownloaded from MAST.\n")
    for argv in (["search", str(empty)], ["scan", str(empty), "-c", "c.duckdb"]):
        assert main(argv) == 2
        err = _err(capsys)
        assert "no light curves found" in err and "passed over" in err and "(README.txt)" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_an_empty_path_is_an_error_not_the_working_folder(tmp_path, table, capsys, monkeypatch):
    monkeypatch.chdir(table.parent)  # a light curve table is right here: never read it unasked
    for argv, code in (
        (["info", ""], 1),
        (["search", "", "--json"], 1),
        (["scan", "", "-c", "x.duckdb"], 2),
    ):
        assert main(argv) == code
        assert "an empty path was given" in _err(capsys)
        assert "row=" not in capsys.readouterr().out
    assert not (table.parent / "x.duckdb").exists()


def test_report_names_inputs_it_could_not_read(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nothere.fits"), "--out", str(tmp_path / "r")]) == 1
    err = _err(capsys)
    assert "starskope: error:" in err and "nothere.fits: no such file" in err


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--min-period", "10", "--max-period", "2"], "0 < shortest < longest"),
        (["--min-period", "-1"], "0 < shortest < longest"),
        (["--min-depth-ppm", "0"], "0 < shallowest <= deepest"),
        (["--min-period", "50", "--max-period", "200"], "must start below 32.7 d"),
        (["--n", "0"], "injections (--n) must be >= 1"),
        (["--real-mission", "Foo"], "unknown mission 'Foo'"),
    ],
)
def test_inject_recover_settings_are_checked(tmp_path, capsys, args, match):
    argv = ["inject-recover", "--n", "2", "--n-null", "1", *args, "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    assert match in _err(capsys)


def test_mission_names_are_case_insensitive():
    from starskope.simulate.recovery import RecoveryConfig

    assert RecoveryConfig(real_missions=("k2", "TESS", "kepler")).real_missions == (
        "K2",
        "TESS",
        "Kepler",
    )


def test_bin_needs_group_auto(table, capsys):
    assert main(["search", str(table), "--bin", "30"]) == 2
    assert "--bin" in _err(capsys)
    # infinity passed the check, and every star then failed with the days it made (a review)
    for bad in ("inf", "nan", "0"):
        assert main(["search", str(table), "--group", "auto", "--bin", bad]) == 2
        assert "--bin takes a positive number of minutes" in _err(capsys)


def test_a_simulated_fits_folder_is_searched_without_its_truth_table(tmp_path, capsys):
    from starskope.io.registry import is_truth_table

    out = tmp_path / "camp"
    assert (
        main(
            [
                *SIM,
                "--format",
                "fits",
                "--out",
                str(out),
                "--n-points",
                "600",
                "--population",
                "loguniform",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert is_truth_table(out / "truth.csv")
    assert main(["search", str(out), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 3 and all(x["error"] is None for x in lines)


def test_metrics_json_has_no_bare_nan(tmp_path, capsys, rng):
    """Nothing called a host at --threshold 1: precision is undefined; metrics.json stays
    strict JSON."""
    flux = 1000 + rng.normal(0, 1, size=(4, 3197))
    t = write_kaggle(tmp_path / "mixed.csv", flux, [2, 2, 1, 1])
    out = tmp_path / "ev"
    ev = ["evaluate", "--model", "original-cnn", "--data", str(t), "--out", str(out), "--boot", "0"]
    assert main([*ev, "--threshold", "1"]) == 0
    text = (out / "metrics.json").read_text()
    assert "NaN" not in text
    assert json.loads(text)["value"]["precision"] is None  # nothing called a host


@pytest.mark.parametrize(("labels", "missing"), [([2, 2, 2], "no non-hosts"), ([1, 1], "no hosts")])
def test_evaluate_refuses_data_of_one_class(tmp_path, capsys, rng, labels, missing):
    """ROC and PR curves need both classes: a one-line error with the counts, nothing written
    (it wrote blank roc.png, pr.png and reliability.png and exited 0)."""
    n = len(labels)
    t = write_kaggle(tmp_path / "one.csv", 1000 + rng.normal(0, 1, size=(n, 3197)), labels)
    out = tmp_path / "ev"
    ev = ["evaluate", "--model", "original-cnn", "--data", str(t), "--out", str(out), "--boot", "0"]
    assert main(ev) == 2
    n_pos = labels.count(2)
    err = _err(capsys)
    assert f"one.csv holds {missing} ({n} stars: {n_pos} hosts, {n - n_pos} non-hosts)" in err
    assert "undefined" in err
    assert not out.exists()


def test_evaluate_advises_only_a_prior_it_accepts():
    from starskope.cli.models import _calibration_text

    calib = {"brier": 0.1, "brier_reference": 0.0, "ece": 0.1, "mean_score": 0.2, "n": 9}
    for rate in (0.0, 1.0):  # --prior 0 and --prior 1 are refused
        assert "--prior" not in _calibration_text({**calib, "host_rate": rate}, 0.3)
    assert "--prior 0.01 scores" in _calibration_text({**calib, "host_rate": 0.01}, 0.3)


def test_option_values_are_checked(tmp_path, table, capsys):
    def simulate(*extra):
        out = str(tmp_path / "x.csv")
        return main([*SIM, "--out", out, *extra])

    assert simulate("-j", "0") == 2
    assert simulate("--population", "foo") == 2
    assert "'loguniform'" in _err(capsys)
    assert simulate("--n-points", "20") == 2
    assert "too short for planets" in _err(capsys)
    assert main(["predict", str(table), "--prior", "0"]) == 2
    assert "--prior is a host rate" in _err(capsys)
    assert (
        main(
            [
                "evaluate",
                "--model",
                "gbm",
                "--data",
                str(table),
                "--out",
                str(tmp_path / "e"),
                "--threshold",
                "2",
            ]
        )
        == 2
    )
    assert "--threshold" in _err(capsys)


def test_catalog_show_matches_text_literally_and_parameters_diff(tmp_path):
    from starskope.catalog import Catalog
    from starskope.catalog.store import StarRecord, _diff
    from starskope.result import StarResult

    with Catalog(tmp_path / "c.duckdb") as cat:
        run = cat.start_run(parameters={"m": 1}, inputs=["a"])
        cat.write([StarRecord("a1", StarResult(path="a1", target="K2-18"))], run_id=run)
        assert [r.target for r in cat.show("2-1")] == ["K2-18"]
        assert cat.show("%") == [] and cat.show("_") == []
    assert _diff({"d": [1.0, 2.0], "m": "bls"}, {"d": (1.0, 2.0), "m": "tls"}) == (
        "m: 'bls' -> 'tls'"
    )


def test_a_training_folder_is_a_model(tmp_path, rng):
    from starskope.models.registry import load_model

    table = write_kaggle(tmp_path / "t4.csv", 1000 + rng.normal(size=(6, 3197)), [2, 2, 2, 1, 1, 1])
    assert (
        main(["train", "--model", "rbm", "--data", str(table), "--out", str(tmp_path / "m")]) == 0
    )
    name, _est = load_model(tmp_path / "m")
    assert name == "rbm"


def test_train_and_evaluate_take_the_cadence_and_the_card_repeats_it(tmp_path, rng):
    table = write_kaggle(tmp_path / "t6.csv", 1000 + rng.normal(size=(6, 3197)), [2, 2, 2, 1, 1, 1])
    out = tmp_path / "m"
    argv = ["train", "--model", "rbm", "--data", str(table), "--out", str(out), "--no-progress"]
    assert main([*argv, "--cadence-minutes", "2"]) == 0
    assert "--cadence-minutes 2.0 --seed 0" in (out / "rbm.md").read_text()
    ev = ["evaluate", "--model", str(out), "--data", str(table), "--out", str(tmp_path / "e")]
    assert main([*ev, "--boot", "100", "--cadence-minutes", "2"]) == 0
    assert main([*ev, "--cadence-minutes", "0"]) == 2


def test_column_options_on_a_one_star_per_row_table(table, capsys):
    assert main(["search", str(table), "--flux-column", "NOPE", "--json"]) == 1
    (res,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert "fixed columns: drop --flux-column" in res["error"]


def test_format_and_device_mismatches(tmp_path, table, capsys):
    out = tmp_path / "sim.csv"
    argv = [*SIM, "--format", "parquet"]
    assert main([*argv, "--out", str(out)]) == 2
    assert "writes a Parquet file" in _err(capsys)
    assert not out.exists()
    assert (
        main(
            [
                "train",
                "--model",
                "gbm",
                "--data",
                str(table),
                "--device",
                "cuda",
                "--out",
                str(tmp_path / "m"),
            ]
        )
        == 2
    )
    assert "--device is for the CNN models" in _err(capsys)
    train = ["train", "--model", "gbm", "--data", str(table), "--out", str(tmp_path / "m")]
    assert main([*train, "--epochs", "3"]) == 2
    assert "--epochs is for the CNN models; gbm has no epochs" in _err(capsys)
    assert main([*SIM, "--frac-eb", "0.6", "--out", str(tmp_path / "f.csv")]) == 2
    assert "--frac-eb 0.6, --frac-pulsator 0.05, --frac-spotted 0.5" in _err(capsys)
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():  # said before the data load, and no folder left behind
        cnn = ["train", "--model", "original-cnn", "--data", str(table), "--device", "cuda"]
        assert main([*cnn, "--out", str(tmp_path / "m_cuda")]) == 2
        assert "torch sees no CUDA GPU" in _err(capsys)
        assert not (tmp_path / "m_cuda").exists()


def test_a_table_does_not_take_another_tables_truth(tmp_path, capsys):
    """`train.csv` and `train.parquet` both keep their truth in `train.truth.csv`: the second
    output of that name is refused before the work, and the first one's truth is kept."""
    csv = tmp_path / "train.csv"
    assert main([*SIM, "--seed", "1", "--out", str(csv)]) == 0
    truth = (tmp_path / "train.truth.csv").read_bytes()
    capsys.readouterr()
    pq = tmp_path / "train.parquet"
    assert main([*SIM, "--seed", "2", "--format", "parquet", "--out", str(pq)]) == 2
    assert "may belong to train.csv" in _err(capsys)
    assert not pq.exists() and (tmp_path / "train.truth.csv").read_bytes() == truth
    # any name that maps to the same truth table counts (.pq, .txt, ...)
    assert main([*SIM, "--format", "parquet", "--out", str(tmp_path / "train.pq")]) == 2
    assert "may belong to train.csv" in _err(capsys)
    # the same name again replaces its own truth, as any output is replaced
    assert main([*SIM, "--seed", "2", "--out", str(csv)]) == 0
    assert (tmp_path / "train.truth.csv").read_bytes() != truth


def test_training_or_evaluating_on_a_table_without_labels_says_so(tmp_path, rng, capsys):
    flux = 1000 + rng.normal(0, 1, size=(4, 3197))
    blind = tmp_path / "blind.csv"
    blind.write_text(
        ",".join(f"FLUX.{i}" for i in range(1, 3198))
        + "\n"
        + "\n".join(",".join(f"{v:.2f}" for v in row) for row in flux)
        + "\n"
    )
    for argv in (
        ["evaluate", "--model", "original-cnn", "--data", str(blind), "--out", str(tmp_path / "e")],
        ["train", "--model", "original-cnn", "--data", str(blind), "--out", str(tmp_path / "t")],
    ):
        assert main(argv) == 2
        assert "blind.csv: the table has no LABEL column" in _err(capsys)


def test_serve_checks_its_port_first(capsys):
    import socket

    pytest.importorskip("uvicorn")
    assert main(["serve", "--port", "99999"]) == 2
    assert "--port must be 1-65535; got 99999" in _err(capsys)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
        assert f"cannot serve on 127.0.0.1:{port}" in _err(capsys)


def test_evaluate_boot_must_not_be_negative(tmp_path, table, capsys):
    argv = ["evaluate", "--model", "original-cnn", "--data", str(table), "--out", str(tmp_path)]
    assert main([*argv, "--boot", "-1"]) == 2
    assert "--boot must be >= 0 (0: no intervals); got -1" in _err(capsys)
    # one resample's "interval" was its own value, which can exclude the estimate
    assert main([*argv, "--boot", "1"]) == 2
    assert "--boot must be 0 (no intervals) or at least 100; got 1" in _err(capsys)
    assert main([*argv, "--boot", "0"]) == 0
    out = capsys.readouterr().out
    assert "nan" not in out and "roc_auc" in out  # no intervals: "-", not [nan, nan]


def test_predict_names_failed_inputs_on_stderr_in_json_mode(tmp_path, table, capsys):
    missing = tmp_path / "missing.fits"
    assert main(["predict", str(table), str(missing), "--json", "--no-explain"]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.strip().splitlines()) == 3  # the two rows and the missing file
    assert "starskope: error:" in captured.err and "missing.fits" in captured.err


@pytest.mark.parametrize("command", ["predict", "train", "evaluate"])
def test_jobs_below_one_is_a_usage_error(tmp_path, table, capsys, command):
    args = {"predict": [str(table)], "train": ["--model", "gbm", "--data", str(table), "--out",
            str(tmp_path / "m")], "evaluate": ["--model", "gbm", "--data", str(table), "--out",
            str(tmp_path / "e")]}[command]  # fmt: skip
    assert main([command, *args, "--jobs", "0"]) == 2
    err = capsys.readouterr().err
    assert "--jobs" in err and "Traceback" not in err


def test_a_failed_write_keeps_the_earlier_campaign_and_says_one_line(tmp_path, capsys, monkeypatch):
    """A full disk mid-write: one line, the earlier table and its truth table untouched, no
    partial file left; a FITS folder of an earlier campaign is refused, not mixed into."""
    out = tmp_path / "c.csv"
    assert main([*SIM, "--out", str(out)]) == 0
    before = (out.read_bytes(), (tmp_path / "c.truth.csv").read_bytes())
    import starskope.io.kaggle as kaggle

    def full_disk(path, *args, **kwargs):
        with open(path, "w") as fh:
            fh.write("LABEL,FLUX.1\n")
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(kaggle, "write_kaggle", full_disk)
    assert main([*SIM, "--seed", "5", "--out", str(out)]) == 1
    assert "No space left on device" in _err(capsys)
    assert (out.read_bytes(), (tmp_path / "c.truth.csv").read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "c.truth.csv"]
    monkeypatch.undo()
    assert main([*SIM, "--out", str(tmp_path / "campaign")]) == 2
    assert "name --out with .csv" in _err(capsys)
    assert main([*SIM, "--format", "fits", "--out", str(tmp_path / "d")]) == 0
    assert main([*SIM, "--format", "fits", "--seed", "2", "--out", str(tmp_path / "d")]) == 2
    assert "already holds 3 FITS file(s)" in _err(capsys)


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--max-upload-mb", "nan"], "--max-upload-mb must be a positive size"),
        (["--max-upload-mb", "-1"], "--max-upload-mb must be a positive size"),
        (["--upload-timeout", "nan"], "--upload-timeout must be a positive time"),
    ],
)
def test_serve_checks_its_limits(capsys, extra, match):
    pytest.importorskip("uvicorn")
    assert main(["serve", *extra]) == 2
    assert match in _err(capsys)


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--frac-eb", "nan"], "must each be >= 0"),
        (["--frac-spotted", "nan"], "must each be >= 0"),
        (["--frac-pulsator", "nan"], "must each be >= 0"),
        (["--min-host-snr", "nan"], "must be a number"),
        (["--min-host-snr", "-3"], "must be a number >= 0"),
        (["--n-points", "100000000000"], "GiB of memory"),
        (["--seed", "-1"], "greater than or equal to 0"),
        (["--n-hosts", "5"], "got --n-stars 3 and --n-hosts 5"),  # was n_hosts, Python's name
    ],
)
def test_simulate_refuses_nan_shares_huge_sizes_and_negative_seeds(tmp_path, capsys, extra, match):
    out = tmp_path / "fits"
    assert main([*SIM, "--format", "fits", "--out", str(out), *extra]) == 2
    assert match in _err(capsys)
    assert not out.exists()  # checked before the output folder is made


def test_inject_recover_refuses_bad_settings_before_making_its_folder(tmp_path, capsys):
    base = ["inject-recover", "--n", "3", "--n-points", "1000", "--background", "white"]
    out = tmp_path / "ir"
    cases = [
        (["--n-null", "-3"], "uninjected curves (--n-null) must be >= 0"),
        (["--min-period", "30", "--max-period", "10"], "(--min-period, --max-period)"),
        (["--real-mission", "Hubble"], "(--real-mission)"),
        (["--seed", "-1"], "greater than or equal to 0"),
        (["--background", "foo"], "unknown background kind 'foo'"),
        (["--snr-range", "20", "40", "--max-depth-ppm", "60"], "drop --min-depth-ppm"),
    ]
    for extra, match in cases:
        assert main([*base, *extra, "--out", str(out)]) == 2, extra
        assert match in _err(capsys)
        assert not out.exists()


def test_train_and_evaluate_leave_no_folder_when_they_fail(tmp_path, capsys):
    for argv in (
        ["train", "--model", "rbm", "--data", str(tmp_path / "none.csv")],
        ["evaluate", "--model", "rbm", "--data", str(tmp_path / "none.csv")],
    ):
        out = tmp_path / argv[0]
        assert main([*argv, "--out", str(out)]) != 0
        _err(capsys)
        assert not out.exists()


def test_scan_with_a_bad_scheduler_address_leaves_no_catalog(tmp_path, table, capsys):
    pytest.importorskip("distributed")
    cat = tmp_path / "c.duckdb"
    assert main(["scan", str(table), "-c", str(cat), "--scheduler", "foo"]) == 2
    assert "cannot reach the Dask scheduler at foo" in _err(capsys)
    assert not cat.exists()


def test_show_warning_prints_starskope_warnings_as_one_line(capsys):
    """The CLI and predict's worker processes show starskope's warnings the same way."""
    import io

    from starskope.exceptions import StarskopeWarning, show_warning

    show_warning(StarskopeWarning("t.csv [row 3]: 1 cadence left out"), StarskopeWarning, "x.py", 1)
    assert capsys.readouterr().err == "starskope: warning: t.csv [row 3]: 1 cadence left out\n"
    buf = io.StringIO()
    show_warning(UserWarning("other"), UserWarning, "x.py", 7, file=buf)
    assert "x.py:7: UserWarning: other" in buf.getvalue()


def test_too_few_stars_for_the_cards_cross_validation_keep_the_model(tmp_path, rng, capsys):
    """2 hosts and 6 non-hosts train an rbm, but a 2-fold CV trains on 1 host: the card says
    the CV was skipped, and the model is written (it was thrown away)."""
    from starskope.models.registry import load_model

    labels = [2, 2, 1, 1, 1, 1, 1, 1]
    table = write_kaggle(tmp_path / "eight.csv", 1000 + rng.normal(size=(8, 3197)), labels)
    out = tmp_path / "m"
    argv = ["train", "--model", "rbm", "--data", str(table), "--out", str(out), "--no-progress"]
    assert main(argv) == 0
    err = _err(capsys)
    assert (
        "cross-validation was skipped" in err and "eight.csv (8 stars: 2 hosts, 6 non-hosts)" in err
    )
    assert load_model(out / "rbm.pkl")[0] == "rbm"
    card = (out / "rbm.md").read_text()
    assert '"cross_validation": "skipped: too few stars in' in card


def test_the_model_card_json_is_strict(tmp_path):
    # a precision of no predicted host is NaN: the card's JSON block says null
    import re
    from types import SimpleNamespace

    from starskope.cli.models import _write_card
    from starskope.models.registry import MODELS

    est = SimpleNamespace(get_params=lambda: {"C": 1.0}, classes_=(0, 1))
    path = tmp_path / "card.md"
    _write_card(path, model="rbm", spec=MODELS["rbm"], est=est, data=[], n=8, n_pos=2, seed=1,
                metrics={"precision": float("nan"), "recall": 0.0}, seconds={},
                command="starskope train")  # fmt: skip
    blocks = re.findall(r"```json\n(.*?)```", path.read_text(), flags=re.S)
    metrics = json.loads(blocks[-1], parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert metrics == {"precision": None, "recall": 0.0}


def test_training_errors_name_the_data_and_its_counts(tmp_path, rng, capsys):
    short = write_kaggle(
        tmp_path / "short.csv", 1000 + rng.normal(size=(6, 500)), [2, 2, 2, 1, 1, 1]
    )
    out = tmp_path / "m"
    cnn = ["train", "--model", "original-cnn", "--out", str(out), "--epochs", "1", "--no-progress"]
    assert main([*cnn, "--data", str(short)]) == 2
    err = _err(capsys)
    assert "short.csv (6 stars: 3 hosts, 3 non-hosts)" in err and "got 500" in err
    assert not out.exists()  # nothing written, no empty folder left
    four = write_kaggle(tmp_path / "four.csv", 1000 + rng.normal(size=(4, 3197)), [2, 2, 1, 1])
    assert main([*cnn, "--data", str(four)]) == 2
    err = _err(capsys)
    assert "four.csv (4 stars: 2 hosts, 2 non-hosts)" in err and "needs at least 6 stars" in err
    assert not out.exists()
