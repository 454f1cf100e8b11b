"""`starskope predict --survey`: signals shared by the rows of one table are vetoed."""

from __future__ import annotations

import json

import numpy as np
import pytest

from starskope.cli import main
from starskope.io.kaggle import write_kaggle


def test_predict_survey_vetoes_a_dip_shared_by_the_rows_of_a_table(tmp_path, capsys):
    """Four rows dip at 1.3 d at the same times (a systematic of the campaign); a fifth hosts
    its own planet at 3.1 d. With --survey the four are flagged and their scores set to 0."""
    rng = np.random.default_rng(4)
    t = np.arange(3197) * 29.4244 / 1440
    shared = np.abs((t - 0.4 + 0.65) % 1.3 - 0.65) < 0.045
    planet = np.abs((t - 1.7 + 1.55) % 3.1 - 1.55) < 0.06
    flux = 1.0 + rng.normal(0, 3e-4, (5, t.size))
    flux[:4, shared] -= 1.5e-3
    flux[4, planet] -= 1.5e-3
    table = write_kaggle(tmp_path / "c.csv", 2000.0 * flux, np.array([1, 1, 1, 1, 2]))

    assert main(["predict", str(table), "--json", "--no-explain"]) == 0
    plain = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    # two worker processes: the same results, in the same order
    assert main(["predict", str(table), "--json", "--no-explain", "--jobs", "2"]) == 0
    two = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    for a, b in zip(plain, two, strict=True):
        a.pop("timings"), b.pop("timings")
        assert a == b
    assert main(["predict", str(table), "--json", "--no-explain", "--survey"]) == 0
    survey = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["row"] for r in survey] == [0, 1, 2, 3, 4]
    for r in survey[:4]:
        flags = {f["name"]: f for f in r["candidates"][0]["vetting"]}
        assert flags["common_ephemeris"]["raised"] and r["score"] == 0.0
        assert not r["is_candidate"]
        # gbm's own classes: the vetoed probability goes to not_planet, not to "other"
        assert set(r["class_probabilities"]) == {"planet", "not_planet"}
        assert r["class_probabilities"]["not_planet"] == pytest.approx(1.0)
    assert survey[4]["score"] == plain[4]["score"]
    assert all("common_ephemeris" not in str(r) for r in plain)
    for r in plain:  # every candidate carries what the model says of it; the first, the score
        assert r["candidates"][0]["extra"]["model_score"] == pytest.approx(r["score"], abs=1e-6)
        assert all(0 <= c["extra"]["model_score"] <= 1 for c in r["candidates"])

    # `search --survey` flags the same candidates (no model: no score to change)
    assert main(["search", str(table), "--json", "--survey"]) == 0
    found = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["row"] for r in found] == [0, 1, 2, 3, 4]
    for r in found[:4]:
        assert "common_ephemeris" in r["candidates"][0]["flags"] or any(
            f["name"] == "common_ephemeris" and f["raised"] for f in r["candidates"][0]["vetting"]
        )
        assert not r["is_candidate"] and r["score"] is None
    assert found[4]["is_candidate"]


def test_predict_survey_with_a_raw_flux_model_says_nothing_is_compared(tmp_path, capsys):
    pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    table = write_kaggle(tmp_path / "r.csv", 2000.0 + rng.normal(0, 1, (2, 3197)), [1, 1])
    assert main(["predict", str(table), "--json", "--no-explain", "--model", "original-cnn",
                 "--survey"]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "--survey compares the stars' signals, and original-cnn scores raw flux" in err
