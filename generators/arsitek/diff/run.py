"""One diff: both sides read, compared, validated and classified, doing no more work than the change needs.

The base side is validated in full once; the head side is then the base with the changed files
swapped in, and the incremental validator (the one ``--watch`` uses) re-runs only the checks the
changed statements can reach. Only the changed files are compared statement by statement; the
contracts are generated only for what the change touches.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from arsitek.diff.changes import (
    Change,
    Snapshot,
    architecture_changes,
    contract_changes,
    contracts_of,
    element_changes,
    finding_changes,
)
from arsitek.diff.semantic import TYPE, SemanticDiff, Statement, compare, statements_of
from arsitek.generators.site.extensions import site_parts
from arsitek.generators.site.impact import by_depth, kinds_of, model_graph
from arsitek.generators.site.kinds import KINDS
from arsitek.load import LoadedModel, collect_files, display_path
from arsitek.validate import ShapesGraph
from arsitek.validate.findings import Finding, ValidationResult
from arsitek.validate.incremental import IncrementalValidator
from arsitek.view import ArchitectureView, build_view


@dataclass
class Diff:
    """Everything a report shows."""

    base: str
    head: str
    semantic: SemanticDiff
    changes: list[Change]
    introduced: list[Finding]
    fixed: list[Finding]
    unchanged_findings: int
    #: changed element -> the elements depending on it that did not change, with their depth
    impact: dict[str, list[tuple[str, int]]]
    #: element -> its SPBE domain (for grouping) and its kind's name in both languages
    domain: dict[str, str]
    labels: dict[str, dict[str, str]]
    head_result: ValidationResult
    files: list[str] = field(default_factory=list)

    def worst(self) -> int:
        return max((c.rank for c in self.changes), default=-1)


def _relocated(findings: Sequence[Finding], stage: Path, shown_as: str) -> tuple[Finding, ...]:
    """Findings placed in the user's files, not in the staging folder the sides were validated in."""
    out = []
    prefixes = (str(stage) + "/", display_path(stage) + "/")
    for finding in findings:
        where = finding.location
        if where is not None and where.file.startswith(prefixes):
            inside = where.file.split("/model/", 1)[-1] if "/model/" in where.file else where.file
            where = dataclasses.replace(where, file=shown_as + inside)
            finding = dataclasses.replace(finding, location=where)
        out.append(finding)
    return tuple(out)


def _files(folder: Path) -> dict[str, Path]:
    """The side's Turtle files by their path inside it."""
    root = folder.resolve()
    if not any(root.rglob("*.ttl")):
        return {}
    return {p.resolve().relative_to(root).as_posix(): p for p in collect_files([root])}


def _typed(model: LoadedModel) -> dict[str, frozenset[str]]:
    """Every element the model's own files type, with its classes."""
    found: dict[str, set[str]] = {}
    for source in model.model_files():
        for quad in model.store.quads_for_pattern(None, None, None, source.graph):
            subject, kind = quad.subject, quad.object
            if quad.predicate.value == TYPE and isinstance(subject, ox.NamedNode) and isinstance(kind, ox.NamedNode):
                found.setdefault(subject.value, set()).add(kind.value)
    return {k: frozenset(v) for k, v in found.items()}


def _snapshot(
    view: ArchitectureView, result: ValidationResult, touched: set[str]
) -> tuple[Snapshot, dict[str, list[tuple[str, int]]]]:
    """One side as the checks need it, and what depends on each touched element (with its depth)."""
    said = view.facts.statements(touched)
    statements = {s: {p: [str(v) for v in vs] for p, vs in props.items()} for s, props in said.items()}
    graph = model_graph(view)  # once per side: the costliest part of a snapshot at national scale
    near = {iri: by_depth(graph, iri) for iri in sorted(touched) if iri in graph}
    dependents = {iri: tuple(sorted(n for n, _ in found)) for iri, found in near.items()}
    depths = {iri: [(n, d) for n, d in found if n not in touched] for iri, found in near.items()}
    return Snapshot(view, result.findings, statements, dependents, contracts_of(view, touched)), depths


def _domains(views: Sequence[ArchitectureView], iris: set[str]) -> dict[str, str]:
    """Each element's SPBE domain, from its page kind on the side that has it (the head's first)."""
    out: dict[str, str] = {}
    for view in views:
        kinds = {**KINDS, **site_parts(view.profiles).kinds}
        for iri, kind in kinds_of(view, iris - set(out)).items():
            out[iri] = kinds[kind].domain if kind in kinds else "lainnya"
    return out


def diff_folders(
    base: Path,
    head: Path,
    base_name: str,
    head_name: str,
    ontology: Sequence[Path],
    not_vocabulary: Sequence[Path],
    rules: Callable[[LoadedModel], ShapesGraph],
    shown_as: str = "",
) -> Diff:
    """Compare the models in two folders; files are named in reports as ``shown_as`` + their path inside."""
    base_files, head_files = _files(base), _files(head)
    changed = sorted(
        name
        for name in set(base_files) | set(head_files)
        if name not in base_files
        or name not in head_files
        or base_files[name].read_bytes() != head_files[name].read_bytes()
    )
    base_statements: set[Statement] = set()
    head_statements: set[Statement] = set()
    for name in changed:
        if name in base_files:
            base_statements |= statements_of(base_files[name], shown_as + name)
        if name in head_files:
            head_statements |= statements_of(head_files[name], shown_as + name)
    with tempfile.TemporaryDirectory(prefix="arsitek-diff-stage-") as scratch:
        stage = Path(scratch) / "model"
        stage.mkdir()
        for name, path in base_files.items():
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, stage / name)
        validator = IncrementalValidator([stage], list(ontology), rules, exclude=list(not_vocabulary))
        base_run = validator.full()
        base_view = build_view(validator.model)
        base_typed = _typed(validator.model)
        # what the change touches is known from the changed files alone (a renamed element's old
        # and new IRI both); the base side is read now, before the store moves on to the head
        touched = {s for s, _, _ in base_statements ^ head_statements}
        base_snapshot, base_impact = _snapshot(base_view, base_run.result, touched)
        base_view.facts.types  # noqa: B018  (read now: the facts are read from the store when first asked)
        # the other side is read the same way, before the store moves on
        for name in changed:
            target = stage / name
            if name in head_files:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(head_files[name], target)
            else:
                target.unlink()
        head_run = validator.update() if changed else base_run
        head_view = build_view(validator.model)
        head_typed = _typed(validator.model)
        semantic = compare(base_statements, head_statements, base_typed, head_typed)
        head_snapshot, impact = _snapshot(head_view, head_run.result, touched)
        for iri, element in semantic.elements.items():  # a removed element's dependents are the base's
            if element.status == "removed":
                impact[iri] = [(d, n) for d, n in base_impact.get(iri, []) if d not in semantic.elements]
        impact = {
            i: [(d, n) for d, n in ds if d not in semantic.elements]
            for i, ds in impact.items()
            if i in semantic.elements
        }
        labels = {
            **{i: dict(t) for i, t in base_view.labels.items()},
            **{i: dict(t) for i, t in head_view.labels.items()},
        }
        domain = _domains([head_view, base_view], touched | {d for ds in impact.values() for d, _ in ds})
        base_findings = _relocated(base_run.result.findings, stage, shown_as)
        head_findings = _relocated(head_run.result.findings, stage, shown_as)
        head_result = dataclasses.replace(head_run.result, findings=head_findings)
    rename = semantic.renamed

    def key(f: Finding) -> tuple[str, ...]:
        return (f.rule_id, rename.get(f.focus_node, f.focus_node), f.path or "", f.value or "", f.shape)

    before = {key(f): f for f in base_findings}
    after = {key(f): f for f in head_findings}
    introduced = [after[k] for k in sorted(set(after) - set(before))]
    fixed = [before[k] for k in sorted(set(before) - set(after))]
    changes = (
        element_changes(semantic, base_snapshot, head_snapshot)
        + contract_changes(base_snapshot.contracts, head_snapshot.contracts)
        + architecture_changes(semantic, base_snapshot, head_snapshot)
        + finding_changes(introduced)
    )
    changes.sort(key=lambda c: (-c.rank, c.check, c.element, c.contract or ""))
    return Diff(
        base_name,
        head_name,
        semantic,
        changes,
        introduced,
        fixed,
        len(set(before) & set(after)),
        impact,
        domain,
        labels,
        head_result,
        [shown_as + n for n in changed],
    )
