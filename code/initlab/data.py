"""The handwritten-digits data set that ships with the package, split and standardized.

The book's training experiments (chapter 8 and its exercises) need a real classification
task that is small enough to train dozens of networks in seconds and that never has to be
downloaded. ``digits.csv.gz`` holds the 1,797 8×8 images of Alpaydin and Kaynak (1998):
64 pixel counts from 0 to 16, then the label 0..9 (see ``data/README.txt``).

:func:`load_digits` splits them into a training and a test set, class by class (stratified,
so both sets hold every digit in the same proportion), with a seeded shuffle, and by
default standardizes every pixel with the *training* set's mean and standard deviation
(the test set never leaks into the preprocessing). Pixels that are constant on the
training set (a few border pixels are always 0) have standard deviation 0; they are set
to 0 in all sets instead of being divided by 0.

With ``validation_fraction > 0`` a third, validation set is carved out of the training
part (again class by class, with the same seeded generator), for choosing settings such as
the learning rate without looking at the test set. The test set is the same with or without
a validation set; only the training set shrinks, and the standardization then uses the
smaller training set alone.

Example
-------
>>> from initlab.data import load_digits
>>> d = load_digits(rng=0)
>>> d.x_train.shape, d.x_test.shape, d.n_classes
((1347, 64), (450, 64), 10)
>>> v = load_digits(rng=0, validation_fraction=0.2)
>>> v.x_train.shape, v.x_val.shape, v.x_test.shape
((988, 64), (359, 64), (450, 64))
"""

from __future__ import annotations

import gzip
import io
import numbers
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from . import _validate

#: Number of images in the shipped file, pixels per image, classes.
N_SAMPLES, N_PIXELS, N_CLASSES = 1797, 64, 10


@dataclass(frozen=True)
class Digits:
    """A train/test (and optionally validation) split of the digits.

    Attributes
    ----------
    x_train, x_test : float arrays ``(n, 64)``, the pixels (standardized if asked)
    y_train, y_test : int arrays ``(n,)``, the labels 0..9
    n_classes : 10
    feature_mean, feature_std : arrays ``(64,)``, the training set's per-pixel mean and
        standard deviation used for standardizing (mean 0 and std 1 when not standardized)
    x_val, y_val : the validation set, transformed like the test set (None when
        ``load_digits`` was called without ``validation_fraction``)
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    feature_mean: np.ndarray
    feature_std: np.ndarray
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None


@lru_cache(maxsize=1)
def _raw() -> tuple[np.ndarray, np.ndarray]:
    """Read the shipped file once: pixels (1797, 64) as floats, labels (1797,) as ints."""
    blob = resources.files("initlab").joinpath("data/digits.csv.gz").read_bytes()
    with gzip.open(io.BytesIO(blob), "rt") as fh:
        table = np.loadtxt(fh, delimiter=",", dtype=np.int64)
    if table.shape != (N_SAMPLES, N_PIXELS + 1):
        raise RuntimeError(f"the shipped digits file has shape {table.shape}; expected {(N_SAMPLES, N_PIXELS + 1)}")
    x = table[:, :N_PIXELS].astype(float)
    y = table[:, N_PIXELS].copy()
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def load_digits(test_fraction: float = 0.25, rng=0, standardize: bool = True,
                validation_fraction: float = 0.0) -> Digits:
    """Load the shipped digits and split them into training, test and (optionally) validation sets.

    Parameters
    ----------
    test_fraction : fraction of each class put in the test set, strictly between 0 and 1
        (per class, ``round(test_fraction * class size)`` images, at least 1 and at most
        the class size minus 1)
    rng : ``numpy.random.Generator`` or int seed (default 0) for the shuffle; None gives a
        fresh, unseeded split
    standardize : if True (default), subtract the training set's per-pixel mean and divide
        by its per-pixel standard deviation (pixels with std 0 stay 0)
    validation_fraction : fraction of each class (of all its images) moved from the training
        part into a validation set, 0 (default: no validation set) or more, with
        ``test_fraction + validation_fraction < 1``; per class ``round(validation_fraction
        * class size)`` images, at least 1, leaving at least 1 for training. The test set
        does not depend on it.

    Returns
    -------
    :class:`Digits`

    Examples
    --------
    >>> d = load_digits(test_fraction=0.2, rng=1)
    >>> sorted(set(d.y_test.tolist())) == list(range(10))
    True
    >>> abs(float(d.x_train.mean())) < 1e-12
    True
    """
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real):
        raise TypeError(f"test_fraction must be a number strictly between 0 and 1; got {test_fraction!r}")
    test_fraction = float(test_fraction)
    if not (0.0 < test_fraction < 1.0):
        raise ValueError(f"test_fraction must be strictly between 0 and 1; got {test_fraction}")
    if not isinstance(standardize, (bool, np.bool_)):
        raise TypeError(f"standardize must be True or False; got {standardize!r}")
    if isinstance(validation_fraction, bool) or not isinstance(validation_fraction, numbers.Real):
        raise TypeError(f"validation_fraction must be a number >= 0; got {validation_fraction!r}")
    validation_fraction = float(validation_fraction)
    if not (0.0 <= validation_fraction < 1.0 - test_fraction):
        raise ValueError("validation_fraction must be >= 0 and test_fraction + validation_fraction < 1; "
                         f"got validation_fraction={validation_fraction}, test_fraction={test_fraction}")
    gen = _validate.generator(rng)
    x, y = _raw()
    train_idx, test_idx, val_idx = [], [], []
    for c in range(N_CLASSES):
        idx = np.flatnonzero(y == c)
        idx = idx[gen.permutation(idx.size)]
        n_test = min(max(int(round(test_fraction * idx.size)), 1), idx.size - 1)
        test_idx.append(idx[:n_test])
        train_idx.append(idx[n_test:])
        if validation_fraction > 0:
            n_val = min(max(int(round(validation_fraction * idx.size)), 1), idx.size - n_test - 1)
            val_idx.append(idx[n_test : n_test + n_val])
    # Shuffle across classes so that consecutive rows are not all one digit.
    train_idx = np.concatenate(train_idx)
    test_idx = np.concatenate(test_idx)
    train_idx = train_idx[gen.permutation(train_idx.size)]
    test_idx = test_idx[gen.permutation(test_idx.size)]
    x_val = y_val = None
    if val_idx:
        # The validation images are taken out of the shuffled training part after all draws,
        # so the generator's stream, the test set and the order of the remaining training
        # images are those of the split without a validation set.
        in_val = np.isin(train_idx, np.concatenate(val_idx))
        val_idx, train_idx = train_idx[in_val], train_idx[~in_val]
        x_val, y_val = x[val_idx], y[val_idx].copy()
    x_train, x_test = x[train_idx], x[test_idx]
    if standardize:
        mean = x_train.mean(axis=0)
        std = x_train.std(axis=0)
        live = std > 0
        safe = np.where(live, std, 1.0)
        # A pixel that is constant on the training set carries no information the network
        # could learn from; it is set to 0 in both sets (not just centred), so that a rare
        # nonzero test value cannot appear with an arbitrary scale.
        x_train = np.where(live, (x_train - mean) / safe, 0.0)
        x_test = np.where(live, (x_test - mean) / safe, 0.0)
        if x_val is not None:
            x_val = np.where(live, (x_val - mean) / safe, 0.0)
    else:
        mean = np.zeros(N_PIXELS)
        std = np.ones(N_PIXELS)
    return Digits(
        x_train=x_train,
        y_train=y[train_idx].copy(),
        x_test=x_test,
        y_test=y[test_idx].copy(),
        n_classes=N_CLASSES,
        feature_mean=mean,
        feature_std=std,
        x_val=x_val,
        y_val=y_val,
    )


__all__ = ["Digits", "load_digits", "N_SAMPLES", "N_PIXELS", "N_CLASSES"]
