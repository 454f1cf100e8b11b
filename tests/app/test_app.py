"""The web app through FastAPI's TestClient: table, star page, plots, CSV, SQL, uploads."""

from __future__ import annotations

import csv
import io
import re
import time

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

pytestmark = pytest.mark.filterwarnings(
    # starlette's TestClient announces a future switch from httpx (third-party)
    "ignore:Using `httpx` with `starlette.testclient` is deprecated",
)


def _client(**kw):
    from fastapi.testclient import TestClient

    from starskope.app import create_app

    return TestClient(create_app(**kw))


@pytest.fixture(scope="module")
def client(catalog_file):
    with _client(catalog=catalog_file, max_upload_bytes=400_000, upload_timeout=90) as c:
        yield c


def _targets(html: str) -> list[str]:
    import re

    return re.findall(r'class="star-link" href="[^"]*">([^<]+)</a>', html)


def test_table_lists_candidates_and_sorts(client):
    r = client.get("/")
    assert r.status_code == 200
    assert set(_targets(r.text)) == {"SYN 1", "TIC 1001", "TIC 1002", "TIC 1003"}
    by_score = _targets(client.get("/?sort=score&order=desc").text)
    assert by_score[:3] == ["TIC 1003", "TIC 1002", "TIC 1001"]  # NULL score last
    by_snr = _targets(client.get("/?sort=snr&order=asc").text)
    snrs = {"TIC 1001": 8.0, "TIC 1003": 12.0, "TIC 1002": 50.0}
    known = [snrs[t] for t in by_snr if t in snrs]
    assert known == sorted(known)


def test_table_filters(client):
    assert _targets(client.get("/?flag=odd_even").text) == ["TIC 1002"]
    assert set(_targets(client.get("/?mission=tess").text)) == {"SYN 1", "TIC 1003"}
    assert set(_targets(client.get("/?min_snr=11&max_period=3.5").text)) <= {"SYN 1", "TIC 1002"}
    assert "TIC 1003" not in _targets(client.get("/?flag=none").text)
    assert _targets(client.get("/?q=1001").text) == ["TIC 1001"]


def test_bad_parameters_give_a_message_not_a_500(client):
    r = client.get("/?sort=drop_table")
    assert r.status_code == 400 and "sort must be one of" in r.text
    r = client.get("/?min_snr=abc")
    assert r.status_code == 400 and "min_snr must be a number" in r.text
    for bad in ("min_snr=nan", "max_period=NaN"):  # no row for one, every row for the other
        r = client.get(f"/?{bad}")
        assert r.status_code == 400 and "must be a number" in r.text
    assert client.get("/star", params={"id": "nope"}).status_code == 404


def test_csv_export_follows_the_selection(client):
    r = client.get("/export.csv?mission=TESS&sort=snr&order=desc")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["target"] for row in rows} == {"SYN 1", "TIC 1003"}
    assert [float(x["snr"]) for x in rows] == sorted((float(x["snr"]) for x in rows), reverse=True)
    flagged = next(row for row in rows if row["target"] == "TIC 1003")
    assert flagged["flags"] == "secondary;v_shape"


def test_star_page_and_its_plot_data(client, synthetic_file):
    r = client.get("/star", params={"id": str(synthetic_file)})
    assert r.status_code == 200
    assert "SYN 1" in r.text and "candidate-1" in r.text and 'id="plots"' in r.text
    assert "/static/plot.js" in r.text and "http://" not in r.text and "https://" not in r.text
    p = client.get("/api/plots", params={"id": str(synthetic_file)})
    assert p.status_code == 200
    data = p.json()
    ids = [panel["id"] for panel in data["panels"]]
    assert ids == ["raw", "flat", "periodogram"]
    assert data["panels"][2]["logx"] is True
    folded, odd_even, secondary = data["candidates"][0]
    labels = [s["label"] for s in folded["series"]]
    assert "binned" in labels and "transit fit" in labels
    assert {s["label"] for s in odd_even["series"]} == {"odd", "even"}
    assert secondary["id"] == "secondary-1"
    # the light curve behind a stored-only star is gone: a clear message, not a 500
    gone = client.get("/api/plots", params={"id": "/nowhere/star1.fits"})
    assert gone.status_code == 404 and "can no longer be read" in gone.json()["error"]


def test_star_page_names_the_known_planet(tmp_path, make_result):
    from starskope.catalog import Catalog, StarRecord

    res = make_result(7, mission="Kepler", snr=30.0)
    c = res.candidates[0]
    import dataclasses

    from starskope.catalogs import known_objects

    kb = known_objects().query("planet_name == 'Kepler-90 b'").iloc[0]
    on_b = float(kb["epoch_bjd"]) + 50 * float(kb["period"])  # a transit of Kepler-90 b
    res = dataclasses.replace(
        res,
        target="KIC 11442793",
        candidates=(dataclasses.replace(c, period_days=7.0082, t0_bjd=on_b),),
        score=0.8,
        explanation={"model": "gbm", "feature_contributions": {"depth_snr": 0.31}},
    )
    f = tmp_path / "k.duckdb"
    with Catalog(f) as cat:
        run = cat.start_run(parameters={"method": "bls"}, inputs=["x"])
        cat.write([StarRecord("k90", res)], run_id=run)
    with _client(catalog=f) as c:
        page = c.get("/star", params={"id": "k90"})
        assert page.status_code == 200 and "/api/known?id=k90" in page.text
        assert "depth_snr" in page.text and "0.31" in page.text  # the model's explanation
        got = c.get("/api/known", params={"id": "k90"}).json()["known"]
        assert got[0]["label"] == "known planet Kepler-90 b"
    with _client(catalog=f, known=False) as c:
        assert "/api/known" not in c.get("/star", params={"id": "k90"}).text
        assert c.get("/api/known", params={"id": "k90"}).status_code == 404


def test_sql_is_read_only(client, catalog_file):
    r = client.get("/sql", params={"q": "SELECT count(*) AS n FROM stars"})
    assert r.status_code == 200 and "sql-result" in r.text
    for q, msg in (
        ("DROP TABLE stars", "only SELECT"),
        ("DELETE FROM stars", "only SELECT"),
        ("SELECT 1; DROP TABLE stars", "one statement"),
        ("SELECT * FROM read_csv('/etc/passwd')", "disabled"),
        ("COPY stars TO '/tmp/x.csv'", "only SELECT"),
    ):
        r = client.get("/sql", params={"q": q})
        assert r.status_code == 400 and msg in r.text, q
    assert _targets(client.get("/").text)  # the catalog is intact


def _wait(client, url: str, limit: float = 90.0) -> dict:
    job_id = url.rstrip("/").rsplit("/", 1)[1]
    t_end = time.time() + limit
    while time.time() < t_end:
        s = client.get(f"/api/job/{job_id}").json()
        if s["done"]:
            return s
        time.sleep(0.3)
    raise AssertionError("upload job did not finish")


def test_upload_corrupt_file_gets_a_clear_message(client):
    r = client.post("/upload", files={"file": ("broken.fits", b"SIMPLE  = garbage" * 50)})
    assert r.status_code == 200 and "/job/" in str(r.url)
    s = _wait(client, str(r.url))
    assert s["stage"] == "failed" and "broken.fits" in s["message"]
    assert "starskope-uploads" not in s["message"]  # the temporary path is not shown
    # a file name with "--" in it is no command-line option to explain (a review)
    r = client.post("/upload", files={"file": ("tess--sector-14.csv", b"time,flux\n")})
    s = _wait(client, str(r.url))
    assert s["stage"] == "failed" and "tess--sector-14.csv" in s["message"]
    assert "options such as" not in s["message"], s["message"]
    page = client.get(str(r.url))
    assert page.status_code == 200 and "could not be analysed" in page.text
    assert "could not be analysed: broken.fits:" not in page.text  # the name said once


def test_upload_good_file_is_analysed(client, synthetic_file):
    r = client.post("/upload", files={"file": ("my_star.csv", synthetic_file.read_bytes())})
    s = _wait(client, str(r.url))
    assert s["ok"], s
    page = client.get(str(r.url))
    assert (
        page.status_code == 200 and "candidate-1" in page.text and "planet candidate" in page.text
    )
    plots = client.get(str(r.url).replace("/job/", "/api/job/") + "/plots").json()
    assert [p["id"] for p in plots["panels"]] == ["raw", "flat", "periodogram"]
    # the fit's period error: the upload page kept every fit error but this one
    row = re.search(r"Period \(transit fit\)</td><td[^>]*>[^<]*</td><td[^>]*>([^<]*)<", page.text)
    assert row and re.fullmatch(r"\d+\.\d+", row.group(1)), row


def test_upload_limits(client):
    r = client.post("/upload", files={"file": ("big.csv", b"1,2\n" * 120_000)})
    assert r.status_code == 413 and "larger than" in r.text
    r = client.post("/upload", files={"file": ("empty.csv", b"")})
    assert r.status_code == 400
    r = client.post("/upload", data={"other": "x"})
    assert r.status_code == 400 and "Choose a light-curve file" in r.text


def test_upload_timeout_stops_the_worker(catalog_file, synthetic_file):
    with _client(catalog=None, upload_timeout=0.2) as c:
        r = c.post("/upload", files={"file": ("slow.csv", synthetic_file.read_bytes())})
        s = _wait(c, str(r.url), limit=30)
        assert s["stage"] == "failed" and "longer than 0.2 s" in s["message"]
        home = c.get("/")
        assert home.status_code == 200 and "No catalog is open" in home.text


def test_serve_binds_localhost_by_default():
    import inspect

    from starskope.cli.report import serve_command

    assert inspect.signature(serve_command).parameters["host"].default.default == "127.0.0.1"


def test_trend_line_breaks_at_data_gaps():
    import numpy as np

    from starskope.app.plotdata import _break_gaps

    x, y = _break_gaps(np.array([0.0, 0.1, 0.2, 5.0, 5.1]), np.ones(5))
    assert np.isnan(x[3]) and np.isnan(y[3]) and x.size == 6


def test_too_many_uploads_at_once_get_a_message(synthetic_file):
    with _client(catalog=None, max_running=0) as c:
        r = c.post("/upload", files={"file": ("a.csv", synthetic_file.read_bytes())})
        assert r.status_code == 429 and "analyses no uploads" in r.text


def test_a_slow_sql_query_is_stopped_and_the_app_answers_again(client, monkeypatch):
    """One unbounded query held the app's only connection (/ took 12 s, then hung)."""
    from starskope.app import store

    monkeypatch.setattr(store, "SQL_TIMEOUT_S", 0.5)
    start = time.time()
    r = client.get("/sql", params={"q": "SELECT count(*) FROM range(100000000000) a"})
    assert r.status_code == 400 and "ran longer than 0.5 s" in r.text
    assert time.time() - start < 10
    assert _targets(client.get("/").text)  # the app answers again


def test_on_loopback_only_loopback_hosts_and_same_origin_uploads(synthetic_file):
    """DNS rebinding (a page whose host name resolves to 127.0.0.1) and cross-site forms
    could read the catalog and start uploads."""
    from fastapi.testclient import TestClient

    from starskope.app import create_app
    from starskope.cli.report import LOOPBACK_HOSTS

    app = create_app(catalog=None, allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/").status_code == 200
        assert c.get("/", headers={"host": "localhost:8000"}).status_code == 200
        assert c.get("/", headers={"host": "attacker.example:8000"}).status_code == 400
        files = {"file": ("a.csv", synthetic_file.read_bytes())}
        r = c.post("/upload", files=files, headers={"origin": "http://attacker.example"})
        assert r.status_code == 403
        r = c.post("/upload", files=files, headers={"origin": "http://127.0.0.1:8000"})
        assert r.status_code == 200 and "/job/" in str(r.url)


def test_an_upload_without_a_length_is_refused_before_it_is_spooled(client):
    def body():
        yield b"--x\r\nContent-Disposition: form-data; name=file; filename=a.csv\r\n\r\n"
        yield b"1,2\n" * 10
        yield b"\r\n--x--\r\n"

    r = client.post(
        "/upload", content=body(), headers={"content-type": "multipart/form-data; boundary=x"}
    )
    assert r.status_code == 411 and "Content-Length" in r.text


def test_upload_of_a_table_of_stars_says_to_scan_it(client, tmp_path):
    import numpy as np

    from starskope.io import write_kaggle

    table = write_kaggle(tmp_path / "k.csv", 1 + np.zeros((3, 200)), [2, 1, 1])
    r = client.post("/upload", files={"file": ("exoTest.csv", table.read_bytes())})
    s = _wait(client, str(r.url))
    assert s["stage"] == "failed" and "starskope scan" in s["message"]
    assert "row=" not in s["message"] and "exoTest.csv" in s["message"]


def test_upload_page_names_the_file_not_its_temporary_copy(client, synthetic_file):
    r = client.post("/upload", files={"file": ("my_star.csv", synthetic_file.read_bytes())})
    assert _wait(client, str(r.url))["ok"]
    page = client.get(str(r.url)).text
    assert "starskope-uploads" not in page and "my_star.csv" in page


def test_the_upload_worker_memory_is_capped(tmp_path, synthetic_file):
    """A 1-MB gzip file of 400 MB of zeros behind a light curve (a "gzip bomb") ends as a
    message, not as a worker taking the machine's memory."""
    import gzip
    import multiprocessing as mp

    from starskope.app.jobs import analyse_upload

    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as fh:
        fh.write(synthetic_file.read_bytes())
        zeros = b"0" * (1 << 20)
        for _ in range(400):
            fh.write(zeros)
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=analyse_upload, args=(str(bomb), q, 300))
    p.start()
    msgs = []
    while True:
        kind, value = q.get(timeout=120)
        msgs.append((kind, value))
        if kind in ("done", "failed"):
            break
    p.join(timeout=30)
    assert kind == "failed" and "too large" in value, msgs


def test_null_scores_rank_candidates_first(tmp_path, make_result):
    """A scan runs no model: every score is NULL, and the table fell back to file names."""
    from starskope.catalog import Catalog, StarRecord

    f = tmp_path / "c.duckdb"
    recs = [
        StarRecord("/a/aaa.fits", make_result(1, mission="K2", snr=9.0, flags=("odd_even",))),
        StarRecord("/a/bbb.fits", make_result(2, mission="K2", snr=8.0)),
        StarRecord("/a/ccc.fits", make_result(3, mission="K2", snr=30.0)),
    ]
    with Catalog(f) as cat:
        cat.write(recs, run_id=cat.start_run(parameters={"m": 1}, inputs=["x"]))
    with _client(catalog=f) as c:
        assert _targets(c.get("/").text) == ["TIC 1003", "TIC 1002", "TIC 1001"]


def test_table_paging_and_sql_edges(client):
    r = client.get("/", params={"offset": "99999999999999999999999"})
    assert r.status_code == 200 and "none on this page" in r.text
    r = client.get("/sql", params={"q": "-- just a comment"})
    assert r.status_code == 400 and "no statement to run" in r.text
    r = client.get("/sql", params={"q": "SELECT repeat('x', 100000) AS s"})
    assert r.status_code == 200 and "(100000 characters)" in r.text and len(r.text) < 50_000
    # a list, struct or map cell is cut too (SELECT range(5000000) rendered a 44 MB page: an
    # audit of the app)
    r = client.get("/sql", params={"q": "SELECT range(200000) AS l, {'a': repeat('y', 9000)} AS m"})
    assert r.status_code == 200 and "(200000 entries)" in r.text and "(1 entry)" in r.text
    assert len(r.text) < 50_000


def test_plots_refused_for_a_file_replaced_by_another_star(tmp_path, synthetic_file):
    import dataclasses
    import shutil

    from starskope.catalog import Catalog, StarRecord
    from starskope.io import read
    from starskope.pipeline import analyse

    a = tmp_path / "a.csv"
    shutil.copy(synthetic_file, a)
    res = dataclasses.replace(analyse(read(a)), path=str(a))
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        cat.write([StarRecord(str(a), res)], run_id=cat.start_run(parameters={}, inputs=["x"]))
    other = tmp_path / "b.csv"
    other.write_text("\n".join(a.read_text().splitlines()[:800]) + "\n")  # a shorter curve
    shutil.copy(other, a)
    with _client(catalog=f) as c:
        r = c.get("/api/plots", params={"id": str(a)})
        assert r.status_code == 409 and "not the light curve that was scanned" in r.json()["error"]


def test_plots_refused_for_a_file_rewritten_with_the_same_star_and_length(tmp_path, synthetic_file):
    """The app compared only the target and number of cadences, where ``report --catalog``
    also compares the size and time the scan recorded: a file rewritten with the same star
    and length got plots of its new data (an audit of the app)."""
    import dataclasses
    import os
    import shutil

    from starskope.catalog import Catalog, StarRecord
    from starskope.catalog.store import file_stamp
    from starskope.io import read
    from starskope.pipeline import analyse

    a = tmp_path / "a.csv"
    shutil.copy(synthetic_file, a)
    res = dataclasses.replace(analyse(read(a)), path=str(a))
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        run = cat.start_run(parameters={}, inputs=["x"])
        cat.write([StarRecord(str(a), res)], run_id=run, stamps={str(a): file_stamp(a)})
    with _client(catalog=f) as c:
        assert c.get("/api/plots", params={"id": str(a)}).status_code == 200
    lines = a.read_text().splitlines()
    a.write_text("\n".join(lines[:1] + [ln + "0" for ln in lines[1:]]) + "\n")  # same rows
    os.utime(a, ns=(file_stamp(a)[1] + 10**9, file_stamp(a)[1] + 10**9))
    with _client(catalog=f) as c:
        r = c.get("/api/plots", params={"id": str(a)})
        assert r.status_code == 409 and "changed since it was scanned" in r.json()["error"]


def test_a_table_is_checked_again_once_its_file_changes(tmp_path, monkeypatch, make_result):
    """Rows of a table swapped after the app had checked it once were plotted as the old
    rows: the check was kept for as long as the app ran."""
    import os

    import starskope.catalog.store as store
    from starskope.app.store import CatalogView
    from starskope.catalog import Catalog, StarRecord

    catalog_file = tmp_path / "own.duckdb"  # a view of its own (DuckDB shares open files)
    with Catalog(catalog_file) as cat:
        rec = StarRecord("/a/x.fits", make_result(1, mission="K2", snr=9.0))
        cat.write([rec], run_id=cat.start_run(parameters={}, inputs=["x"]))
    calls = []
    monkeypatch.setattr(store, "content_changed", lambda path, rec: calls.append(path) or False)
    table = tmp_path / "k.csv"
    table.write_text("x")
    view = CatalogView(catalog_file)
    try:
        assert not view.table_changed(f"{table}#row=1")
        assert not view.table_changed(f"{table}#row=2")
        assert len(calls) == 1  # once per version of the file
        os.utime(table, ns=(1, 10**18))
        view.table_changed(f"{table}#row=1")
        assert len(calls) == 2
    finally:
        view.close()


def test_typed_filters_match_literally(client):
    assert _targets(client.get("/", params={"q": "%"}).text) == []
    # only the file with an underscore in its name (synthetic_star.csv), not every row
    assert _targets(client.get("/", params={"q": "_"}).text) == ["SYN 1"]
    assert _targets(client.get("/", params={"mission": "%"}).text) == []
    assert _targets(client.get("/", params={"q": "TIC 100"}).text)  # a plain substring still


def test_csv_cells_a_spreadsheet_would_run_are_defused_and_the_link_exports_all(client):
    from starskope.app.server import _spreadsheet_safe

    assert _spreadsheet_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _spreadsheet_safe(-3.5) == -3.5 and _spreadsheet_safe(None) == ""
    page = client.get("/", params={"limit": 2}).text
    import re

    link = re.search(r'href="(/export\.csv\?[^"]*)"', page).group(1)
    assert "limit" not in link
    sql = client.get("/sql", params={"q": "SELECT NULL AS n"}).text
    assert "<em>NULL</em>" in sql


def test_upload_of_flux_without_times_takes_the_cadence_field(client, synthetic_file):
    flux = [line.split(",")[1] for line in synthetic_file.read_text().splitlines()[1:]]
    data = ("flux\n" + "\n".join(flux) + "\n").encode()
    r = client.post("/upload", files={"file": ("column.txt", data)})
    s = _wait(client, str(r.url))
    assert s["stage"] == "failed" and '"minutes between samples" field' in s["message"]
    r = client.post("/upload", files={"file": ("column.txt", data)}, data={"cadence": "10"})
    assert _wait(client, str(r.url))["ok"]
    res = client.get(str(r.url)).text
    assert "planet candidate" in res
    r = client.post("/upload", files={"file": ("column.txt", data)}, data={"cadence": "-1"})
    # in the form's words (it named the command line's option, the form has a field)
    assert r.status_code == 400 and "the &#34;minutes between samples&#34; field must be" in r.text


def test_origin_is_scheme_host_and_port_and_a_bad_host_is_a_400(synthetic_file):
    from fastapi.testclient import TestClient

    from starskope.app import create_app
    from starskope.cli.report import LOOPBACK_HOSTS

    app = create_app(catalog=None, allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        files = {"file": ("a.csv", synthetic_file.read_bytes())}
        for other in ("http://localhost:9999", "https://127.0.0.1:8000", "null"):
            assert c.post("/upload", files=files, headers={"origin": other}).status_code == 403
        r = c.get("/", headers={"host": "[::1"})
        assert r.status_code == 400 and "answers only to" in r.text
        assert c.get("/", headers={"host": "[::1]:8000"}).status_code == 200


def test_memory_cap_is_skipped_where_the_platform_has_none(monkeypatch):
    import resource

    from starskope.app import jobs

    monkeypatch.delattr(resource, "RLIMIT_AS")
    jobs._limit_memory(4096)  # no AttributeError: every upload failed with one


def test_uploads_beyond_the_workers_wait_their_turn(synthetic_file):
    """A third upload while two ran was refused and the file lost; now it waits ("queued")."""
    with _client(catalog=None, max_running=1) as c:
        app_jobs = c.app.state.jobs
        app_jobs.max_queued = 1
        data = synthetic_file.read_bytes()
        first = c.post("/upload", files={"file": ("a.csv", data)})
        second = c.post("/upload", files={"file": ("b.csv", data)})
        third = c.post("/upload", files={"file": ("c.csv", data)})
        assert third.status_code == 429 and "waiting already" in third.text
        assert c.get(str(second.url).replace("/job/", "/api/job/")).json()["stage"] == "queued"
        assert _wait(c, str(first.url))["ok"] and _wait(c, str(second.url))["ok"]


def test_uploads_leave_the_servers_own_environment_alone(synthetic_file, monkeypatch):
    """The workers' one-thread settings were written into the server's environment, where
    numba, compiling later, refused NUMBA_NUM_THREADS=1 once its pool had two threads."""
    import os

    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        monkeypatch.delenv(k, raising=False)
    with _client(catalog=None) as c:
        r = c.post("/upload", files={"file": ("a.csv", synthetic_file.read_bytes())})
        assert _wait(c, str(r.url))["ok"]
    assert not {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"} & set(os.environ)


def test_star_page_shows_a_single_transit_by_its_time_and_least_period(tmp_path, make_result):
    import dataclasses

    from starskope.catalog import Catalog, StarRecord

    res = make_result(8, mission="TESS", snr=9.0, flags=("n_transits",))
    one = {"t0": 1733.622, "min_period_days": 11.17, "all_periods_from_days": 22.2}
    c = dataclasses.replace(res.candidates[0], n_transits=1, extra={"single_transit": one})
    res = dataclasses.replace(res, candidates=(c,))
    f = tmp_path / "s.duckdb"
    with Catalog(f) as cat:
        run = cat.start_run(parameters={"method": "bls"}, inputs=["x"])
        cat.write([StarRecord("one", res)], run_id=run)
    with _client(catalog=f) as client:
        page = client.get("/star", params={"id": "one"}).text
    assert "a single transit at t = 1733.6220, P &ge; 11.17 d" in page
    assert "P = 9.00000 d" not in page


def test_form_words_put_command_line_advice_in_the_forms_terms():
    """Errors named --cadence-minutes, Python names and a folder to pass, which the upload
    form does not have (an audit of the app)."""
    from starskope.app.jobs import form_words

    said = form_words(
        "cadence_minutes (--cadence-minutes) must be from one second (1/60) to 1440 minutes;"
        " got '-5'"
    )
    assert said.startswith('the "minutes between samples" field must be')
    said = form_words(
        "nan.csv: all flux values are NaN in column 'flux'; another flux column may hold data"
        " (e.g. --flux-column sap_flux; Python: flux_column=)"
    )
    assert "(e.g. --flux-column sap_flux)" in said and "Python" not in said
    assert "the upload form has none but the minutes between samples" in said
    assert form_words("two.zip: unzip it and pass the files (or the folder)").endswith(
        "unzip it and upload them one at a time"
    )


def test_raw_offsets_of_no_unit_are_not_drawn_on_the_relative_flux_scale(tmp_path):
    """flux - 1 (or a mean-subtracted Kaggle row) divided by its median filled the raw panel
    from -169 to +472, the cleaned flux and trend a flat line beside it; ppm offsets are
    converted (an audit of the app)."""
    from starskope.app.plotdata import star_plot_data
    from starskope.io import read
    from starskope.pipeline import analyse_full

    rng = np.random.default_rng(2)
    t = np.arange(1500.0, 1520.0, 10.0 / 1440.0)
    f = 1e-3 * rng.standard_normal(t.size)
    f[np.abs((t - 1501.0 + 1.5) % 3.0 - 1.5) < 0.06] -= 5e-3
    for name, col, values, drawn in (
        ("fm1.csv", "flux", f, False),
        ("ppm.csv", "flux_ppm", 1e6 * f, True),
    ):
        path = tmp_path / name
        path.write_text(
            f"time,{col}\n" + "".join(f"{a:.6f},{b:.8g}\n" for a, b in zip(t, values, strict=True))
        )
        panel = star_plot_data(analyse_full(read(path)))["panels"][0]
        names = [s["label"] for s in panel["series"]]
        assert ("raw" in names) is drawn and "cleaned" in names
        if drawn:
            raw = next(s for s in panel["series"] if s["label"] == "raw")
            y = np.array([np.nan if v is None else v for v in raw["y"]], dtype=float)
            assert 0.98 < np.nanmin(y) and np.nanmax(y) < 1.02
