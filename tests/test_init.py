"""``arsitek init`` and profiles: a new agency starts from a model that validates and builds, with no election in it.

The done-when of issue 16, run as a new user would: init, validate, build, then look for any word
of the election profile in the site, in both languages. The KPU model, which declares the
profile, keeps its election pages; a model that does not declare it gets none of them, also
when both are built in one process.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arsitek.build import rule_files
from arsitek.generators.site import build_site
from arsitek.load import load_model
from arsitek.paths import DataFolders
from arsitek.starter import render, turtle_string
from arsitek.validate import load_shapes, validate_model
from arsitek.view import build_view
from tests.test_cli import arsitek

NAMESPACE = "https://example.go.id/arsitektur/"
#: The election profile's words, in either language: none may reach a model that does not declare it.
ELECTION_WORDS = re.compile(
    r"pemilu|rekapitulasi|\bKPU\b|pemilihan|\bTPS\b|tahapan pemilu|election|polling station|recapitulation",
    re.IGNORECASE,
)


@pytest.fixture(scope="module", params=["pemda", "instansi-pusat"])
def started(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """Init, validate and build a model of each kind once for the module, through the command line."""
    kind = request.param
    root = tmp_path_factory.mktemp(kind)
    created = arsitek(
        "init", str(root / "kota"), "--kind", kind, "--name", "Pemerintah Kota Contoh", "--prefix", "kota",
        "--namespace", NAMESPACE,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    validated = arsitek("validate", str(root / "kota"), "--fail-on", "warning")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "0 pelanggaran  ⚠ 0 peringatan" in validated.stdout
    built = arsitek("build", str(root / "kota"), "-o", str(root / "out"))
    assert built.returncode == 0, built.stderr
    return kind, root / "kota", root / "out"


def test_the_started_model_has_one_file_per_domain(started: tuple[str, Path, Path]) -> None:
    _, model, _ = started
    assert sorted(p.name for p in model.iterdir()) == sorted(
        ["README.md", "model.ttl", "organisasi.ttl", "bisnis.ttl", "data.ttl", "aplikasi.ttl", "infrastruktur.ttl",
         "integrasi.ttl", "keamanan.ttl", "sumber.ttl"]
    )  # fmt: skip
    text = "".join(p.read_text(encoding="utf-8") for p in model.glob("*.ttl"))
    for example in ("spbe:ProsesBisnis", "spbe:DataInformasi", "spbe:AtributData", "spbe:AplikasiKhusus",
                    "spbe:Antarmuka", "spbe:Integrasi", "spbe:PusatData", "spbe:KontrolKeamanan",
                    "spbe:KebijakanAkses", "spbe:UnitOrganisasi", "spbe:Sumber"):  # fmt: skip
        assert f"a {example}" in text, example
    for code in re.findall(r"ref:(R[A-Z]{2}[.\w-]+)", text):  # every example points at a real national code
        assert code in _national_codes(), code


def test_the_site_holds_no_word_of_elections(started: tuple[str, Path, Path]) -> None:
    _, _, out = started
    hits = [
        f"{path.relative_to(out)}: {match.group(0)}"
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".js", ".svg", ".json", ".csv", ".md", ".sql", ".yaml"}
        for match in [ELECTION_WORDS.search(path.read_text(encoding="utf-8", errors="replace"))]
        if match
    ]
    assert hits == []
    for lang in ("id", "en"):
        assert not (out / "site" / lang / "tahapan.html").exists()
        assert not (out / "site" / lang / "rekapitulasi.html").exists()


def test_the_site_is_titled_and_named_in_the_models_own_words(started: tuple[str, Path, Path]) -> None:
    _, _, out = started
    home = (out / "site" / "id" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Arsitektur SPBE Pemerintah Kota Contoh</h1>" in home
    assert "<title>Beranda · Arsitektur SPBE Pemerintah Kota Contoh</title>" in home
    english = (out / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert "<h1>SPBE architecture of Pemerintah Kota Contoh</h1>" in english
    page = (out / "site" / "en" / "aplikasi" / "sistem_layanan.html").read_text(encoding="utf-8")
    assert f'<code class="iri" title="{NAMESPACE}SistemLayanan">kota:SistemLayanan</code>' in page


def test_reports_name_the_models_terms_with_its_own_prefix(started: tuple[str, Path, Path], tmp_path: Path) -> None:
    _, model, _ = started
    broken = tmp_path / "model"
    broken.mkdir()
    for path in model.glob("*.ttl"):
        (broken / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    aplikasi = broken / "aplikasi.ttl"
    aplikasi.write_text(aplikasi.read_text(encoding="utf-8").replace("kota:PusatData ;", "kota:PusatDat ;", 1))
    result = arsitek("validate", str(broken), "--lang", "en")
    assert result.returncode == 1
    assert "kota:SistemLayanan" in result.stdout
    assert "did you mean kota:PusatData?" in result.stdout
    assert f"<{NAMESPACE}" not in result.stdout


def test_init_never_writes_into_a_folder_that_holds_anything(tmp_path: Path) -> None:
    target = tmp_path / "kota"
    target.mkdir()
    (target / "catatan.txt").write_bytes(b"milik arsitek, jangan dihapus\n")
    result = arsitek("init", str(target), "--name", "Kota", "--prefix", "kota", "--namespace", NAMESPACE)
    assert result.returncode == 2
    assert "not empty" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["catatan.txt"]
    assert (target / "catatan.txt").read_bytes() == b"milik arsitek, jangan dihapus\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kota"]  # no staging folder left beside it


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--prefix", "1kota", "not a Turtle prefix"),
        ("--prefix", "spbe", "one of arsitek's own"),
        ("--namespace", "https://example.go.id/arsitektur", "must end with '/' or '#'"),
        ("--namespace", "urn:kota:", "http(s) IRI"),
        ("--namespace", "https://example.go.id/a b/", "http(s) IRI"),
    ],
)
def test_init_refuses_what_would_not_be_turtle(tmp_path: Path, option: str, value: str, says: str) -> None:
    given = {"--prefix": "kota", "--namespace": NAMESPACE, option: value}
    result = arsitek("init", str(tmp_path / "kota"), "--name", "Kota", *[x for kv in given.items() for x in kv])
    assert result.returncode == 2
    assert says in result.stderr
    assert not (tmp_path / "kota").exists()


def test_a_name_cannot_break_out_of_its_literal(folders: DataFolders, tmp_path: Path) -> None:
    name = 'Kota "Contoh" \\ baru\n@prefix x: <http://evil/> .'
    files = render(name, "pemda", "kota", NAMESPACE)
    for file, text in files.items():
        (tmp_path / file).write_text(text, encoding="utf-8")
    model = load_model([tmp_path], [folders.ontology], exclude=folders.not_vocabulary)
    view = build_view(model)
    assert view.header.title["id"] == f"Arsitektur SPBE {name}"
    assert "http://evil/" not in model.prefixes.values()
    assert turtle_string('a"b\\c\n') == 'a\\"b\\\\c\\n'


def test_a_profile_reaches_only_the_model_that_declares_it(folders: DataFolders, tmp_path: Path) -> None:
    """The KPU model (which imports the election profile) and a new model, built in one process."""
    kpu = load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary)
    assert [p.iri for p in kpu.profiles] == ["https://w3id.org/arsitek/pemilu"]
    kpu_rules = load_shapes(rule_files(folders, kpu))
    kpu_site = dict(build_site(build_view(kpu), validate_model(kpu, kpu_rules), folders.ontology))
    assert "en/tahapan.html" in kpu_site and "en/rekapitulasi.html" in kpu_site
    assert "Election stages" in str(kpu_site["en/index.html"])
    assert {r.rule_id for r in kpu_rules.rules} >= {"ARS-PML-001", "ARS-PML-002", "ARS-PML-003"}

    for file, text in render("Kota Contoh", "pemda", "kota", NAMESPACE).items():
        (tmp_path / file).write_text(text, encoding="utf-8")
    city = load_model([tmp_path], [folders.ontology], exclude=folders.not_vocabulary)
    assert city.profiles == []
    city_rules = load_shapes(rule_files(folders, city))
    assert not any(r.rule_id.startswith("ARS-PML") for r in city_rules.rules)
    city_site = dict(build_site(build_view(city), validate_model(city, city_rules), folders.ontology))
    assert "en/tahapan.html" not in city_site and "en/kesenjangan/index.html" not in city_site
    assert not ELECTION_WORDS.search(str(city_site["en/kosakata.html"]))
    assert not ELECTION_WORDS.search(str(city_site["id/index.html"]))

    declared = tmp_path / "model.ttl"  # the same model, switching the profile on
    declared.write_text(
        declared.read_text(encoding="utf-8").replace(
            "owl:imports <https://w3id.org/arsitek/spbe> .",
            "owl:imports <https://w3id.org/arsitek/spbe> , <https://w3id.org/arsitek/pemilu> .",
        ),
        encoding="utf-8",
    )
    switched = load_model([tmp_path], [folders.ontology], exclude=folders.not_vocabulary)
    assert [p.iri for p in switched.profiles] == ["https://w3id.org/arsitek/pemilu"]
    assert any(r.rule_id == "ARS-PML-001" for r in load_shapes(rule_files(folders, switched)).rules)


def _national_codes() -> set[str]:
    from arsitek.paths import data_folders

    text = "".join(p.read_text(encoding="utf-8") for p in (data_folders().ontology / "referensi").glob("*.ttl"))
    return set(re.findall(r"^ref:(R[A-Z]{2}[.\w-]+) a skos:Concept", text, re.MULTILINE))
