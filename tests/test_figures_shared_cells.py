"""validation/thesis_error_by_data.py computes each distinct data set once: Pima's centred target is
both a by-data row and the dose response at c = 0, and the two rows are the same numbers."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "validation"))

import thesis_error_by_data  # noqa: E402


def test_centred_target_and_zero_shift_share_one_cell(tmp_path, monkeypatch):
    labels = []
    real = thesis_error_by_data.cell

    def counted(label, *args, **kwargs):
        labels.append(label)
        return real(label, *args, **kwargs)

    monkeypatch.setattr(thesis_error_by_data, "cell", counted)
    out = tmp_path / "rows.json"
    assert thesis_error_by_data.main(["--networks", "2", "--width", "2", "--depth", "1", "--data",
                                      "pima,pima:center", "--dose-data", "pima", "--shifts", "0,0.5",
                                      "--json", str(out), "--out", str(tmp_path / "f.png")]) == 0
    assert labels == ["pima", "pima:center", "pima+0.5"]  # "pima+0" is pima:center's cell
    rows = json.loads(out.read_text())
    centred, zero = rows["by_data"][1], rows["dose"][0]
    assert zero["data"] == "pima+0" and zero["shift"] == 0
    assert {k: v for k, v in zero.items() if k not in ("data", "base", "shift")} == \
        {k: v for k, v in centred.items() if k != "data"}
