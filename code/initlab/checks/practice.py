"""Checkers for the exercises of chapters 6–9 (the schemes in practice, statistics at init).

Each public ``check_<name>(answer)`` follows the conventions of :mod:`initlab.checks._core`:
it runs the student's function on fresh inputs, compares with the book's reference
(``initlab.schemes``, ``initlab.theory``), names the typical mistake that fits, prints a
verdict and returns ``True`` or ``False``. It is listed in ``__all__`` so that
:mod:`initlab.checks` re-exports it.

===============================  =========================================  ===========
checker                          the function it checks                     exercise
===============================  =========================================  ===========
check_uniform_bound              uniform_bound(scheme, fan_in, fan_out)     chapter 6
check_normal_coverage            normal_coverage(k)                         chapter 6
check_conv_fans                  conv_fans(shape)                           chapter 7
check_kaiming_uniform_bound      kaiming_uniform_bound(fan_in, a)           chapter 7
check_truncated_normal           truncated_normal(shape, std, rng)          chapter 7
check_update_to_weight_ratio     update_to_weight_ratio(lr, grad, weight)   chapter 8
check_dead_fraction              dead_fraction(z)                           chapter 8
check_excess_kurtosis            excess_kurtosis(samples)                   chapter 9
check_exact_kurtosis             exact_kurtosis(layer, width, activation)   chapter 9
check_relu_variance_trajectory   relu_variance_trajectory(K1, depth, C_W,   chapter 9
                                 C_b)
check_chi_perp                   chi_perp(K, C_W, activation)               chapter 9
===============================  =========================================  ===========

Example
-------
>>> from initlab.checks import check_normal_coverage
>>> import math
>>> def normal_coverage(k):
...     return math.erf(k / math.sqrt(2))
>>> check_normal_coverage(normal_coverage, rng=0)  # doctest: +ELLIPSIS
Correct: ...
True
"""

from __future__ import annotations

import math

import numpy as np

from .. import theory
from ..schemes import fans as _fans
from ..schemes import uniform_bound as _uniform_bound
from ._core import N_SE, Fail, array, call, checker, close, fmt, match_mistake, mean_se, number, std_se

__all__ = [
    "check_uniform_bound",
    "check_normal_coverage",
    "check_conv_fans",
    "check_kaiming_uniform_bound",
    "check_truncated_normal",
    "check_update_to_weight_ratio",
    "check_dead_fraction",
    "check_excess_kurtosis",
    "check_exact_kurtosis",
    "check_relu_variance_trajectory",
    "check_chi_perp",
]

def truncated_std_factor(c: float = 2.0) -> float:
    """Standard deviation of a standard normal truncated to [−c, c].

    Var = 1 − 2c·pdf(c)/(Φ(c) − Φ(−c)); for c = 2 the std is 0.87962566..., the constant by
    which Keras divides a scheme's standard deviation before drawing a truncated normal.

    >>> round(truncated_std_factor(), 6)
    0.879626
    """
    pdf = math.exp(-c * c / 2.0) / math.sqrt(2.0 * math.pi)
    mass = math.erf(c / math.sqrt(2.0))
    return math.sqrt(1.0 - 2.0 * c * pdf / mass)


def truncated_kurtosis(c: float = 2.0) -> float:
    """Kurtosis E[z⁴]/E[z²]² of a standard normal truncated to [−c, c] (2.36 for c = 2).

    Used for the standard error of a sample std of truncated-normal draws.
    """
    pdf = math.exp(-c * c / 2.0) / math.sqrt(2.0 * math.pi)
    mass = math.erf(c / math.sqrt(2.0))
    m2 = 1.0 - 2.0 * c * pdf / mass
    # E[z⁴ | |z| ≤ c] = 3 m2 − 2 c³ pdf / mass (integration by parts).
    m4 = 3.0 * m2 - 2.0 * c**3 * pdf / mass
    return m4 / m2**2


# --------------------------------------------------------------------------------------
# Chapter 6: a fixed range versus scaling by fan-in
# --------------------------------------------------------------------------------------

_UNIFORM = ("fan_in_uniform", "glorot_uniform", "he_uniform")


@checker("uniform_bound")
def check_uniform_bound(answer, rng):
    """Check ``uniform_bound(scheme, fan_in, fan_out)``: the half-width a of U[−a, a] for
    ``"fan_in_uniform"`` (1/√fan_in), ``"glorot_uniform"`` (√6/√(fan_in + fan_out)) and
    ``"he_uniform"`` (√6/√fan_in)."""
    fan_in = int(rng.integers(20, 400))
    fan_out = int(rng.integers(20, 400))
    while abs(fan_out - fan_in) < 10:
        fan_out = int(rng.integers(20, 400))
    done = []
    for scheme in _UNIFORM:
        got = number(call(answer, scheme, fan_in, fan_out), f"uniform_bound({scheme!r}, {fan_in}, {fan_out})")
        want = _uniform_bound(scheme, fan_in, fan_out)
        if close(got, want):
            done.append(f"{scheme} ±{want:.4f}")
            continue
        n_avg = fan_in + fan_out
        std = want / math.sqrt(3.0)
        common = [
            (std, f"for {scheme} you returned the standard deviation {fmt(std)}, not the bound: "
                  "for U[−a, a] the std is a/√3, so the bound is √3 times the std."),
        ]
        per_scheme = {
            "fan_in_uniform": [
                (1.0 / fan_in, "for fan_in_uniform the bound is 1/√fan_in; you returned 1/fan_in (the square root is missing)."),
                (1.0 / math.sqrt(fan_out), "for fan_in_uniform the bound uses the number of inputs; you used fan_out."),
                (math.sqrt(6.0 / n_avg), "that is the Glorot bound; fan_in_uniform is the older rule U[±1/√fan_in] that Glorot and Bengio compared against."),
            ],
            "glorot_uniform": [
                (math.sqrt(6.0) / n_avg, "for glorot_uniform the bound is √6/√(fan_in + fan_out); the square root over the sum is missing."),
                (math.sqrt(6.0) / (math.sqrt(fan_in) + math.sqrt(fan_out)),
                 "the square root goes over the sum: √6/√(fan_in + fan_out), not √6/(√fan_in + √fan_out)."),
                (math.sqrt(6.0 / fan_in), "glorot_uniform averages both fans: √6/√(fan_in + fan_out); you used fan_in alone."),
                (1.0 / math.sqrt(fan_in), "that is the fan-in rule 1/√fan_in; normalized (Glorot) initialization is √6/√(fan_in + fan_out)."),
            ],
            "he_uniform": [
                (math.sqrt(6.0 / fan_out), "he_uniform scales by fan_in (the forward pass): √(6/fan_in); you used fan_out."),
                (math.sqrt(3.0 / fan_in), "he_uniform has variance 2/fan_in, so the bound is √3·√(2/fan_in) = √(6/fan_in); you left out the ReLU gain √2."),
                (math.sqrt(6.0 / n_avg), "that is the Glorot bound; He uses fan_in alone: √(6/fan_in)."),
            ],
        }[scheme]
        hint = match_mistake(got, common + per_scheme)
        raise Fail(hint or f"uniform_bound({scheme!r}, {fan_in}, {fan_out}) should be {fmt(want)}; yours gives {fmt(got)}.")
    return f"all three bounds match at fan_in = {fan_in}, fan_out = {fan_out}: " + "; ".join(done) + "."


@checker("normal_coverage")
def check_normal_coverage(answer, rng):
    """Check ``normal_coverage(k)`` = P(|z| ≤ kσ) for a normal z, which is erf(k/√2)."""
    ks = [1.0, 2.0, 3.0, 4.0, float(np.round(rng.uniform(0.3, 2.5), 3))]
    for k in ks:
        got = number(call(answer, k), f"normal_coverage({k})")
        want = math.erf(k / math.sqrt(2.0))
        if close(got, want, rtol=1e-6):
            continue
        hint = match_mistake(got, [
            (math.erf(k), "math.erf(x) is P(|z| ≤ x) for a normal with variance 1/2; for a standard normal use math.erf(k/√2)."),
            ((1.0 + want) / 2.0, "you returned P(z ≤ kσ), one tail only; the range ±kσ cuts off both tails: erf(k/√2)."),
            (1.0 - want, "you returned the probability of falling *outside* ±kσ; the question asks for inside."),
            (want * 100.0, "return a fraction between 0 and 1, not a percentage."),
        ])
        rounded = {1.0: 0.68, 2.0: 0.95, 3.0: 0.997, 4.0: 0.997}.get(k)
        if hint is None and rounded is not None and close(got, rounded, rtol=1e-9):
            hint = (f"{got} is the rounded 68–95–99.7 rule (and ±4σ holds 99.994%, not 99.7%); "
                    "compute the exact value with math.erf(k/√2).")
        if hint is None and abs(got - want) < 3e-3:
            hint = (f"normal_coverage({k}) = {got:.6f} is close to {want:.6f} but not exact: an estimate by "
                    "sampling carries sampling error; compute it exactly with math.erf(k/√2).")
        raise Fail(hint or f"normal_coverage({k}) should be {want:.6f}; yours gives {got:.6g}.")
    return (f"±2σ holds {math.erf(2 / math.sqrt(2)):.2%}, ±3σ {math.erf(3 / math.sqrt(2)):.2%} and "
            f"±4σ {math.erf(4 / math.sqrt(2)):.4%} of a normal distribution.")


# --------------------------------------------------------------------------------------
# Chapter 7: frameworks and choosing
# --------------------------------------------------------------------------------------

def _fan_pair(value, what):
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise Fail(f"{what} returned {type(value).__name__}"
                   + (f" of length {len(value)}" if isinstance(value, (tuple, list)) else "")
                   + "; it should return a pair (fan_in, fan_out).")
    return number(value[0], what + "[0]"), number(value[1], what + "[1]")


@checker("conv_fans")
def check_conv_fans(answer, rng):
    """Check ``conv_fans(shape)`` -> (fan_in, fan_out) for a dense shape (n_in, n_out) and
    convolution kernels (*kernel_size, in_channels, out_channels)."""
    shapes = [
        (int(rng.integers(5, 300)), int(rng.integers(5, 300))),
        (int(rng.integers(2, 8)), int(rng.integers(2, 64)), int(rng.integers(2, 64))),
        (3, int(rng.integers(4, 8)), int(rng.integers(2, 64)), int(rng.integers(2, 64))),
        (int(rng.integers(2, 4)), 3, 3, int(rng.integers(2, 32)), int(rng.integers(2, 32))),
    ]
    for shape in shapes:
        what = f"conv_fans({shape})"
        got = _fan_pair(call(answer, shape), what)
        want = _fans(shape)
        if got == tuple(float(w) for w in want):
            continue
        rf = int(np.prod(shape[:-2]))
        cin, cout = shape[-2], shape[-1]
        candidates = [
            ((want[0] + 1, want[1]), "fans come from the weight tensor's shape alone; the bias is a separate parameter and does not count."),
            ((want[1], want[0]), "fan_in and fan_out are swapped: the shape is (*kernel_size, in_channels, out_channels), inputs before outputs."),
        ]
        if len(shape) > 2:
            candidates += [
                ((cin, cout), "a convolution unit sees a whole patch: multiply the channels by the receptive field (the product of the kernel size)."),
                ((float(np.prod(shape)), float(np.prod(shape))), "fan_in is receptive field × in_channels, not the number of weights in the whole kernel."),
                ((shape[1] * int(np.prod(shape[2:])), shape[0] * int(np.prod(shape[2:]))),
                 "you read the shape in PyTorch's order (out, in, *kernel); here kernels are stored as (*kernel_size, in_channels, out_channels)."),
            ]
        hint = None
        for predicted, sentence in candidates:
            if tuple(float(p) for p in predicted) == got:
                hint = sentence
                break
        raise Fail(hint or f"{what} should be {want}; yours gives ({fmt(got[0])}, {fmt(got[1])}).")
    return f"dense and 1-, 2- and 3-D convolution kernels all match, e.g. {shapes[2]} → {_fans(shapes[2])}."


@checker("kaiming_uniform_bound")
def check_kaiming_uniform_bound(answer, rng):
    """Check ``kaiming_uniform_bound(fan_in, a)`` = √(6/((1 + a²)·fan_in)), PyTorch's
    ``kaiming_uniform_`` bound with the leaky-ReLU gain √(2/(1 + a²))."""
    fan_in = int(rng.integers(20, 500))
    cases = [float(np.round(rng.uniform(1.5, 3.0), 3)), math.sqrt(5.0), 0.0]
    for a in cases:
        got = number(call(answer, fan_in, a), f"kaiming_uniform_bound({fan_in}, {a:.4g})")
        want = math.sqrt(6.0 / ((1.0 + a * a) * fan_in))
        if close(got, want):
            continue
        g = math.sqrt(2.0 / (1.0 + a * a))
        hint = match_mistake(got, [
            (math.sqrt(2.0 / (1.0 + a)) * math.sqrt(3.0 / fan_in), "the gain is √(2/(1 + a²)): the negative slope a enters squared."),
            (g / math.sqrt(fan_in), "that is the standard deviation gain/√fan_in; the uniform bound is √3 times larger."),
            (math.sqrt(3.0 / fan_in), "you left out the gain √(2/(1 + a²)); the bound is gain·√3/√fan_in."),
            (math.sqrt(6.0 / fan_in), "you used the ReLU gain √2 whatever a is; the gain is √(2/(1 + a²))."),
            (g * math.sqrt(3.0) / fan_in, "the bound scales like 1/√fan_in, not 1/fan_in."),
        ])
        raise Fail(hint or f"kaiming_uniform_bound({fan_in}, {a:.4g}) should be {fmt(want)}; yours gives {fmt(got)}.")
    return (f"with a = √5 the bound is {math.sqrt(6 / (6 * fan_in)):.4f} = 1/√{fan_in}: PyTorch's nn.Linear default "
            "is the fan-in rule U[±1/√fan_in].")


@checker("truncated_normal")
def check_truncated_normal(answer, rng):
    """Check ``truncated_normal(shape, std, rng)``: Keras's truncated normal, drawn from
    N(0, σ′²) with σ′ = std/0.8796 and redrawn outside ±2σ′, so that its std is ``std``."""
    shape = (int(rng.integers(150, 250)), int(rng.integers(200, 300)))
    n = shape[0] * shape[1]
    std = float(np.round(rng.uniform(0.05, 0.5), 3))
    seed = int(rng.integers(0, 2**31))
    what = f"truncated_normal({shape}, {std}, rng)"
    x = array(call(answer, shape, std, np.random.default_rng(seed)), what, shape=shape)
    x_again = array(call(answer, shape, std, np.random.default_rng(seed)), what, shape=shape)
    if not np.array_equal(x, x_again):
        raise Fail("two calls with the same seed gave different weights: draw with the rng argument "
                   "(rng.normal, rng.standard_normal), not np.random or a new generator.")
    x_other = array(call(answer, shape, std, np.random.default_rng(seed + 1)), what, shape=shape)
    if np.array_equal(x, x_other):
        raise Fail("two different generators gave the same weights: did you create a generator with a fixed "
                   "seed inside the function? Draw with the rng argument.")
    factor = truncated_std_factor()
    sigma_raw = std / factor
    edge = 2.0 * sigma_raw
    s = float(x.std())
    m = float(x.mean())
    biggest = float(np.abs(x).max())
    at_edge = float(np.mean(np.isclose(np.abs(x), biggest, rtol=1e-9, atol=0.0)))
    if at_edge > 1e-3:
        raise Fail(f"{at_edge:.1%} of your draws sit exactly at ±{biggest:.4g}: that is clipping (np.clip); "
                   "a truncated normal redraws the values outside ±2σ′ instead of piling them up at the edge.")
    se_std = std_se(std, n, kurtosis=truncated_kurtosis())
    if biggest > edge * (1.0 + 1e-9):
        d = x - m
        kurt = float(np.mean(d**4) / np.mean(d**2) ** 2)
        # a plain normal has kurtosis 3, a normal truncated at ±2σ′ 2.36; the sample kurtosis of
        # N ≥ 30,000 draws has standard error about √(24/N) < 0.03, so 2.7 separates them.
        if kurt > 2.7:
            raise Fail(f"your largest |weight| is {biggest:.4g}, beyond ±2σ′ = ±{edge:.4g}: you drew a plain normal; "
                       "redraw every value outside ±2σ′ until none is left.")
        raise Fail(f"your largest |weight| is {biggest:.4g}, but nothing may lie beyond ±2σ′ = ±2·std/0.8796 = ±{edge:.4g}.")
    if abs(s - std) > N_SE * se_std:
        hint = match_mistake(s, [
            (std * factor, "the std is 0.88 times too small: you truncated without rescaling; divide std by 0.8796 before drawing."),
            (std * factor**2, "the std is 0.77 times too small: you multiplied by 0.8796; divide std by it instead."),
        ], rtol=N_SE * se_std / std)
        if hint is None and biggest <= 2.0 * std * (1.0 + 1e-9) and s < std:
            hint = (f"you cut at ±2·std = ±{2 * std:.4g}; Keras cuts at two standard deviations of the normal it "
                    f"draws from, σ′ = std/0.8796, so at ±{edge:.4g}.")
        raise Fail(hint or f"the standard deviation of your draws is {s:.4g}; it should be {std} "
                           f"(allowed ±{N_SE * se_std:.2g}, {N_SE:g} standard errors).")
    if abs(m) > N_SE * mean_se(std, n):
        raise Fail(f"the mean of your draws is {m:.4g}; a truncated normal initializer has mean 0.")
    # The shape: of a normal truncated at ±2σ′, the fraction within ±σ′ is
    # P(|z| ≤ 1)/P(|z| ≤ 2) = 0.7150; a sample fraction has the binomial standard error.
    p_in = math.erf(1 / math.sqrt(2)) / math.erf(2 / math.sqrt(2))
    frac = float(np.mean(np.abs(x) <= sigma_raw))
    if abs(frac - p_in) > N_SE * math.sqrt(p_in * (1 - p_in) / n):
        raise Fail(f"{frac:.2%} of your draws lie within ±σ′; a normal truncated at ±2σ′ puts {p_in:.2%} there. "
                   "Draw from a normal, not another distribution.")
    return (f"std {s:.4f} (target {std}), nothing beyond ±{edge:.4f} = ±2·std/{factor:.4f}, "
            f"and {frac:.1%} within ±σ′ as a truncated normal should.")


# --------------------------------------------------------------------------------------
# Chapter 8: a training experiment
# --------------------------------------------------------------------------------------

@checker("update_to_weight_ratio")
def check_update_to_weight_ratio(answer, rng):
    """Check ``update_to_weight_ratio(lr, grad, weight)`` = ‖lr·grad‖ / ‖weight‖ (Frobenius
    norms; the same as the ratio of root-mean-squares)."""
    shape = (int(rng.integers(20, 80)), int(rng.integers(10, 40)))
    weight = rng.normal(0.0, 0.1, size=shape)
    grad = rng.standard_t(3, size=shape) * 0.01 + 0.002
    lr = float(np.round(rng.uniform(0.01, 0.5), 3))
    what = f"update_to_weight_ratio({lr}, grad, weight)"
    got = number(call(answer, lr, grad.copy(), weight.copy()), what)
    upd, w = lr * np.linalg.norm(grad), np.linalg.norm(weight)
    want = upd / w
    if close(got, want):
        return (f"for this layer the ratio is {want:.2e}; a common rule of thumb looks for about 1e-3 "
                "per step.")
    hint = match_mistake(got, [
        (np.linalg.norm(grad) / w, "you left out the learning rate: the update is lr·grad, not grad."),
        (w / upd, "the ratio is upside down: the size of the update divided by the size of the weights."),
        (want**2, "you divided squared norms; take the square roots (np.linalg.norm, or the root-mean-square)."),
        (float(np.mean(np.abs(lr * grad) / np.abs(weight))),
         "an elementwise ratio is dominated by weights that happen to be near 0; divide the norm of the whole update by the norm of the whole matrix."),
        (float(np.mean(np.abs(lr * grad)) / np.mean(np.abs(weight))),
         "use root-mean-squares (or Frobenius norms), not mean absolute values."),
        (lr * float(np.linalg.norm(grad, 2) / np.linalg.norm(weight, 2)),
         "np.linalg.norm(A, 2) of a matrix is the largest singular value; use the Frobenius norm np.linalg.norm(A)."),
    ])
    raise Fail(hint or f"{what} should be {want:.4g}; yours gives {got:.4g}.")


@checker("dead_fraction")
def check_dead_fraction(answer, rng):
    """Check ``dead_fraction(z)``: the fraction of units (columns of z, shape (batch, units))
    whose preactivation is ≤ 0 for every example in the batch."""
    batch, units = int(rng.integers(40, 80)), int(rng.integers(150, 250))
    z = rng.normal(size=(batch, units))
    n_dead = int(rng.integers(20, units // 3))
    dead = rng.choice(units, size=n_dead, replace=False)
    z[:, dead] = -np.abs(z[:, dead]) - 0.1
    # a few examples that no unit fires for, so that the rows-versus-columns mix-up shows
    z[:3, :] = -np.abs(z[:3, :])
    z[3, dead[0]] = 0.0  # exactly 0 counts as dead (ReLU's output and slope are 0 there)
    what = f"dead_fraction(<array of shape {z.shape}>)"
    got = number(call(answer, z.copy()), what)
    want = float(np.mean(np.all(z <= 0, axis=0)))
    if close(got, want):
        return f"{want:.1%} of these {units} units are dead: ≤ 0 for all {batch} examples."
    hint = match_mistake(got, [
        (float(np.mean(z <= 0)), "that is the fraction of all entries ≤ 0; a unit is dead only if it is ≤ 0 for *every* example (np.all over the batch axis)."),
        (float(np.mean(np.any(z <= 0, axis=0))), "you counted units that are ≤ 0 for *some* example; a dead unit is ≤ 0 for all of them (np.all, not np.any)."),
        (float(np.mean(np.all(z <= 0, axis=1))), "you took np.all over the wrong axis: rows are examples, columns are units, so reduce over axis 0."),
        (float(np.sum(np.all(z <= 0, axis=0))), "return a fraction of the units (a number between 0 and 1), not a count."),
        (float(np.mean(np.all(z < 0, axis=0))), "a unit with preactivation exactly 0 is dead too (ReLU's output and slope are 0 there): use <= 0."),
    ])
    raise Fail(hint or f"{what} should be {want:.4g}; yours gives {got:.4g}.")


# --------------------------------------------------------------------------------------
# Chapter 9: statistics at initialization
# --------------------------------------------------------------------------------------

@checker("excess_kurtosis")
def check_excess_kurtosis(answer, rng):
    """Check ``excess_kurtosis(samples)`` = m₄/m₂² − 3 with central moments m_k = mean((x − x̄)^k).

    Accepted to within 5/N relative: the ddof = 1 variance changes the answer by O(1/N)."""
    n = int(rng.integers(800, 1200))
    x = 3.0 + rng.gamma(2.0, 1.5, size=n)  # skewed, positive mean: mistakes show
    what = f"excess_kurtosis(<array of {n} samples>)"
    got = number(call(answer, x.copy()), what)
    d = x - x.mean()
    m2, m4 = float(np.mean(d**2)), float(np.mean(d**4))
    want = m4 / m2**2 - 3.0
    if abs(got - want) <= 5.0 / n * (abs(want) + 3.0):
        # the same on a large Gaussian sample: the answer should be near 0
        g = rng.normal(size=20000)
        got_g = number(call(answer, g), "excess_kurtosis(<20000 normal samples>)")
        dg = g - g.mean()
        want_g = float(np.mean(dg**4) / np.mean(dg**2) ** 2 - 3.0)
        if abs(got_g - want_g) <= 5.0 / g.size * (abs(want_g) + 3.0):
            return (f"{want:.3f} for the skewed sample and {want_g:.3f} for 20,000 normal draws "
                    f"(0 within its standard error √(24/N) = {math.sqrt(24 / g.size):.3f}).")
        raise Fail(f"right on one sample but {fmt(got_g)} instead of {fmt(want_g)} on a normal sample; "
                   "do not hard-code anything about the first input.")
    raw2, raw4 = float(np.mean(x**2)), float(np.mean(x**4))
    hint = match_mistake(got, [
        (want + 3.0, "that is the kurtosis m₄/m₂²; the *excess* kurtosis subtracts 3, the value for a normal distribution."),
        (raw4 / raw2**2 - 3.0, "subtract the mean first: the moments in the kurtosis are central moments mean((x − x̄)^k)."),
        (m4 / m2 - 3.0, "divide the fourth moment by the *square* of the variance, m₄/m₂², so that the result has no units."),
        (m4 / m2**2 - 1.0, "the excess kurtosis subtracts 3 (a normal's m₄/m₂²), not 1."),
    ], rtol=1e-4)
    raise Fail(hint or f"{what} should be {want:.4g}; yours gives {got:.4g}.")


@checker("exact_kurtosis")
def check_exact_kurtosis(answer, rng):
    """Check ``exact_kurtosis(layer, width, activation)`` = 3((1 + ν/n)^(ℓ−1) − 1) with ν = 5
    for ``"relu"`` (He initialization) and ν = 2 for ``"linear"`` (variance 1/n)."""
    width = int(rng.integers(4, 20))
    layer = int(rng.integers(6, 15))
    for act in ("relu", "linear"):
        what = f"exact_kurtosis({layer}, {width}, {act!r})"
        got = number(call(answer, layer, width, act), what)
        want = float(theory.excess_kurtosis_exact(layer, width, act))
        if close(got, want):
            continue
        v = theory.nu(act)
        other = 2.0 if act == "relu" else 5.0
        hint = match_mistake(got, [
            (3.0 * ((1.0 + v / width) ** layer - 1.0), "the exponent is ℓ − 1: the first layer's preactivations are exactly Gaussian (excess kurtosis 0)."),
            (3.0 * ((1.0 + other / width) ** (layer - 1) - 1.0),
             f"ν is 5 for ReLU and 2 for linear; for {act!r} you used ν = {other:g}."),
            (3.0 * v * (layer - 1) / width, "that is the leading order 3ν(ℓ−1)/n; the exact formula is 3((1 + ν/n)^(ℓ−1) − 1), which grows faster when ℓ/n is not small."),
            ((1.0 + v / width) ** (layer - 1) - 1.0, "the formula has a factor 3 in front: 3((1 + ν/n)^(ℓ−1) − 1)."),
            (3.0 * (1.0 + v / width) ** (layer - 1), "subtract 1 inside: 3((1 + ν/n)^(ℓ−1) − 1), so that layer 1 gives 0."),
        ])
        raise Fail(hint or f"{what} should be {fmt(want)}; yours gives {fmt(got)}.")
    got1 = number(call(answer, 1, width, "relu"), f"exact_kurtosis(1, {width}, 'relu')")
    if not close(got1, 0.0, atol=1e-12):
        raise Fail(f"exact_kurtosis(1, {width}, 'relu') should be 0: the first layer is exactly Gaussian; yours gives {fmt(got1)}.")
    return (f"at layer {layer}, width {width}: ReLU {float(theory.excess_kurtosis_exact(layer, width, 'relu')):.3f}, "
            f"linear {float(theory.excess_kurtosis_exact(layer, width, 'linear')):.3f}.")


@checker("relu_variance_trajectory")
def check_relu_variance_trajectory(answer, rng):
    """Check ``relu_variance_trajectory(K1, depth, C_W, C_b)`` -> array [K^(1), ..., K^(depth)]
    of the ReLU variance map K^(ℓ+1) = C_b + C_W·K^(ℓ)/2."""
    K1 = float(np.round(rng.uniform(0.5, 2.0), 3))
    depth = int(rng.integers(6, 15))
    C_W = float(np.round(rng.uniform(1.5, 2.5), 3))
    C_b = float(np.round(rng.uniform(0.05, 0.3), 3))
    what = f"relu_variance_trajectory({K1}, {depth}, {C_W}, {C_b})"
    raw = call(answer, K1, depth, C_W, C_b)
    want = np.asarray(theory.variance_trajectory(K1, depth + 1, "relu", C_W, C_b), dtype=float)
    probe = array(raw, what)
    if probe.ndim == 1 and probe.size == depth + 1 and np.allclose(probe[:depth], want[:depth], rtol=1e-6):
        raise Fail(f"you returned {depth + 1} values; the list should hold K^(1) … K^({depth}), {depth} values, K^(1) included.")
    if probe.ndim == 1 and probe.size == depth and np.allclose(probe, want[1:], rtol=1e-6):
        raise Fail("your list starts at K^(2); it should start with K^(1) itself, the given K1.")
    got = array(raw, what, shape=(depth,))
    if np.allclose(got, want[:depth], rtol=1e-6):
        return (f"K^({depth}) = {want[depth - 1]:.4f}; with C_W = {C_W} the map's slope is C_W/2 = {C_W / 2:.3f}, "
                f"so the variance heads for {'its fixed point C_b/(1 − C_W/2)' if C_W < 2 else 'infinity'}.")

    def traj(step):
        out, K = [K1], K1
        for _ in range(depth - 1):
            K = step(K)
            out.append(K)
        return np.array(out)

    hint = match_mistake(got, [
        (traj(lambda K: C_b + C_W * K), "for ReLU E[φ(z)²] = K/2 (half the Gaussian is cut to 0), so the map is C_b + C_W·K/2; the 1/2 is missing."),
        (traj(lambda K: C_W * K / 2.0), "the bias adds its variance C_b at every layer: K^(ℓ+1) = C_b + C_W·K^(ℓ)/2."),
        (traj(lambda K: C_W * (C_b + K / 2.0)), "C_b is added after the weights: C_b + C_W·K/2, not C_W·(C_b + K/2)."),
        (traj(lambda K: C_b + C_W * K / 4.0), "E[relu(z)²] = K/2 for z ~ N(0, K), not K/4: (E[relu(z)])² is not the second moment."),
    ])
    raise Fail(hint or f"{what} should be {np.array2string(want[:depth], precision=4)}; yours gives "
                       f"{np.array2string(got, precision=4)}.")


def _odd_nodes_relu(got: float, C_W: float) -> bool:
    """True if ``got`` is C_W · E[relu′²] by Gauss–Hermite quadrature with an odd number of
    nodes (3 to 201), the middle node at 0 counted with slope 0 or 1."""
    for n in range(3, 202, 2):
        t, w = np.polynomial.hermite_e.hermegauss(n)
        w = w / math.sqrt(2 * math.pi)
        for value in (C_W * w[t > 0].sum(), C_W * w[t >= 0].sum()):
            if abs(got - value) <= 1e-9 * abs(value):
                return True
    return False


@checker("chi_perp")
def check_chi_perp(answer, rng):
    """Check ``chi_perp(K, C_W, activation)`` = C_W · E[φ′(z)²] with z ~ N(0, K), for
    ``"relu"`` and ``"tanh"``.

    Accepted to 2e-4 relative. The exercise prescribes Gauss–Hermite quadrature with 100
    nodes, whose largest relative error for tanh on 0.3 ≤ K ≤ 3 is 4.4e-5 (exact for ReLU);
    a sampling estimate of n draws has a relative standard error of about 0.3/√n for tanh and
    1/√n for ReLU, five times the tolerance at n = 10⁶. An answer that samples without a fixed
    seed gives two values for the same call and is told so, whatever its accuracy: the
    verdict never depends on the luck of a run.
    """
    C_W = float(np.round(rng.uniform(0.8, 2.2), 3))
    cases = [("relu", float(np.round(rng.uniform(0.3, 1.5), 3))),
             ("relu", float(np.round(rng.uniform(1.5, 3.0), 3))),
             ("tanh", float(np.round(rng.uniform(0.3, 0.8), 3))),
             ("tanh", float(np.round(rng.uniform(0.8, 1.5), 3))),
             ("tanh", float(np.round(rng.uniform(1.5, 2.2), 3))),
             ("tanh", float(np.round(rng.uniform(2.2, 3.0), 3)))]
    tol = 2e-4
    for act, K in cases:
        what = f"chi_perp({K}, {C_W}, {act!r})"
        got = number(call(answer, K, C_W, act), what)
        if number(call(answer, K, C_W, act), what) != got:
            raise Fail(f"{what} gives a different value each time you call it: it samples at random. A sampling "
                       "estimate is not accurate enough here; use Gauss–Hermite quadrature, "
                       "np.polynomial.hermite_e.hermegauss(100), as the exercise says.")
        want = float(theory.chi_perp(K, act, C_W))
        if close(got, want, rtol=tol):
            continue
        phi = np.tanh if act == "tanh" else (lambda z: np.maximum(z, 0.0))
        dphi = (lambda z: 1.0 - np.tanh(z) ** 2) if act == "tanh" else (lambda z: (z > 0).astype(float))
        kink = act == "relu"
        e_dphi2 = float(theory.gauss_expect(lambda z: dphi(z) ** 2, K, kink=kink))
        e_dphi = float(theory.gauss_expect(dphi, K, kink=kink))
        hint = match_mistake(got, [
            (e_dphi2, "multiply by C_W: χ_⊥ = C_W · E[φ′(z)²]."),
            (C_W * e_dphi**2, "square inside the expectation: E[φ′(z)²], not (E[φ′(z)])²."),
            (C_W * float(theory.gauss_expect(lambda z: phi(z) ** 2, K, kink=kink)),
             "χ_⊥ uses the derivative φ′, not φ: C_W · E[φ′(z)²]."),
            (C_W * float(theory.gauss_expect(lambda z: dphi(z) ** 2, K * K, kink=kink)),
             "K is the variance of z, so its standard deviation is √K: use z = √K · (standard normal), not K · (standard normal)."),
            (C_W * e_dphi if act == "tanh" else float("nan"),
             "χ_⊥ averages the square of the slope: C_W · E[φ′(z)²], not C_W · E[φ′(z)]."),
        ], rtol=tol)
        if hint is None and act == "relu" and _odd_nodes_relu(got, C_W):
            hint = (f"{what}: one of your quadrature nodes sits on ReLU's kink at 0 (an odd number of nodes), "
                    "where the slope is neither 0 nor 1; use an even number, np.polynomial.hermite_e.hermegauss(100).")
        if hint is None and abs(got - want) <= 0.05 * abs(want):
            hint = (f"{fmt(got)} is close to {fmt(want)} but not accurate enough: a sampling estimate is too noisy, and "
                    "Gauss–Hermite quadrature with few nodes misses the narrow peak of tanh′(z)² at large K; "
                    "use np.polynomial.hermite_e.hermegauss(100).")
        raise Fail(hint or f"{what} should be {fmt(want)}; yours gives {fmt(got)}.")
    tanh_K = cases[2][1]
    return (f"ReLU gives C_W/2 whatever K is; tanh at K = {tanh_K} gives {float(theory.chi_perp(tanh_K, 'tanh', C_W)):.4f} "
            f"< C_W = {C_W}: tanh's slope is below 1 away from 0.")
