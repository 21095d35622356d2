"""The statements of Chapter 4 as the registry holds them, and how they are judged.

:mod:`~expectations.statements.model` (what a statement and a case are: kinds, verdicts, the
expectation, paired and identity statements),
:mod:`~expectations.statements.lemmas` and :mod:`~expectations.statements.network` (each statement
with its closed form, estimator and cases), :mod:`~expectations.statements.registry` (all of them, in
the thesis's order),
:mod:`~expectations.statements.compare` (one case's two sides compared: z, relative error, verdict),
:mod:`~expectations.statements.validate` (the whole registry run, and the text table),
:mod:`~expectations.statements.report` (the Markdown report) and
:mod:`~expectations.statements.errata` (the thesis's typos the package corrects).
"""
