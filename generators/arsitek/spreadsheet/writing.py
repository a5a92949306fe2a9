"""Tables as CSV and XLSX files readers open in a spreadsheet: safe, readable and byte-identical across runs.

Every cell is text that no spreadsheet runs (:func:`arsitek.text.spreadsheet_cell`); workbooks get
a bold, frozen and filtered header, columns as wide as their text (up to a limit), and fixed
metadata and ZIP timestamps (:func:`arsitek.generators.dictionary.stable_zip`), so two builds of
the same model give the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from arsitek.text import spreadsheet_row

#: Excel's limit on a sheet name
SHEET_NAME = 31
#: the one time every workbook and document says it was made, so that two runs give the same bytes
FIXED = datetime(2024, 1, 1, 0, 0, 0)


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


def stable_zip(data: bytes) -> bytes:
    """The same bytes on every run: entries sorted, every timestamp the fixed one."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # the save time, if a writer stamps it whatever was set
                stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", content
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    return out.getvalue()
