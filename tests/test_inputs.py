"""Bad input gets a ValueError that names the parameter."""

import numpy as np
import pytest

from expectations.lemmas import closed_forms as cf
from expectations.lemmas import estimators as mc

E = np.eye(3)


@pytest.mark.parametrize("call, match", [
    (lambda: cf.expected_relu_chain_sum(np.ones(4), np.ones(3), [4, 2]), "x must have length 4|y must have"),
    (lambda: cf.expected_relu_chain_sum(np.ones(3), np.ones(3), [4, 2]), "x must have length 4"),
    (lambda: cf.expected_relu_chain_sum([1, np.nan, 0], np.ones(3), [3, 2]), "x has NaN"),
    (lambda: cf.expected_relu_chain_sum(np.ones(3), [np.inf, 0, 0], [3, 2]), "y has NaN or infinite"),
    (lambda: cf.arccos_kernel(np.zeros(3), np.ones(3)), "x is the zero vector"),
    (lambda: cf.angle_between(np.ones(2), np.zeros(2)), "zero vector"),
    (lambda: cf.expected_relu_chain_sum(np.ones(3), np.ones(3), [3, 0]), "widths"),
    (lambda: cf.expected_relu_chain_sum(np.ones(3), np.ones(3), [3, 2.5]), "widths"),
    (lambda: cf.expected_relu_chain_sum(np.ones(3), np.ones(3), [3, 2], sigmas=[1, 2]), "sigmas"),
    (lambda: cf.expected_relu_chain_sum(np.ones(3), np.ones(3), [3, 2], sigmas=[-1]), "sigmas"),
    (lambda: cf.expected_relu_chain_sum(np.ones(3), np.ones(3), [3, 2], sigmas="he"), "sigmas"),
    (lambda: cf.expected_gram(0, 3), "p must be a positive integer"),
    (lambda: cf.angle_pdf(1.0, 1.0), "n must be a real number > 1"),
    (lambda: cf.expected_norm_product(E[0], E[1], E[2], q=-2), "q must be a positive integer"),
    (lambda: cf.relu_double_sum(*E, np.ones(2), np.ones(2), np.eye(2), [3, 4, 2], 2, 1), "1 <= i <= j"),
    (lambda: cf.relu_double_sum(*E, np.ones(2), np.ones(2), [[1, 2], [0, 1]], [3, 4, 2], 1, 2),
     "P must be symmetric"),
    (lambda: mc.estimate_angle_cdf(1.0, n=1, n_samples=10), "n must be at least 2"),
    (lambda: mc.estimate_relu_pair(*E, np.ones(2), np.ones(3), n_samples=10), "v must have length 2"),
    (lambda: mc.estimate_norm_product(*E, q=3, n_samples=0), "n_samples"),
    (lambda: mc.estimate_x_form(np.ones(2), np.eye(2), np.ones(2), [3, 2], split=2, n_samples=10), "split"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_orthogonal_inputs_say_how_far_from_orthogonal():
    x, y, z = E[0], np.array([0.1, 1.0, 0.0]), E[2]
    with pytest.raises(ValueError, match=r"x and y must be orthogonal: \|cos angle\| = 0\.0995"):
        cf.expected_relu_pair(x, y, z, np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="degrees from orthogonal"):
        cf.expected_norm_product(x, y, z, 4)
    # the formula itself can still be evaluated on purpose
    assert cf.expected_norm_product(x, y, z, 4, check_orthogonal=False) > 0


def test_theorem_4_24_forms_share_one_hessian_check():
    """The exact, refined, subsampled and corrected Theorem 4.24 reject the same Hessians (9 for 6
    samples)."""
    from expectations.network import theorems as th
    from expectations.network.theorem_corrections import theorem_4_24_corrections

    rng = np.random.default_rng(0)
    x, g = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    for hessians, match in ((np.ones((9, 2, 2)), r"hessians must have shape \(s, d_n, d_n\) = \(6, 2, 2\)"),
                            (np.ones((6, 2, 2, 1)), "hessians must be 3-dimensional"),
                            (np.full((6, 2, 2), np.nan), "hessians has NaN")):
        for theorem in (th.theorem_4_24, th.theorem_4_24_refined, th.theorem_4_24_subsampled,
                        theorem_4_24_corrections):
            with pytest.raises(ValueError, match=match):
                theorem([3, 4, 2], x, g, hessians)
    for gram in (th.arccos_gram, th.relu_gram):
        with pytest.raises(ValueError, match="inputs has NaN"):
            gram(np.array([[1.0, np.nan]]))
