"""initlab: the tested code behind the textbook *Initialization*.

Shapes follow NumPy and Keras: a dense weight matrix has shape ``(fan_in, fan_out)``
and is used as ``x @ W``; a convolution kernel has shape
``(*kernel_size, in_channels, out_channels)``.

Modules, by concept:

``schemes``      fans, gains, the initializers and the standard deviation each gives
``activations``  activation functions and their derivatives
``ensemble``     many random networks at once: forward and backward statistics
``theory``       predictions: variance maps by quadrature, fixed points, criticality,
                 finite-width corrections
``mlp``          a small multilayer perceptron trained with plain gradient descent
``data``         the handwritten-digits data set that ships with the package
``diagnostics``  step-0 health checks: saturation, dead units, gradient ratios
``derivations``  Part II's calculations: weighted sums, ReLU closed forms, Glorot's factors
``plots``        the book's figure style and figure functions
``explore``      interactive explorers (ipywidgets)
``checks``       checkers for the exercises

Example
-------
>>> import numpy as np, initlab
>>> initlab.fans((784, 256))
(784, 256)
>>> W = initlab.initialize("he_normal", (784, 256), rng=0)
"""

from . import activations, ensemble, schemes, theory
from . import data, diagnostics, mlp
from .activations import ACTIVATIONS, activation, derivative
from .ensemble import EnsembleGradients, backward_ensemble, exploded_at, forward_ensemble, layer_moments, vanished_at
from .schemes import SCHEMES, fans, gain, init_std, initialize, uniform_bound

__all__ = [
    "SCHEMES",
    "ACTIVATIONS",
    "fans",
    "gain",
    "init_std",
    "initialize",
    "uniform_bound",
    "activation",
    "derivative",
    "forward_ensemble",
    "backward_ensemble",
    "EnsembleGradients",
    "exploded_at",
    "vanished_at",
    "layer_moments",
    "activations",
    "ensemble",
    "schemes",
    "theory",
    "data",
    "mlp",
    "diagnostics",
]

__version__ = "1.0.0"
