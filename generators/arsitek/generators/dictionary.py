"""The data dictionary as rows, and as CSV and XLSX downloads people open in a spreadsheet.

XLSX files are zip archives with timestamps inside; both the document
properties and the zip entries get fixed dates so two builds are byte-identical.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from arsitek.generators.base import LANGS, Inputs, Plan
from arsitek.output import Artifact
from arsitek.spreadsheet.writing import FIXED, stable_zip
from arsitek.text import spreadsheet_row
from arsitek.view import ArchitectureView, AtributData, text


@dataclass(frozen=True)
class DictionaryRow:
    entity: str
    entity_label: str
    attribute: str
    attribute_label: str
    datatype: str
    constraint: str
    description_id: str
    description_en: str
    required: str
    key: str
    openness: str
    kind: str
    validity: str
    pdp: str
    steward: str
    producer: str
    source: str
    digital_copy: str
    consumers: str
    rad: str


COLUMNS = {
    "id": [
        "Entitas",
        "Label entitas",
        "Atribut",
        "Label atribut",
        "Tipe data",
        "Batasan nilai",
        "Deskripsi (id)",
        "Deskripsi (en)",
        "Wajib",
        "Kunci",
        "Keterbukaan (KIP)",
        "Jenis data",
        "Validitas data",
        "Kategori data pribadi (PDP)",
        "Walidata",
        "Produsen",
        "Sumber otoritatif",
        "Salinan digital",
        "Konsumen",
        "Referensi RAD",
    ],
    "en": [
        "Entity",
        "Entity label",
        "Attribute",
        "Attribute label",
        "Datatype",
        "Value constraint",
        "Description (id)",
        "Description (en)",
        "Required",
        "Key",
        "Openness (KIP)",
        "Data kind",
        "Data validity",
        "Personal-data category (PDP)",
        "Steward",
        "Producer",
        "Authoritative source",
        "Digital copy",
        "Consumers",
        "RAD reference",
    ],
}


def rows(view: ArchitectureView, lang: str, notation: dict[str, str]) -> list[DictionaryRow]:
    consumers: dict[str, set[str]] = {}
    for flow in view.integrations.values():
        for data in flow.data:
            consumers.setdefault(data, set()).add(view.label(flow.target, lang))
    yes, no = ("ya", "tidak") if lang == "id" else ("yes", "no")
    out = []
    for entity in sorted(view.entities.values(), key=lambda e: e.name):
        rad = ", ".join(sorted(notation.get(r, r.rsplit("/", 1)[-1]) for r in entity.references))
        for attribute in entity.attributes:
            out.append(
                DictionaryRow(
                    entity=entity.name,
                    entity_label=text(entity.label, lang),
                    attribute=attribute.name,
                    attribute_label=text(attribute.label, lang),
                    datatype=f"xsd:{attribute.datatype}",
                    constraint=_constraint(attribute),
                    description_id=text(attribute.definition, "id"),
                    description_en=text(attribute.definition, "en"),
                    required=yes if attribute.required else no,
                    key=yes if attribute.name in entity.primary_key else "",
                    openness=entity.openness or "",
                    kind=entity.kind or "",
                    validity=entity.validity or "",
                    pdp=attribute.pdp or "",
                    steward=view.label(entity.steward, lang) if entity.steward else "",
                    producer="; ".join(view.label(p, lang) for p in entity.producers),
                    source=view.label(entity.authoritative_source, lang) if entity.authoritative_source else "",
                    digital_copy="; ".join(view.label(a, lang) for a in entity.digital_copies),
                    consumers="; ".join(sorted(consumers.get(entity.iri, set()))),
                    rad=rad,
                )
            )
    return out


def _constraint(attribute: AtributData) -> str:
    """``^[0-9]{16}$; 16`` or ``8–20``: the attribute's own pattern and length, as the contracts enforce them."""
    low, high = attribute.min_length, attribute.max_length
    length = "" if low is None and high is None else (str(low) if low == high else f"{low or 0}–{high or ''}")
    return "; ".join(part for part in (attribute.pattern or "", length) if part)


def to_csv(data: list[DictionaryRow], lang: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS[lang])
    for row in data:
        writer.writerow(spreadsheet_row(vars(row).values()))
    return buffer.getvalue()


def to_xlsx(data: list[DictionaryRow], lang: str) -> bytes:
    """The dictionary as a workbook, streamed row by row.

    XlsxWriter's constant-memory mode writes each row as it comes. A national dictionary has
    tens of thousands of rows; openpyxl's write-only mode took twice as long for the same cells.
    Text stays text: nothing that looks like a formula, a number or an address is converted.
    """
    import xlsxwriter

    raw = io.BytesIO()
    options = {
        "in_memory": True,
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    book = xlsxwriter.Workbook(raw, options)
    book.set_properties({"author": "arsitek", "created": FIXED})
    sheet = book.add_worksheet("Kamus data" if lang == "id" else "Data dictionary")
    for index, width in enumerate([18, 28, 18, 26, 14, 48, 48, 8, 12, 12, 24, 24, 24, 30, 12]):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(data), len(COLUMNS[lang]) - 1)
    sheet.write_row(0, 0, COLUMNS[lang], book.add_format({"bold": True}))
    for number, row in enumerate(data, start=1):
        sheet.write_row(number, 0, spreadsheet_row(vars(row).values()))
    book.close()
    return stable_zip(raw.getvalue())


def downloads(view: ArchitectureView, notation: dict[str, str], langs: Sequence[str] = LANGS) -> Iterator[Artifact]:
    """The data dictionary as CSV and XLSX in each language, under the site's ``unduh/`` folder."""
    for lang in langs:
        data = rows(view, lang, notation)
        yield (f"unduh/kamus-data-{lang}.csv", to_csv(data, lang))
        yield (f"unduh/kamus-data-{lang}.xlsx", to_xlsx(data, lang))


@dataclass(frozen=True)
class DictionaryGenerator:
    """The data dictionary's spreadsheets: they need only the view, so they are written first, beside the rest."""

    name: str = "dictionary"
    folder: str = "site"
    needs: tuple[str, ...] = ()
    joins: str | None = None
    also: tuple[str, ...] = ()

    def plan(self, inputs: Inputs, plans: Mapping[str, Plan]) -> Plan:
        return Plan(tasks=[lambda: downloads(inputs.view, inputs.view.facts.notations)])
