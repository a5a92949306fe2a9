"""What the SHACL-to-SPARQL compiler produces (:class:`Check`), and the SPARQL text it is made of.

A constraint becomes one query that finds every violation at once (:mod:`arsitek.validate.compiler`);
these helpers write the pieces of such queries so that none can raise an error in SPARQL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from arsitek.validate.findings import Severity
from arsitek.vocab import XSD

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


def iri(term: Term) -> str:
    """A term as SPARQL writes it: ``<iri>``, or a literal with its language or datatype."""
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


def datatype_ok(var: str, datatype: Term) -> str:
    """A literal of the datatype with a well-formed lexical form (the cast of a known XSD type must work)."""
    condition = f"(isLiteral({var}) && datatype({var}) = {iri(datatype)})"
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


def after_where(select: str, pattern: str) -> str:
    """``select`` with ``pattern`` put first inside its WHERE clause."""
    match = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE)
    if match is None:
        raise Unsupported("SPARQL query without a WHERE clause")
    return select[: match.end()] + f" {pattern} " + select[match.end() :]


# A string, an IRI or a comment (left alone), or a prefixed name not part of a variable or another name.
_PNAME = re.compile(
    r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*)"""
    r"|(?<![\w?$:.-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:((?:[\w-]|\.(?=[\w-]))*)"
)


def expand_prefixed(text: str, prefixes: Mapping[str, str]) -> str:
    """``text`` with each prefixed name of ``prefixes`` written as a full IRI.

    A custom target's query (sh:target/sh:select) is inlined into other queries (property checks,
    planned passes) whose own prologue it cannot bring along; written out in full, it needs none.
    Prefixes not in ``prefixes`` are left as written, so the store reports them as it would.
    """

    def full(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        namespace = prefixes.get(match.group(2) or "")
        return match.group(0) if namespace is None else f"<{namespace}{match.group(3)}>"

    return _PNAME.sub(full, text)


def negate(condition: str) -> str:
    """The negation of one test from :meth:`Compiler.conditions` (an EXISTS, a NOT EXISTS, or anything else)."""
    if condition.startswith("NOT EXISTS {"):
        return condition.removeprefix("NOT ")
    if condition.startswith("EXISTS {"):
        return f"NOT {condition}"
    return f"!({condition})"


def none_of(var: str, members: list[Term]) -> str:
    """``var`` is none of ``members`` as the same RDF term (sh:in compares terms, not values), never an error.

    IRIs are equal exactly when they are the same term, so a list of IRIs becomes a conjunction of ``!=``,
    the one form every store tested gets right: Virtuoso 7 overflows its stack on ``IN`` inside EXISTS and
    miscounts a negated disjunction of sameTerm. Literals need sameTerm.
    """
    if not members:
        return "true"
    if all(isinstance(m, ox.NamedNode) for m in members):
        return "(" + " && ".join(f"{var} != {iri(m)}" for m in members) + ")"
    return "!(" + " || ".join(f"sameTerm({var}, {iri(m)})" for m in members) + ")"


def filter_(condition: str) -> str:
    return "" if condition == "true" else f"FILTER({condition}) "


def shape_key(term: Term) -> str:
    """How a node is named in a finding: an IRI or a literal (a focus node can be one) as is, a blank node as ``_:``."""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value
