"""Tests for initlab.chain: the chain rule's per-layer factors and the spread over inputs."""

import numpy as np
import pytest

from initlab.activations import activation
from initlab.chain import chain_factors, chain_output, spread_over_inputs, train_tracking_activations
from initlab.data import load_digits
from initlab.mlp import MLP


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "linear", "selu"])
def test_product_of_factors_is_the_derivative(act):
    # Compare with a central finite difference; its error is O(h²) ≈ 1e-10 relative.
    rng = np.random.default_rng(0)
    w = rng.normal(1.0, 0.5, size=6)
    b = rng.normal(0.0, 0.3, size=6)
    x = rng.normal(size=20)
    h = 1e-5
    fd = (chain_output(x + h, w, act, b) - chain_output(x - h, w, act, b)) / (2 * h)
    prod = np.prod(chain_factors(x, w, act, b), axis=-1)
    np.testing.assert_allclose(prod, fd, rtol=1e-6, atol=1e-12)


def test_sigmoid_chain_with_unit_weights_obeys_the_quarter_bound():
    x = np.linspace(-5, 5, 101)
    f = chain_factors(x, [1.0] * 8, "sigmoid")
    assert np.all(f <= 0.25) and np.all(f > 0)
    assert np.max(np.prod(f, axis=-1)) <= 0.25**8
    # the first factor reaches 1/4 exactly where its input is 0
    assert f[50, 0] == 0.25


def test_factors_keep_the_input_shape():
    assert chain_factors(np.zeros((3, 2)), [1.0, 2.0, 3.0], "tanh").shape == (3, 2, 3)
    # tanh at 0 has slope 1, so the factors of a zero input are the weights themselves
    # (after the first layer every a is tanh(0) = 0 again)
    np.testing.assert_array_equal(chain_factors(np.zeros(1), [1.0, 2.0, 3.0], "tanh")[0], [1.0, 2.0, 3.0])


def test_spread_over_inputs_is_the_mean_batch_variance():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(4, 10, 3))
    expected = np.mean([np.var(z[n, :, j]) for n in range(4) for j in range(3)])
    assert spread_over_inputs([z, 2 * z]) == pytest.approx([expected, 4 * expected], rel=1e-12)
    # a layer that does not depend on the input has spread 0, up to the round-off of the
    # batch mean (relative 1e-16, squared: below 1e-30 for values of order 1)
    const = np.broadcast_to(rng.normal(size=(4, 1, 3)), (4, 10, 3))
    assert spread_over_inputs([const])[0] < 1e-30


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="one entry per layer"):
        chain_factors(np.zeros(2), [1.0, 1.0], "sigmoid", biases=[0.0])
    with pytest.raises(ValueError, match="unknown activation"):
        chain_output(np.zeros(2), [1.0], "softplus")
    with pytest.raises(ValueError, match="at least 2 inputs"):
        spread_over_inputs([np.zeros((2, 1, 3))])
    with pytest.raises(TypeError, match="non-empty list"):
        spread_over_inputs([])


def test_train_tracking_activations_records_layer_means_of_the_trained_nets():
    d = load_digits(rng=0)
    net = MLP.init([64, 16, 16, 10], "sigmoid", "fan_in_uniform", n_nets=2, rng=0)
    rec = train_tracking_activations(net, d, steps=20, every=10, lr=0.5, rng=0)
    assert rec["steps"].tolist() == [0, 10, 20]
    assert rec["mean"].shape == rec["std"].shape == (3, 2, 2)
    # the first record is the untrained network, the last the returned trained one
    for rec_i, n in ((0, net), (-1, rec["net"])):
        acts = [activation("sigmoid")(z) for z in n.preactivations(d.x_test)[:-1]]
        np.testing.assert_allclose(rec["mean"][rec_i], np.stack([a.mean(axis=(1, 2)) for a in acts], axis=1), rtol=1e-12)
        np.testing.assert_allclose(rec["std"][rec_i], np.stack([a.std(axis=(1, 2)) for a in acts], axis=1), rtol=1e-12)
    assert not np.allclose(rec["mean"][0], rec["mean"][-1])  # training changed the activations
    with pytest.raises(ValueError, match="multiple"):
        train_tracking_activations(net, d, steps=15, every=10)
    with pytest.raises(ValueError, match="hidden layer"):
        train_tracking_activations(MLP.init([64, 10], n_nets=1), d, steps=10, every=10)
