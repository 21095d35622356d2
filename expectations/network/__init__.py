"""The CReLU network level of Chapters 4 and 5.

:mod:`~expectations.network.crelu` (the network, symmetric Hettinger initialization),
:mod:`~expectations.network.losses`, :mod:`~expectations.network.one_step` (exact derivatives of the
one-step loss in the learning rate, the true optimum), :mod:`~expectations.network.training`,
:mod:`~expectations.network.decomposition` (Lemmas 4.6 and 4.16 term by term),
:mod:`~expectations.network.theorems` (Theorems 4.13 and 4.24, exact and subsampled),
:mod:`~expectations.network.theorem_corrections`, :mod:`~expectations.network.analytic` (the
learning rate from architecture and data alone), :mod:`~expectations.network.over_initializations`
(Monte Carlo over initializations, kernel in :mod:`~expectations.network._kernel`),
:mod:`~expectations.network.learning_rate` (the ``learning-rate`` report).  The registry's
network-level statements are in :mod:`expectations.statements.network`.
"""
