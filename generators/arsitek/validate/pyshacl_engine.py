"""pyshacl as a validation engine, run over the pyoxigraph store itself.

pyshacl reads the store through its Oxigraph graph abstraction, so nothing is
parsed twice. No RDFS/OWL inference is applied: with ``rdfs:range`` inference
an organisation wrongly used as a host would silently become an
infrastructure node and the error would vanish. SHACL's own
``rdfs:subClassOf`` semantics for targets and ``sh:class`` still hold.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from arsitek.errors import ArsitekError
from arsitek.load import LoadedModel
from arsitek.validate.findings import Finding, Severity
from arsitek.validate.rules import ShapesGraph
from arsitek.vocab import shorten_text

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def node_key(node: Node) -> str:
    """How a node is named in findings: the IRI, ``_:id`` for a blank node, the lexical form of a literal."""
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


class PyshaclEngine:
    name = "pyshacl"

    def run(self, model: LoadedModel, shapes: ShapesGraph) -> list[Finding]:
        import pyshacl  # imported here: it takes a while and only this engine needs it

        logging.getLogger("pyshacl").setLevel(logging.ERROR)
        _keep_store_truthiness_cheap()
        shapes_graph = shapes.rdflib_graph  # blank-node ids kept, so results map back to rule ids
        try:
            _conforms, report, _text = pyshacl.validate(
                model.store,  # type: ignore[arg-type]  # pyshacl reads pyoxigraph stores; its stubs lag
                shacl_graph=shapes_graph,
                inference="none",
                advanced=True,
                inplace=True,
                allow_infos=False,
                allow_warnings=False,
            )
        except Exception as exc:  # pyshacl raises plain exceptions for broken shapes
            raise ArsitekError(f"the pyshacl engine could not run the shapes: {exc}") from exc
        assert isinstance(report, rdflib.Graph)
        return list(_findings(report, shapes, model.prefixes))


def _findings(report: rdflib.Graph, shapes: ShapesGraph, prefixes: Mapping[str, str]) -> list[Finding]:
    out: list[Finding] = []
    for result in report.objects(None, SH.result):
        shape = report.value(result, SH.sourceShape)
        focus = report.value(result, SH.focusNode)
        if shape is None or focus is None:
            continue
        shape_key = node_key(shape)
        rule_id = shapes.rule_of_shape.get(shape_key)
        if rule_id is None:
            raise ArsitekError(f"shape {shape_key} reported a result but belongs to no rule (add ars:ruleId)")
        severity_node = report.value(result, SH.resultSeverity)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        constraint = report.value(result, SH.sourceConstraint)
        focus_key = node_key(focus)
        path_key = node_key(path) if isinstance(path, URIRef) else None
        value_key = node_key(value) if value is not None else None
        messages = shapes.message_for(
            [node_key(constraint) if constraint is not None else None, shape_key],
            focus_key,
            path_key,
            value_key,
        )
        if not messages:  # no sh:message in the shapes: keep the engine's own wording
            for message in sorted(report.objects(result, SH.resultMessage), key=str):
                if isinstance(message, Literal):
                    messages.setdefault(message.language or "en", shorten_text(str(message), prefixes))
        out.append(
            Finding(
                rule_id=rule_id,
                severity=Severity.from_iri(str(severity_node)) if severity_node else Severity.VIOLATION,
                focus_node=focus_key,
                shape=shapes.rule(rule_id).shape,
                path=path_key,
                value=value_key,
                message=messages,
            )
        )
    return out


def _keep_store_truthiness_cheap() -> None:
    """pyshacl writes ``datagraph or shapes_graph`` when it builds each result.

    On its Oxigraph graph that truth test falls back to ``__len__``, a full
    COUNT over the store, once per finding: most of the run time on a real
    model. A data graph is always a graph, so it is always true here.
    """
    from pyshacl import graph_abstraction

    oxigraph_graph = getattr(graph_abstraction, "OxigraphDataGraph", None)
    if oxigraph_graph is not None and "__bool__" not in vars(oxigraph_graph):
        oxigraph_graph.__bool__ = lambda self: True
