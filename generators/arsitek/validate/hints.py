"""What a typo means: the term the architect probably meant, and the findings that only follow from it.

An undeclared term (ARS-REF-002: ``spbe:pemlik``, ``spbe:AplikasiKusus``) or an undefined value
(ARS-REF-001: ``kode:trbatas``) is one mistake, but the rules that read the intended term then
fail too: the application has no owner, the openness is not a code, a flow points at something
that is not an application. Each typo's finding gets the nearest declared term as a suggestion,
and every finding that follows from it says so, so the architect fixes one line, not five.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import replace

from arsitek.validate.checks import Term
from arsitek.validate.findings import Finding
from arsitek.validate.rules import ShapesGraph
from arsitek.view import local_name
from arsitek.vocab import SKOS, shorten, shorten_bracketed

#: A SELECT over the model, on this machine or at an endpoint.
Select = Callable[[str], list[dict[str, Term]]]
#: Where a graph defines an element, as a reader finds it: ``model/data.ttl:17``; None for no file.
Site = Callable[[str, str], str | None]

TYPO_RULES = frozenset({"ARS-REF-001", "ARS-REF-002"})
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: How alike a name must be to be offered (difflib's ratio); below it a guess misleads more than it helps.
CUTOFF = 0.75


def _namespace(iri: str) -> str:
    return iri[: len(iri) - len(local_name(iri))]


def _declared(select: Select) -> dict[str, list[str]]:
    """Every IRI with a type in any loaded file, by namespace: what a typo could have meant (one query)."""
    by_namespace: dict[str, list[str]] = defaultdict(list)
    for row in select("SELECT DISTINCT ?s WHERE { ?s a ?t FILTER(isIRI(?s)) }"):
        iri = row["s"].value
        by_namespace[_namespace(iri)].append(iri)
    return by_namespace


def nearest(term: str, candidates: dict[str, list[str]]) -> str | None:
    """The declared IRI in ``term``'s namespace whose local name is closest to its own, if any is close enough."""
    names = {local_name(iri).lower(): iri for iri in sorted(candidates.get(_namespace(term), ())) if iri != term}
    match = difflib.get_close_matches(local_name(term).lower(), list(names), n=1, cutoff=CUTOFF)
    return names[match[0]] if match else None


#: At most this many codes are listed in a message; a longer list points at the scheme instead.
LISTED_CODES = 12

_SCHEME_OF_PATH = """
    PREFIX sh: <http://www.w3.org/ns/shacl#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?rule ?path ?scheme WHERE {
        ?rule sh:property ?property . ?property sh:path ?path ; sh:node ?node .
        ?node sh:property ?inScheme . ?inScheme sh:path skos:inScheme ; sh:hasValue ?scheme .
    }"""


def with_allowed_codes(
    select: Select, shapes: ShapesGraph, findings: list[Finding], prefixes: Mapping[str, str] | None = None
) -> list[Finding]:
    """A code-list finding (``kode:trbatas`` is not in kode:Keterbukaan) also lists the codes one may write."""
    scheme_of = {(r["rule"].value, r["path"].value): r["scheme"].value for r in shapes.source.query(_SCHEME_OF_PATH)}
    wanted = {scheme_of[(f.shape, f.path)] for f in findings if f.path and (f.shape, f.path) in scheme_of}
    if not wanted:
        return findings
    codes: dict[str, list[str]] = defaultdict(list)
    values = " ".join(f"<{scheme}>" for scheme in sorted(wanted))
    rows = select(f"SELECT ?c ?s WHERE {{ VALUES ?s {{ {values} }} ?c <{SKOS}inScheme> ?s }} ORDER BY ?c")
    for row in rows:
        codes[row["s"].value].append(shorten(row["c"].value, prefixes))
    out = []
    for finding in findings:
        scheme = scheme_of.get((finding.shape, finding.path or ""))
        listed = codes.get(scheme or "", [])
        if listed and len(listed) <= LISTED_CODES:
            allowed = ", ".join(listed)
            message = {
                lang: text + (f"; tulis salah satu: {allowed}" if lang == "id" else f"; write one of: {allowed}")
                for lang, text in finding.message.items()
            }
            finding = replace(finding, message=message)
        out.append(finding)
    return out


DEFINED_TWICE = "ARS-REF-005"


def with_definition_sites(select: Select, site: Site, findings: list[Finding]) -> list[Finding]:
    """An element defined in several files: the message names every one of them (with its line, locally)."""
    nodes = sorted({f.focus_node for f in findings if f.rule_id == DEFINED_TWICE})
    if not nodes:
        return findings
    values = " ".join(f"<{node}>" for node in nodes)
    sites: dict[str, list[str]] = defaultdict(list)
    for row in select(f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s a ?t }} }}"):
        where = site(row["g"].value, row["s"].value)
        if where is not None:
            sites[row["s"].value].append(where)
    out = []
    for finding in findings:
        if finding.rule_id == DEFINED_TWICE and finding.focus_node in sites:
            where = ", ".join(sorted(sites[finding.focus_node]))
            message = {
                "id": f"Elemen ini didefinisikan di lebih dari satu berkas: {where}",
                "en": f"This element is defined in more than one file: {where}",
            }
            finding = replace(finding, message=message)
        out.append(finding)
    return out


def explain(
    select: Select,
    site: Site,
    shapes: ShapesGraph,
    findings: list[Finding],
    prefixes: Mapping[str, str] | None = None,
) -> list[Finding]:
    """``findings`` with the codes a code list allows, each typo's suggestion, and each follow-on marked.

    The same for a model on this machine and one at an endpoint: all it needs is a SELECT. Terms
    are named with ``prefixes``, the model's own, so a suggestion reads as the architect writes.
    """
    findings = with_definition_sites(select, site, with_allowed_codes(select, shapes, findings, prefixes))
    if prefixes:
        findings = [
            replace(f, message={lang: shorten_bracketed(text, prefixes) for lang, text in f.message.items()})
            for f in findings
        ]
    typos = [f for f in findings if f.rule_id in TYPO_RULES and f.value]
    if not typos:
        return findings
    candidates = _declared(select)
    meant: dict[str, str | None] = {t.value: nearest(t.value, candidates) for t in typos if t.value}
    misnamed_classes = {t.focus_node: t.value for t in typos if t.rule_id == "ARS-REF-002" and t.path == RDF_TYPE}
    by_node: dict[str, list[Finding]] = defaultdict(list)
    for typo in typos:
        by_node[typo.focus_node].append(typo)

    def cause(finding: Finding) -> str | None:
        if finding.rule_id in TYPO_RULES:
            return None
        for typo in by_node.get(finding.focus_node, ()):
            if typo.value == finding.value:  # the same undefined value, judged by another rule
                return typo.value
            if (
                typo.value
                and typo.path != RDF_TYPE
                and typo.path == typo.value
                and finding.path == meant.get(typo.value)
            ):
                return typo.value  # the misspelt property's intended one now looks missing
            if typo.path == RDF_TYPE:  # its class is misspelt: rules of the intended class misjudge it
                return typo.value
        if finding.value in misnamed_classes:  # it points at an element whose class is misspelt
            return misnamed_classes[finding.value]
        return None

    out = []
    for finding in findings:
        if finding.rule_id in TYPO_RULES and finding.value and meant.get(finding.value):
            suggestion = shorten(str(meant[finding.value]), prefixes)
            message = {
                lang: text + (f"; maksud Anda {suggestion}?" if lang == "id" else f"; did you mean {suggestion}?")
                for lang, text in finding.message.items()
            }
            out.append(replace(finding, message=message, suggestion=meant[finding.value]))
        elif (term := cause(finding)) is not None:
            shown = shorten(term, prefixes)
            message = {
                lang: text + (f" (akibat salah ketik {shown})" if lang == "id" else f" (follows from the typo {shown})")
                for lang, text in finding.message.items()
            }
            out.append(replace(finding, message=message, caused_by=term))
        else:
            out.append(finding)
    return out
