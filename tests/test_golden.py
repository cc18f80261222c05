"""Golden outputs: the report (JSON and text) and one QBR workbook on the sample store,
through the command lines a user runs, compared with files saved before a restructure.

A change that moves code must leave these identical. A change that means to move a number
(a new KPI definition) regenerates them with ``CADENCE_REGEN_GOLDEN=1 python -m pytest
tests/test_golden.py`` and says in its commit which numbers moved and why.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN = os.environ.get("CADENCE_REGEN_GOLDEN") == "1"
QBR = ("Bayside Dental", "2026Q3")


def run(*args: str, env: dict | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def workbook_cells(path: Path) -> dict:
    """Every cell of every sheet: value (dates as ISO text), number format and type."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    out = {}
    for ws in book.worksheets:
        cells = []
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                value = cell.value
                if hasattr(value, "isoformat"):
                    value = value.isoformat()
                cells.append([cell.coordinate, value, cell.number_format, cell.data_type])
        out[ws.title] = cells
    return out


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden {name}; run with CADENCE_REGEN_GOLDEN=1 once"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:  # a readable diff of the first lines that differ
        import difflib
        diff = "\n".join(list(difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                                   "golden", "now", lineterm=""))[:60])
        pytest.fail(f"{name} differs from its golden copy:\n{diff}")


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_report_equals_its_golden_copy(sample_db_url, fmt):
    check(f"sample_report.{'json' if fmt == 'json' else 'txt'}",
          run("report", "--db", sample_db_url, "--format", fmt))


def test_qbr_workbook_cells_equal_their_golden_copy(sample_db_url, tmp_path):
    out = tmp_path / "qbr.xlsx"
    client, quarter = QBR
    run("qbr", "--db", sample_db_url, "--client", client, "--quarter", quarter,
        "--out", str(out), *GOLDEN_QBR_ARGS)
    sheets = workbook_cells(out)
    lines = [json.dumps({sheet: [cell]}, ensure_ascii=False)
             for sheet, cells in sheets.items() for cell in cells]   # a cell a line: diffs read
    check("sample_qbr_cells.jsonl", "\n".join(lines) + "\n")


# The owner's internal pack: every number of the QBR, money included.
GOLDEN_QBR_ARGS: tuple[str, ...] = ("--audience", "internal")
