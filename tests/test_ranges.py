"""Tests of initlab.ranges: summaries of drawn weights and their predictions."""

import math

import numpy as np
import pytest

from initlab import initialize
from initlab.ranges import (
    expected_extremes,
    expected_max_std_normal,
    normal_coverage,
    predicted_summary,
    range_curves,
    summary,
)


def test_summary_of_known_sample():
    s = summary([-2.0, 0.0, 1.0, 5.0])
    assert s == {"min": -2.0, "max": 5.0, "mean": 1.0, "std": pytest.approx(math.sqrt(6.5))}


def test_summary_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        summary([1.0, float("nan")])


def test_expected_max_normal_small_n_closed_forms():
    # E[max of 2] = 1/√π; E[max of 3] = 3/(2√π) (classical closed forms).
    assert expected_max_std_normal(2) == pytest.approx(1 / math.sqrt(math.pi), abs=1e-7)
    assert expected_max_std_normal(3) == pytest.approx(1.5 / math.sqrt(math.pi), abs=1e-7)
    assert expected_max_std_normal(1) == pytest.approx(0.0, abs=1e-9)


def test_expected_max_normal_against_simulation():
    # 4,000 repetitions of the max of 1,000 normals; the max has std about 0.37, so the mean
    # of 4,000 has standard error 0.37/√4000 ≈ 0.006; we allow 5 standard errors (0.03).
    rng = np.random.default_rng(0)
    maxima = rng.standard_normal((4000, 1000)).max(axis=1)
    se = maxima.std(ddof=1) / math.sqrt(maxima.size)
    assert abs(maxima.mean() - expected_max_std_normal(1000)) < 5 * se


def test_expected_extremes_uniform_exact():
    lo, hi = expected_extremes(9, "uniform", 2.0)
    assert (lo, hi) == (pytest.approx(-1.6), pytest.approx(1.6))  # 2·8/10


def test_expected_extremes_uniform_against_simulation():
    # Max of 1,000 U[-1,1]: std of the max is about 2/1001, so the mean of 2,000 has
    # standard error about 4.5e-5; we allow 5 of those.
    rng = np.random.default_rng(1)
    maxima = rng.uniform(-1, 1, (2000, 1000)).max(axis=1)
    se = maxima.std(ddof=1) / math.sqrt(maxima.size)
    assert abs(maxima.mean() - expected_extremes(1000, "uniform", 1.0)[1]) < 5 * se


def test_expected_extremes_rejects_bad_distribution():
    with pytest.raises(ValueError, match="uniform, normal"):
        expected_extremes(10, "cauchy", 1.0)


def test_normal_coverage_values():
    assert normal_coverage(1) == pytest.approx(0.682689, abs=1e-6)
    assert normal_coverage(3) == pytest.approx(0.997300, abs=1e-6)
    assert normal_coverage(4) == pytest.approx(0.999937, abs=1e-6)


def test_predicted_summary_errata_numbers():
    # The numbers sources.md asks the book to reproduce.
    p = predicted_summary("fan_in_uniform", 10, 1)
    assert p["bound"] == pytest.approx(0.3162, abs=1e-4) and p["std"] == pytest.approx(0.1826, abs=1e-4)
    p = predicted_summary("glorot_uniform", 10, 20)
    assert p["bound"] == pytest.approx(0.4472, abs=1e-4) and p["std"] == pytest.approx(0.2582, abs=1e-4)
    p = predicted_summary("he_normal", 10, 1)
    assert p["std"] == pytest.approx(0.4472, abs=1e-4) and math.isnan(p["bound"])
    assert p["max"] == pytest.approx(0.4472 * 3.2414, abs=1e-3)


def test_predicted_summary_matches_draws():
    # The relative standard error of a sample std is about sqrt((kurtosis - 1)/(4N)); the
    # uniform has kurtosis 1.8, below the normal's 3, so 1/√(2N) bounds it; we allow 4 of
    # those. The mean has standard error σ/√N; we allow 4.
    w = initialize("fan_in_uniform", (10, 100_000), rng=0)
    p = predicted_summary("fan_in_uniform", 10, 100_000)
    s = summary(w)
    assert abs(s["std"] / p["std"] - 1) < 4 / math.sqrt(2 * w.size)
    assert abs(s["mean"]) < 4 * p["std"] / math.sqrt(w.size)
    assert -p["bound"] <= s["min"] and s["max"] <= p["bound"]


def test_range_curves_law():
    c = range_curves("he_normal", np.array([1, 4, 100]))
    assert c["std"] == pytest.approx([math.sqrt(2), math.sqrt(2) / 2, math.sqrt(2) / 10])
    assert c["bound"] == pytest.approx(math.sqrt(3) * c["std"])
    c = range_curves("glorot_uniform", np.array([10]), fan_out=20)
    assert c["bound"][0] == pytest.approx(math.sqrt(6 / 30))


def test_range_curves_validation():
    with pytest.raises(ValueError, match="fan_ins"):
        range_curves("he_normal", np.array([0, 1]))
    with pytest.raises(ValueError, match="unknown scheme"):
        range_curves("zeros", np.array([1]))


def test_draw_distribution():
    from initlab.ranges import draw
    # 200,000 draws; relative standard error of the std ≤ 1/√(2N) ≈ 0.0016, we allow 4.
    w = draw("glorot_uniform", 10, 20, 200_000, rng=3)
    assert w.shape == (200_000,)
    assert abs(w).max() <= math.sqrt(6 / 30)
    assert abs(w.std() / math.sqrt(2 / 30) - 1) < 4 / math.sqrt(2 * w.size)
    w = draw("he_normal", 10, 1, 200_000, rng=4)
    assert abs(w.std() / math.sqrt(0.2) - 1) < 4 / math.sqrt(2 * w.size)
    assert abs(w).max() > math.sqrt(3 * 0.2)  # a normal is not bounded by the uniform's √3σ


def test_draw_is_seeded():
    from initlab.ranges import draw
    np.testing.assert_array_equal(draw("he_normal", 5, 5, 10, rng=1), draw("he_normal", 5, 5, 10, rng=1))


def test_comparison_table():
    from initlab.ranges import comparison
    text = comparison({"min": -0.3, "max": 0.31, "mean": 0.01, "std": 0.18},
                      {"min": -0.316, "max": 0.316, "mean": 0.0, "std": 0.183})
    lines = text.splitlines()
    assert lines[1].split() == ["min", "-0.316", "-0.300"]
    assert lines[4].split() == ["std", "0.183", "0.180"]


def test_max_abs_normal_quantiles_against_simulation():
    """20,000 samples of the largest |z| of 1,000 standard normals (seed 0).

    The share of samples below the predicted q-quantile is binomial: its standard error is
    sqrt(q(1 − q)/20000) (0.0015 at q = 0.05); allow 4 of them.
    """
    from initlab.ranges import max_abs_normal_exceedance, max_abs_normal_quantile
    rng = np.random.default_rng(0)
    largest = np.concatenate([np.abs(rng.standard_normal((2000, 1000))).max(axis=1) for _ in range(10)])
    for q in (0.05, 0.5, 0.95):
        share = np.mean(largest <= max_abs_normal_quantile(1000, q))
        assert abs(share - q) < 4 * np.sqrt(q * (1 - q) / largest.size), (q, share)
    k = 3.5
    assert abs(np.mean(largest > k) - max_abs_normal_exceedance(1000, k)) < 4 * np.sqrt(0.3 * 0.7 / largest.size)


def test_max_abs_normal_quantile_rejects_bad_input():
    from initlab.ranges import max_abs_normal_quantile
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        max_abs_normal_quantile(1000, 1.0)
    with pytest.raises(ValueError):
        max_abs_normal_quantile(0, 0.5)


def test_max_abs_normal_exceedance_at_zero_is_one():
    from initlab.ranges import max_abs_normal_exceedance
    assert max_abs_normal_exceedance(1000, 0.0) == 1.0
