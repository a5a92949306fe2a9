"""The architecture document an agency hands in: one DOCX per language, a section per SPBE domain.

Agencies submit their architecture as a document per domain; this writes it from the model so it is
never retyped: a cover with the agency's name and the model's version, then for each domain its
elements as a table (the SIA-SPBE columns the mapping names, see :mod:`arsitek.spreadsheet.mapping`)
and its diagram, then how far the national reference lists are covered and the open findings.
Written with python-docx; diagrams are drawn by Graphviz as PNG, which every word processor shows.
The bytes are the same on every run (fixed document dates and ZIP timestamps).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arsitek.generators.base import LANGS, Inputs, Plan
from arsitek.generators.site import diagrams
from arsitek.generators.site.extensions import site_parts
from arsitek.generators.site.gather import Site, gather
from arsitek.generators.site.kinds import DOMAINS
from arsitek.generators.workbook import rows_of
from arsitek.output import Artifact
from arsitek.spreadsheet.mapping import MAPPING, Sheet, read_mapping
from arsitek.spreadsheet.writing import FIXED, stable_zip
from arsitek.text import xml_text
from arsitek.validate.findings import Severity
from arsitek.view import text

#: rows of one table in the document; the workbook and the site hold the rest
MAX_ROWS = 300
#: columns of one table: the name, the description, and the first others that say something
MAX_COLUMNS = 6
#: a diagram with more boxes than this is not legible on a page; the site has it
MAX_BOXES = 60

WORDS: dict[str, dict[str, str]] = {
    "id": {
        "document": "Dokumen Arsitektur SPBE",
        "version": "Versi model",
        "made": "Disusun dari model arsitektur dengan arsitek; setiap tabel dan diagram dibuat dari model yang sama.",
        "domain_intro": "{count} elemen. ",
        "cut": "Tabel ini memuat {shown} dari {total} baris; seluruhnya ada di lembar kerja tabel SIA-SPBE.",
        "too_large": "Diagram domain ini terlalu besar untuk satu halaman ({boxes} kotak); lihat situs dokumentasi.",
        "none": "Domain ini belum berisi elemen.",
        "coverage": "Cakupan referensi arsitektur nasional",
        "coverage_intro": "Kode referensi (Perpres 132/2022) yang direalisasikan elemen model, per daftar referensi.",
        "scheme": "Referensi",
        "codes_used": "Kode yang direalisasikan",
        "codes_all": "Kode dalam daftar",
        "findings": "Temuan yang masih terbuka",
        "findings_intro": "{violations} pelanggaran, {warnings} peringatan dan {infos} info dari {rules} aturan.",
        "rule": "Aturan",
        "severity": "Tingkat",
        "element": "Elemen",
        "message": "Pesan",
        "no_findings": "Tidak ada temuan.",
        "organisasi": "Organisasi dan tata kelola",
        "violation": "pelanggaran",
        "warning": "peringatan",
        "info": "info",
    },
    "en": {
        "document": "SPBE Architecture Document",
        "version": "Model version",
        "made": "Written from the architecture model by arsitek; every table and diagram comes from the same model.",
        "domain_intro": "{count} elements. ",
        "cut": "This table holds {shown} of {total} rows; the SIA-SPBE tables workbook holds them all.",
        "too_large": "This domain's diagram is too large for a page ({boxes} boxes); see the documentation site.",
        "none": "This domain holds no element yet.",
        "coverage": "Coverage of the national reference architecture",
        "coverage_intro": "The reference codes (Perpres 132/2022) the model's elements realise, per reference list.",
        "scheme": "Reference",
        "codes_used": "Codes realised",
        "codes_all": "Codes in the list",
        "findings": "Open findings",
        "findings_intro": "{violations} violations, {warnings} warnings and {infos} infos from {rules} rules.",
        "rule": "Rule",
        "severity": "Severity",
        "element": "Element",
        "message": "Message",
        "no_findings": "No findings.",
        "organisasi": "Organisation and governance",
        "violation": "violation",
        "warning": "warning",
        "info": "info",
    },
}

#: the site kinds whose elements a domain's diagram shows
DOMAIN_KINDS = {
    "bisnis": ("proses",),
    "layanan": ("layanan",),
    "data": ("data",),
    "aplikasi": ("aplikasi", "antarmuka"),
    "infrastruktur": ("infrastruktur",),
    "keamanan": ("kontrol", "akses", "risiko"),
    "organisasi": ("organisasi",),
}


#: what a domain's diagram draws beside its own elements: the kinds a reader of that domain asks about
NEIGHBOURS = {
    "bisnis": {"aplikasi"},
    "layanan": {"aplikasi"},
    "data": {"aplikasi"},
    "infrastruktur": {"aplikasi", "infrastruktur"},
    "keamanan": {"aplikasi", "data", "integrasi", "infrastruktur"},
}


def _clean(value: str) -> str:
    return xml_text(value)


def _domain_diagram(site: Site, domain: str, lang: str) -> bytes | None:
    """The domain's elements and what they point at, as PNG; None when there is nothing or too much to draw."""
    if domain == "aplikasi":
        drawing = diagrams.integration_map(site, lang)
    elif domain == "organisasi":
        drawing = diagrams.hierarchy(site, lang)
    else:
        drawing = diagrams.new_graph(f"domain_{domain}", "LR")
        members = [p for kind in DOMAIN_KINDS[domain] for p in site.by_kind(kind)]
        if domain == "bisnis":  # the top-level processes: their steps are in the table
            members = [p for p in members if not any(r.prop.endswith("#bagianDari") for r in p.outgoing)]
        if not members:
            return None
        drawn = {p.iri for p in members}
        for page in members:
            diagrams.add_node(drawing, page, lang, "")
        neighbours = NEIGHBOURS[domain]
        for page in members:
            for rows, forwards in ((page.outgoing, True), (page.incoming, False)):
                for row in rows:
                    for value in row.values:
                        other = site.pages.get(value.iri or "")
                        if other is None or other.kind not in neighbours or other.iri == page.iri:
                            continue
                        if other.iri not in drawn:
                            diagrams.add_node(drawing, other, lang, "")
                            drawn.add(other.iri)
                        ends = (page.iri, other.iri) if forwards or row.inverted else (other.iri, page.iri)
                        drawing.edge(diagrams.nid(ends[0]), diagrams.nid(ends[1]), label=text(row.label, lang))
    boxes = diagrams.node_count(drawing)
    if boxes == 0:
        return None
    if boxes > MAX_BOXES:
        raise diagrams.TooLarge(boxes)
    drawing.graph_attr.update(dpi="96")
    return bytes(drawing.pipe(format="png"))


def _columns(sheet: Sheet, rows: Sequence[Sequence[str]]) -> list[int]:
    """The name, the description, then the first columns any row fills, up to :data:`MAX_COLUMNS`."""
    chosen = [i for i, c in enumerate(sheet.columns) if c.key in ("nama", "uraian")]
    for index, _ in enumerate(sheet.columns):
        if len(chosen) >= MAX_COLUMNS:
            break
        if index not in chosen and any(row[index] for row in rows):
            chosen.append(index)
    return sorted(chosen)


def _table(document: Any, headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> None:
    """A table over the page's width, columns as wide as what they hold (a description gets the most)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    weights = [
        max(4, min(40, max([len(h) for h in [headers[i]]] + [len(r[i]) for r in rows[:50]])))
        for i in range(len(headers))
    ]
    widths = [int(width * w / sum(weights)) for w in weights]
    for column, size in zip(table.columns, widths, strict=True):
        column.width = size  # the grid: LibreOffice lays a table out by it, Word by the cells'
    header_row = table.rows[0]
    marker = OxmlElement("w:tblHeader")  # the header row again on every page the table runs over
    marker.set(qn("w:val"), "true")
    header_row._tr.get_or_add_trPr().append(marker)
    for cell, header, size in zip(header_row.cells, headers, widths, strict=True):
        cell.text = _clean(header)
        cell.width = size
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value, size in zip(cells, values, widths, strict=True):
            cell.text = _clean(value)
            cell.width = size


def to_docx(view: Any, site: Site, result: Any, lang: str, sheets: Sequence[Sheet]) -> bytes:
    """The document in one language."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    words = WORDS[lang]
    document = Document()
    properties = document.core_properties
    properties.author, properties.title = "arsitek", _clean(text(view.header.title, lang) or words["document"])
    properties.created = properties.modified = properties.last_printed = FIXED
    properties.revision = 1
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Liberation Sans", Pt(10)

    # the cover
    for _ in range(6):
        document.add_paragraph()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_clean(text(view.header.title, lang) or ""))
    run.bold, run.font.size = True, Pt(24)
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(words["document"]).font.size = Pt(16)
    version = document.add_paragraph()
    version.alignment = WD_ALIGN_PARAGRAPH.CENTER
    version.add_run(f"{words['version']}: {_clean(view.version)}")
    if description := text(view.header.description, lang):
        note = document.add_paragraph(_clean(description))
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(words["made"]).alignment = WD_ALIGN_PARAGRAPH.CENTER

    # the domains, in landscape: their tables are wide
    data = rows_of(view, sheets, lang)
    section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    width = section.page_width - section.left_margin - section.right_margin
    domains = {**{k: v[lang] for k, v in DOMAINS.items()}, "organisasi": words["organisasi"]}
    for number, (domain, title_text) in enumerate(domains.items(), start=1):
        document.add_heading(f"{number}. {title_text}", level=1)
        own = [s for s in sheets if s.domain == domain]
        total = sum(len(data[s.key]) for s in own)
        if total == 0:
            document.add_paragraph(words["none"])
            continue
        document.add_paragraph(words["domain_intro"].format(count=total))
        try:
            picture = _domain_diagram(site, domain, lang)
        except diagrams.TooLarge as error:
            document.add_paragraph(words["too_large"].format(boxes=error.nodes))
        else:
            if picture is not None:  # as wide as the page allows, and never taller than it
                pixels_wide, pixels_high = struct.unpack(">II", picture[16:24])
                height = section.page_height - section.top_margin - section.bottom_margin - Cm(3)
                shown_width = min(width, Cm(24), int(height * pixels_wide / pixels_high))
                document.add_picture(io.BytesIO(picture), width=shown_width)
        for sheet in own:
            rows = data[sheet.key]
            if not rows:
                continue
            document.add_heading(_clean(sheet.title.get(lang, sheet.key)), level=2)
            chosen = _columns(sheet, rows)
            headers = [sheet.columns[i].header.get(lang, sheet.columns[i].key) for i in chosen]
            shown = rows[:MAX_ROWS]
            _table(document, headers, [[row[i][:400] for i in chosen] for row in shown], width)
            if len(rows) > len(shown):
                document.add_paragraph(words["cut"].format(shown=len(shown), total=len(rows)))

    # the reference coverage
    document.add_heading(f"{len(domains) + 1}. {words['coverage']}", level=1)
    document.add_paragraph(words["coverage_intro"])
    realised = {r for page in site.pages.values() for v in page.references if (r := v.iri)}
    schemes: dict[str, list[str]] = {}
    for iri, (_, code) in site.concepts.items():
        if "/ref/" in iri and code and "." in code:
            schemes.setdefault(code.split(".", 1)[0], []).append(iri)
    coverage = [
        [scheme, str(len([c for c in codes if c in realised])), str(len(codes))]
        for scheme, codes in sorted(schemes.items())
    ]
    _table(document, [words["scheme"], words["codes_used"], words["codes_all"]], coverage, width)

    # the open findings
    document.add_heading(f"{len(domains) + 2}. {words['findings']}", level=1)
    findings = sorted(result.findings, key=lambda f: (-f.severity, f.rule_id, f.focus_node))
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    document.add_paragraph(
        words["findings_intro"].format(
            violations=counts.get(Severity.VIOLATION, 0),
            warnings=counts.get(Severity.WARNING, 0),
            infos=counts.get(Severity.INFO, 0),
            rules=len({f.rule_id for f in findings}),
        )
    )
    if findings:
        shown_findings = findings[:MAX_ROWS]
        _table(
            document,
            [words["rule"], words["severity"], words["element"], words["message"]],
            [
                [f.rule_id, words[f.severity.word], view.label(f.focus_node, lang), f.message_in(lang)]
                for f in shown_findings
            ],
            width,
        )
        if len(findings) > len(shown_findings):
            document.add_paragraph(words["cut"].format(shown=len(shown_findings), total=len(findings)))
    else:
        document.add_paragraph(words["no_findings"])
    raw = io.BytesIO()
    document.save(raw)
    return stable_zip(raw.getvalue())


def documents(inputs: Inputs, mapping: Path = MAPPING, langs: Sequence[str] = LANGS) -> Iterator[Artifact]:
    sheets = read_mapping(mapping)
    site = gather(inputs.view, inputs.result, inputs.ontology, site_parts(inputs.view.profiles))
    for lang in langs:
        yield (f"unduh/dokumen-arsitektur-{lang}.docx", to_docx(inputs.view, site, inputs.result, lang, sheets))


@dataclass(frozen=True)
class DocumentGenerator:
    """The architecture document per language; written by ``arsitek export docx``, not by every build."""

    name: str = "document"
    folder: str = "site"
    needs: tuple[str, ...] = ()
    joins: str | None = None
    also: tuple[str, ...] = ()
    mapping: Path = MAPPING

    def plan(self, inputs: Inputs, plans: Mapping[str, Plan]) -> Plan:
        return Plan(tasks=[lambda: documents(inputs, self.mapping)])
