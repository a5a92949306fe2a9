"""The SIA-SPBE domain tables as one workbook: what an agency pastes into SIA-SPBE or hands on.

Which sheet holds which elements and which column which property is data, not code: a mapping in
Turtle (``templates/workbook/sia-spbe.ttl``) that an agency with a different template copies and
edits. The cells come from the typed view's statements, so no query runs per element; codes are
written as "CODE Name", elements by their label, and nothing a cell says becomes a formula.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from arsitek.generators.base import LANGS, Inputs, Plan
from arsitek.output import Artifact
from arsitek.spreadsheet.mapping import MAPPING, Sheet, read_mapping
from arsitek.spreadsheet.writing import Table, xlsx_bytes
from arsitek.text import readable
from arsitek.view import ArchitectureView, text
from arsitek.vocab import RDF, RDFS


def rows_of(view: ArchitectureView, sheets: Sequence[Sheet], lang: str) -> dict[str, list[list[str]]]:
    """Each sheet's rows: one per element (sorted by label), one cell per column, several values joined by "; "."""
    types = view.facts.types
    placed: dict[str, str] = {}
    below = view.facts.subclasses
    kinds: dict[str, set[str]] = {}
    for sheet in sheets:  # an element goes into the first sheet one of whose classes (or their subclasses) it has
        wanted = kinds[sheet.key] = set(sheet.classes).union(*(below.get(c, set()) for c in sheet.classes))
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
            if not code or name.casefold() == code.casefold():
                return name or code or term.value
            return f"{code} {name}".strip()
        return view.label(term.value, lang)

    out: dict[str, list[list[str]]] = {sheet.key: [] for sheet in sheets}
    columns = {sheet.key: sheet.columns for sheet in sheets}
    for iri in sorted(placed, key=lambda i: (view.label(i, lang).lower(), i)):
        said = statements.get(iri, {})
        row = []
        for column in columns[placed[iri]]:
            values: list[ox.NamedNode | ox.Literal] = list(said.get(column.prop, []))
            if column.prop == f"{RDF}type":  # the kind: the most specific of the sheet's classes the element has
                own = {v.value for v in values} & kinds[placed[iri]]
                values = [ox.NamedNode(c) for c in own if not (below.get(c, set()) & own)]
            tagged: list[ox.NamedNode | ox.Literal] = [v for v in values if isinstance(v, ox.Literal) and v.language]
            if tagged:  # texts in the workbook's language only; a name falls back to the other (a row needs one)
                mine: list[ox.NamedNode | ox.Literal] = [
                    v for v in tagged if isinstance(v, ox.Literal) and v.language == lang
                ]
                values = mine or (tagged if column.prop == f"{RDFS}label" else [])
            row.append("; ".join(sorted({cell(v) for v in values})))
        out[placed[iri]].append(row)
    return out


def to_xlsx(view: ArchitectureView, lang: str, sheets: Sequence[Sheet] | None = None) -> bytes:
    """One workbook, a sheet per domain and infrastructure object, with a frozen, filtered header."""
    sheets = tuple(sheets or read_mapping())
    data = rows_of(view, sheets, lang)
    tables = [
        Table(
            sheet.title.get(lang, sheet.key),
            [column.header.get(lang, column.key) for column in sheet.columns],
            data[sheet.key],
        )
        for sheet in sheets
    ]
    return xlsx_bytes(tables, text(view.header.title, lang))


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
