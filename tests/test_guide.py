"""The modelling guide, followed as a new user would: its Turtle is added to a copy of the model."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from arsitek.validate import Severity
from tests.conftest import ROOT, Validator

GUIDE = ROOT / "docs" / "modelling-guide.md"


def turtle_blocks() -> list[str]:
    """The guide's Turtle, prefixes first: the own-code example comes before the prefix block in the text."""
    return re.findall(r"```turtle\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)


def test_guide_has_prefixes_and_one_block_per_step() -> None:
    blocks = turtle_blocks()
    assert blocks[0].lstrip().startswith("kpu:RAB.09.01.01.01")  # an agency's own code, under a national one
    assert blocks[1].lstrip().startswith("@prefix")
    assert len(blocks) == 6


def test_following_the_guide_adds_clean_elements(tmp_path: Path, validate: Validator, kpu_result) -> None:  # type: ignore[no-untyped-def]
    model = tmp_path / "model"
    shutil.copytree(ROOT / "model", model)
    added = model / "pilot.ttl"
    blocks = turtle_blocks()
    added.write_text("\n".join([blocks[1], blocks[0], *blocks[2:]]), encoding="utf-8")

    result = validate([model])
    new = [f for f in result.findings if f.location is not None and f.location.file.endswith("pilot.ttl")]
    assert [(f.rule_id, f.focus_node, f.message_in("en")) for f in new] == []
    assert not any(f.severity == Severity.VIOLATION for f in result.findings)
    assert len(result.findings) == len(kpu_result.findings)
    assert result.triples > kpu_result.triples


def test_breaking_a_guide_example_is_caught(tmp_path: Path, validate: Validator) -> None:
    model = tmp_path / "model"
    shutil.copytree(ROOT / "model", model)
    blocks = turtle_blocks()
    text = "\n".join([blocks[1], blocks[0], *blocks[2:]])
    text = text.replace("spbe:autentikasi kode:auth-mtls", "spbe:autentikasi kode:auth-tanpa")
    (model / "pilot.ttl").write_text(text, encoding="utf-8")
    result = validate([model])
    assert {f.rule_id for f in result.findings if f.severity == Severity.VIOLATION} == {"ARS-SEC-001"}
