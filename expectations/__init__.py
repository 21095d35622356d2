"""expectations: Chapter 4 of Moncur's *Optimal Learning Rates for Neural Networks*,
closed forms beside honest Monte Carlo.

Subpackages: :mod:`expectations.closed_forms` (the thesis's formulas),
:mod:`expectations.montecarlo` (reference estimators), :mod:`expectations.registry`
(the statements with their test cases) and :mod:`expectations.validate`.
"""

from .estimate import Estimate, SampleMoments

__version__ = "0.1.0"
__all__ = ["Estimate", "SampleMoments", "__version__"]
