"""Validation that keeps its store and its findings between runs, and re-runs only what a change can affect.

A compiled check is one SPARQL query, and a query's answer depends only on the
triples its patterns can match. Each check's patterns are read once from the
query's algebra: the predicates it mentions, and for ``rdf:type`` the classes
(a pattern with a variable predicate reads everything). After an edit, the
changed files are diffed triple by triple against the store; a check is re-run
only when a changed triple matches one of its patterns, and every other check
keeps its findings. Changes to the vocabulary, to a class hierarchy or to a
hierarchy a rule walks (skos:broader*) re-run everything, because the compiled
queries themselves list what those hierarchies held.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from arsitek.errors import UsageError
from arsitek.load import LoadedModel, collect_files, display_path, load_model, load_one
from arsitek.source_file import SourceFile
from arsitek.validate import ValidationResult, result_of
from arsitek.validate.checks import VALUES_SLOT, Check
from arsitek.validate.compiler import compiler_for
from arsitek.validate.executor import ANTIJOIN_FROM_TRIPLES, SparqlEngine
from arsitek.validate.findings import Finding
from arsitek.validate.planner import plan
from arsitek.validate.rules import ShapesGraph
from arsitek.validate.sources import StoreSource
from arsitek.vocab import OWL, RDF, RDFS

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Triple = tuple[Term, Term, Term]
TYPE = f"{RDF}type"
#: Predicates whose change alters how the checks are compiled, not just what they find.
STRUCTURAL = {f"{RDFS}subClassOf", f"{OWL}imports"}


@dataclass(frozen=True)
class Reads:
    """Which triples a query can match: everything, or these predicates and these rdf:type classes."""

    everything: bool
    predicates: frozenset[str]
    types: frozenset[str] | None  # None: rdf:type triples of any class

    def touched_by(self, triple: Triple) -> bool:
        if self.everything:
            return True
        _subject, predicate, obj = triple
        if not isinstance(predicate, ox.NamedNode):
            return False
        if predicate.value == TYPE:
            return self.types is None or (isinstance(obj, ox.NamedNode) and obj.value in self.types)
        return predicate.value in self.predicates


def reads_of(query: str) -> Reads:
    """The patterns of a SPARQL query, from rdflib's algebra (filters' EXISTS included)."""
    from rdflib.paths import Path as RdfPath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import URIRef, Variable

    algebra = prepareQuery(query).algebra
    triples: list[tuple[Any, Any, Any]] = []
    listed: dict[str, set[str]] = {}  # VALUES: variable -> the IRIs it is given

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "triples" and isinstance(value, list):
                    triples.extend(tuple(t) for t in value if len(t) == 3)
                elif key == "res" and isinstance(value, list):
                    for row in value:
                        for variable, term in row.items():
                            listed.setdefault(str(variable), set()).add(str(term))
                else:
                    walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    walk(algebra)
    everything = False
    predicates: set[str] = set()
    types: set[str] | None = set()

    def path_iris(path: Any) -> Iterable[str]:
        if isinstance(path, URIRef):
            yield str(path)
        for attribute in ("arg", "path"):
            if isinstance(inner := getattr(path, attribute, None), (URIRef, RdfPath)):
                yield from path_iris(inner)
        for inner in getattr(path, "args", ()):
            yield from path_iris(inner)

    for _subject, predicate, obj in triples:
        if isinstance(predicate, Variable):
            everything = True
        elif isinstance(predicate, RdfPath):
            iris = set(path_iris(predicate))
            predicates |= iris
            if TYPE in iris:
                types = None
        elif str(predicate) == TYPE:
            if isinstance(obj, URIRef) and types is not None:
                types.add(str(obj))
            elif isinstance(obj, Variable) and str(obj) in listed and types is not None:
                types |= listed[str(obj)]
            else:
                types = None
        else:
            predicates.add(str(predicate))
    return Reads(everything, frozenset(predicates), None if types is None else frozenset(types))


def _reads_of_check(check: Check) -> Reads:
    reads = reads_of(check.query)
    if check.membership is None:
        return reads
    target = reads_of(check.membership.replace(VALUES_SLOT, ""))
    types = None if reads.types is None or target.types is None else reads.types | target.types
    return Reads(reads.everything or target.everything, reads.predicates | target.predicates, types)


@dataclass(frozen=True)
class Update:
    """What one incremental run did, for the report and the benchmark."""

    result: ValidationResult
    changed_files: tuple[str, ...]
    changed_triples: int
    checks_run: int
    checks_total: int
    full: bool


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class IncrementalValidator:
    """Holds the loaded model and each check's findings; :meth:`update` brings both up to date with the files."""

    def __init__(
        self,
        model_paths: Sequence[Path],
        ontology_paths: Sequence[Path],
        shapes: ShapesGraph | Callable[[LoadedModel], ShapesGraph],
        exclude: Sequence[Path] = (),
        workers: int = 2,
    ) -> None:
        """``shapes`` may be a function of the loaded model: the rules of the profiles it declares."""
        self.model_paths = list(model_paths)
        self.ontology_paths = list(ontology_paths)
        self.exclude = list(exclude)
        self._shapes_for = shapes if callable(shapes) else None
        self.shapes: ShapesGraph  # set here, or by full() once the model says which profiles it declares
        if not callable(shapes):
            self.shapes = shapes
        self.engine = SparqlEngine(workers)
        self.model: LoadedModel
        self.checks: list[Check] = []
        self.reads: list[Reads] = []
        self.found: list[list[Finding]] = []
        self.digests: dict[Path, str] = {}
        self.structural: set[str] = set(STRUCTURAL)

    def full(self) -> Update:
        """Load everything and run every check."""
        self.model = load_model(self.model_paths, self.ontology_paths, exclude=self.exclude)
        if self._shapes_for is not None:
            self.shapes = self._shapes_for(self.model)
        self.digests = {f.path: _digest(f.path) for f in self.model.files}
        return self._run_all(changed=(), triples=0)

    def _run_all(self, changed: tuple[str, ...], triples: int) -> Update:
        source = StoreSource(self.model.store)
        compiler = compiler_for(source, self.shapes)
        checks, unsupported = compiler.compile()
        self.structural = STRUCTURAL | compiler.compiled_from
        if unsupported:
            raise UsageError(
                f"rules {', '.join(unsupported)} use SHACL features only the pyshacl engine runs; "
                "watching needs rules the SPARQL engine compiles"
            )
        self.checks = plan(checks, source.holds_at_least(ANTIJOIN_FROM_TRIPLES))
        self.reads = [_reads_of_check(c) for c in self.checks]
        self.found = self.engine.execute(source, self.shapes, self.checks)
        return Update(self._result(), changed, triples, len(self.checks), len(self.checks), full=True)

    def update(self) -> Update:
        """Re-read the files that changed (added, edited or deleted) and re-run the checks they can affect."""
        now = collect_files(self.model_paths, self.exclude)
        current = {path: _digest(path) for path in now}
        known = {f.path: f for f in self.model.files if f.role == "model"}
        added = [p for p in now if p not in known]
        removed = [known[p] for p in known if p not in current]
        edited = [known[p] for p in now if p in known and current[p] != self.digests.get(p)]
        vocabulary_changed = any(
            f.role == "ontology" and (not f.path.is_file() or _digest(f.path) != self.digests.get(f.path))
            for f in self.model.files
        )
        names = tuple(sorted([f.display for f in (*edited, *removed)] + [str(p) for p in added]))
        if vocabulary_changed:
            update = self.full()
            return Update(update.result, names, 0, update.checks_run, update.checks_total, full=True)
        if not names:
            return Update(self._result(), (), 0, 0, len(self.checks), full=False)
        # Parse every changed file before touching the store: a syntax error leaves the last good state.
        incoming: dict[Path, set[bytes]] = {}
        for path in [*added, *(f.path for f in edited)]:
            incoming[path] = _parse(path)
        changed_lines: set[bytes] = set()
        for source_file in removed:
            changed_lines |= _lines(self.model.store, source_file.graph)
            self.model.remove_file(source_file)
            del self.digests[source_file.path]
        for source_file in edited:
            changed_lines |= _lines(self.model.store, source_file.graph) ^ incoming[source_file.path]
            self.model.store.clear_graph(source_file.graph)
            load_one(self.model.store, source_file)
            self.digests[source_file.path] = current[source_file.path]
            self.model.locator.forget(source_file)
        for path in added:
            source_file = SourceFile(path=path, display=display_path(path), role="model")
            changed_lines |= incoming[path]
            load_one(self.model.store, source_file)
            self.model.add_file(source_file)
            self.digests[path] = current[path]
        self.model.files.sort(key=lambda f: (f.role != "ontology", f.path))
        # Only the changed statements become terms again; blank nodes get new labels on every parse,
        # so statements with blank nodes always count as changed (more checks re-run, never fewer).
        changed = {
            (t.subject, t.predicate, t.object)
            for t in ox.parse(b"\n".join(sorted(changed_lines)), format=ox.RdfFormat.N_TRIPLES)
        }
        if any(isinstance(t[1], ox.NamedNode) and t[1].value in self.structural for t in changed):
            update = self._run_all(names, len(changed))
            return update
        rerun = [i for i, reads in enumerate(self.reads) if any(reads.touched_by(t) for t in changed)]
        source = StoreSource(self.model.store)
        fresh = self.engine.execute(source, self.shapes, [self.checks[i] for i in rerun])
        for index, findings in zip(rerun, fresh, strict=True):
            self.found[index] = findings
        return Update(self._result(), names, len(changed), len(rerun), len(self.checks), full=False)

    def _result(self) -> ValidationResult:
        return result_of(self.model, self.shapes, [f for batch in self.found for f in batch], "sparql")


def _lines(store: ox.Store, graph: ox.NamedNode | None) -> set[bytes]:
    """A graph as a set of N-Triples lines: diffing bytes is far cheaper than diffing term objects."""
    dumped = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph or ox.DefaultGraph())
    return set((dumped or b"").splitlines())


def _parse(path: Path) -> set[bytes]:
    store = ox.Store()
    source = SourceFile(path=path, display=display_path(path), role="model")
    load_one(store, source)
    return _lines(store, source.graph)
