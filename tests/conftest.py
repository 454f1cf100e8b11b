"""Shared fixtures: seeded synthetic light curves, the shared-data location, Agg backend."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("STARSKOPE_SHARED_DATA", REPO.parent / "shared" / "data"))
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path_factory, monkeypatch):
    """Keep every cache (Kaggle tables, views, MAST) out of the user's own during tests."""
    monkeypatch.setenv("STARSKOPE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("STARSKOPE_CACHE", raising=False)  # it would win over the line above


@pytest.fixture
def rng():
    return np.random.default_rng(42)


@pytest.fixture
def shared_data() -> Path:
    """The real labelled light curves in ../shared/data, or skip with a reason."""
    if not (SHARED_DATA / "labels.csv").exists():
        pytest.skip(f"../shared/data not found at {SHARED_DATA} (set STARSKOPE_SHARED_DATA)")
    return SHARED_DATA
