"""Issue 6: a scan killed part way (SIGKILL) and restarted stores every input exactly once, with
the results of an uninterrupted scan; corrupt files and a bad Kaggle row become error rows."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

import duckdb
import numpy as np
import pytest

from starskope.result import StarResult
from starskope.scan import scan

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

CLI = "import sys; from starskope.cli import main; sys.exit(main(sys.argv[1:]))"
COMMITTED = re.compile(r"committed (\d+) stars, (\d+) errors")


def _rows(catalog, sql):
    con = duckdb.connect(str(catalog), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _results(catalog) -> dict[str, dict]:
    out = {}
    for input_id, js in _rows(catalog, "SELECT input_id, result_json FROM stars"):
        d = StarResult.from_json(js).to_dict()
        d.pop("timings")  # wall-clock times differ between runs
        out[input_id] = d
    return out


def _start(args, tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
        start_new_session=True,  # its own process group: the kill takes the workers too
    )


def _lines(stream, q):
    for line in stream:
        q.put(line)
    q.put(None)


def _kill_part_way_and_resume(tmp_path, table, scheduler, cluster_args):
    """Scan ``table`` with the CLI, SIGKILL it once >= 5 stars are stored, restart, compare."""
    pytest.importorskip("starskope.pipeline")
    killed = tmp_path / "killed.duckdb"
    args = [str(table), "--catalog", str(killed), *cluster_args]
    proc = _start(["scan", *args, "--commit-every", "0", "--chunk-rows", "1", "-v"], tmp_path)
    q: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stderr, q), daemon=True).start()
    seen, log = 0, []
    deadline = time.monotonic() + 240
    try:
        while seen < 5 and time.monotonic() < deadline:
            try:
                line = q.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                break
            log.append(line)
            if m := COMMITTED.search(line):
                seen = int(m[1]) + int(m[2])
    finally:
        # the whole process group: the coordinator and, with a local cluster, its workers
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert seen >= 5, "".join(log[-20:])

    # after the kill: whole stars only, and the run never ended
    stored = _rows(killed, "SELECT count(*) FROM stars")[0][0]
    assert 5 <= stored < 40, f"killed too late ({stored} stars): make the scan slower"
    assert _rows(killed, "SELECT status, ended_at FROM runs") == [("running", None)]
    partial = _rows(
        killed,
        "SELECT s.input_id FROM stars s LEFT JOIN candidates c USING (input_id) "
        "GROUP BY s.input_id, s.n_candidates HAVING count(c.input_id) <> s.n_candidates",
    )
    assert partial == []

    # restart: finished stars are skipped, the rest are done
    restart = _start(["scan", *args], tmp_path)
    out, err = restart.communicate(timeout=300)
    assert restart.returncode == 0, err[-2000:]
    assert f"{stored} skipped" in out
    assert "Traceback" not in err
    # the killed run is marked so by the next one, with what it stored
    assert _rows(killed, "SELECT status, n_done FROM runs ORDER BY started_at") == [
        ("killed", stored),
        ("finished", 40 - stored),
    ]

    # an uninterrupted scan of the same inputs
    reference = tmp_path / "reference.duckdb"
    scan([table], catalog=reference, scheduler=scheduler)
    for cat in (killed, reference):
        assert _rows(cat, "SELECT count(*), count(DISTINCT input_id) FROM stars") == [(40, 40)]
        assert _rows(cat, "SELECT count(*) FROM errors") == [(0,)]
    assert _results(killed) == _results(reference)
    assert _rows(killed, "SELECT count(*) FROM candidates") == _rows(
        reference, "SELECT count(*) FROM candidates"
    )


def test_killed_coordinator_resumes_with_every_input_once(tmp_path, kaggle_table, scheduler):
    """The coordinator dies (SIGKILL) while the Dask cluster lives on; a new one resumes."""
    _kill_part_way_and_resume(tmp_path, kaggle_table, scheduler, ["--scheduler", scheduler])


@pytest.mark.slow
def test_killed_local_scan_resumes_with_every_input_once(tmp_path, kaggle_table, scheduler):
    """The whole local scan (coordinator, scheduler and worker processes) dies at once."""
    _kill_part_way_and_resume(tmp_path, kaggle_table, scheduler, ["--workers", "1"])


def test_corrupt_files_and_a_bad_row_among_good_ones(tmp_path, scheduler):
    pytest.importorskip("starskope.pipeline")
    from starskope.io.kaggle import write_kaggle

    from .conftest import make_flux

    flux, labels = make_flux(6, seed=9)
    table = write_kaggle(tmp_path / "table.csv", flux, labels)
    with table.open("a") as fh:
        fh.write("2," + ",".join(["100.0"] * 17) + "\n")  # wrong length
    d = tmp_path / "files"
    d.mkdir()
    (d / "junk.fits").write_bytes(os.urandom(4000))
    (d / "empty.fits").write_bytes(b"")
    (d / "truncated.fits.gz").write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(100))
    (d / "words.csv").write_text("this,is\nnot,a light curve\n")
    cat = tmp_path / "c.duckdb"
    s = scan([table, d], catalog=cat, scheduler=scheduler)
    assert (s.n_done, s.n_errors) == (6, 5)
    errors = dict(_rows(cat, "SELECT input_id, reason FROM errors"))
    assert set(errors) == {
        f"{table}#row=6",
        *(str(d / n) for n in ("junk.fits", "empty.fits", "truncated.fits.gz", "words.csv")),
    }
    for input_id, reason in errors.items():
        assert reason and os.path.basename(input_id.split("#")[0]) in reason, (input_id, reason)
    assert "Traceback" not in " ".join(errors.values())


def test_retry_errors_retries_this_runs_inputs_and_keeps_the_others(tmp_path, scheduler):
    """--retry-errors deleted every stored error before the run (even one refused before it
    started, even those of inputs not named again). Now each retried input's error is replaced
    by its new outcome, and the rest stay."""
    pytest.importorskip("starskope.pipeline")
    d = tmp_path / "files"
    d.mkdir()
    (d / "junk.fits").write_bytes(os.urandom(4000))
    (d / "words.csv").write_text("this,is\nnot,a light curve\n")
    cat = tmp_path / "c.duckdb"
    s = scan([d], catalog=cat, scheduler=scheduler)
    assert s.n_errors == 2
    # the junk file is repaired: a readable light curve now
    t = np.arange(500) * 0.02
    (d / "junk.fits").unlink()
    good = d / "junk.csv"
    good.write_text("time,flux\n" + "\n".join(f"{x:.4f},{1 + 1e-3 * np.sin(x):.6f}" for x in t))
    s2 = scan([d / "words.csv"], catalog=cat, scheduler=scheduler, retry_errors=True)
    assert s2.n_errors == 1  # words.csv tried again, still an error, stored once
    errors = [r[0] for r in _rows(cat, "SELECT input_id FROM errors")]
    assert sorted(errors) == sorted([str(d / "junk.fits"), str(d / "words.csv")])


def test_the_columns_read_are_settings_of_the_catalog(tmp_path, scheduler):
    """A scan with --flux-column resumed without it mixed SAP and PDCSAP stars silently."""
    from starskope.exceptions import StarskopeError

    d = tmp_path / "files"
    d.mkdir()
    t = np.arange(300) * 0.02
    for i in range(2):
        rows = "\n".join(
            f"{x:.3f},{1 + 1e-3 * np.sin(x + i):.6f},{2 + 1e-3 * np.cos(x):.6f}" for x in t
        )
        (d / f"s{i}.csv").write_text("time,flux,sap_flux\n" + rows)
    cat = tmp_path / "c.duckdb"
    s = scan([d / "s0.csv"], catalog=cat, scheduler=scheduler, flux_column="sap_flux")
    assert s.n_done == 1
    with pytest.raises(StarskopeError, match="different parameters.*flux_column"):
        scan([d], catalog=cat, scheduler=scheduler)
    assert scan([d], catalog=cat, scheduler=scheduler, flux_column="sap_flux").n_done == 1


def test_the_cadence_spaces_table_rows_and_files_of_one_column(tmp_path, scheduler):
    """--cadence-minutes: a Kaggle table's rows (read at an offset by the workers) and a single
    column of flux are spaced at the given cadence; it is a setting of the catalog."""
    from starskope.exceptions import StarskopeError
    from starskope.io.kaggle import write_kaggle

    d = tmp_path / "files"
    d.mkdir()
    n = 1000  # 1.4 d at two minutes: long enough for two transits of the shortest period
    write_kaggle(d / "k.csv", 100 + np.random.default_rng(0).normal(0, 0.1, (2, n)), [2, 1])
    (d / "one.csv").write_text("flux\n" + "\n".join(f"{1 + 1e-4 * i:.6f}" for i in range(n)))
    cat = tmp_path / "c.duckdb"
    s = scan([d], catalog=cat, scheduler=scheduler, cadence_minutes=2)
    assert (s.n_done, s.n_errors) == (3, 0)
    for res in _results(cat).values():
        assert res["cadence_minutes"] == pytest.approx(2.0)
        assert res["time_span_days"] == pytest.approx((n - 1) * 2 / 1440)
    with pytest.raises(StarskopeError, match="different parameters.*cadence_minutes"):
        scan([d], catalog=cat, scheduler=scheduler)
    # reports and the app read the stars again as the scan read them
    from starskope.catalog import Catalog
    from starskope.report.build import lightcurve_for, read_options

    with Catalog(cat, read_only=True) as c:
        kw = read_options(c)
    assert kw == {"cadence_minutes": 2.0}
    for input_id, js in _rows(cat, "SELECT input_id, result_json FROM stars"):
        lc = lightcurve_for(StarResult.from_json(js), input_id, **kw)
        assert lc.cadence * 1440 == pytest.approx(2.0)


def test_a_ctrl_c_python_drops_is_remembered_for_the_scan_loop():
    """A KeyboardInterrupt raised in a gc callback is lost; the flag is not."""
    from starskope.scan.runner import _remembered_interrupt

    before = signal.getsignal(signal.SIGINT)
    with _remembered_interrupt() as interrupted:
        assert not interrupted()
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            pass  # as if swallowed where it landed
        assert interrupted()
    assert signal.getsignal(signal.SIGINT) is before
