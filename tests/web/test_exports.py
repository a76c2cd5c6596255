"""CSV exports: cells a spreadsheet would run as formulas are written as text; numbers stay numbers."""

import csv
import io
from datetime import UTC, datetime

from safelane.service.web.exports import csv_response


def test_formula_cells_are_text_and_numbers_are_not_touched() -> None:
    rows = [
        {
            "a": '=HYPERLINK("x")',
            "b": "-12.5",
            "c": "\t=1+1",
            "d": "@SUM(A1)",
            "e": None,
            "f": datetime(2026, 11, 20, 8, tzinfo=UTC),
        }
    ]
    response = csv_response(rows, ["a", "b", "c", "d", "e", "f"], "x.csv")
    assert response.headers["content-disposition"] == 'attachment; filename="x.csv"'
    [header, row] = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert header == ["a", "b", "c", "d", "e", "f"]
    assert row == ['\'=HYPERLINK("x")', "-12.5", "'\t=1+1", "'@SUM(A1)", "", "2026-11-20T08:00:00+00:00"]
