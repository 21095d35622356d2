"""Shared plumbing for the figure scripts: headless matplotlib, atomic PNG
writes (a figure appears only after it was fully written) and progress."""

from __future__ import annotations

import io
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402, F401  (re-exported for the scripts)

from expectations._io import write_files_atomically  # noqa: E402

FIGURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "figures")


def save_figure(fig, path: str, dpi: int = 110) -> str:
    """Write ``fig`` to ``path`` atomically (temp file + rename) and close it."""
    png = io.BytesIO()
    try:
        fig.savefig(png, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    write_files_atomically({path: png.getvalue()})
    progress(f"wrote {path}")
    return path


def progress(message: str) -> None:
    """A progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


def data_variant(spec: str):
    """``NAME[:TRANSFORM]`` (e.g. ``pima``, ``pima:center``, ``diabetes:standardize``, ``my.csv``) as a
    :class:`expectations.data.Dataset` with its target transformed (figure scripts' ``--data``)."""
    from expectations.data import load_dataset

    name, _, transform = spec.partition(":") if not os.path.exists(spec) else (spec, "", "")
    return load_dataset(name, target_transform=transform or "none")
