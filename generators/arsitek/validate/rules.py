"""The rule catalogue: SHACL shapes that carry an ``ars:ruleId``.

A rule is one named shape; the property shapes and SPARQL constraints nested
in it report under its id, so a finding always names a rule an architect can
look up, never a blank node.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from arsitek.errors import ArsitekError
from arsitek.load import LoadedModel, load_model
from arsitek.validate.findings import Rule, Severity
from arsitek.vocab import ATURAN, RDF, RDFS, SH, shorten

_TEMPLATE_VAR = re.compile(r"\{[?$](\w+)\}")

_NESTING = (
    f"(<{SH}property>|<{SH}node>|<{SH}not>|<{SH}qualifiedValueShape>|<{SH}sparql>|"
    f"((<{SH}and>|<{SH}or>|<{SH}xone>)/<{RDF}rest>*/<{RDF}first>))*"
)


@dataclass
class ShapesGraph:
    """The loaded shapes, their catalogue, and which rule each (nested) shape belongs to."""

    source: LoadedModel
    rules: tuple[Rule, ...]
    rule_of_shape: dict[str, str]
    messages: dict[str, dict[str, str]]  # shape or SPARQL constraint -> language -> template

    def message_for(
        self, nodes: Sequence[str | None], focus: str, path: str | None, value: str | None
    ) -> dict[str, str]:
        """The messages of the first of ``nodes`` that has any, with SHACL's ``{?var}`` filled in.

        Engines differ in how they treat language tags (pyshacl drops them from
        SPARQL messages), so messages are always rendered here from the shapes.
        """
        bound = {"this": focus, "path": path or "", "value": value or "", "focusNode": focus}

        def fill(match: re.Match[str]) -> str:
            return _show(bound.get(match.group(1), match.group(0)))

        for node in nodes:
            if node is not None and node in self.messages:
                return {lang: _TEMPLATE_VAR.sub(fill, text) for lang, text in self.messages[node].items()}
        return {}

    @property
    def store(self) -> ox.Store:
        return self.source.store

    @functools.cached_property
    def rdflib_graph(self) -> rdflib.Graph:
        """The shapes as an in-memory rdflib graph, blank-node ids kept, for engines that need rdflib.

        Shapes graphs are small and read constantly, so a copy beats reading through a store proxy.
        """
        graph = rdflib.Graph()
        for quad in self.store.quads_for_pattern(None, None, None):
            graph.add((_to_rdflib(quad.subject), _to_rdflib(quad.predicate), _to_rdflib(quad.object)))
        return graph

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.rule_id == rule_id:
                return rule
        raise KeyError(rule_id)


def _texts(model: LoadedModel, predicate: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    rows = model.query(f"SELECT ?s ?t WHERE {{ ?s <{ATURAN}ruleId> ?id ; <{predicate}> ?t }} ORDER BY ?s ?t")
    for row in rows:
        literal = row["t"]
        assert isinstance(literal, ox.Literal)
        out.setdefault(row["s"].value, {}).setdefault(literal.language or "", literal.value)
    return out


def load_shapes(paths: Sequence[Path]) -> ShapesGraph:
    """Load the shapes files and read the catalogue out of them."""
    source = load_model(paths)
    titles = _texts(source, f"{RDFS}label")
    descriptions = _texts(source, f"{RDFS}comment")
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for row in source.query(
        f"SELECT ?s ?id ?sev WHERE {{ ?s <{ATURAN}ruleId> ?id OPTIONAL {{ ?s <{SH}severity> ?sev }} }} ORDER BY ?id"
    ):
        rule_id = row["id"].value
        shape = row["s"].value
        if rule_id in seen:
            raise ArsitekError(f"rule id {rule_id} is used by two shapes: <{seen[rule_id]}> and <{shape}>")
        seen[rule_id] = shape
        severity = Severity.from_iri(row["sev"].value) if row["sev"] is not None else Severity.VIOLATION
        rules.append(
            Rule(
                rule_id=rule_id,
                shape=shape,
                severity=severity,
                title=titles.get(shape, {}),
                description=descriptions.get(shape, {}),
            )
        )
    rule_of_shape: dict[str, str] = {}
    for row in source.query(
        f"SELECT ?id ?nested WHERE {{ ?rule <{ATURAN}ruleId> ?id . ?rule {_NESTING} ?nested }} ORDER BY ?id"
    ):
        rule_of_shape.setdefault(_key(row["nested"]), row["id"].value)
    for rule in rules:  # a named rule always reports under its own id, even when nested in another
        rule_of_shape[rule.shape] = rule.rule_id
    messages: dict[str, dict[str, str]] = {}
    for row in source.query(f"SELECT ?s ?m WHERE {{ ?s <{SH}message> ?m }} ORDER BY ?s ?m"):
        literal = row["m"]
        assert isinstance(literal, ox.Literal)
        messages.setdefault(_key(row["s"]), {}).setdefault(literal.language or "", literal.value)
    return ShapesGraph(source=source, rules=tuple(rules), rule_of_shape=rule_of_shape, messages=messages)


def _to_rdflib(term: object) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"unsupported term in shapes: {term!r}")


def _show(term: str) -> str:
    return shorten(term) if "://" in term else term


def _key(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(node, ox.Triple):
        raise TypeError("RDF-star triples are not supported in shapes")
    return node.value if isinstance(node, ox.NamedNode) else f"_:{node.value}"
