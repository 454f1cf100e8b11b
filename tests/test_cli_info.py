"""``starskope info``: table, --json, errors on stderr, exit status, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from starskope.cli import main
from starskope.io import write_kaggle

IO_DATA = Path(__file__).resolve().parent / "data" / "io"
KEPLER = IO_DATA / "kplr011442793-2009350155506_llc.fits.gz"
TESS = IO_DATA / "tic10111251.fits.gz"


def test_table(capsys):
    assert main(["info", str(KEPLER), str(TESS)]) == 0
    out = capsys.readouterr().out
    for text in (
        "KIC 11442793",
        "TIC 10111251",
        "Kepler",
        "TESS",
        "BKJD",
        "BTJD",
        "PDCSAP_FLUX",
        "29.42",
        "30.00",
        "cadence (min)",
        "span (d)",
    ):
        assert text in out, text


def test_json_one_object_per_input(capsys):
    assert main(["info", "--json", str(KEPLER), str(TESS)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    rec = json.loads(lines[0])
    assert rec["file"] == str(KEPLER) and rec["mission"] == "Kepler"
    assert rec["target"] == "KIC 11442793" and rec["time_format"] == "bkjd"
    assert rec["flux_column"] == "PDCSAP_FLUX" and abs(rec["cadence_min"] - 29.4244) < 0.01
    assert rec["n_valid"] > 0 and rec["span_days"] > 5


def test_options_are_passed(capsys):
    assert main(["info", "--json", "--flux-column", "sap_flux", str(KEPLER)]) == 0
    assert json.loads(capsys.readouterr().out)["flux_column"] == "SAP_FLUX"
    assert main(["info", "--json", "--format", "fits-table", str(TESS)]) == 0
    assert json.loads(capsys.readouterr().out)["product"] == "fits-table"
    csv = IO_DATA / "dave_ktwo210490365-c04_detrended.dat.gz"
    assert (
        main(["info", "--json", "--time-column", "Dates", "--flux-column", "Flux", str(csv)]) == 0
    )
    assert json.loads(capsys.readouterr().out)["flux_column"] == "Flux"


def test_bad_file_reported_others_processed(tmp_path, capsys):
    bad = tmp_path / "junk.fits"
    bad.write_bytes(b"SIMPLE  = garbage" + bytes(3000))
    rc = main(["info", "--json", str(KEPLER), str(bad), str(TESS)])
    assert rc == 1
    cap = capsys.readouterr()
    recs = [json.loads(x) for x in cap.out.strip().splitlines()]
    assert [r.get("error") is None for r in recs] == [True, False, True]
    err_lines = cap.err.strip().splitlines()
    assert len(err_lines) == 1
    assert err_lines[0].startswith(f"starskope: error: {bad}: ")


def test_kaggle_table_one_line_per_star(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("STARSKOPE_CACHE_DIR", str(tmp_path / "cache"))
    p = write_kaggle(tmp_path / "exoTest.csv", np.ones((3, 3197)), [2, 1, 1])
    assert main(["info", "--json", str(p)]) == 0
    recs = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert [r["file"] for r in recs] == [f"{p}#row={i}" for i in range(3)]
    assert [r["label"] for r in recs] == [1, 0, 0]


def test_subprocess_no_traceback(tmp_path):
    bad = tmp_path / "empty.fits"
    bad.write_bytes(b"")
    env = dict(os.environ)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from starskope.cli import run; sys.argv[0]='starskope'; run()",
            "info",
            str(bad),
            str(TESS),
            str(tmp_path / "missing.csv"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert proc.stderr.strip().splitlines() == [
        f"starskope: error: {bad}: file is empty (0 bytes)",
        f"starskope: error: {tmp_path / 'missing.csv'}: no such file or folder",
    ]
    assert "TIC 10111251" in proc.stdout


def test_usage_errors_and_version_without_traceback(capsys):
    """Missing arguments, unknown commands and options: click's usage message and exit code 2
    (typer's vendored click exceptions included), never a traceback; --version prints it."""
    from starskope import __version__

    assert main(["predict"]) == 2
    assert "Missing argument" in capsys.readouterr().err
    assert main(["no-such-command"]) == 2
    assert "No such command 'no-such-command'" in capsys.readouterr().err
    assert main(["search", "--no-such-option", "x.fits"]) == 2
    assert "No such option" in capsys.readouterr().err
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"starskope {__version__}"


def test_format_help_names_every_reader():
    """The readers --format lists are the registry's (pixel-file only refuses pixel files)."""
    from starskope.cli._help import READER_NAMES
    from starskope.io.registry import READERS

    assert set(READER_NAMES) == set(READERS) - {"pixel-file"}
