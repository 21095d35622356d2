"""Monte Carlo estimators of Chapter 4's expectations (reference kernels)."""

from .estimators import (
    estimate_angle_cdf,
    estimate_chain_outer_bilinear,
    estimate_frobenius_pair,
    estimate_gram_bilinear,
    estimate_norm_product,
    estimate_relu_chain_sum,
    estimate_relu_double_sum,
    estimate_relu_pair,
    estimate_relu_product_given,
    estimate_x_form,
)

__all__ = [
    "estimate_angle_cdf", "estimate_chain_outer_bilinear", "estimate_frobenius_pair",
    "estimate_gram_bilinear", "estimate_norm_product", "estimate_relu_chain_sum",
    "estimate_relu_double_sum", "estimate_relu_pair", "estimate_relu_product_given",
    "estimate_x_form",
]
