"""initlab: the tested code behind the textbook *Initialization*.

Shapes follow NumPy and Keras: a dense weight matrix has shape ``(fan_in, fan_out)``
and is used as ``x @ W``; a convolution kernel has shape
``(*kernel_size, in_channels, out_channels)``.

Modules, by concept:

``schemes``      fans, gains, the initializers and the standard deviation each gives
``activations``  activation functions and their derivatives
``ensemble``     many random networks at once: forward and backward statistics
``theory``       predictions: variance maps by Gauss-Hermite quadrature, fixed points,
                 criticality, finite-width corrections
``mlp``          a small multilayer perceptron trained with plain gradient descent
``data``         the handwritten-digits data set that ships with the package
``diagnostics``  step-0 health checks: saturation, dead units, gradient ratios
``plots``        the book's figure style and plotting helpers
"""

from .schemes import SCHEMES, fans, gain, init_std, initialize, uniform_bound
from .activations import ACTIVATIONS, activation, derivative
from .ensemble import forward_ensemble, backward_ensemble, EnsembleGradients

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
]

__version__ = "1.0.0"
