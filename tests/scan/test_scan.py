"""scan() on a running Dask scheduler: errors become rows, dead workers are retried, resume skips."""

from __future__ import annotations

import os

import duckdb
import numpy as np
import pytest

from starskope.catalog import Catalog
from starskope.config import PipelineConfig
from starskope.exceptions import StarskopeError
from starskope.io.kaggle import write_kaggle
from starskope.scan import iter_items, run_items, scan

from . import _fakes
from .conftest import make_flux

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _rows(catalog, sql):
    con = duckdb.connect(str(catalog), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _table_with_bad_rows(tmp_path):
    flux, labels = make_flux(20, seed=3)
    p = write_kaggle(tmp_path / "mixed.csv", flux, labels)
    with p.open("a") as fh:
        fh.write("1," + ",".join(["100.0"] * 120) + "\n")  # row 20: too short
        fh.write("7," + ",".join(["100.0"] * flux.shape[1]) + "\n")  # row 21: bad label
        fh.write("2," + ",".join(["101.5"] * flux.shape[1]) + "\n")  # row 22: good
    return p


def test_bad_rows_become_errors_and_the_scan_goes_on(tmp_path, scheduler):
    table = _table_with_bad_rows(tmp_path)
    cat = tmp_path / "c.duckdb"
    s = scan([table], catalog=cat, scheduler=scheduler, analyse=_fakes.fail_on_row_5)
    assert (s.n_done, s.n_errors, s.n_skipped, s.status) == (20, 3, 0, "finished")
    errors = dict(
        (r[0].split("#row=")[1], (r[1], r[2]))
        for r in _rows(cat, "SELECT input_id, stage, reason FROM errors")
    )
    assert errors["20"][0] == "read" and "expected 301 values" in errors["20"][1]
    assert "mixed.csv" in errors["20"][1]  # the reason names the file
    assert errors["21"][0] == "read" and "LABEL" in errors["21"][1]
    assert errors["5"] == ("analyse", "ValueError: boom on row 5")
    assert _rows(cat, "SELECT count(*), count(DISTINCT input_id) FROM stars") == [(20, 20)]
    assert _rows(cat, "SELECT status, n_done, n_errors FROM runs") == [("finished", 20, 3)]


def test_results_equal_a_serial_run(tmp_path, scheduler, kaggle_table):
    cat = tmp_path / "c.duckdb"
    config = PipelineConfig(method="bls")
    scan(
        [kaggle_table],
        catalog=cat,
        scheduler=scheduler,
        analyse=_fakes.quick_analyse,
        config=config,
    )
    from starskope.result import StarResult

    serial = {
        r.input_id: StarResult.from_json(r.rows[0]["result_json"])
        for r in run_items(list(iter_items([kaggle_table])), config, _fakes.quick_analyse)
    }
    with Catalog(cat, read_only=True) as c:
        _, rows = c.query("SELECT input_id, result_json FROM stars")
        assert len(rows) == 40
        for input_id, js in rows:
            assert StarResult.from_json(js) == serial[input_id]
        _, n = c.query("SELECT count(*) FROM candidates")
        assert n == [(40,)]


def test_restart_skips_finished_inputs(tmp_path, scheduler, kaggle_table):
    cat = tmp_path / "c.duckdb"
    kw = {"catalog": cat, "scheduler": scheduler, "analyse": _fakes.quick_analyse}
    scan([kaggle_table], **kw)
    con = duckdb.connect(str(cat))
    con.execute("DELETE FROM candidates WHERE input_id LIKE '%row=1_'")
    con.execute("DELETE FROM stars WHERE input_id LIKE '%row=1_'")  # 10 rows never finished
    con.close()
    s = scan([kaggle_table], **kw)
    assert (s.n_done, s.n_skipped) == (10, 30)
    assert _rows(cat, "SELECT count(*), count(DISTINCT input_id) FROM stars") == [(40, 40)]
    s = scan([kaggle_table, kaggle_table], **kw)  # the same input twice: nothing new
    assert (s.n_done, s.n_errors, s.n_skipped) == (0, 0, 80)
    assert _rows(cat, "SELECT count(*) FROM runs WHERE status = 'finished'") == [(3,)]


def test_a_dying_worker_is_retried_then_recorded(tmp_path, scheduler, kaggle_table):
    cat = tmp_path / "c.duckdb"
    s = scan(
        [kaggle_table],
        catalog=cat,
        scheduler=scheduler,
        analyse=_fakes.crash_on_row_3,
        max_attempts=3,
        chunk_rows=4,
    )
    assert (s.n_done, s.n_errors) == (39, 1) and s.n_retried >= 2
    ((input_id, stage, reason, attempts),) = _rows(
        cat, "SELECT input_id, stage, reason, attempts FROM errors"
    )
    assert input_id.endswith("#row=3") and stage == "worker" and attempts == 3
    assert "worker failed" in reason
    # the other stars of the crashing chunk were not lost
    assert _rows(cat, "SELECT count(*) FROM stars WHERE row IN (0, 1, 2)") == [(3,)]


def test_backpressure_bounds_the_tasks_in_flight(tmp_path, scheduler, kaggle_table, monkeypatch):
    import distributed

    state = {"open": set(), "max": 0, "submitted": 0}
    real_submit, real_release = distributed.Client.submit, distributed.Future.release

    def submit(self, *a, **k):
        fut = real_submit(self, *a, **k)
        state["open"].add(fut.key)
        state["submitted"] += 1
        state["max"] = max(state["max"], len(state["open"]))
        return fut

    def release(self, *a, **k):
        state["open"].discard(self.key)
        return real_release(self, *a, **k)

    monkeypatch.setattr(distributed.Client, "submit", submit)
    monkeypatch.setattr(distributed.Future, "release", release)
    s = scan(
        [kaggle_table],
        catalog=tmp_path / "c.duckdb",
        scheduler=scheduler,
        analyse=_fakes.quick_analyse,
        chunk_rows=1,
        max_in_flight=3,
    )
    assert s.n_done == 40 and state["submitted"] == 40
    assert state["max"] == 3  # never more than max_in_flight tasks outstanding


class _LogLengthProbe:
    """A progress sink that records the Dask message-log length in force during the scan."""

    def __init__(self):
        self.seen = []

    def start(self, *, total, skipped):
        import dask

        self.seen.append(dask.config.get("distributed.admin.low-level-log-length"))

    def update(self, *, done, errors, skipped):
        import dask

        self.seen.append(dask.config.get("distributed.admin.low-level-log-length"))

    def stop(self):
        pass


def test_scan_keeps_short_dask_message_logs(tmp_path, scheduler, kaggle_table):
    # Dask's default (1000 recent message batches per connection) held every task's arguments
    # in the coordinator: its memory grew with the number of inputs
    import dask

    from starskope.scan.runner import _CLUSTER_CONFIG

    before = dask.config.get("distributed.admin.low-level-log-length")
    probe = _LogLengthProbe()
    s = scan(
        [kaggle_table],
        catalog=tmp_path / "c.duckdb",
        scheduler=scheduler,
        analyse=_fakes.fail_on_row_5,
        progress=probe,
    )
    assert s.status == "finished" and probe.seen
    short = _CLUSTER_CONFIG["distributed.admin.low-level-log-length"]
    assert short <= 64 and set(probe.seen) == {short}
    assert dask.config.get("distributed.admin.low-level-log-length") == before  # restored


def test_local_workers_get_one_numba_thread_and_this_process_keeps_its_own(tmp_path):
    # In a fresh interpreter: numba's thread pool already runs (as after wotan's parallel
    # sliders), a local cluster starts, its workers see NUMBA_NUM_THREADS=1, and this process
    # can still compile (numba refuses a changed NUMBA_NUM_THREADS once its threads run).
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import os
        import numba
        import numpy as np

        @numba.njit(parallel=True)
        def total(x):
            s = 0.0
            for i in numba.prange(x.size):
                s += x[i]
            return s

        total(np.ones(1000))  # launches numba's threads here
        before = os.environ.get("NUMBA_NUM_THREADS")
        from distributed import Client
        from starskope.scan.runner import _local_cluster

        cluster = _local_cluster(1)
        with Client(cluster) as client:
            seen = set(client.run(lambda: os.environ.get("NUMBA_NUM_THREADS")).values())
            trim = set(client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_")).values())
        cluster.close()
        assert seen == {"1"}, seen
        assert trim == {None}, trim  # glibc's adaptive threshold, not Dask's 64 KiB
        assert os.environ.get("NUMBA_NUM_THREADS") == before
        numba.njit(lambda a: a + 1)(1)  # a new compilation in this process
        print("ok")
        """
    )
    # (a cluster started earlier in the test process without starskope's settings has written
    # Dask's MALLOC_TRIM_THRESHOLD_ into its environment)
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]


def test_a_changed_table_is_refused_not_skipped_on_resume(tmp_path, scheduler):
    """A table regenerated under the same name keeps its row names: a resumed scan would keep
    the old rows' results as done. It is refused, named; the same content is resumed."""
    flux, labels = make_flux(6, seed=3)
    table = write_kaggle(tmp_path / "t.csv", flux, labels)
    cat = tmp_path / "c.duckdb"
    s = scan([table], catalog=cat, scheduler=scheduler, analyse=_fakes.fail_on_row_5)
    assert s.n_done + s.n_errors == 6
    write_kaggle(tmp_path / "t.csv", flux, labels)  # the same content, written again
    assert scan([table], catalog=cat, scheduler=scheduler).n_skipped == 6
    flux2, labels2 = make_flux(6, seed=4)
    write_kaggle(tmp_path / "t.csv", flux2, labels2)
    with pytest.raises(StarskopeError, match="t.csv: this table changed since its rows were"):
        scan([table], catalog=cat, scheduler=scheduler)
    with pytest.raises(StarskopeError, match="this table changed"):  # met inside a folder
        scan([tmp_path], catalog=cat, scheduler=scheduler)


def test_a_table_recorded_by_a_scan_that_stored_nothing_is_not_refused(tmp_path, scheduler):
    """A scan that fails before storing a row (here: other parameters) leaves a record, but a
    fixed table is then scanned, not refused; a gzip table written again with the same
    content (a new header time) resumes."""
    flux, labels = make_flux(6, seed=3)
    table = write_kaggle(tmp_path / "t.csv.gz", flux, labels)
    cat = tmp_path / "c.duckdb"
    scan([write_kaggle(tmp_path / "other.csv", flux, labels)], catalog=cat, scheduler=scheduler)
    with pytest.raises(StarskopeError, match="different parameters"):
        scan([table], catalog=cat, scheduler=scheduler, config=PipelineConfig(max_planets=1))
    flux2, labels2 = make_flux(6, seed=4)
    write_kaggle(tmp_path / "t.csv.gz", flux2, labels2)  # fixed: new content, nothing stored
    assert scan([table], catalog=cat, scheduler=scheduler).n_done == 6
    import time

    time.sleep(1.1)
    write_kaggle(tmp_path / "t.csv.gz", flux2, labels2)  # the same rows, a new gzip header
    assert scan([table], catalog=cat, scheduler=scheduler).n_skipped == 6


def test_a_scan_with_a_model_stores_its_scores(tmp_path, scheduler):
    """``scan(model=...)`` scores every star as ``search --model`` does (the catalog's score
    was null: the docs said scan scores); the model is one of the run's parameters, so a
    resume with another is refused; an unknown model is refused before any worker runs."""
    pytest.importorskip("sklearn")
    flux, labels = make_flux(6, seed=7, n_flux=400)  # 8.2 days: gbm scores from 6.5
    table = write_kaggle(tmp_path / "t.csv", flux, labels)
    cat = tmp_path / "c.duckdb"
    with pytest.raises(StarskopeError, match="no model file or shipped model named 'nope'"):
        scan([table], catalog=cat, scheduler=scheduler, model="nope")
    (tmp_path / "gbm").mkdir()  # a folder named like the shipped model does not shadow it
    monkey_cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        s = scan([table], catalog=cat, scheduler=scheduler, model="gbm")
    finally:
        os.chdir(monkey_cwd)
    assert s.n_done == 6
    with Catalog(cat, read_only=True) as c:
        scores = [r[0] for r in c.query("select score from stars")[1]]
    assert len(scores) == 6 and all(0.0 <= x <= 1.0 for x in scores)
    with pytest.raises(StarskopeError, match="different parameters"):
        scan([table], catalog=cat, scheduler=scheduler, model="original-cnn")


def _lc_csv(path, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.arange(n) * 0.0204
    rows = "\n".join(f"{a:.5f},{b:.6f}" for a, b in zip(t, 100 + rng.normal(size=n), strict=True))
    path.write_text("time,flux\n" + rows + "\n")


def test_a_replaced_single_file_is_analysed_again_on_resume(tmp_path, scheduler):
    """A light-curve file replaced under the same name (another size or modification time)
    was skipped as done on resume, its old result kept. It is analysed again and its stored
    outcome replaced; so is a broken file since fixed; untouched files are skipped."""
    d = tmp_path / "lc"
    d.mkdir()
    for k in range(3):
        _lc_csv(d / f"s{k}.csv", 300, seed=k)
    (d / "bad.csv").write_text("time,flux\n1,x\n")
    cat = tmp_path / "c.duckdb"
    s = scan([d], catalog=cat, scheduler=scheduler, analyse=_fakes.quick_analyse)
    assert (s.n_done, s.n_errors, s.n_changed) == (3, 1, 0)
    assert s.line().count("analysed again") == 0
    _lc_csv(d / "s1.csv", 500, seed=9)  # replaced: a longer light curve
    _lc_csv(d / "bad.csv", 400, seed=5)  # fixed
    again = scan([d], catalog=cat, scheduler=scheduler, analyse=_fakes.quick_analyse)
    assert (again.n_done, again.n_errors, again.n_skipped, again.n_changed) == (2, 0, 2, 2)
    assert "2 analysed again (changed since stored)" in again.line()
    points = dict(_rows(cat, "SELECT input_id, n_points FROM stars"))
    assert {os.path.basename(k): v for k, v in points.items()} == {
        "s0.csv": 300, "s1.csv": 500, "s2.csv": 300, "bad.csv": 400
    }  # fmt: skip
    assert _rows(cat, "SELECT count(*) FROM errors") == [(0,)]
    assert _rows(cat, "SELECT count(*), count(DISTINCT input_id) FROM candidates") == [(4, 4)]
    third = scan([d], catalog=cat, scheduler=scheduler, analyse=_fakes.quick_analyse)
    assert (third.n_done, third.n_skipped, third.n_changed) == (0, 4, 0)


def test_a_missing_or_retried_file_keeps_what_is_stored(tmp_path, scheduler):
    """A file listed in a manifest but gone on resume (a data mount missing) keeps its stored
    result instead of having it replaced by "no such file"; a stored error retried with
    --retry-errors after the file was fixed is not analysed a third time on the next resume."""
    d = tmp_path / "lc"
    d.mkdir()
    _lc_csv(d / "a.csv", 300, seed=1)
    _lc_csv(d / "b.csv", 300, seed=2)
    (d / "bad.csv").write_text("time,flux\n1,x\n")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,label\nlc/a.csv,1\nlc/b.csv,0\nlc/bad.csv,0\n")
    cat = tmp_path / "c.duckdb"
    s = scan([manifest], catalog=cat, scheduler=scheduler, analyse=_fakes.quick_analyse)
    assert (s.n_done, s.n_errors) == (2, 1)
    _lc_csv(d / "bad.csv", 400, seed=5)  # fixed, then retried
    r = scan([manifest], catalog=cat, scheduler=scheduler, analyse=_fakes.quick_analyse,
             retry_errors=True)  # fmt: skip
    assert (r.n_done, r.n_errors) == (1, 0)
    (d / "b.csv").rename(tmp_path / "b.csv")  # gone
    again = scan([manifest], catalog=cat, scheduler=scheduler, analyse=_fakes.quick_analyse)
    assert (again.n_done, again.n_errors, again.n_skipped, again.n_changed) == (0, 0, 3, 0)
    assert _rows(cat, "SELECT count(*) FROM stars") == [(3,)]
