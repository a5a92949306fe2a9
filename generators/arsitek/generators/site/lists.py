"""The index lists: the columns a reader of each kind needs, on the page and as CSV and XLSX downloads.

Which columns a kind shows is data on the kind (:attr:`Kind.columns`); the cells are the values its
element pages already show (``Page.outgoing``), so a list costs no query of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from arsitek.generators.site.gather import Page, Site, Value
from arsitek.generators.site.i18n import UI
from arsitek.generators.site.kinds import PERSONAL_DATA, Kind
from arsitek.output import Artifact
from arsitek.spreadsheet.writing import Table, csv_text, xlsx_bytes
from arsitek.view import Texts, local_name, text


@dataclass(frozen=True)
class ListRow:
    page: Page
    cells: tuple[tuple[Value, ...], ...]


def headers(site: Site, kind: Kind) -> list[Texts]:
    """Each column's name: the property's label, in both languages."""
    out = []
    for column in kind.columns:
        if column == PERSONAL_DATA:
            out.append({lang: UI[lang]["personal_data_held"] for lang in UI})
        else:
            labels = site.view.labels.get(column) or {"id": local_name(column), "en": local_name(column)}
            out.append({lang: label[:1].upper() + label[1:] for lang, label in labels.items()})
    return out


def rows(site: Site, kind: Kind, members: Sequence[Page]) -> list[ListRow]:
    view = site.view
    out = []
    for page in members:
        said = {row.prop: row.values for row in page.outgoing if not row.inverted}
        cells = []
        for column in kind.columns:
            if column == PERSONAL_DATA:
                app = view.applications.get(page.iri)
                held = [d for d in (app.holds if app else ()) if d in view.entities and view.entities[d].personal]
                cells.append(
                    tuple(
                        Value(view.labels.get(d, {}), href=site.pages[d].path if d in site.pages else None, iri=d)
                        for d in sorted(held)
                    )
                )
            else:
                cells.append(tuple(said.get(column, ())))
        out.append(ListRow(page, tuple(cells)))
    return out


def _plain(value: Value, lang: str) -> str:
    label = text(value.text, lang)
    return f"{value.code} {label}".strip() if value.code and value.code != label else label


def downloads(site: Site, kind: Kind, members: Sequence[Page], lang: str) -> Iterator[Artifact]:
    """The whole list (every page of it) as ``daftar.csv`` and ``daftar.xlsx`` beside its first page."""
    ui = UI[lang]
    names = [ui["name"], ui["type"], ui["definition"], *(text(h, lang) for h in headers(site, kind))]
    names += [ui["findings"], "IRI"]
    body = [
        [
            text(row.page.label, lang),
            ", ".join(text(c, lang) for c in row.page.classes),
            text(row.page.definition, lang),
            *("; ".join(_plain(v, lang) for v in cell) for cell in row.cells),
            str(len(row.page.findings)),
            row.page.iri,
        ]
        for row in rows(site, kind, members)
    ]
    table = Table(kind.label[lang], names, body)
    yield (f"{lang}/{kind.slug}/daftar.csv", csv_text(table))
    yield (f"{lang}/{kind.slug}/daftar.xlsx", xlsx_bytes([table], kind.label[lang]))
