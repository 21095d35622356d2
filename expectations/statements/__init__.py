"""The statements of Chapter 4 as the registry holds them, and how they are judged.

:mod:`~expectations.statements.model` (what a statement and a case are),
:mod:`~expectations.statements.registry` (every statement, in the thesis's order),
:mod:`~expectations.statements.validate` (closed form beside estimate, the verdict),
:mod:`~expectations.statements.report` (the Markdown report) and
:mod:`~expectations.statements.errata` (the thesis's typos the package corrects).
"""
