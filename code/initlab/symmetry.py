"""Symmetry between hidden units: are two units copies of each other, and does it matter?

Chapter 1 of the book shows that a network whose weights start at one constant value keeps
its hidden units identical forever, and that permuting hidden units does not change the
function a network computes. This module measures the first and performs the second:

``permute_units``          reorder the hidden units of one layer without changing the function
``train_tracking_units``  train networks (:func:`initlab.mlp.train`) and record, at regular
                          steps, the largest distance between two units of a hidden layer
                          (:func:`initlab.mlp.hidden_unit_distances`): exactly 0 while all
                          units are copies

Weight matrices follow the book's convention: ``W`` has shape ``(n_in, n_out)`` and is used
as ``a @ W``; a stack of networks has shape ``(n_nets, n_in, n_out)``. Unit ``j`` of the
layer owns column ``W[..., :, j]`` (its incoming weights), bias ``b[..., j]`` and row
``W_next[..., j, :]`` of the next layer (its outgoing weights).

Example
-------
>>> import numpy as np
>>> from initlab.symmetry import permute_units
>>> Ws, bs = permute_units([np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]])],
...                        [np.zeros(2), np.zeros(1)], layer=0, perm=[1, 0])
>>> Ws[0].tolist(), Ws[1].tolist()
([[2.0, 1.0]], [[4.0], [3.0]])
"""

from __future__ import annotations

import numpy as np

from . import _validate


def permute_units(weights, biases, layer: int, perm):
    """Reorder the units of one hidden layer; the network computes the same function.

    Unit ``perm[j]`` of the old network becomes unit ``j`` of the new one: its incoming
    weights (a column of ``weights[layer]``), its bias (an entry of ``biases[layer]``) and its
    outgoing weights (a row of ``weights[layer + 1]``) move together.

    Parameters
    ----------
    weights : list of arrays ``(..., n_in, n_out)``, one per layer
    biases : list of arrays ``(..., n_out)`` or ``(..., 1, n_out)``, one per layer
    layer : index (from 0) of the hidden layer to permute; the output layer
        (``len(weights) - 1``) has no next layer and cannot be permuted
    perm : a permutation of ``range(n_out)`` of that layer

    Returns
    -------
    (new_weights, new_biases) : new lists (the inputs are not modified)

    Examples
    --------
    >>> W1, W2 = np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]])
    >>> b1, b2 = np.array([0.1, 0.2]), np.array([0.0])
    >>> Ws, bs = permute_units([W1, W2], [b1, b2], 0, [1, 0])
    >>> Ws[0].tolist(), bs[0].tolist(), Ws[1].tolist()
    ([[2.0, 1.0]], [0.2, 0.1], [[4.0], [3.0]])
    """
    if not isinstance(weights, (list, tuple)) or not isinstance(biases, (list, tuple)):
        raise TypeError("weights and biases must be lists of arrays, one per layer")
    if len(weights) != len(biases):
        raise ValueError(f"weights and biases must have one entry per layer; got {len(weights)} and {len(biases)}")
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)):
        raise TypeError(f"layer must be an int index from 0; got {layer!r}")
    if not 0 <= layer < len(weights) - 1:
        raise ValueError(
            f"layer must index a hidden layer, 0 to {len(weights) - 2} (the output layer has no next layer); got {layer}"
        )
    n = np.shape(weights[layer])[-1]
    perm = np.asarray(perm)
    if perm.shape != (n,) or not np.array_equal(np.sort(perm), np.arange(n)):
        raise ValueError(f"perm must be a permutation of range({n}) (layer {layer} has {n} units); got {perm.tolist()}")
    new_w = [np.array(w, dtype=float, copy=True) for w in weights]
    new_b = [np.array(b, dtype=float, copy=True) for b in biases]
    new_w[layer] = new_w[layer][..., :, perm]
    new_b[layer] = new_b[layer][..., perm]
    new_w[layer + 1] = new_w[layer + 1][..., perm, :]
    return new_w, new_b


def train_tracking_units(net, data, steps: int, every: int, lr=0.1, batch_size: int = 32, layer: int = 1, rng=0):
    """Train ``net`` with :func:`initlab.mlp.train` and record how far apart its hidden units are.

    Training runs in blocks of ``every`` steps (one generator drives the minibatch order of
    all blocks); before the first block and after each one, the function records the
    largest distance between the incoming parameters (weights and bias) of two units of
    hidden layer ``layer``, and the test accuracy.

    Parameters
    ----------
    net : an :class:`initlab.mlp.MLP` (not modified)
    data : e.g. :func:`initlab.data.load_digits`
    steps : total number of gradient steps, a multiple of ``every``
    every : steps between records
    lr, batch_size : as in :func:`initlab.mlp.train`
    layer : the hidden layer to watch, from 1
    rng : int seed or ``numpy.random.Generator`` for the minibatch order

    Returns
    -------
    dict with ``steps`` ``(n_records,)``, ``max_distance`` ``(n_records, n_nets)``,
    ``test_accuracy`` and ``train_loss`` ``(n_records, n_nets)``, and ``net`` (the trained
    networks).

    Examples
    --------
    >>> from initlab.mlp import MLP
    >>> from initlab.data import load_digits
    >>> net = MLP.init([64, 8, 10], "tanh", "constant", value=0.05, n_nets=1)
    >>> rec = train_tracking_units(net, load_digits(), steps=20, every=10)
    >>> rec["max_distance"].ravel().tolist()
    [0.0, 0.0, 0.0]
    """
    from .mlp import MLP, hidden_unit_distances, train

    if not isinstance(net, MLP):
        raise TypeError(f"net must be an initlab.mlp.MLP; got {type(net).__name__}")
    steps = _validate.positive_int(steps, "steps")
    every = _validate.positive_int(every, "every")
    if steps % every:
        raise ValueError(f"steps must be a multiple of every; got steps={steps}, every={every}")
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 1 <= layer < net.depth:
        raise ValueError(f"layer must be a hidden layer, 1 to {net.depth - 1}; got {layer!r}")
    gen = _validate.generator(rng)
    dist, acc, loss = [], [], []
    for block in range(steps // every):
        res = train(net, data, steps=every, lr=lr, batch_size=batch_size, eval_every=every, rng=gen)
        if block == 0:
            dist.append(hidden_unit_distances(net, layer).max(axis=(1, 2)))
            acc.append(res.test_accuracy[0])
            loss.append(res.train_loss[0])
        net = res.net
        dist.append(hidden_unit_distances(net, layer).max(axis=(1, 2)))
        acc.append(res.test_accuracy[-1])
        loss.append(res.train_loss[-1])
    return {
        "steps": np.arange(0, steps + 1, every),
        "max_distance": np.array(dist),
        "test_accuracy": np.array(acc),
        "train_loss": np.array(loss),
        "net": net,
    }


__all__ = ["permute_units", "train_tracking_units"]
