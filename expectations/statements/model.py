"""What a statement of the thesis is, for the registry: its label, kind, how
to evaluate its right-hand side and how to estimate its left-hand side.

Three kinds of statement, one class each:

* :class:`Expectation`: a deterministic closed form against a Monte Carlo estimate of the
  left-hand side (the random-matrix lemmas);
* :class:`Paired`: both sides random, estimated from the same draws (the network-level theorems
  evaluated with each network's own output gradients);
* :class:`Identity`: both sides computed for every draw, checked draw by draw (Lemmas 4.6, 4.16).

A statement's cases are built on first use, so that listing the registry builds none.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

import numpy as np

#: Sampling methods of :class:`Expectation` estimators: "reference" draws every entry of every matrix;
#: "reduced" uses an exact Gaussian reduction where the statement has one
#: (:data:`expectations.lemmas.estimators.METHODS`, kept equal by a test).
METHODS = ("reference", "reduced")


class Kind(str, Enum):
    """What a statement claims: an identity for every draw, an equality in expectation, or an
    approximation."""

    IDENTITY = "identity"
    EXACT = "exact"
    APPROXIMATION = "approximation"

    def __str__(self) -> str:
        return self.value


class Verdict(str, Enum):
    """The verdict of one case; the values are what the JSON records, :attr:`short` what the table
    prints."""

    HOLDS = "identity holds"
    FAILS = "IDENTITY FAILS"
    AGREES = "agrees"
    DISAGREES = "DISAGREES"
    RESOLVED = "approximation: error resolved"
    NOT_RESOLVED = "approximation: error not resolved"
    BROKEN_RESOLVED = "assumption broken: error resolved"
    BROKEN_NOT_RESOLVED = "assumption broken: error not resolved"

    def __str__(self) -> str:
        return self.value

    @property
    def failed(self) -> bool:
        """True when the closed form is refuted where the thesis claims it exact (the CLI exits 1)."""
        return self in (Verdict.DISAGREES, Verdict.FAILS)

    @property
    def short(self) -> str:
        """The verdict as the text table prints it."""
        return _SHORT[self]


_SHORT = {Verdict.HOLDS: "holds", Verdict.FAILS: "FAILS", Verdict.AGREES: "agrees",
          Verdict.DISAGREES: "DISAGREES", Verdict.RESOLVED: "approx: resolved",
          Verdict.NOT_RESOLVED: "approx: unresolved", Verdict.BROKEN_RESOLVED: "broken: resolved",
          Verdict.BROKEN_NOT_RESOLVED: "broken: unresolved"}


@dataclass(frozen=True)
class Case:
    """One parameter set of a statement.

    ``inputs`` are passed as keyword arguments to both sides; ``params`` is their JSON-able summary
    for reports.
    """

    params: dict
    inputs: dict = field(repr=False)
    assumption_holds: bool = True
    note: str = ""


class Statement:
    """What the three statement classes share: ``label``, ``kind``, ``summary``, the default sample
    count ``n_samples`` and the ``cases``, built on first use from the zero-argument callable
    ``make_cases``."""

    label: str
    kind: Kind
    summary: str
    make_cases: Callable[[], tuple[Case, ...]]
    n_samples: int
    reduced: bool = False
    reduced_n_samples: int | None = None

    @cached_property
    def cases(self) -> tuple[Case, ...]:
        """The cases, built on first use."""
        return tuple(self.make_cases())

    def sampler(self, method: str) -> str:
        """The method an estimate asked for with ``method`` uses: ``"reduced"`` only where
        this statement has a reduced sampler, ``"reference"`` otherwise."""
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        return "reduced" if method == "reduced" and self.reduced else "reference"

    def default_samples(self, method: str) -> int:
        """The default sample count of an estimate asked for with ``method`` (see :meth:`sampler`)."""
        if self.sampler(method) == "reduced" and self.reduced_n_samples is not None:
            return self.reduced_n_samples
        return self.n_samples


@dataclass(frozen=True)
class Expectation(Statement):
    """E[left-hand side] against a deterministic ``closed_form(**inputs)``.

    ``estimator(**inputs, n_samples, seed, executor) -> Estimate`` estimates the left-hand side;
    ``reduced`` says whether it also takes ``method="reduced"`` (an exact Gaussian reduction, see
    :mod:`expectations.lemmas.estimators`), and ``reduced_n_samples`` (default: ``n_samples``) how
    many samples that takes by default: fewer where a reduced sampler that integrates layers out
    reaches, with them, a standard error no larger than the reference kernel's at ``n_samples``
    (issue 12; ``benchmarks/run.py`` section 8 compares them).
    """

    label: str
    kind: Kind
    summary: str
    closed_form: Callable[..., float] = field(repr=False)
    estimator: Callable = field(repr=False)
    make_cases: Callable[[], tuple[Case, ...]] = field(repr=False)
    n_samples: int = 100_000
    reduced: bool = False
    reduced_n_samples: int | None = None

    def evaluate(self, case: Case) -> float:
        """The closed form at ``case``."""
        return float(self.closed_form(**case.inputs))

    def estimate(self, case: Case, n_samples: int, seed: int, executor=None, tolerance=None,
                 method: str = "reference"):
        """The Monte Carlo :class:`~expectations.montecarlo.estimate.Estimate` of the left-hand side at
        ``case``.  With a :class:`~expectations.montecarlo.sampling.Tolerance`, ``n_samples`` is the
        budget; ``method`` is as in :meth:`sampler`."""
        extra = {} if tolerance is None else {"tolerance": tolerance}
        if self.sampler(method) == "reduced":
            extra["method"] = "reduced"
        return self.estimator(**case.inputs, n_samples=n_samples, seed=seed, executor=executor, **extra)


@dataclass(frozen=True)
class Paired(Statement):
    """Both sides random, from the same draws: ``estimator(**inputs, n_samples, seed, executor)``
    returns the :class:`~expectations.montecarlo.estimate.SampleMoments` of (left-hand side,
    right-hand side)."""

    label: str
    kind: Kind
    summary: str
    estimator: Callable = field(repr=False)
    make_cases: Callable[[], tuple[Case, ...]] = field(repr=False)
    n_samples: int = 400

    def estimate(self, case: Case, n_samples: int, seed: int, executor=None, tolerance=None,
                 method: str = "reference"):
        """The moments of both sides at ``case`` (``method`` must be valid; there is no reduced
        sampler)."""
        self.sampler(method)
        extra = {} if tolerance is None else {"tolerance": tolerance}
        return self.estimator(**case.inputs, n_samples=n_samples, seed=seed, executor=executor, **extra)


@dataclass(frozen=True)
class Identity(Statement):
    """Both sides computed for each draw: ``sides(**inputs, n_samples, seed)`` returns an
    ``(n_samples, 2)`` array of (left-hand side, right-hand side), one row a draw."""

    label: str
    summary: str
    sides: Callable[..., np.ndarray] = field(repr=False)
    make_cases: Callable[[], tuple[Case, ...]] = field(repr=False)
    n_samples: int = 5
    kind: Kind = field(default=Kind.IDENTITY, init=False)

    def draws(self, case: Case, n_samples: int, seed: int) -> np.ndarray:
        """The two sides at ``case``, one row a draw."""
        return np.asarray(self.sides(**case.inputs, n_samples=n_samples, seed=seed), dtype=float)


@dataclass(frozen=True)
class Deferred:
    """The function ``name`` of ``module``, imported on its first call: the registry refers to the
    closed forms and estimators without importing SciPy and Numba, so listing it is quick."""

    module: str
    name: str

    def __call__(self, *args, **kwargs):
        return getattr(importlib.import_module(self.module), self.name)(*args, **kwargs)


class DeferredModule:
    """``DeferredModule("pkg.mod").f`` is :class:`Deferred` ``("pkg.mod", "f")``."""

    def __init__(self, module: str):
        self._module = module

    def __getattr__(self, name: str) -> Deferred:
        if name.startswith("__"):
            raise AttributeError(name)
        return Deferred(self._module, name)
