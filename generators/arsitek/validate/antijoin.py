"""``FILTER NOT EXISTS`` as ``MINUS`` where the two mean the same: one hash anti-join instead of a probe per row.

pyoxigraph evaluates a NOT EXISTS once for every solution of its group. A
SPARQL-based rule about every triple of the model (ARS-REF-001: every IRI used
as a value has a type) has a million solutions, so a million index probes. A
MINUS evaluates its pattern once and drops the matching solutions by hash, in
about two thirds of the time there. SHACL forbids MINUS in SPARQL constraints
because pyshacl pre-binds ``$this``; this engine joins the target instead (or
tests membership afterwards), so it may rewrite the query it runs, never the
shape.

The two forms agree when every variable the filter's pattern shares with its
group is bound in every solution of both: NOT EXISTS substitutes exactly those
variables, and MINUS compares exactly those. The group must also be a plain
group: inside OPTIONAL (whose filter sees the left side), EXISTS or MINUS
(evaluated with outer bindings), GRAPH or SERVICE, nothing is rewritten.
Which variables are always bound is read from rdflib's algebra of the group
and of the pattern; anything it cannot read keeps the query as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_LEXEME = re.compile(
    r'(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*)'
    r"|(?P<open>\{)|(?P<close>\})"
    r"|(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)"
    r"|(?P<word>[A-Za-z_][\w\-.]*:[\w\-.:%]*|:[\w\-.:%]*|[A-Za-z_]\w*)"
    r"|(?P<punct>[.;,()])"
)
#: What may stand before a group's brace for the group to be plain: its filters see only its own solutions.
_PLAIN_AFTER = {"WHERE", "UNION", "{", "}", "."}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _tokens(query: str) -> list[_Token]:
    return [
        _Token(m.lastgroup, m.group(), m.start(), m.end())
        for m in _LEXEME.finditer(query)
        if m.lastgroup is not None and m.lastgroup != "skip"
    ]


def _variables(tokens: list[_Token]) -> set[str]:
    return {t.text[1:] for t in tokens if t.kind == "var"}


def rewrite(query: str) -> str:
    """``query`` with each ``FILTER NOT EXISTS { P }`` that MINUS can stand for moved to its group's end as
    ``MINUS { P }``; the query unchanged where that cannot be shown to give the same solutions."""
    while (rewritten := _rewrite_one(query)) is not None:  # each pass removes one FILTER NOT EXISTS
        query = rewritten
    return query


def _rewrite_one(query: str) -> str | None:
    tokens = _tokens(query)
    closing = _matching(tokens)
    if closing is None:
        return None  # unbalanced braces: not ours to touch
    for i in range(len(tokens) - 3):
        if _starts_filter_not_exists(tokens, i) and (moved := _moved(query, tokens, closing, i)) is not None:
            return moved
    return None


def _starts_filter_not_exists(tokens: list[_Token], i: int) -> bool:
    words = [t.text.upper() for t in tokens[i : i + 3]]
    return words == ["FILTER", "NOT", "EXISTS"] and tokens[i + 3].kind == "open"


def _matching(tokens: list[_Token]) -> dict[int, int] | None:
    """Each opening brace's token index to its closing brace's."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.kind == "open":
            stack.append(index)
        elif token.kind == "close":
            if not stack:
                return None
            pairs[stack.pop()] = index
    return pairs if not stack else None


def _moved(query: str, tokens: list[_Token], closing: dict[int, int], i: int) -> str | None:
    opened = i + 3
    shut = closing[opened]
    enclosing = sorted(o for o, c in closing.items() if o < i and c > shut)
    if not enclosing or any(not _plain(tokens, o) for o in enclosing):
        return None
    group, group_end = enclosing[-1], closing[enclosing[-1]]
    pattern = query[tokens[opened].end : tokens[shut].start]
    rest = query[tokens[group].end : tokens[i].start] + " " + query[tokens[shut].end : tokens[group_end].start]
    prologue = query[: _select_start(tokens)]
    shared = _variables(tokens[opened + 1 : shut]) & _variables(tokens[group + 1 : i] + tokens[shut + 1 : group_end])
    if not shared:
        return None  # with nothing shared, NOT EXISTS tests the whole data and MINUS removes nothing
    if not (shared <= _always_bound(prologue, rest) and shared <= _always_bound(prologue, pattern)):
        return None
    return (
        query[: tokens[i].start]
        + query[tokens[shut].end : tokens[group_end].start]
        + f" MINUS {{{pattern}}} "
        + query[tokens[group_end].start :]
    )


def _plain(tokens: list[_Token], opened: int) -> bool:
    if opened == 0:
        return False
    return tokens[opened - 1].text.upper() in _PLAIN_AFTER


def _select_start(tokens: list[_Token]) -> int:
    return next((t.start for t in tokens if t.kind == "word" and t.text.upper() == "SELECT"), 0)


def _always_bound(prologue: str, group: str) -> set[str]:
    """The variables bound in every solution of ``group``; empty where rdflib cannot read it."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(f"{prologue} SELECT * WHERE {{ {group} }}").algebra
    except Exception:  # any parse or translation failure: nothing is known, nothing is rewritten
        return set()
    return _bound(algebra)


def _bound(node: Any) -> set[str]:
    from rdflib.term import Literal, URIRef, Variable

    name = getattr(node, "name", None)
    if name == "BGP":
        return {str(term) for triple in node.triples for term in triple if isinstance(term, Variable)}
    if name == "Join":
        return _bound(node.p1) | _bound(node.p2)
    if name in ("LeftJoin", "Minus"):
        return _bound(node.p1)
    if name == "Union":
        return _bound(node.p1) & _bound(node.p2)
    if name == "Extend":  # BIND: bound only when its expression cannot fail (a constant, a bound variable)
        inner = _bound(node.p)
        expr = node.expr
        if isinstance(expr, (URIRef, Literal)) or (isinstance(expr, Variable) and str(expr) in inner):
            return inner | {str(node.var)}
        return inner
    if name == "Graph":
        return _bound(node.p) | ({str(node.term)} if isinstance(node.term, Variable) else set())
    if name == "Project":
        return _bound(node.p) & {str(v) for v in node.PV}
    if name in ("Filter", "Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet", "SelectQuery"):
        return _bound(node.p)
    if name == "values":
        rows = [{str(k) for k, v in row.items() if v is not None} for row in node.res]
        return set.intersection(*rows) if rows else set()
    return set()
