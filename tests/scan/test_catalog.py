"""The DuckDB catalog: schema from the result dataclasses, atomic idempotent writes, reads."""

from __future__ import annotations

import dataclasses
import json

import duckdb
import pyarrow.parquet as pq
import pytest

from starskope.catalog import CANDIDATE_COLUMNS, STAR_COLUMNS, Catalog, ErrorRecord, StarRecord
from starskope.exceptions import StarskopeError
from starskope.result import Candidate, StarResult, VetFlag


def _cand(period, snr):
    return Candidate(
        period_days=period,
        t0=1.5,
        t0_format="btjd",
        t0_bjd=2457001.5,
        duration_hours=2.0,
        depth_ppm=800.0,
        depth_ppm_err=50.0,
        snr=snr,
        sde=12.0,
        power=3.0,
        n_transits=4,
        vetting=(VetFlag("odd_even", True, 3.2, "odd and even depths differ by 3.2 sigma"),),
    )


def _star(i, *, n_cand=2, is_candidate=False, score=None):
    cands = tuple(_cand(1.0 + i + k, 10.0 + i) for k in range(n_cand))
    res = StarResult(
        path=f"/data/s{i}.fits",
        mission="TESS",
        target=f"TIC {i}",
        n_points=1000,
        candidates=cands,
        is_candidate=is_candidate,
        score=score,
        reasons=("one", "two"),
        timings={"search": 0.1},
    )
    return StarRecord(f"/data/s{i}.fits", res, 0.5)


def test_columns_come_from_the_dataclasses():
    star_fields = {f.name for f in dataclasses.fields(StarResult)} - {"candidates"}
    assert {n for n, _ in STAR_COLUMNS} == star_fields
    assert {n for n, _ in CANDIDATE_COLUMNS} == {f.name for f in dataclasses.fields(Candidate)} | {
        "flags"
    }
    types = dict(STAR_COLUMNS)
    assert types["ra"] == "DOUBLE" and types["n_points"] == "BIGINT"
    assert types["is_candidate"] == "BOOLEAN" and types["reasons"] == "JSON"


def test_write_is_idempotent_and_round_trips(tmp_path):
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        run = cat.start_run(parameters={"method": "bls"}, inputs=["x"])
        recs = [_star(i) for i in range(3)] + [
            ErrorRecord("/data/bad.fits", "corrupt", stage="read")
        ]
        assert cat.write(recs, run_id=run) == (3, 1)
        assert cat.write(recs, run_id=run) == (0, 0)  # nothing stored twice
        assert cat.counts() == {"stars": 3, "candidates": 6, "errors": 1, "runs": 1}
        assert cat.finished(["/data/s1.fits", "/data/bad.fits", "/data/new.fits"]) == {
            "/data/s1.fits",
            "/data/bad.fits",
        }
        cat.end_run(run, status="finished", n_done=3, n_errors=1, n_skipped=0)
    with Catalog(f, read_only=True) as cat:
        (back,) = cat.show("TIC 1")
        assert back == _star(1).result
        cols, rows = cat.query(
            "SELECT flags, vetting FROM candidates WHERE input_id = '/data/s2.fits'"
        )
        assert json.loads(rows[0][0]) == ["odd_even"]
        _, rows = cat.query("SELECT status, n_done, ended_at IS NOT NULL FROM runs")
        assert rows == [("finished", 3, True)]
        assert cat.show("s2")[0].target == "TIC 2"  # substring match


def test_show_finds_a_star_by_its_known_planets_name(tmp_path):
    """``catalog show K2-3`` matched the K2-32 file by substring, never the star whose
    candidates are "known planet K2-3 b" (a new user's read-through of the README)."""
    k2_3, k2_32 = _star(1), _star(2)
    c = dataclasses.replace(
        k2_3.result.candidates[1], known="known planet K2-3 d (period alias x1/2)"
    )
    k2_3 = dataclasses.replace(
        k2_3,
        result=dataclasses.replace(
            k2_3.result, target="EPIC 201367065", candidates=(k2_3.result.candidates[0], c)
        ),
    )
    k2_32 = dataclasses.replace(k2_32, result=dataclasses.replace(k2_32.result, target="K2-32"))
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        run = cat.start_run(parameters={"method": "bls"}, inputs=["x"])
        cat.write([k2_3, k2_32], run_id=run)
    with Catalog(f, read_only=True) as cat:
        assert [r.target for r in cat.show("K2-3")] == ["EPIC 201367065"]
        assert [r.target for r in cat.show("K2-32")] == ["K2-32"]  # exact, as before
        assert [r.target for r in cat.show("2-3")] == ["K2-32"]  # substring, as before


def test_a_failed_transaction_leaves_nothing(tmp_path, monkeypatch):
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        run = cat.start_run(parameters={}, inputs=[])
        from starskope.catalog import store

        real = store._table
        calls = {"n": 0}

        def failing(rows, cols):  # the candidates insert fails after the star rows went in
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")
            return real(rows, cols)

        monkeypatch.setattr(store, "_table", failing)
        with pytest.raises(RuntimeError):
            cat.write([_star(1)], run_id=run)
        assert cat.counts()["stars"] == 0 and cat.counts()["candidates"] == 0


def test_other_parameters_are_refused(tmp_path):
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        cat.start_run(parameters={"method": "bls"}, inputs=[])
        cat.start_run(parameters={"method": "bls"}, inputs=[])  # same config: a resume
        with pytest.raises(StarskopeError, match="different parameters.*method"):
            cat.start_run(parameters={"method": "tls"}, inputs=[])


def test_top_orders_candidates_then_score(tmp_path):
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        run = cat.start_run(parameters={}, inputs=[])
        cat.write(
            [
                _star(0, score=0.2),
                _star(1, is_candidate=True, score=0.9),
                _star(2, n_cand=0),
                _star(3, is_candidate=True, score=0.95),
            ],
            run_id=run,
        )
        cols, rows = cat.top(n=3)
    assert [r[cols.index("target")] for r in rows] == ["TIC 3", "TIC 1", "TIC 0"]


def test_read_only_refuses_writes_and_missing_files(tmp_path):
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        cat.start_run(parameters={}, inputs=[])
    with Catalog(f, read_only=True) as cat:
        with pytest.raises(StarskopeError, match="read-only"):
            cat.query("DELETE FROM stars")
    with pytest.raises(StarskopeError, match="no such catalog"):
        Catalog(tmp_path / "missing.duckdb", read_only=True)
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(StarskopeError, match="not a starskope catalog"):
        Catalog(other, read_only=True)
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StarskopeError, match=str(junk.name)):
        Catalog(junk)


def test_export_parquet(tmp_path):
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        run = cat.start_run(parameters={}, inputs=[])
        cat.write([_star(0), _star(1)], run_id=run)
        files = cat.export_parquet(tmp_path / "out")
    assert sorted(p.name for p in files) == [
        "candidates.parquet",
        "errors.parquet",
        "input_files.parquet",
        "runs.parquet",
        "stars.parquet",
        "table_files.parquet",
    ]
    assert pq.read_table(tmp_path / "out" / "candidates.parquet").num_rows == 4


def _shared(i, *, period, t0_bjd, target=None, rejected=None):
    """A TESS star whose one planet-like candidate has the given ephemeris (27-day sector),
    optionally after a rejected signal at period ``rejected``."""
    c = dataclasses.replace(
        _cand(period, 12.0), t0=t0_bjd - 2457000.0, t0_bjd=t0_bjd, vetting=(), is_planet_like=True
    )
    cands = (c,)
    if rejected is not None:
        var = VetFlag("variability", True, 1.0, "the star's rotation")
        shift = 2.0 * i  # each star's own rotation, at its own phase
        own = dataclasses.replace(c, t0=c.t0 + shift, t0_bjd=t0_bjd + shift)
        cands += (
            dataclasses.replace(own, period_days=rejected, vetting=(var,), is_planet_like=False),
        )
    res = StarResult(
        path=f"/data/sh{i}.fits",
        mission="TESS",
        target=target or f"TIC {100 + i}",
        n_points=1000,
        time_span_days=27.0,
        candidates=cands,
        is_candidate=True,
    )
    return StarRecord(f"/data/sh{i}.fits", res, 0.5)


def test_common_signals_finds_a_shared_ephemeris(tmp_path):
    """Five stars of one sector dip at 1.7 d at the same times (a neighbour's eclipses spilled
    onto them); four others have their own signals, and two files of one star share theirs."""
    f = tmp_path / "c.duckdb"
    shared = [
        _shared(i, period=1.7 + 1e-4 * i, t0_bjd=2459001.3 + 0.01 * i, rejected=9.1 if i else None)
        for i in range(5)
    ]
    own = [_shared(5 + i, period=p, t0_bjd=2459000.9 + i) for i, p in enumerate((2.3, 3.9, 6.1))]
    twice = [_shared(8 + i, period=4.4, t0_bjd=2459002.0, target="TIC 999") for i in range(2)]
    with Catalog(f) as cat:
        run = cat.start_run(parameters={}, inputs=[])
        cat.write([*shared, *own, *twice], run_id=run)
        cols, rows = cat.common_signals()
        _, every = cat.common_signals(include_all=True)
    got = [dict(zip(cols, r, strict=True)) for r in rows]
    assert sorted(r["target"] for r in got) == [f"TIC {100 + i}" for i in range(5)]
    assert all(r["n_matches"] == 4 and r["common"] and r["p_value"] < 1e-3 for r in got)
    assert "TIC 101" in got[0]["matches"] or got[0]["target"] == "TIC 101"
    assert len(every) == 14 and sum(r[cols.index("common")] for r in every) == 5
    assert all(r[cols.index("n_matches")] == 0 for r in every if r[2] == "TIC 999")
    with Catalog(f, read_only=True) as cat:
        tcols, top = cat.top(n=20)
        _, kept = cat.top(n=20, exclude_common=True)
        _, two = cat.top(n=2, exclude_common=True)
    assert len(top) == 10 and len(two) == 2
    names = {r[tcols.index("target")] for r in kept}
    assert names == {"TIC 105", "TIC 106", "TIC 107", "TIC 999"} and len(kept) == 5


def test_runs_recorded_before_the_read_columns_are_compared_without_them(tmp_path):
    """A catalog scanned by an earlier version (no flux_column key in its runs) resumes with
    the columns given; one that recorded them refuses other columns."""
    from starskope import PipelineConfig
    from starskope.exceptions import StarskopeError

    base = PipelineConfig().to_dict()
    old = tmp_path / "old.duckdb"
    with Catalog(old) as cat:
        cat.start_run(parameters=base, inputs=[])
        cat.start_run(
            parameters={**base, "flux_column": "SAP_FLUX", "time_column": None}, inputs=[]
        )
    new = tmp_path / "new.duckdb"
    with Catalog(new) as cat:
        cat.start_run(parameters={**base, "flux_column": None, "time_column": None}, inputs=[])
        with pytest.raises(StarskopeError, match="different parameters"):
            cat.start_run(
                parameters={**base, "flux_column": "SAP_FLUX", "time_column": None}, inputs=[]
            )
