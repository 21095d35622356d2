"""expectations: Chapter 4 of Moncur's *Optimal Learning Rates for Neural Networks*,
closed forms beside honest Monte Carlo.

Subpackages: :mod:`expectations.lemmas.closed_forms` (the thesis's formulas),
:mod:`expectations.lemmas.estimators` (reference estimators), :mod:`expectations.statements.registry`
(the statements with their test cases) and :mod:`expectations.statements.validate`;
:func:`analytic_learning_rate` gives the thesis's and the refined learning-rate
estimates from the architecture and the data alone (:mod:`expectations.network.analytic`).
"""

from expectations.montecarlo.estimate import Estimate, SampleMoments

__version__ = "0.1.0"
__all__ = ["Estimate", "SampleMoments", "__version__", "analytic_learning_rate"]


def __getattr__(name: str):
    # imported on first use: it needs SciPy, which the command line's quick paths (--list) do not
    if name == "analytic_learning_rate":
        from expectations.network.analytic import analytic_learning_rate

        return analytic_learning_rate
    raise AttributeError(f"module 'expectations' has no attribute {name!r}")
