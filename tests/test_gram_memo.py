"""The data's Gram matrices of Theorems 4.13 and 4.24 are remembered per data set
(expectations.network.theorems): the same bits as computed afresh, a copy per call."""

import numpy as np
import pytest

from expectations.network import theorems as th


@pytest.mark.parametrize("gram", [th.arccos_gram, th.relu_gram], ids=["arccos", "relu"])
def test_remembered_gram_is_the_computed_one_and_a_fresh_copy(gram):
    rng = np.random.default_rng(3)
    x, other = rng.standard_normal((40, 5)), rng.standard_normal((40, 5))
    first = gram(x)
    assert np.array_equal(first, gram.__wrapped__(x))
    first[:] = 0.0  # a caller writing into its result changes nothing remembered
    again = gram(x.copy())
    assert np.array_equal(again, gram.__wrapped__(x)) and again is not first
    assert np.array_equal(gram(other), gram.__wrapped__(other))  # another data set, its own matrix
    assert np.array_equal(gram(x.tolist()), again)  # the key is the data, not the array object


def test_remembered_gram_is_computed_once_per_data_set():
    calls = []
    remembered = th._per_data_set(lambda x: calls.append(1) or x @ x.T)
    rng = np.random.default_rng(4)
    sets = [rng.standard_normal((6, 3)) for _ in range(th._GRAMS_REMEMBERED + 1)]
    for x in sets[:-1] * 3:
        remembered(x)
    assert len(calls) == th._GRAMS_REMEMBERED
    remembered(sets[-1])  # one more data set: the oldest is forgotten
    remembered(sets[0])
    assert len(calls) == th._GRAMS_REMEMBERED + 2

