"""Checkers for the exercises of chapters 1–5 (why initialization matters, deriving the scales).

One public ``check_<name>(answer)`` per *Implement* exercise; the reference solutions are in
:mod:`initlab.solutions.basics`. Conventions: :mod:`initlab.checks._core`.

============================  ================================================  ==================
checker                       the function it checks                            exercise
============================  ================================================  ==================
check_count_distinct_units    count_distinct_units(W, tol=1e-9)                 ex-zero-symmetry-4
check_sigmoid_slope           sigmoid_slope(z)                                  ex-vanishing-exploding-2
check_saturation_fraction     saturation_fraction(acts, threshold=0.97)         ex-vanishing-exploding-5
check_normalized_weights      normalized_weights(D, rng)                        ex-variance-layer-3
check_next_variance           next_variance(K, C_W, phi, rng, n_samples)        ex-variance-layer-5
check_he_std                  he_std(fan_in, fan_out, mode="fan_in")            ex-relu-he-2
check_relu_std_trajectory     relu_std_trajectory(x, widths, weight_stds)       ex-relu-he-4
check_gain                    gain(activation, param=None)                      ex-xavier-lecun-4
check_glorot_uniform          glorot_uniform(shape, rng, gain=1.0)              ex-xavier-lecun-5
============================  ================================================  ==================

Example
-------
>>> from initlab.checks.basics import check_he_std
>>> check_he_std(lambda fan_in, fan_out, mode="fan_in": (1 / fan_in) ** 0.5, rng=0)  # doctest: +ELLIPSIS
Not yet: ...
False
"""

from __future__ import annotations

import math

import numpy as np

from ..activations import activation as _activation
from ..theory import gauss_expect
from ._core import N_SE, Fail, array, call, checker, close, fmt, match_mistake, mean_se, number, std_se


@checker("he_std")
def check_he_std(answer, rng):
    """Check ``he_std(fan_in, fan_out, mode="fan_in")``: √(2/fan) with fan chosen by ``mode``."""
    cases = []
    for mode in ("fan_in", "fan_out", "fan_avg"):
        fan_in, fan_out = int(rng.integers(20, 200)), int(rng.integers(300, 900))
        if mode == "fan_out":
            fan_in, fan_out = fan_out, fan_in
        if mode == "fan_avg" and (fan_in + fan_out) % 2 == 0:
            fan_out += 1  # an odd sum: the mean of the fans is not a whole number (// 2 is caught)
        cases.append((fan_in, fan_out, mode))
    for fan_in, fan_out, mode in cases:
        shown = f"he_std({fan_in}, {fan_out}, mode={mode!r})"
        got = number(call(answer, fan_in, fan_out, mode=mode), shown)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        want = math.sqrt(2.0 / fan)
        if close(got, want):
            continue
        other = {"fan_in": fan_out, "fan_out": fan_in, "fan_avg": fan_in}[mode]
        hint = match_mistake(got, [
            (math.sqrt(1.0 / fan), f"{shown} is √2 too small: that is LeCun's √(1/fan). "
                                   "ReLU zeroes half of its inputs, so He doubles the variance: √(2/fan)."),
            (2.0 / fan, f"{shown} returned 2/fan, which is the variance; the standard deviation is its square root."),
            (math.sqrt(2.0) / fan, f"{shown} returned √2/fan; the square root must cover the fan too: √(2/fan)."),
            (math.sqrt(2.0 / other), f"{shown}: " + {
                "fan_in": "you used fan_out where fan_in was asked; with mode='fan_in' divide by fan_in.",
                "fan_out": "you used fan_in where fan_out was asked; with mode='fan_out' divide by fan_out.",
                "fan_avg": "with mode='fan_avg' divide by the mean of the fans, (fan_in + fan_out)/2."}[mode]),
            (math.sqrt(2.0 / (fan_in + fan_out)), f"{shown} gave Glorot's √(2/(fan_in + fan_out)); "
                                                  "He uses one fan, chosen by mode."),
            (math.sqrt(2.0 / ((fan_in + fan_out) // 2)) if mode == "fan_avg" else float("nan"),
             f"{shown}: the mean of the fans is (fan_in + fan_out) / 2 = {(fan_in + fan_out) / 2:g}; "
             "integer division (//) rounds it down."),
        ], rtol=1e-9)
        raise Fail(hint or f"{shown} should be √(2/{fan:g}) = {fmt(want)}; yours gives {fmt(got)}.")
    return "he_std gives √(2/fan) for all three modes (checked with fans you have not seen)."



# ---------------------------------------------------------------------------------------------
# Shared pieces


def _reproducible(answer, args_for, what: str):
    """Fail if ``answer`` ignores its ``rng`` argument.

    ``args_for(rng)`` builds the positional arguments for one call. Two generators with the
    same seed must give the same array; two different seeds must give different arrays.
    """
    first = array(call(answer, *args_for(np.random.default_rng(12345))), what)
    again = array(call(answer, *args_for(np.random.default_rng(12345))), what)
    other = array(call(answer, *args_for(np.random.default_rng(54321))), what)
    if first.shape == again.shape and not np.array_equal(first, again):
        raise Fail(f"{what} gives different numbers for two generators with the same seed: draw every random "
                   "number from the rng argument (rng.standard_normal, rng.uniform), not from np.random.")
    if first.shape == other.shape and np.array_equal(first, other) and np.ptp(first) > 0:
        raise Fail(f"{what} gives the same numbers whatever rng you pass: did you create a generator with a "
                   "fixed seed inside the function? Use the rng argument.")


def _std_hint(ratio: float, rel_se: float, candidates) -> str | None:
    """Name the mistake whose factor on the standard deviation matches ``ratio`` (measured/right).

    Of the factors within ``N_SE`` standard errors of ``ratio``, the nearest one wins.
    """
    near = [(abs(ratio / factor - 1), i) for i, (factor, _) in enumerate(candidates)
            if abs(ratio - factor) <= N_SE * rel_se * factor]
    return candidates[min(near)[1]][1] if near else None


# ---------------------------------------------------------------------------------------------
# Chapter 1: zero initialization and symmetry


@checker("count_distinct_units")
def check_count_distinct_units(answer, rng):
    """Check ``count_distinct_units(W, tol=1e-9)``: the number of different columns of W."""
    n_groups = int(rng.integers(3, 6))
    sizes = rng.integers(1, 4, size=n_groups)
    sizes[0], sizes[1] = 3, 2                     # three copies of unit 0, two of unit 1
    # more rows than columns, so that every typical mistake returns a different count
    n_in = int(sizes.sum() + rng.integers(2, 5))
    reps = rng.standard_normal((n_in, n_groups))
    cols = np.repeat(np.arange(n_groups), sizes)
    rng.shuffle(cols)
    W = reps[:, cols]
    noisy = cols == 0                             # the copies of unit 0 agree only up to rounding
    W[:, noisy] += 1e-13 * rng.standard_normal((n_in, int(noisy.sum())))
    got = call(answer, W.copy(), tol=1e-9)
    shown = f"count_distinct_units(W) for W of shape {W.shape}"
    value = number(got, shown)
    if close(value, n_groups):
        const = call(answer, np.full((4, 6), 0.3), tol=1e-9)
        if not close(number(const, "count_distinct_units(constant W)"), 1):
            raise Fail("a constant weight matrix (every entry 0.3) has exactly one distinct unit; yours says "
                       f"{fmt(number(const, 'count_distinct_units'))}.")
        return (f"{shown} finds the {n_groups} different units among the {W.shape[1]} columns, "
                "and one for a constant matrix.")
    hint = match_mistake(value, [
        (W.shape[1], f"you returned the number of columns ({W.shape[1]}), but some columns are copies of "
                     "others: compare each column with the ones you kept, allowing a difference of tol."),
        (np.unique(W).size, "you counted the distinct entries of W; a unit is a whole column "
                            "(its incoming weights), so compare columns."),
        (W.shape[0], f"you returned the number of rows ({W.shape[0]}): a unit owns a column of W, "
                     "whose shape is (n_in, n_out)."),
        (np.unique(W, axis=1).shape[1], "you compared columns exactly, but copies may differ by rounding "
                                        "(by 1e-13 here): treat columns closer than tol as equal."),
    ])
    raise Fail(hint or f"{shown} should be {n_groups}; yours gives {fmt(value)}.")


# ---------------------------------------------------------------------------------------------
# Chapter 2: vanishing and exploding


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@checker("sigmoid_slope")
def check_sigmoid_slope(answer, rng):
    """Check ``sigmoid_slope(z)``: sig(z)(1 − sig(z)) elementwise, for arrays."""
    z = rng.uniform(-8.0, 8.0, size=(3, 5))
    z[0, 0] = 0.0
    try:
        got = call(answer, z.copy())
    except Fail as failure:
        if failure.not_written:
            raise
        try:
            scalar = number(call(answer, 0.5), "sigmoid_slope(0.5)")
        except Fail:
            raise failure from None
        if close(scalar, float(_sigmoid(0.5) * (1 - _sigmoid(0.5)))):
            raise Fail("sigmoid_slope works on a single number but not on an array: use np.exp "
                       "(math.exp takes one number only).") from None
        raise
    shown = "sigmoid_slope(z) for z of shape (3, 5)"
    got = array(got, shown, shape=z.shape)
    s = _sigmoid(z)
    want = s * (1 - s)
    if np.allclose(got, want, rtol=1e-6, atol=1e-12):
        return f"sig'(z) = sig(z)(1 − sig(z)), elementwise; its largest value is sig'(0) = {fmt(got[0, 0])} = 1/4."
    hint = match_mistake(got, [
        (s, "you returned sig(z) itself; the slope is sig(z)(1 − sig(z))."),
        (s * (1 - z), "you wrote sig(z)(1 − z); the second factor is 1 − sig(z), not 1 − z."),
        (1 - s**2, "you wrote 1 − sig(z)², which is the pattern of tanh' = 1 − tanh²; "
                   "for the sigmoid it is sig(z)(1 − sig(z))."),
        (-s * (1 - s), "you have the right size but the wrong sign: the sigmoid increases, so its slope is positive."),
        (4 * s * (1 - s), "your slope is 4 times too large: "
                                                                  "its maximum, at z = 0, is 1/4."),
    ], rtol=1e-6, atol=1e-12)
    i = np.unravel_index(np.argmax(np.abs(got - want)), z.shape)
    raise Fail(hint or f"at z = {fmt(z[i])} the slope should be {fmt(want[i])}; yours gives {fmt(got[i])}.")


@checker("saturation_fraction")
def check_saturation_fraction(answer, rng):
    """Check ``saturation_fraction(acts, threshold=0.97)``: fraction of entries with |a| > threshold."""
    z = rng.normal(0.0, 1.2, size=(64, 40))
    z += np.where(rng.random((64, 40)) < 0.5, 1.0, 0.0)       # more positive than negative saturation
    acts = np.tanh(z)
    for threshold in (0.97, 0.9):
        shown = f"saturation_fraction(acts, threshold={threshold}) for tanh activations of shape {acts.shape}"
        value = number(call(answer, acts.copy(), threshold=threshold), shown)
        want = float(np.mean(np.abs(acts) > threshold))
        if close(value, want, rtol=1e-9):
            continue
        hint = match_mistake(value, [
            (np.mean(acts > threshold), "you counted only a > threshold; a tanh unit also saturates near −1: use |a|."),
            (np.sum(np.abs(acts) > threshold), "you returned the number of saturated entries; divide by the total "
                                               "number of entries to get a fraction."),
            (1 - want, "you returned the fraction of entries that are NOT saturated."),
            (np.mean(np.abs(np.tanh(acts)) > threshold), "you applied tanh again: acts are already activations."),
            (np.mean(np.abs(acts) > 0.97), "you always used 0.97: use the threshold argument."),
        ], rtol=1e-9)
        raise Fail(hint or f"{shown} should be {fmt(want)}; yours gives {fmt(value)}.")
    return "saturation_fraction counts |a| > threshold over all entries, for both thresholds tried."


# ---------------------------------------------------------------------------------------------
# Chapter 3: the variance of one layer


@checker("normalized_weights")
def check_normalized_weights(answer, rng):
    """Check ``normalized_weights(n, rng)``: n weights with mean 0 and variance 1/n."""
    n = int(rng.integers(20_000, 30_000))
    shown = f"normalized_weights({n}, rng)"
    w = array(call(answer, n, np.random.default_rng(int(rng.integers(2**31)))), shown, shape=(n,))
    sigma = 1.0 / math.sqrt(n)
    mean, std, rms = float(w.mean()), float(w.std()), float(np.sqrt(np.mean(w**2)))
    if np.ptp(w) == 0:
        if close(rms, sigma, rtol=1e-6):
            raise Fail("your weights have the right size (root mean square 1/√n) but are all equal: "
                       "symmetry is not broken. Draw them at random.")
        raise Fail(f"all {n} of your weights are equal ({fmt(w[0])}); draw them at random with mean 0 and variance 1/n.")
    # The sample mean has standard error σ/√n; the sample std has standard error
    # σ√((κ−1)/(4n)) (κ = 3 for a normal, the largest of the usual choices); allow N_SE of them.
    if abs(mean) > N_SE * mean_se(std, n):
        raise Fail(f"the mean of your weights is {fmt(mean)}, far from 0 (the sampling error is about "
                   f"{fmt(mean_se(std, n))}): did you draw from rng.random or rng.uniform(0, 1), which are positive?")
    rel_se = std_se(sigma, n) / sigma
    if abs(std / sigma - 1) > N_SE * rel_se:
        hint = _std_hint(std / sigma, rel_se, [
            (1.0 / math.sqrt(n), f"your std is {fmt(std)} ≈ 1/n: you divided by n; divide by √n, "
                                 "so that the variance (not the std) is 1/n."),
            (math.sqrt(n), f"your std is {fmt(std)} ≈ 1: you forgot to divide by √n."),
            (math.sqrt(2.0), f"your std is √2 too large: variance 2/n is He's choice for ReLU; "
                             "here var(w · x) = var(x) needs 1/n."),
        ])
        raise Fail(hint or f"the std of your weights is {fmt(std)}; it should be 1/√{n} = {fmt(sigma)}.")
    _reproducible(answer, lambda g: (500, g), "normalized_weights(500, rng)")
    return f"mean {fmt(mean)} and std {fmt(std)}, against 0 and 1/√n = {fmt(sigma)}: var(w · x) = var(x)."


_MAP_CASES = (("relu", 3.0, 2.5), ("tanh", 1.0, 1.2), ("sigmoid", 4.0, 2.0))


@checker("next_variance")
def check_next_variance(answer, rng):
    """Check ``next_variance(K, C_W, phi, rng, n_samples)``: a Monte Carlo C_W · E[φ(z)²], z ~ N(0, K)."""
    n = 200_000
    for name, K, C_W in _MAP_CASES:
        phi = _activation(name)
        shown = f"next_variance(K={K:g}, C_W={C_W:g}, phi={name})"
        value = number(call(answer, K, C_W, phi, np.random.default_rng(int(rng.integers(2**31))),
                            n_samples=n), shown)
        kink = name == "relu"
        m2 = float(gauss_expect(lambda z: phi(z) ** 2, K, kink=kink))
        m4 = float(gauss_expect(lambda z: phi(z) ** 4, K, kink=kink))
        want = C_W * m2
        # A Monte Carlo mean of φ(z)² over n samples has standard error sd(φ²)/√n,
        # sd(φ²) = √(E[φ⁴] − E[φ²]²); we allow N_SE of them (rtol below).
        rtol = N_SE * C_W * math.sqrt(max(m4 - m2**2, 0.0) / n) / want
        if close(value, want, rtol=rtol):
            continue
        mean = float(gauss_expect(phi, K, kink=kink))
        hint = match_mistake(value, [
            (C_W * mean**2, f"for {name} you squared the mean of φ(z); the map needs the mean of the square, E[φ(z)²]."),
            (C_W * (m2 - mean**2), f"for {name} you subtracted the mean of φ(z): the map uses the second moment "
                                   "E[φ(z)²], not the variance of φ(z) (the next layer's weights have mean 0)."),
            (C_W * float(gauss_expect(lambda z: phi(z) ** 2, K * K, kink=kink)),
             "you scaled the standard normal by K; a sample of N(0, K) is √K times a standard normal."),
            (m2, "you forgot the factor C_W."),
            (C_W * K, f"you returned C_W · K, the linear network's map; apply φ ({name}) to the samples first."),
        ], rtol=max(rtol, 1e-6))
        raise Fail(hint or f"{shown} should be close to {fmt(want)} (Monte Carlo error about {fmt(rtol * want / N_SE)}); "
                           f"yours gives {fmt(value)}.")
    # The estimate must come from the rng argument: the same seed gives the same number, two
    # seeds give two (different) estimates. An answer that ignores rng and n_samples altogether
    # (exact quadrature) has passed the accuracy test above and is accepted.
    phi = _activation("tanh")
    args = (1.0, 1.0, phi)

    def value(seed, n):
        return number(call(answer, *args, np.random.default_rng(seed), n_samples=n), "next_variance(1, 1, tanh)")

    first, again, other = value(2024, 50_000), value(2024, 50_000), value(4048, 50_000)
    if first != again:
        raise Fail("next_variance gives different numbers for two generators with the same seed: draw the "
                   "samples from the rng argument (rng.standard_normal), not from np.random.")
    if first == other and value(2024, 60_000) != first:
        raise Fail("next_variance gives the same number whatever rng you pass: did you create a generator with a "
                   "fixed seed inside the function? Draw from the rng argument.")
    return ("your Monte Carlo map agrees with the quadrature value of C_W · E[φ(z)²] for relu, tanh and "
            "sigmoid, within the sampling error.")


# ---------------------------------------------------------------------------------------------
# Chapter 4: ReLU and He


@checker("relu_std_trajectory")
def check_relu_std_trajectory(answer, rng):
    """Check ``relu_std_trajectory(x, widths, weight_stds)`` against σ_1 = σ_W1‖x‖,
    σ_ℓ = σ_ℓ−1 · σ_Wℓ · √(n_ℓ−1 / 2)."""
    L = 5
    widths = [int(w) for w in rng.integers(20, 200, size=L + 1)]
    x = rng.normal(0.0, 1.7, size=widths[0])
    stds = [float(s) for s in rng.uniform(0.05, 0.3, size=L)]
    shown = f"relu_std_trajectory(x, widths={widths}, weight_stds=...)"
    got = call(answer, x.copy(), list(widths), list(stds))
    if isinstance(got, (list, tuple, np.ndarray)) and np.ndim(got) == 1 and len(got) == L + 1:
        raise Fail(f"{shown} returned {L + 1} values for a network with L = {L} layers: "
                   "return one std per layer ℓ = 1, …, L (the input x is not a layer).")
    got = array(got, shown, shape=(L,))
    norm = float(np.linalg.norm(x))
    want = np.empty(L)
    want[0] = stds[0] * norm
    for ell in range(1, L):
        want[ell] = want[ell - 1] * stds[ell] * math.sqrt(widths[ell] / 2)
    if np.allclose(got, want, rtol=1e-6):
        return f"{shown} follows σ_1 = σ_W‖x‖ and σ_ℓ = σ_(ℓ−1) σ_W √(n_(ℓ−1)/2) through all {L} layers."

    def traj(first, fan, half=True):
        out = np.empty(L)
        out[0] = first
        for ell in range(1, L):
            out[ell] = out[ell - 1] * stds[ell] * math.sqrt(fan(ell) / (2 if half else 1))
        return out

    hint = match_mistake(got, [
        (traj(stds[0] * norm**2, lambda e: widths[e]), "your first layer uses ‖x‖²; the std of a·x is ‖x‖ σ_W "
                                                       "(the variance carries ‖x‖²)."),
        (traj(stds[0] * norm, lambda e: widths[e], half=False), "you left out the factor 1/2: ReLU keeps half of "
                                                                "the second moment, E[ReLU(z)²] = σ²/2."),
        (traj(stds[0] * norm, lambda e: widths[e + 1]), "you used the width of layer ℓ; the sum that makes z^(ℓ) "
                                                        "runs over the n_(ℓ−1) units of the layer before (fan-in)."),
        (want**2, "you returned variances; take square roots to get standard deviations."),
        (traj(stds[0] * norm / math.sqrt(widths[0]), lambda e: widths[e]), "your first layer divides ‖x‖ by √n_0; "
                                                                            "σ_1 = σ_W ‖x‖ with no division."),
    ], rtol=1e-6)
    ell = int(np.argmax(~np.isclose(got, want, rtol=1e-6)))
    raise Fail(hint or f"at layer {ell + 1} the std should be {fmt(want[ell])}; yours gives {fmt(got[ell])}.")


# ---------------------------------------------------------------------------------------------
# Chapter 5: Glorot/Xavier and LeCun


_GAINS = (
    ("linear", None, 1.0, [(math.sqrt(2), "that is ReLU's gain; a linear layer keeps the second moment, so 1.")]),
    ("sigmoid", None, 1.0, [(0.25, "1/4 is the sigmoid's largest slope, not its gain; the table's gain is 1.")]),
    ("tanh", None, 5.0 / 3.0, [(1.0, "tanh shrinks the second moment, so its gain is above 1: 5/3."),
                               (math.sqrt(2), "√2 is ReLU's gain; tanh's is 5/3.")]),
    ("relu", None, math.sqrt(2), [(2.0, "2 is the factor on the variance; the gain multiplies the std: √2."),
                                  (1.0, "ReLU zeroes half of the inputs, so its gain is √2, not 1."),
                                  (0.5, "1/2 is what ReLU does to the second moment; the gain undoes it: √2.")]),
    ("leaky_relu", 0.2, math.sqrt(2 / 1.04), [(math.sqrt(2), "you ignored the negative slope a: the gain is √(2/(1 + a²))."),
                                              (math.sqrt(2 / 1.2), "you used 1 + a; the negative part contributes a², "
                                                                   "so the gain is √(2/(1 + a²))."),
                                              (2 / 1.04, "you returned the variance factor 2/(1 + a²); "
                                                         "the gain is its square root.")]),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2)), [
        (math.sqrt(2), "gain('leaky_relu') without a slope must use the default a = 0.01: √(2/(1 + 0.01²)) = 1.41414, "
                       "just below √2."),
        (math.sqrt(2 / 1.04), "gain('leaky_relu') without a slope used a = 0.2; the default negative slope is 0.01 "
                              "(PyTorch's)."),
        (math.sqrt(2 / 1.01), "gain('leaky_relu') without a slope used 1 + a with a = 0.01; the negative part "
                              "contributes a², so √(2/(1 + a²)).")]),
    ("selu", None, 0.75, [(1.0, "the gain table gives 3/4 for SELU (chapter 5 explains why SELU networks use "
                                "LeCun normal with gain 1 instead)."),
                          (math.sqrt(2), "√2 is ReLU's gain; the table gives 3/4 for SELU.")]),
)


@checker("gain")
def check_gain(answer, rng):
    """Check ``gain(activation, param=None)`` against PyTorch's table."""
    for name, param, want, mistakes in _GAINS:
        args = (name,) if param is None else (name, param)
        shown = f"gain({name!r})" if param is None else f"gain({name!r}, {param})"
        value = number(call(answer, *args), shown)
        if close(value, want):
            continue
        hint = match_mistake(value, mistakes)
        raise Fail(f"{shown} = {fmt(value)}: " + (hint or f"it should be {fmt(want)}."))
    return ("the gains of linear, sigmoid, tanh, ReLU, leaky ReLU (slope 0.2, and the default 0.01) and SELU "
            "match the table.")


@checker("glorot_uniform")
def check_glorot_uniform(answer, rng):
    """Check ``glorot_uniform(shape, rng, gain=1.0)``: U[−a, a], a = gain·√(6/(fan_in + fan_out))."""
    # The ranges keep the mistakes' factors below apart by at least 4% (some 13 standard
    # errors of the sample std): fan_out/fan_in in [0.2, 0.6] for gain 1 and in [2.17, 2.7]
    # for gain 5/3, so that neither the older heuristic U[±1/√fan_in] nor the fan-in-only and
    # He bounds can come close to a = σ, √2, the gain or its inverse (tests/test_checks_verdicts.py
    # runs every mistake on twenty seeds).
    for shape, g in (((int(rng.integers(200, 301)), int(rng.integers(60, 121))), 1.0),
                     ((int(rng.integers(100, 116)), int(rng.integers(250, 271))), 5.0 / 3.0)):
        fan_in, fan_out = shape
        shown = f"glorot_uniform({shape}, rng" + (")" if g == 1.0 else ", gain=5/3)")
        seed = int(rng.integers(2**31))
        W = array(call(answer, shape, np.random.default_rng(seed), gain=g), shown, shape=shape)
        n = W.size
        sigma = g * math.sqrt(2.0 / (fan_in + fan_out))
        a = math.sqrt(3.0) * sigma
        if np.ptp(W) == 0:
            raise Fail(f"all entries of {shown} are equal: symmetry is not broken. Draw them from U[−a, a].")
        std, mean, top = float(W.std()), float(W.mean()), float(np.abs(W).max())
        if abs(mean) > N_SE * mean_se(std, n):
            raise Fail(f"the mean of {shown} is {fmt(mean)}, not 0: draw from [−a, a], not [0, a].")
        # Uniform draws have kurtosis 9/5, so the sample std has relative standard error
        # √((9/5 − 1)/(4n)), about 0.003 here.
        rel_se = std_se(1.0, n, kurtosis=1.8)
        ratio = std / sigma
        if abs(ratio - 1) > N_SE * rel_se:
            hint = _std_hint(ratio, rel_se, [
                (1 / math.sqrt(3), f"{shown} has a std √3 too small: you used a = σ. A uniform on [−a, a] has "
                                   "std a/√3, so a = √3 · √(2/(fan_in + fan_out))."),
                ((1 / math.sqrt(3 * fan_in)) / sigma,
                 f"{shown} follows U[±1/√fan_in], the older heuristic that Glorot and Bengio compared against; "
                 "their normalized rule is a = √6/√(fan_in + fan_out)."),
                (math.sqrt(2.0), f"the standard deviation of {shown} is √2 too large: did you divide by the mean "
                                 "of the fans, (fan_in + fan_out)/2, instead of their sum (Glorot's bound is "
                                 "√(6/(fan_in + fan_out)))" + (", or use the ReLU gain with a tanh network?"
                                                              if g == 1.0 else "?")),
                (1 / g if g != 1 else float("nan"), f"{shown} ignores the gain: multiply a by it."),
                (g if g != 1 else float("nan"), f"{shown} applies the gain twice (or squared); multiply a by it once."),
                (math.sqrt((fan_in + fan_out) / (2.0 * fan_in)), f"{shown} uses fan_in alone (√(6/(2·fan_in))?); "
                                                                 "Glorot averages the two fans: √(6/(fan_in + fan_out))."),
                (math.sqrt((fan_in + fan_out) / fan_in), f"{shown} has He uniform's bound √(6/fan_in); Glorot's "
                                                         "is √(6/(fan_in + fan_out))."),
            ])
            raise Fail(hint or f"the std of {shown} is {fmt(std)}; it should be a/√3 = {fmt(sigma)}.")
        if top > a * (1 + 1e-9):
            raise Fail(f"{shown} has the right standard deviation but values up to ±{fmt(top)}, beyond a = {fmt(a)}: "
                       "that looks like a normal distribution; Glorot uniform draws from U[−a, a].")
        # The largest of n uniform magnitudes falls below a(1 − ε) with probability (1 − ε)^n:
        # for ε = 2e-3 and n ≥ 15,000 that is below e^-30.
        if top < a * (1 - 2e-3):
            raise Fail(f"the largest |w| of {shown} is {fmt(top)}, clearly below a = {fmt(a)} "
                       "although the std is right: is it really a uniform distribution on [−a, a]?")
    _reproducible(answer, lambda gen: ((30, 20), gen), "glorot_uniform((30, 20), rng)")
    return "right shape, mean 0, std gain·√(2/(fan_in + fan_out)) and every value inside [−a, a], a = √3·std."


__all__ = [
    "check_count_distinct_units",
    "check_sigmoid_slope",
    "check_saturation_fraction",
    "check_normalized_weights",
    "check_next_variance",
    "check_he_std",
    "check_relu_std_trajectory",
    "check_gain",
    "check_glorot_uniform",
]
