"""The registry: every statement of Chapter 4 with its closed form, its Monte
Carlo estimator and default cases.  Both ``expectations validate`` and the
tests read it, so they cannot drift apart.

A statement's :class:`~expectations.statements.model.Kind` is an identity (holds for every draw,
:class:`~expectations.statements.model.Identity`), exact (holds in expectation) or an approximation;
its class says how its sides are evaluated (:mod:`expectations.statements.model`).  Cases whose
``assumption_holds`` is False break an assumption of the statement
(orthogonality, output gradients independent of the weights, ...) on purpose,
so that users see what the assumption costs.  Building the registry imports no numerics and
builds no case: a statement builds its cases on first use.
"""

from __future__ import annotations

from expectations.statements import lemmas as lemma_statements
from expectations.statements import network as network_statements
from expectations.statements.model import Case, Expectation, Identity, Kind, Paired, Statement

#: Every statement, in the thesis's order.
STATEMENTS: tuple[Statement, ...] = lemma_statements.statements() + network_statements.statements()

__all__ = ["STATEMENTS", "Case", "Expectation", "Identity", "Kind", "Paired", "Statement", "get"]


def get(label: str) -> Statement:
    """The statement with this label (as printed, e.g. "Lemma 4.19")."""
    for statement in STATEMENTS:
        if statement.label.lower() == label.strip().lower():
            return statement
    known = ", ".join(repr(s.label) for s in STATEMENTS)
    raise ValueError(f"unknown statement {label!r}; known statements: {known}")
