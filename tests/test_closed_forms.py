"""Exact identities of the closed forms, checked by independent routes
(quadrature, small hand-derived cases, direct enumeration)."""

import numpy as np
import pytest
from scipy import integrate, stats

from expectations.lemmas import closed_forms as cf
from expectations.lemmas.hettinger import hettinger_sigmas


@pytest.mark.parametrize("n", [2.5, 3, 14.9, 100, 3072])
def test_angle_pdf_integrates_to_one(n):
    total, _ = integrate.quad(cf.angle_pdf, 0, np.pi, args=(n,), points=[np.pi / 2])
    assert total == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("n", [2.5, 3, 14.9])
@pytest.mark.parametrize("theta", [0.01, 0.7, 1.9, 3.1])
def test_angle_cdf_is_the_integral_of_the_pdf(n, theta):
    total, _ = integrate.quad(cf.angle_pdf, 0, theta, args=(n,), epsabs=0, epsrel=1e-12)
    assert cf.angle_cdf(theta, n) == pytest.approx(total, rel=1e-9)


def test_angle_pdf_special_dimensions():
    theta = np.linspace(0.1, 3.0, 7)
    np.testing.assert_allclose(cf.angle_pdf(theta, 3), np.sin(theta) / 2, rtol=1e-12)  # uniform on S^2
    np.testing.assert_allclose(cf.angle_pdf(theta, 2), np.full(7, 1 / np.pi), rtol=1e-12)
    assert cf.angle_pdf(-0.1, 5) == 0 and cf.angle_pdf(3.2, 5) == 0


def test_angle_sampler_matches_the_cdf():
    dist = cf.GaussianAngle(14.9)
    sample = dist.rvs(size=20_000, random_state=np.random.default_rng(3))
    assert stats.kstest(sample, dist.cdf).pvalue > 1e-3
    np.testing.assert_allclose(dist.ppf(dist.cdf([0.3, 1.2, 2.5])), [0.3, 1.2, 2.5], rtol=1e-10)
    assert dist.cdf(np.pi / 2) == pytest.approx(0.5)


def test_angle_between_keeps_precision_near_zero_and_pi():
    x = np.array([1.0, 0.0, 0.0])
    for eps in [1e-9, 1e-5]:
        y = np.array([np.cos(eps), np.sin(eps), 0.0])
        assert cf.angle_between(x, y) == pytest.approx(eps, rel=1e-9)
        assert cf.angle_between(x, -y) == pytest.approx(np.pi - eps, rel=1e-12)
    # arccos of the normalised dot product loses this: arccos(cos(1e-9)) is 0
    assert np.arccos(np.cos(1e-9)) == 0.0


def test_lemma_4_7_and_4_8():
    np.testing.assert_array_equal(cf.expected_gram(3, 2, sigma=2.0), 12 * np.eye(2))
    assert cf.expected_gram_bilinear([1, 2], [3, -1], p=5) == 5


@pytest.mark.parametrize("widths", [[4, 6, 3], [16, 8, 32, 4], [7, 7]])
def test_hettinger_scaling_reproduces_the_printed_factors(widths):
    """Lemma 4.10 and Corollary 4.12: the general sigma formula at sigma_q = (m_q m_{q-1})^(-1/4)."""
    x = np.linspace(1, 2, widths[-1])
    general = cf.expected_chain_outer_bilinear(x, x[::-1], widths, sigmas=hettinger_sigmas(widths))
    assert general == pytest.approx(np.sqrt(widths[0] / widths[-1]) * (x @ x[::-1]), rel=1e-13)
    assert cf.hettinger_chain_factor(widths) == pytest.approx(np.sqrt(widths[0] / widths[-1]))
    u = np.linspace(-1, 2, widths[0])
    v = np.cos(np.arange(widths[0]))
    scaled = cf.expected_relu_chain_sum(u, v, widths, sigmas="hettinger")
    assert scaled == pytest.approx(np.sqrt(widths[-1] / widths[0]) * cf.arccos_kernel(u, v), rel=1e-13)


def test_arccos_kernel_limits():
    x = np.array([2.0, 0.0])
    assert cf.arccos_kernel(x, [3.0, 0.0]) == pytest.approx(6.0)  # theta = 0: E[ReLU(U^2)] = E[U^2]
    assert cf.arccos_kernel(x, [-3.0, 0.0]) == pytest.approx(0.0, abs=1e-15)  # theta = pi
    assert cf.arccos_kernel(x, [0.0, 3.0]) == pytest.approx(6.0 / np.pi)  # theta = pi/2


def test_lemma_4_18_by_quadrature():
    for a in [-2.0, 0.3]:
        val, _ = integrate.quad(lambda b, a=a: max(a * b, 0) * stats.norm.pdf(b), -np.inf, np.inf)
        assert cf.expected_relu_product_given(a) == pytest.approx(val, rel=1e-8)


def test_lemma_4_19_by_quadrature():
    """Conditioning on A x (independent of A y, A z for orthogonal x, y, z) reduces
    Lemma 4.19 to E|U||V|/(2 pi) for a bivariate normal (U, V); integrate that numerically."""
    theta = 1.1
    u = np.array([1.0, 0.0])
    v = np.array([np.cos(theta), np.sin(theta)])
    e = np.eye(3)

    def integrand(r, phi):
        a = r * np.array([np.cos(phi), np.sin(phi)])
        return abs(u @ a) * abs(v @ a) * np.exp(-r * r / 2) * r / (2 * np.pi)

    moment, _ = integrate.dblquad(integrand, 0, 2 * np.pi, 0, 12)
    assert cf.expected_relu_pair(e[0], e[1], e[2], u, v) == pytest.approx(moment / (2 * np.pi), rel=1e-7)


@pytest.mark.parametrize("q", [1, 3, 10, 200])
def test_chi_mean_by_quadrature(q):
    val, _ = integrate.quad(lambda r: r * stats.chi.pdf(r, q), 0, np.inf)
    assert cf.chi_mean(q) == pytest.approx(val, rel=1e-8)


def test_lemma_4_20_exact_form_is_below_q_squared_and_converges():
    e = np.eye(3)
    for q in [3, 10, 1000]:
        ratio = cf.expected_norm_product(*e, q) / cf.expected_norm_product_q2(*e, q)
        assert ratio < 1
        # sqrt(q) - E||a|| ~ 1 / (4 sqrt(q)), so the ratio is 1 - 1/(2q) + O(q^-2)
        assert ratio == pytest.approx(1 - 1 / (2 * q), abs=1 / q**2)


def test_a12_small_cases_by_hand():
    """j = i + 1: independent factors, E = m_i^2.  j = i + 2: E = E[chi^4_N] = N (N + 2), N = m_i m_{i+1}."""
    assert cf.expected_frobenius_pair([3, 5, 4]) == pytest.approx(25)
    assert cf.expected_frobenius_pair([3, 5, 6, 4]) == pytest.approx(30 * 32)
    assert cf.expected_frobenius_pair([3, 4]) == pytest.approx(1)  # i = j: both factors are identities


def test_a13_one_layer_by_wick():
    """One layer A (m_n x m_j), by Wick's theorem:

    E[w^T A A^T P A A^T v] = m_j ((m_j + 1) w^T P v + Tr P w^T v).
    """
    rng = np.random.default_rng(0)
    w, v = rng.normal(size=4), rng.normal(size=4)
    a = rng.normal(size=(4, 4))
    P = a + a.T
    m_j = 6
    expected = m_j * ((m_j + 1) * (w @ P @ v) + np.trace(P) * (w @ v))
    assert cf.a13_coefficient(w, P, v, [m_j, 4]) == pytest.approx(expected, rel=1e-12)
    assert cf.expected_x_form(w, P, v, [m_j, 4], split=0) == pytest.approx(expected, rel=1e-12)


def test_refined_lemma_4_21_at_i_equal_j_equal_2_by_hand():
    """S_22 = |x|^2|y||z| (m_1 (m_1 - 1) / pi^2 + m_1 / (2 pi)) E[X], E[X] = g_22 (orthogonal x, y, z)."""
    x, y, z = 1.5 * np.eye(3)[0], 0.5 * np.eye(3)[1], 2.0 * np.eye(3)[2]
    w, v, P = np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.array([[2.0, 0.3], [0.3, 1.0]])
    widths = [3, 7, 5, 2]
    g = cf.a13_coefficient(w, P, v, widths[2:])
    by_hand = 1.5**2 * 0.5 * 2.0 * (7 * 6 / np.pi**2 + 7 / (2 * np.pi)) * g
    assert cf.relu_double_sum_refined(x, y, z, w, v, P, widths, 2, 2) == pytest.approx(by_hand, rel=1e-12)
    thesis = 1.5**2 * 0.5 * 2.0 * 49 / np.pi**2 * g
    assert cf.relu_double_sum(x, y, z, w, v, P, widths, 2, 2) == pytest.approx(thesis, rel=1e-12)


def test_corollary_4_22_scaling_counts_matrix_appearances():
    x, y, z = np.eye(3)
    w, v, P = np.ones(2), np.arange(2.0), np.eye(2)
    widths = [3, 4, 5, 6, 2]
    sig = np.array([0.5, 2.0, 1.5, 0.8])
    base = cf.relu_double_sum(x, y, z, w, v, P, widths, 2, 3)
    scaled = cf.relu_double_sum(x, y, z, w, v, P, widths, 2, 3, sigmas=sig)
    # A_1 and A_4 appear four times, A_2 (= A_i) and A_3 (= A_j) twice
    assert scaled / base == pytest.approx(0.5**4 * 2.0**2 * 1.5**2 * 0.8**4)
    hett = cf.relu_double_sum(x, y, z, w, v, P, widths, 2, 3, sigmas="hettinger")
    # sqrt(m_i m_{i-1} m_j m_{j-1}) / (m_0 m_1^2 m_2^2 m_3^2 m_4)
    printed = np.sqrt(5 * 4 * 6 * 5) / (3 * 4**2 * 5**2 * 6**2 * 2)
    assert hett / base == pytest.approx(printed)


def test_angle_pdf_at_the_ends_of_its_support():
    np.testing.assert_allclose(cf.angle_pdf([0.0, np.pi], 2), [1 / np.pi, 1 / np.pi])
    assert cf.angle_pdf(0.0, 5) == 0.0
