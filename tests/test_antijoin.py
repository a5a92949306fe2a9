"""FILTER NOT EXISTS rewritten as MINUS only where both give the same solutions.

Every query here runs as written and as rewritten on the same small data; for each
query the rewriter must leave alone, the naive rewrite (MINUS where the filter was)
is shown to give other solutions, so the refusal is what keeps the answer right.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from arsitek.validate.antijoin import rewrite

DATA = """
@prefix ex: <https://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
ex:a a ex:Thing ; ex:link ex:b , ex:typo ; ex:name "a" .
ex:b a ex:Thing ; ex:link ex:a ; ex:other ex:c .
ex:c ex:link ex:a .
"""
PREFIX = "PREFIX ex: <https://example.org/>\nPREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"


def solutions(query: str) -> list[tuple[tuple[str, str], ...]]:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    result = store.query(PREFIX + query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    rows = [tuple((n, str(s[n])) for n in names if s[n] is not None) for s in result]
    return sorted(rows)


def naive(query: str) -> str:
    """MINUS where the first FILTER NOT EXISTS stands, whatever it means."""
    return re.sub(r"FILTER NOT EXISTS", "MINUS", query, count=1)


REWRITTEN = [
    # every IRI value without a type (ARS-REF-001's body)
    "SELECT DISTINCT ?this ?path ?value WHERE { ?this ?path ?value . FILTER (isIRI(?value) && ?path != rdf:type) "
    "FILTER NOT EXISTS { ?value rdf:type ?anyType } }",
    # in each branch of a union, with a BIND after the filter (ARS-REF-002's shape)
    "SELECT ?this ?value WHERE { { ?this ?path ?o . FILTER NOT EXISTS { ?path rdf:type ?kind } BIND (?path AS ?value) }"
    " UNION { ?this rdf:type ?value . BIND (rdf:type AS ?path) FILTER NOT EXISTS { ?value rdf:type ?kind } } }",
    # a filter inside the pattern that reads only the pattern's own variables
    'SELECT ?this WHERE { ?this a ex:Thing FILTER NOT EXISTS { ?this ex:name ?n FILTER(?n = "a") } }',
]


@pytest.mark.parametrize("query", REWRITTEN)
def test_a_not_exists_that_minus_can_stand_for_is_rewritten_with_the_same_solutions(query: str) -> None:
    rewritten = rewrite(PREFIX + query)
    assert "FILTER NOT EXISTS" not in rewritten and "MINUS" in rewritten
    assert solutions(rewritten.removeprefix(PREFIX)) == solutions(query)


KEPT = {
    "no variable shared": "SELECT ?this WHERE { ?this a ex:Thing FILTER NOT EXISTS { ?x ex:other ?y } }",
    "inside OPTIONAL, where the filter sees the left side": "SELECT ?this ?v WHERE { ?this a ex:Thing "
    "OPTIONAL { ?x ex:link ?v FILTER NOT EXISTS { ?v ex:link ?this } } }",
    "a shared variable bound only sometimes in the group": "SELECT ?this ?v WHERE { ?this a ex:Thing "
    "OPTIONAL { ?this ex:other ?v } FILTER NOT EXISTS { ?v ex:link ?w } }",
    "a shared variable the pattern only filters on": "SELECT ?this ?n WHERE { ?this ex:name ?n "
    'FILTER NOT EXISTS { ?x ex:name ?m FILTER(?n = "a") } }',
    "a BIND that may fail": 'SELECT ?this ?v WHERE { ?this a ex:Thing BIND(IRI(CONCAT(STR(?this), "x")) AS ?v) '
    "OPTIONAL { ?this ex:other ?o } BIND(?o AS ?w) FILTER NOT EXISTS { ?w ex:link ?z } }",
}


@pytest.mark.parametrize("query", KEPT.values(), ids=KEPT.keys())
def test_a_not_exists_that_minus_cannot_stand_for_is_kept(query: str) -> None:
    assert rewrite(PREFIX + query) == PREFIX + query
    assert solutions(naive(query)) != solutions(query)  # the naive rewrite would change the answer


def test_text_in_strings_comments_and_nested_exists_is_not_taken_for_a_filter() -> None:
    query = (
        'SELECT ?this WHERE { ?this ex:name ?n FILTER(?n != "FILTER NOT EXISTS { ?this a ?t }") '
        "# FILTER NOT EXISTS { ?this a ?t }\n"
        "FILTER EXISTS { ?this ex:link ?v FILTER NOT EXISTS { ?v ex:other ?this } } }"
    )
    assert rewrite(PREFIX + query) == PREFIX + query
    assert solutions(query) == [(("this", "<https://example.org/a>"),)]
