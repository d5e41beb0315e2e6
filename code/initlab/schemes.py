"""Initialization schemes: fans, gains, the standard deviation of each scheme, and the draws.

Shapes follow NumPy and Keras. A dense weight matrix has shape ``(fan_in, fan_out)`` and is
used as ``x @ W``. A convolution kernel has shape ``(*kernel_size, in_channels,
out_channels)``; its fans are the receptive field (the product of the kernel size) times the
input or output channels. Fans come from the shape alone: a bias does not count.

Every scheme is described by the standard deviation of its weights (``init_std``) and,
for uniform schemes, the half-width of the interval (``uniform_bound``); ``initialize``
draws a tensor. ``gain`` multiplies the standard deviation; the default ``gain=1`` gives the
published schemes:

=================  ====================================  ===========================
scheme             standard deviation (gain 1)           distribution
=================  ====================================  ===========================
zeros              0                                     all weights 0
constant           0                                     all weights ``value``
small_normal       0.01                                  normal
unit_normal        1                                     normal
fan_in_uniform     1/√(3·fan_in)                          U[−1/√fan_in, +1/√fan_in]
glorot_uniform     √(2/(fan_in + fan_out))               U[−√3·std, +√3·std]
glorot_normal      √(2/(fan_in + fan_out))               normal
lecun_uniform      √(1/fan)                              U[−√3·std, +√3·std]
lecun_normal       √(1/fan)                              normal
he_uniform         √(2/fan)                              U[−√3·std, +√3·std]
he_normal          √(2/fan)                              normal
orthogonal         1/√max(fan_in, fan_out)  (rms)        (semi-)orthogonal matrix
=================  ====================================  ===========================

``fan`` is ``fan_in`` by default; ``mode="fan_out"`` or ``"fan_avg"`` chooses the other or
the mean of both, for the LeCun and He schemes. Normal schemes are plain normals (as in
PyTorch), not the truncated normals that Keras and JAX use; see the chapter on frameworks.

Example
-------
>>> from initlab import initialize, init_std, fans
>>> fans((3, 3, 16, 32))
(144, 288)
>>> round(init_std("he_normal", 50, 10), 4)
0.2
>>> initialize("glorot_uniform", (4, 3), rng=0).shape
(4, 3)
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import _validate
from .activations import ACTIVATIONS, LEAKY_SLOPE

#: The schemes ``initialize`` knows, in the order the book introduces them.
SCHEMES = (
    "zeros",
    "constant",
    "small_normal",
    "unit_normal",
    "fan_in_uniform",
    "glorot_uniform",
    "glorot_normal",
    "lecun_uniform",
    "lecun_normal",
    "he_uniform",
    "he_normal",
    "orthogonal",
)

#: Schemes whose weights are independent normals (the ensemble's fast path applies to them).
GAUSSIAN_SCHEMES = ("small_normal", "unit_normal", "glorot_normal", "lecun_normal", "he_normal")
#: Schemes whose weights are independent uniforms on [-bound, bound].
UNIFORM_SCHEMES = ("fan_in_uniform", "glorot_uniform", "lecun_uniform", "he_uniform")
#: Schemes that accept a ``mode``.
MODE_SCHEMES = ("lecun_uniform", "lecun_normal", "he_uniform", "he_normal")
MODES = ("fan_in", "fan_out", "fan_avg")


def fans(shape) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a weight tensor from its shape.

    Parameters
    ----------
    shape : tuple of positive ints
        ``(fan_in, fan_out)`` for a dense layer; ``(*kernel_size, in_channels,
        out_channels)`` for a convolution (1, 2 or 3 spatial dimensions, or more).

    Returns
    -------
    (fan_in, fan_out) : for a convolution, ``receptive_field * in_channels`` and
        ``receptive_field * out_channels``, where the receptive field is the product of the
        kernel size.

    Examples
    --------
    >>> fans((784, 256))
    (784, 256)
    >>> fans((5, 5, 3, 64))
    (75, 1600)
    """
    if isinstance(shape, numbers.Integral) or not hasattr(shape, "__len__"):
        raise ValueError(
            f"shape must be a tuple of at least two sizes, (fan_in, fan_out) for a dense layer "
            f"or (*kernel_size, in_channels, out_channels) for a convolution; got {shape!r}"
        )
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError(
            f"shape must have rank 2 (dense: (fan_in, fan_out)) or more (convolution: "
            f"(*kernel_size, in_channels, out_channels)); got rank {len(shape)}: {shape!r}"
        )
    dims = [_validate.positive_int(s, f"every size in the shape {shape!r}") for s in shape]
    receptive = math.prod(dims[:-2])
    return receptive * dims[-2], receptive * dims[-1]


def gain(activation: str, param: float | None = None) -> float:
    """Return the recommended gain for an activation (the factor on a scheme's std).

    The values follow PyTorch's ``torch.nn.init.calculate_gain`` table: linear 1,
    sigmoid 1, tanh 5/3, relu √2, leaky_relu √(2/(1 + a²)) with negative slope ``a``
    (``param``, default 0.01), selu 3/4.

    >>> round(gain("relu"), 6)
    1.414214
    >>> round(gain("leaky_relu", 0.2), 6)
    1.38675
    """
    name = _validate.choice(activation, ACTIVATIONS, "activation")
    if name != "leaky_relu" and param is not None:
        raise ValueError(f"gain({name!r}) takes no parameter; got param={param!r}")
    if name in ("linear", "sigmoid"):
        return 1.0
    if name == "tanh":
        return 5.0 / 3.0
    if name == "relu":
        return math.sqrt(2.0)
    if name == "selu":
        return 0.75
    slope = LEAKY_SLOPE if param is None else _validate.finite_float(param, "the leaky ReLU's negative slope")
    if slope < 0:
        raise ValueError(f"the leaky ReLU's negative slope must be >= 0; got {slope}")
    return math.sqrt(2.0 / (1.0 + slope**2))


def _check_fans(fan_in, fan_out) -> tuple[int, int]:
    return _validate.positive_int(fan_in, "fan_in"), _validate.positive_int(fan_out, "fan_out")


def _mode(scheme: str, mode) -> str | None:
    if scheme in MODE_SCHEMES:
        return "fan_in" if mode is None else _validate.choice(mode, MODES, "mode")
    if mode is not None:
        raise ValueError(
            f"scheme {scheme!r} has no mode (only {', '.join(MODE_SCHEMES)} take one); got mode={mode!r}"
        )
    return None


def init_std(scheme: str, fan_in: int, fan_out: int, gain: float = 1.0, mode: str | None = None) -> float:
    """Return the standard deviation of the weights that ``scheme`` draws.

    Parameters
    ----------
    scheme : one of :data:`SCHEMES`
    fan_in, fan_out : positive ints
    gain : the factor on the standard deviation (default 1: the published scheme)
    mode : ``"fan_in"`` (default), ``"fan_out"`` or ``"fan_avg"``, for LeCun and He only

    For ``orthogonal`` the value is the root mean square of the entries,
    ``gain / √max(fan_in, fan_out)``; for ``zeros`` and ``constant`` it is 0.

    >>> round(init_std("glorot_normal", 10, 20), 4)
    0.2582
    """
    scheme = _validate.choice(scheme, SCHEMES, "scheme")
    fan_in, fan_out = _check_fans(fan_in, fan_out)
    g = _validate.nonnegative_float(gain, "gain")
    mode = _mode(scheme, mode)
    if scheme in ("zeros", "constant"):
        return 0.0
    if scheme == "small_normal":
        return 0.01 * g
    if scheme == "unit_normal":
        return 1.0 * g
    if scheme == "fan_in_uniform":
        return g / math.sqrt(3.0 * fan_in)
    if scheme in ("glorot_uniform", "glorot_normal"):
        return g * math.sqrt(2.0 / (fan_in + fan_out))
    if scheme == "orthogonal":
        return g / math.sqrt(max(fan_in, fan_out))
    fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[mode]
    c = 1.0 if scheme.startswith("lecun") else 2.0
    return g * math.sqrt(c / fan)


def uniform_bound(scheme: str, fan_in: int, fan_out: int, gain: float = 1.0, mode: str | None = None) -> float:
    """Return the half-width ``a`` of a uniform scheme's interval [−a, a].

    A uniform distribution on [−a, a] has variance a²/3, so a = √3 · std.

    >>> round(uniform_bound("fan_in_uniform", 10, 1), 4)
    0.3162
    >>> round(uniform_bound("glorot_uniform", 10, 20), 4)
    0.4472
    """
    scheme = _validate.choice(scheme, SCHEMES, "scheme")
    if scheme not in UNIFORM_SCHEMES:
        raise ValueError(f"scheme {scheme!r} is not uniform; uniform schemes are: {', '.join(UNIFORM_SCHEMES)}")
    return math.sqrt(3.0) * init_std(scheme, fan_in, fan_out, gain=gain, mode=mode)


def _orthogonal(shape, rng: np.random.Generator, g: float, fan_in: int, fan_out: int) -> np.ndarray:
    # Flatten to (rows, fan_out) as Keras does; draw a Gaussian matrix and take the Q of its
    # QR decomposition, with the signs of R's diagonal fixed so that Q is Haar-distributed.
    rows = int(np.prod(shape[:-1]))
    cols = shape[-1]
    big, small = max(rows, cols), min(rows, cols)
    a = rng.standard_normal((big, small))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.where(np.diag(r) == 0, 1.0, np.diag(r)))
    if rows < cols:
        q = q.T
    return (g * q).reshape(shape)


def initialize(
    scheme: str,
    shape,
    rng=None,
    gain: float = 1.0,
    mode: str | None = None,
    *,
    value: float | None = None,
) -> np.ndarray:
    """Draw a weight tensor of ``shape`` with ``scheme``.

    Parameters
    ----------
    scheme : one of :data:`SCHEMES`
    shape : ``(fan_in, fan_out)`` or ``(*kernel_size, in_channels, out_channels)``
    rng : a ``numpy.random.Generator``, an int seed, or None (a fresh, unseeded generator)
    gain : factor on the standard deviation (for ``orthogonal``: on the matrix)
    mode : ``"fan_in"`` (default), ``"fan_out"`` or ``"fan_avg"``, for LeCun and He only
    value : the constant, for ``scheme="constant"`` only (required there)

    Returns
    -------
    numpy.ndarray of floats with the given shape.

    Examples
    --------
    >>> W = initialize("he_normal", (256, 128), rng=1)
    >>> round(float(W.std()), 2)
    0.09
    >>> initialize("constant", (2, 2), value=0.5)
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    scheme = _validate.choice(scheme, SCHEMES, "scheme")
    fan_in, fan_out = fans(shape)
    shape = tuple(int(s) for s in shape)
    if scheme == "constant":
        if value is None:
            raise ValueError("scheme 'constant' needs value=<number>, e.g. initialize('constant', shape, value=0.5)")
        v = _validate.finite_float(value, "value")
        _mode(scheme, mode)
        return np.full(shape, v)
    if value is not None:
        raise ValueError(f"value= is only for scheme 'constant'; got value={value!r} with scheme {scheme!r}")
    std = init_std(scheme, fan_in, fan_out, gain=gain, mode=mode)
    if scheme == "zeros":
        return np.zeros(shape)
    gen = _validate.generator(rng)
    if scheme == "orthogonal":
        return _orthogonal(shape, gen, float(gain), fan_in, fan_out)
    if scheme in UNIFORM_SCHEMES:
        a = math.sqrt(3.0) * std
        return gen.uniform(-a, a, size=shape)
    return gen.normal(0.0, std, size=shape)


def selu_fixed_point_check() -> float:
    """Return E[selu(z)²] for z ~ N(0, 1), which is 1: the reason SELU wants LeCun normal.

    Computed by quadrature; see ``initlab.theory``.
    """
    from .theory import gauss_expect
    from .activations import activation as _act

    f = _act("selu")
    # SELU has a kink at 0: split the integral there (Gauss–Hermite across the kink is only
    # good to about 1e-4).
    return float(gauss_expect(lambda z: f(z) ** 2, 1.0, kink=True))


__all__ = [
    "SCHEMES",
    "GAUSSIAN_SCHEMES",
    "UNIFORM_SCHEMES",
    "MODE_SCHEMES",
    "MODES",
    "fans",
    "gain",
    "init_std",
    "uniform_bound",
    "initialize",
    "selu_fixed_point_check",
]
