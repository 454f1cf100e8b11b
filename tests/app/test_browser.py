"""End-to-end tests in a real browser: Debian's chromium driven by playwright-core (npm).

Setup (once): ``apt-get install -y chromium`` and ``npm ci --prefix tests/app/browser``.
Skipped, with the reason, when node, chromium or playwright-core is missing. The browser
script (``browser/e2e.mjs``) loads the table, sorts it, filters it, opens a star, checks the
plots were drawn and zoom, and uploads a corrupt and a good file. Screenshots go to a temporary
folder, or to ``docs/screenshots/`` when ``STARSKOPE_SCREENSHOTS=docs/screenshots`` is set.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BROWSER_DIR = HERE / "browser"
CHROMIUM = os.environ.get("STARSKOPE_CHROMIUM", "/usr/bin/chromium")


def _why_no_browser() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (needed to drive the browser with playwright-core)"
    if not Path(CHROMIUM).exists():
        return f"no chromium at {CHROMIUM} (apt-get install -y chromium, or set STARSKOPE_CHROMIUM)"
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed (npm ci --prefix tests/app/browser)"
    return None


_WHY_NOT = _why_no_browser()

pytestmark = [
    pytest.mark.skipif(_WHY_NOT is not None, reason=_WHY_NOT or ""),
    pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient` is deprecated"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser_catalog(tmp_path_factory, catalog_file):
    """The test catalog plus the bundled real light curves (so the pages look like real use)."""
    import dataclasses

    from starskope.catalog import Catalog, StarRecord
    from starskope.datasets import demo_files
    from starskope.io import read
    from starskope.pipeline import analyse

    f = tmp_path_factory.mktemp("browser") / "results.duckdb"
    shutil.copy(catalog_file, f)
    wanted = ("lightkurve_wasp18", "kic010797460", "ktwo211495446")
    records = []
    for p in demo_files():
        if p.name.startswith(wanted):
            res = dataclasses.replace(analyse(read(p)), path=str(p))
            records.append(StarRecord(str(p), res))
    with Catalog(f) as cat:
        _, rows = cat.query("SELECT run_id FROM runs LIMIT 1")
        cat.write(records, run_id=rows[0][0])
    return f


@pytest.fixture(scope="module")
def server(browser_catalog):
    import uvicorn

    from starskope.app import create_app

    port = _free_port()
    app = create_app(catalog=browser_catalog, upload_timeout=120)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    t_end = time.time() + 20
    while not srv.started and time.time() < t_end:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_app_in_a_real_browser(server, synthetic_file, tmp_path):
    bad = tmp_path / "corrupt_lightcurve.fits"
    bad.write_bytes(b"SIMPLE  =                    T" + b"\x00\xff" * 400)
    shots = Path(os.environ.get("STARSKOPE_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "STARSKOPE_E2E_STAR": "TIC 100100827"}
    proc = subprocess.run(
        ["node", str(BROWSER_DIR / "e2e.mjs"), server, str(synthetic_file), str(bad), str(shots)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    checks = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    failed = [c for c in checks if not c["ok"]]
    assert proc.returncode == 0 and not failed and len(checks) >= 10, (
        f"rc={proc.returncode} failed={failed} stderr={proc.stderr[-2000:]}"
    )
    for name in ("table.png", "star.png", "star-candidate.png", "upload-error.png"):
        assert (shots / name).stat().st_size > 10_000
