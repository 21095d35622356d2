"""Reproducible chunked sampling: same seed, same bits, whatever the threads or executor."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from expectations import montecarlo as mc
from expectations.sampling import CHUNK_SIZE, chunk_generators, chunk_sizes

SCRIPT = """
import json, numpy as np
from expectations import montecarlo as mc
x, y = np.array([1.0, 0.5, -0.3, 0.2]), np.array([0.2, 1.0, 0.4, -0.7])
e = mc.estimate_relu_chain_sum(x, y, [4, 6, 5], n_samples=20_000, seed=11)
print(json.dumps([e.mean.hex(), e.stderr.hex()]))
"""


def test_chunk_layout_depends_only_on_the_sample_count():
    assert chunk_sizes(1) == [1]
    assert chunk_sizes(CHUNK_SIZE) == [CHUNK_SIZE]
    assert chunk_sizes(2 * CHUNK_SIZE + 5) == [CHUNK_SIZE, CHUNK_SIZE, 5]


def test_chunk_generators_are_spawned_children():
    a = chunk_generators(5, 3)
    b = chunk_generators(5, 4)  # spawning more keeps the first streams
    for g, h in zip(a, b):
        assert g.standard_normal() == h.standard_normal()
    assert chunk_generators(5, 2)[0].random() != chunk_generators(6, 2)[0].random()


def _run_with_threads(n_threads):
    env = dict(os.environ, NUMBA_NUM_THREADS=str(n_threads))
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def test_same_bits_at_one_and_two_threads():
    assert _run_with_threads(1) == _run_with_threads(2)


def test_same_bits_with_any_executor_and_in_repeated_runs():
    x, y = np.ones(3), np.array([1.0, -1.0, 0.5])
    runs = [mc.estimate_relu_chain_sum(x, y, [3, 4], 10_000, seed=2, executor=ex)
            for ex in (None, ThreadPoolExecutor(1), ThreadPoolExecutor(3))]
    runs.append(mc.estimate_relu_chain_sum(x, y, [3, 4], 10_000, seed=2))
    assert len({(r.mean, r.stderr) for r in runs}) == 1
    other = mc.estimate_relu_chain_sum(x, y, [3, 4], 10_000, seed=3)
    assert other.mean != runs[0].mean


def test_bad_seed_and_sample_count():
    x = np.ones(3)
    with pytest.raises(ValueError, match="n_samples"):
        mc.estimate_relu_chain_sum(x, x, [3, 4], 0)
    with pytest.raises(ValueError, match="seed"):
        mc.estimate_relu_chain_sum(x, x, [3, 4], 10, seed=-1)
