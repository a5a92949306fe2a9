"""A set-based SHACL engine's compiler: each constraint compiled into one SPARQL query that finds every violation.

pyshacl walks focus node by focus node over rdflib, so its cost grows faster than
the model. Here a constraint becomes a single query over the pyoxigraph store,
following the SPARQL definitions the SHACL specification gives for the core
constraint components (sh:minCount as a GROUP BY ... HAVING, sh:class as a
FILTER NOT EXISTS over rdf:type/rdfs:subClassOf*, ...). SPARQL-based
constraints run as written, with the target joined in instead of pre-binding
``$this``. A shape that uses a feature this compiler does not support is left to
pyshacl, and the run says so. The planner (:mod:`arsitek.validate.planner`) then
shares passes between checks, and the executor (:mod:`arsitek.validate.executor`) runs them.
"""

from __future__ import annotations

import logging
import re

import pyoxigraph as ox

from arsitek.validate.checks import (
    VALUES_SLOT,
    Check,
    Term,
    Unsupported,
    after_where,
    filter_,
    iri,
    none_of,
    shape_key,
)
from arsitek.validate.findings import Severity
from arsitek.validate.fragments import ShapeFragments
from arsitek.validate.rules import ShapesGraph
from arsitek.validate.sources import SparqlSource
from arsitek.vocab import RDFS, SH

log = logging.getLogger("arsitek.engine")


class Compiler(ShapeFragments):
    """Emits one :class:`Check` per constraint of every rule it supports."""

    def compile(self) -> tuple[list[Check], list[str]]:
        """Checks for every rule the compiler supports, and the rule ids left to pyshacl."""
        checks: list[Check] = []
        unsupported: list[str] = []
        for rule in self.shapes.rules:
            node: ox.NamedNode | ox.BlankNode = (
                ox.BlankNode(rule.shape[2:]) if rule.shape.startswith("_:") else ox.NamedNode(rule.shape)
            )
            try:
                checks += self.rule(rule.rule_id, node)
            except Unsupported as exc:
                log.info("%s: %s; this rule runs on pyshacl", rule.rule_id, exc)
                unsupported.append(rule.rule_id)
        return checks, unsupported

    def rule(self, rule_id: str, shape: ox.NamedNode | ox.BlankNode) -> list[Check]:
        if self.deactivated(shape):
            return []
        target = self.target(shape)
        if not target:
            raise Unsupported("shape without a target")
        if self.one(shape, f"{SH}path") is not None:  # a property shape with targets of its own
            return self.constraints(rule_id, shape, shape, target, shape)
        checks = self.constraints(rule_id, shape, shape, target, None)
        for prop in self.objects(shape, f"{SH}property"):
            checks += self.constraints(rule_id, shape, prop, target, prop)
        return checks

    def constraints(
        self, rule_id: str, node_shape: Term, shape: Term, target: str, property_shape: Term | None
    ) -> list[Check]:
        for quad in self.store.quads_for_pattern(shape, None, None):  # type: ignore[arg-type]
            predicate = quad.predicate.value
            if predicate.startswith(SH):
                name = predicate[len(SH) :]
                if name not in self.SUPPORTED and name not in self.IGNORED:
                    raise Unsupported(f"sh:{name}")
        severity = self.severity(shape)
        key = shape_key(shape)
        checks: list[Check] = []
        if self.deactivated(shape):
            return checks
        if property_shape is None:  # a node shape: the focus node is the value node
            for name in sorted(self.PATH_ONLY):
                if self.objects(shape, f"{SH}{name}"):
                    raise Unsupported(f"sh:{name} on a node shape")
            for prop in self.objects(shape, f"{SH}equals"):  # the focus node must be its only value of prop
                values = f"{target} ?this {iri(prop)} ?value"
                other = f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER(!sameTerm(?value, ?this)) }}"
                itself = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {iri(prop)} ?this }} }}"
                checks += [
                    Check(rule_id, key, severity, other, None, "value"),
                    Check(rule_id, key, severity, itself, None, None, focus_is_value=True),
                ]
            for prop in self.objects(shape, f"{SH}disjoint"):
                query = (
                    f"SELECT DISTINCT ?this ?value WHERE {{ {target} ?this {iri(prop)} ?this BIND(?this AS ?value) }}"
                )
                checks.append(Check(rule_id, key, severity, query, None, "value"))
            for name, _, fails in self.value_tests(shape, "?this"):
                checks.append(
                    Check(
                        rule_id,
                        key,
                        severity,
                        f"SELECT DISTINCT ?this ?value WHERE {{ {target} FILTER({fails}) BIND(?this AS ?value) }}",
                        None,
                        None if name == "hasValue" else "value",  # hasValue results name no value
                    )
                )
            if self.flag(shape, "closed"):
                checks.append(self.closed(rule_id, shape, target, severity))
            for constraint in self.objects(shape, f"{SH}sparql"):
                checks.append(self.sparql(rule_id, shape, constraint, target, severity))
            return checks
        path_node = self.one(shape, f"{SH}path")
        if path_node is None:
            raise Unsupported("property shape without sh:path")
        path = self.path(path_node)
        result_path = path_node.value if isinstance(path_node, ox.NamedNode) else None
        for inner in self.objects(shape, f"{SH}property"):
            # The values on the path are the focus nodes of a property shape inside a property shape.
            focus = self.var("focus")
            outer = re.sub(r"[?$]this\b", focus, target)
            values = f"{{ SELECT DISTINCT ?this WHERE {{ {outer} {focus} {path} ?this }} }}"
            checks += self.constraints(rule_id, inner, inner, values, inner)

        def add(query: str, value: bool) -> None:
            checks.append(Check(rule_id, key, severity, query, result_path, "value" if value else None))

        def missing(pattern: str) -> None:
            """Focus nodes for which ``pattern`` has no solution."""
            query = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ {pattern} }} }}"
            violated = f"NOT EXISTS {{ {pattern} }}"
            checks.append(Check(rule_id, key, severity, query, result_path, None, target=target, violated=violated))

        # A node with a value on the path P is a focus node when the shape targets the subjects of P:
        # the target join is then implied by the path and left out.
        implied = isinstance(path_node, ox.NamedNode) and path_node in self.objects(node_shape, f"{SH}targetSubjectsOf")
        value_target = "" if implied else target

        def bad_value(condition: str) -> None:
            """Every value on the path for which ``condition`` holds is a violation."""
            add(
                f"SELECT DISTINCT ?this ?value WHERE {{ {value_target} ?this {path} ?value FILTER({condition}) }}", True
            )

        def too_few(minimum: int, condition: str = "true") -> None:
            """Focus nodes with fewer than ``minimum`` values on the path that meet ``condition``."""
            if minimum == 1:  # the common case: an anti-join, not a count per focus node
                missing(f"?this {path} ?value {filter_(condition)}")
                return
            add(
                f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?value {filter_(condition)}}} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {minimum})",
                False,
            )

        for count in self.objects(shape, f"{SH}minCount"):
            if int(count.value) > 0:
                too_few(int(count.value))
        for count in self.objects(shape, f"{SH}maxCount"):
            most = int(count.value)
            query = (
                f"SELECT ?this WHERE {{ {value_target} ?this {path} ?value }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {most})"
            )
            if most + 1 > self.MOST_DISTINCT:
                add(query, False)
                continue
            # The same as a test of each focus node, so a planned pass over the target can share it.
            violated = f"EXISTS {{ {self.distinct_values('?this', path, most + 1)} }}"
            checks.append(Check(rule_id, key, severity, query, result_path, None, target=target, violated=violated))
        for value in self.objects(shape, f"{SH}hasValue"):
            missing(f"?this {path} {iri(value)}")
        for _, _, fails in self.value_tests(shape, "?value"):
            bad_value(fails)
        if self.flag(shape, "uniqueLang"):  # one result per language used by two values
            add(
                f"SELECT DISTINCT ?this (lang(?value) AS ?lang) WHERE {{ {value_target} ?this {path} ?value . "
                f'?this {path} ?other FILTER(!sameTerm(?value, ?other) && lang(?value) != "" '
                f"&& lang(?value) = lang(?other)) }}",
                False,
            )
        for prop in self.objects(shape, f"{SH}equals"):
            add(
                f"SELECT DISTINCT ?this ?value WHERE {{ {target} {{ ?this {path} ?value "
                f"FILTER NOT EXISTS {{ ?this {iri(prop)} ?value }} }} UNION {{ ?this {iri(prop)} ?value "
                f"FILTER NOT EXISTS {{ ?this {path} ?value }} }} }}",
                True,
            )
        for prop in self.objects(shape, f"{SH}disjoint"):
            add(
                f"SELECT DISTINCT ?this ?value WHERE {{ {value_target} ?this {path} ?value . "
                f"?this {iri(prop)} ?value }}",
                True,
            )
        for name, operator in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
            for prop in self.objects(shape, f"{SH}{name}"):  # a result for each pair that is not in order
                add(
                    f"SELECT ?this ?value WHERE {{ {value_target} ?this {path} ?value . ?this {iri(prop)} ?other "
                    f"FILTER(!COALESCE(?value {operator} ?other, false)) }}",
                    True,
                )
        qualified = self.objects(shape, f"{SH}qualifiedValueShape")
        if qualified:
            if self.flag(shape, "qualifiedValueShapesDisjoint"):
                raise Unsupported("sh:qualifiedValueShapesDisjoint")
            condition = self.conforms(qualified[0], "?value")
            minimum = self.one(shape, f"{SH}qualifiedMinCount")
            if minimum is not None and int(minimum.value) > 0:
                too_few(int(minimum.value), condition)
            maximum = self.one(shape, f"{SH}qualifiedMaxCount")
            if maximum is not None:
                add(
                    f"SELECT ?this WHERE {{ {value_target} ?this {path} ?value FILTER({condition}) }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(maximum.value)})",
                    False,
                )
        return checks

    def closed(self, rule_id: str, shape: Term, target: str, severity: Severity) -> Check:
        """sh:closed: every property of the focus node is a path of the shape's property shapes or ignored."""
        allowed = [path for prop in self.objects(shape, f"{SH}property") for path in self.objects(prop, f"{SH}path")]
        for ignored in self.objects(shape, f"{SH}ignoredProperties"):
            allowed += self.items(ignored)
        if any(not isinstance(a, ox.NamedNode) for a in allowed):
            allowed = [a for a in allowed if isinstance(a, ox.NamedNode)]  # complex paths allow no predicate
        query = (
            f"SELECT DISTINCT ?this ?path ?value WHERE {{ {target} ?this ?path ?value "
            f"{filter_(none_of('?path', list(allowed)))}}}"
        )
        return Check(rule_id, shape_key(shape), severity, query, None, "value")

    def sparql(self, rule_id: str, shape: Term, constraint: Term, target: str, severity: Severity) -> Check:
        select = self.one(constraint, f"{SH}select")
        if select is None:
            raise Unsupported("SPARQL constraint without sh:select")
        # Joining the target in gives the rows pre-binding $this would, provided the query is join-safe:
        # $this is only used in triple patterns, in top-level FILTERs or inside EXISTS, never in a FILTER
        # of a nested group (tests/test_engines.py compares both engines on every fixture).
        prefixes = self.prefixes()
        if not self.objects(shape, f"{SH}target"):
            query = prefixes + after_where(select.value, target)
            return Check(rule_id, shape_key(constraint), severity, query, None, "value", focus_is_value=True)
        # A SPARQL-defined target (every subject, say) costs more to enumerate than the violations it
        # admits: the body runs unrestricted, and only the nodes it reports are tested for membership.
        membership = prefixes + f"SELECT ?this WHERE {{ {self.target(shape, VALUES_SLOT)} }}"
        return Check(
            rule_id,
            shape_key(constraint),
            severity,
            prefixes + select.value,
            None,
            "value",
            True,
            membership=membership,
        )

    def prefixes(self) -> str:
        return "".join(f"PREFIX {p}: <{n}>\n" for p, n in self.declared_prefixes().items())


def compiler_for(source: SparqlSource, shapes: ShapesGraph) -> Compiler:
    """A compiler that lists the hierarchies of the data in ``source`` (classes, paths such as skos:broader*)."""

    def reach(query: str) -> list[Term]:
        found = {row["node"] for row in source.select(query) if isinstance(row.get("node"), ox.NamedNode)}
        return sorted(found, key=lambda t: t.value)

    return Compiler(shapes, subclass_closure(source), reach)


def subclass_closure(source: SparqlSource) -> dict[str, list[str]]:
    """Every class of the data with itself and all its subclasses, from one query for the direct links."""
    below: dict[str, set[str]] = {}
    for row in source.select(f"SELECT DISTINCT ?sub ?sup WHERE {{ ?sub <{RDFS}subClassOf> ?sup }}"):
        if isinstance(row.get("sub"), ox.NamedNode) and isinstance(row.get("sup"), ox.NamedNode):
            below.setdefault(row["sup"].value, set()).add(row["sub"].value)
    closure: dict[str, list[str]] = {}
    for top in below:
        seen, stack = {top}, [top]
        while stack:
            for sub in below.get(stack.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    stack.append(sub)
        closure[top] = sorted(seen)
    return closure
