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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from typing import ClassVar, Protocol

import pyoxigraph as ox

from arsitek import parallel
from arsitek.load import LoadedModel
from arsitek.validate import antijoin
from arsitek.validate.findings import Finding, Severity
from arsitek.validate.rules import ShapesGraph
from arsitek.vocab import RDF, RDFS, SH, XSD, shorten

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
    membership: str | None = None  # run the body unrestricted, then keep rows whose ?this this query confirms
    target: str = ""  # for checks that judge each focus node as a whole: the target pattern ...
    violated: str = ""  # ... and the test of ?this that is true for a violation, so checks can share one pass
    parts: tuple[Check, ...] = ()  # a planned pass: one boolean ?violatedN per part


VALUES_SLOT = "#ARSITEK-VALUES#"


def _iri(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        escaped = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if term.language:
            return f'"{escaped}"@{term.language}'
        return f'"{escaped}"^^<{term.datatype.value}>'
    raise Unsupported("blank node used as a value in a constraint")


#: sh:nodeKind values and the SPARQL tests of the kinds each admits.
NODE_KINDS = {
    "IRI": ("isIRI",),
    "BlankNode": ("isBlank",),
    "Literal": ("isLiteral",),
    "BlankNodeOrIRI": ("isBlank", "isIRI"),
    "BlankNodeOrLiteral": ("isBlank", "isLiteral"),
    "IRIOrLiteral": ("isIRI", "isLiteral"),
}
RANGES = (("minInclusive", ">="), ("minExclusive", ">"), ("maxInclusive", "<="), ("maxExclusive", "<"))

INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-32768, 32767),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 65535),
    "unsignedByte": (0, 255),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
}
CASTABLE = {"boolean", "integer", "decimal", "double", "float", "date", "dateTime", "string"}


def _datatype_ok(var: str, datatype: Term) -> str:
    """A literal of the datatype with a well-formed lexical form (the cast of a known XSD type must work)."""
    condition = f"(isLiteral({var}) && datatype({var}) = {_iri(datatype)})"
    local = datatype.value.removeprefix(XSD)
    if local in CASTABLE and local != "string":
        condition += f" && COALESCE(<{datatype.value}>(STR({var})) = <{datatype.value}>(STR({var})), false)"
    elif local in INTEGER_RANGES:  # the integer types derived by range: an integer, within the range
        low, high = INTEGER_RANGES[local]
        number = f"<{XSD}integer>(STR({var}))"
        bounds = [f"{number} = {number}"]
        bounds += [f"{number} >= {low}"] if low is not None else []
        bounds += [f"{number} <= {high}"] if high is not None else []
        condition += f" && COALESCE({' && '.join(bounds)}, false)"
    return f"({condition})"


def _after_where(select: str, pattern: str) -> str:
    """``select`` with ``pattern`` put first inside its WHERE clause."""
    match = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE)
    if match is None:
        raise Unsupported("SPARQL query without a WHERE clause")
    return select[: match.end()] + f" {pattern} " + select[match.end() :]


def _negate(condition: str) -> str:
    """The negation of one test from :meth:`Compiler.conditions` (an EXISTS, a NOT EXISTS, or anything else)."""
    if condition.startswith("NOT EXISTS {"):
        return condition.removeprefix("NOT ")
    if condition.startswith("EXISTS {"):
        return f"NOT {condition}"
    return f"!({condition})"


def _none_of(var: str, members: list[Term]) -> str:
    """``var`` is none of ``members`` as the same RDF term (sh:in compares terms, not values), never an error.

    IRIs are equal exactly when they are the same term, so a list of IRIs becomes a conjunction of ``!=``,
    the one form every store tested gets right: Virtuoso 7 overflows its stack on ``IN`` inside EXISTS and
    miscounts a negated disjunction of sameTerm. Literals need sameTerm.
    """
    if not members:
        return "true"
    if all(isinstance(m, ox.NamedNode) for m in members):
        return "(" + " && ".join(f"{var} != {_iri(m)}" for m in members) + ")"
    return "!(" + " || ".join(f"sameTerm({var}, {_iri(m)})" for m in members) + ")"


def filter_(condition: str) -> str:
    return "" if condition == "true" else f"FILTER({condition}) "


def _key(term: Term) -> str:
    """How a node is named in a finding: an IRI or a literal (a focus node can be one) as is, a blank node as ``_:``."""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


class Compiler:
    """Reads the shapes graph and emits one :class:`Check` per constraint."""

    def __init__(
        self,
        shapes: ShapesGraph,
        subclasses: Mapping[str, Sequence[str]] | None = None,
        reach: Callable[[str], list[Term]] | None = None,
    ) -> None:
        self.shapes = shapes
        self.store = shapes.store
        self.subclasses = subclasses
        self.reach = reach  # asks the data which nodes a path query finds, while compiling
        self.compiled_from: set[str] = set()  # predicates whose triples were read to compile (reach)
        self.fresh = 0

    def instance_of(self, var: str, cls: Term, type_var: str = "", listed: bool = False) -> str:
        """A pattern: the node in ``var`` is an instance of ``cls`` or of one of its subclasses.

        With the data's class hierarchy known before compiling, the ``rdf:type/rdfs:subClassOf*``
        path the SHACL specification uses becomes a lookup of listed types, which the store answers
        from its type index instead of walking the hierarchy for every node.
        """
        if self.subclasses is None or not isinstance(cls, ox.NamedNode):
            return f"{var} <{RDF}type>/<{RDFS}subClassOf>* {_iri(cls)}"
        if not type_var:
            self.fresh += 1
            type_var = f"?type{self.fresh}"
        classes = [f"<{c}>" for c in self.subclasses.get(cls.value, [cls.value])]
        if listed:  # inside an EXISTS in an expression: Virtuoso 7 rejects VALUES there under COALESCE and ||
            return f"{var} <{RDF}type> {type_var} FILTER({type_var} IN ({', '.join(classes)}))"
        return f"{var} <{RDF}type> {type_var} VALUES {type_var} {{ {' '.join(classes)} }}"

    def var(self, name: str) -> str:
        """A variable name no other part of the query uses (stable from run to run)."""
        self.fresh += 1
        return f"?{name}{self.fresh}"

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
        if self.one(node, f"{RDF}first") is not None:  # a sequence (a list wins over anything else said of it)
            return "(" + "/".join(self.path(p) for p in self.items(node)) + ")"
        if (inverse := self.one(node, f"{SH}inversePath")) is not None:
            return f"^({self.path(inverse)})"
        if (alternatives := self.one(node, f"{SH}alternativePath")) is not None:
            return "(" + "|".join(self.path(p) for p in self.items(alternatives)) + ")"
        for name, suffix in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
            if (inner := self.one(node, f"{SH}{name}")) is not None:
                return f"({self.path(inner)}){suffix}"
        raise Unsupported("unknown property path")

    def severity(self, shape: Term) -> Severity:
        value = self.one(shape, f"{SH}severity")
        if value is None:
            return Severity.VIOLATION
        if value.value not in (f"{SH}Info", f"{SH}Warning", f"{SH}Violation"):
            raise Unsupported(f"severity {value.value}")
        return Severity.from_iri(value.value)

    # --- targets -------------------------------------------------------------------

    def target(self, shape: Term, values: str = "") -> str:
        """A graph pattern binding ?this to every focus node of the shape.

        ``values`` (a VALUES clause) is put inside every alternative, so a membership test of a few
        candidate nodes does not first enumerate the whole target.
        """
        parts = []
        types = {t.value for t in self.objects(shape, f"{RDF}type")}
        if types & {f"{RDFS}Class", "http://www.w3.org/2002/07/owl#Class"}:  # an implicit class target
            parts.append(f"{{ {values} {self.instance_of('?this', shape, '?targetType')} }}")
        for cls in self.objects(shape, f"{SH}targetClass"):
            parts.append(f"{{ {values} {self.instance_of('?this', cls, '?targetType')} }}")
        for prop in self.objects(shape, f"{SH}targetSubjectsOf"):
            parts.append(f"{{ {values} ?this {_iri(prop)} ?targetObject }}")
        for prop in self.objects(shape, f"{SH}targetObjectsOf"):
            parts.append(f"{{ {values} ?targetSubject {_iri(prop)} ?this }}")
        for node in self.objects(shape, f"{SH}targetNode"):
            parts.append(
                f"{{ {values} FILTER(?this = {_iri(node)}) }}" if values else f"{{ BIND({_iri(node)} AS ?this) }}"
            )
        for target in self.objects(shape, f"{SH}target"):
            select = self.one(target, f"{SH}select")
            if select is None:
                raise Unsupported("non-SPARQL custom target")
            text = select.value
            if values:
                text = _after_where(text, values)
            parts.append(f"{{ {text} }}")
        if not parts:
            return ""
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    # --- value conformance, for sh:node, sh:or and sh:qualifiedValueShape ------------

    def conforms(self, shape: Term, var: str) -> str:
        """A SPARQL boolean expression: does the node in ``var`` conform to ``shape``?"""
        return " && ".join(self.conditions(shape, var)) or "true"

    def conforms_to_none(self, shapes: list[Term], var: str) -> str:
        """The node in ``var`` conforms to none of ``shapes``, with the negation pushed down to each test.

        ``!(NOT EXISTS {..} && EXISTS {..})`` is the same as ``EXISTS {..} || NOT EXISTS {..}``, but
        Virtuoso 7 overflows its cost model on the first form; every store plans the second.
        """
        return " && ".join(f"({' || '.join(_negate(c) for c in self.conditions(s, var)) or 'false'})" for s in shapes)

    def conditions(self, shape: Term, var: str) -> list[str]:
        """The tests a node in ``var`` must all pass to conform to ``shape``.

        It never raises an error: each test that can (a cast, lang() of an IRI) is wrapped in COALESCE
        where it stands, so callers can negate the whole without wrapping EXISTS in COALESCE, which
        Virtuoso 7 rejects.
        """
        for quad in self.store.quads_for_pattern(shape, None, None):  # type: ignore[arg-type]
            predicate = quad.predicate.value
            if predicate.startswith(SH) and predicate[len(SH) :] not in self.NESTED:
                raise Unsupported(f"{shorten(predicate)} inside a nested shape")
        if self.deactivated(shape):
            return []
        path_node = self.one(shape, f"{SH}path")
        if path_node is None:
            conditions = [passes for _, passes, _ in self.value_tests(shape, var)]
            for prop in self.objects(shape, f"{SH}property"):
                # A conjunction of conjunctions stays flat, so a negation reaches each test.
                conditions.extend(self.conditions(prop, var))
            return conditions
        path = self.path(path_node)  # a property shape applied to the node: tests of its values
        conditions = []
        for value in self.objects(shape, f"{SH}hasValue"):
            if self.reach is not None and not isinstance(path_node, ox.NamedNode):
                # The nodes with ``value`` at the end of a complex path (a hierarchy: skos:broader*),
                # listed once at compile time, as the class hierarchy is: Virtuoso 7 answers a
                # transitive path inside EXISTS wrongly, and no store needs to walk it per node.
                reaching = self.reach(f"SELECT DISTINCT ?node WHERE {{ ?node {path} {_iri(value)} }}")
                self.compiled_from |= set(re.findall(r"<([^>]+)>", path))
                conditions.append("(" + (" || ".join(f"{var} = {_iri(n)}" for n in reaching) or "false") + ")")
            else:
                conditions.append(f"EXISTS {{ {var} {path} {_iri(value)} }}")
        for count in self.objects(shape, f"{SH}minCount"):
            if int(count.value) > 0:
                conditions.append(f"EXISTS {{ {self.distinct_values(var, path, int(count.value))} }}")
        for count in self.objects(shape, f"{SH}maxCount"):
            conditions.append(f"NOT EXISTS {{ {self.distinct_values(var, path, int(count.value) + 1)} }}")
        other = self.var("other")
        for _, _, fails in self.value_tests(shape, other):
            conditions.append(f"NOT EXISTS {{ {var} {path} {other} FILTER({fails}) }}")
        return conditions

    #: The most distinct values a test of one node counts by joining the path to itself (counts stay small in shapes).
    MOST_DISTINCT = 4

    def distinct_values(self, var: str, path: str, count: int) -> str:
        """A pattern: ``var`` has at least ``count`` distinct values on ``path`` (counts stay small in shapes)."""
        if count > self.MOST_DISTINCT:
            raise Unsupported(f"{count} distinct values to count inside a nested shape (at most {self.MOST_DISTINCT})")
        names = [self.var("v") for _ in range(count)]
        pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        return " ".join(f"{var} {path} {n} ." for n in names) + (f" FILTER({' && '.join(pairs)})" if pairs else "")

    def flag(self, shape: Term, name: str) -> bool:
        """A boolean parameter (sh:deactivated, sh:closed...) set to true: written so, as the suite requires."""
        value = self.one(shape, f"{SH}{name}")
        return isinstance(value, ox.Literal) and value.value == "true"

    def deactivated(self, shape: Term) -> bool:
        return self.flag(shape, "deactivated")

    def value_tests(self, shape: Term, var: str) -> list[tuple[str, str, str]]:
        """(component, passes, fails) for each constraint of ``shape`` that each value node meets on its own.

        ``passes`` and ``fails`` are SPARQL expressions, one the negation of the other, written so that
        neither can raise an error (an ill-formed literal, a number compared with an IRI: an error means
        "fails") and so that every store tested plans them: negations are pushed down to each test.
        """
        tests: list[tuple[str, str, str]] = []

        def test(name: str, passes: str, fails: str | None = None) -> None:
            tests.append((name, passes, fails if fails is not None else _negate(passes)))

        for cls in self.objects(shape, f"{SH}class"):
            test("class", f"EXISTS {{ {self.instance_of(var, cls, listed=True)} }}")
        for datatype in self.objects(shape, f"{SH}datatype"):
            test("datatype", f"COALESCE({_datatype_ok(var, datatype)}, false)")
        for kind in self.objects(shape, f"{SH}nodeKind"):
            admitted = NODE_KINDS.get(kind.value.removeprefix(SH))
            if admitted is None:
                raise Unsupported(f"sh:nodeKind {kind.value}")
            test("nodeKind", "(" + " || ".join(f"{name}({var})" for name in admitted) + ")")
        for members in self.objects(shape, f"{SH}in"):
            none_of = _none_of(var, self.items(members))
            test("in", f"!{none_of}", none_of)
        for name, operator in RANGES:
            for bound in self.objects(shape, f"{SH}{name}"):
                test(name, f"COALESCE({var} {operator} {_iri(bound)}, false)")
        for name, operator in (("minLength", ">="), ("maxLength", "<=")):
            for length in self.objects(shape, f"{SH}{name}"):
                test(name, f"COALESCE(!isBlank({var}) && STRLEN(STR({var})) {operator} {int(length.value)}, false)")
        for pattern in self.objects(shape, f"{SH}pattern"):
            flags = self.one(shape, f"{SH}flags")
            extra = f", {_iri(ox.Literal(flags.value))}" if flags is not None else ""
            test(
                "pattern",
                f"COALESCE(!isBlank({var}) && REGEX(STR({var}), {_iri(ox.Literal(pattern.value))}{extra}), false)",
            )
        for languages in self.objects(shape, f"{SH}languageIn"):
            matches = " || ".join(f'langMatches(lang({var}), "{t.value}")' for t in self.items(languages))
            test("languageIn", f"COALESCE({matches or 'false'}, false)")
        for node in self.objects(shape, f"{SH}node"):
            test("node", self.conforms(node, var), self.conforms_to_none([node], var))
        for alternatives in self.objects(shape, f"{SH}or"):
            shapes = self.items(alternatives)
            either = " || ".join(f"({self.conforms(s, var)})" for s in shapes) or "false"
            test("or", f"({either})", self.conforms_to_none(shapes, var))
        for members in self.objects(shape, f"{SH}and"):
            shapes = self.items(members)
            test("and", "(" + " && ".join(f"({self.conforms(s, var)})" for s in shapes) + ")" if shapes else "true")
        for negated in self.objects(shape, f"{SH}not"):
            test("not", self.conforms_to_none([negated], var), self.conforms(negated, var))
        for members in self.objects(shape, f"{SH}xone"):
            count = " + ".join(f"IF({self.conforms(s, var)}, 1, 0)" for s in self.items(members)) or "0"
            test("xone", f"(({count}) = 1)")
        if self.one(shape, f"{SH}path") is None:  # on a node shape the focus node itself must be the value
            for value in self.objects(shape, f"{SH}hasValue"):
                test("hasValue", f"sameTerm({var}, {_iri(value)})")
        return tests

    # --- constraints ---------------------------------------------------------------

    #: Constraints each value node passes or fails on its own (:meth:`value_tests`).
    VALUE_TESTS: ClassVar[set[str]] = {
        "class",
        "datatype",
        "nodeKind",
        "in",
        "minInclusive",
        "minExclusive",
        "maxInclusive",
        "maxExclusive",
        "minLength",
        "maxLength",
        "pattern",
        "flags",
        "languageIn",
        "node",
        "or",
        "and",
        "not",
        "xone",
        "hasValue",
    }
    #: Constraints that count or compare the values on a path: a node shape cannot hold them.
    PATH_ONLY: ClassVar[set[str]] = {
        "minCount",
        "maxCount",
        "uniqueLang",
        "lessThan",
        "lessThanOrEquals",
        "qualifiedValueShape",
    }
    #: Constraints on the set of a property shape's values (equals and disjoint also on a node shape;
    #: the qualified counts mean nothing without sh:qualifiedValueShape).
    SET_TESTS: ClassVar[set[str]] = PATH_ONLY | {
        "equals",
        "disjoint",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "qualifiedValueShapesDisjoint",
    }
    SUPPORTED: ClassVar[set[str]] = VALUE_TESTS | SET_TESTS | {"sparql", "closed", "ignoredProperties"}
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
        "defaultValue",
    }
    #: What a shape used inside another (sh:node, sh:or, sh:and, sh:not, sh:xone) may hold.
    NESTED: ClassVar[set[str]] = VALUE_TESTS | IGNORED | {"minCount", "maxCount"}

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
        key = _key(shape)
        checks: list[Check] = []
        if self.deactivated(shape):
            return checks
        if property_shape is None:  # a node shape: the focus node is the value node
            for name in sorted(self.PATH_ONLY):
                if self.objects(shape, f"{SH}{name}"):
                    raise Unsupported(f"sh:{name} on a node shape")
            for prop in self.objects(shape, f"{SH}equals"):  # the focus node must be its only value of prop
                values = f"{target} ?this {_iri(prop)} ?value"
                other = f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER(!sameTerm(?value, ?this)) }}"
                itself = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {_iri(prop)} ?this }} }}"
                checks += [
                    Check(rule_id, key, severity, other, None, "value"),
                    Check(rule_id, key, severity, itself, None, None, focus_is_value=True),
                ]
            for prop in self.objects(shape, f"{SH}disjoint"):
                query = (
                    f"SELECT DISTINCT ?this ?value WHERE {{ {target} ?this {_iri(prop)} ?this BIND(?this AS ?value) }}"
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
            missing(f"?this {path} {_iri(value)}")
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
                f"FILTER NOT EXISTS {{ ?this {_iri(prop)} ?value }} }} UNION {{ ?this {_iri(prop)} ?value "
                f"FILTER NOT EXISTS {{ ?this {path} ?value }} }} }}",
                True,
            )
        for prop in self.objects(shape, f"{SH}disjoint"):
            add(
                f"SELECT DISTINCT ?this ?value WHERE {{ {value_target} ?this {path} ?value . "
                f"?this {_iri(prop)} ?value }}",
                True,
            )
        for name, operator in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
            for prop in self.objects(shape, f"{SH}{name}"):  # a result for each pair that is not in order
                add(
                    f"SELECT ?this ?value WHERE {{ {value_target} ?this {path} ?value . ?this {_iri(prop)} ?other "
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
            f"{filter_(_none_of('?path', list(allowed)))}}}"
        )
        return Check(rule_id, _key(shape), severity, query, None, "value")

    def sparql(self, rule_id: str, shape: Term, constraint: Term, target: str, severity: Severity) -> Check:
        select = self.one(constraint, f"{SH}select")
        if select is None:
            raise Unsupported("SPARQL constraint without sh:select")
        # Joining the target in gives the rows pre-binding $this would, provided the query is join-safe:
        # $this is only used in triple patterns, in top-level FILTERs or inside EXISTS, never in a FILTER
        # of a nested group (tests/test_engines.py compares both engines on every fixture).
        prefixes = self.prefixes()
        if not self.objects(shape, f"{SH}target"):
            query = prefixes + _after_where(select.value, target)
            return Check(rule_id, _key(constraint), severity, query, None, "value", focus_is_value=True)
        # A SPARQL-defined target (every subject, say) costs more to enumerate than the violations it
        # admits: the body runs unrestricted, and only the nodes it reports are tested for membership.
        membership = prefixes + f"SELECT ?this WHERE {{ {self.target(shape, VALUES_SLOT)} }}"
        return Check(
            rule_id, _key(constraint), severity, prefixes + select.value, None, "value", True, membership=membership
        )

    def prefixes(self) -> str:
        rows = self.shapes.source.query(
            f"SELECT ?p ?n WHERE {{ ?o <{SH}declare> ?d . ?d <{SH}prefix> ?p ; <{SH}namespace> ?n }} ORDER BY ?p"
        )
        return "".join(f"PREFIX {r['p'].value}: <{r['n'].value}>\n" for r in rows)


def _unrestricted_as_antijoin(check: Check) -> Check:
    """A SPARQL body run over the whole model (its target tested afterwards) with NOT EXISTS as MINUS.

    There a NOT EXISTS is probed for every triple of the model; with a target joined in, the
    solutions are few and a probe each costs less than evaluating the MINUS pattern in full
    (measured both ways at 30,000 applications: :mod:`arsitek.validate.antijoin`).
    """
    if check.membership is None:
        return check
    return replace(check, query=antijoin.rewrite(check.query))


def plan(checks: list[Check], antijoins: bool = False) -> list[Check]:
    """Checks that judge each focus node as a whole (a value missing, too many values) and share a target
    become one pass over the target.

    Enumerating a target (every application, every element) is most of such a check's cost;
    one query enumerates it once and flags each node with one EXISTS or NOT EXISTS per check.
    With ``antijoins`` (a large model) a SPARQL body that runs over the whole model has its NOT EXISTS
    filters made anti-joins.
    """
    shared: dict[str, list[Check]] = {}
    planned: list[Check] = []
    for check in map(_unrestricted_as_antijoin, checks) if antijoins else checks:
        if check.violated and check.target:
            shared.setdefault(check.target, []).append(check)
        else:
            planned.append(check)
    for target, group in shared.items():
        if len(group) == 1:
            planned.append(group[0])
            continue
        flags = " ".join(f"BIND({c.violated} AS ?violated{i})" for i, c in enumerate(group))
        names = [f"?violated{i}" for i in range(len(group))]
        query = f"SELECT ?this {' '.join(names)} WHERE {{ {target} {flags} FILTER({' || '.join(names)}) }}"
        first = group[0]
        planned.append(Check(first.rule_id, first.message_key, first.severity, query, None, None, parts=tuple(group)))
    return planned


class SparqlSource(Protocol):
    """Where the compiled queries run: the local store, or a SPARQL 1.1 endpoint (:mod:`arsitek.endpoint`)."""

    def select(self, query: str) -> list[dict[str, Term]]:
        """The solutions of a SELECT query over the whole model, each as its bound variables."""
        ...


class StoreSource:
    """The loaded pyoxigraph store, every file's graph seen as one default graph."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._holds: dict[int, bool] = {}  # the store does not change while a run reads it

    def holds_at_least(self, triples: int) -> bool:
        """Whether the store holds ``triples`` or more; counts no further (``len`` reads every quad)."""
        if triples not in self._holds:
            quads = self.store.quads_for_pattern(None, None, None)
            self._holds[triples] = triples <= 0 or next(islice(quads, triples - 1, None), None) is not None
        return self._holds[triples]

    def select(self, query: str) -> list[dict[str, Term]]:
        solutions = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                if (term := solution[name]) is not None:
                    row[name] = term
            rows.append(row)
        return rows


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


#: Below this size a second process costs more (fork, first touch of the shared pages) than it saves.
FORK_FROM_TRIPLES = 200_000
#: Below this size reading a query's algebra to make its NOT EXISTS an anti-join (rdflib's SPARQL parser,
#: a tenth of a second) costs more than the probes it saves: a third of validating 1,000 applications.
ANTIJOIN_FROM_TRIPLES = 200_000


class SparqlEngine:
    name = "sparql"

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers

    def run(self, model: LoadedModel, shapes: ShapesGraph) -> list[Finding]:
        findings, unsupported = self.run_on(StoreSource(model.store), shapes)
        if unsupported:
            from arsitek.validate.pyshacl_engine import PyshaclEngine

            wanted = set(unsupported)
            findings += [f for f in PyshaclEngine().run(model, shapes) if f.rule_id in wanted]
        return findings

    def run_on(self, source: SparqlSource, shapes: ShapesGraph) -> tuple[list[Finding], list[str]]:
        """Findings of every compiled rule, and the ids of the rules the compiler left out."""
        checks, unsupported = compiler_for(source, shapes).compile()
        # The planned queries are for this machine's store: one pass per target binds each test's result
        # (BIND(NOT EXISTS ...)), which Virtuoso 7 answers wrongly, so a remote endpoint gets one plain
        # query per check, as compiled.
        planned = checks
        if isinstance(source, StoreSource):
            planned = plan(checks, source.holds_at_least(ANTIJOIN_FROM_TRIPLES))
        return [f for batch in self.execute(source, shapes, planned) for f in batch], unsupported

    def execute(self, source: SparqlSource, shapes: ShapesGraph, checks: Sequence[Check]) -> list[list[Finding]]:
        """The findings of each check, in the order given, on both cores where it pays."""
        # Slowest first, so the two workers finish together: SPARQL-based constraints, then the rest.
        order = sorted(range(len(checks)), key=lambda i: not checks[i].focus_is_value)
        ordered = [checks[i] for i in order]
        work = partial(_execute, source, shapes)
        if isinstance(source, StoreSource):
            big = self.workers > 1 and source.holds_at_least(FORK_FROM_TRIPLES)
            results = parallel.forked(ordered, work) if big else parallel.serial(ordered, work)
        else:
            results = parallel.threaded(ordered, work, self.workers)
        by_index = dict(zip(order, results, strict=True))
        return [by_index[i] for i in range(len(checks))]


def _members(source: SparqlSource, check: Check, candidates: set[Term]) -> set[Term]:
    """Which of ``candidates`` are focus nodes of the check's shape, tested in chunks of listed nodes."""
    assert check.membership is not None
    if any(isinstance(c, ox.BlankNode) for c in candidates):  # blank nodes cannot be listed in VALUES
        found = source.select(check.membership.replace(VALUES_SLOT, ""))
        return {row["this"] for row in found if "this" in row} & candidates
    listed = sorted(candidates, key=lambda t: t.value)
    members: set[Term] = set()
    for start in range(0, len(listed), 2000):
        chunk = " ".join(_iri(t) for t in listed[start : start + 2000])
        query = check.membership.replace(VALUES_SLOT, f"VALUES ?this {{ {chunk} }}")
        members |= {row["this"] for row in source.select(query) if "this" in row}
    return members


def _execute(source: SparqlSource, shapes: ShapesGraph, check: Check) -> list[Finding]:
    rows = [row for row in source.select(check.query) if "this" in row]
    if check.parts:
        return [
            finding
            for i, part in enumerate(check.parts)
            for finding in _findings(shapes, part, [row for row in rows if _true(row.get(f"violated{i}"))])
        ]
    if check.membership is not None and rows:
        members = _members(source, check, {row["this"] for row in rows})
        rows = [row for row in rows if row["this"] in members]
    return _findings(shapes, check, rows)


def _true(term: Term | None) -> bool:
    """A boolean answer; some endpoints (Virtuoso) answer an EXISTS as 1 or 0."""
    return isinstance(term, ox.Literal) and term.value in ("true", "1")


def _findings(shapes: ShapesGraph, check: Check, rows: list[dict[str, Term]]) -> list[Finding]:
    shape = shapes.rule(check.rule_id).shape
    out = []
    for row in rows:
        this = row["this"]
        path = row.get("path")
        path_key = path.value if isinstance(path, ox.NamedNode) else check.path
        value = row.get(check.value_var) if check.value_var else None
        focus = _key(this)
        if value is None and check.focus_is_value:
            value = this
        value_key = None if value is None else _key(value) if not isinstance(value, ox.Literal) else value.value
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
