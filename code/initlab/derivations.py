"""Small calculations behind Part II of the book ("Deriving the scales", chapters 3-5).

The chapters derive the weight scales of LeCun, Glorot & Bengio and He et al. by hand; this
module holds the few computations they check those derivations with:

``input_moments``        mean, variance and second moment of the inputs the chapters use
                         (standard normal, and a standard normal passed through ReLU or sigmoid)
``weighted_sum_samples`` samples of y = Σ wᵢ xᵢ with fresh weights and inputs in every sample
``relu_forward_std``     the closed form of the per-layer preactivation std of a ReLU network
``relu_backward_std``    the same for the gradient with respect to the preactivations
``layer_weight_stds``    the weight std of every layer of a network under one scheme
``glorot_factors``       n_in·Var(W) and n_out·Var(W): Glorot and Bengio's two conditions
``tanh_fixed_point``     the fixed point of the tanh variance map (0 for C_W ≤ 1)
``scheme_table``         the summary table of chapter 5, computed from :mod:`initlab.schemes`

and the simulations that set measured values beside those formulas:

``weighted_sum_check``   Var(Σ wᵢxᵢ): measured, predicted with E[x²], and the naive Var(x) guess
``depth_profile``        per-layer preactivation rms of an ensemble, with the ReLU closed form
``relu_profile_with_stds``  the same with any weight std per layer (explicit weights)
``forward_backward_profile``  the same forward and backward (gradients), for fan-in or fan-out
``variance_profile``     per-layer K measured in an ensemble beside the variance map's prediction

Notation is the book's: a layer computes z^(ℓ) = a^(ℓ−1) W^(ℓ) with W^(ℓ) of shape
(n_{ℓ−1}, n_ℓ), and ``widths`` lists [n_0, n_1, ..., n_L], the input width first.

Example
-------
>>> from initlab import derivations
>>> round(derivations.input_moments("relu")["second_moment"], 12)
0.5
>>> [round(float(s), 6) for s in derivations.relu_forward_std(2.0, [4, 8, 8], [0.5, 0.5])]
[1.0, 1.0]
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate
from .activations import activation as _activation
from .ensemble import backward_ensemble, forward_ensemble, layer_moments
from .schemes import init_std, uniform_bound
from .theory import gauss_expect, second_moment, variance_trajectory

#: Input distributions of chapter 3: x = φ(z) with z ~ N(0, 1) and φ the identity, ReLU or sigmoid.
INPUT_KINDS = ("normal", "relu", "sigmoid")

_KIND_ACT = {"normal": "linear", "relu": "relu", "sigmoid": "sigmoid"}


def input_moments(kind: str) -> dict:
    """Exact mean, variance and second moment of x = φ(z), z ~ N(0, 1), by quadrature.

    Parameters
    ----------
    kind : ``"normal"`` (φ the identity), ``"relu"`` or ``"sigmoid"``

    Returns
    -------
    dict with float entries ``mean``, ``var`` and ``second_moment`` (E[x²] = var + mean²).

    Examples
    --------
    >>> m = input_moments("relu")
    >>> round(m["mean"], 6), round(m["second_moment"], 6)
    (0.398942, 0.5)
    """
    kind = _validate.choice(kind, INPUT_KINDS, "input kind")
    phi = _activation(_KIND_ACT[kind])
    kink = kind == "relu"
    mean = float(gauss_expect(phi, 1.0, kink=kink))
    second = float(gauss_expect(lambda z: phi(z) ** 2, 1.0, kink=kink))
    return {"mean": mean, "var": second - mean * mean, "second_moment": second}


def weighted_sum_samples(kind: str, n_terms: int, weight_var: float, n_samples: int, rng=None) -> np.ndarray:
    """Draw ``n_samples`` values of y = Σᵢ wᵢ xᵢ (i = 1..``n_terms``).

    In every sample the weights are fresh independent N(0, ``weight_var``) draws and the
    inputs fresh independent draws of ``kind`` (see :func:`input_moments`), independent of
    the weights.

    Examples
    --------
    >>> y = weighted_sum_samples("normal", 10, 0.1, 5, rng=0)
    >>> y.shape
    (5,)
    """
    kind = _validate.choice(kind, INPUT_KINDS, "input kind")
    n_terms = _validate.positive_int(n_terms, "n_terms")
    n_samples = _validate.positive_int(n_samples, "n_samples")
    weight_var = _validate.nonnegative_float(weight_var, "weight_var")
    gen = _validate.generator(rng)
    w = gen.normal(0.0, math.sqrt(weight_var), size=(n_samples, n_terms))
    x = _activation(_KIND_ACT[kind])(gen.standard_normal((n_samples, n_terms)))
    return np.sum(w * x, axis=1)


def _widths_and_stds(widths, weight_stds):
    if isinstance(widths, (int, np.integer)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list [n_0, n_1, ..., n_L], input width first; got {widths!r}")
    widths = [_validate.positive_int(w, "every width") for w in widths]
    if len(widths) < 2:
        raise ValueError(f"widths must list the input width and at least one layer; got {widths!r}")
    stds = np.asarray(weight_stds, dtype=float).ravel()
    if stds.size != len(widths) - 1:
        raise ValueError(
            f"need one weight std per layer: widths {widths} has {len(widths) - 1} layers, "
            f"but {stds.size} weight std(s) were given"
        )
    if np.any(~np.isfinite(stds)) or np.any(stds < 0):
        raise ValueError(f"weight stds must be finite and >= 0; got {stds.tolist()}")
    return widths, stds


def relu_forward_std(x_norm: float, widths, weight_stds) -> np.ndarray:
    """Closed form of the preactivation standard deviation of each layer of a ReLU network.

    With zero biases, iid N(0, σ_ℓ²) weights and a fixed input of norm ‖x‖, the
    preactivations of layer ℓ have mean-square s_ℓ², where

        s_1 = ‖x‖ · σ_1,    s_ℓ = s_{ℓ−1} · σ_ℓ · √(n_{ℓ−1} / 2)   (ℓ ≥ 2),

    so s_ℓ = ‖x‖ · σ_1 · Π_{k=2}^{ℓ} σ_k √(n_{k−1}/2). (The factor is ‖x‖, not ‖x‖².)
    The recursion holds exactly for E[z²] at any width.

    Parameters
    ----------
    x_norm : ‖x‖, the Euclidean norm of the input
    widths : [n_0, n_1, ..., n_L]
    weight_stds : [σ_1, ..., σ_L], the weight standard deviation of each layer

    Returns
    -------
    array of length L: [s_1, ..., s_L]

    Examples
    --------
    >>> relu_forward_std(3.0, [9, 50, 50], [math.sqrt(2 / 9), math.sqrt(2 / 50)]).round(6)
    array([1.414214, 1.414214])
    """
    x_norm = _validate.nonnegative_float(x_norm, "x_norm")
    widths, stds = _widths_and_stds(widths, weight_stds)
    s = np.empty(len(stds))
    s[0] = x_norm * stds[0]
    for l in range(1, len(stds)):
        s[l] = s[l - 1] * stds[l] * math.sqrt(widths[l] / 2.0)
    return s


def relu_backward_std(top_std: float, widths, weight_stds) -> np.ndarray:
    """Closed form of the std of the gradient ∂ℓ/∂z^(ℓ) in each layer of a ReLU network.

    Back-propagation gives ∂ℓ/∂z^(ℓ−1) = (∂ℓ/∂z^(ℓ) W^(ℓ)ᵀ) ⊙ φ′(z^(ℓ−1)). Treating the
    weights of the backward pass as independent of the gradient they multiply (the usual
    assumption of He et al., 2015), each layer down multiplies the gradient's
    mean-square by σ_ℓ² · n_ℓ / 2:

        g_L = ``top_std``,    g_{ℓ−1} = g_ℓ · σ_ℓ · √(n_ℓ / 2),

    so g_ℓ = g_L · Π_{k=ℓ+1}^{L} σ_k √(n_k / 2): the width in the factor is n_k, the
    *output* width of layer k.

    Returns
    -------
    array of length L: [g_1, ..., g_L]

    Examples
    --------
    >>> relu_backward_std(1.0, [9, 50, 50], [0.1, 0.2]).round(6)
    array([1., 1.])
    """
    top_std = _validate.nonnegative_float(top_std, "top_std")
    widths, stds = _widths_and_stds(widths, weight_stds)
    L = len(stds)
    g = np.empty(L)
    g[L - 1] = top_std
    for l in range(L - 1, 0, -1):
        # g[l-1] is layer l's gradient; layer l+1 (index l) has output width widths[l+1].
        g[l - 1] = g[l] * stds[l] * math.sqrt(widths[l + 1] / 2.0)
    return g


def layer_weight_stds(scheme: str, widths, gain: float = 1.0, mode: str | None = None) -> np.ndarray:
    """Weight standard deviation of every layer of a network with ``widths`` under ``scheme``.

    >>> layer_weight_stds("he_normal", [8, 2, 2]).round(4)
    array([0.5, 1. ])
    """
    if isinstance(widths, (int, np.integer)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list [n_0, n_1, ..., n_L], input width first; got {widths!r}")
    widths = [_validate.positive_int(w, "every width") for w in widths]
    if len(widths) < 2:
        raise ValueError(f"widths must list the input width and at least one layer; got {widths!r}")
    return np.array([init_std(scheme, widths[l], widths[l + 1], gain=gain, mode=mode) for l in range(len(widths) - 1)])


def glorot_factors(scheme: str, fan_in: int, fan_out: int, mode: str | None = None) -> tuple[float, float]:
    """Return (n_in·Var(W), n_out·Var(W)) for one layer under ``scheme``.

    Glorot and Bengio (2010) ask for both to equal 1 (for a linear or tanh-like layer): the
    first keeps the forward variance, the second the backward variance. The fan-in rule
    gives (1, n_out/n_in); their compromise Var(W) = 2/(n_in + n_out) gives
    (2n_in/(n_in + n_out), 2n_out/(n_in + n_out)), neither of which is 1 unless n_in = n_out.

    >>> glorot_factors("glorot_normal", 100, 300)
    (0.5, 1.5)
    """
    fan_in = _validate.positive_int(fan_in, "fan_in")
    fan_out = _validate.positive_int(fan_out, "fan_out")
    var = init_std(scheme, fan_in, fan_out, mode=mode) ** 2
    return fan_in * var, fan_out * var


def tanh_fixed_point(C_W: float, tol: float = 1e-13) -> float:
    """The stable fixed point K* of the tanh variance map K ↦ C_W·E[tanh(z)²] (no biases).

    For C_W ≤ 1 it is 0 (E[tanh(z)²] < K for every K > 0, so the variance decays to 0). For
    C_W > 1 it is the positive root of C_W·E[tanh(z)²] = K, found by bisection on the ratio
    C_W·E[tanh(z)²]/K, which falls from C_W (at K → 0) to 0 (as K → ∞). Bisection is used
    instead of iterating the map because iteration is very slow near C_W = 1.

    >>> tanh_fixed_point(0.9)
    0.0
    >>> round(tanh_fixed_point(25 / 9), 4)
    1.1785
    """
    C_W = _validate.nonnegative_float(C_W, "C_W")
    if C_W <= 1.0:
        return 0.0

    def excess(K):
        # the same quadrature as theory.variance_map, so K* is a fixed point of that map
        return C_W * float(second_moment(K, "tanh")) / K - 1.0

    lo, hi = 1e-12, 1.0
    while excess(hi) > 0:
        hi *= 2.0
    while hi - lo > tol * hi:
        mid = 0.5 * (lo + hi)
        if excess(mid) > 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


#: Framework names of each scheme: PyTorch (torch.nn.init) and Keras (keras.initializers).
FRAMEWORK_NAMES = {
    "glorot_normal": ("xavier_normal_", "GlorotNormal"),
    "glorot_uniform": ("xavier_uniform_", "GlorotUniform"),
    "lecun_normal": ("kaiming_normal_(nonlinearity='linear')", "LecunNormal"),
    "lecun_uniform": ("kaiming_uniform_(nonlinearity='linear')", "LecunUniform"),
    "he_normal": ("kaiming_normal_(nonlinearity='relu')", "HeNormal"),
    "he_uniform": ("kaiming_uniform_(nonlinearity='relu')", "HeUniform"),
}

#: The activation each scheme was designed for, with its source.
DESIGNED_FOR = {
    "glorot_normal": "linear / tanh near 0 (Glorot & Bengio 2010)",
    "glorot_uniform": "linear / tanh near 0 (Glorot & Bengio 2010)",
    "lecun_normal": "linear / scaled tanh (LeCun et al. 1998); SELU (Klambauer et al. 2017)",
    "lecun_uniform": "linear / scaled tanh (LeCun et al. 1998)",
    "he_normal": "ReLU (He et al. 2015)",
    "he_uniform": "ReLU (He et al. 2015)",
}


def _coefficient(value: float, n: int, fan_expr: str) -> str:
    """Write value = √(c / fan) with c recovered from the value at fan = n (c rounded)."""
    c = value * value * n
    c_round = round(c)
    if abs(c - c_round) > 1e-9:
        raise ValueError(f"coefficient {c} is not a whole number")
    return f"√({c_round}/{fan_expr})"


def scheme_table(n: int = 1000) -> list[dict]:
    """Rows of the chapter-5 summary table, computed from :func:`initlab.init_std` and
    :func:`initlab.uniform_bound`.

    For the Glorot schemes the formulas are written with fan_in + fan_out, for LeCun and
    He with fan_in; the numeric coefficient is recovered from the library's value at
    fan_in = fan_out = ``n`` (so a wrong library formula shows up as a wrong coefficient).
    Each row also gives std·√n and bound·√n at fan_in = fan_out = n.

    >>> rows = scheme_table()
    >>> rows[1]["scheme"], rows[1]["std"], rows[1]["bound"]
    ('glorot_uniform', '√(2/(fan_in + fan_out))', '√3·std = √(6/(fan_in + fan_out))')
    """
    n = _validate.positive_int(n, "n")
    rows = []
    for scheme in ("glorot_normal", "glorot_uniform", "lecun_normal", "lecun_uniform", "he_normal", "he_uniform"):
        glorot = scheme.startswith("glorot")
        std = init_std(scheme, n, n)
        # Glorot: std² = c/(2n) with fan_in + fan_out = 2n; others: std² = c/n.
        fan_expr = "(fan_in + fan_out)" if glorot else "fan_in"
        std_text = _coefficient(std, 2 * n if glorot else n, fan_expr)
        if scheme.endswith("uniform"):
            b = uniform_bound(scheme, n, n)
            bound_text = "√3·std = " + _coefficient(b, 2 * n if glorot else n, fan_expr)
            bound_sqrt_n = b * math.sqrt(n)
        else:
            bound_text = "(normal: unbounded)"
            bound_sqrt_n = float("nan")
        torch_name, keras_name = FRAMEWORK_NAMES[scheme]
        rows.append(
            {
                "scheme": scheme,
                "std": std_text,
                "bound": bound_text,
                "std_sqrt_n": std * math.sqrt(n),
                "bound_sqrt_n": bound_sqrt_n,
                "designed_for": DESIGNED_FOR[scheme],
                "pytorch": "torch.nn.init." + torch_name,
                "keras": "keras.initializers." + keras_name,
            }
        )
    return rows


def scheme_table_markdown(n: int = 1000) -> str:
    """The rows of :func:`scheme_table` as a Markdown table (for ``IPython.display.Markdown``)."""
    rows = scheme_table(n)
    head = "| scheme | std | uniform limit a | std·√n at fan_in = fan_out = n | designed for | PyTorch | Keras |"
    sep = "|---|---|---|---|---|---|---|"
    lines = [head, sep]
    for r in rows:
        lines.append(
            f"| {r['scheme']} | {r['std']} | {r['bound']} | {r['std_sqrt_n']:.4f} | {r['designed_for']} | "
            f"`{r['pytorch']}` | `{r['keras']}` |"
        )
    return "\n".join(lines)


def weighted_sum_check(kinds, n_terms: int, weight_var: float, n_samples: int, rng=None) -> list[dict]:
    """Measure Var(y), y = Σᵢ wᵢxᵢ, for each input kind, beside two predictions.

    ``predicted`` is n·Var(w)·E[x²] (right for zero-mean weights, whatever the mean of x);
    ``naive`` is n·Var(w)·Var(x) (right only when E[x] = 0). ``stderr`` is the standard
    error of the measured variance, estimated from the samples as
    √((m₄ − m₂²)/N) with m₂, m₄ the sample moments of y (E[y] = 0 since E[w] = 0).

    >>> r = weighted_sum_check(["relu"], 10, 0.1, 1000, rng=0)[0]
    >>> r["kind"], round(r["predicted"], 6), round(r["naive"], 6)
    ('relu', 0.5, 0.340845)
    """
    out = []
    gen = _validate.generator(rng)
    for kind in kinds:
        y = weighted_sum_samples(kind, n_terms, weight_var, n_samples, gen)
        m = input_moments(kind)
        m2 = float(np.mean(y * y))
        m4 = float(np.mean(y**4))
        out.append(
            {
                "kind": kind,
                "measured": float(np.var(y)),
                "predicted": n_terms * weight_var * m["second_moment"],
                "naive": n_terms * weight_var * m["var"],
                "stderr": math.sqrt(max(m4 - m2 * m2, 0.0) / y.size),
            }
        )
    return out


def _rms(layers) -> np.ndarray:
    return np.sqrt(layer_moments(layers)["second_moment"])


def _ms_stderr(layers) -> np.ndarray:
    """Standard error of the ensemble mean square of each layer, from the spread of the
    per-network mean squares (networks are independent; units within one are not)."""
    out = []
    with np.errstate(over="ignore", invalid="ignore"):
        for z in layers:
            per_net = np.mean(np.asarray(z, dtype=float) ** 2, axis=tuple(range(1, np.ndim(z))))
            out.append(float(np.std(per_net, ddof=1) / math.sqrt(per_net.size)) if per_net.size > 1 else np.nan)
    return np.array(out)


def depth_profile(x, widths, scheme: str, gain: float | None = None, mode: str | None = None,
                  n_nets: int = 500, rng=None) -> dict:
    """Per-layer root mean square of the preactivations of a ReLU ensemble, with the closed form.

    Parameters
    ----------
    x : one input vector, shape (n_0,)
    widths, scheme, gain, mode, n_nets, rng : as in :func:`initlab.forward_ensemble`
        (activation ReLU, no biases)

    Returns
    -------
    dict with ``layer`` (1..L), ``measured`` (√ of the mean of z² over networks and
    units), ``predicted`` (:func:`relu_forward_std`) and ``ms_stderr`` (the standard error
    of the measured mean square, from the spread between networks).

    >>> p = depth_profile(np.ones(4), [4, 8, 8], "he_normal", n_nets=10, rng=0)
    >>> p["predicted"].round(4)
    array([1.4142, 1.4142])
    """
    x = _validate.finite_array(x, "the input x", ndim=1)
    zs = forward_ensemble(x, widths, "relu", scheme, n_nets, rng, gain=gain, mode=mode)
    stds = layer_weight_stds(scheme, widths, 1.0 if gain is None else gain, mode)
    return {
        "layer": np.arange(1, len(zs) + 1),
        "measured": _rms(zs),
        "predicted": relu_forward_std(float(np.linalg.norm(x)), widths, stds),
        "ms_stderr": _ms_stderr(zs),
        "scheme": scheme,
        "gain": gain,
        "mode": mode,
    }


def relu_profile_with_stds(x, widths, weight_stds, n_nets: int = 1000, rng=None) -> dict:
    """Like :func:`depth_profile`, but with any weight std per layer instead of a scheme.

    Layer ℓ draws its weights iid N(0, ``weight_stds[ℓ-1]``²) (explicit weights, in chunks of
    networks); ReLU between layers, no biases.

    >>> p = relu_profile_with_stds(np.ones(4), [4, 6, 3], [0.5, 0.2], n_nets=10, rng=0)
    >>> p["predicted"].round(4)
    array([1.    , 0.3464])
    """
    x = _validate.finite_array(x, "the input x", ndim=1)
    widths, stds = _widths_and_stds(widths, weight_stds)
    if x.size != widths[0]:
        raise ValueError(f"the input has {x.size} entries but widths[0] = {widths[0]}")
    n_nets = _validate.positive_int(n_nets, "n_nets")
    gen = _validate.generator(rng)
    L = len(stds)
    zs = [np.empty((n_nets, widths[l + 1])) for l in range(L)]
    chunk = max(1, min(n_nets, int(2**22 // max(widths[l] * widths[l + 1] for l in range(L)))))
    for start in range(0, n_nets, chunk):
        k = min(n_nets, start + chunk) - start
        a = np.broadcast_to(x, (k, 1, widths[0]))
        for l in range(L):
            z = a @ gen.normal(0.0, stds[l], size=(k, widths[l], widths[l + 1]))
            zs[l][start:start + k] = z[:, 0, :]
            a = np.maximum(z, 0.0)
    return {
        "layer": np.arange(1, L + 1),
        "measured": _rms(zs),
        "predicted": relu_forward_std(float(np.linalg.norm(x)), widths, stds),
        "ms_stderr": _ms_stderr(zs),
    }


def forward_backward_profile(x, widths, scheme: str = "he_normal", mode: str | None = None,
                             n_nets: int = 100, rng=None) -> dict:
    """Forward and backward per-layer rms in a ReLU ensemble, beside the closed forms.

    The loss is Σ u·z^(L) with u ~ N(0, 1) per unit, so the top gradient has std 1.
    Returns a dict with ``layer``, ``forward_measured``, ``forward_predicted``
    (:func:`relu_forward_std`), ``backward_measured`` (rms of ∂ℓ/∂z^(ℓ)),
    ``backward_predicted`` (:func:`relu_backward_std` with top std 1), the standard errors
    of the two measured mean squares (``forward_ms_stderr``, ``backward_ms_stderr``),
    ``widths`` and ``mode``.

    >>> p = forward_backward_profile(np.ones(4), [4, 8, 16], mode="fan_in", n_nets=5, rng=0)
    >>> p["backward_predicted"].round(4)
    array([1.4142, 1.    ])
    """
    x = _validate.finite_array(x, "the input x", ndim=1)
    g = backward_ensemble(x, widths, "relu", scheme, n_nets, rng, mode=mode, upstream="normal")
    stds = layer_weight_stds(scheme, widths, 1.0, mode)
    return {
        "layer": np.arange(1, g.depth + 1),
        "forward_measured": _rms(g.preacts),
        "forward_predicted": relu_forward_std(float(np.linalg.norm(x)), widths, stds),
        "backward_measured": _rms(g.grad_preacts),
        "backward_predicted": relu_backward_std(1.0, widths, stds),
        "forward_ms_stderr": _ms_stderr(g.preacts),
        "backward_ms_stderr": _ms_stderr(g.grad_preacts),
        "widths": list(widths),
        "mode": mode,
        "scheme": scheme,
    }


def variance_profile(x, widths, activation: str, C_W: float, C_b: float = 0.0,
                     n_nets: int = 500, rng=None) -> dict:
    """Per-layer preactivation variance K^(ℓ) of an ensemble beside the variance map.

    The weights are N(0, C_W/n_{ℓ−1}) (LeCun normal with gain √C_W) and the biases
    N(0, C_b). ``predicted`` iterates K ↦ C_b + C_W·E[φ(z)²] (quadrature, see
    :mod:`initlab.theory`) from K^(1) = C_b + C_W‖x‖²/n_0. Also returned: the measured
    mean and second moment of the activations a^(ℓ) = φ(z^(ℓ)) (``act_mean``,
    ``act_second_moment``) and the standard error of the measured K (``ms_stderr``).

    >>> p = variance_profile(np.ones(4), [4, 8, 8], "tanh", 1.0, n_nets=10, rng=0)
    >>> round(float(p["predicted"][0]), 6)
    1.0
    """
    x = _validate.finite_array(x, "the input x", ndim=1)
    C_W = _validate.nonnegative_float(C_W, "C_W")
    C_b = _validate.nonnegative_float(C_b, "C_b")
    zs = forward_ensemble(x, widths, activation, "lecun_normal", n_nets, rng,
                          bias_std=math.sqrt(C_b), gain=math.sqrt(C_W))
    phi = _activation(activation)
    acts = [phi(z) for z in zs]
    K1 = C_b + C_W * float(x @ x) / x.size
    return {
        "layer": np.arange(1, len(zs) + 1),
        "measured": layer_moments(zs)["second_moment"],
        "predicted": variance_trajectory(K1, len(zs), activation, C_W, C_b),
        "ms_stderr": _ms_stderr(zs),
        "act_mean": np.array([float(np.mean(a)) for a in acts]),
        "act_second_moment": np.array([float(np.mean(a * a)) for a in acts]),
        "activation": activation,
        "C_W": C_W,
    }


__all__ = [
    "INPUT_KINDS",
    "FRAMEWORK_NAMES",
    "DESIGNED_FOR",
    "input_moments",
    "weighted_sum_samples",
    "relu_forward_std",
    "relu_backward_std",
    "layer_weight_stds",
    "glorot_factors",
    "tanh_fixed_point",
    "scheme_table",
    "scheme_table_markdown",
    "weighted_sum_check",
    "depth_profile",
    "relu_profile_with_stds",
    "forward_backward_profile",
    "variance_profile",
]
