"""A workbook's sheets as rows of cell text under the mapping's columns, however untidy the sheet.

People's spreadsheets put a title above the header, merge header cells over two rows, leave blank
rows and columns, write headers in either language and case, and number the columns in a row under
the header. This module finds the header row by how many of the mapping's headers it names, fills
merged cells with their value, and hands on every non-empty cell with its sheet, row and column, so
that what it cannot place is reported, never dropped.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from arsitek.errors import InputError
from arsitek.spreadsheet.mapping import Column, Sheet

#: how far down a sheet its header may start (a title, a logo row, notes above it)
HEADER_SEARCH = 30


@dataclass(frozen=True)
class Cell:
    """Where a value was in the workbook, for reports and for ``dcterms:source``."""

    sheet: str
    row: int
    column: int
    text: str
    #: the value as the spreadsheet stored it (a number, a date), for typed columns
    value: Any = None

    @property
    def where(self) -> str:
        return f"sheet {self.sheet!r}, row {self.row}, column {get_column_letter(self.column)}"


@dataclass
class Problem:
    """A cell, row or column that could not be understood, with a plain reason."""

    where: str
    reason: str
    cells: int = 1

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class Row:
    sheet: Sheet
    title: str
    number: int
    cells: dict[str, Cell]  # column key -> cell


@dataclass
class ReadSheet:
    """One worksheet matched to a mapping sheet: its header's language and its data rows."""

    title: str
    sheet: Sheet
    lang: str
    header_row: int
    #: the keys of the mapping's columns the header names (a column not there is left alone on update)
    columns_present: set[str] = field(default_factory=set)
    rows: list[Row] = field(default_factory=list)


def normal(text: str) -> str:
    """A header or name as people mean it: case, spacing and decoration (``*``, ``:``, numbering) ignored."""
    text = re.sub(r"^\s*\(?\d+[.)]?\s+", "", text)  # "1. Nama", "(2) Uraian"
    text = re.sub(r"[*:]+|\(wajib\)|\(required\)", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split()).casefold()


def cell_text(value: Any) -> str:
    """The text a reader sees in a cell: whole numbers without ``.0``, dates as ISO dates, no outer spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").strip()
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):  # arsitek's own guard against formulas
        text = text[1:]
    return text


def _grid(worksheet: Any) -> dict[tuple[int, int], Any]:
    """Every non-empty cell by (row, column), merged ranges filled with their top-left value."""
    grid: dict[tuple[int, int], Any] = {}
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.value is not None and cell_text(cell.value) != "":
                grid[(cell.row, cell.column)] = cell.value
    for merged in worksheet.merged_cells.ranges:
        value = worksheet.cell(merged.min_row, merged.min_col).value
        if value is None:
            continue
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                grid[(r, c)] = value
    return grid


def _headers(sheet: Sheet) -> dict[str, tuple[Column, str]]:
    """Normal header text -> (column, the language the text is in; "" when both languages write it so)."""
    found: dict[str, tuple[Column, str]] = {}
    for column in sheet.columns:
        texts = {lang: normal(text) for lang, text in column.header.items()}
        for lang, text in texts.items():
            both = all(t == text for t in texts.values())
            found.setdefault(text, (column, "" if both else lang))
        for alias in column.aliases:
            found.setdefault(normal(alias), (column, ""))
    for column in sheet.columns:  # a column's key last: "jenis" is the Jenis column, not Jenis Data's key
        found.setdefault(normal(column.key), (column, ""))
    return found


def _match_header(
    grid: dict[tuple[int, int], Any], sheet: Sheet, last_row: int
) -> tuple[int, dict[int, Column], str] | None:
    """The row naming most of the sheet's columns (and its name column), its columns, and its language."""
    headers = _headers(sheet)
    best: tuple[int, dict[int, Column], str] | None = None
    best_score = 1
    name = sheet.name_column
    for r in range(1, min(last_row, HEADER_SEARCH) + 1):
        placed: dict[int, Column] = {}
        langs: dict[str, int] = {}
        for (row, col), value in grid.items():
            if row != r or not isinstance(value, str):
                continue
            hit = headers.get(normal(value))
            if hit and hit[0] not in placed.values():
                placed[col] = hit[0]
                if hit[1]:
                    langs[hit[1]] = langs.get(hit[1], 0) + 1
        if name is not None and name not in placed.values():
            continue
        if len(placed) > best_score:
            lang = "en" if langs.get("en", 0) > langs.get("id", 0) else "id"
            best, best_score = (r, placed, lang), len(placed)
    return best


def _numbering(values: Sequence[str]) -> bool:
    """A row under the header that only numbers the columns: 1 2 3 … or (1) (2) (3) …"""
    numbers = [re.fullmatch(r"\(?(\d+)\)?", v) for v in values]
    return (
        bool(values)
        and all(numbers)
        and [int(m.group(1)) for m in numbers if m] == sorted(int(m.group(1)) for m in numbers if m)
    )


def _formulas_without_values(path: Path, values: Any) -> dict[str, list[tuple[int, int]]]:
    """Cells holding a formula whose result the file does not store (written by a program, never opened)."""
    import openpyxl

    found: dict[str, list[tuple[int, int]]] = {}
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for worksheet in formulas.worksheets:
            stored = values[worksheet.title]
            for row in worksheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) == "f" and stored.cell(cell.row, cell.column).value is None:
                        found.setdefault(worksheet.title, []).append((cell.row, cell.column))
    finally:
        formulas.close()
    return found


def _sheet_for(title: str, mapping: Sequence[Sheet]) -> Sheet | None:
    wanted = normal(title)
    for sheet in mapping:
        if wanted in {normal(t) for t in sheet.title.values()} | {normal(sheet.key)}:
            return sheet
    return None


def read_workbook(path: Path, mapping: Sequence[Sheet], problems: list[Problem]) -> Iterator[ReadSheet]:
    """The workbook's sheets that the mapping knows, with their rows; the others become problems."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)  # cached values: a formula is never evaluated
    except FileNotFoundError:
        raise InputError(path, "no such workbook") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InputError(path, f"is not an Excel workbook (.xlsx) openpyxl can read: {error}") from None
    formulas = _formulas_without_values(path, book)
    for worksheet in book.worksheets:
        for row, col in formulas.get(worksheet.title, []):
            problems.append(
                Problem(
                    f"sheet {worksheet.title!r}, row {row}, column {get_column_letter(col)}",
                    "a formula with no stored result (arsitek never computes formulas): open and save the "
                    "workbook in Excel or LibreOffice, or write the value",
                )
            )
        grid = _grid(worksheet)
        if not grid:
            continue
        last_row = max(r for r, _ in grid)
        named = _sheet_for(worksheet.title, mapping)
        candidates = [named] if named else list(mapping)
        matches = [(s, m) for s in candidates if (m := _match_header(grid, s, last_row))]
        if not matches:
            problems.append(
                Problem(
                    f"sheet {worksheet.title!r}",
                    "no sheet of the mapping has this title, and no row in its first "
                    f"{HEADER_SEARCH} names the mapping's columns (a name column and one more)",
                    cells=len(grid),
                )
            )
            continue
        sheet, (header_row, columns, lang) = max(matches, key=lambda m: len(m[1][1]))
        read = ReadSheet(worksheet.title, sheet, lang, header_row, {c.key for c in columns.values()})
        unknown: dict[int, int] = {}
        body = sorted({r for r, _ in grid if r > header_row})
        for number in body:
            values = {c: v for (r, c), v in grid.items() if r == number}
            # a row of a header merged over several rows repeats the header's values: not data
            if all(grid.get((header_row, c)) == v for c, v in values.items()):
                continue
            if number == body[0] and _numbering([cell_text(values[c]) for c in sorted(values)]):
                continue
            cells: dict[str, Cell] = {}
            for col, value in sorted(values.items()):
                if col not in columns:
                    unknown[col] = unknown.get(col, 0) + 1
                    continue
                cells[columns[col].key] = Cell(worksheet.title, number, col, cell_text(value), value)
            if cells:
                read.rows.append(Row(sheet, worksheet.title, number, cells))
        for col, count in sorted(unknown.items()):
            header = grid.get((header_row, col), grid.get((header_row - 1, col)))  # or its group header above
            what = f"header {cell_text(header)!r} is not" if header is not None else "a column with no header is not"
            problems.append(
                Problem(
                    f"sheet {worksheet.title!r}, column {get_column_letter(col)}",
                    f"{what} a column of the mapping's sheet {sheet.key!r}; its {count} cell(s) were not read",
                    cells=count,
                )
            )
        yield read
