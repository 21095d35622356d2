"""What a statement of the thesis is, for the registry: its label, kind, how
to evaluate its closed form and how to estimate its left-hand side."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from expectations.lemmas.estimators import METHODS
from expectations.montecarlo.estimate import Estimate, SampleMoments

#: The kinds of statement: an identity per draw, an identity in expectation, an approximation.
KINDS = ("identity", "exact", "approximation")


@dataclass(frozen=True)
class Case:
    """One parameter set of a statement.

    ``inputs`` are passed as keyword arguments to both the closed form and the
    estimator; ``params`` is their JSON-able summary for reports.
    """

    params: dict
    inputs: dict = field(repr=False)
    assumption_holds: bool = True
    note: str = ""


@dataclass(frozen=True)
class Statement:
    """A statement of the thesis with how to evaluate and estimate it.

    Unpaired statements have a deterministic ``closed_form(**inputs)`` and an
    ``estimator(**inputs, n_samples, seed, executor) -> Estimate`` of the
    left-hand side; ``reduced`` says whether that estimator also takes
    ``method="reduced"`` (an exact Gaussian reduction, see
    :mod:`expectations.lemmas.estimators`), and ``reduced_n_samples`` (default: ``n_samples``)
    how many samples it takes by default: fewer where a reduced sampler that integrates layers out
    reaches, with them, a standard error no larger than the reference kernel's at ``n_samples``
    (issue 12; ``benchmarks/run.py`` section 8 compares them).  Paired statements
    (``closed_form`` None) are random on both sides, as the network-level theorems evaluated
    with each network's own output gradients: their estimator returns the :class:`SampleMoments` of
    (left-hand side, right-hand side) over the same draws.
    """

    label: str
    kind: str
    summary: str
    closed_form: Callable[..., float] | None = field(repr=False)
    estimator: Callable[..., Estimate | SampleMoments] = field(repr=False)
    cases: tuple[Case, ...] = field(repr=False)
    n_samples: int = 100_000
    reduced: bool = False
    reduced_n_samples: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")

    @property
    def paired(self) -> bool:
        """True when both sides are estimated from the same draws."""
        return self.closed_form is None

    def evaluate(self, case: Case) -> float:
        """The closed form at ``case`` (unpaired statements only)."""
        if self.closed_form is None:
            raise ValueError(f"{self.label} has a random right-hand side; use estimate()")
        return float(self.closed_form(**case.inputs))

    def default_samples(self, method: str) -> int:
        """The default sample count of an estimate asked for with ``method`` (see :meth:`sampler`)."""
        if self.sampler(method) == "reduced" and self.reduced_n_samples is not None:
            return self.reduced_n_samples
        return self.n_samples

    def sampler(self, method: str) -> str:
        """The method an estimate asked for with ``method`` uses: ``"reduced"`` only where
        this statement has a reduced sampler, ``"reference"`` otherwise."""
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        return "reduced" if method == "reduced" and self.reduced else "reference"

    def estimate(self, case: Case, n_samples: int, seed: int, executor=None, tolerance=None,
                 method: str = "reference"):
        """The Monte Carlo estimate at ``case`` (moments of both sides if paired).

        With a :class:`~expectations.montecarlo.sampling.Tolerance`, ``n_samples`` is the budget;
        ``method`` is as in :meth:`sampler`.
        """
        extra = {} if tolerance is None else {"tolerance": tolerance}
        if self.sampler(method) == "reduced":
            extra["method"] = "reduced"
        return self.estimator(**case.inputs, n_samples=n_samples, seed=seed, executor=executor, **extra)


