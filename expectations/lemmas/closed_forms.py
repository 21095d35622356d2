"""Closed forms of Chapter 4's expectations, as vectorised NumPy/SciPy functions."""

from expectations.lemmas.angles import GaussianAngle, angle_between, angle_cdf, angle_pdf
from expectations.lemmas.double_sum import relu_double_sum, relu_double_sum_refined
from expectations.lemmas.double_sum_exact import relu_double_sum_exact, uniform_arcsin_mean
from expectations.lemmas.gaussian_products import (
    a13_coefficient,
    expected_chain_outer_bilinear,
    expected_frobenius_pair,
    expected_gram,
    expected_gram_bilinear,
    expected_x_form,
    hettinger_chain_factor,
)
from expectations.lemmas.norm_products import chi_mean, expected_norm_product, expected_norm_product_q2
from expectations.lemmas.norm_products_general import NORM_METHODS, expected_norm_product_any
from expectations.lemmas.relu_pair_general import PAIR_METHODS, expected_relu_pair_any
from expectations.lemmas.relu_products import (
    arccos_kernel,
    expected_relu_chain_sum,
    expected_relu_pair,
    expected_relu_product_given,
)

__all__ = [
    "GaussianAngle", "angle_between", "angle_cdf", "angle_pdf",
    "relu_double_sum", "relu_double_sum_refined", "relu_double_sum_exact", "uniform_arcsin_mean",
    "a13_coefficient", "expected_chain_outer_bilinear", "expected_frobenius_pair",
    "expected_gram", "expected_gram_bilinear", "expected_x_form", "hettinger_chain_factor",
    "chi_mean", "expected_norm_product", "expected_norm_product_q2",
    "NORM_METHODS", "expected_norm_product_any", "PAIR_METHODS", "expected_relu_pair_any",
    "arccos_kernel", "expected_relu_chain_sum", "expected_relu_pair",
    "expected_relu_product_given",
]
