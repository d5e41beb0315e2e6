"""Tests for initlab.symmetry: distances between hidden units and the permutation of units."""

import numpy as np
import pytest

from initlab.symmetry import max_unit_distance, permute_units, unit_distances


def test_distances_match_a_direct_loop():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(5, 4))
    d = unit_distances(W)
    for j in range(4):
        for k in range(4):
            assert d[j, k] == pytest.approx(np.linalg.norm(W[:, j] - W[:, k]), rel=1e-12)
    assert np.all(np.diag(d) == 0.0)


def test_copies_have_distance_exactly_zero_even_for_awkward_values():
    # A Gram-matrix formula ‖u‖² + ‖v‖² − 2u·v would leave round-off here; differences do not.
    col = np.array([1e8, 0.1, -3.3333333333])
    W = np.tile(col[:, None], (1, 6))
    assert max_unit_distance(W) == 0.0


def test_one_different_unit_is_detected():
    W = np.full((3, 4), 0.7)
    W[1, 2] += 1e-9
    assert max_unit_distance(W) == pytest.approx(1e-9, rel=1e-6)


def test_stacks_give_one_value_per_network():
    W = np.zeros((3, 2, 4))
    W[1, 0, 0] = 2.0
    out = max_unit_distance(W)
    assert out.tolist() == [0.0, 2.0, 0.0]
    assert unit_distances(W).shape == (3, 4, 4)


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
    with pytest.raises(ValueError, match="shape"):
        unit_distances(np.ones(3))
    with pytest.raises(ValueError, match="NaN"):
        max_unit_distance(np.array([[np.nan, 1.0]]))
    with pytest.raises(TypeError, match="layer"):
        permute_units([np.ones((2, 2)), np.ones((2, 1))], [np.zeros(2), np.zeros(1)], 0.5, [0, 1])
