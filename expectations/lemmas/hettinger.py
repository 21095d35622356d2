"""Per-layer standard deviations of Gaussian weight matrices (Section 4.1).

A chain of matrices A_1, ..., A_L is described by its ``widths``
(m_0, m_1, ..., m_L): A_t is m_t x m_{t-1}.  The Hettinger initialization
draws the entries of A_t from N(0, sigma_t^2) with sigma_t = (m_t m_{t-1})^(-1/4),
i.e. variance 1 / sqrt(m_{t-1} m_t).
"""

from __future__ import annotations

import numpy as np

from expectations import _checks


def hettinger_sigmas(widths) -> np.ndarray:
    """sigma_t = (m_t m_{t-1})^(-1/4) for t = 1..L (Lemma 4.10, Section 4.1)."""
    m = _checks.widths("widths", widths).astype(float)
    return (m[1:] * m[:-1]) ** -0.25


def layer_sigmas(sigmas, widths) -> np.ndarray:
    """Resolve a ``sigmas`` argument: None (standard normal), "hettinger", or one value per layer."""
    m = _checks.widths("widths", widths)
    n_layers = m.size - 1
    if sigmas is None:
        return np.ones(n_layers)
    if isinstance(sigmas, str):
        if sigmas != "hettinger":
            raise ValueError(f"sigmas must be None, 'hettinger' or one value per layer, got {sigmas!r}")
        return hettinger_sigmas(m)
    return _checks.sigmas("sigmas", np.atleast_1d(sigmas), n_layers)
