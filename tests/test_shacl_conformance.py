"""The W3C SHACL Core test suite against the SPARQL engine.

A test counts as supported when every shape in it compiles (no fallback to
pyshacl); every supported test must pass: same conformance and the same
results (focus node, path, value, severity), with the listed exceptions
(:data:`KNOWN_FAILURES`). The pass count is printed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from arsitek.errors import ArsitekError
from arsitek.load import LoadedModel, load_model
from arsitek.validate.compiler import Compiler
from arsitek.validate.executor import SparqlEngine
from arsitek.validate.findings import Rule, Severity
from arsitek.validate.rules import ShapesGraph
from tests.conftest import SHARED

SUITE = SHARED / "data" / "shacl-test-suite" / "core"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
SH = "http://www.w3.org/ns/shacl#"


def suite_files() -> list[Path]:
    return sorted(p for p in SUITE.rglob("*.ttl") if p.name != "manifest.ttl")


def key(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    if term is None:
        return ""
    return term.value if not isinstance(term, ox.BlankNode) else "_:"


def shapes_of(model: LoadedModel) -> ShapesGraph:
    """Every shape with a target is a rule of its own (the suite has no ars:ruleId)."""
    rows = model.query(
        f"SELECT DISTINCT ?s WHERE {{ {{ ?s <{SH}targetClass> ?t }} UNION {{ ?s <{SH}targetNode> ?t }} "
        f"UNION {{ ?s <{SH}targetSubjectsOf> ?t }} UNION {{ ?s <{SH}targetObjectsOf> ?t }} "
        f"UNION {{ ?s a <{SH}NodeShape>, <http://www.w3.org/2000/01/rdf-schema#Class> }} }}"
    )
    rules = []
    for row in rows:
        node = row["s"]
        name = node.value if isinstance(node, ox.NamedNode) else f"_:{node.value}"
        rules.append(Rule(rule_id=name, shape=name, severity=Severity.VIOLATION, title={}, description={}))
    return ShapesGraph(source=model, rules=tuple(rules), rule_of_shape={r.shape: r.rule_id for r in rules}, messages={})


def expected(model: LoadedModel) -> tuple[bool, Counter[tuple[str, str, str, str]]] | None:
    rows = list(model.query(f"SELECT ?c WHERE {{ ?t a <{SHT}Validate> ; <{MF}result> ?r . ?r <{SH}conforms> ?c }}"))
    if len(rows) != 1:
        return None
    results: Counter[tuple[str, str, str, str]] = Counter()
    for row in model.query(
        f"SELECT ?f ?p ?v ?s WHERE {{ ?t a <{SHT}Validate> ; <{MF}result> ?r . ?r <{SH}result> ?x . "
        f"?x <{SH}focusNode> ?f ; <{SH}resultSeverity> ?s . OPTIONAL {{ ?x <{SH}resultPath> ?p }} "
        f"OPTIONAL {{ ?x <{SH}value> ?v }} }}"
    ):
        path = row["p"].value if isinstance(row["p"], ox.NamedNode) else ""
        results[(key(row["f"]), path, key(row["v"]), row["s"].value.rsplit("#", 1)[-1].lower())] += 1
    return rows[0]["c"].value == "true", results


def graphs_of(model: LoadedModel, path: Path) -> tuple[LoadedModel, LoadedModel]:
    """The test's data graph and shapes graph: the file itself, or the files its manifest entry names."""
    rows = list(
        model.query(
            f"SELECT ?d ?s WHERE {{ ?t a <{SHT}Validate> ; <{MF}action> ?a . "
            f"?a <{SHT}dataGraph> ?d ; <{SHT}shapesGraph> ?s }}"
        )
    )
    assert len(rows) == 1, path

    def graph(iri: str) -> LoadedModel:
        named = Path(iri.removeprefix("file://"))
        return model if named == path else load_model([named])

    return graph(rows[0]["d"].value), graph(rows[0]["s"].value)


@pytest.fixture(scope="module")
def outcomes() -> dict[str, str]:
    assert (SUITE / "manifest.ttl").is_file(), f"the W3C SHACL Core suite is expected beside the checkout, at {SUITE}"
    out: dict[str, str] = {}
    for path in suite_files():
        name = path.relative_to(SUITE).as_posix()
        try:
            model = load_model([path])
        except ArsitekError:
            out[name] = "unsupported: cannot load"
            continue
        wanted = expected(model)
        if wanted is None:
            out[name] = "unsupported: not a single validation test"
            continue
        data, shapes_model = graphs_of(model, path)
        shapes = shapes_of(shapes_model)
        _, unsupported = Compiler(shapes).compile()
        if unsupported or not shapes.rules:
            out[name] = "unsupported"
            continue
        findings = SparqlEngine().run(data, shapes)
        got: Counter[tuple[str, str, str, str]] = Counter(
            (
                f.focus_node if not f.focus_node.startswith("_:") else "_:",
                f.path or "",
                (f.value or "") if not (f.value or "").startswith("_:") else "_:",
                f.severity.word,
            )
            for f in findings
        )
        conforms = not findings
        out[name] = "pass" if (conforms, got) == wanted else f"fail: expected {wanted} got {(conforms, got)}"
    return out


#: Supported tests that fail for a reason outside the compiler, each said once here (and in the README).
KNOWN_FAILURES = {
    # pyoxigraph stores xsd:boolean in canonical form: "1"^^xsd:boolean is read back as true, so a
    # shape's sh:uniqueLang "1" (which the suite says is not true) cannot be told from sh:uniqueLang true.
    "property/uniqueLang-002.ttl",
    # A value reached from two focus nodes (one address of two people) is one focus node of the inner
    # property shape here, so it gives one result where the suite counts two; arsitek reports findings
    # once per (focus node, path, value, rule) with either engine, so users see the same either way.
    "property/property-001.ttl",
}


def test_every_supported_core_test_passes(outcomes: dict[str, str]) -> None:
    passed = sorted(n for n, o in outcomes.items() if o == "pass")
    failed = {n: o for n, o in outcomes.items() if o.startswith("fail")}
    print(
        f"\nW3C SHACL Core: {len(passed)} passed, {len(failed)} failed ({len(KNOWN_FAILURES)} known), "
        f"{sum(o.startswith('unsupported') for o in outcomes.values())} unsupported of {len(outcomes)}"
    )
    assert sorted(failed) == sorted(KNOWN_FAILURES)  # a known failure that passes must leave the list
    assert len(passed) >= 92
