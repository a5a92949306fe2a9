"""ArchiMate exchange: exports that the Open Group schema and the relationship table accept, imports that lose
nothing silently, round trips that give back the same elements and relationships, and hostile files refused."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from arsitek.exchange.reading import _schema
from arsitek.exchange.table import TABLE, TYPES, allowed
from tests.conftest import ROOT

NS = "{http://www.opengroup.org/xsd/archimate/3.0/}"
TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MODELS = ROOT.parent / "shared" / "data" / "archimate-models"
ORIGINAL_XSD = ROOT.parent / "shared" / "data" / "archimate-xsd"


def arsitek(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "arsitek", *args], capture_output=True, text=True)


def export(tmp: Path, *paths: Path) -> Path:
    done = arsitek("export", "archimate", *map(str, paths), "--allow-invalid", "-o", str(tmp))
    assert done.returncode == 0, done.stderr
    return tmp / "model.xml"


def contents(path: Path) -> tuple[dict[str, tuple[str, tuple[tuple[str, str], ...]]], dict[str, tuple[str, str, str]]]:
    root = etree.parse(str(path)).getroot()
    elements = {
        e.get("identifier"): (e.get(TYPE), tuple(sorted((n.get(LANG), n.text) for n in e.findall(f"{NS}name"))))
        for e in root.iter(f"{NS}element")
    }
    relationships = {
        r.get("identifier"): (r.get(TYPE), r.get("source"), r.get("target")) for r in root.iter(f"{NS}relationship")
    }
    return elements, relationships


def check_export(path: Path) -> None:
    """Valid against archimate3_Diagram.xsd, every relationship allowed by ArchiMate 3.2's table, views laid out."""
    document = etree.parse(str(path))
    schema = _schema()
    assert schema.validate(document), [e.message for e in schema.error_log][:5]
    elements, relationships = contents(path)
    for kind, source, target in relationships.values():
        pair = (elements[source][0], elements[target][0])
        assert pair in TABLE, pair  # every type arsitek exports is in the transcribed table
        assert allowed(pair[0], kind, pair[1]), (kind, pair)
    views = list(document.getroot().iter(f"{NS}view"))
    assert views and all(v.find(f"{NS}node") is not None for v in views)
    positions = {(n.get("x"), n.get("y")) for n in views[0].iter(f"{NS}node")}
    assert len(positions) > 1  # laid out, not stacked in one corner
    for connection in document.getroot().iter(f"{NS}connection"):
        assert connection.get("relationshipRef") in relationships
    names = [e.findall(f"{NS}name") for e in document.getroot().iter(f"{NS}element")]
    assert any({n.get(LANG) for n in found} == {"id", "en"} for found in names)


def test_the_schema_arsitek_checks_with_is_the_open_groups() -> None:
    for name in ("archimate3_Diagram.xsd", "archimate3_View.xsd", "archimate3_Model.xsd"):
        vendored = ROOT / "generators" / "arsitek" / "exchange" / "xsd" / name
        assert vendored.read_bytes() == (ORIGINAL_XSD / name).read_bytes()
    assert len(TABLE) == len(TYPES) ** 2


@pytest.fixture(scope="module")
def kpu_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(tmp_path_factory.mktemp("archimate") / "out")


def test_the_kpu_export_validates_and_every_relationship_is_allowed(kpu_export: Path, tmp_path: Path) -> None:
    check_export(kpu_export)
    elements, relationships = contents(kpu_export)
    kinds = {kind for kind, _ in elements.values()}
    assert {"ApplicationComponent", "BusinessProcess", "DataObject", "BusinessObject", "Node", "BusinessActor"} <= kinds
    assert {kind for kind, _, _ in relationships.values()} >= {"Serving", "Access", "Flow", "Composition"}
    text = kpu_export.read_text(encoding="utf-8")
    assert "https://w3id.org/arsitek/kpu/Sidalih" in text  # the IRI, kept for the way back
    assert export(tmp_path / "again").read_bytes() == kpu_export.read_bytes()  # byte-identical


def test_an_init_model_exports_too(tmp_path: Path) -> None:
    done = arsitek("init", str(tmp_path / "kota"), "--name", "Kota Contoh", "--prefix", "kota", "--namespace",
                   "https://kota.example.go.id/arsitektur/")  # fmt: skip
    assert done.returncode == 0, done.stderr
    check_export(export(tmp_path / "out", tmp_path / "kota"))


def test_export_import_export_gives_back_the_same_elements_types_names_and_relationships(
    kpu_export: Path, tmp_path: Path
) -> None:
    back = tmp_path / "kembali"
    back.mkdir()
    shutil.copy(ROOT / "model" / "kpu.ttl", back / "kpu.ttl")  # the model's header: its election profile
    done = arsitek("import", "archimate", str(kpu_export), "-o", str(back))
    assert done.returncode == 0, done.stderr
    again = export(tmp_path / "again", back)
    assert contents(again) == contents(kpu_export)


@pytest.mark.parametrize(
    ("name", "elements", "relationships"), [("archi_archisurance_3.0.xml", 122, 179), ("archi_Sample1.xml", 2, 1)]
)
def test_archi_models_import_validate_and_build(name: str, elements: int, relationships: int, tmp_path: Path) -> None:
    model = tmp_path / "model"
    done = arsitek("import", "archimate", str(MODELS / name), "-o", str(model), "--prefix", "ex",
                   "--namespace", "https://example.org/archi/")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{elements} elements, {relationships} relationships" in done.stderr
    checked = arsitek("validate", str(model), "--lang", "en")
    assert "error:" not in checked.stderr and "violation" in checked.stdout.lower()  # read, and judged
    built = arsitek("build", str(model), "--allow-invalid", "-o", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "site" / "en" / "index.html").is_file()


def test_foreign_files_in_other_encodings_without_languages_or_names_import(tmp_path: Path) -> None:
    """What Sparx EA and Visual Paradigm write: windows-1252, no xml:lang, an empty name, numeric-looking ids."""
    text = """<?xml version="1.0" encoding="windows-1252"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="EAID_1">
  <name>Pelayanan Kota</name>
  <elements>
    <element identifier="EAID_2" xsi:type="ApplicationComponent"><name>Sistem Perizinan \xe9</name></element>
    <element identifier="EAID_3" xsi:type="BusinessProcess"><name></name></element>
    <element identifier="EAID_4" xsi:type="Location"><name>Balai Kota</name></element>
  </elements>
  <relationships>
    <relationship identifier="EAID_5" source="EAID_2" target="EAID_3" xsi:type="Serving" />
  </relationships>
</model>
"""
    path = tmp_path / "ea.xml"
    path.write_bytes(text.encode("cp1252"))
    model = tmp_path / "model"
    done = arsitek("import", "archimate", str(path), "-o", str(model), "--prefix", "kota",
                   "--namespace", "https://kota.example.go.id/")  # fmt: skip
    assert done.returncode == 0, done.stderr
    turtle = "\n".join(p.read_text(encoding="utf-8") for p in sorted(model.glob("*.ttl")))
    assert '"Sistem Perizinan é"@en' in turtle
    assert "spbe:didukungOleh kota:SistemPerizinan" in turtle  # a process served by an application
    assert 'spbe:tipeArchimate "Location"' in turtle


def hostile(tmp_path: Path, name: str, body: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    done = arsitek("import", "archimate", str(path), "-o", str(tmp_path / f"out-{name}"), "--prefix", "x",
                   "--namespace", "https://x.example/")  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / f"out-{name}").exists()
    return done


def test_hostile_xml_is_refused_in_one_line(tmp_path: Path) -> None:
    xxe = hostile(
        tmp_path,
        "xxe.xml",
        '<?xml version="1.0"?>\n<!DOCTYPE model [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="id-1"><name>&x;</name></model>\n',
    )
    assert "line 2" in xxe.stderr and "root:" not in xxe.stderr
    assert "refused without reading it further" in xxe.stderr  # before any parsing: nothing is expanded
    lol = "".join(f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" * 1}' * 10 + '">' for i in range(1, 10))
    bomb = hostile(
        tmp_path,
        "bomb.xml",
        f'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">{lol}]>\n<lolz>&lol9;</lolz>\n',
    )
    assert "DTD or an entity" in bomb.stderr and "refused without reading it further" in bomb.stderr
    broken = hostile(tmp_path, "broken.xml", '<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"><name>\n')
    assert "not well-formed" in broken.stderr


def test_a_file_breaking_the_schema_is_refused_or_with_lenient_imported_with_its_problems(tmp_path: Path) -> None:
    body = """<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="id-m">
  <name xml:lang="en">Broken</name>
  <elements>
    <element identifier="id-a" xsi:type="ApplicationComponent">
      <name xml:lang="en">App</name>
      <properties>
        <property propertyDefinitionRef="propid-missing"><value xml:lang="en">x</value></property>
      </properties>
    </element>
  </elements>
</model>
"""
    path = tmp_path / "broken.xml"
    path.write_text(body, encoding="utf-8")
    refused = arsitek("import", "archimate", str(path), "-o", str(tmp_path / "a"), "--prefix", "x", "--namespace",
                      "https://x.example/")  # fmt: skip
    assert refused.returncode == 2 and "line 9" in refused.stderr and "schema" in refused.stderr
    lenient = arsitek("import", "archimate", str(path), "-o", str(tmp_path / "b"), "--lenient", "--prefix", "x",
                      "--namespace", "https://x.example/")  # fmt: skip
    assert lenient.returncode == 1, lenient.stderr
    assert "broken.xml:9:" in lenient.stderr and "1 elements" in lenient.stderr
