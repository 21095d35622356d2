"""Regression pins.

Closed-form pins: values derived by hand or by an independent route, with the
derivation in the comment; they guard against edits that change a formula.

Sampling pins: Monte Carlo estimates at a fixed seed and a tiny sample count,
copied from a run of the code itself on 2026-11-24.  They are NOT evidence of
correctness (the statistical tests are); they catch unintended changes to the
sampling (draw order, chunking, seeding).  If a change to the sampling is
intended, re-pin them and say so in the commit message.  Compared to 1e-12
relative, so that differences in the last bits between CPUs do not matter.
"""

import numpy as np
import pytest

from expectations.lemmas import closed_forms as cf
from expectations.lemmas import estimators as mc
from expectations.network import theorems as th
from expectations.network.over_initializations import sample_initializations

E = np.eye(3)


def test_closed_form_pins():
    # chi mean for q = 3: sqrt(2) Gamma(2) / Gamma(3/2) = sqrt(2) / (sqrt(pi)/2) = 2 sqrt(2/pi)
    assert cf.chi_mean(3) == pytest.approx(2 * np.sqrt(2 / np.pi), rel=1e-15)
    # Lemma 4.20 exact, orthonormal x, y, z, q = 3: 3 (2 sqrt(2/pi))^2 = 24/pi
    assert cf.expected_norm_product(*E, 3) == pytest.approx(24 / np.pi, rel=1e-14)
    # A.12, widths 3-5-6-4: 1/3 (5*7)(6*8) + 2/3 (5*4)(6*5) = 560 + 400 = 960 = N(N+2), N = 30
    assert cf.expected_frobenius_pair([3, 5, 6, 4]) == 960
    # Lemma 4.11 kernel at theta = pi/3, unit vectors: ((2 pi/3)(1/2) + sqrt(3)/2) / pi = 1/3 + sqrt(3)/(2 pi)
    u = np.array([np.cos(np.pi / 3), np.sin(np.pi / 3)])
    assert cf.arccos_kernel([1.0, 0.0], u) == pytest.approx(1 / 3 + np.sqrt(3) / (2 * np.pi), rel=1e-14)
    # Lemma 4.19, theta(u, v) = pi/2, unit everything: (0 + 2) / (2 pi^2) = 1/pi^2
    assert cf.expected_relu_pair(*E, [1.0, 0.0], [0.0, 1.0]) == pytest.approx(1 / np.pi**2, rel=1e-14)
    # Lemma 4.3 at n = 3: uniform on the sphere, P(theta <= pi/3) = (1 - cos(pi/3)) / 2 = 1/4
    assert cf.angle_cdf(np.pi / 3, 3) == pytest.approx(0.25, rel=1e-14)
    # Definition 4.23 for one layer: phi_11 = 1, psi_11 = 0, c_11 = 1
    assert th.theorem_4_24_coefficients([4, 2]) == pytest.approx((1.0, 0.0))


def test_sampling_pins():
    x, y = np.array([1.0, 0.5, -0.3]), np.array([0.2, 1.0, 0.4])
    pins = [
        (mc.estimate_relu_chain_sum(x, y, [3, 4, 2], n_samples=10, seed=1).mean, "0x1.629ebb1072005p+1"),
        (mc.estimate_angle_cdf(1.0, 5, n_samples=10, seed=1).mean, "0x1.999999999999ap-3"),
        (mc.estimate_norm_product(*E, q=4, n_samples=10, seed=1).mean, "0x1.331e15ada599ep+3"),
        (mc.estimate_relu_double_sum(*E, np.ones(2), np.array([1.0, -1.0]), np.eye(2), [3, 4, 3, 2], 2, 3,
                                     n_samples=10, seed=1).mean, "-0x1.41b82dbb14e43p+1"),
    ]
    for value, pinned in pins:
        assert value == pytest.approx(float.fromhex(pinned), rel=1e-12)


def test_reduced_sampling_pins():
    """Sampling pins for the reduced samplers (copied from a run of the code on 2026-12-01, before and
    after the per-sample allocations were taken out of ``_reduced_kernels.py``: the same bits).
    Widths below the number of vectors (1 < 2, q = 2 < 3) take the singular-Wishart branch."""
    x, y, z = np.array([1.0, 0.5, -0.3]), np.array([0.2, 1.0, 0.4]), np.array([-0.7, 0.1, 0.9])
    u, v = np.array([0.3, -1.0]), np.array([1.2, 0.4])
    kw = dict(n_samples=10, seed=1, method="reduced")
    pins = [
        (mc.estimate_relu_chain_sum(x, y, [3, 4, 5, 2], **kw).mean, "0x1.b189341df59dap+4"),
        (mc.estimate_chain_outer_bilinear(u, v, [2, 1, 4, 2], sigmas=[0.5, 1.2, 2.0], **kw).mean,
         "0x1.b5d879a201898p+1"),
        (mc.estimate_angle_cdf(1.6, 5, **kw).mean, "0x1.3333333333333p-1"),
        (mc.estimate_norm_product(x, y, z, q=4, **kw).mean, "0x1.a0730aeb995c3p+4"),
        (mc.estimate_norm_product(x, y, z, q=2, **kw).mean, "0x1.7ac555f6d1c20p+2"),
        (mc.estimate_relu_pair(x, y, z, u, v, n_samples=40, seed=1, method="reduced").mean,
         "0x1.153b115f4cd42p-6"),
    ]
    for value, pinned in pins:
        assert value == pytest.approx(float.fromhex(pinned), rel=1e-12)


def test_initialization_sampling_pin():
    x = np.arange(12.0).reshape(4, 3) / 10
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    means = sample_initializations([3, 5, 1], x, y, "mse", 5, seed=1).moments.mean
    pinned = ["-0x1.539f8c80717b8p+1", "-0x1.ede1a26d33e9cp+1", "-0x1.ed92da0b7ece0p+1",
              "0x1.3289b2ac1c797p+4", "0x1.3cbe17760ac1fp+0", "0x1.1ebdd134bbcd4p+4", "0x1.05522b6861636p+2",
              "0x1.3d334786b2785p+5"]
    np.testing.assert_allclose(means, [float.fromhex(p) for p in pinned], rtol=1e-12)
