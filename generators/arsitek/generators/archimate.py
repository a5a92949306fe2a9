"""The model as one ArchiMate exchange file (MEFF 3.1): open it in Archi, Visual Paradigm or Sparx EA.

Every element the mapping knows (:mod:`arsitek.exchange.mapping`) becomes an ArchiMate element with
its names and documentation in both languages and its SPBE facts as properties (the IRI and the SPBE
class among them, so an import finds both again); every relation between two of them a relationship
ArchiMate 3.2 allows; every integration flow a Flow between its applications. The views (the
layered landscape, the integration map, the organisation, and one per application with what it
touches) are laid out by Graphviz, so they open arranged, not stacked in a corner. Identifiers are
derived from IRIs, so two exports of one model are the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from lxml import etree

from arsitek.exchange.mapping import (
    CLASS_PROPERTY,
    ELEMENT_TYPES,
    IRI_PROPERTY,
    PREDICATE_PROPERTY,
    PROPERTIES,
    RELATIONSHIPS,
)
from arsitek.exchange.table import LETTERS, TABLE, allowed
from arsitek.generators.base import LANGS, Inputs, Plan
from arsitek.text import xml_text
from arsitek.view import ArchitectureView, local_name, text
from arsitek.vocab import SPBE

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = f"{NS} http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd"
#: a view with more boxes than this is not drawn (a national landscape): the site has the elements
MAX_VIEW = 400
#: applications that get a view of their own, in name order
MAX_APPLICATION_VIEWS = 300
BOX_W, BOX_H = 120, 55
LAYERS = {
    "Business": (
        "BusinessProcess",
        "BusinessService",
        "BusinessActor",
        "BusinessRole",
        "BusinessObject",
        "BusinessEvent",
    ),
    "Application": ("ApplicationComponent", "ApplicationInterface", "DataObject"),
    "Technology & Physical": ("Node", "Device", "SystemSoftware", "CommunicationNetwork"),
    "Motivation": ("Constraint", "Requirement", "Principle", "Assessment"),
}


#: every element type of ArchiMate 3.2 (an imported element's kept type must be one)
ARCHIMATE_TYPES = frozenset(
    [
        "BusinessActor",
        "BusinessRole",
        "BusinessCollaboration",
        "BusinessInterface",
        "BusinessProcess",
        "BusinessFunction",
        "BusinessInteraction",
        "BusinessEvent",
        "BusinessService",
        "BusinessObject",
        "Contract",
        "Representation",
        "Product",
        "ApplicationComponent",
        "ApplicationCollaboration",
        "ApplicationInterface",
        "ApplicationFunction",
        "ApplicationInteraction",
        "ApplicationProcess",
        "ApplicationEvent",
        "ApplicationService",
        "DataObject",
        "Node",
        "Device",
        "SystemSoftware",
        "TechnologyCollaboration",
        "TechnologyInterface",
        "Path",
        "CommunicationNetwork",
        "TechnologyFunction",
        "TechnologyProcess",
        "TechnologyInteraction",
        "TechnologyEvent",
        "TechnologyService",
        "Artifact",
        "Equipment",
        "Facility",
        "DistributionNetwork",
        "Material",
        "Stakeholder",
        "Driver",
        "Assessment",
        "Goal",
        "Outcome",
        "Principle",
        "Requirement",
        "Constraint",
        "Meaning",
        "Value",
        "Resource",
        "Capability",
        "ValueStream",
        "CourseOfAction",
        "WorkPackage",
        "Deliverable",
        "ImplementationEvent",
        "Plateau",
        "Gap",
        "Grouping",
        "Location",
    ]
)


def ident(*parts: str) -> str:
    """An xs:ID from what a thing is (its IRI, or its ends): stable across exports, never a bare number."""
    return "id-" + hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:20]


@dataclass
class Exchange:
    """What the file holds, before it is written: for the writer, the views and the tests."""

    elements: dict[str, str] = field(default_factory=dict)  # IRI -> ArchiMate type
    #: id, type, source IRI, target IRI, the SPBE property or flow IRI, names per language
    relationships: list[tuple[str, str, str, str, str, Mapping[str, str]]] = field(default_factory=list)
    #: what the model says about each element, read once (one scan of the store) for types and properties
    statements: Mapping[str, Mapping[str, list[ox.NamedNode | ox.Literal]]] = field(default_factory=dict)


def _most_specific(kinds: set[str], below: Mapping[str, set[str]]) -> str:
    own = sorted(k for k in kinds if not (below.get(k, set()) & kinds))
    return next((k for k in own if k.startswith("https://w3id.org/arsitek/")), own[0] if own else "")


def collect(view: ArchitectureView) -> Exchange:
    """The elements, with their types, and the relationships between them (each allowed by the table)."""
    facts = view.facts
    below = facts.subclasses
    out = Exchange()
    for iri, kinds in sorted(facts.types.items()):
        if f"{SPBE}Integrasi" in kinds or f"{SPBE}AtributData" in kinds:
            continue
        for cls, kind in ELEMENT_TYPES:
            if kinds & ({cls} | below.get(cls, set())):
                entity = view.entities.get(iri)
                out.elements[iri] = "BusinessObject" if kind == "DataObject" and entity and entity.form else kind
                break
    out.statements = facts.statements(out.elements)  # one scan of the store, read again by the writer
    kept = out.statements
    for iri in out.elements:  # an imported element keeps the ArchiMate type it came with
        for term in kept.get(iri, {}).get(f"{SPBE}tipeArchimate", []):
            if isinstance(term, ox.Literal) and term.value in ARCHIMATE_TYPES:
                out.elements[iri] = term.value
    exported = out.elements
    for subject, prop, obj in facts.relations:
        if subject not in exported or obj not in exported or subject == obj:
            continue
        name = local_name(prop)
        if name.startswith("archimate") and name[9:] in LETTERS:  # an imported relationship, its type kept
            kind, source, target = name[9:], subject, obj
            known = (exported[source], exported[target]) in TABLE
            if not known or allowed(exported[source], kind, exported[target]):
                out.relationships.append((ident(subject, prop, obj), kind, source, target, prop, {}))
                continue
        kind, reverse = RELATIONSHIPS.get(name, ("Association", False))
        source, target = (obj, subject) if reverse else (subject, obj)
        if not allowed(exported[source], kind, exported[target]):
            kind, source, target = "Association", subject, obj
        labels = dict(view.labels.get(prop, {}))
        out.relationships.append((ident(subject, prop, obj), kind, source, target, prop, labels))
    for iri, flow in sorted(view.integrations.items()):
        ends = flow.source in exported and flow.target in exported and flow.source != flow.target
        if ends and allowed(exported[flow.source], "Flow", exported[flow.target]):
            out.relationships.append(
                (ident(iri), "Flow", flow.source, flow.target, iri, dict(view.labels.get(iri, {})))
            )
    out.relationships.sort()
    return out


def _texts(parent: etree._Element, tag: str, texts: Mapping[str, str]) -> None:
    for lang in sorted(texts, key=lambda lg: (lg != "id", lg)):
        if texts[lang]:
            child = etree.SubElement(parent, f"{{{NS}}}{tag}")
            child.set(XML_LANG, lang)
            child.text = xml_text(texts[lang])


def _value(view: ArchitectureView, term: ox.NamedNode | ox.Literal) -> str:
    if isinstance(term, ox.Literal):
        return term.value
    concept = view.facts.concepts.get(term.value)
    if concept is not None:
        return concept[1] or text(concept[0], "id") or local_name(term.value)
    return view.label(term.value, "id")


class _Properties:
    """The property definitions used, each named once, in a fixed order."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def ref(self, name: str) -> str:
        return self.names.setdefault(name, "propid-" + hashlib.sha1(name.encode()).hexdigest()[:12])

    def add(self, parent: etree._Element, values: Sequence[tuple[str, str]]) -> None:
        if not values:
            return
        holder = etree.SubElement(parent, f"{{{NS}}}properties")
        for name, value in values:
            prop = etree.SubElement(holder, f"{{{NS}}}property", propertyDefinitionRef=self.ref(name))
            etree.SubElement(prop, f"{{{NS}}}value").text = xml_text(value)


def layout(
    nodes: Sequence[tuple[str, str]], edges: Sequence[tuple[str, str]], direction: str
) -> dict[str, tuple[int, int]]:
    """Top-left corners of fixed-size boxes, laid out by Graphviz's dot (points, as ArchiMate tools read them)."""
    import graphviz

    graph = graphviz.Digraph(graph_attr={"rankdir": direction, "nodesep": "0.4", "ranksep": "0.7", "splines": "false"})
    graph.attr("node", shape="box", fixedsize="true", width=str(BOX_W / 72), height=str(BOX_H / 72), label="")
    for key, _ in nodes:
        graph.node(key)
    for tail, head in edges:
        graph.edge(tail, head)
    drawn = json.loads(graph.pipe(format="json"))
    height = float(drawn["bb"].split(",")[3])
    out = {}
    for obj in drawn.get("objects", []):
        x, y = (float(v) for v in obj["pos"].split(","))
        out[obj["name"]] = (max(0, round(x - BOX_W / 2)) + 20, max(0, round(height - y - BOX_H / 2)) + 20)
    return out


def _views(view: ArchitectureView, exchange: Exchange) -> Iterator[tuple[str, Mapping[str, str], list[str], str]]:
    """(key, names, the elements shown, layout direction) of each view."""
    kinds = exchange.elements
    by_type: dict[str, list[str]] = defaultdict(list)
    for iri, kind in kinds.items():
        by_type[kind].append(iri)
    layered = [
        i
        for k in (
            "BusinessProcess",
            "BusinessService",
            "ApplicationComponent",
            "DataObject",
            "BusinessObject",
            "Node",
            "Device",
            "SystemSoftware",
            "CommunicationNetwork",
        )
        for i in by_type[k]
    ]
    yield "landscape", {"id": "Lanskap berlapis", "en": "Layered landscape"}, layered, "TB"
    flows = [r for r in exchange.relationships if r[1] == "Flow"]
    yield (
        "integration",
        {"id": "Peta integrasi", "en": "Integration map"},
        sorted({e for r in flows for e in r[2:4]}),
        "LR",
    )
    yield "organisation", {"id": "Organisasi", "en": "Organisation"}, sorted(by_type["BusinessActor"]), "TB"
    apps = sorted(by_type["ApplicationComponent"], key=lambda i: (view.label(i, "id").lower(), i))
    for app in apps[:MAX_APPLICATION_VIEWS]:
        near = sorted({e for r in exchange.relationships if app in r[2:4] for e in r[2:4]})
        names = {
            lang: f"{view.label(app, lang)}: konteks" if lang == "id" else f"{view.label(app, lang)}: context"
            for lang in LANGS
        }
        yield f"app:{app}", names, near, "LR"


def to_meff(view: ArchitectureView) -> bytes:
    exchange = collect(view)
    props = _Properties()
    model = etree.Element(f"{{{NS}}}model", nsmap={None: NS, "xsi": XSI})
    model.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    model.set("identifier", ident(view.header.iri or "model"))
    _texts(model, "name", view.header.title or {"id": "Model arsitektur", "en": "Architecture model"})
    _texts(model, "documentation", view.header.description)
    props.add(model, [("arsitek:versi", view.version)])
    statements = exchange.statements
    below = view.facts.subclasses
    types = view.facts.types
    elements = etree.SubElement(model, f"{{{NS}}}elements")
    for iri in sorted(exchange.elements, key=lambda i: ident(i)):
        element = etree.SubElement(elements, f"{{{NS}}}element", identifier=ident(iri))
        element.set(f"{{{XSI}}}type", exchange.elements[iri])
        _texts(element, "name", view.labels.get(iri) or {"id": local_name(iri)})
        _texts(element, "documentation", view.definitions.get(iri, {}))
        said = statements.get(iri, {})
        values = [(IRI_PROPERTY, iri), (CLASS_PROPERTY, _most_specific(types.get(iri, set()), below))]
        for name in PROPERTIES:
            for term in sorted(said.get(f"{SPBE}{name}", []), key=str):
                values.append((f"spbe:{name}", _value(view, term)))
        entity = view.entities.get(iri)
        if entity is not None:  # the UU 27/2022 categories of the personal data it holds, for a reader in Archi
            for category in sorted({a.pdp for a in entity.attributes if a.pdp}):
                values.append(("spbe:kategoriDataPribadi", category))
        props.add(element, values)
    relationships = etree.SubElement(model, f"{{{NS}}}relationships")
    for rid, kind, source, target, what, names in exchange.relationships:
        relationship = etree.SubElement(
            relationships, f"{{{NS}}}relationship", identifier=rid, source=ident(source), target=ident(target)
        )
        relationship.set(f"{{{XSI}}}type", kind)
        _texts(relationship, "name", names)
        if kind == "Flow" and what in view.integrations:
            flow = view.integrations[what]
            values = [(IRI_PROPERTY, what), *(("spbe:membawaData", view.label(d, "id")) for d in flow.data)]
            values += [
                (f"spbe:{k}", v)
                for k, v in (
                    ("polaIntegrasi", flow.pattern),
                    ("enkripsi", flow.encryption),
                    ("autentikasi", flow.authentication),
                )
                if v
            ]
            props.add(relationship, values)
        else:
            props.add(relationship, [(PREDICATE_PROPERTY, what)])
    organizations = etree.SubElement(model, f"{{{NS}}}organizations")
    for layer, kinds in LAYERS.items():
        members = sorted((i for i, k in exchange.elements.items() if k in kinds), key=ident)
        if members:
            folder = etree.SubElement(organizations, f"{{{NS}}}item")
            etree.SubElement(folder, f"{{{NS}}}label").text = layer
            for iri in members:
                etree.SubElement(folder, f"{{{NS}}}item", identifierRef=ident(iri))
    if exchange.relationships:
        folder = etree.SubElement(organizations, f"{{{NS}}}item")
        etree.SubElement(folder, f"{{{NS}}}label").text = "Relations"
        for rid, *_ in exchange.relationships:
            etree.SubElement(folder, f"{{{NS}}}item", identifierRef=rid)
    views_element = etree.Element(f"{{{NS}}}views")
    diagrams = etree.SubElement(views_element, f"{{{NS}}}diagrams")
    for key, names, shown, direction in _views(view, exchange):
        if not shown or len(shown) > MAX_VIEW:
            continue
        inside = frozenset(shown)
        links = [r for r in exchange.relationships if r[2] in inside and r[3] in inside and r[2] != r[3]]
        boxes = {iri: ident(key, iri) for iri in shown}
        at = layout([(boxes[i], i) for i in shown], [(boxes[r[2]], boxes[r[3]]) for r in links], direction)
        diagram = etree.SubElement(diagrams, f"{{{NS}}}view", identifier=ident("view", key))
        diagram.set(f"{{{XSI}}}type", "Diagram")
        _texts(diagram, "name", names)
        for iri in shown:
            x, y = at.get(boxes[iri], (20, 20))
            node = etree.SubElement(
                diagram,
                f"{{{NS}}}node",
                identifier=boxes[iri],
                elementRef=ident(iri),
                x=str(x),
                y=str(y),
                w=str(BOX_W),
                h=str(BOX_H),
            )
            node.set(f"{{{XSI}}}type", "Element")
        for rid, _, source, target, *_ in links:
            connection = etree.SubElement(
                diagram,
                f"{{{NS}}}connection",
                identifier=ident(key, rid),
                relationshipRef=rid,
                source=boxes[source],
                target=boxes[target],
            )
            connection.set(f"{{{XSI}}}type", "Relationship")
    definitions = etree.SubElement(model, f"{{{NS}}}propertyDefinitions")
    for name, ref in sorted(props.names.items(), key=lambda kv: kv[1]):
        definition = etree.SubElement(definitions, f"{{{NS}}}propertyDefinition", identifier=ref, type="string")
        etree.SubElement(definition, f"{{{NS}}}name").text = name
    if len(diagrams):
        model.append(views_element)
    return bytes(etree.tostring(model, xml_declaration=True, encoding="UTF-8", pretty_print=True))


@dataclass(frozen=True)
class ArchimateGenerator:
    """``archimate/model.xml``: written by ``arsitek export archimate``, not by every build."""

    name: str = "archimate"
    folder: str = "archimate"
    needs: tuple[str, ...] = ()
    joins: str | None = None
    also: tuple[str, ...] = ()

    def plan(self, inputs: Inputs, plans: Mapping[str, Plan]) -> Plan:
        return Plan(tasks=[lambda: [("model.xml", to_meff(inputs.view))]])
