"""`starskope catalog top|show|common|query` and `starskope scan` argument checks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from starskope.cli import main
from starskope.scan import scan

from . import _fakes

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory, scheduler):
    from starskope.io.kaggle import write_kaggle

    from .conftest import make_flux

    d = tmp_path_factory.mktemp("cli")
    flux, labels = make_flux(12, seed=5)
    table = write_kaggle(d / "t.csv", flux, labels)
    with table.open("a") as fh:
        fh.write("1,2,3\n")  # a bad row -> one error
    cat = d / "c.duckdb"
    scan([table], catalog=cat, scheduler=scheduler, analyse=_fakes.quick_analyse)
    return cat


def test_top(catalog, capsys):
    assert main(["catalog", "top", "--catalog", str(catalog), "--n", "5", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 5
    snrs = [r["best_snr"] for r in rows]
    assert snrs == sorted(snrs, reverse=True)
    assert main(["catalog", "top", "-c", str(catalog)]) == 0
    assert "row" in capsys.readouterr().out


def test_show_and_its_errors(catalog, capsys):
    assert main(["catalog", "show", "row 4", "-c", str(catalog), "--json"]) == 0
    (res,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert res["target"] == "row 4" and len(res["candidates"]) == 1
    assert main(["catalog", "show", "row=12", "-c", str(catalog)]) == 0
    out = capsys.readouterr().out
    assert "errors" in out and "got 3" in out
    assert main(["catalog", "show", "no such star", "-c", str(catalog)]) == 2
    assert "no star matching" in capsys.readouterr().err
    # an empty name would match every star
    assert main(["catalog", "show", " ", "-c", str(catalog)]) == 2
    assert "give a target name" in capsys.readouterr().err


def test_query_is_read_only(catalog, capsys):
    sql = "SELECT count(*) AS n, sum(n_candidates) AS c FROM stars"
    assert main(["catalog", "query", sql, "-c", str(catalog), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"n": 12, "c": 12}
    assert main(["catalog", "query", "DELETE FROM stars", "-c", str(catalog)]) == 2
    assert "read-only" in capsys.readouterr().err
    assert main(["catalog", "query", "SELECT 1", "-c", str(catalog)]) == 0
    capsys.readouterr()
    # several statements: DuckDB would show only the last one's rows
    two = "SELECT count(*) FROM stars; SELECT 1"
    assert main(["catalog", "query", two, "-c", str(catalog)]) == 2
    assert "one SQL statement per query; got 2 (SELECT; SELECT)" in capsys.readouterr().err
    assert main(["catalog", "query", "SELECT 1;", "-c", str(catalog)]) == 0  # one, with ';'
    capsys.readouterr()
    assert main(["catalog", "query", "-c", str(catalog), "--", "/* only a comment */"]) == 2
    assert "empty query" in capsys.readouterr().err


def test_scan_argument_errors(tmp_path, capsys):
    cat = str(tmp_path / "c.duckdb")
    assert main(["scan", str(tmp_path / "missing.fits"), "-c", cat]) == 2
    assert "no such file" in capsys.readouterr().err
    f = tmp_path / "x.csv"
    f.write_text("time,flux\n1,1\n")
    assert main(["scan", str(f), "-c", cat, "--method", "magic"]) == 2
    assert "--method must be one of" in capsys.readouterr().err
    assert main(["scan", str(f), "-c", cat, "--workers", "0"]) == 2
    assert main(["scan", str(f), "-c", cat, "--alternate-peaks", "-2"]) == 2
    assert "--alternate-peaks must be >= 0; got -2" in capsys.readouterr().err
    assert main(["scan", str(f), "-c", cat, "--subtract-repeats", "-1"]) == 2
    assert "--subtract-repeats must be >= 0; got -1" in capsys.readouterr().err
    assert main(["scan", str(f), "-c", cat, "--quality-bitmask", "-1"]) == 2
    assert (
        "--quality-bitmask takes default, hard, hardest, none or an integer"
        in capsys.readouterr().err
    )
    assert main(["scan", str(f), "-c", cat, "--export", "csv", str(tmp_path)]) == 2
    assert "parquet" in capsys.readouterr().err


def test_no_traceback_for_a_missing_catalog(tmp_path):
    code = "import sys; from starskope.cli import main; sys.exit(main(sys.argv[1:]))"
    p = subprocess.run(
        [sys.executable, "-c", code, "catalog", "top", "-c", str(tmp_path / "none.duckdb")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and "no such catalog file" in p.stderr


def test_common_lists_every_significant_candidate_with_all(catalog, capsys):
    assert main(["catalog", "common", "-c", str(catalog), "--all", "--json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(rows) == 12 and {"n_matches", "p_value", "common", "matches"} <= set(rows[0])
    assert main(["catalog", "common", "-c", str(catalog)]) == 0
    assert "common signal(s)" in capsys.readouterr().out


def test_scan_column_overrides_reach_the_workers(tmp_path, scheduler):
    """A folder of tables whose columns starskope cannot place: scanned with --flux-column and
    --time-column they are read on the workers with those columns (without: an ambiguous flux
    column, an error per file)."""
    from starskope.catalog import Catalog

    d = tmp_path / "odd"
    d.mkdir()
    for k in range(2):
        rows = "\n".join(
            f"x{i},{1325 + 0.02 * i:.4f},7,{1 + 1e-4 * ((-1) ** (i + k)):.6f}" for i in range(200)
        )
        (d / f"s{k}.csv").write_text("label,stamp,flux,f\n" + rows + "\n")  # two flux names
    plain = tmp_path / "plain.duckdb"
    scan([d], catalog=plain, scheduler=scheduler, analyse=_fakes.quick_analyse)
    named = tmp_path / "named.duckdb"
    scan(
        [d],
        catalog=named,
        scheduler=scheduler,
        analyse=_fakes.quick_analyse,
        flux_column="f",
        time_column="stamp",
    )
    with Catalog(plain, read_only=True) as cat:
        assert cat.query("select count(*) from errors")[1][0][0] == 2
    with Catalog(named, read_only=True) as cat:
        assert cat.query("select count(*) from stars")[1][0][0] == 2
        assert cat.query("select count(*) from errors")[1][0][0] == 0


def test_a_scan_workers_warnings_are_one_line_as_the_command_line_prints_them(tmp_path):
    """A warning raised while a worker reads a file is printed as ``starskope: warning: FILE:
    ...``, as ``info`` and ``search`` print it, not as Python's two lines with a source line."""
    import numpy as np

    rng = np.random.default_rng(2)
    t = 2457582.6 + np.arange(400) * 0.0204
    rows = [f"{x:.6f} {1 + 2e-4 * rng.standard_normal():.7f} 0.0002 K2" for x in t]
    rows += [f"{2457831.6 + 0.002 * i:.6f} 0.98 0.001 LCOGT" for i in range(30)]
    f = tmp_path / "two_instruments.dat"
    f.write_text("\n".join(rows) + "\n")
    cmd = [sys.executable, "-m", "starskope", "scan", str(f), "-c", str(tmp_path / "c.duckdb")]
    out = subprocess.run(cmd + ["--workers", "1"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "starskope: warning:" in out.stderr and "holds 2 photometric bands" in out.stderr
    assert "StarskopeWarning" not in out.stderr and "keep = one_band(" not in out.stderr


def test_a_scan_whose_every_input_fails_exits_1_and_names_them(tmp_path, capsys):
    """It exited 0 and named no file: the failures were only in the errors table (an audit of
    the command line); a scan with some stars and some errors still exits 0, naming them."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "bad.csv").write_text("a,b\nx,y\n")
    (d / "empty.csv").write_text("")
    assert main(["scan", str(d), "-c", str(tmp_path / "c.duckdb"), "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert "starskope: error: " + str(d / "bad.csv") + ": unrecognised text format" in err
    assert "starskope: error: " + str(d / "empty.csv") + ": file is empty" in err
    import shutil

    from starskope.datasets import demo_dir

    shutil.copy(demo_dir() / "ktwo211495446-c05_llc.fits.gz", d)
    assert main(["scan", str(d), "-c", str(tmp_path / "c2.duckdb"), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "bad.csv: unrecognised text format" in err and "ktwo211495446" not in err


def test_epochs_in_catalog_tables_keep_their_decimals():
    """A full BJD to six significant figures (2.4569e+06) is no ephemeris (a new user's audit
    of the README): epochs are shown to 1e-5 d, other numbers to six figures."""
    from starskope.cli.scan import _fmt

    assert _fmt(2456900.123456, "t0") == "2456900.12346"
    assert _fmt(2456900.123456, "t0_bjd") == "2456900.12346"
    assert _fmt(2456900.123456, "depth_ppm") == "2.4569e+06"
    assert _fmt(3.14159265, "period_days") == "3.14159"
