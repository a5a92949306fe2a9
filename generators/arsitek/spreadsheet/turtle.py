"""Turtle in the model's house style, and the edit of an existing file that changes only some elements.

House style is what architects keep in git: the prefixes the file uses, one block per element
sorted by IRI, ``a`` first, then labels and definitions, then the other properties by name, the
sources last. Editing an existing file replaces only the blocks of the elements that changed and
appends new ones, so a ``git diff`` shows exactly those; the comments of a replaced block are kept
above it, and the edited file is parsed back and compared with the graph it must hold before it
replaces the original.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from arsitek.vocab import DCTERMS, RDF, RDFS, SKOS, XSD

Term = ox.NamedNode | ox.Literal | ox.BlankNode
Triple = tuple[str, str, Term]  # subject IRI, predicate IRI, object

_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_FIRST = (f"{RDF}type", f"{RDFS}label", f"{SKOS}prefLabel", f"{SKOS}altLabel", f"{SKOS}definition")
_LAST = (f"{DCTERMS}source",)


@dataclass(frozen=True)
class Prefixes:
    """The prefixes a file may use, in the order its ``@prefix`` lines are written."""

    table: tuple[tuple[str, str], ...]

    def name(self, iri: str) -> str:
        best = ("", "")
        for prefix, namespace in self.table:
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and len(namespace) > len(best[1]) and (not local or _LOCAL.fullmatch(local)):
                best = (prefix, namespace)
        if best[1]:
            return f"{best[0]}:{iri[len(best[1]) :]}"
        return f"<{iri}>"

    def lines(self, used: Iterable[str]) -> list[str]:
        wanted = set(used)
        first = self.table[0][0] if self.table else ""  # the agency's own prefix leads, the rest by name
        chosen = sorted(((p, n) for p, n in self.table if p in wanted), key=lambda pn: (pn[0] != first, pn[0]))
        width = max((len(p) for p, _ in chosen), default=0) + 2
        return [f"@prefix {(p + ':').ljust(width)}<{n}> ." for p, n in chosen]


def _string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return '"' + escaped.replace("\t", "\\t") + '"'


def term(value: Term, prefixes: Prefixes) -> str:
    if isinstance(value, ox.NamedNode):
        return prefixes.name(value.value)
    if isinstance(value, ox.BlankNode):
        return f"_:{value.value}"
    if value.language:
        return f"{_string(value.value)}@{value.language}"
    if value.datatype.value == f"{XSD}string":
        return _string(value.value)
    if value.datatype.value in (f"{XSD}integer", f"{XSD}boolean") and re.fullmatch(r"[+-]?\d+|true|false", value.value):
        return value.value
    return f"{_string(value.value)}^^{prefixes.name(value.datatype.value)}"


def _predicate_key(predicate: str, prefixes: Prefixes) -> tuple[int, str]:
    if predicate in _FIRST:
        return (_FIRST.index(predicate), "")
    if predicate in _LAST:
        return (len(_FIRST) + 1 + _LAST.index(predicate), "")
    return (len(_FIRST), prefixes.name(predicate))


def _object_key(value: Term) -> tuple[int, str, str]:
    if isinstance(value, ox.Literal):
        return (0, "" if value.language == "id" else value.language or "~", value.value)
    return (1, "", value.value)


def block(subject: str, statements: Iterable[tuple[str, Term]], prefixes: Prefixes) -> str:
    """One element: ``subject a Class ;`` then one property per line, several values joined by ``,``."""
    by_predicate: dict[str, list[Term]] = {}
    for predicate, value in statements:
        if value not in by_predicate.setdefault(predicate, []):
            by_predicate[predicate].append(value)
    ordered = sorted(by_predicate, key=lambda p: _predicate_key(p, prefixes))
    lines = []
    for predicate in ordered:
        values = " , ".join(term(v, prefixes) for v in sorted(by_predicate[predicate], key=_object_key))
        name = "a" if predicate == f"{RDF}type" else prefixes.name(predicate)
        lines.append(f"{name} {values}")
    head = prefixes.name(subject)
    if not lines:
        return ""
    return f"{head} " + " ;\n    ".join(lines) + " .\n"


def used_prefixes(text: str, prefixes: Prefixes) -> set[str]:
    return {p for p, _ in prefixes.table if re.search(rf"(?<![\w<\"]){re.escape(p)}:", text)}


def document(comment: str, triples: Iterable[Triple], prefixes: Prefixes) -> str:
    """A new file: a comment saying where it came from, its prefixes, its elements sorted by IRI."""
    by_subject: dict[str, list[tuple[str, Term]]] = {}
    for subject, predicate, value in triples:
        by_subject.setdefault(subject, []).append((predicate, value))
    body = "\n".join(block(s, by_subject[s], prefixes) for s in sorted(by_subject))
    head = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    return head + "\n" + "\n".join(prefixes.lines(used_prefixes(body, prefixes))) + "\n\n" + body


# --- Editing a file in place ---------------------------------------------------


def statement_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every top-level statement, ``end`` just after its closing ``.``.

    A small scanner of Turtle's lexical structure: strings (all four quotings), IRIs, comments and
    brackets are skipped, so a ``.`` inside them never ends a statement.
    """
    spans: list[tuple[int, int]] = []
    i, n, depth, start = 0, len(text), 0, None
    while i < n:
        c = text[i]
        if c == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
            continue
        if start is None and not c.isspace():
            start = i
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<" and (m := re.compile(r"<[^<>\"{}|^`\\\s]*>").match(text, i)):
            i = m.end()
            continue
        if c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
        elif c == "." and depth == 0 and (i + 1 == n or text[i + 1].isspace() or text[i + 1] == "#"):
            if start is not None:
                spans.append((start, i + 1))
            start = None
        i += 1
    return spans


def _parse(text: str, base: str) -> Counter[tuple[str, str, str]]:
    """The file's triples, blank nodes written ``_`` (their labels differ from one parse to the next)."""
    store = ox.Store()
    store.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base)

    def shown(value: object) -> str:
        return "_" if isinstance(value, ox.BlankNode) else str(value)

    return Counter((shown(q.subject), str(q.predicate), shown(q.object)) for q in store)


class CannotEdit(Exception):
    """The file cannot be edited so that only the wanted elements change; the message says where."""


def edit(
    text: str,
    base: str,
    replaced: Mapping[str, list[tuple[str, Term]]],
    added: Iterable[Triple],
    prefixes: Prefixes,
) -> str:
    """``text`` with each subject of ``replaced`` holding exactly its new statements, and ``added`` appended.

    A subject to replace must be the subject of exactly one statement of the file, written with no
    blank node (``[ … ]``) or list in it. The result is parsed back: it must hold the file's old
    triples minus the replaced subjects' plus the new ones, and every comment line of the old text,
    or :class:`CannotEdit` is raised and nothing is written.
    """
    spans = statement_spans(text)
    subject_of: dict[str, list[tuple[int, int]]] = {}
    name_of = {s: {prefixes.name(s), f"<{s}>"} for s in replaced}
    for start, end in spans:
        head = re.match(r"(<[^>]*>|[^\s;,]+)", text[start:end])
        token = head.group(1) if head else ""
        for subject, names in name_of.items():
            if token in names:
                subject_of.setdefault(subject, []).append((start, end))
    old = _parse(text, base)
    expected = Counter({t: k for t, k in old.items() if t[0][1:-1] not in replaced})
    pieces: list[tuple[int, int, str]] = []
    for subject, statements in sorted(replaced.items()):
        found = subject_of.get(subject, [])
        if len(found) != 1:
            raise CannotEdit(f"{prefixes.name(subject)} is said in {len(found)} statements of the file, not one")
        start, end = found[0]
        if re.search(r"\[|\(|_:", text[start:end]) and any(isinstance(v, ox.BlankNode) for _, v in statements):
            raise CannotEdit(f"{prefixes.name(subject)} holds a blank node or a list")
        comments = [line.strip() for line in text[start:end].splitlines() if line.strip().startswith("#")]
        new = block(subject, statements, prefixes).rstrip("\n")
        pieces.append((start, end, "".join(f"{c}\n" for c in comments) + new))
    edited = text
    for start, end, new in sorted(pieces, reverse=True):
        edited = edited[:start] + new + edited[end:]
    additions = list(added)
    if additions:
        by_subject: dict[str, list[tuple[str, Term]]] = {}
        for subject, predicate, value in additions:
            by_subject.setdefault(subject, []).append((predicate, value))
        edited = edited.rstrip("\n") + "\n\n" + "\n".join(block(s, by_subject[s], prefixes) for s in sorted(by_subject))
    missing = used_prefixes(edited, prefixes) - used_prefixes(text, prefixes) - declared(text)
    if missing:
        lines = prefixes.lines(missing)
        last = max((m.end() for m in re.finditer(r"^@prefix[^\n]*\n", edited, flags=re.MULTILINE)), default=0)
        edited = edited[:last] + "\n".join(lines) + "\n" + edited[last:]
    for subject, statements in replaced.items():
        expected.update({(f"<{subject}>", f"<{p}>", str(v)) for p, v in statements})
    expected.update({(f"<{s}>", f"<{p}>", str(v)) for s, p, v in additions})
    got = _parse(edited, base)
    if got != expected:
        differ = sum(((got - expected) + (expected - got)).values())
        raise CannotEdit(f"the edited file would hold {differ} triple(s) other than intended")
    old_comments = sorted(line.strip() for line in text.splitlines() if line.strip().startswith("#"))
    new_comments = sorted(line.strip() for line in edited.splitlines() if line.strip().startswith("#"))
    if any(c not in new_comments for c in old_comments):
        raise CannotEdit("a comment of the file would be lost")
    return edited


def declared(text: str) -> set[str]:
    return set(re.findall(r"^\s*@prefix\s+([A-Za-z][\w.-]*)?:", text, flags=re.MULTILINE))
