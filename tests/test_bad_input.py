"""The mistakes a new architect makes, each answered clearly: what is wrong, where, and what to write."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from arsitek.validate.findings import Severity
from arsitek.watch import watch
from tests.conftest import FIXTURES, ROOT
from tests.test_cli import arsitek

BASE = FIXTURES / "rules" / "_base" / "base.ttl"


def model_with(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """A copy of the clean base model with text replaced, in a folder of its own."""
    folder = tmp_path / "model"
    folder.mkdir(exist_ok=True)
    text = BASE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    (folder / "base.ttl").write_text(text, encoding="utf-8")
    return folder


def findings(*args: str) -> list[dict[str, object]]:
    done = arsitek("validate", *args, "--format", "json", "--lang", "en")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["findings"]  # type: ignore[no-any-return]


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    folder = model_with(tmp_path)
    (folder / "base.ttl").write_bytes(b"\xef\xbb\xbf" + (folder / "base.ttl").read_bytes())
    done = arsitek("validate", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr


def test_utf16_is_named_and_utf8_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "model.ttl"
    path.write_bytes(BASE.read_text(encoding="utf-8").encode("utf-16"))
    done = arsitek("validate", str(path), "--lang", "en")
    assert done.returncode == 2
    assert "the file is UTF-16; save it as UTF-8" in done.stdout


def test_one_syntax_error_does_not_hide_the_other_files_in_any_format(tmp_path: Path) -> None:
    folder = model_with(
        tmp_path, ('ex:Peran a spbe:Peran ; rdfs:label "Peran"@id , "Peran"@en ;', "ex:Peran a spbe:Peran ;")
    )
    (folder / "broken.ttl").write_text('@prefix ex: <https://example.org/> .\nex:a ex:p "open .\n', encoding="utf-8")
    sarif_file = tmp_path / "x.sarif"
    done = arsitek("validate", str(folder), "--format", "sarif", "-o", str(sarif_file))
    assert done.returncode == 2
    assert "broken.ttl:2:" in done.stderr and "could not be read; the others were checked" in done.stderr
    results = json.loads(sarif_file.read_text(encoding="utf-8"))["runs"][0]["results"]
    parse = [r for r in results if r["ruleId"] == "ARS-PARSE-001"]
    assert len(parse) == 1 and parse[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert parse[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("broken.ttl")
    assert {"ARS-DOC-001"} <= {r["ruleId"] for r in results}, "the file that parses is still checked"
    junit = arsitek("validate", str(folder), "--format", "junit")
    assert junit.returncode == 2
    cases = ET.fromstring(junit.stdout).iter("testcase")
    failed = {case.get("name", "").split()[0] for case in cases if case.find("failure") is not None}
    assert "ARS-PARSE-001" in failed
    text = arsitek("validate", str(folder), "--lang", "en")
    assert text.returncode == 2 and "broken.ttl:2:" in text.stdout and "1 unreadable" in text.stdout
    build = arsitek("build", str(folder), "-o", str(tmp_path / "out"))
    assert build.returncode == 2 and "broken.ttl:2:" in build.stderr and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("old", "new", "typo", "meant", "follows"),
    [
        ("spbe:pemilik ex:Instansi ; spbe:statusSiklusHidup kode:operasional ; spbe:merealisasikan ref:RAA.02.01 ; "
         "spbe:menyimpanData", "spbe:pemlik ex:Instansi ; spbe:statusSiklusHidup kode:operasional ; "
         "spbe:merealisasikan ref:RAA.02.01 ; spbe:menyimpanData", "spbe:pemlik", "spbe:pemilik", "ARS-APP-001"),
        ("ex:Portal a spbe:AplikasiKhusus", "ex:Portal a spbe:AplikasiKusus", "spbe:AplikasiKusus",
         "spbe:AplikasiKhusus", "ARS-INT-001"),
        ("spbe:keterbukaan kode:terbatas", "spbe:keterbukaan kode:trbatas", "kode:trbatas", "kode:terbatas",
         "ARS-REF-003"),
        ("spbe:waliData ex:Unit ;", "spbe:waliData ex:Unti ;", "Unti", "Unit", "ARS-REF-004"),
    ],
    ids=["property", "class", "code", "element"],
)  # fmt: skip
def test_a_typo_gets_did_you_mean_and_its_follow_ons_are_marked(
    tmp_path: Path, old: str, new: str, typo: str, meant: str, follows: str
) -> None:
    found = findings(str(model_with(tmp_path, (old, new))))
    typos = [f for f in found if f["rule"] in ("ARS-REF-001", "ARS-REF-002")]
    assert len(typos) == 1, found
    assert f"did you mean {meant}" in str(typos[0]["message"]) or meant in str(typos[0]["suggestion"])
    assert str(typos[0]["suggestion"]).endswith(meant.split(":")[-1])
    follow = [f for f in found if f["rule"] == follows]
    assert follow and all(
        str(f["causedBy"]).endswith(typo.split(":")[-1]) and "follows from the typo" in str(f["message"])
        for f in follow
    )
    assert all("causedBy" in f for f in found if f not in typos), "every other finding follows from the one typo"


def test_a_code_list_finding_lists_the_codes_to_write(tmp_path: Path) -> None:
    found = findings(str(model_with(tmp_path, ("spbe:arah kode:satu-arah", "spbe:arah kode:harian"))))
    direction = [f for f in found if f["rule"] == "ARS-REF-003"]
    assert len(direction) == 1
    assert "write one of: kode:dua-arah, kode:satu-arah" in str(direction[0]["message"])


def test_an_untagged_label_gets_the_same_findings_in_text_and_json(tmp_path: Path) -> None:
    folder = model_with(tmp_path, ('rdfs:label "Peran"@id , "Peran"@en', 'rdfs:label "Peran"'))
    found = [f["message"] for f in findings(str(folder)) if f["rule"] == "ARS-DOC-001"]
    assert found == ['No English label (rdfs:label "..."@en)', 'No Indonesian label (rdfs:label "..."@id)']
    text = arsitek("validate", str(folder), "--lang", "en").stdout
    assert all(message in text for message in found)
    pyshacl = arsitek("validate", str(folder), "--lang", "en", "--engine", "pyshacl", "--format", "json").stdout
    assert [f["message"] for f in json.loads(pyshacl)["findings"] if f["rule"] == "ARS-DOC-001"] == found


def test_without_a_model_folder_the_bundled_example_is_named(tmp_path: Path) -> None:
    done = arsitek("validate", cwd=tmp_path)
    assert done.returncode == 0
    assert "using the bundled KPU example model" in done.stderr


@pytest.mark.parametrize("given", ["ontology", "ontology/shapes", "copy", "copy/shapes"])
def test_the_vocabulary_or_the_rules_given_as_a_model_are_named(tmp_path: Path, given: str) -> None:
    shutil.copytree(ROOT / "ontology", tmp_path / "copy")
    path = tmp_path / given if given.startswith("copy") else ROOT / given
    done = arsitek("validate", str(path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert any(
        words in done.stderr
        for words in (
            "vocabulary and rules, which every run loads",
            "holds SHACL shapes",
            "copy of arsitek's vocabulary",
        )
    ), done.stderr


def test_watch_prints_an_unchanged_syntax_error_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = model_with(tmp_path)
    polls = iter(range(8))

    def keep_going() -> bool:
        index = next(polls, None)
        if index == 1:
            (folder / "broken.ttl").write_text("ex:a ex:b", encoding="utf-8")
        return index is not None

    console = Console(file=None, force_terminal=False, width=200, markup=False)
    watch([folder], None, "en", Severity.VIOLATION, console, interval=0, keep_going=keep_going)
    printed = capsys.readouterr().out
    assert printed.count("broken.ttl:1:") == 1, printed
    assert "the last good result is kept" in printed
