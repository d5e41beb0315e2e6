"""The range of initial weights: summary statistics of draws, and how the range shrinks with fan-in.

Chapter "A fixed range versus scaling by fan-in" draws 1,000 weights with a few schemes,
compares their minimum, maximum, mean and standard deviation with what the distribution
predicts, and plots the range of each scheme against the number of inputs. This module
holds the predictions:

* :func:`summary` — min, max, mean and std of a sample (the population std, ``ddof=0``);
* :func:`expected_extremes` — the expected smallest and largest of ``n_draws`` independent
  draws from U[−a, a] (exactly ``±a (N − 1)/(N + 1)``) or from N(0, σ²) (by quadrature);
* :func:`predicted_summary` — the same four numbers as :func:`summary`, predicted for a scheme;
* :func:`normal_coverage` — the probability that a normal draw falls within ±kσ;
* :func:`max_abs_normal_quantile`, :func:`max_abs_normal_exceedance` — how far out the largest
  of N normal draws reaches, and how rare a given largest draw is;
* :func:`draw` — independent draws from a scheme's distribution at given fans;
* :func:`comparison` — a printable table of predicted against measured statistics;
* :func:`range_curves` — the standard deviation and (for uniform schemes) the bound of a
  scheme for every fan-in in an array.

Example
-------
>>> from initlab.ranges import predicted_summary
>>> p = predicted_summary("fan_in_uniform", 10, 1, n_draws=1000)
>>> round(p["bound"], 3), round(p["std"], 3)
(0.316, 0.183)
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate
from .schemes import GAUSSIAN_SCHEMES, UNIFORM_SCHEMES, init_std, uniform_bound

_RANGE_SCHEMES = UNIFORM_SCHEMES + GAUSSIAN_SCHEMES


def summary(w) -> dict[str, float]:
    """Return the minimum, maximum, mean and standard deviation of a sample.

    The standard deviation is the population one (``ddof=0``), as ``numpy.std`` gives.

    >>> summary([-1.0, 0.0, 1.0])["std"]  # doctest: +ELLIPSIS
    0.816...
    """
    arr = _validate.finite_array(w, "the sample").ravel()
    return {
        "min": float(arr.min()),
        "max": float(arr.max()),
        "mean": float(arr.mean()),
        "std": float(arr.std()),
    }


def _std_normal_cdf(x: np.ndarray) -> np.ndarray:
    erf = np.frompyfunc(math.erf, 1, 1)
    return 0.5 * (1.0 + erf(np.asarray(x, dtype=float) / math.sqrt(2.0)).astype(float))


def expected_max_std_normal(n_draws: int, n_points: int = 20001) -> float:
    """Return E[max of ``n_draws`` independent standard normals].

    The largest of N draws has density N φ(x) Φ(x)^(N−1); its mean is the integral of x times
    that density, computed here with the trapezoid rule on [−10, 10] (the integrand is below
    1e-20 outside that interval for any N up to 10⁹).

    >>> round(expected_max_std_normal(2), 4)   # exactly 1/√π
    0.5642
    """
    n = _validate.positive_int(n_draws, "n_draws")
    x = np.linspace(-10.0, 10.0, _validate.positive_int(n_points, "n_points"))
    phi = np.exp(-0.5 * x**2) / math.sqrt(2.0 * math.pi)
    cdf = _std_normal_cdf(x)
    density = n * phi * cdf ** (n - 1)
    return float(np.trapezoid(x * density, x))


def expected_extremes(n_draws: int, dist: str, scale: float) -> tuple[float, float]:
    """Return the expected (minimum, maximum) of ``n_draws`` independent draws.

    Parameters
    ----------
    n_draws : the number of draws N
    dist : ``"uniform"`` for U[−scale, scale] or ``"normal"`` for N(0, scale²)
    scale : the bound a (uniform) or the standard deviation σ (normal)

    For U[−a, a] the largest of N draws has mean a (N − 1)/(N + 1) (the k-th of N ordered
    uniforms on [0, 1] has mean k/(N + 1)). For N(0, σ²) it is σ times
    :func:`expected_max_std_normal`. By symmetry the expected minimum is minus the maximum.

    >>> lo, hi = expected_extremes(1000, "uniform", 1.0)
    >>> round(hi, 4)
    0.998
    """
    n = _validate.positive_int(n_draws, "n_draws")
    dist = _validate.choice(dist, ("uniform", "normal"), "distribution")
    s = _validate.nonnegative_float(scale, "scale")
    hi = s * (n - 1) / (n + 1) if dist == "uniform" else s * expected_max_std_normal(n)
    return -hi, hi


def normal_coverage(k: float) -> float:
    """Return P(|Z| ≤ k) for a standard normal Z: the share of draws within ±kσ.

    >>> round(normal_coverage(3), 4), round(normal_coverage(4), 6)
    (0.9973, 0.999937)
    """
    k = _validate.nonnegative_float(k, "k")
    return math.erf(k / math.sqrt(2.0))


def max_abs_normal_quantile(n_draws: int, q: float) -> float:
    """The q-quantile of max |Z_i| over ``n_draws`` independent standard normals, in units of σ.

    max |Z_i| ≤ t for all i with probability P(|Z| ≤ t)^N = erf(t/√2)^N, so the quantile
    solves erf(t/√2) = q^(1/N) (by bisection). For N = 1000: median 3.39, and 90 % of
    samples have their largest draw between 2.97σ and 4.05σ.

    >>> [round(max_abs_normal_quantile(1000, q), 2) for q in (0.05, 0.5, 0.95)]
    [2.97, 3.39, 4.05]
    """
    n = _validate.positive_int(n_draws, "n_draws")
    q = _validate.finite_float(q, "the probability q")
    if not 0.0 < q < 1.0:
        raise ValueError(f"the probability q must be strictly between 0 and 1; got {q}")
    # erf(t/√2) = q^(1/N) ⇔ erfc(t/√2) = 1 − q^(1/N), computed without cancellation.
    tail = -math.expm1(math.log(q) / n)
    lo, hi = 0.0, 40.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if math.erfc(mid / math.sqrt(2.0)) > tail:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def max_abs_normal_exceedance(n_draws: int, k: float) -> float:
    """P(max |Z_i| > k) over ``n_draws`` standard normals: how rare a largest draw beyond kσ is.

    >>> round(1 / max_abs_normal_exceedance(1000, 4.75), -1)
    490.0
    """
    n = _validate.positive_int(n_draws, "n_draws")
    k = _validate.nonnegative_float(k, "k")
    tail = math.erfc(k / math.sqrt(2.0))
    if tail >= 1.0:  # k = 0: every draw exceeds it
        return 1.0
    return -math.expm1(n * math.log1p(-tail))


def predicted_summary(scheme: str, fan_in: int, fan_out: int, n_draws: int = 1000) -> dict[str, float]:
    """Predict what :func:`summary` gives for ``n_draws`` weights drawn with ``scheme``.

    Returns a dict with ``mean`` (0), ``std``, ``bound`` (the half-width for a uniform
    scheme, ``nan`` for a normal one) and the expected ``min`` and ``max`` of the draws.

    >>> p = predicted_summary("he_normal", 10, 1)
    >>> round(p["std"], 3), round(p["max"], 2)
    (0.447, 1.45)
    """
    scheme = _validate.choice(scheme, _RANGE_SCHEMES, "scheme (uniform or normal)")
    std = init_std(scheme, fan_in, fan_out)
    if scheme in UNIFORM_SCHEMES:
        bound = uniform_bound(scheme, fan_in, fan_out)
        lo, hi = expected_extremes(n_draws, "uniform", bound)
    else:
        bound = float("nan")
        lo, hi = expected_extremes(n_draws, "normal", std)
    return {"min": lo, "max": hi, "mean": 0.0, "std": std, "bound": bound}


def draw(scheme: str, fan_in: int, fan_out: int, n_draws: int = 1000, rng=None) -> np.ndarray:
    """Draw ``n_draws`` independent weights from the distribution ``scheme`` uses at these fans.

    Unlike :func:`initlab.initialize`, the number of draws does not have to equal
    fan_in × fan_out: this is one unit's distribution, sampled as often as asked.

    >>> w = draw("glorot_uniform", 10, 20, 1000, rng=0)
    >>> w.shape, bool(abs(w).max() <= 0.4473)
    ((1000,), True)
    """
    scheme = _validate.choice(scheme, _RANGE_SCHEMES, "scheme (uniform or normal)")
    n = _validate.positive_int(n_draws, "n_draws")
    gen = _validate.generator(rng)
    if scheme in UNIFORM_SCHEMES:
        a = uniform_bound(scheme, fan_in, fan_out)
        return gen.uniform(-a, a, size=n)
    return gen.normal(0.0, init_std(scheme, fan_in, fan_out), size=n)


def comparison(measured: dict, predicted: dict, digits: int = 3) -> str:
    """Return a small table, one row per statistic, of predicted and measured values.

    >>> print(comparison({"min": -1.0, "max": 1.0, "mean": 0.0, "std": 0.5},
    ...                  {"min": -1.0, "max": 1.0, "mean": 0.0, "std": 0.5, "bound": 1.0}))
    statistic   predicted   measured
    min            -1.000     -1.000
    max             1.000      1.000
    mean            0.000      0.000
    std             0.500      0.500
    """
    rows = ["statistic   predicted   measured"]
    for key in ("min", "max", "mean", "std"):
        rows.append(f"{key:<10}{predicted[key]:>11.{digits}f}{measured[key]:>11.{digits}f}")
    return "\n".join(rows)


def range_curves(scheme: str, fan_ins, fan_out: int = 10) -> dict[str, np.ndarray]:
    """Return the standard deviation and bound of ``scheme`` for every fan-in in ``fan_ins``.

    Returns a dict with ``fan_in`` (ints), ``std`` and ``bound`` (the uniform half-width
    for uniform schemes; √3·std, the bound of the uniform scheme with the same variance,
    for normal ones).

    >>> c = range_curves("fan_in_uniform", [1, 100])
    >>> c["bound"].round(3).tolist()
    [1.0, 0.1]
    """
    scheme = _validate.choice(scheme, _RANGE_SCHEMES, "scheme (uniform or normal)")
    n = np.asarray(fan_ins)
    if n.ndim != 1 or n.size == 0 or not np.issubdtype(n.dtype, np.integer) or np.any(n < 1):
        raise ValueError(f"fan_ins must be a non-empty 1-D array of whole numbers >= 1; got {fan_ins!r}")
    std = np.array([init_std(scheme, int(k), fan_out) for k in n])
    return {"fan_in": n, "std": std, "bound": math.sqrt(3.0) * std}


__all__ = [
    "summary",
    "expected_max_std_normal",
    "expected_extremes",
    "normal_coverage",
    "max_abs_normal_quantile",
    "max_abs_normal_exceedance",
    "predicted_summary",
    "range_curves",
    "draw",
    "comparison",
]
