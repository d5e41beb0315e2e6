"""The chain rule as a product of per-layer factors, and how much of a signal depends on the input.

Chapter 2 of the book explains vanishing and exploding gradients with the simplest deep
network there is: a chain of single units, a_ℓ = φ(w_ℓ a_{ℓ−1} + b_ℓ). Its derivative
da_L/da_0 is the product of the factors w_ℓ φ′(z_ℓ), one per layer. This module computes
those factors (``chain_factors``), the chain's output (``chain_output``, for a
finite-difference check), and, for wide networks, how much of each layer's signal still
varies from one input to another (``spread_over_inputs``). ``train_tracking_activations``
repeats Glorot and Bengio's (2010) measurement: the mean activation of each hidden layer
during training.

Example
-------
>>> import numpy as np
>>> from initlab.chain import chain_factors
>>> f = chain_factors(np.array([0.0]), weights=[1.0, 1.0], activation="sigmoid")
>>> f.tolist()   # the first unit sits at z = 0, where the sigmoid's slope is 1/4
[[0.25, 0.2350037122015945]]
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .activations import activation as _activation, derivative as _derivative


def _chain_args(x, weights, biases):
    x = _validate.finite_array(x, "the input x")
    w = _validate.finite_array(weights, "weights", ndim=1)
    if biases is None:
        b = np.zeros_like(w)
    else:
        b = _validate.finite_array(biases, "biases", ndim=1)
        if b.shape != w.shape:
            raise ValueError(f"biases must have one entry per layer, like weights ({w.size}); got {b.size}")
    return x, w, b


def chain_output(x, weights, activation: str = "sigmoid", biases=None, param: float | None = None) -> np.ndarray:
    """Return a_L for a chain of single units a_ℓ = φ(w_ℓ a_{ℓ−1} + b_ℓ), with a_0 = x.

    Parameters
    ----------
    x : array of inputs (any shape; each entry is one input a_0)
    weights : 1-D array ``(L,)``, the weight w_ℓ of each layer
    activation : an activation name from :data:`initlab.ACTIVATIONS`
    biases : 1-D array ``(L,)`` or None (zeros)
    param : the leaky ReLU's negative slope

    Examples
    --------
    >>> chain_output(np.array([0.0]), [2.0], "tanh").tolist()
    [0.0]
    """
    x, w, b = _chain_args(x, weights, biases)
    phi = _activation(activation, param)
    a = x
    for wl, bl in zip(w, b):
        a = phi(wl * a + bl)
    return a


def chain_factors(x, weights, activation: str = "sigmoid", biases=None, param: float | None = None) -> np.ndarray:
    """Return the per-layer factors w_ℓ φ′(z_ℓ) of the chain's derivative da_L/da_0.

    By the chain rule, da_L/da_0 = Π_ℓ w_ℓ φ′(z_ℓ) with z_ℓ = w_ℓ a_{ℓ−1} + b_ℓ; the
    product of the returned factors along the last axis is that derivative.

    Parameters
    ----------
    x : array of inputs, any shape ``S``
    weights, activation, biases, param : as in :func:`chain_output`

    Returns
    -------
    array of shape ``S + (L,)``: entry ``[..., ℓ-1]`` is w_ℓ φ′(z_ℓ) for that input.

    Examples
    --------
    >>> f = chain_factors(np.array([0.3, -1.0]), [1.0] * 8, "sigmoid")
    >>> bool(np.all(np.prod(f, axis=-1) <= 0.25 ** 8))
    True
    """
    x, w, b = _chain_args(x, weights, biases)
    phi, dphi = _activation(activation, param), _derivative(activation, param)
    a = x
    out = np.empty(x.shape + (w.size,))
    for l, (wl, bl) in enumerate(zip(w, b)):
        z = wl * a + bl
        out[..., l] = wl * dphi(z)
        a = phi(z)
    return out


def spread_over_inputs(layers) -> np.ndarray:
    """Return, per layer, how much the units' values vary from one input to another.

    For each layer array of shape ``(n_nets, batch, n)`` (as returned by
    :func:`initlab.forward_ensemble`), the variance over the batch axis (the inputs) of
    every unit in every network, averaged over units and networks. A layer whose value is
    the same for every input has spread 0: it no longer carries information about the input.

    Parameters
    ----------
    layers : list of arrays ``(n_nets, batch, n_ℓ)`` with batch ≥ 2

    Returns
    -------
    array ``(L,)``

    Examples
    --------
    >>> z = np.array([[[0.0, 1.0], [2.0, 1.0]]])   # one net, two inputs, two units
    >>> spread_over_inputs([z]).tolist()
    [0.5]
    """
    if not isinstance(layers, (list, tuple)) or len(layers) == 0:
        raise TypeError("layers must be a non-empty list of arrays (n_nets, batch, n), one per layer")
    out = np.empty(len(layers))
    for i, z in enumerate(layers):
        z = _validate.finite_array(z, f"layer {i + 1}", ndim=3)
        if z.shape[1] < 2:
            raise ValueError(f"the spread over inputs needs a batch of at least 2 inputs; layer {i + 1} has shape {z.shape}")
        out[i] = np.mean(np.var(z, axis=1))
    return out


def train_tracking_activations(net, data, steps: int, every: int, lr=0.1, batch_size: int = 32, rng=0, x=None):
    """Train ``net`` with :func:`initlab.mlp.train` and record each hidden layer's activations.

    Training runs in blocks of ``every`` steps (one generator drives the minibatch order of
    all blocks). Before the first block and after each one, the function runs the inputs
    ``x`` (default: the test set) through the networks and records, for every hidden layer,
    the mean and the standard deviation of its activations over inputs and units.

    Parameters
    ----------
    net : an :class:`initlab.mlp.MLP` with at least one hidden layer (not modified)
    data : e.g. :func:`initlab.data.load_digits`
    steps : total number of gradient steps, a multiple of ``every``
    every : steps between records
    lr, batch_size : as in :func:`initlab.mlp.train`
    rng : int seed or ``numpy.random.Generator`` for the minibatch order
    x : inputs ``(batch, n_0)`` to measure on (default ``data.x_test``)

    Returns
    -------
    dict with ``steps`` ``(n_records,)``; ``mean`` and ``std`` ``(n_records, n_nets, L − 1)``;
    ``test_accuracy`` ``(n_records, n_nets)``; ``net`` (the trained networks).

    Examples
    --------
    >>> from initlab.mlp import MLP
    >>> from initlab.data import load_digits
    >>> net = MLP.init([64, 8, 8, 10], "sigmoid", "zeros", n_nets=1)
    >>> rec = train_tracking_activations(net, load_digits(), steps=10, every=10)
    >>> rec["mean"][0, 0].tolist()   # sigmoid(0) = 1/2 in every unit at the start
    [0.5, 0.5]
    """
    from .mlp import MLP, train

    if not isinstance(net, MLP):
        raise TypeError(f"net must be an initlab.mlp.MLP; got {type(net).__name__}")
    if net.depth < 2:
        raise ValueError("net needs at least one hidden layer (widths [n_0, n_1, ..., n_L] with L >= 2)")
    steps = _validate.positive_int(steps, "steps")
    every = _validate.positive_int(every, "every")
    if steps % every:
        raise ValueError(f"steps must be a multiple of every; got steps={steps}, every={every}")
    xs = data.x_test if x is None else x
    gen = _validate.generator(rng)
    phi = _activation(net.activation, net.param)

    def measure(n):
        acts = [phi(z) for z in n.preactivations(xs)[:-1]]
        return (np.stack([a.mean(axis=(1, 2)) for a in acts], axis=1),
                np.stack([a.std(axis=(1, 2)) for a in acts], axis=1))

    means, stds, accs = [], [], []
    for block in range(steps // every):
        res = train(net, data, steps=every, lr=lr, batch_size=batch_size, eval_every=every, rng=gen)
        if block == 0:
            m, s = measure(net)
            means.append(m), stds.append(s), accs.append(res.test_accuracy[0])
        net = res.net
        m, s = measure(net)
        means.append(m), stds.append(s), accs.append(res.test_accuracy[-1])
    return {
        "steps": np.arange(0, steps + 1, every),
        "mean": np.array(means),
        "std": np.array(stds),
        "test_accuracy": np.array(accs),
        "net": net,
    }


__all__ = ["chain_output", "chain_factors", "spread_over_inputs", "train_tracking_activations"]
