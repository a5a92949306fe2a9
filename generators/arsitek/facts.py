"""What the element pages show beyond the typed view: each element's statements, the code lists, the sources.

Part of the view (:attr:`arsitek.view.ArchitectureView.facts`), so no generator reads the store:
each is read in bulk (one scan or one query) the first time a generator asks for it, and once
only; a build asks for them before its second processes fork, which then share them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from functools import cache, cached_property
from typing import Any

import pyoxigraph as ox

from arsitek.load import LoadedModel
from arsitek.vocab import OWL, RDF, RDFS, SKOS, SPBE, local_name

Texts = dict[str, str]
Statements = dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]


class ModelFacts:
    """The model's statements as generators need them beyond the typed dataclasses."""

    def __init__(self, model: LoadedModel, labels: dict[str, Texts]) -> None:
        self._model = model
        self._labels = labels
        self.vocabulary = cache(self.vocabulary)  # type: ignore[method-assign]

    @cached_property
    def types(self) -> dict[str, set[str]]:
        """Every IRI's classes."""
        types: dict[str, set[str]] = defaultdict(set)
        for row in self._model.query(f"SELECT ?s ?t WHERE {{ ?s <{RDF}type> ?t FILTER(isIRI(?s)) }}"):
            types[row["s"].value].add(row["t"].value)
        return types

    @cached_property
    def concepts(self) -> dict[str, tuple[Texts, str | None]]:
        """Every SKOS concept: its label and notation (the code a RAD reference or a code list shows)."""
        query = self._model.query
        codes = {r["s"].value: r["n"].value for r in query(f"SELECT ?s ?n WHERE {{ ?s <{SKOS}notation> ?n }}")}
        return {
            row["c"].value: (self._labels.get(row["c"].value, {}), codes.get(row["c"].value))
            for row in query(f"SELECT DISTINCT ?c WHERE {{ ?c a <{SKOS}Concept> }}")
        }

    @cached_property
    def notations(self) -> dict[str, str]:
        """Concept IRI -> its code, for the concepts that have one (how the data dictionary shows RAD references)."""
        return {iri: code for iri, (_, code) in self.concepts.items() if code}

    @cached_property
    def inverse_labels(self) -> dict[str, Texts]:
        """Property IRI -> the label of the property declared its ``owl:inverseOf``, for relations read backwards.

        A regulation's page lists what rests on it as "governs", not as "<- legal basis".
        """
        out: dict[str, Texts] = {}
        query = f"SELECT ?p ?q WHERE {{ ?q <{OWL}inverseOf> ?p FILTER(isIRI(?p) && isIRI(?q)) }}"
        for row in self._model.query(query):
            if label := self._labels.get(row["q"].value):
                out.setdefault(row["p"].value, label)
        return out

    @cached_property
    def subclasses(self) -> dict[str, set[str]]:
        """Each class with every class beneath it (not itself), read in one query: a profile's
        election stage is a business process without the model saying so."""
        below: dict[str, set[str]] = defaultdict(set)
        query = f"SELECT ?c ?up WHERE {{ ?c <{RDFS}subClassOf>+ ?up FILTER(isIRI(?up)) }}"
        for row in self._model.query(query):
            below[row["up"].value].add(row["c"].value)
        return below

    @cached_property
    def source_status(self) -> dict[str, list[str]]:
        """Every source's strength as codes (P, M, T, U: spbe:statusSumber), sorted; shown beside its name."""
        status: dict[str, list[str]] = defaultdict(list)
        query = f"SELECT ?s ?n WHERE {{ ?s <{SPBE}statusSumber> ?c . ?c <{SKOS}notation> ?n }}"
        for row in self._model.query(query):
            status[row["s"].value].append(row["n"].value)
        return {iri: sorted(codes) for iri, codes in status.items()}

    @cached_property
    def source_urls(self) -> dict[str, list[str]]:
        """Every source (spbe:Sumber) with its addresses, sorted; an empty list when it has none."""
        urls: dict[str, list[str]] = defaultdict(list)
        for row in self._model.query(f"SELECT ?s ?u WHERE {{ ?s a <{SPBE}Sumber> ; <{SPBE}url> ?u }}"):
            urls[row["s"].value].append(row["u"].value)
        return {
            row["s"].value: sorted(urls.get(row["s"].value, []))
            for row in self._model.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{SPBE}Sumber> }}")
        }

    @cached_property
    def urls(self) -> dict[str, list[str]]:
        """Every element's addresses (``spbe:url``), sorted, read in one query: where a provider is."""
        found: dict[str, list[str]] = defaultdict(list)
        for row in self._model.query(f"SELECT ?s ?u WHERE {{ ?s <{SPBE}url> ?u FILTER(isIRI(?s)) }}"):
            found[row["s"].value].append(row["u"].value)
        return {iri: sorted(values) for iri, values in found.items()}

    @cached_property
    def relations(self) -> list[tuple[str, str, str]]:
        """Every statement of an arsitek property that points at another element, sorted."""
        rows = self._model.query(
            "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?p), 'https://w3id.org/arsitek/')) }"
        )
        return sorted((s.value, p.value, o.value) for s, p, o in rows)

    def statements(self, subjects: Collection[str]) -> Statements:
        """What the model says about each of ``subjects`` (IRIs and literals; blank nodes left out), in one scan."""
        found: Statements = defaultdict(lambda: defaultdict(list))
        for quad in self._model.store.quads_for_pattern(None, None, None):
            subject, obj = quad.subject, quad.object
            if not isinstance(subject, ox.NamedNode) or subject.value not in subjects:
                continue
            if isinstance(obj, ox.NamedNode | ox.Literal):
                found[subject.value][quad.predicate.value].append(obj)
        return found

    def linked(self, predicate: str, of_type: str) -> dict[str, str]:
        """The local name of the ``predicate`` value of every instance of ``of_type`` that has one."""
        rows = self._model.query(f"SELECT ?e ?l WHERE {{ ?e <{predicate}> ?l ; a <{of_type}> }}")
        return {r["e"].value: local_name(r["l"].value) for r in rows}

    def vocabulary(self, lang: str) -> dict[str, Any]:
        """The vocabulary's classes and properties, and every code list, with their texts in ``lang``."""
        rows = self._model.query(
            "PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "SELECT ?t ?k ?label ?def ?range ?domain ?super WHERE { ?t a ?k . "
            "VALUES ?k { owl:Class owl:ObjectProperty owl:DatatypeProperty } "
            "FILTER(STRSTARTS(STR(?t), 'https://w3id.org/arsitek/')) "
            f"OPTIONAL {{ ?t rdfs:label ?label FILTER(LANG(?label) = '{lang}') }} "
            f"OPTIONAL {{ ?t skos:definition ?def FILTER(LANG(?def) = '{lang}') }} "
            "OPTIONAL { ?t rdfs:range ?range } OPTIONAL { ?t rdfs:domain ?domain } "
            "OPTIONAL { ?t rdfs:subClassOf ?super FILTER(STRSTARTS(STR(?super), 'https://w3id.org/arsitek/')) } }"
        )
        terms: dict[str, dict[str, Any]] = {}
        for row in rows:
            iri = row["t"].value
            entry = terms.setdefault(
                iri,
                {
                    "iri": iri,
                    "name": local_name(iri),
                    "kind": local_name(row["k"].value),
                    "label": "",
                    "definition": "",
                    "range": set(),
                    "domain": set(),
                    "super": set(),
                },
            )
            if row["label"] is not None:
                entry["label"] = row["label"].value
            if row["def"] is not None:
                entry["definition"] = row["def"].value
            for key in ("range", "domain", "super"):
                if row[key] is not None:
                    entry[key].add(local_name(row[key].value))
        schemes = self._model.query(
            f"SELECT ?s ?c ?n ?l WHERE {{ ?c <{SKOS}inScheme> ?s . OPTIONAL {{ ?c <{SKOS}notation> ?n }} "
            f"OPTIONAL {{ ?c <{SKOS}prefLabel> ?l FILTER(LANG(?l) = '{lang}') }} }}"
        )
        concepts: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in schemes:
            concepts[row["s"].value].append(
                {
                    "notation": row["n"].value if row["n"] else "",
                    "label": row["l"].value if row["l"] else local_name(row["c"].value),
                }
            )
        ordered = sorted(terms.values(), key=lambda t: (t["kind"] != "Class", t["name"].lower()))
        for term in ordered:
            for key in ("range", "domain", "super"):
                term[key] = ", ".join(sorted(term[key]))
        return {
            "terms": ordered,
            "schemes": {k: sorted(v, key=lambda c: (c["notation"], c["label"])) for k, v in sorted(concepts.items())},
        }
