"""Bundled demo data: present, labelled, readable, small."""

from __future__ import annotations

import numpy as np

from starskope.datasets import demo_dir, demo_files, demo_labels
from starskope.io import read


def test_demo_files_and_labels():
    files, labels = demo_files(), demo_labels()
    assert 4 <= len(files) <= 6 and len(files) == len(labels)
    assert all(p.is_file() for p in files)
    assert sum(p.stat().st_size for p in files) < 3_000_000
    assert {r["mission"] for r in labels} == {"Kepler", "K2", "TESS"}
    hosts = {r["mission"] for r in labels if r["is_planet_host"] == 1}
    assert hosts == {"Kepler", "K2", "TESS"}
    assert any(r["is_planet_host"] == 0 for r in labels)
    assert (demo_dir() / "PROVENANCE.md").is_file()
    k2_3 = next(r for r in labels if r["target"] == "K2-3")
    assert k2_3["periods"] == [10.0545, 24.6465, 44.5576]


def test_demo_files_read_with_their_labels():
    for path, row in zip(demo_files(), demo_labels(), strict=True):
        lc = read(path)
        assert lc.meta.mission == row["mission"], path
        assert lc.meta.product == row["format"], path
        assert lc.meta.target == row["catalog_id"], path
        assert lc.meta.segment == row["segment"], path
        assert lc.n_valid > 1000 and np.isfinite(lc.cadence), path
