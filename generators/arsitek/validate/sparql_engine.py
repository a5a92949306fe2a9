"""A set-based SHACL engine: each constraint compiled into one SPARQL query that finds every violation at once.

pyshacl walks focus node by focus node over rdflib, so its cost grows faster than
the model. Here a constraint becomes a single query over the pyoxigraph store,
following the SPARQL definitions the SHACL specification gives for the core
constraint components (sh:minCount as a GROUP BY ... HAVING, sh:class as a
FILTER NOT EXISTS over rdf:type/rdfs:subClassOf*, ...). SPARQL-based
constraints run as written, with the target joined in instead of pre-binding
``$this``. A shape that uses a feature this compiler does not support is left to
pyshacl, and the run says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar

import pyoxigraph as ox

from arsitek.load import LoadedModel
from arsitek.validate.findings import Finding, Severity
from arsitek.validate.rules import ShapesGraph
from arsitek.vocab import RDF, RDFS, SH, shorten

log = logging.getLogger("arsitek.engine")

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class Unsupported(Exception):
    """The shape uses a SHACL feature this compiler does not translate."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: its query and how to read a row into a finding."""

    rule_id: str
    message_key: str  # the shape (or SPARQL constraint) whose sh:message applies
    severity: Severity
    query: str
    path: str | None  # the result path when the query does not bind ?path
    value_var: str | None  # the variable holding sh:value, if any
    focus_is_value: bool = False  # SPARQL constraints of node shapes: no ?value means the focus node is the value


def _iri(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        escaped = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if term.language:
            return f'"{escaped}"@{term.language}'
        return f'"{escaped}"^^<{term.datatype.value}>'
    raise Unsupported("blank node used as a value in a constraint")


CASTABLE = {"boolean", "integer", "decimal", "double", "float", "date", "dateTime", "string"}


def _datatype_ok(var: str, datatype: Term) -> str:
    """A literal of the datatype with a well-formed lexical form (the cast of a known XSD type must work)."""
    condition = f"(isLiteral({var}) && datatype({var}) = {_iri(datatype)})"
    local = datatype.value.removeprefix("http://www.w3.org/2001/XMLSchema#")
    if local in CASTABLE and local != "string":
        condition += f" && COALESCE(<{datatype.value}>(STR({var})) = <{datatype.value}>(STR({var})), false)"
    return f"({condition})"


def _key(term: Term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


class Compiler:
    """Reads the shapes graph and emits one :class:`Check` per constraint."""

    def __init__(self, shapes: ShapesGraph) -> None:
        self.shapes = shapes
        self.store = shapes.store

    # --- reading the shapes graph ------------------------------------------------

    def objects(self, subject: Term, predicate: str) -> list[Term]:
        quads = self.store.quads_for_pattern(subject, ox.NamedNode(predicate), None)  # type: ignore[arg-type]
        return sorted({q.object for q in quads}, key=lambda t: (type(t).__name__, t.value))  # type: ignore[misc]

    def one(self, subject: Term, predicate: str) -> Term | None:
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def items(self, head: Term | None) -> list[Term]:
        out: list[Term] = []
        while head is not None and not (isinstance(head, ox.NamedNode) and head.value == f"{RDF}nil"):
            first = self.one(head, f"{RDF}first")
            if first is None:
                raise Unsupported("malformed RDF list")
            out.append(first)
            head = self.one(head, f"{RDF}rest")
        return out

    def path(self, node: Term) -> str:
        """A SHACL property path as a SPARQL property path."""
        if isinstance(node, ox.NamedNode):
            return f"<{node.value}>"
        if (inverse := self.one(node, f"{SH}inversePath")) is not None:
            return f"^({self.path(inverse)})"
        if (alternatives := self.one(node, f"{SH}alternativePath")) is not None:
            return "(" + "|".join(self.path(p) for p in self.items(alternatives)) + ")"
        for name, suffix in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
            if (inner := self.one(node, f"{SH}{name}")) is not None:
                return f"({self.path(inner)}){suffix}"
        if self.one(node, f"{RDF}first") is not None:
            return "(" + "/".join(self.path(p) for p in self.items(node)) + ")"
        raise Unsupported("unknown property path")

    def severity(self, shape: Term) -> Severity:
        value = self.one(shape, f"{SH}severity")
        return Severity.from_iri(value.value) if isinstance(value, ox.NamedNode) else Severity.VIOLATION

    # --- targets -------------------------------------------------------------------

    def target(self, shape: Term) -> str:
        """A graph pattern binding ?this to every focus node of the shape."""
        parts = []
        for cls in self.objects(shape, f"{SH}targetClass"):
            parts.append(f"{{ ?this <{RDF}type>/<{RDFS}subClassOf>* {_iri(cls)} }}")
        for prop in self.objects(shape, f"{SH}targetSubjectsOf"):
            parts.append(f"{{ ?this {_iri(prop)} ?targetObject }}")
        for prop in self.objects(shape, f"{SH}targetObjectsOf"):
            parts.append(f"{{ ?targetSubject {_iri(prop)} ?this }}")
        for node in self.objects(shape, f"{SH}targetNode"):
            parts.append(f"{{ BIND({_iri(node)} AS ?this) }}")
        for target in self.objects(shape, f"{SH}target"):
            select = self.one(target, f"{SH}select")
            if select is None:
                raise Unsupported("non-SPARQL custom target")
            parts.append(f"{{ {select.value} }}")
        if not parts:
            return ""
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    # --- value conformance, for sh:node, sh:or and sh:qualifiedValueShape ------------

    def conforms(self, shape: Term, var: str) -> str:
        """A SPARQL boolean expression: does the node in ``var`` conform to ``shape``?"""
        conditions: list[str] = []
        handled = {
            f"{RDF}type",
            f"{SH}property",
            f"{SH}class",
            f"{SH}languageIn",
            f"{SH}path",
            f"{SH}hasValue",
            f"{SH}in",
            f"{SH}minCount",
            f"{SH}or",
            f"{SH}datatype",
            f"{SH}message",
            f"{SH}severity",
        }
        for quad in self.store.quads_for_pattern(shape, None, None):  # type: ignore[arg-type]
            if quad.predicate.value not in handled:
                raise Unsupported(f"{shorten(quad.predicate.value)} inside a nested shape")
        path_node = self.one(shape, f"{SH}path")
        if path_node is not None:  # a property shape applied to the value
            path = self.path(path_node)
            for value in self.objects(shape, f"{SH}hasValue"):
                conditions.append(f"EXISTS {{ {var} {path} {_iri(value)} }}")
            members = self.objects(shape, f"{SH}in")
            if members:
                listed = ", ".join(_iri(m) for m in self.items(members[0]))
                conditions.append(
                    f"NOT EXISTS {{ {var} {path} ?o_{id(shape)} FILTER(?o_{id(shape)} NOT IN ({listed})) }}"
                )
            for count in self.objects(shape, f"{SH}minCount"):
                if int(count.value) > 0:
                    conditions.append(f"EXISTS {{ {var} {path} ?m_{id(shape)} }}")
            return " && ".join(conditions) or "true"
        for cls in self.objects(shape, f"{SH}class"):
            conditions.append(f"EXISTS {{ {var} <{RDF}type>/<{RDFS}subClassOf>* {_iri(cls)} }}")
        for languages in self.objects(shape, f"{SH}languageIn"):
            tags = [t.value for t in self.items(languages)]
            conditions.append("(" + " || ".join(f'langMatches(lang({var}), "{t}")' for t in tags) + ")")
        for datatype in self.objects(shape, f"{SH}datatype"):
            conditions.append(_datatype_ok(var, datatype))
        for prop in self.objects(shape, f"{SH}property"):
            conditions.append(f"({self.conforms(prop, var)})")
        for alternatives in self.objects(shape, f"{SH}or"):
            conditions.append("(" + " || ".join(f"({self.conforms(s, var)})" for s in self.items(alternatives)) + ")")
        return " && ".join(conditions) or "true"

    # --- constraints ---------------------------------------------------------------

    SUPPORTED: ClassVar[set[str]] = {
        "minCount",
        "maxCount",
        "class",
        "hasValue",
        "in",
        "datatype",
        "node",
        "or",
        "qualifiedValueShape",
        "qualifiedMinCount",
        "sparql",
        "languageIn",
    }
    IGNORED: ClassVar[set[str]] = {
        "path",
        "message",
        "severity",
        "property",
        "targetClass",
        "targetSubjectsOf",
        "targetObjectsOf",
        "targetNode",
        "target",
        "name",
        "description",
        "order",
        "group",
        "deactivated",
    }

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
        target = self.target(shape)
        if not target:
            raise Unsupported("shape without a target")
        checks = self.constraints(rule_id, shape, target, None)
        for prop in self.objects(shape, f"{SH}property"):
            checks += self.constraints(rule_id, prop, target, prop)
        return checks

    def constraints(self, rule_id: str, shape: Term, target: str, property_shape: Term | None) -> list[Check]:
        for quad in self.store.quads_for_pattern(shape, None, None):  # type: ignore[arg-type]
            predicate = quad.predicate.value
            if predicate.startswith(SH):
                name = predicate[len(SH) :]
                if name not in self.SUPPORTED and name not in self.IGNORED:
                    raise Unsupported(f"sh:{name}")
        severity = self.severity(shape)
        key = _key(shape)
        checks: list[Check] = []
        if property_shape is None:
            for quad in self.store.quads_for_pattern(shape, None, None):  # type: ignore[arg-type]
                name = quad.predicate.value.removeprefix(SH)
                if quad.predicate.value.startswith(SH) and name in self.SUPPORTED and name not in ("or", "sparql"):
                    raise Unsupported(f"sh:{name} on a node shape")
            for alternatives in self.objects(shape, f"{SH}or"):
                expression = " || ".join(f"({self.conforms(s, '?this')})" for s in self.items(alternatives))
                checks.append(
                    Check(
                        rule_id,
                        key,
                        severity,
                        f"SELECT DISTINCT ?this ?value WHERE {{ {target} "
                        f"FILTER(!COALESCE({expression}, false)) BIND(?this AS ?value) }}",
                        None,
                        "value",
                    )
                )
            for constraint in self.objects(shape, f"{SH}sparql"):
                checks.append(self.sparql(rule_id, constraint, target, severity))
            return checks
        path_node = self.one(shape, f"{SH}path")
        if path_node is None:
            raise Unsupported("property shape without sh:path")
        if self.objects(shape, f"{SH}property"):
            raise Unsupported("sh:property inside a property shape")
        path = self.path(path_node)
        result_path = path_node.value if isinstance(path_node, ox.NamedNode) else None

        def add(query: str, value: bool) -> None:
            checks.append(Check(rule_id, key, severity, query, result_path, "value" if value else None))

        def bad_value(condition: str) -> None:
            """Every value on the path for which ``condition`` holds is a violation."""
            add(f"SELECT DISTINCT ?this ?value WHERE {{ {target} ?this {path} ?value FILTER({condition}) }}", True)

        for count in self.objects(shape, f"{SH}minCount"):
            add(
                f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?value }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(count.value)})",
                False,
            )
        for count in self.objects(shape, f"{SH}maxCount"):
            add(
                f"SELECT ?this WHERE {{ {target} ?this {path} ?value }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(count.value)})",
                False,
            )
        for cls in self.objects(shape, f"{SH}class"):
            bad_value(f"NOT EXISTS {{ ?value <{RDF}type>/<{RDFS}subClassOf>* {_iri(cls)} }}")
        for value in self.objects(shape, f"{SH}hasValue"):
            add(f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {path} {_iri(value)} }} }}", False)
        for members in self.objects(shape, f"{SH}in"):
            listed = ", ".join(_iri(m) for m in self.items(members))
            bad_value(f"?value NOT IN ({listed})")
        # An error in a conformance expression (an ill-formed literal) means "does not conform".
        for datatype in self.objects(shape, f"{SH}datatype"):
            bad_value(f"!COALESCE({_datatype_ok('?value', datatype)}, false)")
        for node in self.objects(shape, f"{SH}node"):
            bad_value(f"!COALESCE({self.conforms(node, '?value')}, false)")
        for alternatives in self.objects(shape, f"{SH}or"):
            expression = " || ".join(f"({self.conforms(s, '?value')})" for s in self.items(alternatives))
            bad_value(f"!COALESCE({expression}, false)")
        qualified = self.objects(shape, f"{SH}qualifiedValueShape")
        if qualified:
            minimum = self.one(shape, f"{SH}qualifiedMinCount")
            if minimum is None or self.one(shape, f"{SH}qualifiedMaxCount") is not None:
                raise Unsupported("qualifiedMaxCount")
            condition = self.conforms(qualified[0], "?value")
            add(
                f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?value "
                f"FILTER(COALESCE({condition}, false)) }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(minimum.value)})",
                False,
            )
        if self.objects(shape, f"{SH}languageIn"):
            raise Unsupported("sh:languageIn on a property shape")
        return checks

    def sparql(self, rule_id: str, constraint: Term, target: str, severity: Severity) -> Check:
        select = self.one(constraint, f"{SH}select")
        if select is None:
            raise Unsupported("SPARQL constraint without sh:select")
        text = select.value
        match = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
        if match is None:
            raise Unsupported("SPARQL constraint without a WHERE clause")
        # Joining the target in first gives the rows pre-binding $this would, provided the query is join-safe:
        # $this is only used in triple patterns, in top-level FILTERs or inside EXISTS, never in a FILTER
        # of a nested group (tests/test_engines.py compares both engines on every fixture).
        query = text[: match.end()] + f" {target} " + text[match.end() :]
        return Check(rule_id, _key(constraint), severity, self.prefixes() + query, None, "value", focus_is_value=True)

    def prefixes(self) -> str:
        rows = self.shapes.source.query(
            f"SELECT ?p ?n WHERE {{ ?o <{SH}declare> ?d . ?d <{SH}prefix> ?p ; <{SH}namespace> ?n }} ORDER BY ?p"
        )
        return "".join(f"PREFIX {r['p'].value}: <{r['n'].value}>\n" for r in rows)


class SparqlEngine:
    name = "sparql"

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers

    def run(self, model: LoadedModel, shapes: ShapesGraph) -> list[Finding]:
        checks, unsupported = Compiler(shapes).compile()
        findings: list[Finding] = []
        run: Callable[[Check], list[Finding]] = lambda check: self._execute(model, shapes, check)  # noqa: E731
        with ThreadPoolExecutor(max_workers=self.workers) as pool:  # pyoxigraph releases the GIL while querying
            for batch in pool.map(run, checks):
                findings += batch
        if unsupported:
            from arsitek.validate.pyshacl_engine import PyshaclEngine

            wanted = set(unsupported)
            findings += [f for f in PyshaclEngine().run(model, shapes) if f.rule_id in wanted]
        return findings

    @staticmethod
    def _execute(model: LoadedModel, shapes: ShapesGraph, check: Check) -> list[Finding]:
        solutions = model.store.query(check.query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        shape = shapes.rule(check.rule_id).shape
        names = {v.value for v in solutions.variables}
        binds_path = "path" in names
        value_var = check.value_var if check.value_var in names else None
        out = []
        for row in solutions:
            this = row["this"]
            if this is None:
                continue
            path = row["path"] if binds_path else None
            path_key = path.value if isinstance(path, ox.NamedNode) else check.path
            value = row[value_var] if value_var else None
            focus = _key(this)
            if value is None and check.focus_is_value:
                value = this
            value_key = (
                None if value is None else (value.value if not isinstance(value, ox.BlankNode) else f"_:{value.value}")
            )
            out.append(
                Finding(
                    rule_id=check.rule_id,
                    severity=check.severity,
                    focus_node=focus,
                    shape=shape,
                    path=path_key,
                    value=value_key,
                    message=shapes.message_for([check.message_key], focus, path_key, value_key),
                )
            )
        return out
