"""A small multilayer perceptron, many copies at once, trained with plain gradient descent.

Chapter 8 asks what initialization does to *training*: does the loss go down, how fast,
and does it go down at all? To answer with error bars, the book trains many networks that
differ only in their initial weights. :class:`MLP` holds ``n_nets`` independent fully
connected networks with the same widths, stacked along a first axis: ``weights[l]`` has
shape ``(n_nets, n_in, n_out)`` and ``biases[l]`` has shape ``(n_nets, 1, n_out)``. Every
operation (forward pass, back-propagation, update) is one stacked matrix product per layer,
so 30 networks train about as fast as a few.

The model, in the book's notation: z^(ℓ) = a^(ℓ−1) W^(ℓ) + b^(ℓ), a^(ℓ) = φ(z^(ℓ)) for the
hidden layers, and the last layer's z^(L) are the logits. The loss is the softmax
cross-entropy averaged over the batch, computed with the log-sum-exp trick so that large
logits neither overflow nor warn. :func:`train` runs minibatch gradient descent
W ← W − η ∂loss/∂W on every network side by side, with the *same* minibatches for all of
them, so that differences between networks come from their initialization alone. The
learning rate η may differ per network (an array), so a learning-rate sweep is one stack.

A network whose loss becomes ``inf`` or ``nan`` (it *diverged*) stops updating; its later
losses and accuracies are recorded as ``nan`` and ``TrainResult.diverged`` flags it. No
warning or exception is raised: divergence is a result the book shows, not an error.

Example
-------
>>> from initlab.mlp import MLP, train
>>> from initlab.data import load_digits
>>> d = load_digits(rng=0)
>>> net = MLP.init([64, 32, 10], activation="tanh", scheme="lecun_normal", n_nets=3, rng=0)
>>> res = train(net, d, steps=100, lr=0.1, batch_size=32, eval_every=50, rng=0)
>>> res.train_loss.shape
(3, 3)
>>> bool((res.train_loss[-1] < res.train_loss[0]).all())
True
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from . import _validate
from .activations import ACTIVATIONS, activation as _activation, derivative as _derivative
from .ensemble import batched_orthogonal
from .schemes import SCHEMES, UNIFORM_SCHEMES, init_std

_ERR = dict(over="ignore", invalid="ignore", divide="ignore", under="ignore")

#: Floating-point types a network may hold its parameters in.
DTYPES = ("float64", "float32")


@dataclass
class Gradients:
    """Gradients of the mean loss, one array per layer, shaped like the parameters."""

    weights: list
    biases: list


@dataclass
class MLP:
    """``n_nets`` fully connected networks with the same widths, stacked along axis 0.

    Create one with :meth:`MLP.init` (or :meth:`MLP.stack` to join several).

    Attributes
    ----------
    weights : list of L arrays ``(n_nets, n_{ℓ−1}, n_ℓ)``
    biases : list of L arrays ``(n_nets, 1, n_ℓ)``
    activation : the hidden layers' activation (the output layer is linear: logits)
    param : the leaky ReLU's negative slope (None otherwise)
    schemes : per network, the scheme name it was initialized with (for labels)
    """

    weights: list
    biases: list
    activation: str = "tanh"
    param: float | None = None
    schemes: tuple = field(default_factory=tuple)

    # ----------------------------------------------------------------- construction
    @classmethod
    def init(
        cls,
        widths,
        activation: str = "tanh",
        scheme: str = "he_normal",
        n_nets: int = 5,
        rng=0,
        gain: float | None = None,
        bias_init: float = 0.0,
        value: float | None = None,
        *,
        mode: str | None = None,
        param: float | None = None,
        dtype: str = "float64",
    ) -> "MLP":
        """Draw ``n_nets`` networks with ``scheme``, as :func:`initlab.initialize` would.

        Parameters
        ----------
        widths : ``[n_0, n_1, ..., n_L]``: input width, hidden widths, number of classes
        activation : one of :data:`initlab.ACTIVATIONS` for the hidden layers
        scheme : one of :data:`initlab.SCHEMES`
        n_nets : number of independent networks
        rng : ``numpy.random.Generator``, int seed (default 0) or None
        gain : factor on the scheme's standard deviation (None means 1)
        bias_init : the value every bias starts at (default 0)
        value : the weight for ``scheme="constant"`` (required there, refused otherwise)
        mode : ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"`` for LeCun and He schemes
        param : the leaky ReLU's negative slope
        dtype : ``"float64"`` (default) or ``"float32"``; float32 trains about twice as
            fast and is plenty for the book's experiments (the draws are made in float64
            and rounded, so both start from the same networks up to rounding)

        Every layer's weights for all networks are drawn in one call from the one
        generator, so the networks are independent draws; the same seed gives the same
        networks.

        >>> net = MLP.init([64, 16, 10], scheme="glorot_uniform", n_nets=4, rng=1)
        >>> [W.shape for W in net.weights]
        [(4, 64, 16), (4, 16, 10)]
        """
        act = _validate.choice(activation, ACTIVATIONS, "activation")
        _activation(act, param)  # validates param
        scheme = _validate.choice(scheme, SCHEMES, "scheme")
        widths = _check_widths(widths)
        n_nets = _validate.positive_int(n_nets, "n_nets")
        g = 1.0 if gain is None else _validate.nonnegative_float(gain, "gain")
        b0 = _validate.finite_float(bias_init, "bias_init")
        if scheme == "constant":
            if value is None:
                raise ValueError("scheme 'constant' needs value=<number>, e.g. MLP.init(widths, scheme='constant', value=0.5)")
            v = _validate.finite_float(value, "value")
        elif value is not None:
            raise ValueError(f"value= is only for scheme 'constant'; got value={value!r} with scheme {scheme!r}")
        dt = _check_dtype(dtype)
        gen = _validate.generator(rng)
        weights, biases = [], []
        for n_in, n_out in zip(widths[:-1], widths[1:]):
            std = init_std(scheme, n_in, n_out, gain=g, mode=mode)  # validates mode
            shape = (n_nets, n_in, n_out)
            if scheme == "constant":
                W = np.full(shape, v)
            elif scheme == "zeros":
                W = np.zeros(shape)
            elif scheme in UNIFORM_SCHEMES:
                a = math.sqrt(3.0) * std
                W = gen.uniform(-a, a, size=shape)
            elif scheme == "orthogonal":
                W = batched_orthogonal(shape, gen, g)
            else:
                W = gen.normal(0.0, std, size=shape)
            weights.append(np.ascontiguousarray(W, dtype=dt))
            biases.append(np.full((n_nets, 1, n_out), b0, dtype=dt))
        return cls(weights, biases, act, param, (scheme,) * n_nets)

    @classmethod
    def stack(cls, nets) -> "MLP":
        """Join several :class:`MLP` objects with the same widths and activation into one.

        >>> a = MLP.init([4, 3, 2], n_nets=2, rng=0)
        >>> b = MLP.init([4, 3, 2], scheme="orthogonal", n_nets=1, rng=1)
        >>> MLP.stack([a, b]).n_nets
        3
        """
        nets = list(nets) if not isinstance(nets, MLP) else [nets]
        if not nets:
            raise ValueError("MLP.stack needs a non-empty list of MLP objects")
        for n in nets:
            if not isinstance(n, MLP):
                raise TypeError(f"MLP.stack takes MLP objects; got {type(n).__name__}")
        first = nets[0]
        for n in nets[1:]:
            if n.widths != first.widths or n.activation != first.activation or n.param != first.param:
                raise ValueError(
                    "MLP.stack needs networks with the same widths and activation; got "
                    f"{first.widths} ({first.activation}) and {n.widths} ({n.activation})"
                )
        L = first.depth
        W = [np.concatenate([n.weights[l] for n in nets]) for l in range(L)]
        b = [np.concatenate([n.biases[l] for n in nets]) for l in range(L)]
        return cls(W, b, first.activation, first.param, sum((tuple(n.schemes) for n in nets), ()))

    def copy(self) -> "MLP":
        """A deep copy (training never changes the network it is given)."""
        return MLP([W.copy() for W in self.weights], [b.copy() for b in self.biases],
                   self.activation, self.param, tuple(self.schemes))

    def select(self, index) -> "MLP":
        """The networks at ``index`` (an int, slice, list or boolean mask) as a new MLP."""
        idx = np.arange(self.n_nets)[index]
        idx = np.atleast_1d(idx)
        return MLP([W[idx].copy() for W in self.weights], [b[idx].copy() for b in self.biases],
                   self.activation, self.param, tuple(np.asarray(self.schemes, dtype=object)[idx]) if self.schemes else ())

    # ----------------------------------------------------------------- properties
    @property
    def n_nets(self) -> int:
        return int(self.weights[0].shape[0])

    @property
    def depth(self) -> int:
        """L, the number of weight layers (hidden layers + the output layer)."""
        return len(self.weights)

    @property
    def dtype(self) -> np.dtype:
        return self.weights[0].dtype

    @property
    def widths(self) -> list:
        return [int(self.weights[0].shape[1])] + [int(W.shape[2]) for W in self.weights]

    # ----------------------------------------------------------------- computation
    def _check_x(self, x) -> np.ndarray:
        x = _validate.finite_array(x, "the input x")
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != self.widths[0]:
            raise ValueError(f"the input x must have shape (batch, {self.widths[0]}); got shape {x.shape}")
        return np.ascontiguousarray(x, dtype=self.dtype)

    def _check_y(self, y, batch: int) -> np.ndarray:
        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != batch:
            raise ValueError(f"the labels y must have shape ({batch},), one per input; got shape {y.shape}")
        if y.dtype.kind not in "iu":
            if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
                y = y.astype(np.int64)
            else:
                raise TypeError(f"the labels y must be integers 0..{self.widths[-1] - 1}; got dtype {y.dtype}")
        n_cls = self.widths[-1]
        if y.min() < 0 or y.max() >= n_cls:
            raise ValueError(f"the labels y must lie in 0..{n_cls - 1} (the output width); got values from {y.min()} to {y.max()}")
        return y

    def _phi_into(self, z, out):
        """out[...] = φ(z), in the network's dtype (initlab.activations works in float64)."""
        name = self.activation
        if name == "tanh":
            np.tanh(z, out=out)
        elif name == "relu":
            np.maximum(z, 0, out=out)
        elif name == "linear":
            out[...] = z
        else:
            out[...] = _activation(name, self.param)(z)
        return out

    def _workspace(self, batch: int) -> dict:
        """Buffers for one forward and backward pass on a batch of ``batch`` inputs.

        Training reuses them at every step: allocating fresh arrays of about a megabyte
        per layer and step makes the operating system hand out (and zero) new pages each
        time, which made a step several times slower than its arithmetic.
        """
        n, dt, w = self.n_nets, self.dtype, self.widths
        L = self.depth
        return {
            "batch": batch,
            "pre": [np.empty((n, batch, w[l + 1]), dtype=dt) for l in range(L)],
            "acts": [np.empty((n, batch, w[l + 1]), dtype=dt) for l in range(L - 1)],
            "tmp": [np.empty((n, batch, w[l + 1]), dtype=dt) for l in range(L - 1)],
            "ga": [np.empty((n, batch, w[l + 1]), dtype=dt) for l in range(L - 1)],
            "gW": [np.empty_like(W) for W in self.weights],
            "gb": [np.empty_like(b) for b in self.biases],
        }

    def _forward(self, x, ws=None):
        """Return (preacts, acts): acts[0] = x, acts[ℓ] = φ(z^(ℓ)) for the hidden layers.

        ``x`` has shape (batch, n_0) and is shared by all networks (matmul broadcasts it).
        """
        if ws is None or ws["batch"] != x.shape[0]:
            ws = self._workspace(x.shape[0])
        acts = [x]
        pre = ws["pre"]
        L = self.depth
        for l in range(L):
            z = np.matmul(acts[-1], self.weights[l], out=pre[l])
            z += self.biases[l]
            if l + 1 < L:
                acts.append(self._phi_into(z, ws["acts"][l]))
        return pre, acts

    def forward(self, x) -> np.ndarray:
        """Logits z^(L) of every network for a batch ``x`` of shape ``(batch, n_0)``;
        returns ``(n_nets, batch, n_L)``."""
        x = self._check_x(x)
        with np.errstate(**_ERR):
            return self._forward(x)[0][-1]

    def preactivations(self, x) -> list:
        """Every layer's preactivations z^(ℓ), a list of L arrays ``(n_nets, batch, n_ℓ)``
        (the layout of :func:`initlab.forward_ensemble`, for :mod:`initlab.diagnostics`)."""
        x = self._check_x(x)
        with np.errstate(**_ERR):
            return self._forward(x)[0]

    def _times_dphi(self, ga, z, a, tmp):
        """ga *= φ′(z) in place, with φ′ taken from the activation a = φ(z) where cheaper."""
        name = self.activation
        if name == "linear":
            return ga
        if name == "tanh":
            np.multiply(a, a, out=tmp)
            np.subtract(1.0, tmp, out=tmp)  # tanh′ = 1 − a²
        elif name == "sigmoid":
            np.subtract(1.0, a, out=tmp)
            tmp *= a  # σ′ = a(1 − a)
        elif name == "relu":
            np.greater(z, 0, out=tmp)  # 1.0 where z > 0, else 0.0
        else:
            tmp[...] = _derivative(name, self.param)(z)
        ga *= tmp
        return ga

    def _loss_and_grads(self, x, y, ws=None):
        """Mean loss per network and its gradients; with a workspace ``ws`` the gradients
        live in its buffers (valid until the next call with the same workspace)."""
        if ws is None or ws["batch"] != x.shape[0]:
            ws = self._workspace(x.shape[0])
        pre, acts = self._forward(x, ws)
        logits = pre[-1]
        batch = x.shape[0]
        m = logits.max(axis=2, keepdims=True)
        m[~np.isfinite(m)] = 0.0
        logits -= m  # log-sum-exp: shift by the largest logit (in place; logits are not reused)
        logp_true = np.take_along_axis(logits, np.broadcast_to(y[None, :, None], (self.n_nets, batch, 1)), axis=2)
        delta = np.exp(logits, out=logits)
        s = delta.sum(axis=2, keepdims=True)
        loss = (np.log(s) - logp_true).mean(axis=(1, 2))
        delta /= s
        delta[:, np.arange(batch), y] -= 1.0
        delta /= batch
        gW, gb = ws["gW"], ws["gb"]
        for l in range(self.depth - 1, -1, -1):
            np.matmul(np.swapaxes(acts[l], -1, -2), delta, out=gW[l])
            np.sum(delta, axis=1, keepdims=True, out=gb[l])
            if l > 0:
                ga = np.matmul(delta, np.swapaxes(self.weights[l], 1, 2), out=ws["ga"][l - 1])
                delta = self._times_dphi(ga, pre[l - 1], acts[l], ws["tmp"][l - 1])
        return loss, Gradients(list(gW), list(gb))

    def loss(self, x, y) -> np.ndarray:
        """Mean softmax cross-entropy per network, shape ``(n_nets,)``."""
        x = self._check_x(x)
        y = self._check_y(y, x.shape[0])
        with np.errstate(**_ERR):
            return _cross_entropy(self._forward(x)[0][-1], y)

    def loss_and_grads(self, x, y) -> tuple[np.ndarray, Gradients]:
        """Mean softmax cross-entropy per network and its gradients.

        Parameters
        ----------
        x : inputs ``(batch, n_0)``
        y : integer labels ``(batch,)`` in ``0 .. n_L − 1``

        Returns
        -------
        loss : ``(n_nets,)``
        grads : :class:`Gradients` with ``weights[l]`` shaped like ``self.weights[l]`` and
            ``biases[l]`` like ``self.biases[l]``

        >>> net = MLP.init([3, 4, 2], n_nets=2, rng=0)
        >>> loss, g = net.loss_and_grads(np.ones((5, 3)), np.array([0, 1, 1, 0, 1]))
        >>> loss.shape, g.weights[0].shape
        ((2,), (2, 3, 4))
        """
        x = self._check_x(x)
        y = self._check_y(y, x.shape[0])
        with np.errstate(**_ERR):
            return self._loss_and_grads(x, y)

    def predict(self, x) -> np.ndarray:
        """Predicted class of every input by every network, ``(n_nets, batch)``."""
        return np.argmax(self.forward(x), axis=2)

    def accuracy(self, x, y) -> np.ndarray:
        """Fraction of inputs classified correctly, per network, ``(n_nets,)``."""
        x = self._check_x(x)
        y = self._check_y(y, x.shape[0])
        return (self.predict(x) == y[None, :]).mean(axis=1)


def _cross_entropy(logits, y):
    """Mean cross-entropy per network from logits ``(n_nets, batch, k)``, by log-sum-exp."""
    m = logits.max(axis=2, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    shifted = logits - m
    lse = np.log(np.exp(shifted).sum(axis=2))
    true = np.take_along_axis(shifted, np.broadcast_to(y[None, :, None], shifted.shape[:2] + (1,)), axis=2)[..., 0]
    return (lse - true).mean(axis=1)


def _check_dtype(dtype) -> np.dtype:
    if not isinstance(dtype, str):
        try:
            dtype = np.dtype(dtype).name
        except TypeError:
            raise TypeError(f"dtype must be one of: {', '.join(DTYPES)}; got {dtype!r}") from None
    return np.dtype(_validate.choice(dtype, DTYPES, "dtype"))


def _check_widths(widths) -> list:
    if isinstance(widths, (numbers.Integral, str)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list [n_0, n_1, ..., n_L] (input, hidden..., classes); got {widths!r}")
    widths = [_validate.positive_int(w, "every width") for w in widths]
    if len(widths) < 2:
        raise ValueError(f"widths must list the input width and at least the output width, [n_0, ..., n_L]; got {widths!r}")
    return widths


def hidden_unit_distances(net: MLP, layer: int) -> np.ndarray:
    """Pairwise distances between the units of a layer, by their incoming parameters.

    Unit j of layer ℓ computes z_j = a^(ℓ−1) W[:, j] + b_j; two units compute the same
    function exactly when their incoming weight vectors and biases agree. This returns,
    for every network, the Euclidean distance between the vectors (W[:, i], b_i) and
    (W[:, j], b_j) of every pair of units: ``(n_nets, n_ℓ, n_ℓ)``, zero on the diagonal.
    With constant initialization every hidden unit receives the same update, so the
    hidden layers' distances stay 0 through training (the symmetry is never broken). With
    the OpenBLAS that NumPy ships, they stay 0 bit for bit when the hidden widths are
    multiples of 8 (the library then computes every column with the same instructions);
    for other widths its edge kernels may round one column differently, and the distances
    are of the order of rounding (1e-16) instead. With random initialization the
    off-diagonal entries are of order 1.

    Parameters
    ----------
    net : an :class:`MLP`
    layer : ℓ, from 1 (the first hidden layer) to L (the output layer)

    >>> net = MLP.init([4, 3, 2], scheme="constant", value=0.1, n_nets=1)
    >>> float(hidden_unit_distances(net, 1).max())
    0.0
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an initlab.mlp.MLP; got {type(net).__name__}")
    if isinstance(layer, bool) or not isinstance(layer, numbers.Integral):
        raise TypeError(f"layer must be an integer from 1 to {net.depth}; got {layer!r}")
    if not 1 <= layer <= net.depth:
        raise ValueError(f"layer must be between 1 and L = {net.depth} (1 is the first hidden layer); got {layer}")
    W = net.weights[layer - 1]
    b = net.biases[layer - 1]
    v = np.concatenate([np.swapaxes(W, 1, 2), np.swapaxes(b, 1, 2)], axis=2)  # (n_nets, n_out, n_in + 1)
    n_out = v.shape[1]
    out = np.empty((v.shape[0], n_out, n_out))
    with np.errstate(**_ERR):
        for i in range(n_out):
            diff = v - v[:, i : i + 1, :]
            out[:, i, :] = np.sqrt(np.einsum("cjk,cjk->cj", diff, diff))
    return out


@dataclass
class TrainResult:
    """What :func:`train` measured.

    Attributes
    ----------
    steps : ``(n_evals,)`` the step numbers of the evaluations (0 = before training)
    train_loss, test_loss : ``(n_evals, n_nets)`` mean cross-entropy on the whole training
        and test sets (``nan`` once a network has diverged)
    train_accuracy, test_accuracy : ``(n_evals, n_nets)`` (``nan`` once diverged)
    grad_norms_step0 : ``(n_nets, L)`` Frobenius norm of ∂loss/∂W^(ℓ) on the first minibatch
    diverged : ``(n_nets,)`` True for networks whose loss or gradients became inf or nan
    diverged_step : ``(n_nets,)`` the step at which that happened (−1 if never)
    lr : ``(n_nets,)`` the learning rates used
    net : the trained networks (a copy; the network passed in is unchanged)
    """

    steps: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    grad_norms_step0: np.ndarray
    diverged: np.ndarray
    diverged_step: np.ndarray
    lr: np.ndarray
    net: MLP


def _learning_rates(lr, n_nets: int) -> np.ndarray:
    if isinstance(lr, numbers.Real) and not isinstance(lr, bool):
        arr = np.full(n_nets, float(lr))
    else:
        try:
            arr = np.asarray(lr, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"lr must be a number or an array of {n_nets} numbers (one per network); got {lr!r}") from None
        if arr.ndim == 0:
            arr = np.full(n_nets, float(arr))
        if arr.shape != (n_nets,):
            raise ValueError(f"lr must be a number or an array of shape ({n_nets},), one per network; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"every learning rate must be a finite number >= 0; got {arr.tolist()}")
    return arr


def train(
    net: MLP,
    data,
    steps: int = 500,
    lr=0.1,
    batch_size: int = 64,
    eval_every: int = 50,
    rng=0,
) -> TrainResult:
    """Train every network of ``net`` side by side with minibatch gradient descent.

    Parameters
    ----------
    net : an :class:`MLP` (not modified; the trained copy is ``result.net``)
    data : an object with ``x_train, y_train, x_test, y_test`` (e.g. :func:`initlab.data.load_digits`)
    steps : number of gradient steps
    lr : learning rate η, a number or an array ``(n_nets,)`` (one per network)
    batch_size : inputs per minibatch; the training set is reshuffled every epoch and all
        networks see the same minibatches
    eval_every : evaluate on the full training and test sets every this many steps (and
        at step 0 and after the last step)
    rng : ``numpy.random.Generator`` or int seed for the minibatch order

    Returns
    -------
    :class:`TrainResult`
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an initlab.mlp.MLP; got {type(net).__name__}")
    missing = [k for k in ("x_train", "y_train", "x_test", "y_test") if not hasattr(data, k)]
    if missing:
        raise TypeError(f"data must have x_train, y_train, x_test, y_test (e.g. initlab.data.load_digits()); missing {missing}")
    x_tr = net._check_x(data.x_train)
    y_tr = net._check_y(data.y_train, x_tr.shape[0])
    x_te = net._check_x(data.x_test)
    y_te = net._check_y(data.y_test, x_te.shape[0])
    steps = _validate.positive_int(steps, "steps")
    batch_size = _validate.positive_int(batch_size, "batch_size")
    if batch_size > x_tr.shape[0]:
        raise ValueError(f"batch_size must be at most the training set size {x_tr.shape[0]}; got {batch_size}")
    eval_every = _validate.positive_int(eval_every, "eval_every")
    gen = _validate.generator(rng)
    n = net.n_nets
    lrs = _learning_rates(lr, n)
    net = net.copy()
    L = net.depth

    eval_steps = sorted(set(range(0, steps, eval_every)) | {steps})
    n_ev = len(eval_steps)
    rec = {k: np.full((n_ev, n), np.nan) for k in ("train_loss", "test_loss", "train_accuracy", "test_accuracy")}
    diverged = np.zeros(n, dtype=bool)
    diverged_step = np.full(n, -1)
    grad0 = np.full((n, L), np.nan)

    def evaluate(i):
        with np.errstate(**_ERR):
            for xs, ys, tag in ((x_tr, y_tr, "train"), (x_te, y_te, "test")):
                logits = net._forward(xs)[0][-1]
                loss = _cross_entropy(logits, ys)
                acc = (np.argmax(logits, axis=2) == ys[None, :]).mean(axis=1)
                bad = diverged | ~np.isfinite(loss)
                rec[f"{tag}_loss"][i] = np.where(bad, np.nan, loss)
                rec[f"{tag}_accuracy"][i] = np.where(bad, np.nan, acc)

    lr_b = lrs[:, None, None].astype(net.dtype)
    ws = net._workspace(batch_size)
    order = np.empty(0, dtype=np.int64)
    pos = 0
    ev = 0
    for step in range(steps + 1):
        if ev < n_ev and step == eval_steps[ev]:
            evaluate(ev)
            ev += 1
        if step == steps:
            break
        if pos + batch_size > order.size:
            order = gen.permutation(x_tr.shape[0])
            pos = 0
        idx = order[pos : pos + batch_size]
        pos += batch_size
        with np.errstate(**_ERR):
            loss, g = net._loss_and_grads(x_tr[idx], y_tr[idx], ws)
            # A network diverges when its loss or any gradient is inf or nan (a sum
            # propagates both); from then on it is frozen.
            check = loss.copy()
            for l in range(L):
                check += g.weights[l].sum(axis=(1, 2)) + g.biases[l].sum(axis=(1, 2))
            if step == 0:
                grad0[:] = np.stack([np.sqrt(np.einsum("cij,cij->c", gw, gw)) for gw in g.weights], axis=1)
            bad = ~np.isfinite(check) & ~diverged
            if np.any(bad):
                diverged |= bad
                diverged_step[bad] = step
            if np.any(diverged):
                live = ~diverged[:, None, None]
                for l in range(L):
                    net.weights[l] -= lr_b * np.where(live, g.weights[l], 0.0)
                    net.biases[l] -= lr_b * np.where(live, g.biases[l], 0.0)
            else:
                for l in range(L):
                    g.weights[l] *= lr_b
                    net.weights[l] -= g.weights[l]
                    g.biases[l] *= lr_b
                    net.biases[l] -= g.biases[l]
    return TrainResult(
        steps=np.asarray(eval_steps),
        train_loss=rec["train_loss"],
        test_loss=rec["test_loss"],
        train_accuracy=rec["train_accuracy"],
        test_accuracy=rec["test_accuracy"],
        grad_norms_step0=grad0,
        diverged=diverged,
        diverged_step=diverged_step,
        lr=lrs,
        net=net,
    )


__all__ = ["MLP", "Gradients", "TrainResult", "train", "hidden_unit_distances"]
