"""The one arc-cosine kernel of Lemma 4.11 and its Numba copies.

``relu_products.arccos_form`` (fed by ``angles.dot_cross``) is the only NumPy copy; the
Numba kernels keep their own njit copy (the cache rule), and each is held to it here,
including near-parallel and near-antiparallel vectors.  Near antiparallel the kernel is
|x||y| (sin phi - phi cos phi) / pi ~ |x||y| phi^3 / (3 pi) (phi = pi - theta), so the digits of
the angle show in its value: the stable form keeps them where the arccos and Lagrange forms lose
them.
"""

import numpy as np
import pytest

from expectations.lemmas import _kernels, _reduced_kernels
from expectations.lemmas.angles import angle_between, dot_cross
from expectations.lemmas.relu_pair_general import kappa, thesis_factor
from expectations.lemmas.relu_products import arccos_form, arccos_kernel, expected_relu_pair
from expectations.network.theorems import arccos_gram


def _antiparallel_reference(t: float) -> float:
    """The kernel at x = (1, 0), y = (-1, t): (t - arctan t) / pi, by its series (t <= 1e-2)."""
    return sum((-1) ** (k + 1) * t ** (2 * k + 1) / (2 * k + 1) for k in range(1, 8)) / np.pi


def _lagrange_form(x, y) -> float:
    """The form the copies used before: sin from |x|^2|y|^2 - (x.y)^2, pi minus the angle."""
    dots = x @ y
    cross = np.sqrt(max((x @ x) * (y @ y) - dots**2, 0.0))
    return ((np.pi - np.arctan2(cross, dots)) * dots + cross) / np.pi


def _arccos_of_cosine_form(x, y) -> float:
    """kappa's form before: (sqrt(1 - c^2) + c (pi - arccos c)) / pi times the norms."""
    norms = np.linalg.norm(x) * np.linalg.norm(y)
    c = x @ y / norms
    return norms * (np.sqrt(1 - c**2) + c * (np.pi - np.arccos(c))) / np.pi


def _pairs():
    """Random pairs in R^5 at angles from 1e-9 to pi - 1e-9 (both near-parallel ends included)."""
    rng = np.random.default_rng(11)
    for theta in (1e-9, 1e-5, 0.3, 1.1, np.pi / 2, 2.0, 3.0, np.pi - 1e-5, np.pi - 1e-9):
        x = rng.standard_normal(5)
        q = rng.standard_normal(5)
        q -= q @ x / (x @ x) * x
        y = 1.7 * (np.cos(theta) * x / np.linalg.norm(x) + np.sin(theta) * q / np.linalg.norm(q))
        yield x, y


def test_stable_form_keeps_the_digits_the_arccos_and_lagrange_forms_lose_near_antiparallel():
    for t, stable_tol, lost in ((1e-2, 1e-11, 1e-10), (1e-3, 1e-9, 1e-7), (1e-4, 1e-7, 1e-4)):
        x, y = np.array([1.0, 0.0]), np.array([-1.0, t])
        ref = _antiparallel_reference(t)
        assert abs(arccos_kernel(x, y) / ref - 1) < stable_tol
        # the twin: the forms the copies used before are off by far more at the same inputs
        assert abs(_lagrange_form(x, y) / ref - 1) > lost
        assert abs(_arccos_of_cosine_form(x, y) / ref - 1) > lost


def test_angle_keeps_its_digits_near_parallel_where_arccos_loses_them():
    x, y = np.array([1.0, 0.0]), np.array([1.0, 1e-9])
    assert angle_between(x, y) == pytest.approx(1e-9, rel=1e-15)
    assert np.arccos(x @ y / (np.linalg.norm(x) * np.linalg.norm(y))) == 0.0  # all digits lost
    assert arccos_kernel(x, y) == pytest.approx(np.hypot(1.0, 1e-9), rel=1e-15)  # theta^2 terms vanish


def test_numba_copies_equal_the_numpy_kernel():
    for x, y in _pairs():
        scale = np.linalg.norm(x) * np.linalg.norm(y)
        numpy_value = arccos_form(*dot_cross(x, y))
        assert _kernels._relu_product_mean(x, y, x.size, 1.3) == pytest.approx(
            1.3**2 * numpy_value, rel=1e-14, abs=1e-15 * scale)
        # the reduced kernel only has the Gram matrix of a draw, whose rounding limits sin theta
        assert _reduced_kernels._arccos_term(x @ x, x @ y, y @ y) == pytest.approx(
            numpy_value, rel=1e-14, abs=1e-15 * scale)


def test_numba_copy_with_the_vectors_keeps_the_stable_form_near_antiparallel():
    for t in (1e-3, 1e-4):
        x, y = np.array([1.0, 0.0]), np.array([-1.0, t])
        ref = _antiparallel_reference(t)
        assert _kernels._relu_product_mean(x, y, 2, 1.0) == pytest.approx(ref, rel=1e-7)
        assert arccos_kernel(x, y) == pytest.approx(ref, rel=1e-7)


def test_gram_matrix_kappa_and_subsampled_terms_are_the_same_kernel():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 4))
    x[4] = -2 * x[1]  # antiparallel rows
    x[5] = 0.0  # a zero row contributes 0
    gram = arccos_gram(x)
    assert np.array_equal(gram, gram.T)
    for k in range(5):
        for m in range(5):
            assert gram[k, m] == pytest.approx(arccos_kernel(x[k], x[m]), rel=1e-14, abs=1e-15)
    assert not gram[5].any()
    u, v = x[0] / np.linalg.norm(x[0]), x[2] / np.linalg.norm(x[2])
    assert float(kappa(u @ v)) == pytest.approx(arccos_kernel(u, v), rel=1e-14)


def test_lemma_4_19_factor_is_one_copy_and_equals_the_printed_form():
    """F0(theta) = ((pi - 2 theta) cos theta + 2 sin theta) / (2 pi^2): relu_pair_form is the one copy,
    behind both expected_relu_pair (vectors) and thesis_factor (a cosine)."""
    x, y, z = np.eye(3)
    for u, v in _pairs():
        theta = np.arccos(np.clip(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1))
        printed = ((np.pi - 2 * theta) * np.cos(theta) + 2 * np.sin(theta)) / (2 * np.pi**2)
        scale = np.linalg.norm(u) ** 2 * np.linalg.norm(v) ** 2
        assert expected_relu_pair(x, y, z, u, v) == pytest.approx(scale * printed, rel=1e-13)
        assert thesis_factor(np.cos(theta)) == pytest.approx(printed, rel=1e-13)
