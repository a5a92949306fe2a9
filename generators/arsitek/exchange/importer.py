"""``arsitek import archimate``: an ArchiMate model as Turtle in house style, nothing dropped silently.

An element becomes the SPBE class its type clearly is (an application component an ``Aplikasi``, a
business process a ``ProsesBisnis``...), or, when arsitek exported it, exactly the class it had;
anything else an ``ElemenArchiMate`` that keeps its ArchiMate type. A relationship becomes the SPBE
property it clearly is (an application serving a process: ``didukungOleh``), the property arsitek
exported it from, or one that keeps its ArchiMate type (``spbe:archimateServing``). A flow arsitek
exported comes back as its integration. Properties come back as SPBE values where a code resolves,
else as ``spbe:propertiArchimate "name: value"``; folders as ``spbe:folderArchimate``; views as
which elements they show. Every element names the file (``dcterms:source``) and its identifier in
it. Terms: ``ontology/archimate.ttl``; the mapping, table by table: ``docs/archimate.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from arsitek.errors import OutputError, UsageError
from arsitek.exchange.mapping import CLASS_PROPERTY, IRI_PROPERTY, PREDICATE_PROPERTY
from arsitek.exchange.reading import Exchange, Problem, read_exchange
from arsitek.load import collect_files, load_model
from arsitek.output import write_model_file
from arsitek.spreadsheet.importer import slug
from arsitek.spreadsheet.turtle import Prefixes, Term, Triple, document
from arsitek.spreadsheet.values import Names, NotUnderstood
from arsitek.view import build_view
from arsitek.vocab import DCTERMS, KODE, PREFIXES, RDF, RDFS, SKOS, SPBE

TYPE = f"{RDF}type"
LABEL = f"{RDFS}label"

#: ArchiMate type -> the SPBE class it clearly is; the rest stay ElemenArchiMate
CLASSES = {
    "BusinessProcess": f"{SPBE}ProsesBisnis",
    "BusinessService": f"{SPBE}Layanan",
    "ApplicationComponent": f"{SPBE}Aplikasi",
    "ApplicationInterface": f"{SPBE}Antarmuka",
    "DataObject": f"{SPBE}DataInformasi",
    "BusinessObject": f"{SPBE}DataInformasi",
    "Node": f"{SPBE}Infrastruktur",
    "Device": f"{SPBE}PerangkatPengguna",
    "CommunicationNetwork": f"{SPBE}Jaringan",
    "BusinessRole": f"{SPBE}Peran",
    "Principle": f"{SPBE}PrinsipArsitektur",
}
_INFRA = {"Node", "Device", "CommunicationNetwork", "SystemSoftware"}
_PHYSICAL = {"Path", "Equipment", "Facility", "DistributionNetwork", "Material"}

#: (relationship, ArchiMate source type, target type) -> (SPBE property, True when its subject is the target)
CLEAR: dict[tuple[str, str, str], tuple[str, bool]] = {
    ("Serving", "ApplicationComponent", "BusinessProcess"): ("didukungOleh", True),
    ("Realization", "ApplicationComponent", "BusinessService"): ("disediakanMelalui", True),
    ("Realization", "BusinessProcess", "BusinessService"): ("menghasilkanLayanan", False),
    ("Access", "ApplicationComponent", "DataObject"): ("menyimpanData", False),
    ("Access", "ApplicationComponent", "BusinessObject"): ("menyimpanData", False),
    ("Composition", "BusinessProcess", "BusinessProcess"): ("bagianDari", True),
    ("Composition", "ApplicationComponent", "ApplicationInterface"): ("disediakanOleh", True),
    **{
        ("Serving", kind, "ApplicationComponent"): ("dihostingDi", True)
        for kind in ("Node", "Device", "CommunicationNetwork")
    },
}

#: the file each element is written to, by its ArchiMate layer
FILES = {
    **dict.fromkeys(("BusinessActor", "BusinessRole", "BusinessCollaboration", "Stakeholder"), "organisasi.ttl"),
    **dict.fromkeys(("DataObject", "BusinessObject", "Contract", "Representation", "Artifact"), "data.ttl"),
    **dict.fromkeys(
        ("Driver", "Assessment", "Goal", "Outcome", "Principle", "Requirement", "Constraint", "Meaning", "Value"),
        "motivasi.ttl",
    ),
}


def _file(kind: str) -> str:
    if kind in FILES:
        return FILES[kind]
    if kind.startswith("Business") or kind in ("Product",):
        return "bisnis.ttl"
    if kind.startswith("Application"):
        return "aplikasi.ttl"
    if kind.startswith("Technology") or kind in _INFRA | {
        "Path",
        "Equipment",
        "Facility",
        "DistributionNetwork",
        "Material",
    }:
        return "infrastruktur.ttl"
    return "lainnya.ttl"


@dataclass
class Outcome:
    elements: int = 0
    relationships: int = 0
    views: int = 0
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _namespace_of(exchange: Exchange, namespace: str | None) -> str:
    if namespace:
        return namespace
    counts: dict[str, int] = defaultdict(int)
    for record in exchange.elements:
        for name, value in record.properties:
            if name == IRI_PROPERTY:
                counts[re.sub(r"[^/#]*$", "", value)] += 1
    if not counts:
        raise UsageError("give --prefix and --namespace: the IRIs the file's elements get in the model")
    return max(sorted(counts), key=lambda n: counts[n])


def import_archimate(
    path: Path,
    folder: Path,
    *,
    ontology: Sequence[Path],
    not_vocabulary: Sequence[Path] = (),
    prefix: str | None = None,
    namespace: str | None = None,
    lenient: bool = False,
) -> Outcome:
    """Read the file (refusing what is hostile or, unless ``lenient``, breaks the schema) and write the model."""
    if (prefix is None) != (namespace is None):
        raise UsageError("give --prefix and --namespace together (the IRIs the file's elements get)")
    if folder.exists() and any(folder.iterdir()) and not any(folder.glob("*.ttl")):
        raise OutputError(f"{folder} is neither empty nor a model (no .ttl file): import into a new folder")
    exchange = read_exchange(path, lenient=lenient)
    base = _namespace_of(exchange, namespace)
    model = load_model(collect_files([folder]) if any(folder.glob("*.ttl")) else [], ontology, exclude=not_vocabulary)
    view = build_view(model)
    names = Names(view.facts.concepts, {}, {}, view.facts.subclasses)
    known_classes = set(view.facts.subclasses) | {c for kinds in view.facts.types.values() for c in kinds}
    outcome = Outcome(problems=list(exchange.problems))
    triples: dict[str, list[Triple]] = defaultdict(list)
    home: dict[str, str] = {}
    book = base + "sumber-" + slug(path.stem)
    triples["sumber.ttl"] += [
        (book, TYPE, ox.NamedNode(f"{SPBE}Sumber")),
        (book, LABEL, ox.Literal(f"Model ArchiMate {path.name}", language="id")),
        (book, LABEL, ox.Literal(f"ArchiMate model {path.name}", language="en")),
        (book, f"{SPBE}statusSumber", ox.NamedNode(f"{KODE}sumber-belum-terverifikasi")),
    ]
    iri_of: dict[str, str] = {}
    kind_of: dict[str, str] = {}
    taken: set[str] = set()
    for record in exchange.elements:
        stated = dict(record.properties).get(IRI_PROPERTY)
        local = slug(next(iter(record.names.values()), "")) if record.names else ""
        iri = stated or base + (local or "elemen") + "-" + hashlib.sha1(record.identifier.encode()).hexdigest()[:6]
        if not stated and local and base + local not in taken:
            iri = base + local
        taken.add(iri)
        iri_of[record.identifier] = iri
        kind_of[record.identifier] = record.kind

    def add(subject: str, predicate: str, value: Term) -> None:
        triples[home.get(subject, "lainnya.ttl")].append((subject, predicate, value))

    for record in exchange.elements:
        iri = iri_of[record.identifier]
        given = dict(record.properties)
        kept = given.get(CLASS_PROPERTY, "")
        cls = kept if kept in known_classes else CLASSES.get(record.kind, f"{SPBE}ElemenArchiMate")
        home[iri] = _file(record.kind)
        add(iri, TYPE, ox.NamedNode(cls))
        if cls == f"{SPBE}ElemenArchiMate" or record.kind == "BusinessObject":
            add(iri, f"{SPBE}tipeArchimate", ox.Literal(record.kind))
        for lang, value in (record.names or {"en": record.identifier}).items():
            add(iri, LABEL, ox.Literal(value, language=lang))
        for lang, value in record.documentation.items():
            add(iri, f"{SKOS}definition", ox.Literal(value, language=lang))
        add(iri, f"{SPBE}identitasArchimate", ox.Literal(record.identifier))
        add(iri, f"{DCTERMS}source", ox.NamedNode(book))
        if exchange.folders.get(record.identifier):
            add(iri, f"{SPBE}folderArchimate", ox.Literal(exchange.folders[record.identifier]))
        for name, value in record.properties:
            if name in (IRI_PROPERTY, CLASS_PROPERTY, "spbe:pemilik"):  # the owner: its association says it
                continue
            restored = _restored(name, value, names)
            if restored is not None:
                add(iri, *restored)
            else:
                add(iri, f"{SPBE}propertiArchimate", ox.Literal(f"{name}: {value}"))
        outcome.elements += 1
    for record in exchange.relationships:
        if record.source not in iri_of or record.target not in iri_of:
            outcome.problems.append(
                Problem(
                    record.line,
                    f"relationship {record.identifier} joins a relationship or an unknown element; not imported",
                )
            )
            continue
        source, target = iri_of[record.source], iri_of[record.target]
        given = dict(record.properties)
        if record.kind == "Flow" and IRI_PROPERTY in given:  # an integration arsitek exported
            flow = given[IRI_PROPERTY]
            home[flow] = "integrasi.ttl"
            add(flow, TYPE, ox.NamedNode(f"{SPBE}Integrasi"))
            for lang, value in record.names.items():
                add(flow, LABEL, ox.Literal(value, language=lang))
            add(flow, f"{SPBE}sumberIntegrasi", ox.NamedNode(source))
            add(flow, f"{SPBE}tujuanIntegrasi", ox.NamedNode(target))
            add(flow, f"{DCTERMS}source", ox.NamedNode(book))
            for name, value in record.properties:
                restored = _restored(name, value, names)
                if restored is not None:
                    add(flow, *restored)
            outcome.relationships += 1
            continue
        predicate = given.get(PREDICATE_PROPERTY)
        if predicate:  # exported by arsitek: the property, read the right way round
            from arsitek.exchange.mapping import RELATIONSHIPS

            reverse = (
                RELATIONSHIPS.get(re.split(r"[/#]", predicate)[-1], ("", False))[1] and record.kind != "Association"
            )
            subject, obj = (target, source) if reverse else (source, target)
        else:
            clear = CLEAR.get((record.kind, kind_of[record.source], kind_of[record.target]))
            if clear:
                predicate, reverse = f"{SPBE}{clear[0]}", clear[1]
                subject, obj = (target, source) if reverse else (source, target)
            else:
                predicate, subject, obj = f"{SPBE}archimate{record.kind}", source, target
        add(subject, predicate, ox.NamedNode(obj))
        outcome.relationships += 1
    for view_record in exchange.views:
        name = next(iter(view_record.names.values()), view_record.identifier)
        iri = base + "tampilan-" + slug(name) + "-" + hashlib.sha1(view_record.identifier.encode()).hexdigest()[:6]
        home[iri] = "tampilan.ttl"
        add(iri, TYPE, ox.NamedNode(f"{SPBE}TampilanArchimate"))
        for lang, value in (view_record.names or {"en": view_record.identifier}).items():
            add(iri, LABEL, ox.Literal(value, language=lang))
        for ref in dict.fromkeys(view_record.shows):
            if ref in iri_of:
                add(iri, f"{SPBE}menampilkan", ox.NamedNode(iri_of[ref]))
        add(iri, f"{DCTERMS}source", ox.NamedNode(book))
        outcome.views += 1
    table = {prefix or "m": base}
    for name, iri in (*model.prefixes.items(), *PREFIXES.items()):
        if name not in table and iri not in table.values():
            table[name] = iri
    prefixes = Prefixes(tuple(table.items()))
    texts = {
        folder / name: document(
            f"Imported by `arsitek import archimate` from {path.name}: each element names\n"
            "the file (dcterms:source) and its identifier in it (spbe:identitasArchimate).",
            found,
            prefixes,
        )
        for name, found in sorted(triples.items())
    }
    existing = sorted(p.name for p in texts if p.exists())
    if existing:
        raise OutputError(f"{folder} already has {', '.join(existing)}: import into a new folder, nothing was written")
    folder.mkdir(parents=True, exist_ok=True)
    for target_path, content in texts.items():
        write_model_file(target_path, content)
    outcome.files = sorted(texts)
    return outcome


def _restored(name: str, value: str, names: Names) -> tuple[str, Term] | None:
    """An SPBE property arsitek exported (``spbe:statusSiklusHidup: operasional``) as its statement again."""
    if not name.startswith("spbe:"):
        return None
    prop = SPBE + name.removeprefix("spbe:")
    if name in ("spbe:idSia", "spbe:membawaData"):
        return (prop, ox.Literal(value)) if name == "spbe:idSia" else None
    if name == "spbe:url":
        return prop, ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#anyURI"))
    try:
        return prop, ox.NamedNode(names.concept(value))
    except NotUnderstood:
        return None
