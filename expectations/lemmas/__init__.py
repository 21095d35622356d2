"""The random-matrix lemmas of Chapter 4: closed forms, Monte Carlo estimators and their kernels.

Each statement has its closed form in a topic module, its estimator in
:mod:`~expectations.lemmas.estimators` (reference kernels in :mod:`~expectations.lemmas._kernels`,
exact Gaussian reductions in :mod:`~expectations.lemmas._reduced_kernels`) and its registry entry in
:mod:`~expectations.statements.lemmas`:

======================================  ==============================================
Lemma 4.3 (angles), Figure 4.2's fit    ``angles.py``, ``angle_fit.py``
Lemmas 4.7-4.10, A.12, A.13             ``gaussian_products.py``
Lemmas 4.11, 4.18, 4.19, Corollary 4.12 ``relu_products.py``, ``relu_pair_general.py`` (any inputs)
Lemma 4.20                              ``norm_products.py``, ``norm_products_general.py`` (any inputs)
Lemma 4.21, Corollary 4.22              ``double_sum.py``, ``double_sum_exact.py``
Hettinger's scaling (Section 4.1)       ``hettinger.py``
======================================  ==============================================

:mod:`~expectations.lemmas.closed_forms` gathers every closed form in one namespace.
"""
