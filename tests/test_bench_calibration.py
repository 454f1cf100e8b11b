"""benchmarks/bench_calibration.py: reliability of a shipped model on fresh campaigns."""

import re

from benchmarks.bench_calibration import main


def test_calibration_benchmark_scores_both_priors(tmp_path, monkeypatch, shared_data):
    monkeypatch.setenv("STARSKOPE_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "res" / "calibration.md"
    text = main(["--scale", "0.03", "--models", "original-cnn", "--work", str(tmp_path / "w"),
                 "--out", str(out)])  # fmt: skip
    assert out.read_text() == text and (tmp_path / "res" / "calibration.png").stat().st_size > 5000
    pattern = (r"^\| (training|survey) share \| original-cnn \| (training|own|auto) \((\S+)\) "
               r"\| (\d+) \| (\d+) \|")
    rows = re.findall(pattern, text, re.M)
    assert len(rows) == 6
    got = {(c, p): (float(prior), int(n), int(k)) for c, p, prior, n, k in rows}
    assert got[("training", "training")][0] == 0.25  # the card's balanced-batch share
    assert got[("training", "own")] == (0.3, 30, 9)  # 30 stars, 9 hosts: scored at 0.3
    assert got[("survey", "own")] == (0.0222, 90, 2)  # printed to 3 significant digits
    assert "--n-stars 90 --n-hosts 2 --seed 702" in text
    auto = got[("survey", "auto")]
    assert 0 < auto[0] < 1 and auto[1:] == (90, 2)  # estimated without the labels
