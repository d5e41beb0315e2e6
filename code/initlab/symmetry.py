"""Symmetry between hidden units: are two units copies of each other, and does it matter?

Chapter 1 of the book shows that a network whose weights start at one constant value keeps
its hidden units identical forever, and that permuting hidden units does not change the
function a network computes. This module measures the first and performs the second:

``unit_distances``      pairwise Euclidean distances between the incoming weight vectors
                        (the columns of a weight matrix) of a layer's units
``max_unit_distance``   the largest of those distances: exactly 0 when all units are copies
``permute_units``       reorder the hidden units of one layer without changing the function

Weight matrices follow the book's convention: ``W`` has shape ``(n_in, n_out)`` and is used
as ``a @ W``; a stack of networks has shape ``(n_nets, n_in, n_out)``. Unit ``j`` of the
layer owns column ``W[..., :, j]`` (its incoming weights), bias ``b[..., j]`` and row
``W_next[..., j, :]`` of the next layer (its outgoing weights).

Example
-------
>>> import numpy as np
>>> from initlab.symmetry import max_unit_distance
>>> max_unit_distance(np.full((4, 3), 0.5))
0.0
>>> round(float(max_unit_distance(np.array([[0.0, 3.0], [0.0, 4.0]]))), 6)
5.0
"""

from __future__ import annotations

import numpy as np

from . import _validate


def _weight_stack(W, what: str = "W") -> np.ndarray:
    W = _validate.finite_array(W, what)
    if W.ndim < 2:
        raise ValueError(f"{what} must have shape (n_in, n_out) or (n_nets, n_in, n_out); got shape {W.shape}")
    return W


def unit_distances(W) -> np.ndarray:
    """Return the pairwise distances between the incoming weight vectors of a layer's units.

    Parameters
    ----------
    W : array ``(..., n_in, n_out)``
        A weight matrix (or a stack of them); unit ``j`` has incoming weights ``W[..., :, j]``.

    Returns
    -------
    array ``(..., n_out, n_out)``
        Entry ``[..., j, k]`` is ‖W[..., :, j] − W[..., :, k]‖. The differences are taken
        entry by entry (not through a Gram matrix), so units that are exact copies have
        distance exactly 0.

    Examples
    --------
    >>> W = np.array([[1.0, 1.0, 0.0], [2.0, 2.0, 0.0]])
    >>> unit_distances(W)[0]
    array([0.        , 0.        , 2.23606798])
    """
    W = _weight_stack(W)
    diff = W[..., :, :, None] - W[..., :, None, :]
    return np.sqrt(np.sum(diff * diff, axis=-3))


def max_unit_distance(W) -> np.ndarray | float:
    """Return the largest distance between the incoming weight vectors of two units.

    It is 0 exactly when every unit of the layer is a copy of every other one.

    Parameters
    ----------
    W : array ``(n_in, n_out)`` or ``(n_nets, n_in, n_out)``

    Returns
    -------
    float for one matrix, array ``(n_nets,)`` for a stack.

    Examples
    --------
    >>> max_unit_distance(np.zeros((2, 5, 3))).tolist()
    [0.0, 0.0]
    """
    d = unit_distances(W)
    out = d.max(axis=(-2, -1))
    return float(out) if np.ndim(out) == 0 else out


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


__all__ = ["unit_distances", "max_unit_distance", "permute_units"]
