"""Data sets for the learning-rate experiments (thesis Chapter 5).

A :class:`Dataset` is a pair of float64 matrices, ``inputs`` of shape ``(s, d_0)`` and
``targets`` of shape ``(s, d_n)``, with a name and the input column names. Three sources:

* :func:`load_csv` reads a numeric CSV file (standard library :mod:`csv` plus numpy);
* :func:`synthetic` builds a seeded stand-in of the thesis's shape (768 x 8 inputs);
* :func:`load_sklearn` loads one of the small data sets bundled with scikit-learn
  (optional extra: ``pip install 'expectations[sklearn]'``).

Nothing here touches the network.

The Pima Indians diabetes data (thesis Chapter 5)
-------------------------------------------------
The thesis's experiments use the Pima Indians diabetes data: 768 rows, 8 input columns

    Pregnancies, Glucose, BloodPressure, SkinThickness, Insulin, BMI,
    DiabetesPedigreeFunction, Age

and the target ``Outcome`` (0 or 1, 268 positives). A copy ships with this package
(``expectations/datasets/pima.csv``, provenance in ``expectations/datasets/README.md``), so
:func:`load_pima` works with no network access. Note that scikit-learn's ``"diabetes"``
(442 x 10, a regression problem) is a different data set.

:func:`load_dataset` resolves the names the command line and the figure scripts accept
(:data:`DATASET_NAMES`: ``pima``, ``synthetic``, ``diabetes``, ``breast-cancer``) or a CSV path,
and :func:`transform_target` centres or standardises a target (the thesis's error depends on it:
``docs/thesis-error-by-data.md``).
"""

from __future__ import annotations

import csv
import math
import numbers
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from expectations._checks import positive_int

__all__ = [
    "DATASET_NAMES", "Dataset", "load_csv", "load_dataset", "load_pima", "load_sklearn", "standardize",
    "synthetic", "transform_target",
]

#: Cell contents (compared case-insensitively, after stripping blanks) read as a missing value.
MISSING = frozenset({"", "na", "nan", "?"})

#: The scikit-learn data sets :func:`load_sklearn` knows, each mapped to whether it is a classification set.
SKLEARN_DATASETS = {"diabetes": False, "breast_cancer": True, "digits": True, "iris": True, "wine": True}

#: The data sets :func:`load_dataset` knows by name, with what each is.
DATASET_NAMES = {
    "pima": "Pima Indians diabetes, the thesis's data (768 x 8, Outcome 0/1; shipped)",
    "synthetic": "synthetic regression stand-in (768 x d_0 Gaussian inputs, target tanh(XW) + noise)",
    "diabetes": "scikit-learn's diabetes regression set (442 x 10; not the Pima data)",
    "breast-cancer": "scikit-learn's breast cancer set (569 x 30, target 0/1)",
}

#: How :func:`transform_target` may change a target.
TARGET_TRANSFORMS = ("none", "center", "standardize")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs and targets of one data set.

    Parameters
    ----------
    inputs : np.ndarray
        Shape ``(s, d_0)``; stored as a C-contiguous float64 array.
    targets : np.ndarray
        Shape ``(s, d_n)``, or ``(s,)`` which becomes one column; stored as a C-contiguous float64
        array. For classification with one-hot encoding, one row per sample with a single 1.
    name : str
        A label for the data set (e.g. the file's stem).
    feature_names : tuple of str
        One name per input column.

    Notes
    -----
    Instances compare by identity (``eq=False``): elementwise array comparison has no single truth value.
    """

    inputs: np.ndarray
    targets: np.ndarray
    name: str
    feature_names: tuple[str, ...]

    def __post_init__(self) -> None:
        inputs = np.ascontiguousarray(self.inputs, dtype=np.float64)
        targets = np.ascontiguousarray(self.targets, dtype=np.float64)
        if targets.ndim == 1:
            targets = targets.reshape(-1, 1)
        if inputs.ndim != 2 or targets.ndim != 2:
            raise ValueError(f"inputs and targets must be 2-d, got shapes {inputs.shape} and {targets.shape}")
        if inputs.shape[0] != targets.shape[0]:
            raise ValueError(f"inputs has {inputs.shape[0]} rows but targets has {targets.shape[0]}")
        names = tuple(str(n) for n in self.feature_names)
        if len(names) != inputs.shape[1]:
            raise ValueError(f"{len(names)} feature names for {inputs.shape[1]} input columns")
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "targets", targets)
        object.__setattr__(self, "feature_names", names)

    @property
    def n_samples(self) -> int:
        """Number of samples ``s`` (rows)."""
        return self.inputs.shape[0]

    @property
    def n_features(self) -> int:
        """Number of input columns ``d_0``."""
        return self.inputs.shape[1]

    @property
    def n_outputs(self) -> int:
        """Number of target columns ``d_n``."""
        return self.targets.shape[1]


def standardize(inputs: np.ndarray) -> np.ndarray:
    """Centre each column and scale it to unit variance (``ddof=0``).

    Parameters
    ----------
    inputs : np.ndarray
        A finite 2-d array, one sample per row.

    Returns
    -------
    np.ndarray
        A new C-contiguous float64 array of the same shape.

    Raises
    ------
    ValueError
        If ``inputs`` is not a finite 2-d array, or a column is constant (it has no scale);
        columns are named ``x0``, ``x1``, ... in the message.
    """
    x = np.asarray(inputs, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"inputs must be 2-d, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("inputs has NaN or infinite entries")
    return _standardize(x, [f"x{j}" for j in range(x.shape[1])])


def load_csv(
    path: str | os.PathLike,
    target: str | int = -1,
    *,
    standardize: bool = True,
    one_hot: bool = False,
    delimiter: str = ",",
) -> Dataset:
    """Read a numeric CSV file into a :class:`Dataset`.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file (UTF-8; a byte-order mark is ignored).
    target : str or int, default -1
        The target column, by name or by index (negative counts from the end). All other columns
        are inputs, in file order.
    standardize : bool, default True
        Centre each input column and scale it to unit variance (``ddof=0``). Targets are never standardised.
    one_hot : bool, default False
        Turn an integer class target into one-hot columns, one per distinct class in ascending order.
    delimiter : str, default ","
        The field separator.

    Returns
    -------
    Dataset
        Named after the file's stem.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If the file is empty or ragged, has a missing (empty, ``NA``, ``nan``, ``?``), non-numeric or
        infinite cell, the target is unknown or out of range, there are fewer than 2 samples, an input
        column is constant while ``standardize`` is set, or ``one_hot`` meets a non-integer target.
        Messages give the 1-based line number and column where there is one.

    Notes
    -----
    The first row is a header (its cells are the column names) if any of its cells is neither a
    number nor a missing-value marker; otherwise the columns are called ``x0``, ``x1``, ...
    Blank lines, and rows whose cells are all blank, are skipped.
    """
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a CSV file" if path.is_dir() else "no such file"
        raise FileNotFoundError(f"{str(path)!r}: {what}")
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            rows = [(reader.line_num, [c.strip() for c in row])
                    for row in reader if any(c.strip() for c in row)]
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                             "save it as UTF-8") from None
    if not rows:
        raise ValueError(f"{path}: the file is empty")

    first = rows[0][1]
    has_header = any(not _is_number(c) and c.lower() not in MISSING for c in first)
    if has_header:
        names = [c or f"x{j}" for j, c in enumerate(first)]
        rows = rows[1:]
    else:
        names = [f"x{j}" for j in range(len(first))]
    if len(names) < 2:
        raise ValueError(
            f"{path}: only one column with the delimiter {delimiter!r}, so no inputs beside the target "
            f"(the file must be {delimiter!r}-separated)"
        )
    t = _target_index(target, names, has_header, path)
    if len(rows) < 2:
        raise ValueError(
            f"{path}: {len(rows)} sample(s), need at least 2 "
            "(a one-sample data set has no learning-rate problem)"
        )

    values = np.empty((len(rows), len(names)))
    for i, (line, row) in enumerate(rows):
        if len(row) != len(names):
            source = "header" if has_header else "first row"
            raise ValueError(f"{path}, line {line}: {len(row)} columns, but the {source} has {len(names)}")
        for j, cell in enumerate(row):
            values[i, j] = _parse_cell(cell, f"{path}, line {line}, column {j + 1} ({names[j]!r})")

    inputs = np.delete(values, t, axis=1)
    input_names = names[:t] + names[t + 1 :]
    targets = values[:, t]
    if one_hot:
        lines = [line for line, _ in rows]
        targets = _one_hot(targets, lambda i: f"{path}, line {lines[i]}, target column {names[t]!r}")
    if standardize:
        try:
            inputs = _standardize(inputs, input_names)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    return Dataset(inputs, targets, name=path.stem, feature_names=tuple(input_names))


def synthetic(
    n_samples: int = 768, n_features: int = 8, n_outputs: int = 1, seed: int = 0, standardize: bool = True
) -> Dataset:
    """A seeded regression data set of the thesis's shape (768 x 8 by default, like the Pima data).

    With ``rng = numpy.random.default_rng(seed)``, the draws are, in this order: a mixing matrix
    ``A`` (``d x d``, entries N(0, 1/d)), a mean ``m`` (N(0, 1) entries), projection weights ``W``
    (``d x d_n``, entries N(0, 1/d)), latent inputs ``Z`` (``s x d``) and noise ``E`` (``s x d_n``),
    all standard normal before scaling. The raw inputs are ``Z A^T + m`` (Gaussian with covariance
    ``A A^T``); with ``X`` their standardised version the targets are ``tanh(X W) + 0.1 E``.

    Parameters
    ----------
    n_samples : int, default 768
        Number of samples ``s`` (at least 2).
    n_features : int, default 8
        Number of input columns ``d``.
    n_outputs : int, default 1
        Number of target columns ``d_n``.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; the same seed gives the same data.
    standardize : bool, default True
        Return the standardised inputs ``X`` rather than the raw ones (the targets are the same either way).

    Returns
    -------
    Dataset
        Named ``"synthetic(seed=<seed>)"``, input columns ``x0``, ``x1``, ...
    """
    s = positive_int("n_samples", n_samples)
    d = positive_int("n_features", n_features)
    d_out = positive_int("n_outputs", n_outputs)
    if s < 2:
        raise ValueError(
            f"n_samples must be at least 2, got {s} (a one-sample data set has no learning-rate problem)"
        )
    rng = np.random.default_rng(seed)
    mixing = rng.standard_normal((d, d)) / math.sqrt(d)
    mean = rng.standard_normal(d)
    weights = rng.standard_normal((d, d_out)) / math.sqrt(d)
    latent = rng.standard_normal((s, d))
    noise = rng.standard_normal((s, d_out))

    names = [f"x{j}" for j in range(d)]
    raw = latent @ mixing.T + mean
    x = _standardize(raw, names)
    targets = np.tanh(x @ weights) + 0.1 * noise
    inputs = x if standardize else raw
    return Dataset(inputs, targets, name=f"synthetic(seed={seed})", feature_names=tuple(names))


def load_sklearn(name: str, *, standardize: bool = True, one_hot: bool = False) -> Dataset:
    """One of scikit-learn's bundled data sets (nothing is downloaded).

    Parameters
    ----------
    name : str
        ``"diabetes"`` (regression; *not* the Pima data), or a classification set:
        ``"breast_cancer"``, ``"digits"``, ``"iris"`` or ``"wine"``.
    standardize : bool, default True
        Centre and scale each input column to unit variance. Unlike :func:`load_csv`, constant
        columns (the always-blank border pixels of ``"digits"``) are allowed and become zero.
    one_hot : bool, default False
        For a classification set, one-hot target columns; otherwise the class index as one column.

    Returns
    -------
    Dataset

    Raises
    ------
    ValueError
        For an unknown ``name``, or ``one_hot=True`` with the regression set ``"diabetes"``.
    ImportError
        If scikit-learn is not installed.
    """
    if name not in SKLEARN_DATASETS:
        raise ValueError(f"unknown scikit-learn data set {name!r}; supported: {', '.join(SKLEARN_DATASETS)}")
    if one_hot and not SKLEARN_DATASETS[name]:
        raise ValueError(f"{name!r} is a regression data set, so one_hot=True does not apply")
    try:
        from sklearn import datasets
    except ImportError as err:
        raise ImportError(
            "load_sklearn needs scikit-learn, an optional extra: pip install '.[sklearn]' in the checkout"
        ) from err

    bunch = getattr(datasets, f"load_{name}")()
    inputs = np.asarray(bunch.data, dtype=np.float64)
    targets = np.asarray(bunch.target, dtype=np.float64)
    feature_names = getattr(bunch, "feature_names", None)
    if feature_names is None:
        feature_names = [f"x{j}" for j in range(inputs.shape[1])]
    feature_names = [str(n) for n in feature_names]
    if one_hot:
        targets = _one_hot(targets, lambda i: f"{name}, sample {i}")
    if standardize:
        inputs = _standardize(inputs, feature_names, allow_constant=True)
    return Dataset(inputs, targets, name=name, feature_names=tuple(feature_names))


def load_pima(*, standardize: bool = True, one_hot: bool = False) -> Dataset:
    """The Pima Indians diabetes data of the thesis's Chapter 5, from the copy shipped in the package.

    768 samples, the 8 inputs named in the module docstring (standardised unless ``standardize=False``)
    and the target ``Outcome`` (0/1, 268 ones), or two one-hot columns with ``one_hot=True``.
    Provenance: ``expectations/datasets/README.md``.
    """
    with resources.as_file(resources.files(__package__) / "datasets" / "pima.csv") as path:
        data = load_csv(path, target="Outcome", standardize=standardize, one_hot=one_hot)
    return Dataset(data.inputs, data.targets, name="pima", feature_names=data.feature_names)


def transform_target(data: Dataset, transform: str) -> Dataset:
    """``data`` with its target columns left alone (``"none"``), centred (``"center"``) or centred and
    scaled to unit variance (``"standardize"``); the name records the change."""
    if transform not in TARGET_TRANSFORMS:
        raise ValueError(f"target transform must be one of {', '.join(TARGET_TRANSFORMS)}, got {transform!r}")
    if transform == "none":
        return data
    y = data.targets - data.targets.mean(axis=0)
    if transform == "standardize":
        sd = y.std(axis=0)
        if np.any(sd == 0):
            raise ValueError(f"cannot standardise the target of {data.name}: it is constant")
        y = y / sd
    suffix = "centred" if transform == "center" else "standardised"
    return Dataset(data.inputs, y, name=f"{data.name} (target {suffix})", feature_names=data.feature_names)


def load_dataset(spec: str | os.PathLike, *, n_features: int = 8, n_outputs: int = 1, seed: int = 0,
                 one_hot: bool = False, target: str | int = -1, target_transform: str = "none") -> Dataset:
    """A data set by name (:data:`DATASET_NAMES`) or CSV path, inputs standardised.

    ``n_features``, ``n_outputs`` and ``seed`` shape the synthetic set; ``target`` picks a CSV's
    target column; ``one_hot`` asks for one-hot class targets (classification sets only);
    ``target_transform`` is applied last (:func:`transform_target`).
    """
    if target_transform not in TARGET_TRANSFORMS:
        raise ValueError(f"target transform must be one of {', '.join(TARGET_TRANSFORMS)}, "
                         f"got {target_transform!r}")
    name = str(spec)
    if name == "pima":
        data = load_pima(one_hot=one_hot)
    elif name == "synthetic":
        if one_hot:
            raise ValueError("the synthetic data set is a regression problem: it has no classes to one-hot")
        data = synthetic(768, n_features, n_outputs, seed=seed)
    elif name in ("diabetes", "breast-cancer"):
        data = load_sklearn(name.replace("-", "_"), one_hot=one_hot)
    elif name.lower().endswith((".csv", ".txt", ".dat")) or os.sep in name or Path(name).exists():
        data = load_csv(name, target=target, one_hot=one_hot)
    else:
        raise ValueError(f"unknown data set {name!r}: use one of {', '.join(DATASET_NAMES)} "
                         "or a CSV file path")
    return transform_target(data, target_transform)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _parse_cell(cell: str, where: str) -> float:
    """``cell`` as a finite float; ``where`` locates it in error messages."""
    if cell.lower() in MISSING:
        raise ValueError(f"{where}: missing value {repr(cell) if cell else '(empty cell)'}")
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(f"{where}: {cell!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: {cell!r} is not a finite number")
    return value


def _target_index(target: str | int, names: Sequence[str], has_header: bool, path: Path) -> int:
    """The 0-based index of the target column."""
    n = len(names)
    if isinstance(target, str):
        hits = [j for j, name in enumerate(names) if name == target]
        if not hits:
            hint = "" if has_header else " (the file has no header row: give the target as an integer index)"
            raise ValueError(f"{path}: no column named {target!r}; the columns are {list(names)}{hint}")
        if len(hits) > 1:
            raise ValueError(f"{path}: {len(hits)} columns are named {target!r}; give the target by index")
        return hits[0]
    if isinstance(target, bool) or not isinstance(target, numbers.Integral):
        raise ValueError(f"target must be a column name or an integer index, got {target!r}")
    if not -n <= target < n:
        raise ValueError(
            f"{path}: target index {target} is out of range for {n} columns (use {-n} to {n - 1})"
        )
    return int(target) % n


def _one_hot(labels: np.ndarray, where) -> np.ndarray:
    """One-hot rows for integer ``labels``, one column per distinct class in ascending order.

    ``where(i)`` describes sample ``i`` for the error message on a non-integer label.
    """
    bad = np.flatnonzero(labels != np.round(labels))
    if bad.size:
        i = bad[0]
        raise ValueError(f"{where(i)}: one_hot=True needs integer class labels, got {labels[i]:g}")
    classes, index = np.unique(labels, return_inverse=True)
    return np.eye(classes.size)[index]


def _standardize(x: np.ndarray, names: Sequence[str], allow_constant: bool = False) -> np.ndarray:
    """Columns of ``x`` centred and scaled to unit variance; constant ones are an error or become zero."""
    constant = np.flatnonzero(np.ptp(x, axis=0) == 0) if x.shape[0] else np.arange(x.shape[1])
    if constant.size and not allow_constant:
        listed = ", ".join(repr(names[j]) for j in constant)
        which = f"column {listed} is" if constant.size == 1 else f"columns {listed} are"
        raise ValueError(
            f"cannot standardise: input {which} constant (zero variance); remove it from the data, "
            "or (in Python) pass standardize=False"
        )
    std = x.std(axis=0)
    std[constant] = 1.0
    return np.ascontiguousarray((x - x.mean(axis=0)) / std)
