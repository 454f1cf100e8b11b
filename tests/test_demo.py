"""The README's main job: ``starskope demo`` on the bundled light curves."""

from __future__ import annotations

import json

from starskope.cli import main
from starskope.datasets import demo_files, demo_labels


def test_demo_runs_end_to_end(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    lines = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    assert len(lines) == len(demo_files())
    assert all(r["error"] is None for r in lines)
    assert len(list((out / "plots").glob("*.png"))) == len(demo_files())
    assert (out / "report" / "index.html").exists()
    # every bundled host with a period the data can show is found at a known period
    labels = {row["file"]: row for row in demo_labels()}
    found = 0
    for r in lines:
        name = r["path"].split("/")[-1]
        lab = labels[name]
        if lab["is_planet_host"] == 1 and r["is_candidate"]:
            p = r["candidates"][0]["period_days"]
            found += any(abs(p - q) < 0.01 * q for q in lab["periods"])
        if lab["is_planet_host"] == 0:
            assert not r["is_candidate"], name
    assert found >= 2
    assert "Report" in capsys.readouterr().out
