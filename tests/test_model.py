"""The embedded KPU model: clean under the rules, and saying what the sources say."""

from __future__ import annotations

import re

import pytest

from arsitek.load import LoadedModel, load_model
from arsitek.paths import DataFolders
from arsitek.validate import Severity, ValidationResult
from arsitek.vocab import KPU

INTENDED_WARNINGS = {
    ("ARS-INF-003", "PerangkatKPPS"),
    ("ARS-INT-002", "IntegrasiDP4"),
    ("ARS-INT-002", "IntegrasiSalinanDptPartai"),
}


@pytest.fixture(scope="module")
def kpu(folders: DataFolders) -> LoadedModel:
    return load_model([folders.model], [folders.ontology], exclude=[folders.shapes])


def ask(model: LoadedModel, body: str) -> bool:
    prefixes = (
        "PREFIX spbe: <https://w3id.org/arsitek/spbe#> PREFIX kpu: <https://w3id.org/arsitek/kpu/> "
        "PREFIX kode: <https://w3id.org/arsitek/kode/> PREFIX ref: <https://w3id.org/arsitek/ref/> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    )
    return bool(model.store.query(prefixes + f"ASK {{ {body} }}", use_default_graph_as_union=True))


def test_no_violations(kpu_result: ValidationResult) -> None:
    violations = [(f.rule_id, f.focus_node) for f in kpu_result.findings if f.severity == Severity.VIOLATION]
    assert violations == []


def test_every_warning_is_intended_and_explained(kpu_result: ValidationResult, folders: DataFolders) -> None:
    warnings = {(f.rule_id, f.focus_node.removeprefix(KPU)) for f in kpu_result.findings}
    assert warnings == INTENDED_WARNINGS
    for rule, local in INTENDED_WARNINGS:
        text = "\n".join(
            (folders.model / name).read_text(encoding="utf-8")
            for name in sorted(p.name for p in folders.model.glob("*.ttl"))
        )
        assert re.search(rf"# Intended warning \({rule}\).*\n(#.*\n)*kpu:{local} a ", text), (rule, local)


def test_sidalih_receives_dp4_from_dukcapil_and_feeds_cek_dpt(kpu: LoadedModel) -> None:
    assert ask(
        kpu,
        "?f spbe:sumberIntegrasi kpu:Dukcapil ; spbe:tujuanIntegrasi kpu:Sidalih ; spbe:membawaData kpu:DP4 .",
    )
    assert ask(
        kpu,
        "kpu:LayananCekDpt a spbe:LayananPublik ; spbe:disediakanMelalui kpu:LindungiHakmu ."
        "?f spbe:sumberIntegrasi kpu:Sidalih ; spbe:tujuanIntegrasi kpu:LindungiHakmu .",
    )


def test_special_applications_realise_raa02(kpu: LoadedModel) -> None:
    assert not ask(
        kpu,
        "?a a spbe:AplikasiKhusus . FILTER NOT EXISTS { ?a spbe:merealisasikan/skos:broader* ref:RAA.02 }",
    )
    for app in ("Sidalih", "LindungiHakmu", "SirekapMobile", "Siakba"):
        assert ask(kpu, f"kpu:{app} a spbe:AplikasiKhusus")


def test_personal_data_leaves_kpu_only_authenticated_and_encrypted(kpu: LoadedModel) -> None:
    assert not ask(
        kpu,
        """
        ?flow spbe:membawaData ?data . ?data spbe:memilikiAtribut/spbe:kategoriDataPribadi ?c .
        FILTER NOT EXISTS { ?flow spbe:autentikasi ?a FILTER(?a != kode:auth-tanpa) }
    """,
    )
    assert not ask(
        kpu,
        """
        ?flow spbe:membawaData ?data . ?data spbe:memilikiAtribut/spbe:kategoriDataPribadi ?c .
        FILTER NOT EXISTS { ?flow spbe:enkripsi ?e FILTER(?e != kode:enkripsi-tanpa) }
    """,
    )


def test_voter_list_has_the_thirteen_form_elements(kpu: LoadedModel) -> None:
    rows = kpu.query(
        "SELECT (COUNT(?a) AS ?n) WHERE { <https://w3id.org/arsitek/kpu/DPT> "
        "<https://w3id.org/arsitek/spbe#memilikiAtribut> ?a }"
    )
    assert int(next(iter(rows))["n"].value) == 13
    assert ask(kpu, "kpu:DPT-Disabilitas spbe:kategoriDataPribadi kode:pdp-spesifik")


def test_every_element_cites_a_source(kpu_result: ValidationResult) -> None:
    assert [f.focus_node for f in kpu_result.findings if f.rule_id == "ARS-DOC-002"] == []


def test_incidents_are_recorded_with_their_answers(kpu: LoadedModel) -> None:
    assert ask(
        kpu,
        'kpu:InsidenKebocoranDpt2023 spbe:tanggalKejadian "2023-11-27"^^<http://www.w3.org/2001/XMLSchema#date> ;'
        " spbe:ditanggapiDengan ?c . ?r spbe:dimitigasiOleh ?c .",
    )
    assert ask(kpu, "kpu:InsidenRansomwarePDNS2 spbe:berdampakPada kpu:PDNS2 ; spbe:ditanggapiDengan ?c .")


ABSTRACT = {"ElemenArsitektur", "Aplikasi", "Layanan", "Infrastruktur", "Jaringan", "PusatData", "Sumber"}


def test_every_concrete_class_has_an_instance_in_the_model(kpu: LoadedModel) -> None:
    rows = kpu.query(
        "SELECT ?c (EXISTS { ?x a ?c } AS ?used) WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> "
        "FILTER(STRSTARTS(STR(?c), 'https://w3id.org/arsitek/')) }"
    )
    unused = sorted(
        row["c"].value.rsplit("#", 1)[1]
        for row in rows
        if row["used"].value == "false" and row["c"].value.rsplit("#", 1)[1] not in ABSTRACT
    )
    assert unused == []
