"""Every rule is tested both ways: a fixture that violates it and one that conforms.

Fixtures live in ``fixtures/rules/<RULE-ID>/`` and are validated on top of a
clean base model (``fixtures/rules/_base``). A ``fail-*`` fixture must produce
exactly its rule, plus any rules its ``# expect:`` header names; a ``pass-*``
fixture must produce no finding at all. A rule without both kinds fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib

from arsitek.validate import ShapesGraph, ValidationResult
from tests.conftest import FIXTURES, Validator

RULES_DIR = FIXTURES / "rules"
BASE = RULES_DIR / "_base" / "base.ttl"
FIXTURE_FILES = sorted(p for p in RULES_DIR.glob("ARS-*/*.ttl"))


#: Metadata-completeness rules are judged by their own fixtures only: the other fixtures add
#: services, data and applications without their SIA-SPBE metadata, for brevity.
METADATA_RULES = "ARS-SIA-"


def _found(result: ValidationResult, rule_id: str = "") -> set[str]:
    return {
        f.rule_id
        for f in result.findings
        if not f.rule_id.startswith(METADATA_RULES) or rule_id.startswith(METADATA_RULES)
    }


def test_base_model_is_clean(validate: Validator) -> None:
    result = validate([BASE])
    assert [(f.rule_id, f.focus_node, f.message_in("en")) for f in result.findings] == []


def test_every_rule_has_failing_and_passing_fixtures(shapes: ShapesGraph) -> None:
    missing = []
    for rule in shapes.rules:
        folder = RULES_DIR / rule.rule_id
        kinds = {p.name.split("-", 1)[0] for p in folder.glob("*.ttl")}
        if kinds != {"fail", "pass"}:
            missing.append(f"{rule.rule_id}: has {sorted(kinds) or 'no fixtures'}")
    assert missing == []


def test_no_fixture_folder_without_rule(shapes: ShapesGraph) -> None:
    known = {rule.rule_id for rule in shapes.rules}
    orphans = sorted(p.name for p in RULES_DIR.glob("ARS-*") if p.name not in known)
    assert orphans == []


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_rule_fixture(fixture: Path, validate: Validator) -> None:
    rule_id = fixture.parent.name
    result = validate([BASE, fixture])
    found = _found(result, rule_id)
    if fixture.name.startswith("fail-"):
        header = re.search(r"^# expect: (.+)$", fixture.read_text(encoding="utf-8"), re.MULTILINE)
        expected = {rule_id, *(header.group(1).split() if header else [])}
        assert found == expected, [(f.rule_id, f.focus_node, f.message_in("en")) for f in result.findings]
        assert all(f.location is not None and f.location.line for f in result.findings if f.rule_id in found)
    else:
        assert found == set(), [(f.rule_id, f.focus_node, f.message_in("en")) for f in result.findings]


def test_shapes_conform_to_shacl_for_shacl(shapes: ShapesGraph) -> None:
    import pyshacl

    graph = shapes.rdflib_graph
    # meta_shacl validates the shapes graph against the W3C SHACL-for-SHACL shapes first.
    # An empty dataset, not a graph: ARS-REF-005 asks which file (named graph) defines an element.
    conforms, _report, text = pyshacl.validate(rdflib.Dataset(), shacl_graph=graph, meta_shacl=True, advanced=True)
    assert conforms, text


def test_rule_metadata_is_bilingual(shapes: ShapesGraph) -> None:
    incomplete = [
        rule.rule_id
        for rule in shapes.rules
        if not ({"id", "en"} <= rule.title.keys() and {"id", "en"} <= rule.description.keys())
    ]
    assert incomplete == []


def test_every_constraint_message_is_bilingual(shapes: ShapesGraph) -> None:
    lacking = {node: sorted(langs) for node, langs in shapes.messages.items() if set(langs) != {"id", "en"}}
    assert lacking == {}


def test_rule_ids_follow_the_pattern(shapes: ShapesGraph) -> None:
    assert all(re.fullmatch(r"ARS-[A-Z]+-\d{3}", rule.rule_id) for rule in shapes.rules)
    assert len(shapes.rules) >= 25
