"""Tests for initlab.symmetry: distances between hidden units and the permutation of units."""

import numpy as np
import pytest

from initlab.data import load_digits
from initlab.mlp import MLP, hidden_unit_distances
from initlab.symmetry import permute_units, train_tracking_units


def _forward(Ws, bs, x):
    a = x
    for l, (W, b) in enumerate(zip(Ws, bs)):
        z = a @ W + b
        a = np.tanh(z) if l < len(Ws) - 1 else z
    return a


def test_permuting_hidden_units_keeps_the_function():
    rng = np.random.default_rng(1)
    Ws = [rng.normal(size=(3, 5)), rng.normal(size=(5, 4)), rng.normal(size=(4, 2))]
    bs = [rng.normal(size=5), rng.normal(size=4), rng.normal(size=2)]
    x = rng.normal(size=(7, 3))
    for layer, perm in [(0, [4, 2, 0, 1, 3]), (1, [3, 2, 1, 0])]:
        Wp, bp = permute_units(Ws, bs, layer, perm)
        np.testing.assert_allclose(_forward(Wp, bp, x), _forward(Ws, bs, x), rtol=1e-12, atol=1e-12)
        # the permuted network is a different point in parameter space
        assert not np.array_equal(Wp[layer], Ws[layer])
    # the inputs are not modified
    assert Ws[0].shape == (3, 5)


def test_permute_units_works_on_stacks_and_column_biases():
    rng = np.random.default_rng(2)
    Ws = [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4, 1))]
    bs = [rng.normal(size=(2, 1, 4)), np.zeros((2, 1, 1))]
    Wp, bp = permute_units(Ws, bs, 0, [1, 0, 3, 2])
    np.testing.assert_array_equal(Wp[0][:, :, 0], Ws[0][:, :, 1])
    np.testing.assert_array_equal(bp[0][:, :, 3], bs[0][:, :, 2])
    np.testing.assert_array_equal(Wp[1][:, 2, :], Ws[1][:, 3, :])


@pytest.mark.parametrize(
    "layer, perm, match",
    [(1, [0, 1], "hidden layer"), (0, [0, 0, 1], "permutation"), (0, [0, 1], "permutation")],
)
def test_bad_permutations_are_refused(layer, perm, match):
    Ws = [np.ones((2, 3)), np.ones((3, 1))]
    bs = [np.zeros(3), np.zeros(1)]
    with pytest.raises(ValueError, match=match):
        permute_units(Ws, bs, layer, perm)


def test_bad_inputs_are_refused():
    with pytest.raises(TypeError, match="layer"):
        permute_units([np.ones((2, 2)), np.ones((2, 1))], [np.zeros(2), np.zeros(1)], 0.5, [0, 1])


def test_constant_networks_stay_symmetric_and_random_ones_do_not():
    d = load_digits(rng=0)
    net = MLP.stack(
        [
            MLP.init([64, 6, 10], "sigmoid", "constant", value=0.05, n_nets=1),
            MLP.init([64, 6, 10], "sigmoid", "lecun_normal", n_nets=1, rng=3),
        ]
    )
    rec = train_tracking_units(net, d, steps=40, every=20, lr=0.5, rng=1)
    assert rec["steps"].tolist() == [0, 20, 40]
    assert rec["max_distance"].shape == (3, 2)
    assert np.all(rec["max_distance"][:, 0] == 0.0)  # exact copies, not merely close
    assert np.all(rec["max_distance"][:, 1] > 0.1)
    # the constant network did learn something (its weights moved) while staying symmetric
    assert not np.allclose(rec["net"].weights[0][0], 0.05)
    # the record matches a direct measurement on the returned networks
    np.testing.assert_array_equal(rec["max_distance"][-1], hidden_unit_distances(rec["net"], 1).max(axis=(1, 2)))


def test_train_tracking_units_refuses_bad_arguments():
    net = MLP.init([64, 4, 10], n_nets=1)
    with pytest.raises(ValueError, match="multiple"):
        train_tracking_units(net, load_digits(), steps=25, every=10)
    with pytest.raises(ValueError, match="hidden layer"):
        train_tracking_units(net, load_digits(), steps=10, every=10, layer=2)
    with pytest.raises(TypeError, match="MLP"):
        train_tracking_units("net", load_digits(), steps=10, every=10)
