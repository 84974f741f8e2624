"""CSV exports that open safely in Excel and LibreOffice.

Every export goes through `csv_response`: semicolons and UTF-8 with a byte order mark
(what Swedish Excel expects), and every text cell defused by `csv_cell`, because a cell
a resident typed as ”=HYPERLINK(…)” would otherwise run as a formula in the
coordinator's spreadsheet.
"""

from __future__ import annotations

import csv
import decimal
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

# Spreadsheets read a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str | int | float | decimal.Decimal:
    """`value` ready for a cell: numbers as they are, text never read as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(filename: str, header: Sequence[object], rows: Iterable[Sequence[object]]) -> HttpResponse:
    """A CSV download: `header`, then `rows`, every cell through `csv_cell`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # So that Excel reads the file as UTF-8.
    writer = csv.writer(response, delimiter=";")
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return response
