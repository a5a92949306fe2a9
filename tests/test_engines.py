"""The set-based SPARQL engine against pyshacl: identical findings (focus node, path, rule, severity, value)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from arsitek import parallel
from arsitek.errors import ArsitekError
from arsitek.load import load_model
from arsitek.paths import DataFolders
from arsitek.validate import ShapesGraph, ValidationResult, load_shapes, validate_model
from arsitek.validate.checks import Check, expand_prefixed
from arsitek.validate.compiler import Compiler, compiler_for
from arsitek.validate.executor import SparqlEngine
from arsitek.validate.planner import plan
from arsitek.validate.sources import StoreSource
from tests.conftest import FIXTURES
from tests.test_model import INTENDED_WARNINGS, SIA_OPEN

BASE = FIXTURES / "rules" / "_base" / "base.ttl"
FIXTURE_FILES = sorted((FIXTURES / "rules").glob("ARS-*/*.ttl"))
METADATA = "ARS-SIA-"

KPU_WARNINGS = len(INTENDED_WARNINGS) + sum(SIA_OPEN.values())


def both(folders: DataFolders, shapes: ShapesGraph, *paths: Path) -> tuple[ValidationResult, ValidationResult]:
    model = load_model(list(paths), [folders.ontology], exclude=folders.not_vocabulary)
    return validate_model(model, shapes, "sparql"), validate_model(model, shapes, "pyshacl")


def assert_same(sparql: ValidationResult, pyshacl: ValidationResult) -> None:
    ours = sorted((f.identity, tuple(sorted(f.message.items())), f.location) for f in sparql.findings)
    theirs = sorted((f.identity, tuple(sorted(f.message.items())), f.location) for f in pyshacl.findings)
    assert ours == theirs


def test_a_custom_targets_prefixed_names_are_written_out_so_it_can_be_inlined_anywhere() -> None:
    prefixes = {"skos": "http://www.w3.org/2004/02/skos/core#", "": "https://example.org/"}
    text = (
        'SELECT ?this WHERE { ?this skos:inScheme/:part ?s ; skos:notation "skos:x" . '
        "<https://a/skos:b> ?p ?o # skos:y\n FILTER(?a<?b) ex:c }"
    )
    assert expand_prefixed(text, prefixes) == (
        "SELECT ?this WHERE { ?this <http://www.w3.org/2004/02/skos/core#inScheme>/<https://example.org/part> ?s ; "
        '<http://www.w3.org/2004/02/skos/core#notation> "skos:x" . '
        "<https://a/skos:b> ?p ?o # skos:y\n FILTER(?a<?b) ex:c }"
    )


def test_every_rule_compiles(shapes: ShapesGraph) -> None:
    checks, unsupported = Compiler(shapes).compile()
    assert unsupported == []
    assert {c.rule_id for c in checks} == {r.rule_id for r in shapes.rules}


def _touched(path: Path) -> set[str]:
    """What a fixture could change another fixture's findings through: every ``ex:`` element it names,
    and every other term it states something about (a subject at the start of a line)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith(("#", "@"))]
    named = set(re.findall(r"\bex:[\w-]+", "\n".join(lines)))
    subjects = {m.group(0) for line in lines if (m := re.match(r"[\w-]*:[\w.-]+|<[^>]+>", line))}
    return named | subjects


def _fixture_groups() -> dict[str, list[Path]]:
    """The rule fixtures packed into groups that touch nothing in common: one pyshacl run per group.

    pyshacl takes about ten seconds over the vocabulary whatever the model's size, so a run per
    fixture was a quarter of the suite. Fixtures are packed only beside fixtures that name none of
    the same elements, each loaded as a file of its own (so findings keep their file and line), and
    the test checks that every fixture's own rules still fire, so a grouping that hid one would fail.
    """
    groups: list[tuple[set[str], list[Path]]] = []
    # The metadata rules' fixtures are packed only with each other: the rest omit SIA-SPBE metadata.
    for kind, metadata in (("fail-", False), ("pass-", False), ("fail-", True), ("pass-", True)):
        packed: list[tuple[set[str], list[Path]]] = []
        members = [
            p for p in FIXTURE_FILES if p.name.startswith(kind) and p.parent.name.startswith(METADATA) == metadata
        ]
        for path in members:
            touched = _touched(path)
            group = next((g for g in packed if not g[0] & touched), None)
            if group is None:
                packed.append((set(touched), [path]))
            else:
                group[0].update(touched)
                group[1].append(path)
        groups += packed
    return {f"{paths[0].name.split('-', 1)[0]}-{i:02d}": paths for i, (_, paths) in enumerate(groups)}


FIXTURE_GROUPS = _fixture_groups()


def _expected(path: Path) -> set[str]:
    header = re.search(r"^# expect: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    return {path.parent.name, *(header.group(1).split() if header else [])} if path.name.startswith("fail-") else set()


@pytest.mark.parametrize("group", sorted(FIXTURE_GROUPS))
def test_engines_agree_on_the_rule_fixtures(group: str, folders: DataFolders, shapes: ShapesGraph) -> None:
    paths = FIXTURE_GROUPS[group]
    sparql, pyshacl = both(folders, shapes, BASE, *paths)
    assert_same(sparql, pyshacl)
    fired = {f.rule_id for f in pyshacl.findings}
    expected = set().union(*(_expected(p) for p in paths))
    # metadata rules are judged by their own fixtures only, as in test_rules.py
    own = {r for r in fired if not r.startswith(METADATA) or paths[0].parent.name.startswith(METADATA)}
    assert own == expected, [p.name for p in paths]


def test_engines_agree_on_the_kpu_model(folders: DataFolders, shapes: ShapesGraph) -> None:
    sparql, pyshacl = both(folders, shapes, folders.model)
    assert_same(sparql, pyshacl)
    assert len(sparql.findings) == KPU_WARNINGS  # the intended warnings, and the SIA-SPBE metadata left open


def test_engines_agree_on_a_broken_model(folders: DataFolders, shapes: ShapesGraph, tmp_path: Path) -> None:
    """Many rules firing at once, across files."""
    broken = tmp_path / "broken.ttl"
    text = "\n".join(p.read_text(encoding="utf-8") for p in FIXTURE_FILES if p.name.startswith("fail-"))
    broken.write_text(text, encoding="utf-8")  # the fixtures' repeated @prefix lines are valid Turtle
    sparql, pyshacl = both(folders, shapes, BASE, broken)
    assert_same(sparql, pyshacl)
    assert len({f.rule_id for f in sparql.findings}) >= 15


def test_two_processes_give_the_findings_of_one(
    folders: DataFolders, shapes: ShapesGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national model is validated by this process and a forked child sharing the store."""
    from arsitek.validate import executor

    model = load_model([BASE, *FIXTURE_FILES], [folders.ontology], exclude=folders.not_vocabulary)
    serial = SparqlEngine(workers=1).run(model, shapes)
    monkeypatch.setattr(executor, "FORK_FROM_TRIPLES", 0)
    forked = SparqlEngine(workers=2).run(model, shapes)
    assert sorted(f.identity for f in forked) == sorted(f.identity for f in serial)
    assert len({f.rule_id for f in serial}) >= 10


def test_a_failing_child_is_reported_not_swallowed() -> None:
    def work(item: int) -> int:
        time.sleep(0.01)  # slow enough that the child gets its share
        if os.getpid() != parent:
            raise ValueError("boom")
        return item

    parent = os.getpid()
    assert parallel.forked(list(range(6)), lambda i: i * 10) == [0, 10, 20, 30, 40, 50]
    with pytest.raises(ArsitekError, match="second process failed: ValueError: boom"):
        parallel.forked(list(range(100)), work)


def test_two_processes_take_work_from_both_ends_until_they_meet() -> None:
    """The site build's split: each chunk once, the parent's from the front, the child's from the back."""
    ends = parallel.Ends(40)

    def take(indices: Iterator[int]) -> list[int]:
        taken = []
        for index in indices:
            time.sleep(0.005)  # slow enough that both get a share
            taken.append(index)
        return taken

    front, back = parallel.beside(lambda: take(ends.front()), lambda: take(ends.back()))
    assert sorted(front + back) == list(range(40))
    assert front == sorted(front) and back == sorted(back, reverse=True)
    assert front and back and max(front) < min(back)
    assert ends.taken() == 40


def test_work_meanwhile_runs_in_the_parent_while_the_child_starts_on_the_items() -> None:
    """The typed view is built while validation's child takes its first checks, and exactly once."""
    parent, built = os.getpid(), []

    def view() -> str:
        built.append(os.getpid())
        time.sleep(0.2)  # the child takes items meanwhile
        return "view"

    def check(item: int) -> int:
        time.sleep(0.01)
        return os.getpid()

    with parallel.meanwhile(view) as result:
        pids = parallel.forked(list(range(30)), check)
    assert result() == "view" and built == [parent]
    assert pids[0] != parent  # the first item went to the child while the parent built the view
    with parallel.meanwhile(view) as result:  # no fork in the block: the work is done at its end
        pass
    assert result() == "view" and built == [parent, parent]
    with parallel.meanwhile(view, only_beside_a_fork=True) as ahead:  # work ahead of need: beside a fork only
        pass
    assert ahead() is None and built == [parent, parent]
    with parallel.meanwhile(view, only_beside_a_fork=True) as ahead:
        parallel.forked(list(range(4)), check)
    assert ahead() == "view" and built == [parent, parent, parent]


def test_without_fork_one_process_takes_every_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """macOS and Windows: no shared memory is made, and the first to ask takes everything."""
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    monkeypatch.setattr(parallel.multiprocessing, "get_context", None)  # must not be reached
    ends = parallel.Ends(5)
    assert list(ends.back()) == [4, 3, 2, 1, 0] and list(ends.front()) == [] and ends.taken() == 5


COUNTS = """
@prefix ars: <https://w3id.org/arsitek/aturan#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:Counts a sh:NodeShape ; ars:ruleId "T-COUNT" ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 ] ,
        [ sh:path [ sh:inversePath ex:q ] ; sh:maxCount 2 ] ,
        [ sh:path ex:r ; sh:maxCount 4 ] .
"""
COUNTED = """
@prefix ex: <https://example.org/> .
ex:none a ex:C .
ex:two a ex:C ; ex:p 1, "1" ; ex:r 1, 2, 3, 4 .
ex:same a ex:C ; ex:p 1, 1 .
ex:x ex:q ex:three . ex:y ex:q ex:three . ex:z ex:q ex:three .
ex:three a ex:C ; ex:p 1 ; ex:r 1, 2, 3, 4, 5 .
"""


def test_counts_on_one_target_share_one_pass_and_find_what_each_query_finds(tmp_path: Path) -> None:
    """sh:minCount and small sh:maxCount become tests of each focus node in one pass over the target;
    a count too large to test by joining the path to itself keeps its own GROUP BY query."""
    (tmp_path / "shapes.ttl").write_text(COUNTS, encoding="utf-8")
    (tmp_path / "data.ttl").write_text(COUNTED, encoding="utf-8")
    shapes = load_shapes([tmp_path / "shapes.ttl"])
    model = load_model([tmp_path / "data.ttl"])
    source = StoreSource(model.store)
    checks, unsupported = compiler_for(source, shapes).compile()
    assert unsupported == []
    planned = plan(checks)
    passes = [c for c in planned if c.parts]
    assert len(passes) == 1 and len(passes[0].parts) == 3  # minCount and maxCount of ex:p, maxCount of ^ex:q
    assert [c for c in planned if not c.parts and "HAVING (COUNT(DISTINCT ?value) > 4)" in c.query]

    def found(checks: list[Check]) -> list[tuple[str, str, str]]:
        batches = SparqlEngine(workers=1).execute(source, shapes, checks)
        return sorted((f.focus_node, f.path or "", f.value or "") for batch in batches for f in batch)

    assert found(planned) == found(checks)
    ex = "https://example.org/"
    assert found(planned) == [
        (f"{ex}none", f"{ex}p", ""),  # no value
        (f"{ex}three", "", ""),  # three subjects of ex:q: the inverse path is named by no IRI
        (f"{ex}three", f"{ex}r", ""),  # five values
        (f"{ex}two", f"{ex}p", ""),  # 1 and "1" are two terms
    ]
    pyshacl = validate_model(model, shapes, "pyshacl")
    assert found(planned) == sorted((f.focus_node, f.path or "", f.value or "") for f in pyshacl.findings)


def test_bodies_run_over_the_whole_model_get_anti_joins_and_targeted_queries_keep_their_filters(
    folders: DataFolders, shapes: ShapesGraph
) -> None:
    """ARS-REF-001/002 test every triple: their NOT EXISTS become MINUS. A query with its target joined
    in has few solutions, where a probe each is cheaper than a MINUS pattern in full: it stays."""
    model = load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary)
    checks, _ = compiler_for(StoreSource(model.store), shapes).compile()
    planned = {c.rule_id: c.query for c in plan(checks, antijoins=True) if c.focus_is_value}
    assert all("MINUS" not in c.query for c in plan(checks))  # a small model is not worth reading the algebra
    for rule in ("ARS-REF-001", "ARS-REF-002"):
        assert "MINUS" in planned[rule] and "NOT EXISTS" not in planned[rule]
    targeted = [c.query for c in checks if c.focus_is_value and c.membership is None and "NOT EXISTS" in c.query]
    assert targeted and all(q in planned.values() for q in targeted)


def test_the_store_says_whether_it_holds_so_many_triples_across_its_graphs() -> None:
    store = ox.Store()
    store.load(b"<urn:a> <urn:p> 1, 2 .", format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:one"))
    store.load(b"<urn:a> <urn:p> 3 .", format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:two"))
    source = StoreSource(store)
    assert [source.holds_at_least(n) for n in (0, 1, 3, 4)] == [True, True, True, False]


def test_engines_agree_with_the_anti_joins_of_a_large_model(
    folders: DataFolders, shapes: ShapesGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rewrite runs only at national scale; forced here, on every rule firing and on the KPU model."""
    from arsitek.validate import antijoin, executor

    monkeypatch.setattr(executor, "ANTIJOIN_FROM_TRIPLES", 0)
    rewritten: list[str] = []
    original = antijoin.rewrite
    monkeypatch.setattr(antijoin, "rewrite", lambda query: rewritten.append(original(query)) or rewritten[-1])
    broken = tmp_path / "broken.ttl"
    text = "\n".join(p.read_text(encoding="utf-8") for p in FIXTURE_FILES if p.name.startswith("fail-"))
    broken.write_text(text, encoding="utf-8")
    sparql, pyshacl = both(folders, shapes, BASE, broken)
    assert_same(sparql, pyshacl)
    assert {"ARS-REF-001", "ARS-REF-002"} <= {f.rule_id for f in sparql.findings}
    assert_same(*both(folders, shapes, folders.model))
    minus = [q for q in rewritten if "MINUS" in q]
    assert len(minus) == 6  # REF-001, REF-002 and REF-006, twice; ARS-DOC-004 has no NOT EXISTS to rewrite
    assert all("NOT EXISTS" not in q for q in rewritten if q not in minus)
