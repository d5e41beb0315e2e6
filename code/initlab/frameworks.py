"""What the deep-learning frameworks do by default, rebuilt in NumPy.

Chapter "What the frameworks do, and how to choose" compares the defaults of PyTorch, Keras
and JAX/Flax with the schemes of ``initlab.schemes``. No framework is imported: this module
re-implements the few formulas they use, so that the book can check them.

* :func:`truncated_std` and :func:`truncated_std_quadrature` — the standard deviation of a
  standard normal truncated to [−c, c] (0.8796… for c = 2), in closed form and by quadrature;
* :func:`truncated_normal` — draws from a truncated normal, optionally rescaled by that
  factor so that the standard deviation is the one asked for (what Keras and Flax do);
* :func:`kaiming_uniform_bound` — PyTorch's ``kaiming_uniform_`` bound for a given ``a``;
* :func:`pytorch_linear`, :func:`keras_dense`, :func:`flax_dense` — a dense layer's weights
  and bias as each framework initializes them by default;
* :func:`keras_initializer` — Keras's named initializers (truncated normals included);
* :data:`FRAMEWORK_DEFAULTS`, :data:`DECISION_TABLE` and :func:`decision_rows` — the tables
  the chapter prints;
* :func:`relu_signal_by_depth` — the mean squared preactivation of a deep ReLU network whose
  weights are truncated normals, with or without the rescaling;
* :func:`product_singular_values` — the singular values of a product of random matrices.

Keras's and Flax's truncated normal draws N(0, s²) restricted to [−2s, 2s] with
s = σ / 0.87962566103423978, where σ is the standard deviation the scheme asks for
(``tf.keras.initializers.VarianceScaling`` and ``jax.nn.initializers.variance_scaling``).

Example
-------
>>> from initlab.frameworks import truncated_std, kaiming_uniform_bound
>>> round(truncated_std(2.0), 8)
0.87962566
>>> round(kaiming_uniform_bound(100, 5 ** 0.5), 6)   # = 1/√100
0.1
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate
from .schemes import fans, gain, init_std, initialize

#: The constant Keras and JAX divide by: the std of N(0, 1) truncated to [−2, 2].
KERAS_TRUNCATION_FACTOR = 0.87962566103423978


def _phi(x):
    return np.exp(-0.5 * np.asarray(x, dtype=float) ** 2) / math.sqrt(2.0 * math.pi)


def truncated_std(cut: float = 2.0) -> float:
    """Return the standard deviation of a standard normal truncated to [−cut, cut].

    Closed form: Var = 1 − 2c φ(c) / (2Φ(c) − 1), with φ and Φ the standard normal density
    and distribution function (and 2Φ(c) − 1 = erf(c/√2)).

    >>> round(truncated_std(2.0), 6)
    0.879626
    """
    c = _validate.finite_float(cut, "cut")
    if c <= 0:
        raise ValueError(f"cut must be > 0 (the truncation is at ±cut standard deviations); got {c}")
    mass = math.erf(c / math.sqrt(2.0))
    return math.sqrt(1.0 - 2.0 * c * float(_phi(c)) / mass)


def truncated_std_quadrature(cut: float = 2.0, n_points: int = 20001) -> float:
    """The same standard deviation as :func:`truncated_std`, by the trapezoid rule.

    Var = ∫ x² φ(x) dx / ∫ φ(x) dx over [−cut, cut] (the mean is 0 by symmetry).

    >>> round(truncated_std_quadrature(2.0), 6)
    0.879626
    """
    c = _validate.finite_float(cut, "cut")
    if c <= 0:
        raise ValueError(f"cut must be > 0; got {c}")
    x = np.linspace(-c, c, _validate.positive_int(n_points, "n_points"))
    p = _phi(x)
    return math.sqrt(float(np.trapezoid(x**2 * p, x) / np.trapezoid(p, x)))


def truncated_normal(shape, std: float, rng=None, cut: float = 2.0, rescale: bool = True) -> np.ndarray:
    """Draw from a normal truncated to ±``cut`` of its scale, as Keras and Flax do.

    Parameters
    ----------
    shape : output shape
    std : the standard deviation the scheme asks for (σ)
    rng : Generator or int seed
    cut : truncation point in units of the scale s (2 in Keras and Flax)
    rescale : if True (the frameworks' behaviour) the scale is s = σ / truncated_std(cut),
        so the draws have standard deviation σ; if False, s = σ and the draws come out
        ``truncated_std(cut)`` times too narrow.

    Draws outside [−cut·s, cut·s] are redrawn (rejection sampling).

    >>> w = truncated_normal((100_000,), 0.5, rng=0)
    >>> round(float(w.std()), 2), bool(abs(w).max() <= 2 * 0.5 / 0.8796)
    (0.5, True)
    """
    sigma = _validate.nonnegative_float(std, "std")
    c = _validate.finite_float(cut, "cut")
    if c <= 0:
        raise ValueError(f"cut must be > 0; got {c}")
    gen = _validate.generator(rng)
    shape = tuple(int(s) for s in np.atleast_1d(shape))
    z = gen.standard_normal(shape)
    bad = np.abs(z) > c
    while bad.any():
        z[bad] = gen.standard_normal(int(bad.sum()))
        bad = np.abs(z) > c
    scale = sigma / truncated_std(c) if rescale else sigma
    return scale * z


def kaiming_uniform_bound(fan_in: int, a: float = 0.0) -> float:
    """Return the bound of PyTorch's ``kaiming_uniform_(w, a=a)`` (leaky-ReLU gain, fan-in mode).

    gain = √(2 / (1 + a²)), std = gain / √fan_in, bound = √3 · std = gain · √(3 / fan_in).
    With a = √5 (what ``nn.Linear`` uses) the gain is √(1/3) and the bound is 1/√fan_in.

    >>> round(kaiming_uniform_bound(10, 5 ** 0.5), 4)
    0.3162
    """
    n = _validate.positive_int(fan_in, "fan_in")
    g = gain("leaky_relu", _validate.nonnegative_float(a, "a"))
    return g * math.sqrt(3.0 / n)


def pytorch_linear(fan_in: int, fan_out: int, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Weights and bias of PyTorch's ``nn.Linear(fan_in, fan_out)`` at initialization.

    Both are U(−1/√fan_in, 1/√fan_in): the weights through ``kaiming_uniform_`` with a = √5,
    the bias directly. Shapes follow the book: W (fan_in, fan_out), b (fan_out,).

    >>> W, b = pytorch_linear(16, 4, rng=0)
    >>> W.shape, b.shape, bool(abs(W).max() <= 0.25 and abs(b).max() <= 0.25)
    ((16, 4), (4,), True)
    """
    n_in, n_out = fans((fan_in, fan_out))
    gen = _validate.generator(rng)
    bound = kaiming_uniform_bound(n_in, math.sqrt(5.0))
    W = gen.uniform(-bound, bound, size=(n_in, n_out))
    b = gen.uniform(-1.0 / math.sqrt(n_in), 1.0 / math.sqrt(n_in), size=n_out)
    return W, b


_KERAS = {
    # name: (scale, mode, distribution) as in keras.initializers.VarianceScaling
    "glorot_uniform": (1.0, "fan_avg", "uniform"),
    "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
    "he_normal": (2.0, "fan_in", "truncated_normal"),
    "lecun_uniform": (1.0, "fan_in", "uniform"),
    "lecun_normal": (1.0, "fan_in", "truncated_normal"),
}
KERAS_INITIALIZERS = tuple(_KERAS)


def keras_std(name: str, shape) -> float:
    """Return the standard deviation of Keras's initializer ``name`` for a weight ``shape``.

    VarianceScaling: σ² = scale / n with n = fan_in, fan_out or their mean.

    >>> round(keras_std("he_normal", (10, 20)), 4)
    0.4472
    """
    name = _validate.choice(name, KERAS_INITIALIZERS, "Keras initializer")
    scale, mode, _ = _KERAS[name]
    fi, fo = fans(shape)
    n = {"fan_in": fi, "fan_out": fo, "fan_avg": (fi + fo) / 2.0}[mode]
    return math.sqrt(scale / n)


def keras_initializer(name: str, shape, rng=None, rescale: bool = True) -> np.ndarray:
    """Draw a weight tensor as Keras's initializer ``name`` does.

    Uniform variants: U[−√3σ, √3σ]. Normal variants: the truncated normal of
    :func:`truncated_normal` (cut at ±2 scales; ``rescale=False`` imitates forgetting the
    division by 0.8796).

    >>> keras_initializer("lecun_normal", (3, 3, 8, 16), rng=0).shape
    (3, 3, 8, 16)
    """
    name = _validate.choice(name, KERAS_INITIALIZERS, "Keras initializer")
    sigma = keras_std(name, shape)
    gen = _validate.generator(rng)
    shape = tuple(int(s) for s in shape)
    if _KERAS[name][2] == "uniform":
        a = math.sqrt(3.0) * sigma
        return gen.uniform(-a, a, size=shape)
    return truncated_normal(shape, sigma, gen, cut=2.0, rescale=rescale)


def keras_dense(fan_in: int, fan_out: int, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Weights and bias of Keras's ``Dense`` layer by default: glorot_uniform and zeros.

    >>> W, b = keras_dense(10, 20, rng=0)
    >>> bool(abs(W).max() <= (6 / 30) ** 0.5), float(abs(b).max())
    (True, 0.0)
    """
    n_in, n_out = fans((fan_in, fan_out))
    return keras_initializer("glorot_uniform", (n_in, n_out), rng), np.zeros(n_out)


def flax_dense(fan_in: int, fan_out: int, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Weights and bias of Flax's ``nn.Dense`` by default: truncated lecun_normal and zeros.

    >>> W, b = flax_dense(64, 8, rng=0)
    >>> bool(abs(W).max() <= 2 / 0.8796 / 8), float(abs(b).max())
    (True, 0.0)
    """
    n_in, n_out = fans((fan_in, fan_out))
    return keras_initializer("lecun_normal", (n_in, n_out), rng), np.zeros(n_out)


#: The default initialization of a dense layer in three frameworks, with the formula each
#: implements and the initlab call that gives the same standard deviation.
FRAMEWORK_DEFAULTS = (
    {
        "framework": "PyTorch",
        "layer": "nn.Linear",
        "weights": "kaiming_uniform_(a=√5) = U(±1/√fan_in)",
        "std": "1/√(3·fan_in)",
        "bias": "U(±1/√fan_in)",
        "initlab": 'initialize("fan_in_uniform", shape)',
    },
    {
        "framework": "Keras",
        "layer": "Dense",
        "weights": "glorot_uniform = U(±√(6/(fan_in+fan_out)))",
        "std": "√(2/(fan_in+fan_out))",
        "bias": "zeros",
        "initlab": 'initialize("glorot_uniform", shape)',
    },
    {
        "framework": "JAX/Flax",
        "layer": "nn.Dense",
        "weights": "lecun_normal, truncated at ±2s, s = σ/0.8796",
        "std": "√(1/fan_in)",
        "bias": "zeros",
        "initlab": 'frameworks.flax_dense(fan_in, fan_out) (std as initialize("lecun_normal", shape))',
    },
)

#: From the activation to a scheme: (activation as written, initlab activation name, scheme).
DECISION_TABLE = (
    ("none (linear)", "linear", "lecun_normal"),
    ("tanh", "tanh", "glorot_uniform"),
    ("sigmoid", "sigmoid", "glorot_uniform"),
    ("ReLU", "relu", "he_normal"),
    ("leaky ReLU (slope 0.01)", "leaky_relu", "he_normal_leaky"),
    ("SELU", "selu", "lecun_normal"),
)


def decision_rows(width: int = 256) -> list[dict]:
    """The decision table with its numbers computed: C_W of the scheme and PyTorch's gain.

    For each row of :data:`DECISION_TABLE`, ``C_W`` is fan_in · Var(W) of the scheme for a
    square layer of ``width`` units (where Glorot's rule equals LeCun's), ``gain`` is
    ``initlab.gain(activation)``, the factor PyTorch's ``calculate_gain`` recommends, and
    ``gain_C_W`` = gain², the C_W that a fan-in scheme with that gain gives. The two agree
    except for tanh (gain 5/3, C_W = 25/9: the chaotic phase) and SELU (gain 3/4,
    C_W = 9/16: no self-normalizing fixed point). The scheme ``he_normal_leaky`` is He
    normal with the ReLU gain √2 replaced by the leaky-ReLU gain √(2/(1 + α²)).

    >>> [round(r["C_W"], 3) for r in decision_rows()][:4]
    [1.0, 1.0, 1.0, 2.0]
    >>> [r["activation"] for r in decision_rows() if abs(r["C_W"] - r["gain_C_W"]) > 1e-12]
    ['tanh', 'SELU']
    """
    n = _validate.positive_int(width, "width")
    rows = []
    for label, act, scheme in DECISION_TABLE:
        if scheme == "he_normal_leaky":
            c_w = n * init_std("he_normal", n, n, gain=gain(act) / gain("relu")) ** 2
        else:
            c_w = n * init_std(scheme, n, n) ** 2
        g = gain(act)
        rows.append({"activation": label, "scheme": scheme, "C_W": c_w, "gain": g, "gain_C_W": g * g})
    return rows


def format_table(rows, header) -> str:
    """Return ``rows`` (tuples or dicts) as a plain-text table with ``header``.

    >>> print(format_table([("a", 1)], ("x", "y")))
    x | y
    a | 1
    """
    header = tuple(header)
    lines = [" | ".join(header)]
    for row in rows:
        cells = [row[h] for h in header] if isinstance(row, dict) else list(row)
        if len(cells) != len(header):
            raise ValueError(f"every row needs {len(header)} cells, one per column {header}; got {row!r}")
        lines.append(" | ".join("—" if c is None else str(c) for c in cells))
    return "\n".join(lines)


def relu_signal_by_depth(depth: int, width: int, rescale: bool, n_nets: int = 40, batch: int = 32,
                         rng=None, per_network: bool = False) -> np.ndarray:
    """Preactivation second moment per layer of deep ReLU nets with Keras-style He normal weights.

    ``n_nets`` independent networks of ``depth`` layers of ``width`` units get truncated-normal
    weights with σ = √(2/width) (He), with or without the rescaling by 0.8796, and standard
    normal inputs x. Returns, for layers ℓ = 1 … depth, the mean over networks and inputs of
    z², divided by 2·mean(x²), the value He initialization keeps in every layer. So the
    prediction is 1 with the rescaling and (0.8796²)^ℓ without it. With ``per_network=True``
    the mean over inputs is returned for each network, shape ``(n_nets, depth)``: its mean over
    networks is the default result, and its spread gives the standard error of that mean.

    >>> r = relu_signal_by_depth(3, 64, rescale=False, n_nets=4, rng=0)
    >>> r.shape
    (3,)
    """
    L = _validate.positive_int(depth, "depth")
    n = _validate.positive_int(width, "width")
    m = _validate.positive_int(n_nets, "n_nets")
    gen = _validate.generator(rng)
    x = gen.standard_normal((m, _validate.positive_int(batch, "batch"), n))
    target = 2.0 * float(np.mean(x**2))
    sigma = init_std("he_normal", n, n)
    a = x
    k = np.empty((m, L))
    for layer in range(L):
        z = a @ truncated_normal((m, n, n), sigma, gen, rescale=rescale)
        k[:, layer] = np.mean(z**2, axis=(1, 2))
        a = np.maximum(z, 0.0)
    k /= target
    return k if per_network else k.mean(axis=0)


def singular_values_of_product(matrices) -> np.ndarray:
    """All singular values of the product M₁ M₂ ⋯ M_L of square invertible matrices, accurately.

    An SVD of the product formed in double precision finds each singular value only to an
    absolute error of about 1e-16 times the largest one, so a product whose spectrum spans
    more than 16 orders of magnitude gets its small singular values wrong (rounding noise
    near 1e-17 of the largest). The small singular values of P are the reciprocals of the
    large ones of P⁻¹ = M_L⁻¹ ⋯ M₁⁻¹, which an SVD finds accurately. So the upper half of
    the spectrum (on a log scale) is read from P and the lower half from P⁻¹. Returned in
    decreasing order.

    >>> rng = np.random.default_rng(0)
    >>> d = np.diag([1.0, 1e-6])
    >>> singular_values_of_product([d] * 4)  # 1 and 1e-24: far below rounding for P alone
    array([1.e+00, 1.e-24])
    """
    mats = [np.asarray(m, dtype=float) for m in matrices]
    if not mats:
        raise ValueError("need at least one matrix")
    n = mats[0].shape[0]
    if any(m.ndim != 2 or m.shape != (n, n) for m in mats):
        raise ValueError(f"every matrix must be square and of the same size; got shapes {[m.shape for m in mats]}")
    P, P_inv = np.eye(n), np.eye(n)
    for m in mats:
        P = P @ m
        try:
            P_inv = np.linalg.solve(m, P_inv)  # (P m)⁻¹ = m⁻¹ P⁻¹
        except np.linalg.LinAlgError as err:
            raise ValueError("a matrix of the product is singular; its small singular values are 0") from err
    s = np.linalg.svd(P, compute_uv=False)
    s_from_inverse = 1.0 / np.linalg.svd(P_inv, compute_uv=False)[::-1]
    # Near the middle of the spectrum both readings have a relative error of about ε·√κ
    # (κ = s_max/s_min); beyond ε·√κ = 1e-3 (κ above about 2e25) neither can be trusted.
    kappa = s[0] / s_from_inverse[-1]
    if np.finfo(float).eps * math.sqrt(kappa) > 1e-3:
        raise ValueError(
            f"the product is too ill-conditioned (s_max/s_min ≈ {kappa:.1e}) for double precision: "
            "its middle singular values would be wrong; use fewer factors (at most about 2e25)")
    middle = math.sqrt(s[0] * s_from_inverse[-1])
    # Choose by the accurate reading: the plain SVD's small values are rounding noise.
    return np.where(s_from_inverse >= middle, s, s_from_inverse)


def product_singular_values(n: int, depth: int, kind: str, rng=None) -> np.ndarray:
    """Singular values of the product of ``depth`` random n×n matrices.

    ``kind="gaussian"``: entries N(0, 1/n) (LeCun normal, the variance that preserves the
    mean squared norm); ``kind="orthogonal"``: Haar-random orthogonal matrices
    (``initialize("orthogonal", ...)``), whose product is orthogonal, so every singular value
    is 1. Computed by :func:`singular_values_of_product`, so that the smallest ones are right
    even when they are many orders of magnitude below the largest. Returned in decreasing order.

    >>> product_singular_values(50, 10, "orthogonal", rng=0).round(6).max()
    np.float64(1.0)
    """
    n = _validate.positive_int(n, "n")
    L = _validate.positive_int(depth, "depth")
    kind = _validate.choice(kind, ("gaussian", "orthogonal"), "kind")
    gen = _validate.generator(rng)
    scheme = "lecun_normal" if kind == "gaussian" else "orthogonal"
    return singular_values_of_product([initialize(scheme, (n, n), rng=gen) for _ in range(L)])


__all__ = [
    "KERAS_TRUNCATION_FACTOR",
    "KERAS_INITIALIZERS",
    "truncated_std",
    "truncated_std_quadrature",
    "truncated_normal",
    "kaiming_uniform_bound",
    "pytorch_linear",
    "keras_std",
    "keras_initializer",
    "keras_dense",
    "flax_dense",
    "FRAMEWORK_DEFAULTS",
    "DECISION_TABLE",
    "decision_rows",
    "format_table",
    "relu_signal_by_depth",
    "product_singular_values",
    "singular_values_of_product",
]
