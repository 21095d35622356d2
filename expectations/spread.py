"""Summaries of a per-network quantity that survive heavy tails.

Ratios such as (thesis estimate) / (true optimum) vary over initial networks with heavy
tails: a few networks can move the mean by a factor of ten while the median stays put.
:class:`Spread` therefore gives the median with its interquartile range and a
distribution-free confidence interval (order statistics) beside the mean and its
standard error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special


@dataclass(frozen=True)
class Spread:
    """Mean ± SE, median [IQR] and a confidence interval for the median of the finite values."""

    n: int
    mean: float
    stderr: float
    median: float
    q25: float
    q75: float
    median_low: float
    median_high: float

    @classmethod
    def of(cls, values, confidence: float = 0.95) -> Spread:
        """The summary of the finite entries of ``values`` (NaN fields where there are too few).

        The median's interval is [x_(j), x_(k)] with j, k the binomial(n, 1/2) quantiles, which
        covers the population median with probability at least ``confidence`` for any continuous
        distribution (NaN when n is too small for that).
        """
        v = np.sort(np.asarray(values, dtype=float).ravel())
        v = v[np.isfinite(v)]
        n = int(v.size)
        if n == 0:
            return cls(0, *([math.nan] * 7))
        stderr = float(v.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        q25, median, q75 = (float(q) for q in np.percentile(v, [25, 50, 75]))
        alpha = 1 - confidence
        j = _binomial_half_ppf(alpha / 2, n)  # x_(j) is the (j+1)-th smallest, 0-based index j-1
        k = n - j
        low, high = (float(v[j - 1]), float(v[k])) if j >= 1 and k < n else (math.nan, math.nan)
        return cls(n, float(v.mean()), stderr, median, q25, q75, low, high)

    def text(self, fmt: str = ".3g") -> str:
        """'median [q25, q75]; mean ± SE' for tables."""
        if self.n == 0:
            return "none"
        se = f" ± {self.stderr:.2g}" if math.isfinite(self.stderr) else ""
        return f"{self.median:{fmt}} [{self.q25:{fmt}}, {self.q75:{fmt}}]; mean {self.mean:{fmt}}{se}"

    def as_dict(self) -> dict:
        """JSON-able fields (None for NaN)."""
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in self.__dict__.items()}


def _binomial_half_ppf(q: float, n: int) -> int:
    """The q-quantile of Binomial(n, 1/2): scipy.stats.binom.ppf(q, n, 0.5) through scipy.special, as
    scipy computes it (importing scipy.stats costs a figure script about half a second)."""
    upper = math.ceil(special.bdtrik(q, n, 0.5))
    lower = max(upper - 1, 0)
    return lower if special.bdtr(lower, n, 0.5) >= q else upper
