"""Lemma 4.20: E[||Ax||^2 ||Ay|| ||Az||] for mutually orthogonal x, y, z."""

from __future__ import annotations

import numpy as np
from scipy import special

from expectations import _checks


def chi_mean(q) -> np.ndarray:
    """E||a|| for a standard normal vector in R^q: sqrt(2) Gamma((q+1)/2) / Gamma(q/2)."""
    q = np.asarray(q, dtype=float)
    return np.sqrt(2.0) * np.exp(special.gammaln((q + 1) / 2) - special.gammaln(q / 2))


def _norms(x, y, z, check_orthogonal: bool) -> float:
    x = _checks.nonzero_vector("x", x)
    y = _checks.nonzero_vector("y", y, len(x))
    z = _checks.nonzero_vector("z", z, len(x))
    if check_orthogonal:
        _checks.orthogonal(("x", "y", "z"), (x, y, z))
    return float(np.linalg.norm(x) ** 2 * np.linalg.norm(y) * np.linalg.norm(z))


def expected_norm_product(x, y, z, q: int, check_orthogonal: bool = True) -> float:
    """The exact value inside the proof of Lemma 4.20.

    E[||Ax||^2 ||Ay|| ||Az||] = |x|^2 |y| |z| q (sqrt(2) Gamma((q+1)/2) / Gamma(q/2))^2
    for A q x len(x) standard normal and x, y, z mutually orthogonal.
    """
    q = _checks.positive_int("q", q)
    return _norms(x, y, z, check_orthogonal) * q * float(chi_mean(q)) ** 2


def expected_norm_product_q2(x, y, z, q: int, check_orthogonal: bool = True) -> float:
    """Lemma 4.20 as stated: |x|^2 |y| |z| q^2 (approximates E||a|| by sqrt(q))."""
    q = _checks.positive_int("q", q)
    return _norms(x, y, z, check_orthogonal) * float(q) ** 2
