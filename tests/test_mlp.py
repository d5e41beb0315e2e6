"""Tests for initlab.mlp: initialization, gradients, training, stacking, divergence."""

import warnings

import numpy as np
import pytest

from initlab import init_std, uniform_bound
from initlab.data import load_digits
from initlab.mlp import MLP, Gradients, TrainResult, _cross_entropy, hidden_unit_distances, train


@pytest.fixture(scope="module")
def digits():
    return load_digits(rng=0)


# ---------------------------------------------------------------- initialization
def test_shapes_and_properties():
    net = MLP.init([64, 32, 16, 10], n_nets=4, rng=0)
    assert [W.shape for W in net.weights] == [(4, 64, 32), (4, 32, 16), (4, 16, 10)]
    assert [b.shape for b in net.biases] == [(4, 1, 32), (4, 1, 16), (4, 1, 10)]
    assert net.n_nets == 4 and net.depth == 3 and net.widths == [64, 32, 16, 10]
    assert net.dtype == np.float64
    assert MLP.init([4, 3], dtype="float32").weights[0].dtype == np.float32


@pytest.mark.parametrize("scheme", ["he_normal", "glorot_normal", "lecun_normal", "small_normal", "glorot_uniform",
                                    "he_uniform", "fan_in_uniform", "lecun_uniform"])
def test_weight_std_matches_scheme(scheme):
    # 200 nets of a 100 x 50 layer: N = 10^6 weights. The std of a sample std is about
    # σ·√((κ−1)/(4N)) with κ the kurtosis (3 normal, 1.8 uniform): below σ·0.0008;
    # we allow 5 of those (0.4 %).
    net = MLP.init([100, 50, 10], scheme=scheme, n_nets=200, rng=1)
    W = net.weights[0]
    sigma = init_std(scheme, 100, 50)
    assert abs(W.std() - sigma) < 5 * sigma * np.sqrt(2.0 / (4 * W.size))
    assert abs(W.mean()) < 5 * sigma / np.sqrt(W.size)
    if "uniform" in scheme:
        a = uniform_bound(scheme, 100, 50)
        assert np.abs(W).max() <= a
        assert np.abs(W).max() > 0.999 * a  # 10^6 draws reach the edge


def test_gain_mode_constant_bias_and_orthogonal():
    net = MLP.init([200, 100, 10], scheme="he_normal", gain=0.5, mode="fan_out", n_nets=50, rng=2)
    sigma = init_std("he_normal", 200, 100, gain=0.5, mode="fan_out")
    W = net.weights[0]
    assert abs(W.std() - sigma) < 5 * sigma / np.sqrt(2 * W.size)
    c = MLP.init([5, 4, 3], scheme="constant", value=0.3, bias_init=-0.2, n_nets=2)
    assert all(np.all(W == 0.3) for W in c.weights) and all(np.all(b == -0.2) for b in c.biases)
    z = MLP.init([5, 4, 3], scheme="zeros", n_nets=2)
    assert all(np.all(W == 0) for W in z.weights)
    o = MLP.init([32, 32, 16, 10], scheme="orthogonal", gain=2.0, n_nets=3, rng=3)
    for W in o.weights[:1]:
        np.testing.assert_allclose(np.swapaxes(W, 1, 2) @ W, np.broadcast_to(4.0 * np.eye(32), (3, 32, 32)), atol=1e-12)
    W = o.weights[1]  # 32 x 16: orthonormal columns
    np.testing.assert_allclose(np.swapaxes(W, 1, 2) @ W, np.broadcast_to(4.0 * np.eye(16), (3, 16, 16)), atol=1e-12)


def test_nets_are_independent_and_seeded():
    a = MLP.init([10, 8, 3], n_nets=3, rng=5)
    b = MLP.init([10, 8, 3], n_nets=3, rng=5)
    c = MLP.init([10, 8, 3], n_nets=3, rng=6)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    assert not np.array_equal(a.weights[0], c.weights[0])
    assert not np.array_equal(a.weights[0][0], a.weights[0][1])
    # Across nets, corresponding weights are uncorrelated: |corr| < 5/√N with N = 80 pairs
    # per layer... use all layers' 104 pairs of net 0 vs net 1.
    v0 = np.concatenate([W[0].ravel() for W in a.weights])
    v1 = np.concatenate([W[1].ravel() for W in a.weights])
    assert abs(np.corrcoef(v0, v1)[0, 1]) < 5 / np.sqrt(v0.size)


def test_stack_and_select():
    a = MLP.init([6, 5, 3], n_nets=2, rng=0)
    b = MLP.init([6, 5, 3], scheme="orthogonal", n_nets=1, rng=1)
    s = MLP.stack([a, b])
    assert s.n_nets == 3 and s.schemes == ("he_normal", "he_normal", "orthogonal")
    np.testing.assert_array_equal(s.weights[1][2], b.weights[1][0])
    np.testing.assert_array_equal(s.select([0, 1]).weights[0], a.weights[0])
    x = np.random.default_rng(0).standard_normal((7, 6))
    np.testing.assert_allclose(s.forward(x)[:2], a.forward(x), rtol=1e-13, atol=1e-14)
    with pytest.raises(ValueError, match="same widths"):
        MLP.stack([a, MLP.init([6, 4, 3], n_nets=1)])
    with pytest.raises(ValueError, match="same widths and activation"):
        MLP.stack([a, MLP.init([6, 5, 3], activation="relu", n_nets=1)])
    with pytest.raises(ValueError, match="non-empty"):
        MLP.stack([])
    with pytest.raises(TypeError, match="MLP objects"):
        MLP.stack([a, "net"])


# ---------------------------------------------------------------- forward and loss
def test_forward_matches_a_plain_loop():
    net = MLP.init([6, 5, 4, 3], activation="sigmoid", scheme="glorot_normal", bias_init=0.1, n_nets=3, rng=4)
    x = np.random.default_rng(1).standard_normal((8, 6))
    out = net.forward(x)
    for k in range(3):
        a = x
        for l in range(3):
            z = a @ net.weights[l][k] + net.biases[l][k]
            a = 1 / (1 + np.exp(-z)) if l < 2 else z
        np.testing.assert_allclose(out[k], a, rtol=1e-12, atol=1e-14)
    assert net.predict(x).shape == (3, 8)
    zs = net.preactivations(x)
    assert [z.shape for z in zs] == [(3, 8, 5), (3, 8, 4), (3, 8, 3)]
    np.testing.assert_array_equal(zs[-1], out)


def test_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[[1000.0, 0.0, -1000.0], [0.0, 2000.0, 0.0]]])
    y = np.array([0, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = _cross_entropy(logits, y)
    # Sample 1: log-sum-exp is 1000 (to rounding), true logit 1000, loss 0; sample 2: 2000.
    np.testing.assert_allclose(loss, [1000.0], rtol=1e-12)
    small = np.array([[[0.3, -0.2, 1.1]]])
    expect = np.log(np.exp(small[0, 0]).sum()) - 0.3
    np.testing.assert_allclose(_cross_entropy(small, np.array([0])), [expect], rtol=1e-14)


def test_loss_at_zero_weights_is_log_k():
    # All logits equal: every class has probability 1/k, so the loss is log k exactly.
    net = MLP.init([4, 3, 5], scheme="zeros", n_nets=2)
    x = np.ones((3, 4))
    np.testing.assert_allclose(net.loss(x, [0, 1, 4]), np.log(5), rtol=1e-14)


# ---------------------------------------------------------------- gradients
@pytest.mark.parametrize("act", ["tanh", "sigmoid", "relu", "leaky_relu", "selu", "linear"])
def test_gradients_match_finite_differences(act):
    # Central differences with h = 1e-6 in float64: the truncation error is O(h²·f‴) ≈ 1e-12
    # and the rounding error about ε·|f|/h ≈ 2e-16·2/1e-6 ≈ 4e-10, so the difference
    # quotient is good to ~1e-9 absolute; we allow 1e-7 + 1e-6 relative. (ReLU kinks: with
    # Gaussian inputs no preactivation lies within h of 0; the probability is ~1e-5.)
    rng = np.random.default_rng(11)
    param = 0.1 if act == "leaky_relu" else None
    net = MLP.init([5, 4, 4, 3], activation=act, scheme="glorot_normal", bias_init=0.05, n_nets=2, rng=3, param=param)
    for b in net.biases:
        b += rng.normal(0, 0.1, size=b.shape)
    x = rng.standard_normal((6, 5))
    y = np.array([0, 1, 2, 2, 1, 0])
    loss, g = net.loss_and_grads(x, y)
    assert isinstance(g, Gradients)
    np.testing.assert_allclose(loss, net.loss(x, y), rtol=1e-14)
    h = 1e-6
    for params, grads in ((net.weights, g.weights), (net.biases, g.biases)):
        for P, G in zip(params, grads):
            num = np.empty_like(P)
            for idx in np.ndindex(P.shape[1:]):
                old = P[(slice(None),) + idx].copy()
                P[(slice(None),) + idx] = old + h
                up = net.loss(x, y)
                P[(slice(None),) + idx] = old - h
                down = net.loss(x, y)
                P[(slice(None),) + idx] = old
                num[(slice(None),) + idx] = (up - down) / (2 * h)
            np.testing.assert_allclose(G, num, rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- training
def test_training_reduces_loss_on_digits(digits):
    net = MLP.init([64, 32, 10], activation="tanh", scheme="lecun_normal", n_nets=4, rng=0)
    res = train(net, digits, steps=200, lr=0.1, batch_size=32, eval_every=50, rng=0)
    assert isinstance(res, TrainResult)
    assert res.steps.tolist() == [0, 50, 100, 150, 200]
    assert res.train_loss.shape == (5, 4) == res.test_accuracy.shape
    # Start: about log 10 = 2.30 (small logits); after 200 steps every net is well trained.
    assert np.all(np.abs(res.train_loss[0] - np.log(10)) < 0.5)
    assert np.all(res.train_loss[-1] < 0.25 * res.train_loss[0])
    assert np.all(res.test_accuracy[-1] > 0.85) and np.all(res.test_accuracy[0] < 0.4)
    assert not res.diverged.any() and np.all(res.diverged_step == -1)
    # The net passed in is unchanged; the trained copy is in the result.
    assert not np.array_equal(net.weights[0], res.net.weights[0])
    np.testing.assert_array_equal(net.weights[0], MLP.init([64, 32, 10], activation="tanh",
                                                           scheme="lecun_normal", n_nets=4, rng=0).weights[0])
    np.testing.assert_allclose(res.test_accuracy[-1], res.net.accuracy(digits.x_test, digits.y_test))


def test_grad_norms_step0_are_first_minibatch_norms(digits):
    net = MLP.init([64, 16, 16, 10], n_nets=3, rng=1)
    res = train(net, digits, steps=1, lr=0.1, batch_size=20, eval_every=1, rng=7)
    idx = np.random.default_rng(7).permutation(digits.x_train.shape[0])[:20]
    _, g = net.loss_and_grads(digits.x_train[idx], digits.y_train[idx])
    expect = np.stack([np.sqrt((gw**2).sum(axis=(1, 2))) for gw in g.weights], axis=1)
    np.testing.assert_allclose(res.grad_norms_step0, expect, rtol=1e-12)
    # One step of gradient descent, exactly.
    np.testing.assert_allclose(res.net.weights[1], net.weights[1] - 0.1 * g.weights[1], rtol=1e-12, atol=1e-15)


def test_stacking_is_the_same_as_separate_training(digits):
    a = MLP.init([64, 16, 10], activation="relu", scheme="he_normal", n_nets=2, rng=1)
    b = MLP.init([64, 16, 10], activation="relu", scheme="orthogonal", n_nets=1, rng=2)
    kw = dict(steps=60, batch_size=16, eval_every=20, rng=3)
    together = train(MLP.stack([a, b]), digits, lr=[0.05, 0.05, 0.02], **kw)
    ra = train(a, digits, lr=0.05, **kw)
    rb = train(b, digits, lr=0.02, **kw)
    # Same minibatches, same arithmetic per network: equal up to BLAS rounding.
    np.testing.assert_allclose(together.train_loss, np.hstack([ra.train_loss, rb.train_loss]), rtol=1e-10)
    np.testing.assert_allclose(together.net.weights[0], np.concatenate([ra.net.weights[0], rb.net.weights[0]]),
                               rtol=1e-10, atol=1e-13)


def test_learning_rate_array(digits):
    one = MLP.init([64, 16, 10], n_nets=1, rng=4)
    three = MLP.stack([one, one, one])
    kw = dict(steps=30, batch_size=32, eval_every=10, rng=0)
    res = train(three, digits, lr=np.array([0.0, 0.05, 0.2]), **kw)
    np.testing.assert_array_equal(res.net.weights[0][0], one.weights[0][0])  # lr 0: unchanged
    assert np.all(res.train_loss[:, 0] == res.train_loss[0, 0])
    for k, lr in ((1, 0.05), (2, 0.2)):
        sep = train(one, digits, lr=lr, **kw)
        np.testing.assert_allclose(res.train_loss[:, k], sep.train_loss[:, 0], rtol=1e-10)
    np.testing.assert_array_equal(res.lr, [0.0, 0.05, 0.2])


def test_divergence_is_flagged_without_warnings(digits):
    # A linear network with unit-normal weights and a large step size grows geometrically
    # until it overflows (ReLU and tanh networks tend to die or saturate instead).
    net = MLP.init([64, 32, 32, 10], activation="linear", scheme="unit_normal", n_nets=3, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning (overflow, invalid) fails the test
        res = train(net, digits, lr=[1e-4, 10.0, 1e3], steps=40, batch_size=32, eval_every=10, rng=0)
    assert res.diverged.tolist() == [False, True, True]
    assert res.diverged_step[0] == -1 and np.all(res.diverged_step[1:] >= 0)
    # Before divergence the losses are recorded; afterwards they are nan.
    for k in (1, 2):
        after = res.steps > res.diverged_step[k]
        assert np.all(np.isnan(res.train_loss[after, k])) and np.all(np.isnan(res.test_accuracy[after, k]))
        assert np.isfinite(res.train_loss[0, k])
    assert np.all(np.isfinite(res.train_loss[:, 0]))
    # The healthy network trains exactly as it would alone.
    alone = train(net.select(0), digits, lr=1e-4, steps=40, batch_size=32, eval_every=10, rng=0)
    np.testing.assert_allclose(res.train_loss[:, 0], alone.train_loss[:, 0], rtol=1e-10)


def test_float32_trains_like_float64(digits):
    kw = dict(steps=50, lr=0.1, batch_size=32, eval_every=25, rng=0)
    r64 = train(MLP.init([64, 16, 10], n_nets=2, rng=0), digits, **kw)
    r32 = train(MLP.init([64, 16, 10], n_nets=2, rng=0, dtype="float32"), digits, **kw)
    assert r32.net.weights[0].dtype == np.float32
    # float32 rounding (ε ≈ 6e-8) amplified over 50 steps stays far below 1e-3.
    np.testing.assert_allclose(r32.train_loss, r64.train_loss, rtol=1e-3)


# ---------------------------------------------------------------- symmetry
def test_constant_init_keeps_hidden_units_identical(digits):
    # Widths that are multiples of 8 make OpenBLAS treat every column alike, so the hidden
    # units stay identical bit for bit (checked on this machine); with other widths its
    # edge kernels can round one column differently (distances ~1e-16). The test allows
    # 1e-12, still 12 orders of magnitude below random initialization's distances.
    net = MLP.init([64, 16, 16, 10], activation="tanh", scheme="constant", value=0.05, n_nets=2)
    res = train(net, digits, steps=50, lr=0.1, batch_size=32, eval_every=50, rng=0)
    for layer in (1, 2):
        d = hidden_unit_distances(res.net, layer)
        assert d.shape == (2, 16, 16)
        assert d.max() < 1e-12  # every hidden unit gets the same update
    odd = train(MLP.init([64, 12, 10], scheme="constant", value=0.05, n_nets=1), digits, steps=50, lr=0.1,
                batch_size=32, eval_every=50, rng=0)
    assert hidden_unit_distances(odd.net, 1).max() < 1e-12
    # The weights did move (so the zero distances are not trivial).
    assert not np.all(res.net.weights[0] == 0.05)
    rand = train(MLP.init([64, 16, 16, 10], activation="tanh", scheme="lecun_normal", n_nets=2, rng=0),
                 digits, steps=50, lr=0.1, batch_size=32, eval_every=50, rng=0)
    for layer in (1, 2):
        d = hidden_unit_distances(rand.net, layer)
        off = d[:, ~np.eye(16, dtype=bool)]
        assert np.all(off > 0.1)
        np.testing.assert_array_equal(np.diagonal(d, axis1=1, axis2=2), 0.0)


def test_hidden_unit_distances_values():
    net = MLP.init([2, 3, 2], n_nets=1, rng=0)
    net.weights[0][0] = np.array([[0.0, 3.0, 0.0], [0.0, 4.0, 1.0]])
    net.biases[0][0] = np.array([[0.0, 0.0, 1.0]])
    d = hidden_unit_distances(net, 1)[0]
    np.testing.assert_allclose(d, [[0, 5, np.sqrt(2)], [5, 0, np.sqrt(9 + 9 + 1)], [np.sqrt(2), np.sqrt(19), 0]])
    with pytest.raises(ValueError, match="between 1 and L = 2"):
        hidden_unit_distances(net, 3)
    with pytest.raises(TypeError, match="integer"):
        hidden_unit_distances(net, 1.5)
    with pytest.raises(TypeError, match="MLP"):
        hidden_unit_distances(net.weights, 1)


# ---------------------------------------------------------------- bad input
def test_bad_init_arguments():
    with pytest.raises(ValueError, match="unknown scheme 'kaiming'.*he_normal"):
        MLP.init([4, 3], scheme="kaiming")
    with pytest.raises(ValueError, match="unknown activation 'gelu'.*relu"):
        MLP.init([4, 3], activation="gelu")
    with pytest.raises(ValueError, match="needs value"):
        MLP.init([4, 3], scheme="constant")
    with pytest.raises(ValueError, match="only for scheme 'constant'"):
        MLP.init([4, 3], value=0.1)
    with pytest.raises(ValueError, match="at least the output width"):
        MLP.init([4])
    with pytest.raises(TypeError, match="widths"):
        MLP.init(4)
    with pytest.raises(ValueError, match="positive whole number"):
        MLP.init([4, 0, 3])
    with pytest.raises(ValueError, match="n_nets"):
        MLP.init([4, 3], n_nets=0)
    with pytest.raises(ValueError, match="has no mode"):
        MLP.init([4, 3], scheme="glorot_normal", mode="fan_out")
    with pytest.raises(ValueError, match="unknown dtype 'float16'.*float64, float32"):
        MLP.init([4, 3], dtype="float16")
    with pytest.raises(TypeError, match="rng"):
        MLP.init([4, 3], rng="seed")
    with pytest.raises(ValueError, match="bias_init must be finite"):
        MLP.init([4, 3], bias_init=float("nan"))


def test_bad_data_arguments(digits):
    net = MLP.init([64, 8, 10], n_nets=2, rng=0)
    with pytest.raises(ValueError, match=r"shape \(batch, 64\)"):
        net.forward(np.ones((3, 5)))
    with pytest.raises(ValueError, match="NaN"):
        net.forward(np.full((2, 64), np.nan))
    with pytest.raises(ValueError, match="0..9"):
        net.loss_and_grads(np.ones((2, 64)), [0, 10])
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        net.accuracy(np.ones((2, 64)), [0, 1, 2])
    with pytest.raises(TypeError, match="integers"):
        net.loss(np.ones((2, 64)), [0.5, 1.0])
    with pytest.raises(ValueError, match=r"shape \(2,\), one per network"):
        train(net, digits, lr=[0.1, 0.2, 0.3], steps=1)
    with pytest.raises(ValueError, match="finite number >= 0"):
        train(net, digits, lr=-0.1, steps=1)
    with pytest.raises(ValueError, match="batch_size must be at most"):
        train(net, digits, batch_size=10**6, steps=1)
    with pytest.raises(ValueError, match="steps"):
        train(net, digits, steps=0)
    with pytest.raises(TypeError, match="x_train, y_train"):
        train(net, {"x_train": 1}, steps=1)
    with pytest.raises(TypeError, match="MLP"):
        train("net", digits)
    wrong = MLP.init([10, 4, 10], n_nets=1)
    with pytest.raises(ValueError, match=r"shape \(batch, 10\)"):
        train(wrong, digits, steps=1)
