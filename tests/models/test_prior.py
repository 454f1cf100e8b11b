"""Prior shift of calibrated probabilities, as every classifier applies it."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.exceptions import StarskopeError
from starskope.models.prior import at_host_prior, estimate_prior, shift_planet, shift_prior


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


def _calibrated(rng, n, share, train_prior):
    """Labels at ``share`` and their exact posterior probabilities at ``train_prior``."""
    host = rng.random(n) < share
    x = rng.normal(np.where(host, 2.0, 0.0), 1.0)
    odds = np.exp(2.0 * x - 2.0) * train_prior / (1 - train_prior)
    return host, odds / (1 + odds)


@pytest.mark.parametrize("share", [0.01, 0.1, 0.3])
def test_estimated_share_recovers_the_populations(share):
    rng = np.random.default_rng(5)
    host, p = _calibrated(rng, 40000, share, train_prior=0.3)
    est = estimate_prior(p, train_prior=0.3)
    assert est == pytest.approx(host.mean(), rel=0.15)
    assert abs(p.mean() - host.mean()) > abs(est - host.mean()) or share == 0.3
    # scores moved to another share first give the same estimate from there
    q = shift_planet(p, train_prior=0.3, host_prior=0.05)
    assert estimate_prior(q, train_prior=0.05) == pytest.approx(est, rel=1e-5)


def test_shift_planet_is_shift_priors_planet_column():
    p = np.array([0.0, 0.2, 0.5, 0.9, 1.0])
    two = np.c_[1 - p, p]
    np.testing.assert_allclose(
        shift_planet(p, train_prior=0.3, host_prior=0.02),
        shift_prior(two, planet_col=1, train_prior=0.3, host_prior=0.02)[:, 1],
    )


def test_estimate_prior_rejects_bad_input():
    with pytest.raises(StarskopeError, match="at least one"):
        estimate_prior([], train_prior=0.3)
    with pytest.raises(StarskopeError, match=r"in \[0, 1\]"):
        estimate_prior([0.2, 1.5], train_prior=0.3)
    with pytest.raises(StarskopeError, match="train_prior"):
        estimate_prior([0.2], train_prior=1.0)


def test_estimate_is_the_likelihoods_maximum_and_the_ems_fixed_point():
    rng = np.random.default_rng(9)
    _, p = _calibrated(rng, 5000, 0.05, train_prior=0.3)
    est = estimate_prior(p, train_prior=0.3)
    grid = np.linspace(0.001, 0.3, 3000)
    lh, ln = p / 0.3, (1 - p) / 0.7
    loglik = [np.sum(np.log(g * lh + (1 - g) * ln)) for g in grid]
    assert est == pytest.approx(grid[int(np.argmax(loglik))], abs=2e-4)
    # the EM's fixed point: the scores moved to the estimate average to it
    assert shift_planet(p, train_prior=0.3, host_prior=est).mean() == pytest.approx(est, rel=1e-6)


def test_estimate_stays_half_a_star_inside_its_bounds():
    # scores that carry no information: the likelihood is flat or peaks at a boundary
    assert estimate_prior(np.full(200, 0.1), train_prior=0.3) == pytest.approx(0.5 / 200)
    assert estimate_prior(np.full(200, 0.9), train_prior=0.3) == pytest.approx(1 - 0.5 / 200)
    assert estimate_prior([0.0, 1.0], train_prior=0.3) == pytest.approx(0.5)
