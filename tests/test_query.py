"""``arsitek query`` and ``arsitek impact`` on the KPU model: the questions architects ask, answered from the store."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

KPU = "https://w3id.org/arsitek/kpu/"


def arsitek(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "arsitek", *args], capture_output=True, text=True)


def rows(*args: str) -> list[dict[str, str]]:
    done = arsitek("query", *args, "--format", "csv")
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def test_the_shipped_questions_are_listed_and_answered() -> None:
    listed = arsitek("query", "--list", "--lang", "en")
    assert listed.returncode == 0
    for name in ("aplikasi-data-pribadi", "aliran-nik", "proses-tanpa-aplikasi", "aplikasi-tanpa-cadangan"):
        assert name in listed.stdout
    personal = {r["aplikasi"] for r in rows("aplikasi-data-pribadi")}
    assert "kpu:Sidalih" in personal and "kpu:Sipol" in personal
    nik = rows("aliran-nik", "--lang", "en")
    assert any(r["aliran"] == "kpu:IntegrasiDP4" for r in nik), nik[:3]
    assert all(r["data"] for r in nik)
    unsupported = {r["proses"] for r in rows("proses-tanpa-aplikasi", "--lang", "en")}
    assert "kpu:RekapNasional" in unsupported  # the model's known gap, which ARS-BIZ-001 reports too
    assert all(r["aplikasi"].startswith("kpu:") for r in rows("aplikasi-tanpa-cadangan"))


def test_a_query_gets_the_prefixes_and_returns_json_results() -> None:
    done = arsitek("query", "SELECT ?a WHERE { ?a a spbe:AplikasiKhusus } ORDER BY ?a", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["head"]["vars"] == ["a"]
    found = [b["a"]["value"] for b in result["results"]["bindings"]]
    assert KPU + "Sidalih" in found and found == sorted(found)
    yes = arsitek("query", "ASK { kpu:Sidalih spbe:menyimpanData kpu:DPT }")
    assert yes.returncode == 0 and yes.stdout.strip() == "yes"


def test_a_bad_query_or_a_graph_query_is_a_clear_error() -> None:
    broken = arsitek("query", "SELECT ?a WHERE { ?a a }")
    assert broken.returncode == 2 and "line 1, column" in broken.stderr and "Traceback" not in broken.stderr
    graph = arsitek("query", "CONSTRUCT { ?a a ?b } WHERE { ?a a ?b }")
    assert graph.returncode == 2 and "only SELECT and ASK" in graph.stderr
    update = arsitek("query", "DELETE WHERE { ?a ?b ?c }")
    assert update.returncode == 2


def test_a_formula_in_a_result_stays_text_in_csv() -> None:
    done = arsitek("query", 'SELECT ?x WHERE { BIND("=HYPERLINK(1)" AS ?x) }', "--format", "csv")
    assert done.stdout.splitlines()[1] == "'=HYPERLINK(1)"


def test_impact_lists_dependents_by_depth_and_kind() -> None:
    done = arsitek("impact", "kpu:Sidalih", "--format", "json", "--lang", "en")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["element"] == KPU + "Sidalih"
    depth = {d["iri"]: d["depth"] for d in found["dependents"]}
    assert depth[KPU + "LindungiHakmu"] == 1 and max(depth.values()) >= 2
    assert {d["kind"] for d in found["dependents"]} >= {"aplikasi", "integrasi"}
    assert any(d["iri"] == KPU + "IntegrasiDP4" for d in found["dependencies"])
    text = arsitek("impact", "SIDALIH (Sistem Informasi Data Pemilih)", "--lang", "en")
    assert text.returncode == 0 and "depend on it" in text.stdout and "depth 1" in text.stdout
    missing = arsitek("impact", "kpu:TidakAda")
    assert missing.returncode == 2 and "no element called" in missing.stderr
