"""The executor: runs planned checks on a source, on both cores where it pays, and reads rows into findings."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import pyoxigraph as ox

from arsitek import parallel
from arsitek.load import LoadedModel
from arsitek.validate.checks import VALUES_SLOT, Check, Term, iri, shape_key
from arsitek.validate.compiler import compiler_for
from arsitek.validate.findings import Finding
from arsitek.validate.planner import plan
from arsitek.validate.rules import ShapesGraph
from arsitek.validate.sources import SparqlSource, StoreSource

#: Below this size a second process costs more (fork, first touch of the shared pages) than it saves.
FORK_FROM_TRIPLES = 200_000
#: Below this size reading a query's algebra to make its NOT EXISTS an anti-join (rdflib's SPARQL parser,
#: a tenth of a second) costs more than the probes it saves: a third of validating 1,000 applications.
ANTIJOIN_FROM_TRIPLES = 200_000


class SparqlEngine:
    name = "sparql"

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers

    def run(self, model: LoadedModel, shapes: ShapesGraph) -> list[Finding]:
        findings, unsupported = self.run_on(StoreSource(model.store), shapes)
        if unsupported:
            from arsitek.validate.pyshacl_engine import PyshaclEngine

            wanted = set(unsupported)
            findings += [f for f in PyshaclEngine().run(model, shapes) if f.rule_id in wanted]
        return findings

    def run_on(self, source: SparqlSource, shapes: ShapesGraph) -> tuple[list[Finding], list[str]]:
        """Findings of every compiled rule, and the ids of the rules the compiler left out."""
        checks, unsupported = compiler_for(source, shapes).compile()
        # The planned queries are for this machine's store: one pass per target binds each test's result
        # (BIND(NOT EXISTS ...)), which Virtuoso 7 answers wrongly, so a remote endpoint gets one plain
        # query per check, as compiled.
        planned = checks
        if isinstance(source, StoreSource):
            planned = plan(checks, source.holds_at_least(ANTIJOIN_FROM_TRIPLES))
        return [f for batch in self.execute(source, shapes, planned) for f in batch], unsupported

    def execute(self, source: SparqlSource, shapes: ShapesGraph, checks: Sequence[Check]) -> list[list[Finding]]:
        """The findings of each check, in the order given, on both cores where it pays."""
        # Slowest first, so the two workers finish together: SPARQL-based constraints, then the rest.
        order = sorted(range(len(checks)), key=lambda i: not checks[i].focus_is_value)
        ordered = [checks[i] for i in order]
        work = partial(_execute, source, shapes)
        if isinstance(source, StoreSource):
            big = self.workers > 1 and source.holds_at_least(FORK_FROM_TRIPLES)
            results = parallel.forked(ordered, work) if big else parallel.serial(ordered, work)
        else:
            results = parallel.threaded(ordered, work, self.workers)
        by_index = dict(zip(order, results, strict=True))
        return [by_index[i] for i in range(len(checks))]


def _members(source: SparqlSource, check: Check, candidates: set[Term]) -> set[Term]:
    """Which of ``candidates`` are focus nodes of the check's shape, tested in chunks of listed nodes."""
    assert check.membership is not None
    if any(isinstance(c, ox.BlankNode) for c in candidates):  # blank nodes cannot be listed in VALUES
        found = source.select(check.membership.replace(VALUES_SLOT, ""))
        return {row["this"] for row in found if "this" in row} & candidates
    listed = sorted(candidates, key=lambda t: t.value)
    members: set[Term] = set()
    for start in range(0, len(listed), 2000):
        chunk = " ".join(iri(t) for t in listed[start : start + 2000])
        query = check.membership.replace(VALUES_SLOT, f"VALUES ?this {{ {chunk} }}")
        members |= {row["this"] for row in source.select(query) if "this" in row}
    return members


def _execute(source: SparqlSource, shapes: ShapesGraph, check: Check) -> list[Finding]:
    rows = [row for row in source.select(check.query) if "this" in row]
    if check.parts:
        return [
            finding
            for i, part in enumerate(check.parts)
            for finding in _findings(shapes, part, [row for row in rows if _true(row.get(f"violated{i}"))])
        ]
    if check.membership is not None and rows:
        members = _members(source, check, {row["this"] for row in rows})
        rows = [row for row in rows if row["this"] in members]
    return _findings(shapes, check, rows)


def _true(term: Term | None) -> bool:
    """A boolean answer; some endpoints (Virtuoso) answer an EXISTS as 1 or 0."""
    return isinstance(term, ox.Literal) and term.value in ("true", "1")


def _findings(shapes: ShapesGraph, check: Check, rows: list[dict[str, Term]]) -> list[Finding]:
    shape = shapes.rule(check.rule_id).shape
    out = []
    for row in rows:
        this = row["this"]
        path = row.get("path")
        path_key = path.value if isinstance(path, ox.NamedNode) else check.path
        value = row.get(check.value_var) if check.value_var else None
        focus = shape_key(this)
        if value is None and check.focus_is_value:
            value = this
        value_key = None if value is None else shape_key(value) if not isinstance(value, ox.Literal) else value.value
        out.append(
            Finding(
                rule_id=check.rule_id,
                severity=check.severity,
                focus_node=focus,
                shape=shape,
                path=path_key,
                value=value_key,
                message=shapes.message_for([check.message_key], focus, path_key, value_key),
            )
        )
    return out
