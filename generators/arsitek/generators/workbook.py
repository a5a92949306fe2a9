"""The SIA-SPBE domain tables as one workbook: what an agency pastes into SIA-SPBE or hands on.

Which sheet holds which elements and which column which property is data, not code: a mapping in
Turtle (``templates/workbook/sia-spbe.ttl``) that an agency with a different template copies and
edits. The cells come from the typed view's statements, so no query runs per element; codes are
written as "CODE Name", elements by their label, and nothing a cell says becomes a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from arsitek.generators.base import LANGS, Inputs, Plan
from arsitek.generators.dictionary import FIXED, stable_zip
from arsitek.output import Artifact
from arsitek.text import readable, spreadsheet_row
from arsitek.view import ArchitectureView, text
from arsitek.vocab import RDF, RDFS

TAB = "https://w3id.org/arsitek/tabel#"
MAPPING = Path(__file__).resolve().parent.parent / "templates" / "workbook" / "sia-spbe.ttl"
#: Excel's limit on a sheet name; longer names are cut, which the mapping's names never need.
SHEET_NAME = 31


@dataclass(frozen=True)
class Column:
    key: str
    header: Mapping[str, str]
    prop: str


@dataclass(frozen=True)
class Sheet:
    key: str
    title: Mapping[str, str]
    classes: tuple[str, ...]
    columns: tuple[Column, ...]


def read_mapping(path: Path = MAPPING) -> tuple[Sheet, ...]:
    """The sheets and their columns, in the mapping's order."""
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)

    def texts(node: ox.NamedNode) -> dict[str, str]:
        return {
            q.object.language or "id": q.object.value
            for q in store.quads_for_pattern(node, ox.NamedNode(f"{RDFS}label"), None)
            if isinstance(q.object, ox.Literal)
        }

    def objects(node: ox.NamedNode, prop: str) -> list[str]:
        found = store.quads_for_pattern(node, ox.NamedNode(TAB + prop), None)
        return sorted(q.object.value for q in found if isinstance(q.object, ox.NamedNode | ox.Literal))

    def order(node: ox.NamedNode) -> int:
        return int(objects(node, "urutan")[0])

    def typed(kind: str) -> list[ox.NamedNode]:
        found = store.quads_for_pattern(None, ox.NamedNode(f"{RDF}type"), ox.NamedNode(TAB + kind))
        return [q.subject for q in found if isinstance(q.subject, ox.NamedNode)]

    columns: dict[str, list[tuple[int, Column]]] = {}
    for node in typed("Kolom"):
        sheet = objects(node, "lembar")[0]
        key = node.value.removeprefix(TAB).split("-", 1)[-1]
        columns.setdefault(sheet, []).append((order(node), Column(key, texts(node), objects(node, "properti")[0])))
    sheets = []
    for node in typed("Lembar"):
        own = tuple(column for _, column in sorted(columns.get(node.value, []), key=lambda c: c[0]))
        sheets.append(
            (order(node), Sheet(node.value.removeprefix(TAB), texts(node), tuple(objects(node, "kelas")), own))
        )
    return tuple(sheet for _, sheet in sorted(sheets, key=lambda s: s[0]))


def rows_of(view: ArchitectureView, sheets: Sequence[Sheet], lang: str) -> dict[str, list[list[str]]]:
    """Each sheet's rows: one per element (sorted by label), one cell per column, several values joined by "; "."""
    types = view.facts.types
    placed: dict[str, str] = {}
    below = view.facts.subclasses
    for sheet in sheets:  # an element goes into the first sheet one of whose classes (or their subclasses) it has
        wanted = set(sheet.classes).union(*(below.get(c, set()) for c in sheet.classes))
        for iri in sorted(types):
            if iri not in placed and types[iri] & wanted:
                placed[iri] = sheet.key
    statements = view.facts.statements(placed)
    concepts = view.facts.concepts

    def cell(term: ox.NamedNode | ox.Literal) -> str:
        if isinstance(term, ox.Literal):
            return readable(term.value)
        if term.value in concepts:
            label, code = concepts[term.value]
            name = text(label, lang)
            return f"{code} {name}".strip() if code else name
        return view.label(term.value, lang)

    out: dict[str, list[list[str]]] = {sheet.key: [] for sheet in sheets}
    columns = {sheet.key: sheet.columns for sheet in sheets}
    for iri in sorted(placed, key=lambda i: (view.label(i, lang).lower(), i)):
        said = statements.get(iri, {})
        row = []
        for column in columns[placed[iri]]:
            values: list[ox.NamedNode | ox.Literal] = list(said.get(column.prop, []))
            tagged: list[ox.NamedNode | ox.Literal] = [v for v in values if isinstance(v, ox.Literal) and v.language]
            if tagged:  # a label or definition: the page's language, else the other
                values = [v for v in tagged if isinstance(v, ox.Literal) and v.language == lang] or tagged
            row.append("; ".join(sorted({cell(v) for v in values})))
        out[placed[iri]].append(row)
    return out


def to_xlsx(view: ArchitectureView, lang: str, sheets: Sequence[Sheet] | None = None) -> bytes:
    """One workbook, a sheet per domain and infrastructure object, with a frozen, filtered header."""
    import xlsxwriter

    sheets = tuple(sheets or read_mapping())
    data = rows_of(view, sheets, lang)
    raw = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(raw, options)
    book.set_properties({"author": "arsitek", "created": FIXED, "title": text(view.header.title, lang)})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for sheet in sheets:
        page = book.add_worksheet(sheet.title.get(lang, sheet.key)[:SHEET_NAME])
        headers = [column.header.get(lang, column.key) for column in sheet.columns]
        rows = data[sheet.key]
        for index, header in enumerate(headers):
            longest = max([len(header)] + [len(row[index]) for row in rows])
            page.set_column(index, index, min(60, max(10, longest + 2)), wrap)
        page.freeze_panes(1, 0)
        page.autofilter(0, 0, max(1, len(rows)), len(headers) - 1)
        page.write_row(0, 0, headers, bold)
        for number, row in enumerate(rows, start=1):
            page.write_row(number, 0, spreadsheet_row(row))
    book.close()
    return stable_zip(raw.getvalue())


def downloads(view: ArchitectureView, mapping: Path = MAPPING, langs: Sequence[str] = LANGS) -> Iterator[Artifact]:
    """The workbook in each language, beside the data dictionary under the site's ``unduh/``."""
    sheets = read_mapping(mapping)
    for lang in langs:
        yield (f"unduh/tabel-sia-spbe-{lang}.xlsx", to_xlsx(view, lang, sheets))


@dataclass(frozen=True)
class WorkbookGenerator:
    """The SIA-SPBE tables: they need only the view, so they are written beside the rest."""

    name: str = "workbook"
    folder: str = "site"
    needs: tuple[str, ...] = ()
    joins: str | None = None
    also: tuple[str, ...] = ()
    #: the agency's own mapping of sheets and columns, when its template differs from SIA-SPBE's
    mapping: Path = MAPPING

    def plan(self, inputs: Inputs, plans: Mapping[str, Plan]) -> Plan:
        return Plan(tasks=[lambda: downloads(inputs.view, self.mapping)])
