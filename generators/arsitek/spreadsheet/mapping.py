"""Which sheet holds which elements and which column which property: a mapping that is data.

The mapping is Turtle (``templates/workbook/sia-spbe.ttl`` for the SIA-SPBE tables); an agency whose
template differs copies it and edits it. Export and import read it through :func:`read_mapping`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from arsitek.errors import InputError
from arsitek.load import display_path, load_one
from arsitek.source_file import SourceFile
from arsitek.vocab import RDF, RDFS

TAB = "https://w3id.org/arsitek/tabel#"
MAPPING = Path(__file__).resolve().parent.parent / "templates" / "workbook" / "sia-spbe.ttl"


@dataclass(frozen=True)
class Column:
    key: str
    header: Mapping[str, str]
    prop: str
    #: other headers people write for this column (both languages), matched like the header
    aliases: tuple[str, ...] = ()
    #: what the cells hold where the vocabulary does not say (tab:isi): Elemen, Kode, Teks or Nilai
    content: str = ""


@dataclass(frozen=True)
class Sheet:
    key: str
    title: Mapping[str, str]
    classes: tuple[str, ...]
    columns: tuple[Column, ...]
    #: the class a row gets when its kind column is empty or absent
    default_class: str = ""
    #: the model file (one per SPBE domain) the sheet's elements are written to on import
    file: str = ""
    #: the SPBE domain the sheet belongs to (bisnis, layanan, data, aplikasi, infrastruktur, keamanan, organisasi)
    domain: str = ""

    @property
    def name_column(self) -> Column | None:
        return next((c for c in self.columns if c.prop == f"{RDFS}label"), None)


def read_mapping(path: Path = MAPPING) -> tuple[Sheet, ...]:
    """The sheets and their columns, in the mapping's order."""
    store = ox.Store()
    load_one(store, SourceFile(path, display_path(path), "ontology"))  # a typo names file, line and column

    def texts(node: ox.NamedNode) -> dict[str, str]:
        return {
            q.object.language or "id": q.object.value
            for q in store.quads_for_pattern(node, ox.NamedNode(f"{RDFS}label"), None)
            if isinstance(q.object, ox.Literal)
        }

    def objects(node: ox.NamedNode, prop: str) -> list[str]:
        found = store.quads_for_pattern(node, ox.NamedNode(TAB + prop), None)
        return sorted(q.object.value for q in found if isinstance(q.object, ox.NamedNode | ox.Literal))

    def one(node: ox.NamedNode, prop: str, default: str | None = None) -> str:
        values = objects(node, prop)
        if len(values) > 1:  # two columns given one IRI merge into one node: say so, never pick one
            raise InputError(path, f"{node.value} has {len(values)} tab:{prop} ({', '.join(values)}); it takes one")
        if values:
            return values[0]
        if default is None:
            raise InputError(path, f"{node.value} has no tab:{prop}")
        return default

    def order(node: ox.NamedNode) -> int:
        return int(one(node, "urutan"))

    def typed(kind: str) -> list[ox.NamedNode]:
        found = store.quads_for_pattern(None, ox.NamedNode(f"{RDF}type"), ox.NamedNode(TAB + kind))
        return [q.subject for q in found if isinstance(q.subject, ox.NamedNode)]

    columns: dict[str, list[tuple[int, Column]]] = {}
    for node in typed("Kolom"):
        sheet = one(node, "lembar")
        key = node.value.removeprefix(TAB).split("-", 1)[-1]
        content = one(node, "isi", "").removeprefix(TAB)
        column = Column(key, texts(node), one(node, "properti"), tuple(objects(node, "alias")), content)
        columns.setdefault(sheet, []).append((order(node), column))
    sheets = []
    for node in typed("Lembar"):
        own = tuple(column for _, column in sorted(columns.get(node.value, []), key=lambda c: c[0]))
        classes = tuple(objects(node, "kelas"))
        default = one(node, "kelasBawaan", classes[0] if classes else "")
        file = one(node, "berkas", "")
        if file and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*\.ttl", file):  # a name, never a path
            raise InputError(path, f"{node.value}: tab:berkas {file!r} is not a plain file name ending in .ttl")
        found = Sheet(node.value.removeprefix(TAB), texts(node), classes, own, default, file, one(node, "domain", ""))
        sheets.append((order(node), found))
    return tuple(sheet for _, sheet in sorted(sheets, key=lambda s: s[0]))
