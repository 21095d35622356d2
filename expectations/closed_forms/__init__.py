"""Closed forms of Chapter 4's expectations, as vectorised NumPy/SciPy functions."""

from .angles import GaussianAngle, angle_between, angle_cdf, angle_pdf
from .double_sum import relu_double_sum, relu_double_sum_refined
from .gaussian_products import (
    a13_coefficient,
    expected_chain_outer_bilinear,
    expected_frobenius_pair,
    expected_gram,
    expected_gram_bilinear,
    expected_x_form,
    hettinger_chain_factor,
)
from .norm_products import chi_mean, expected_norm_product, expected_norm_product_q2
from .relu_products import (
    arccos_kernel,
    expected_relu_chain_sum,
    expected_relu_pair,
    expected_relu_product_given,
)

__all__ = [
    "GaussianAngle", "angle_between", "angle_cdf", "angle_pdf",
    "relu_double_sum", "relu_double_sum_refined",
    "a13_coefficient", "expected_chain_outer_bilinear", "expected_frobenius_pair",
    "expected_gram", "expected_gram_bilinear", "expected_x_form", "hettinger_chain_factor",
    "chi_mean", "expected_norm_product", "expected_norm_product_q2",
    "arccos_kernel", "expected_relu_chain_sum", "expected_relu_pair",
    "expected_relu_product_given",
]
