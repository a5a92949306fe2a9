"""``arsitek import xlsx``: an agency's SPBE workbooks as Turtle files of its model, merged by identity.

Each row of a known sheet is one element. Its identity is an element already in the model with the
same ID (``spbe:idSia``) or name, or else a stable IRI made from the agency's namespace and the
row's ID or name, so importing the same workbook twice gives the same model. Every element keeps a
``dcterms:source`` naming the workbook, sheet and row. What the workbook says replaces what the
model says for the columns the workbook has (in the workbook's language only, for texts); every
other statement stays. Existing files change only with ``update``, and then only the blocks of the
elements that changed (:mod:`arsitek.spreadsheet.turtle`). Nothing is written until every file has
been composed and checked, and each file is replaced atomically.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from arsitek.errors import ArsitekError, OutputError, UsageError
from arsitek.load import LoadedModel, collect_files, declared_prefixes, load_model
from arsitek.output import write_model_file
from arsitek.spreadsheet.mapping import Column, Sheet, read_mapping
from arsitek.spreadsheet.reading import Cell, Problem, ReadSheet, Row, normal, read_workbook
from arsitek.spreadsheet.turtle import CannotEdit, Prefixes, Term, Triple, document, edit
from arsitek.spreadsheet.values import CONCEPT, LANG_STRING, Names, NotUnderstood, Range, literal, split_values
from arsitek.view import build_view
from arsitek.vocab import DCTERMS, KODE, OWL, PREFIXES, RDF, RDFS, SKOS, SPBE

TYPE = f"{RDF}type"
LABEL = f"{RDFS}label"
ID_SIA = f"{SPBE}idSia"
SOURCE = f"{DCTERMS}source"
ORGANISATION = "http://www.w3.org/ns/org#Organization"
#: the class of a unit a workbook names but no sheet lists (a "Unit Pelaksana" cell)
UNIT = f"{SPBE}UnitOrganisasi"
UNITS_FILE = "organisasi.ttl"
#: properties whose cells are texts in the sheet's language, whatever the vocabulary says of them
TEXTS = {LABEL, f"{SKOS}definition", f"{RDFS}comment", f"{SKOS}editorialNote"}
SOURCES_FILE = "sumber.ttl"
OTHER_FILE = "lainnya.ttl"


#: what a column's tab:isi says its cells hold, over what the vocabulary says
CONTENT = {
    "Elemen": Range("element"),
    "Kode": Range("concept"),
    "Teks": Range("literal", LANG_STRING),
    "Nilai": Range("literal"),
}


class ImportRefused(ArsitekError):
    """The import would rewrite files without ``--update``, or cannot edit them safely (exit 2)."""


@dataclass
class Outcome:
    """What an import did, for the closing counts."""

    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    units: int = 0
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def cells_not_understood(self) -> int:
        return sum(p.cells for p in self.problems)


@dataclass
class Pending:
    """One element the workbook describes: where, what it is, and its statements for the columns present."""

    iri: str
    sheet: Sheet
    lang: str
    row: Row
    kind: str
    existing: bool
    kind_given: bool = False
    present: set[str] = field(default_factory=set)  # the properties of the workbook's columns
    values: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    unreadable: set[str] = field(default_factory=set)  # properties a cell could not be read for
    origin: tuple[Path, ReadSheet] | None = None
    source: ox.NamedNode | None = None


def slug(text: str) -> str:
    """``Sistem Informasi Data Pemilih (SIDALIH)`` -> ``SistemInformasiDataPemilih``: the name, without asides."""
    text = re.sub(r"\s*\([^)]*\)", "", text) or text
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", plain)
    name = "".join(w[:1].upper() + w[1:] for w in words)
    return name or "Elemen"


def id_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", plain).strip("-")
    return name if name[:1].isalpha() else f"id-{name}"


class Importer:
    """One import: the model it merges into, the names cells may use, the elements composed so far."""

    def __init__(
        self,
        folder: Path,
        ontology: Sequence[Path],
        not_vocabulary: Sequence[Path],
        mapping: Path | None,
        prefix: str | None,
        namespace: str | None,
    ) -> None:
        self.folder = folder
        self.sheets = read_mapping(mapping) if mapping else read_mapping()
        files = collect_files([folder]) if folder.is_dir() and any(folder.glob("**/*.ttl")) else []
        if folder.is_dir() and not files and any(folder.iterdir()):
            raise OutputError(f"{folder} is neither empty nor a model (no .ttl file): import into a new folder")
        self.model: LoadedModel = load_model(files, ontology, exclude=not_vocabulary)
        view = build_view(self.model)
        facts = view.facts
        self.prefixes = self._prefixes(prefix, namespace)
        self.namespace = namespace or self._own_namespace()
        self.names = Names(
            concepts={iri: (labels, code) for iri, (labels, code) in facts.concepts.items()},
            types={iri: set(kinds) for iri, kinds in facts.types.items()},
            labels={iri: dict(texts) for iri, texts in view.labels.items() if iri in self.subjects},
            subclasses=facts.subclasses,
        )
        self.ranges = self._ranges()
        self.class_labels = view.labels  # a class's labels, for a kind cell and for messages
        self.pending: dict[str, Pending] = {}
        self.created: dict[str, list[Triple]] = {}  # units and sources: IRI -> triples
        self.created_file: dict[str, str] = {}
        self.outcome = Outcome()

    # --- what the model already is ------------------------------------------

    @cached_property
    def subjects(self) -> set[str]:
        """Every IRI the model's own files say something about."""
        graphs = [f.graph for f in self.model.model_files()]
        return {
            q.subject.value
            for g in graphs
            for q in self.model.store.quads_for_pattern(None, None, None, g)
            if isinstance(q.subject, ox.NamedNode)
        }

    def _prefixes(self, prefix: str | None, namespace: str | None) -> Prefixes:
        table: dict[str, str] = {}
        if prefix and namespace:
            table[prefix] = namespace
        elif prefix or namespace:
            raise UsageError("give --prefix and --namespace together (the IRIs new elements get)")
        for name, iri in self.model.prefixes.items():
            if name not in table and iri not in table.values():
                table[name] = iri
        for name, iri in PREFIXES.items():
            if name not in table and iri not in table.values():
                table[name] = iri
        return Prefixes(tuple(table.items()))

    def _own_namespace(self) -> str:
        """The namespace most of the model's elements are in: where new elements go."""
        counts: dict[str, int] = defaultdict(int)
        own = [(p, n) for f in self.model.model_files() for p, n in declared_prefixes(f.path)]
        arsitek = set(PREFIXES.values())
        for subject in self.subjects:
            for _, namespace in own:
                if namespace not in arsitek and subject.startswith(namespace):
                    counts[namespace] += 1
        if not counts:
            raise UsageError(
                f"{self.folder} holds no model to take the agency's namespace from: give --prefix and --namespace "
                "(for example --prefix kota --namespace https://kota.go.id/arsitektur/)"
            )
        return max(sorted(counts), key=lambda n: counts[n])

    def _ranges(self) -> dict[str, Range]:
        """What each property of the vocabulary takes, from its rdfs:range (a property with none: any element)."""
        rows = self.model.query(f"SELECT ?p ?k ?r WHERE {{ ?p a ?k OPTIONAL {{ ?p <{RDFS}range> ?r }} }}")
        found: dict[str, Range] = {}
        for row in sorted(rows, key=lambda r: (r["p"].value, r["k"].value, r["r"].value if r["r"] else "")):
            prop, kind, target = row["p"].value, row["k"].value, row["r"]
            if kind == f"{OWL}ObjectProperty":
                if target is not None and target.value == CONCEPT:
                    found[prop] = Range("concept")
                else:
                    classes = found[prop].classes if prop in found else frozenset()
                    found[prop] = Range("element", classes=classes | ({target.value} if target is not None else set()))
            elif kind == f"{OWL}DatatypeProperty":
                found[prop] = Range("literal", target.value if target is not None else None)
        return found

    # --- rows into elements ---------------------------------------------------

    def read(self, workbooks: Sequence[Path]) -> None:
        read: list[tuple[Path, ReadSheet]] = []
        for path in workbooks:
            read.extend((path, sheet) for sheet in read_workbook(path, self.sheets, self.outcome.problems))
        for path, sheet in read:  # first every row's identity, so that rows may name each other
            for row in sheet.rows:
                self.outcome.rows += 1
                self._identify(path, sheet, row)
        for element in self.pending.values():
            self._values(element)

    def _problem(self, cell: Cell | Row, reason: str) -> None:
        where = cell.where if isinstance(cell, Cell) else f"sheet {cell.title!r}, row {cell.number}"
        self.outcome.problems.append(Problem(where, reason, cells=1 if isinstance(cell, Cell) else len(cell.cells)))

    def _identify(self, path: Path, sheet: ReadSheet, row: Row) -> None:
        name_column = sheet.sheet.name_column
        name = row.cells.get(name_column.key) if name_column else None
        if name is None:
            self._problem(row, "the row has no name, so it cannot become an element; its cells were not read")
            return
        kind, kind_given = self._kind(sheet.sheet, row)
        if kind is None:
            return
        ident = next((c for c in sheet.sheet.columns if c.prop == ID_SIA), None)
        given_id = row.cells[ident.key].text if ident and ident.key in row.cells else ""
        classes = frozenset(sheet.sheet.classes)
        try:
            existing = self._by_id(given_id, classes) or self.names.element(name.text, classes, "element")
        except NotUnderstood as error:
            self._problem(name, str(error))
            return
        iri = existing or self._mint(id_slug(given_id) if given_id else slug(name.text), sheet.sheet)
        if iri in self.pending:
            first = self.pending[iri].row
            self._problem(row, f"describes the same element as sheet {first.title!r}, row {first.number}; not read")
            return
        element = Pending(iri, sheet.sheet, sheet.lang, row, kind, existing is not None, kind_given)
        element.present = {c.prop for c in sheet.sheet.columns if c.key in sheet.columns_present}
        self.pending[iri] = element
        self.names.types.setdefault(iri, set()).add(kind)
        self.names.labels.setdefault(iri, {})[sheet.lang] = name.text
        self.names.add_element(iri)
        element.origin = (path, sheet)

    def _by_id(self, given: str, classes: frozenset[str]) -> str | None:
        if not given:
            return None
        wanted = self.names.closure(classes)
        rows = self.model.query(f"SELECT ?e WHERE {{ ?e <{ID_SIA}> ?id FILTER(STR(?id) = {_sparql(given)}) }}")
        found = sorted(r["e"].value for r in rows if self.names.types.get(r["e"].value, set()) & wanted)
        return found[0] if found else None

    def _kind(self, sheet: Sheet, row: Row) -> tuple[str | None, bool]:
        """The class the row's kind cell names (and True), else the sheet's default (and False)."""
        column = next((c for c in sheet.columns if c.prop == TYPE), None)
        cell = row.cells.get(column.key) if column else None
        if cell is None:
            return sheet.default_class, False
        allowed = self.names.closure(sheet.classes)
        for iri in sorted(allowed):
            names = {normal(t) for t in self.class_labels.get(iri, {}).values()} | {normal(re.split(r"[/#]", iri)[-1])}
            if normal(cell.text) in names:
                return iri, True
        kinds = ", ".join(sorted({text for iri in sheet.classes for text in self.class_labels.get(iri, {}).values()}))
        self._problem(row, f"{cell.text!r} is not a kind this sheet holds ({kinds}); the row was not read")
        return None, False

    def _mint(self, local: str, sheet: Sheet) -> str:
        """A new IRI in the agency's namespace, not one the model or the import already uses for something else."""
        iri = self.namespace + local
        taken = set(self.names.types) | set(self.pending) | set(self.created)
        if iri in taken:
            iri = f"{self.namespace}{local}-{sheet.key}"
        number = 2
        base = iri
        while iri in taken:
            iri, number = f"{base}-{number}", number + 1
        return iri

    def _source(self, element: Pending) -> ox.NamedNode:
        """The element's row as a source (made when first needed: an unchanged element gets none)."""
        if element.source is None:
            assert element.origin is not None
            element.source = self._row_source(*element.origin, element.row)
        return element.source

    def _row_source(self, path: Path, sheet: ReadSheet, row: Row) -> ox.NamedNode:
        book = self.namespace + "sumber-" + slug(path.stem)
        if book not in self.created:
            self.created[book] = [
                (book, TYPE, ox.NamedNode(f"{SPBE}Sumber")),
                (book, LABEL, ox.Literal(f"Lembar kerja {path.name}", language="id")),
                (book, LABEL, ox.Literal(f"Workbook {path.name}", language="en")),
                (book, f"{SPBE}statusSumber", ox.NamedNode(f"{KODE}sumber-belum-terverifikasi")),
            ]
            self.created_file[book] = SOURCES_FILE
        iri = f"{book}-{slug(sheet.sheet.key)}-{row.number}"
        self.created[iri] = [
            (iri, TYPE, ox.NamedNode(f"{SPBE}Sumber")),
            (iri, LABEL, ox.Literal(f"{path.name}, lembar {sheet.title}, baris {row.number}", language="id")),
            (iri, LABEL, ox.Literal(f"{path.name}, sheet {sheet.title}, row {row.number}", language="en")),
            (iri, f"{DCTERMS}isPartOf", ox.NamedNode(book)),
            (iri, f"{SPBE}statusSumber", ox.NamedNode(f"{KODE}sumber-belum-terverifikasi")),
        ]
        self.created_file[iri] = SOURCES_FILE
        return ox.NamedNode(iri)

    def _values(self, element: Pending) -> None:
        if element.kind_given or not element.existing:
            element.values[TYPE].append(ox.NamedNode(element.kind))
        for column in element.sheet.columns:
            cell = element.row.cells.get(column.key)
            if cell is None or column.prop == TYPE:
                continue
            range_ = CONTENT.get(column.content) or self.ranges.get(column.prop, Range())
            parts = split_values(cell.text, column.prop, range_)
            for text in parts:
                try:
                    value = self._term(text, cell.value if len(parts) == 1 else None, column, range_, element)
                except NotUnderstood as error:
                    element.unreadable.add(column.prop)
                    self._problem(cell, str(error))
                else:
                    element.values[column.prop].append(value)

    def _term(self, text: str, stored: object, column: Column, range_: Range, element: Pending) -> Term:
        """A cell's value as its property takes it; texts in the sheet's language."""
        if column.prop in TEXTS:
            return ox.Literal(text, language=element.lang)
        if range_.kind == "concept":
            return ox.NamedNode(self.names.concept(text))
        if range_.kind == "element":
            return self._element(text, range_, element)
        return literal(text, stored, range_.datatype, element.lang)

    def _element(self, text: str, range_: Range, element: Pending) -> ox.NamedNode:
        kind = " or ".join(sorted(self._class_name(c) for c in range_.classes)) or "element"
        found = self.names.element(text, range_.classes, kind)
        if found:
            return ox.NamedNode(found)
        if self.names.closure(range_.classes) & {ORGANISATION, UNIT}:  # units are named, not listed
            iri = self._mint(slug(text), element.sheet)
            self.created[iri] = [
                (iri, TYPE, ox.NamedNode(UNIT)),
                (iri, LABEL, ox.Literal(text, language=element.lang)),
                (iri, SOURCE, self._source(element)),
            ]
            self.created_file[iri] = UNITS_FILE
            self.names.types[iri] = {UNIT}
            self.names.labels[iri] = {element.lang: text}
            self.names.add_element(iri)
            self.outcome.units += 1
            return ox.NamedNode(iri)
        raise NotUnderstood(f"no {kind} called {text!r} in the model or the workbook")

    def _class_name(self, iri: str) -> str:
        labels = self.class_labels.get(iri) or {}
        return labels.get("en") or re.split(r"[/#]", iri)[-1]

    # --- elements into files --------------------------------------------------

    def plan(self) -> dict[Path, str]:
        """Every file to write and its new text; raises before anything is written.

        An element the workbook lists but does not change is left as it is, source included, so
        importing the same workbook again changes nothing.
        """
        added: dict[str, list[Triple]] = defaultdict(list)  # file name -> new subjects' triples
        replaced: dict[Path, dict[str, list[tuple[str, Term]]]] = defaultdict(dict)
        for iri, element in sorted(self.pending.items()):
            if not element.existing:
                self.outcome.new += 1
                element.values[SOURCE].append(self._source(element))
                added[element.sheet.file or OTHER_FILE].extend(
                    (iri, p, v) for p, vs in sorted(element.values.items()) for v in vs
                )
                continue
            files: list[tuple[Path, list[tuple[str, Term]], list[tuple[str, Term]], bool]] = []
            for source in self.model.model_files():
                old: list[tuple[str, Term]] = [
                    (q.predicate.value, q.object)
                    for q in self.model.store.quads_for_pattern(ox.NamedNode(iri), None, None, source.graph)
                    if not isinstance(q.object, ox.Triple)
                ]
                if not old:
                    continue
                home = any(p == TYPE for p, _ in old)
                new = [(p, v) for p, v in old if not self._replaced(element, p, v)]
                if home:
                    for prop, values in element.values.items():
                        new.extend((prop, v) for v in values if (prop, v) not in new)
                files.append((source.path, old, new, home))

            def facts(statements: list[tuple[str, Term]]) -> set[tuple[str, str]]:
                return {(p, str(v)) for p, v in statements if p != SOURCE}

            changed = any(facts(new) != facts(old) for _, old, new, _ in files)
            if changed:
                for path, old, new, home in files:
                    if home:
                        new.append((SOURCE, self._source(element)))
                    if {(p, str(v)) for p, v in new} != {(p, str(v)) for p, v in old}:
                        replaced[path][iri] = new
            self.outcome.changed += changed
            self.outcome.unchanged += not changed
        for iri, triples in sorted(self.created.items()):  # units named by a cell, and the sources
            if iri not in self.subjects:
                added[self.created_file[iri]].extend(triples)
        return self._texts(added, replaced)

    def _replaced(self, element: Pending, prop: str, value: Term) -> bool:
        """Whether an old statement gives way to the workbook's: a column it has, in its language, read."""
        if prop == SOURCE:
            return isinstance(value, ox.NamedNode) and value.value.startswith(self.namespace + "sumber-")
        if prop == TYPE:
            return False
        if prop not in element.present or prop in element.unreadable:
            return False
        if isinstance(value, ox.Literal) and value.language:
            return value.language == element.lang
        return True

    def _texts(
        self, added: dict[str, list[Triple]], replaced: dict[Path, dict[str, list[tuple[str, Term]]]]
    ) -> dict[Path, str]:
        out: dict[Path, str] = {}
        by_path = {f.path: f for f in self.model.model_files()}
        targets = {self.folder / name for name in added} | set(replaced)
        for path in sorted(targets):
            triples = added.get(path.name, []) if path.parent == self.folder else []
            if path in by_path or path.exists():
                text = path.read_text(encoding="utf-8")
                own = Prefixes(tuple(declared_prefixes(path)) + self.prefixes.table)
                try:
                    out[path] = edit(text, path.as_uri(), replaced.get(path, {}), triples, own)
                except CannotEdit as error:
                    raise ImportRefused(f"{path}: cannot change only the workbook's elements: {error}") from None
            else:
                comment = (
                    "Imported by `arsitek import xlsx`: each element names the workbook,\n"
                    "sheet and row it came from (dcterms:source). Edit freely; a later\n"
                    "import with --update changes only the elements its workbook lists."
                )
                out[path] = document(comment, triples, self.prefixes)
        return out


def _sparql(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def import_workbooks(
    workbooks: Sequence[Path],
    folder: Path,
    *,
    ontology: Sequence[Path],
    not_vocabulary: Sequence[Path] = (),
    mapping: Path | None = None,
    prefix: str | None = None,
    namespace: str | None = None,
    update: bool = False,
) -> Outcome:
    """Read the workbooks, compose the files, refuse or write them; the counts and problems in the outcome."""
    importer = Importer(folder, ontology, not_vocabulary, mapping, prefix, namespace)
    importer.read(workbooks)
    texts = importer.plan()
    changed = {p: t for p, t in texts.items() if not p.exists() or p.read_text(encoding="utf-8") != t}
    existing = sorted(p for p in changed if p.exists())
    if existing and not update:
        names = ", ".join(p.name for p in existing)
        raise ImportRefused(
            f"the workbook changes {len(existing)} existing file(s) of the model ({names}); nothing was written. "
            "Give --update to change the workbook's elements in them (and only those)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    staged = [(path, text) for path, text in sorted(changed.items())]
    for path, text in staged:  # each file whole or not at all; an edited file keeps its mode
        write_model_file(path, text)
    importer.outcome.files = [p for p, _ in staged]
    return importer.outcome
