"""Reading shapes into SPARQL fragments: targets, paths, and the tests a value node passes or fails.

The compiler (:mod:`arsitek.validate.compiler`) builds whole checks from these; the fragments are
kept apart because nested shapes (sh:node, sh:or, sh:not …) need them without a check of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

import pyoxigraph as ox

from arsitek.validate.checks import (
    NODE_KINDS,
    RANGES,
    Term,
    Unsupported,
    after_where,
    datatype_ok,
    expand_prefixed,
    iri,
    negate,
    none_of,
)
from arsitek.validate.findings import Severity
from arsitek.validate.rules import ShapesGraph
from arsitek.vocab import RDF, RDFS, SH, shorten


class ShapeFragments:
    """Reads the shapes graph: the SPARQL patterns and tests each shape stands for."""

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
        self._prefixes: dict[str, str] | None = None

    def declared_prefixes(self) -> dict[str, str]:
        """The prefixes the shapes graph declares (sh:declare), for the SPARQL its shapes hold."""
        if self._prefixes is None:
            rows = self.shapes.source.query(
                f"SELECT ?p ?n WHERE {{ ?o <{SH}declare> ?d . ?d <{SH}prefix> ?p ; <{SH}namespace> ?n }} ORDER BY ?p"
            )
            self._prefixes = {r["p"].value: r["n"].value for r in rows}
        return self._prefixes

    def instance_of(self, var: str, cls: Term, type_var: str = "", listed: bool = False) -> str:
        """A pattern: the node in ``var`` is an instance of ``cls`` or of one of its subclasses.

        With the data's class hierarchy known before compiling, the ``rdf:type/rdfs:subClassOf*``
        path the SHACL specification uses becomes a lookup of listed types, which the store answers
        from its type index instead of walking the hierarchy for every node.
        """
        if self.subclasses is None or not isinstance(cls, ox.NamedNode):
            return f"{var} <{RDF}type>/<{RDFS}subClassOf>* {iri(cls)}"
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
            parts.append(f"{{ {values} ?this {iri(prop)} ?targetObject }}")
        for prop in self.objects(shape, f"{SH}targetObjectsOf"):
            parts.append(f"{{ {values} ?targetSubject {iri(prop)} ?this }}")
        for node in self.objects(shape, f"{SH}targetNode"):
            parts.append(
                f"{{ {values} FILTER(?this = {iri(node)}) }}" if values else f"{{ BIND({iri(node)} AS ?this) }}"
            )
        for target in self.objects(shape, f"{SH}target"):
            select = self.one(target, f"{SH}select")
            if select is None:
                raise Unsupported("non-SPARQL custom target")
            text = expand_prefixed(select.value, self.declared_prefixes())
            if values:
                text = after_where(text, values)
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
        return " && ".join(f"({' || '.join(negate(c) for c in self.conditions(s, var)) or 'false'})" for s in shapes)

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
                reaching = self.reach(f"SELECT DISTINCT ?node WHERE {{ ?node {path} {iri(value)} }}")
                self.compiled_from |= set(re.findall(r"<([^>]+)>", path))
                conditions.append("(" + (" || ".join(f"{var} = {iri(n)}" for n in reaching) or "false") + ")")
            else:
                conditions.append(f"EXISTS {{ {var} {path} {iri(value)} }}")
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
            tests.append((name, passes, fails if fails is not None else negate(passes)))

        for cls in self.objects(shape, f"{SH}class"):
            test("class", f"EXISTS {{ {self.instance_of(var, cls, listed=True)} }}")
        for datatype in self.objects(shape, f"{SH}datatype"):
            test("datatype", f"COALESCE({datatype_ok(var, datatype)}, false)")
        for kind in self.objects(shape, f"{SH}nodeKind"):
            admitted = NODE_KINDS.get(kind.value.removeprefix(SH))
            if admitted is None:
                raise Unsupported(f"sh:nodeKind {kind.value}")
            test("nodeKind", "(" + " || ".join(f"{name}({var})" for name in admitted) + ")")
        for members in self.objects(shape, f"{SH}in"):
            outside = none_of(var, self.items(members))
            test("in", f"!{outside}", outside)
        for name, operator in RANGES:
            for bound in self.objects(shape, f"{SH}{name}"):
                test(name, f"COALESCE({var} {operator} {iri(bound)}, false)")
        for name, operator in (("minLength", ">="), ("maxLength", "<=")):
            for length in self.objects(shape, f"{SH}{name}"):
                test(name, f"COALESCE(!isBlank({var}) && STRLEN(STR({var})) {operator} {int(length.value)}, false)")
        for pattern in self.objects(shape, f"{SH}pattern"):
            flags = self.one(shape, f"{SH}flags")
            extra = f", {iri(ox.Literal(flags.value))}" if flags is not None else ""
            test(
                "pattern",
                f"COALESCE(!isBlank({var}) && REGEX(STR({var}), {iri(ox.Literal(pattern.value))}{extra}), false)",
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
                test("hasValue", f"sameTerm({var}, {iri(value)})")
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
