"""expectations: Chapter 4 of Moncur's *Optimal Learning Rates for Neural Networks*,
closed forms beside honest Monte Carlo.

Subpackages: :mod:`expectations.closed_forms` (the thesis's formulas),
:mod:`expectations.montecarlo` (reference estimators), :mod:`expectations.registry`
(the statements with their test cases) and :mod:`expectations.validate`;
:func:`analytic_learning_rate` gives the thesis's and the refined learning-rate
estimates from the architecture and the data alone (:mod:`expectations.analytic`).
"""

from .analytic import analytic_learning_rate
from .estimate import Estimate, SampleMoments

__version__ = "0.1.0"
__all__ = ["Estimate", "SampleMoments", "__version__", "analytic_learning_rate"]
