"""benchmarks/bench_independent.py: the pipeline's own decision as a detector."""

import numpy as np
from benchmarks import independent_tables as it
from benchmarks.bench_independent import score_table


def test_search_scores_each_row_by_the_pipelines_decision(tmp_path):
    rng = np.random.default_rng(3)
    quiet = 5000.0 * (1 + rng.normal(0, 3e-4, it.N))
    planet = 5000.0 * (1 + rng.normal(0, 3e-4, it.N)) * it.transit_model(
        rng, 3.1, 1.3, 3e-3, 3 / 24, b=0.2
    )
    path = tmp_path / "two.csv"
    short = np.full(it.N, np.nan)
    short[:5] = 5000.0  # five usable cadences: the pipeline cannot analyse the row
    rows = [(1, quiet), (2, planet), (2, short)]
    it.write_table(str(path), rows, [{"kind": "quiet"}, {"kind": "planet"}, {"kind": "planet"}])
    scores, rate = score_table(path, "search")
    assert scores.tolist() == [0.0, 1.0, 0.0] and rate > 0
