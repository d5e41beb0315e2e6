"""The training experiment of chapter 8: several schemes, several seeds, several learning rates.

:func:`compare_schemes` trains the same deep MLP on the digits with every scheme of a list,
``n_seeds`` networks each, at every learning rate of a small sweep; the networks of one seed
train side by side as one stacked ensemble (:meth:`initlab.mlp.MLP.stack`), so that the
whole experiment costs ``n_seeds`` training runs. The design is that of a fair comparison:

- **a seed is a full repetition**: seed *k* draws its own initial weights and its own
  minibatch order, so the spread over seeds shows everything that chance changes;
- **the same seed at every rate and for every scheme**: seed *k* of a scheme starts from
  the same initial weights at every learning rate, and all networks of seed *k* (every
  scheme, every rate) see the same minibatches, so a change along the sweep comes from the
  rate alone and two schemes are compared on the same batches;
- **the same seeds whatever the activation**: the weights and the minibatch orders are
  drawn from separate streams of one integer seed, so two calls with the same int ``rng``
  but different activations start from the same weights (the schemes do not depend on the
  activation) and see the same minibatches;
- **the rate is chosen on a validation set** (:func:`initlab.data.load_digits` with
  ``validation_fraction > 0``), scheme by scheme; the test set is used once, after
  training, to report the accuracy at the chosen rate.

It returns a :class:`Comparison` that holds the curves, the step-0 gradient norms and the
final accuracies, and that summarizes them (:meth:`Comparison.chosen_lr`,
:meth:`Comparison.selected`, :meth:`Comparison.table`).

Example
-------
>>> from initlab.data import load_digits
>>> from initlab.experiment import compare_schemes
>>> d = load_digits(rng=0, validation_fraction=0.2)
>>> c = compare_schemes(d, "tanh", ["zeros", "glorot_uniform"], hidden=(16, 16), n_seeds=2,
...                     lrs=(0.1, 0.3), steps=20, eval_every=10, rng=0)
>>> c.val_accuracy.shape       # (evaluations, schemes, learning rates, seeds)
(3, 2, 2, 2)
>>> c.test_accuracy.shape      # (schemes, learning rates, seeds), after training
(2, 2, 2)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from . import _validate
from .activations import ACTIVATIONS
from .mlp import MLP, train
from .schemes import SCHEMES

#: The schemes chapter 8 compares, in the order of the book.
CHAPTER_SCHEMES = ("zeros", "small_normal", "unit_normal", "fan_in_uniform", "glorot_uniform", "he_normal")


def _mean_sd(a) -> tuple[float, float]:
    ok = np.asarray(a, float)
    ok = ok[np.isfinite(ok)]
    mean = float(ok.mean()) if ok.size else float("nan")
    sd = float(ok.std(ddof=1)) if ok.size > 1 else float("nan")
    return mean, sd


@dataclass
class Comparison:
    """What :func:`compare_schemes` measured.

    Attributes
    ----------
    activation : the hidden layers' activation
    schemes : the schemes, in order
    lrs : ``(n_lrs,)`` the learning rates of the sweep, increasing
    steps : ``(n_evals,)`` step numbers of the evaluations
    train_loss, val_loss, val_accuracy : ``(n_evals, n_schemes, n_lrs, n_seeds)`` on the
        training and validation sets during training (``nan`` after a network diverged)
    test_accuracy : ``(n_schemes, n_lrs, n_seeds)`` on the test set, once, after training
        (``nan`` if diverged)
    grad_norms_step0 : ``(n_schemes, n_seeds, L)`` Frobenius norm of ∂loss/∂W^(ℓ) at step 0
        (the same at every rate: the same weights see the same first minibatch)
    diverged : ``(n_schemes, n_lrs, n_seeds)``
    """

    activation: str
    schemes: tuple
    lrs: np.ndarray
    steps: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    test_accuracy: np.ndarray
    grad_norms_step0: np.ndarray
    diverged: np.ndarray

    @property
    def n_seeds(self) -> int:
        return int(self.test_accuracy.shape[2])

    def _scheme(self, scheme: str) -> int:
        if scheme not in self.schemes:
            raise ValueError(f"scheme {scheme!r} is not in this comparison; it has {list(self.schemes)}")
        return self.schemes.index(scheme)

    def _lr(self, lr: float) -> int:
        hits = np.flatnonzero(np.isclose(self.lrs, lr, rtol=1e-12, atol=0))
        if hits.size != 1:
            raise ValueError(f"learning rate {lr!r} is not in this comparison; it has {self.lrs.tolist()}")
        return int(hits[0])

    def final_val_accuracy(self) -> np.ndarray:
        """``(n_schemes, n_lrs, n_seeds)``: validation accuracy after the last step (nan if diverged)."""
        return self.val_accuracy[-1]

    def selection_score(self) -> np.ndarray:
        """``(n_schemes, n_lrs)``: the mean final validation accuracy over seeds, a diverged
        network counting as 0 (a rate at which networks diverge is a bad rate)."""
        return np.nan_to_num(self.final_val_accuracy(), nan=0.0).mean(axis=2)

    def chosen_lr(self) -> dict[str, float]:
        """Per scheme, the rate with the highest :meth:`selection_score` (validation only;
        the smaller rate on a tie)."""
        score = self.selection_score()
        return {s: float(self.lrs[int(np.argmax(score[i]))]) for i, s in enumerate(self.schemes)}

    def seeds(self, scheme: str, lr: float | None = None, split: str = "test") -> np.ndarray:
        """``(n_seeds,)`` final accuracies of one scheme at one rate (default: its chosen rate)
        on the ``"test"`` or ``"val"`` set (nan where diverged)."""
        i = self._scheme(scheme)
        j = self._lr(self.chosen_lr()[scheme] if lr is None else lr)
        if split == "test":
            return self.test_accuracy[i, j].copy()
        if split == "val":
            return self.final_val_accuracy()[i, j].copy()
        raise ValueError(f"split must be 'test' or 'val'; got {split!r}")

    def selected(self) -> dict[str, tuple[float, float, float, int]]:
        """Per scheme at its chosen rate: (rate, mean test accuracy, its std over seeds, number
        diverged). Mean and std (``ddof=1``) are over the seeds that did not diverge (nan if none)."""
        out = {}
        for s, lr in self.chosen_lr().items():
            m, sd = _mean_sd(self.seeds(s, lr))
            out[s] = (lr, m, sd, int(self.diverged[self._scheme(s), self._lr(lr)].sum()))
        return out

    def table(self) -> str:
        """A printable table: per scheme its chosen rate, the validation accuracy there and the
        test accuracy there (mean ± std over seeds), and the diverged runs."""
        n = self.n_seeds
        lines = [f"{self.activation}: rate chosen on validation, {n} seeds, {int(self.steps[-1])} steps",
                 f"{'scheme':16s} {'η':>5s} {'validation':>15s} {'test':>15s}  diverged"]
        for s, (lr, m, sd, nd) in self.selected().items():
            vm, vsd = _mean_sd(self.seeds(s, lr, "val"))
            val = "—" if np.isnan(vm) else f"{vm:.3f} ± {vsd:.3f}"
            acc = "—" if np.isnan(m) else f"{m:.3f} ± {sd:.3f}"
            lines.append(f"{s:16s} {lr:>5g} {val:>15s} {acc:>15s}  {nd}/{n}")
        return "\n".join(lines)

    def sweep_table(self) -> str:
        """A printable table of the sweep: final validation accuracy, mean ± std over seeds, per
        scheme and rate; ``*`` marks the chosen rate, 'div' a rate where every seed diverged
        and ``(k div)`` one where k seeds did."""
        chosen = self.chosen_lr()
        acc = self.final_val_accuracy()
        rows = []
        for i, s in enumerate(self.schemes):
            cells = []
            for j, lr in enumerate(self.lrs):
                m, sd = _mean_sd(acc[i, j])
                nd = int(self.diverged[i, j].sum())
                mark = "*" if lr == chosen[s] else " "
                if np.isnan(m):
                    text = "div"
                else:
                    text = (f"{m:.3f}" if np.isnan(sd) else f"{m:.3f} ± {sd:.3f}") + (f" ({nd} div)" if nd else "")
                cells.append(text + mark)
            rows.append((s, cells))
        heads = [f"η = {lr:g}" for lr in self.lrs]
        # Every column as wide as its widest entry, plus two spaces between columns.
        width = [2 + max(len(heads[j]), *(len(cells[j]) for _, cells in rows)) for j in range(len(heads))]
        lines = [f"{self.activation}: final validation accuracy, mean ± std over {self.n_seeds} seeds "
                 "(* = chosen rate)",
                 # each entry ends in its mark ('*' or a space): the heading ends above the entry's last digit
                 f"{'scheme':16s}" + "".join(f"{h + ' ':>{w}s}" for h, w in zip(heads, width))]
        for s, cells in rows:
            lines.append(f"{s:16s}" + "".join(f"{c:>{w}s}" for c, w in zip(cells, width)))
        return "\n".join(lines)


def _seed(rng) -> int:
    """One integer seed from ``rng`` (an int is used as it is; a Generator gives one draw)."""
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        _validate.generator(rng)  # validates: non-negative
        return int(rng)
    return int(_validate.generator(rng).integers(2**63))


def compare_schemes(
    data,
    activation: str,
    schemes=CHAPTER_SCHEMES,
    *,
    hidden=(64,) * 8,
    n_seeds: int = 4,
    lrs=(0.03, 0.1, 0.3),
    steps: int = 150,
    batch_size: int = 32,
    eval_every: int = 50,
    rng=0,
    dtype: str = "float32",
) -> Comparison:
    """Train every scheme × learning rate × seed, one stacked ensemble per seed.

    Parameters
    ----------
    data : the digits with a validation set (``load_digits(validation_fraction=...)``) or any
        object with ``x_train, y_train, x_val, y_val, x_test, y_test``
    activation : the hidden layers' activation
    schemes : initialization schemes (names of :data:`initlab.SCHEMES`)
    hidden : widths of the hidden layers (default: 8 layers of 64 units)
    n_seeds : networks per scheme and rate; seed *k* starts from the same weights at every rate
        and sees its own minibatch order, shared by every scheme and rate
    lrs : the learning rates of the sweep (distinct, > 0)
    steps, batch_size, eval_every : passed to :func:`initlab.mlp.train` (the evaluations
        during training use the training and validation sets, never the test set)
    rng : int seed (or a Generator, from which one seed is drawn). The seed is split into
        independent streams, one for the initial weights and one per seed for the minibatch
        order, so the same int seed gives the same weights (per scheme) and the same
        minibatches whatever the activation.
    dtype : ``"float32"`` (default, faster) or ``"float64"``
    """
    act = _validate.choice(activation, ACTIVATIONS, "activation")
    schemes = tuple(_validate.choice(s, SCHEMES, "scheme") for s in schemes)
    if not schemes:
        raise ValueError("schemes must name at least one scheme")
    hidden = [_validate.positive_int(h, "every hidden width") for h in hidden]
    n_seeds = _validate.positive_int(n_seeds, "n_seeds")
    rates = [_validate.finite_float(x, "every learning rate") for x in lrs]
    if not rates or any(x <= 0 for x in rates):
        raise ValueError(f"lrs must be one or more learning rates > 0; got {list(lrs)}")
    if len(set(rates)) != len(rates):
        raise ValueError(f"lrs must be distinct; got {list(lrs)}")
    rates = np.array(sorted(rates))
    missing = [k for k in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")
               if getattr(data, k, None) is None]
    if missing:
        raise ValueError(f"data needs a validation set (e.g. load_digits(validation_fraction=0.2)); missing {missing}")
    weight_seq, batch_seq = np.random.SeedSequence(_seed(rng)).spawn(2)
    weight_gen = np.random.default_rng(weight_seq)
    data_x = np.asarray(data.x_train)
    n_classes = int(getattr(data, "n_classes", int(np.max(data.y_train)) + 1))
    widths = [data_x.shape[1], *hidden, n_classes]

    k, r = len(schemes), rates.size
    drawn = [MLP.init(widths, activation=act, scheme=s, n_nets=n_seeds, rng=weight_gen, dtype=dtype)
             for s in schemes]
    # Train with the validation set in the place of train()'s "test" set: the test set is
    # not looked at during training.
    fit = SimpleNamespace(x_train=data.x_train, y_train=data.y_train, x_test=data.x_val, y_test=data.y_val)
    lr_seed = np.tile(rates, k)  # one seed's networks, in the order scheme, rate
    per_seed = []
    for seed, stream in enumerate(batch_seq.spawn(n_seeds)):
        # Seed `seed`: its own draw of every scheme, copied to every rate, and its own
        # minibatch order, shared by all of them.
        net = MLP.stack([drawn[i].select(seed) for i in range(k) for _ in range(r)])
        res = train(net, fit, steps=steps, lr=lr_seed, batch_size=batch_size, eval_every=eval_every,
                    rng=np.random.default_rng(stream))
        with np.errstate(all="ignore"):
            test = res.net.accuracy(data.x_test, data.y_test)
        bad = res.diverged | ~np.isfinite(res.test_loss[-1])
        per_seed.append((res, np.where(bad, np.nan, test)))

    def collect(get):  # per seed (..., k * r) -> (..., k, r, n_seeds)
        a = np.stack([get(res, test) for res, test in per_seed], axis=-1)
        return a.reshape(*a.shape[:-2], k, r, n_seeds)

    steps_done = per_seed[0][0].steps
    # Step-0 gradient norms: the same at every rate (same weights, same first minibatch).
    g0 = collect(lambda res, test: res.grad_norms_step0.T)[:, :, 0]  # (L, k, seeds)
    g0 = np.moveaxis(g0, 0, -1)  # (k, seeds, L)

    return Comparison(
        activation=act,
        schemes=schemes,
        lrs=rates,
        steps=steps_done,
        train_loss=collect(lambda res, test: res.train_loss),
        val_loss=collect(lambda res, test: res.test_loss),
        val_accuracy=collect(lambda res, test: res.test_accuracy),
        test_accuracy=collect(lambda res, test: test),
        grad_norms_step0=g0,
        diverged=collect(lambda res, test: res.diverged),
    )


__all__ = ["CHAPTER_SCHEMES", "Comparison", "compare_schemes"]
