"""Interactive explorers (ipywidgets) that let a reader move a slider and watch what happens.

=====================  ===================================================================
``signal_explorer``    a signal and its gradient through a deep network (chapter 2)
``weights_explorer``   the weights each scheme draws, against fan-in (chapter 6)
``criticality_explorer`` the variance map, fixed points and criticality (chapter 9)
``race_explorer``      a training race between initializations on the digits (chapter 8)
=====================  ===================================================================

Put an explorer as the last expression of a notebook cell to display it. In a live
notebook it is a widget. In the built website, where no kernel runs, it is a gallery of
pictures computed in advance for a few values of its main controls, switched with buttons
and no JavaScript (see ``gallery``); the training race, which has no gallery, shows a
picture of its settings.

Example
-------
>>> from initlab.explore import weights_explorer
>>> ex = weights_explorer(fan_in=100)
>>> round(ex.state.stds["he_normal"], 4)
0.1414
"""

from ._base import Explorer, ImmediateScheduler, ManualScheduler
from .gallery import GALLERY_ENV, gallery_html
from .criticality import CriticalityExplorer, compute_criticality, criticality_explorer
from .race import RaceExplorer, race_explorer, run_race
from .signal import SignalExplorer, compute_signal, signal_explorer
from .weights import WeightsExplorer, compute_weights, weights_explorer

EXPLORERS = {
    "signal_through_depth": SignalExplorer,
    "weights_vs_fan_in": WeightsExplorer,
    "criticality": CriticalityExplorer,
    "training_race": RaceExplorer,
}

__all__ = [
    "EXPLORERS",
    "Explorer",
    "ImmediateScheduler",
    "ManualScheduler",
    "SignalExplorer",
    "WeightsExplorer",
    "CriticalityExplorer",
    "RaceExplorer",
    "signal_explorer",
    "weights_explorer",
    "criticality_explorer",
    "race_explorer",
    "compute_signal",
    "compute_weights",
    "compute_criticality",
    "run_race",
    "gallery_html",
    "GALLERY_ENV",
]
