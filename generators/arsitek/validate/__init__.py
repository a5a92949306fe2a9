"""Validation: shapes and a model in, a :class:`ValidationResult` out.

The engine finds; this module then names and places every finding (label,
file, line) with a fixed number of bulk queries, whatever the model's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

import pyoxigraph as ox

from arsitek.endpoint import Credentials, Endpoint, published_graphs
from arsitek.errors import UsageError
from arsitek.load import LoadedModel, SourceFile
from arsitek.validate.engine import Engine
from arsitek.validate.findings import Finding, Location, Rule, Severity, ValidationResult
from arsitek.validate.pyshacl_engine import PyshaclEngine
from arsitek.validate.rules import ShapesGraph, load_shapes
from arsitek.validate.sparql_engine import SparqlEngine, StoreSource, Term
from arsitek.vocab import RDF, RDFS, SKOS

ENGINES: dict[str, type[PyshaclEngine] | type[SparqlEngine]] = {"pyshacl": PyshaclEngine, "sparql": SparqlEngine}

__all__ = [
    "ENGINES",
    "Engine",
    "Finding",
    "Location",
    "Rule",
    "Severity",
    "ShapesGraph",
    "ValidationResult",
    "load_shapes",
    "validate_endpoint",
    "validate_model",
]


def _values(nodes: list[str]) -> str:
    return " ".join(f"<{n}>" for n in nodes if not n.startswith("_:"))


def _labels(select: Callable[[str], list[dict[str, Term]]], nodes: list[str]) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    if not nodes:
        return labels
    rows = select(
        f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {_values(nodes)} }} "
        f"{{ ?s <{RDFS}label> ?l }} UNION {{ ?s <{SKOS}prefLabel> ?l }} }} ORDER BY ?s ?l"
    )
    for row in rows:
        literal = row["l"]
        assert isinstance(literal, ox.Literal)
        labels[row["s"].value].setdefault(literal.language or "", literal.value)
    return labels


def _home_files(model: LoadedModel, nodes: list[str]) -> dict[str, SourceFile]:
    """For each node, the file that defines it: a model file before the vocabulary, typed before mentioned."""
    candidates: dict[str, list[tuple[int, int, str, SourceFile]]] = defaultdict(list)
    if not nodes:
        return {}
    rows = model.store.query(
        f"SELECT DISTINCT ?s ?g (EXISTS {{ GRAPH ?g {{ ?s <{RDF}type> ?t }} }} AS ?typed) "
        f"WHERE {{ VALUES ?s {{ {_values(nodes)} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        source = model.file_for_graph(row["g"].value)
        if source is None:
            continue
        typed = row["typed"]
        rank_typed = 0 if typed is not None and typed.value == "true" else 1
        rank_role = 0 if source.role == "model" else 1
        candidates[row["s"].value].append((rank_typed, rank_role, source.display, source))
    return {node: min(c, key=lambda t: t[:3])[3] for node, c in candidates.items()}


def _place(model: LoadedModel, findings: list[Finding]) -> list[Finding]:
    nodes = sorted({f.focus_node for f in findings})
    labels = _labels(StoreSource(model.store).select, nodes)
    homes = _home_files(model, nodes)
    placed: list[Finding] = []
    for finding in findings:
        home = homes.get(finding.focus_node)
        location = None
        if home is not None:
            terms = [t for t in (finding.value, finding.path) if t and "://" in t]
            line = model.locator.line_in_block(home, finding.focus_node, terms)
            location = Location(file=home.display, line=line)
        placed.append(replace(finding, label=labels.get(finding.focus_node, {}), location=location))
    return sorted(placed, key=Finding.sort_key)


def validate_model(model: LoadedModel, shapes: ShapesGraph, engine: str = "sparql") -> ValidationResult:
    """Run ``engine`` over ``model`` and return placed, sorted findings."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose one of: {', '.join(sorted(ENGINES))}")
    runner = ENGINES[engine]()
    raw = runner.run(model, shapes)
    unique = list({f.identity: f for f in raw}.values())
    return ValidationResult(
        findings=tuple(_place(model, unique)),
        rules=shapes.rules,
        files=tuple(f.display for f in model.files),
        triples=len(model),
        engine=runner.name,
    )


def validate_endpoint(
    query_url: str, shapes: ShapesGraph, base: str, credentials: Credentials | None = None
) -> ValidationResult:
    """Run the compiled checks where the model was published (:func:`arsitek.endpoint.publish`)."""
    roles = published_graphs(query_url, base, credentials)
    endpoint = Endpoint(query_url, graphs=list(roles), credentials=credentials)
    findings, unsupported = SparqlEngine(workers=4).run_on(endpoint, shapes)
    if unsupported:
        raise UsageError(
            f"rules {', '.join(unsupported)} use SHACL features only pyshacl runs, and pyshacl needs the model "
            "on this machine: validate the files instead"
        )
    unique = list({f.identity: f for f in findings}.values())
    shown = {g: g.removeprefix(base) for g in roles}
    count = endpoint.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return ValidationResult(
        findings=tuple(_place_remote(endpoint, roles, shown, unique)),
        rules=shapes.rules,
        files=tuple(shown[g] for g in roles if roles[g] == "model"),
        triples=int(count[0]["n"].value) if count and "n" in count[0] else 0,
        engine="sparql",
    )


def _place_remote(
    endpoint: Endpoint, roles: dict[str, str], shown: dict[str, str], findings: list[Finding]
) -> list[Finding]:
    """Labels, and the published file (graph) that defines each element; lines stay with the local files."""
    nodes = sorted({f.focus_node for f in findings})
    labels = _labels(endpoint.select, nodes)
    homes: dict[str, tuple[int, int, str]] = {}
    if nodes:
        rows = endpoint.select(
            f"SELECT DISTINCT ?s ?g (EXISTS {{ GRAPH ?g {{ ?s <{RDF}type> ?t }} }} AS ?typed) "
            f"WHERE {{ VALUES ?s {{ {_values(nodes)} }} GRAPH ?g {{ ?s ?p ?o }} }}",
            named=list(roles),
        )
        for row in rows:
            graph = row["g"].value
            if graph not in roles:
                continue
            typed = row.get("typed")
            rank = (0 if typed is not None and typed.value in ("true", "1") else 1, 0 if roles[graph] == "model" else 1)
            candidate = (*rank, shown[graph])
            if row["s"].value not in homes or candidate < homes[row["s"].value]:
                homes[row["s"].value] = candidate
    placed = [
        replace(
            f,
            label=labels.get(f.focus_node, {}),
            location=Location(file=homes[f.focus_node][2], line=None) if f.focus_node in homes else None,
        )
        for f in findings
    ]
    return sorted(placed, key=Finding.sort_key)
