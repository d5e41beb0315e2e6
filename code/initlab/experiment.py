"""The training experiment of chapter 8: several schemes, several seeds, several learning rates.

:func:`compare_schemes` trains the same deep MLP on the digits with every scheme of a list,
``n_seeds`` times each, plus a small learning-rate sweep, all as *one* stacked ensemble
(:meth:`initlab.mlp.MLP.stack`), so that every network sees the same minibatches and the
whole experiment costs one training run. It returns a :class:`Comparison` that holds the
curves, the step-0 gradient norms and the sweep, and that summarizes them
(:meth:`Comparison.final_accuracy`, :meth:`Comparison.table`).

Example
-------
>>> from initlab.data import load_digits
>>> from initlab.experiment import compare_schemes
>>> c = compare_schemes(load_digits(rng=0), "tanh", ["zeros", "glorot_uniform"], hidden=(16, 16),
...                     n_seeds=2, lr=0.1, sweep_lrs=(0.3,), sweep_seeds=1, steps=20,
...                     eval_every=10, rng=0)
>>> c.test_accuracy.shape      # (evaluations, schemes, seeds)
(3, 2, 2)
>>> c.sweep_accuracy.shape     # (schemes, learning rates, sweep seeds)
(2, 2, 1)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate
from .activations import ACTIVATIONS
from .mlp import MLP, train
from .schemes import SCHEMES

#: The schemes chapter 8 compares, in the order of the book.
CHAPTER_SCHEMES = ("zeros", "small_normal", "unit_normal", "fan_in_uniform", "glorot_uniform", "he_normal")


@dataclass
class Comparison:
    """What :func:`compare_schemes` measured.

    Attributes
    ----------
    activation : the hidden layers' activation
    schemes : the schemes, in order
    lr : the main learning rate
    steps : ``(n_evals,)`` step numbers of the evaluations
    train_loss, test_loss, test_accuracy : ``(n_evals, n_schemes, n_seeds)`` at the main rate
        (``nan`` after a network diverged)
    grad_norms_step0 : ``(n_schemes, n_seeds, L)`` Frobenius norm of ∂loss/∂W^(ℓ) at step 0
    diverged : ``(n_schemes, n_seeds)`` at the main rate
    sweep_lrs : ``(n_lrs,)`` all learning rates of the sweep, increasing (the main one included)
    sweep_accuracy : ``(n_schemes, n_lrs, sweep_seeds)`` final test accuracy (``nan`` if diverged)
    sweep_diverged : ``(n_schemes, n_lrs, sweep_seeds)``
    """

    activation: str
    schemes: tuple
    lr: float
    steps: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray
    grad_norms_step0: np.ndarray
    diverged: np.ndarray
    sweep_lrs: np.ndarray
    sweep_accuracy: np.ndarray
    sweep_diverged: np.ndarray

    def final_accuracy(self) -> dict[str, tuple[float, float, int]]:
        """Final test accuracy per scheme at the main rate: (mean, std, number diverged).

        Mean and standard deviation (``ddof=1``) are over the seeds that did not diverge;
        both are ``nan`` if every seed diverged.
        """
        out = {}
        for i, s in enumerate(self.schemes):
            acc = self.test_accuracy[-1, i]
            ok = acc[np.isfinite(acc)]
            mean = float(ok.mean()) if ok.size else float("nan")
            std = float(ok.std(ddof=1)) if ok.size > 1 else float("nan")
            out[s] = (mean, std, int(self.diverged[i].sum()))
        return out

    def table(self) -> str:
        """A printable table: scheme, final test accuracy mean ± std over seeds, diverged runs."""
        n = self.test_accuracy.shape[2]
        lines = [f"{self.activation}, learning rate {self.lr:g}, {n} seeds, {int(self.steps[-1])} steps",
                 f"{'scheme':16s} {'test accuracy':>17s}  diverged"]
        for s, (m, sd, nd) in self.final_accuracy().items():
            acc = "—" if np.isnan(m) else f"{m:.3f} ± {sd:.3f}"
            lines.append(f"{s:16s} {acc:>17s}  {nd}/{n}")
        return "\n".join(lines)

    def sweep_table(self) -> str:
        """A printable table of the sweep: mean final test accuracy per scheme and rate."""
        head = f"{'scheme':16s}" + "".join(f"{'η = ' + format(lr, 'g'):>11s}" for lr in self.sweep_lrs)
        lines = [f"{self.activation}: mean final test accuracy ({self.sweep_accuracy.shape[2]} seeds; "
                 "'div' = all diverged)", head]
        for i, s in enumerate(self.schemes):
            cells = []
            for j in range(self.sweep_lrs.size):
                acc = self.sweep_accuracy[i, j]
                ok = acc[np.isfinite(acc)]
                cells.append(f"{ok.mean():>11.3f}" if ok.size else f"{'div':>11s}")
            lines.append(f"{s:16s}" + "".join(cells))
        return "\n".join(lines)

    def best_per_scheme(self) -> dict[str, float]:
        """The best mean final test accuracy each scheme reaches over the sweep's rates (nan if none)."""
        out = {}
        for i, s in enumerate(self.schemes):
            means = [np.nanmean(a) if np.isfinite(a).any() else -np.inf for a in self.sweep_accuracy[i]]
            best = max(means)
            out[s] = float(best) if np.isfinite(best) else float("nan")
        return out


def compare_schemes(
    data,
    activation: str,
    schemes=CHAPTER_SCHEMES,
    *,
    hidden=(64,) * 8,
    n_seeds: int = 5,
    lr: float = 0.1,
    sweep_lrs=(0.03, 0.3),
    sweep_seeds: int = 2,
    steps: int = 150,
    batch_size: int = 32,
    eval_every: int = 30,
    rng=0,
    dtype: str = "float32",
) -> Comparison:
    """Train one stacked ensemble: every scheme × seed at ``lr``, plus a learning-rate sweep.

    Parameters
    ----------
    data : the digits (:func:`initlab.data.load_digits`) or any object with
        ``x_train, y_train, x_test, y_test``
    activation : the hidden layers' activation
    schemes : initialization schemes (names of :data:`initlab.SCHEMES`)
    hidden : widths of the hidden layers (default: 8 layers of 64 units)
    n_seeds : networks per scheme at the main learning rate
    lr : the main learning rate
    sweep_lrs : further learning rates, each with ``sweep_seeds`` networks per scheme
        (the sweep reuses the first ``sweep_seeds`` networks of the main rate)
    steps, batch_size, eval_every : passed to :func:`initlab.mlp.train`
    rng : seed or Generator; draws the weights and the minibatch order
    dtype : ``"float32"`` (default, faster) or ``"float64"``

    All networks are independent draws; they share the minibatch order, so differences
    between them come from the initialization and the learning rate only.
    """
    act = _validate.choice(activation, ACTIVATIONS, "activation")
    schemes = tuple(_validate.choice(s, SCHEMES, "scheme") for s in schemes)
    if not schemes:
        raise ValueError("schemes must name at least one scheme")
    hidden = [_validate.positive_int(h, "every hidden width") for h in hidden]
    n_seeds = _validate.positive_int(n_seeds, "n_seeds")
    sweep_seeds = _validate.positive_int(sweep_seeds, "sweep_seeds")
    if sweep_seeds > n_seeds:
        raise ValueError(f"sweep_seeds must be at most n_seeds ({n_seeds}); got {sweep_seeds}")
    lr = _validate.finite_float(lr, "lr")
    extra = [_validate.finite_float(x, "every sweep learning rate") for x in sweep_lrs]
    if lr <= 0 or any(x <= 0 for x in extra):
        raise ValueError(f"learning rates must be > 0; got lr={lr}, sweep_lrs={list(sweep_lrs)}")
    if lr in extra or len(set(extra)) != len(extra):
        raise ValueError(f"sweep_lrs must be distinct and differ from lr={lr}; got {list(sweep_lrs)}")
    gen = _validate.generator(rng)
    data_x = np.asarray(data.x_train)
    n_classes = int(getattr(data, "n_classes", int(np.max(data.y_train)) + 1))
    widths = [data_x.shape[1], *hidden, n_classes]

    per_scheme = n_seeds + sweep_seeds * len(extra)
    nets, rates = [], []
    for s in schemes:
        nets.append(MLP.init(widths, activation=act, scheme=s, n_nets=per_scheme, rng=gen, dtype=dtype))
        rates.append(np.r_[np.full(n_seeds, lr), np.repeat(extra, sweep_seeds)])
    net = MLP.stack(nets)
    res = train(net, data, steps=steps, lr=np.concatenate(rates), batch_size=batch_size,
                eval_every=eval_every, rng=gen)

    k = len(schemes)
    main = np.zeros(per_scheme, dtype=bool)
    main[:n_seeds] = True

    def split(a):  # (..., k * per_scheme) -> (..., k, per_scheme)
        return a.reshape(*a.shape[:-1], k, per_scheme)

    acc, tr_loss, te_loss = split(res.test_accuracy), split(res.train_loss), split(res.test_loss)
    div = split(res.diverged)
    g0 = res.grad_norms_step0.reshape(k, per_scheme, -1)

    all_lrs = np.array(sorted([lr, *extra]))
    sweep_acc = np.empty((k, all_lrs.size, sweep_seeds))
    sweep_div = np.empty((k, all_lrs.size, sweep_seeds), dtype=bool)
    for j, rate in enumerate(all_lrs):
        if rate == lr:
            cols = np.arange(sweep_seeds)
        else:
            start = n_seeds + extra.index(rate) * sweep_seeds
            cols = np.arange(start, start + sweep_seeds)
        sweep_acc[:, j] = acc[-1][:, cols]
        sweep_div[:, j] = div[:, cols]

    return Comparison(
        activation=act,
        schemes=schemes,
        lr=lr,
        steps=res.steps,
        train_loss=tr_loss[..., main],
        test_loss=te_loss[..., main],
        test_accuracy=acc[..., main],
        grad_norms_step0=g0[:, main],
        diverged=div[:, main],
        sweep_lrs=all_lrs,
        sweep_accuracy=sweep_acc,
        sweep_diverged=sweep_div,
    )


__all__ = ["CHAPTER_SCHEMES", "Comparison", "compare_schemes"]
