"""Impact analysis with networkx: what depends on an element, directly and transitively, and what it needs.

The dependency graph points from dependent to dependency: a process depends on
the applications that support it, an application on its host and on the
applications it receives data from, a data entity on its authoritative source and digital copies, an
element on the regulations it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from arsitek.view import ArchitectureView, local_name
from arsitek.vocab import SPBE

# (property local name, edge direction): "forward" = subject depends on object.
DEPENDS: dict[str, str] = {
    "didukungOleh": "forward",
    "disediakanMelalui": "forward",
    "menyajikanData": "forward",
    "dihostingDi": "forward",
    "menyimpanData": "forward",
    "sumberOtoritatif": "forward",
    "salinanDigital": "forward",
    "dasarHukum": "forward",  # what a regulation governs changes when the regulation does
    "pemulihan": "forward",
    "bagianDari": "backward",  # a parent process depends on its sub-processes
}


@dataclass(frozen=True)
class Impact:
    dependents: tuple[str, ...]
    all_dependents: tuple[str, ...]
    dependencies: tuple[str, ...]
    all_dependencies: tuple[str, ...]


def dependency_graph(view: ArchitectureView, statements: list[tuple[str, str, str]]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for subject, prop, obj in statements:
        direction = DEPENDS.get(prop)
        if direction == "forward":
            graph.add_edge(subject, obj, via=prop)
        elif direction == "backward":
            graph.add_edge(obj, subject, via=prop)
    for flow in view.integrations.values():  # the consumer depends on the provider, through the flow
        if flow.source and flow.target:
            graph.add_edge(flow.target, flow.source, via="integrasi", flow=flow.iri)
            graph.add_edge(flow.iri, flow.source, via="sumberIntegrasi")
            graph.add_edge(flow.target, flow.iri, via="tujuanIntegrasi")
    return graph


def model_graph(view: ArchitectureView) -> nx.DiGraph:
    """The dependency graph of the whole model, from the view's relations (one query, read once)."""
    return dependency_graph(view, [(s, local_name(p), o) for s, p, o in view.facts.relations])


def impact_of(graph: nx.DiGraph, node: str) -> Impact:
    if node not in graph:
        return Impact((), (), (), ())
    return Impact(
        dependents=tuple(sorted(graph.predecessors(node))),
        all_dependents=tuple(sorted(nx.ancestors(graph, node))),
        dependencies=tuple(sorted(graph.successors(node))),
        all_dependencies=tuple(sorted(nx.descendants(graph, node))),
    )


def by_depth(graph: nx.DiGraph, node: str, dependents: bool = True) -> list[tuple[str, int]]:
    """What depends on ``node`` (or what it depends on), each with how many steps away, nearest first."""
    if node not in graph:
        return []
    walked = graph.reverse(copy=False) if dependents else graph
    lengths = nx.single_source_shortest_path_length(walked, node)
    return sorted(((n, d) for n, d in lengths.items() if d > 0), key=lambda x: (x[1], x[0]))


def kinds_of(view: ArchitectureView, iris: set[str]) -> dict[str, str]:
    """Each element's page kind (``aplikasi``, ``data``…), as the site files it; an attribute goes with data."""
    from arsitek.generators.site.extensions import site_parts

    class_kinds = site_parts(view.profiles).class_kinds
    types = view.facts.types
    out = {}
    for iri in iris:
        kind = next((k for c, k in class_kinds if c in types.get(iri, set())), None)
        if kind is None and f"{SPBE}AtributData" in types.get(iri, set()):
            kind = "data"
        if kind is not None:
            out[iri] = kind
    return out
