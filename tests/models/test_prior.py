"""Prior shift of calibrated probabilities, as every classifier applies it."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.exceptions import StarskopeError
from starskope.models.prior import at_host_prior, shift_prior


class _Binary:
    train_prior_ = 0.5

    def __init__(self, host_prior):
        self.host_prior = host_prior


class _Multi(_Binary):
    def planet_column(self) -> int:
        return 0


def test_unchanged_without_a_host_prior():
    p = np.array([[0.3, 0.7]])
    assert at_host_prior(_Binary(None), p) is p


def test_binary_models_shift_column_one():
    out = at_host_prior(_Binary(0.1), np.array([[0.5, 0.5]]))
    np.testing.assert_allclose(out, [[0.9, 0.1]])


def test_multiclass_models_shift_their_planet_column():
    p = np.array([[0.5, 0.25, 0.25]])
    out = at_host_prior(_Multi(0.1), p)
    np.testing.assert_allclose(out, shift_prior(p, planet_col=0, train_prior=0.5, host_prior=0.1))
    assert out[0, 0] == pytest.approx(0.1) and out.sum() == pytest.approx(1.0)


def test_bad_prior_is_refused():
    with pytest.raises(StarskopeError, match="host_prior must be strictly between 0 and 1"):
        at_host_prior(_Binary(1.5), np.array([[0.5, 0.5]]))
