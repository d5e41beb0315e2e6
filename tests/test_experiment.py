"""Tests of initlab.experiment: the stacked scheme comparison of chapter 8."""

import numpy as np
import pytest

from initlab.data import load_digits
from initlab.experiment import Comparison, compare_schemes


@pytest.fixture(scope="module")
def digits():
    return load_digits(rng=0)


@pytest.fixture(scope="module")
def small(digits):
    return compare_schemes(digits, "tanh", ["zeros", "unit_normal", "glorot_uniform"], hidden=(32, 32),
                           n_seeds=3, lr=0.1, sweep_lrs=(0.01, 0.5), sweep_seeds=2, steps=120,
                           batch_size=32, eval_every=40, rng=1)


def test_shapes(small):
    assert small.steps.tolist() == [0, 40, 80, 120]
    assert small.test_accuracy.shape == (4, 3, 3)
    assert small.train_loss.shape == (4, 3, 3)
    assert small.grad_norms_step0.shape == (3, 3, 3)  # schemes, seeds, layers
    assert small.sweep_lrs.tolist() == [0.01, 0.1, 0.5]
    assert small.sweep_accuracy.shape == (3, 3, 2)


def test_sweep_at_main_rate_reuses_main_networks(small):
    j = small.sweep_lrs.tolist().index(0.1)
    np.testing.assert_array_equal(small.sweep_accuracy[:, j], small.test_accuracy[-1][:, :2])


def test_zero_init_has_zero_gradients_and_chance_accuracy(small):
    assert np.all(small.grad_norms_step0[0] == 0)  # all hidden activations are tanh(0) = 0
    # the zero networks predict one class for every input: at most the largest class share
    counts = np.bincount(load_digits(rng=0).y_test, minlength=10)
    assert np.all(small.test_accuracy[-1, 0] <= counts.max() / counts.sum() + 1e-12)


def test_glorot_learns(small):
    mean, std, nd = small.final_accuracy()["glorot_uniform"]
    assert nd == 0 and mean > 0.7  # 10 classes: chance is about 0.1
    assert small.final_accuracy()["zeros"][0] < 0.2


def test_different_seeds_give_different_networks(small):
    g = small.grad_norms_step0[2]
    assert not np.allclose(g[0], g[1])


def test_learning_rates_are_applied(small):
    # With η = 0.01 the Glorot networks learn less in 120 steps than with η = 0.1.
    acc = small.sweep_accuracy[2]
    assert np.nanmean(acc[0]) < np.nanmean(acc[1])


def test_tables(small):
    text = small.table()
    assert text.splitlines()[0].startswith("tanh, learning rate 0.1, 3 seeds, 120 steps")
    row = [l for l in text.splitlines() if l.startswith("glorot_uniform")][0]
    m, s, _ = small.final_accuracy()["glorot_uniform"]
    assert f"{m:.3f} ± {s:.3f}" in row
    assert "η = 0.5" in small.sweep_table()
    best = small.best_per_scheme()
    assert best["glorot_uniform"] >= small.final_accuracy()["glorot_uniform"][0] - 0.2


def test_final_accuracy_handles_divergence():
    nan = np.nan
    c = Comparison("relu", ("a", "b"), 0.1, np.array([0, 1]), np.zeros((2, 2, 2)), np.zeros((2, 2, 2)),
                   np.array([[[0.1, 0.1], [nan, nan]], [[0.5, 0.7], [nan, nan]]]), np.ones((2, 2, 3)),
                   np.array([[False, False], [True, True]]), np.array([0.1]), np.full((2, 1, 1), nan),
                   np.ones((2, 1, 1), dtype=bool))
    fa = c.final_accuracy()
    assert fa["a"] == (pytest.approx(0.6), pytest.approx(np.std([0.5, 0.7], ddof=1)), 0)
    assert np.isnan(fa["b"][0]) and fa["b"][2] == 2
    assert "—" in c.table() and "div" in c.sweep_table()


def test_validation(digits):
    with pytest.raises(ValueError, match="sweep_seeds"):
        compare_schemes(digits, "tanh", ["zeros"], n_seeds=1, sweep_seeds=2)
    with pytest.raises(ValueError, match="differ from lr"):
        compare_schemes(digits, "tanh", ["zeros"], lr=0.1, sweep_lrs=(0.1,))
    with pytest.raises(ValueError, match="unknown scheme"):
        compare_schemes(digits, "tanh", ["xavier"])
