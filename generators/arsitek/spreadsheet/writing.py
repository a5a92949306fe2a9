"""Tables as CSV and XLSX files readers open in a spreadsheet: safe, readable and byte-identical across runs.

Every cell is text that no spreadsheet runs (:func:`arsitek.text.spreadsheet_cell`); workbooks get
a bold, frozen and filtered header, columns as wide as their text (up to a limit), and fixed
metadata and ZIP timestamps (:func:`arsitek.generators.dictionary.stable_zip`), so two builds of
the same model give the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from arsitek.text import spreadsheet_row

#: Excel's limit on a sheet name
SHEET_NAME = 31


@dataclass(frozen=True)
class Table:
    name: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]


def csv_text(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spreadsheet_row(table.headers))
    for row in table.rows:
        writer.writerow(spreadsheet_row(row))
    return buffer.getvalue()


def xlsx_bytes(tables: Sequence[Table], title: str) -> bytes:
    """One workbook, a sheet per table."""
    import xlsxwriter

    from arsitek.generators.dictionary import FIXED, stable_zip

    raw = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(raw, options)
    book.set_properties({"author": "arsitek", "created": FIXED, "title": title})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for table in tables:
        page = book.add_worksheet(table.name[:SHEET_NAME])
        for index, header in enumerate(table.headers):
            longest = max([len(header)] + [len(row[index]) for row in table.rows])
            page.set_column(index, index, min(60, max(10, longest + 2)), wrap)
        page.freeze_panes(1, 0)
        page.set_landscape()  # printed or turned into PDF: A4 across, every column on the page, the header on each
        page.set_paper(9)
        page.fit_to_pages(1, 0)
        page.repeat_rows(0)
        page.autofilter(0, 0, max(1, len(table.rows)), max(0, len(table.headers) - 1))
        page.write_row(0, 0, spreadsheet_row(table.headers), bold)
        for number, row in enumerate(table.rows, start=1):
            page.write_row(number, 0, spreadsheet_row(row))
    book.close()
    return stable_zip(raw.getvalue())
