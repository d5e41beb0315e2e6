"""Every example in initlab's docstrings runs and prints what it shows.

The docstrings are the package's reference; an example that no longer matches the code
would teach a wrong number. Each module with examples is one test case.
"""

import doctest
import importlib
import pkgutil

import pytest

import initlab


def _modules():
    names = [initlab.__name__]
    for info in pkgutil.walk_packages(initlab.__path__, prefix=initlab.__name__ + "."):
        names.append(info.name)
    return sorted(names)


MODULES = _modules()


def test_the_walk_finds_the_package():
    assert len(MODULES) > 20 and "initlab.explore.gallery" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples in {name} failed (see above)"
