"""The statements two sides differ by, as elements added, removed, renamed and changed property by property.

Only statements count, so reordering a file, reformatting it or renaming a prefix is no change. A
blank node is compared by what it says (``[ a spbe:Kontrol ; … ]``), not by the label a parser gave
it. An element whose IRI changed is recognised when an element of the same kind disappears and
another appears saying mostly the same (its labels above all); the share of statements they have in
common is the confidence reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from arsitek.load import load_one
from arsitek.source_file import SourceFile
from arsitek.vocab import RDF, RDFS, SKOS

TYPE = f"{RDF}type"
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Statement = tuple[str, str, str]  # subject IRI, predicate IRI, object in N-Triples form (a blank node by content)
#: how much of what two elements say must be the same for one to be the other renamed
RENAME_THRESHOLD = 0.6
_LABELS = (f"{RDFS}label", f"{SKOS}prefLabel")


def statements_of(path: Path, display: str) -> set[Statement]:
    """A file's statements, blank nodes folded into the statement that points at them."""
    store = ox.Store()
    source = SourceFile(path=path, display=display, role="model")
    load_one(store, source)
    return canonical(store.quads_for_pattern(None, None, None, source.graph))


def canonical(quads: Iterable[ox.Quad]) -> set[Statement]:
    about: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    named: list[tuple[str, str, Term]] = []
    objects: set[str] = set()
    for quad in quads:
        subject = quad.subject
        if isinstance(subject, ox.BlankNode):
            about[subject.value].append((quad.predicate.value, quad.object))
        elif isinstance(subject, ox.NamedNode):
            named.append((subject.value, quad.predicate.value, quad.object))
        if isinstance(quad.object, ox.BlankNode):
            objects.add(quad.object.value)

    def shown(term: Term, seen: frozenset[str] = frozenset()) -> str:
        if isinstance(term, ox.BlankNode):
            if term.value in seen:  # a cycle of blank nodes: named by position, not content
                return "[…]"
            inner = sorted(f"<{p}> {shown(o, seen | {term.value})}" for p, o in about.get(term.value, []))
            return "[ " + " ; ".join(inner) + " ]"
        return str(term)

    out = {(s, p, shown(o)) for s, p, o in named}
    for node in about:  # a blank node nothing points at: its statements under its content's name
        if node not in objects:
            name = shown(ox.BlankNode(node))
            out |= {(name, p, shown(o)) for p, o in about[node]}
    return out


@dataclass
class ElementChange:
    """One element's change: what it is now (or was), and each property's values gone and come."""

    iri: str
    status: str  # "added", "removed", "renamed", "changed"
    types: tuple[str, ...] = ()
    removed: dict[str, list[str]] = field(default_factory=dict)
    added: dict[str, list[str]] = field(default_factory=dict)
    #: for a renamed element, its IRI before and how sure the match is (0-1)
    was: str | None = None
    confidence: float | None = None


@dataclass
class SemanticDiff:
    elements: dict[str, ElementChange]
    #: base IRI -> head IRI of every renamed element
    renamed: dict[str, str]
    removed_statements: int
    added_statements: int

    @property
    def empty(self) -> bool:
        return not self.elements


def _described(statements: Iterable[Statement]) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for s, p, o in statements:
        out[s].add((p, o))
    return out


def _types(description: set[tuple[str, str]]) -> frozenset[str]:
    return frozenset(o.strip("<>") for p, o in description if p == TYPE)


def _similarity(a: set[tuple[str, str]], b: set[tuple[str, str]], rename: Mapping[str, str]) -> float:
    """Shared statements over all; the same label in the same language counts three times, a name is identity."""
    a = {(p, _renamed(o, rename)) for p, o in a}
    common, union = a & b, a | b
    labels = sum(2 for p, _ in common if p in _LABELS)
    return (len(common) + labels) / (len(union) + labels) if union else 0.0


def _renamed(term: str, rename: Mapping[str, str]) -> str:
    if term.startswith("<") and term[1:-1] in rename:
        return f"<{rename[term[1:-1]]}>"
    return term


def compare(
    base: set[Statement],
    head: set[Statement],
    base_typed: Mapping[str, frozenset[str]],
    head_typed: Mapping[str, frozenset[str]],
    base_description: Mapping[str, set[tuple[str, str]]] | None = None,
    head_description: Mapping[str, set[tuple[str, str]]] | None = None,
) -> SemanticDiff:
    """The difference of two sides' statements (those of the files that changed, or everything).

    ``*_typed`` are every element of a side with its classes (so that an element whose file did not
    change is still known to exist); ``*_description`` what the whole side says about an element,
    for recognising renames (by default, the statements given).
    """
    gone, come = base - head, head - base
    base_description = base_description or _described(base)
    head_description = head_description or _described(head)
    touched = {s for s, _, _ in gone} | {s for s, _, _ in come}
    removed = sorted(s for s in touched if s in base_typed and s not in head_typed)
    added = sorted(s for s in touched if s in head_typed and s not in base_typed)
    rename: dict[str, str] = {}
    confidence: dict[str, float] = {}
    for old in removed:  # the best unclaimed match of the same kind, if it is close enough
        candidates = [
            (_similarity(base_description.get(old, set()), head_description.get(new, set()), {}), new)
            for new in added
            if new not in rename.values() and base_typed[old] == head_typed[new]
        ]
        if candidates:
            score, new = max(candidates, key=lambda c: (c[0], c[1]))
            if score >= RENAME_THRESHOLD:
                rename[old] = new
                confidence[new] = round(score, 2)
    if rename:  # say the old IRI as the new one everywhere, so that only the rename itself remains
        gone = {(rename.get(s, s), p, _renamed(o, rename)) for s, p, o in gone}
        gone, come = gone - come, come - gone
    elements: dict[str, ElementChange] = {}
    for s, p, o in sorted(gone):
        status = "removed" if s in base_typed and s not in head_typed and s not in rename.values() else "changed"
        change = elements.setdefault(s, ElementChange(s, status, tuple(sorted(base_typed.get(s, ())))))
        change.removed.setdefault(p, []).append(o)
    for s, p, o in sorted(come):
        status = "added" if s in head_typed and s not in base_typed and s not in rename.values() else "changed"
        change = elements.setdefault(s, ElementChange(s, status, tuple(sorted(head_typed.get(s, ())))))
        change.added.setdefault(p, []).append(o)
    for old, new in rename.items():
        change = elements.setdefault(new, ElementChange(new, "renamed", tuple(sorted(head_typed.get(new, ())))))
        change.status, change.was, change.confidence = "renamed", old, confidence[new]
    # blank-node statements nothing names, and statements about things no side types (a vocabulary
    # term's label in the model) are kept under their subject: they are changes too
    return SemanticDiff(dict(sorted(elements.items())), rename, len(base - head), len(head - base))
