"""Validation: shapes and a model in, a :class:`ValidationResult` out.

The engine finds; this module then names and places every finding (label,
file, line) with a fixed number of bulk queries, whatever the model's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

import pyoxigraph as ox

from arsitek import parallel
from arsitek.endpoint import (
    TIMEOUT_SECONDS,
    Credentials,
    Endpoint,
    published_graphs,
    published_imports,
    published_prefixes,
)
from arsitek.errors import InputError, SyntaxErrorInFile, UsageError
from arsitek.header import read_header
from arsitek.load import LoadedModel
from arsitek.validate.checks import Term
from arsitek.validate.engine import Engine
from arsitek.validate.executor import SparqlEngine
from arsitek.validate.findings import Finding, Location, ReadError, Rule, Severity, ValidationResult
from arsitek.validate.hints import explain
from arsitek.validate.pyshacl_engine import PyshaclEngine
from arsitek.validate.rules import ShapesGraph, load_shapes
from arsitek.validate.sources import StoreSource
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


Select = Callable[[str], list[dict[str, Term]]]  # a store's or an endpoint's SELECT


def _labels(select: Select, nodes: list[str]) -> dict[str, dict[str, str]]:
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


def _home_graphs(select: Select, nodes: list[str], describe: Callable[[str], tuple[str, str] | None]) -> dict[str, str]:
    """For each node, the graph (file) that defines it: typed before mentioned, a model file before the vocabulary.

    ``describe`` gives a graph's role and the name it is shown by, or None for a graph that is not a file.
    """
    if not nodes:
        return {}
    best: dict[str, tuple[int, int, str, str]] = {}
    rows = select(
        f"SELECT DISTINCT ?s ?g (EXISTS {{ GRAPH ?g {{ ?s <{RDF}type> ?t }} }} AS ?typed) "
        f"WHERE {{ VALUES ?s {{ {_values(nodes)} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    for row in rows:
        graph = row["g"].value
        described = describe(graph)
        if described is None:
            continue
        role, shown = described
        typed = row.get("typed")  # Virtuoso answers a boolean as 1 or 0
        rank_typed = 0 if typed is not None and typed.value in ("true", "1") else 1
        candidate = (rank_typed, 0 if role == "model" else 1, shown, graph)
        node = row["s"].value
        if node not in best or candidate < best[node]:
            best[node] = candidate
    return {node: found[3] for node, found in best.items()}


def _place(model: LoadedModel, findings: list[Finding]) -> list[Finding]:
    nodes = sorted({f.focus_node for f in findings})
    select = StoreSource(model.store).select
    labels = _labels(select, nodes)

    def describe(graph: str) -> tuple[str, str] | None:
        source = model.file_for_graph(graph)
        return None if source is None else (source.role, source.display)

    homes = _home_graphs(select, nodes, describe)
    placed: list[Finding] = []
    for finding in findings:
        home = model.file_for_graph(homes[finding.focus_node]) if finding.focus_node in homes else None
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
    # Counting the triples and indexing the model's files for line numbers need only the model: at
    # national scale this process does them while the checks' second process starts (0.7 s at 30,000
    # applications, which would otherwise come after the checks).
    with parallel.meanwhile(lambda: _count_and_index(model), only_beside_a_fork=True) as counted:
        raw = runner.run(model, shapes)
    return result_of(model, shapes, raw, runner.name, counted())


def _count_and_index(model: LoadedModel) -> int:
    model.locator.prepare(model.model_files())
    return len(model)


def _once(findings: list[Finding]) -> list[Finding]:
    """Each finding once: an engine may report one violation through two paths to it.

    Two constraints of one rule can fail on the same element and property (an untagged label has
    neither an @id nor an @en one): their messages tell them apart, so both are kept.
    """
    return list({(f.identity, tuple(sorted(f.message.items()))): f for f in findings}.values())


def result_of(
    model: LoadedModel, shapes: ShapesGraph, raw: list[Finding], engine: str, triples: int | None = None
) -> ValidationResult:
    """An engine's raw findings, each once, placed (label, file, line) and sorted; ``triples`` if counted already."""
    return ValidationResult(
        findings=tuple(
            explain(
                StoreSource(model.store).select, _local_site(model), shapes, _place(model, _once(raw)), model.prefixes
            )
        ),
        rules=shapes.rules,
        files=tuple(f.display for f in model.files),
        triples=len(model) if triples is None else triples,
        engine=engine,
        unreadable=tuple(read_error(e) for e in model.unreadable),
        prefixes=dict(model.prefixes),
        hosting=read_header(model, {}, {}).hosting,
    )


def _local_site(model: LoadedModel) -> Callable[[str, str], str | None]:
    def site(graph: str, node: str) -> str | None:
        source = model.file_for_graph(graph)
        if source is None:
            return None
        line = model.locator.line_in_block(source, node, [])
        return f"{source.display}:{line}" if line else source.display

    return site


def read_error(error: InputError | SyntaxErrorInFile) -> ReadError:
    if isinstance(error, SyntaxErrorInFile):
        return ReadError(error.path, error.line, error.column, error.message)
    return ReadError(error.path, None, None, error.message)


def validate_endpoint(
    query_url: str,
    shapes: ShapesGraph | Callable[[list[str]], ShapesGraph],
    base: str,
    credentials: Credentials | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> ValidationResult:
    """Run the compiled checks where the model was published (:func:`arsitek.endpoint.publish`).

    ``shapes`` may be a function of the published model's ``owl:imports``: the rules of the profiles
    it declares, as for the files on this machine. Findings use the prefixes the publish recorded.
    """
    roles = published_graphs(query_url, base, credentials, timeout)
    if callable(shapes):
        shapes = shapes(published_imports(query_url, roles, credentials, timeout))
    prefixes = published_prefixes(query_url, base, credentials, timeout)
    endpoint = Endpoint(query_url, graphs=list(roles), credentials=credentials, timeout=timeout)
    findings, unsupported = SparqlEngine(workers=4).run_on(endpoint, shapes)
    if unsupported:
        raise UsageError(
            f"rules {', '.join(unsupported)} use SHACL features only pyshacl runs, and pyshacl needs the model "
            "on this machine: validate the files instead"
        )
    shown = {g: g.removeprefix(base) for g in roles}
    count = endpoint.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    placed = _place_remote(endpoint, roles, shown, _once(findings))
    return ValidationResult(
        findings=tuple(explain(endpoint.select, lambda graph, _node: shown.get(graph), shapes, placed, prefixes)),
        rules=shapes.rules,
        files=tuple(shown[g] for g in roles if roles[g] == "model"),
        triples=int(count[0]["n"].value) if count and "n" in count[0] else 0,
        engine="sparql",
        prefixes=prefixes,
    )


def _place_remote(
    endpoint: Endpoint, roles: dict[str, str], shown: dict[str, str], findings: list[Finding]
) -> list[Finding]:
    """Labels, and the published file (graph) that defines each element; lines stay with the local files."""
    nodes = sorted({f.focus_node for f in findings})
    labels = _labels(endpoint.select, nodes)
    homes = _home_graphs(
        lambda query: endpoint.select(query, named=list(roles)),
        nodes,
        lambda graph: (roles[graph], shown[graph]) if graph in roles else None,
    )
    placed = [
        replace(
            f,
            label=labels.get(f.focus_node, {}),
            location=Location(file=shown[homes[f.focus_node]], line=None) if f.focus_node in homes else None,
        )
        for f in findings
    ]
    return sorted(placed, key=Finding.sort_key)
