"""Input checks shared by the closed forms and the estimators.

Each raises ``ValueError`` naming the offending parameter.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np


def positive_int(name: str, value) -> int:
    """``value`` as a positive int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def widths(name: str, value, min_length: int = 2) -> np.ndarray:
    """A sequence of positive integer widths as an int64 array."""
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.size < min_length:
        raise ValueError(f"{name} must be a sequence of at least {min_length} widths, got {value!r}")
    for w in arr.tolist():
        positive_int(f"every entry of {name}", w)
    return arr.astype(np.int64)


def finite_array(name: str, value, ndim: int | None = None) -> np.ndarray:
    """``value`` as a float64 array with no NaN or infinite entries."""
    arr = np.array(value, dtype=float)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has NaN or infinite entries")
    return arr


def vector(name: str, value, length: int | None = None) -> np.ndarray:
    """A finite 1-d float vector, of the given length if one is given."""
    arr = finite_array(name, value, ndim=1)
    if length is not None and arr.size != length:
        raise ValueError(f"{name} must have length {length}, got {arr.size}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    return arr


def nonzero_vector(name: str, value, length: int | None = None) -> np.ndarray:
    """A finite, non-zero 1-d vector (an angle with it must be defined)."""
    arr = vector(name, value, length)
    if not np.any(arr):
        raise ValueError(f"{name} is the zero vector, so its angle with another vector is undefined")
    return arr


#: Largest |cos angle| accepted as orthogonal.
ORTHOGONALITY_TOLERANCE = 1e-8


def orthogonal(names: Sequence[str], vectors: Sequence[np.ndarray]) -> None:
    """Require mutually orthogonal vectors; say how far from orthogonal they are."""
    for a in range(len(vectors)):
        for b in range(a + 1, len(vectors)):
            u, v = vectors[a], vectors[b]
            cos = abs(u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))
            if cos > ORTHOGONALITY_TOLERANCE:
                angle = np.degrees(np.arccos(min(cos, 1.0)))
                raise ValueError(
                    f"{names[a]} and {names[b]} must be orthogonal: |cos angle| = {cos:.3g} "
                    f"(they are {90 - angle:.3g} degrees from orthogonal); "
                    "pass check_orthogonal=False to evaluate the formula anyway"
                )


def symmetric_matrix(name: str, value, size: int) -> np.ndarray:
    """A finite symmetric ``size`` x ``size`` matrix."""
    arr = finite_array(name, value, ndim=2)
    if arr.shape != (size, size):
        raise ValueError(f"{name} must have shape ({size}, {size}), got {arr.shape}")
    if not np.allclose(arr, arr.T, rtol=1e-12, atol=1e-12 * np.abs(arr).max(initial=1.0)):
        raise ValueError(f"{name} must be symmetric")
    return arr


def sigmas(name: str, value, n_layers: int) -> np.ndarray:
    """Per-layer standard deviations: positive finite, one per layer."""
    arr = finite_array(name, value, ndim=1)
    if arr.size != n_layers:
        raise ValueError(f"{name} must have one entry per layer ({n_layers}), got {arr.size}")
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be positive")
    return arr


def layer_pair(i, j, n: int) -> tuple[int, int]:
    """Layer indices with 1 <= i <= j <= n."""
    i = positive_int("i", i)
    j = positive_int("j", j)
    if not i <= j <= n:
        raise ValueError(f"need 1 <= i <= j <= n = {n}, got i = {i}, j = {j}")
    return i, j
