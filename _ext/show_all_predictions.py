"""Let the book's build run past the prediction gates of the exercise notebooks.

The measure cell of every *Predict, then measure* exercise starts with
``initlab.course.reveal_after(my_prediction_N)``, which stops a student's *Run all* until the
prediction is written. The build executes the notebooks with nobody to write predictions,
so this extension sets ``INITLAB_SHOW_ALL=1`` in the environment of the Sphinx process as
soon as it is loaded; myst-nb's kernels inherit it and the gates stay silent. (On the site
the measure cells' outputs are folded by their ``hide-output`` tag.) ``conftest.py`` does
the same for pytest and nbval.
"""

from __future__ import annotations

import os
from typing import Any

from sphinx.application import Sphinx

#: Same name as ``initlab.course.SHOW_ALL`` (not imported: the build must not need initlab here).
SHOW_ALL = "INITLAB_SHOW_ALL"


def setup(app: Sphinx) -> dict[str, Any]:
    os.environ[SHOW_ALL] = "1"
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
