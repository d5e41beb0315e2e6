"""Tests for initlab.data: the shipped digits, the stratified split, the standardization."""

import numpy as np
import pytest

from initlab import data
from initlab.data import Digits, load_digits


def test_shipped_file_has_every_image_and_label():
    d = load_digits(standardize=False)
    x = np.vstack([d.x_train, d.x_test])
    y = np.concatenate([d.y_train, d.y_test])
    assert x.shape == (1797, 64)
    assert y.shape == (1797,)
    assert x.min() == 0 and x.max() == 16
    assert np.all(x == np.round(x))  # integer pixel counts
    assert sorted(np.unique(y).tolist()) == list(range(10))
    # Class sizes of the UCI test part (as in scikit-learn's copy).
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert d.n_classes == 10
    assert d.y_train.dtype.kind == "i"


def test_split_is_a_partition_of_the_rows():
    raw_x, raw_y = data._raw()
    d = load_digits(standardize=False, rng=3)
    # Every raw row appears exactly once across the two sets (rows may repeat in the data,
    # so compare multisets of (pixels, label) rows).
    rows = np.hstack([np.vstack([d.x_train, d.x_test]), np.concatenate([d.y_train, d.y_test])[:, None]])
    raw = np.hstack([raw_x, raw_y[:, None]])
    key = lambda a: sorted(map(tuple, a.tolist()))
    assert key(rows) == key(raw)


@pytest.mark.parametrize("frac", [0.1, 0.25, 0.5])
def test_split_is_stratified(frac):
    d = load_digits(test_fraction=frac, rng=0)
    total = np.bincount(np.concatenate([d.y_train, d.y_test]), minlength=10)
    test = np.bincount(d.y_test, minlength=10)
    # Per class the test count is round(frac * class size): off by at most 1/2 of an image.
    assert np.all(np.abs(test - frac * total) <= 0.5 + 1e-9)


def test_seed_reproduces_and_different_seeds_differ():
    a, b, c = load_digits(rng=7), load_digits(rng=7), load_digits(rng=8)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_train, c.y_train)
    g = np.random.default_rng(7)
    assert np.array_equal(load_digits(rng=g).y_train, a.y_train)


def test_classes_are_mixed_in_order():
    # The training rows are shuffled across classes: labels are not sorted.
    d = load_digits(rng=0)
    assert np.any(np.diff(d.y_train) < 0)


def test_standardization_uses_training_statistics_only():
    raw = load_digits(standardize=False, rng=5)
    st = load_digits(standardize=True, rng=5)
    np.testing.assert_array_equal(raw.y_train, st.y_train)
    np.testing.assert_allclose(st.feature_mean, raw.x_train.mean(axis=0))
    np.testing.assert_allclose(st.feature_std, raw.x_train.std(axis=0))
    live = st.feature_std > 0
    np.testing.assert_allclose(st.x_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(st.x_train.std(axis=0)[live], 1.0, rtol=1e-12)
    # The test set is transformed with the TRAINING statistics, so its moments are not exactly 0/1.
    np.testing.assert_allclose(st.x_test[:, live], (raw.x_test[:, live] - st.feature_mean[live]) / st.feature_std[live])
    assert abs(st.x_test[:, live].mean()) > 1e-6


def test_constant_pixels_stay_zero():
    d = load_digits(rng=0)
    dead = d.feature_std == 0
    assert dead.sum() >= 1  # a few border pixels are always blank in the training set
    assert np.all(d.x_train[:, dead] == 0) and np.all(d.x_test[:, dead] == 0)
    assert np.all(np.isfinite(d.x_train)) and np.all(np.isfinite(d.x_test))


def test_unstandardized_reports_identity_transform():
    d = load_digits(standardize=False)
    assert np.all(d.feature_mean == 0) and np.all(d.feature_std == 1)


def test_result_is_frozen():
    d = load_digits()
    assert isinstance(d, Digits)
    with pytest.raises(AttributeError):
        d.n_classes = 3  # type: ignore[misc]


@pytest.mark.parametrize("frac", [0.0, 1.0, -0.2, 1.5, float("nan")])
def test_bad_fraction_value(frac):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        load_digits(test_fraction=frac)


@pytest.mark.parametrize("frac", ["0.25", None, True])
def test_bad_fraction_type(frac):
    with pytest.raises(TypeError, match="test_fraction"):
        load_digits(test_fraction=frac)


def test_bad_rng_and_standardize():
    with pytest.raises(TypeError, match="rng"):
        load_digits(rng="zero")
    with pytest.raises(ValueError, match="seed"):
        load_digits(rng=-1)
    with pytest.raises(TypeError, match="standardize"):
        load_digits(standardize="yes")


# ---------------------------------------------------------------- validation split


def test_validation_split_keeps_the_test_set_and_partitions_the_rest():
    plain = load_digits(standardize=False, rng=4)
    d = load_digits(standardize=False, rng=4, validation_fraction=0.2)
    assert plain.x_val is None and plain.y_val is None
    # The test set is exactly the one of the split without validation (same rows, same order).
    np.testing.assert_array_equal(d.x_test, plain.x_test)
    np.testing.assert_array_equal(d.y_test, plain.y_test)
    # Training and validation images together are the training images of the plain split,
    # and the training images keep their order.
    key = lambda x, y: sorted(map(tuple, np.hstack([x, y[:, None]]).tolist()))
    assert key(np.vstack([d.x_train, d.x_val]), np.concatenate([d.y_train, d.y_val])) == key(plain.x_train, plain.y_train)
    rows = {tuple(r) + (int(c),) for r, c in zip(d.x_val.tolist(), d.y_val)}
    kept = [i for i, (r, c) in enumerate(zip(plain.x_train.tolist(), plain.y_train)) if tuple(r) + (int(c),) not in rows]
    np.testing.assert_array_equal(plain.y_train[kept], d.y_train)


@pytest.mark.parametrize("frac", [0.1, 0.2])
def test_validation_split_is_stratified(frac):
    d = load_digits(rng=0, validation_fraction=frac)
    total = np.bincount(np.concatenate([d.y_train, d.y_val, d.y_test]), minlength=10)
    val = np.bincount(d.y_val, minlength=10)
    assert np.all(np.abs(val - frac * total) <= 0.5 + 1e-9)
    assert d.x_val.shape == (d.y_val.size, 64)


def test_validation_set_is_standardized_with_the_smaller_training_set():
    raw = load_digits(standardize=False, rng=2, validation_fraction=0.2)
    st = load_digits(rng=2, validation_fraction=0.2)
    np.testing.assert_allclose(st.feature_mean, raw.x_train.mean(axis=0))
    live = st.feature_std > 0
    np.testing.assert_allclose(st.x_val[:, live], (raw.x_val[:, live] - st.feature_mean[live]) / st.feature_std[live])
    assert np.all(st.x_val[:, ~live] == 0)


@pytest.mark.parametrize("frac", [-0.1, 0.75, 0.9, float("nan")])
def test_bad_validation_fraction_value(frac):
    with pytest.raises(ValueError, match="validation_fraction"):
        load_digits(validation_fraction=frac)


@pytest.mark.parametrize("frac", ["0.2", None, True])
def test_bad_validation_fraction_type(frac):
    with pytest.raises(TypeError, match="validation_fraction"):
        load_digits(validation_fraction=frac)
