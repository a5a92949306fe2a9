"""The vocabulary: bilingual labels and definitions, reference schemes, code lists."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from arsitek import standard_terms
from arsitek.load import LoadedModel, load_model
from arsitek.paths import DataFolders
from arsitek.profil.pemilu.terms import PEMILU
from arsitek.vocab import SPBE

OWN = (SPBE, PEMILU, "https://w3id.org/arsitek/aturan#")


@pytest.fixture(scope="module")
def vocabulary(folders: DataFolders) -> LoadedModel:
    return load_model([folders.ontology], exclude=[])


def _terms(vocabulary: LoadedModel) -> list[str]:
    rows = vocabulary.query(
        "SELECT DISTINCT ?t WHERE { ?t a ?k . VALUES ?k { "
        "<http://www.w3.org/2002/07/owl#Class> <http://www.w3.org/2002/07/owl#ObjectProperty> "
        "<http://www.w3.org/2002/07/owl#DatatypeProperty> <http://www.w3.org/2002/07/owl#AnnotationProperty> } }"
    )
    return sorted(r["t"].value for r in rows if r["t"].value.startswith(OWN))


def _languages(vocabulary: LoadedModel, predicate: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for row in vocabulary.query(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"):
        literal = row["o"]
        if isinstance(literal, ox.Literal):
            out.setdefault(row["s"].value, set()).add(literal.language or "")
    return out


def test_vocabulary_is_substantial(vocabulary: LoadedModel) -> None:
    terms = _terms(vocabulary)
    classes = [t for t in terms if t.rsplit("#", 1)[1][0].isupper()]
    assert len(classes) >= 30 and len(terms) >= 90, (len(classes), len(terms))


def test_every_term_has_labels_and_definitions_in_id_and_en(vocabulary: LoadedModel) -> None:
    labels = _languages(vocabulary, "http://www.w3.org/2000/01/rdf-schema#label")
    definitions = _languages(vocabulary, "http://www.w3.org/2004/02/skos/core#definition")
    lacking = [
        term
        for term in _terms(vocabulary)
        if not ({"id", "en"} <= labels.get(term, set()) and {"id", "en"} <= definitions.get(term, set()))
    ]
    assert lacking == []


def test_every_concept_and_scheme_is_bilingual(vocabulary: LoadedModel) -> None:
    """Code lists, schemes and every national reference concept in both languages.

    The transcriptions give the reference names in Indonesian only; the English names are arsitek's
    glosses (the scheme says so), kept so that an English page never falls back to Indonesian mid-table.
    """
    labels = _languages(vocabulary, "http://www.w3.org/2004/02/skos/core#prefLabel")
    rows = vocabulary.query(
        "SELECT DISTINCT ?c WHERE { { ?c a <http://www.w3.org/2004/02/skos/core#Concept> } UNION "
        "{ ?c a <http://www.w3.org/2004/02/skos/core#ConceptScheme> } }"
    )
    lacking = [r["c"].value for r in rows if not {"id", "en"} <= labels.get(r["c"].value, set())]
    assert lacking == []


@pytest.mark.parametrize("scheme", ["RAB", "RAD", "RAL", "RAA", "RAI", "RAK"])
def test_reference_architectures_have_two_levels_with_sources(vocabulary: LoadedModel, scheme: str) -> None:
    iri = f"https://w3id.org/arsitek/ref/{scheme}"
    rows = list(
        vocabulary.query(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dcterms: <http://purl.org/dc/terms/> "
            f"SELECT ?c (EXISTS {{ ?c skos:broader ?p }} AS ?child) (EXISTS {{ ?c dcterms:source ?s }} AS ?sourced) "
            f"WHERE {{ ?c skos:inScheme <{iri}> }}"
        )
    )
    assert any(r["child"].value == "false" for r in rows), "no level-1 concept"
    assert any(r["child"].value == "true" for r in rows), "no level-2 concept"
    assert all(r["sourced"].value == "true" for r in rows), "every reference concept cites its source"


def test_numbered_codes_match_their_iri_and_parent(vocabulary: LoadedModel) -> None:
    rows = vocabulary.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?c ?n ?p WHERE { "
        "?c skos:notation ?n ; skos:inScheme ?s . FILTER(STRSTARTS(STR(?c), 'https://w3id.org/arsitek/ref/')) "
        "OPTIONAL { ?c skos:broader ?p } }"
    )
    checked = 0
    for row in rows:
        code = row["n"].value
        if "." not in code:  # the scheme's own notation
            continue
        assert row["c"].value.endswith("/" + code)
        parent = row["p"]
        if code.count(".") == 1:  # level 1: a top concept
            assert parent is None, code
        else:
            assert parent is not None and parent.value.endswith("/" + code.rsplit(".", 1)[0]), code
        checked += 1
    assert checked >= 30


def test_controlled_lists_exist(vocabulary: LoadedModel) -> None:
    expected = {
        "Keterbukaan": {"terbuka", "terbatas", "tertutup"},
        "DataPribadi": {"umum", "spesifik"},
        "SiklusHidup": {"rencana", "pengembangan", "operasional", "dihentikan"},
        "PolaIntegrasi": {
            "federated-database",
            "service-bus",
            "data-warehouse",
            "virtual-database",
            "web-api",
            "file-exchange",
        },
        "JenisApi": {"local-api", "program-api", "web-api"},
    }
    for scheme, notations in expected.items():
        rows = vocabulary.query(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?n WHERE { "
            f"?c skos:inScheme <https://w3id.org/arsitek/kode/{scheme}> ; skos:notation ?n }}"
        )
        assert {r["n"].value for r in rows} == notations, scheme


def test_standard_terms_file_is_reproducible(folders: DataFolders) -> None:
    committed = (folders.ontology / "standard-terms.ttl").read_text(encoding="utf-8")
    assert committed == standard_terms.render()


def test_standard_terms_are_real_terms() -> None:
    from rdflib.namespace import SKOS

    text = standard_terms.render()
    assert "skos:prefLabel a rdf:Property ." in text
    assert "skos:prefLabl" not in text
    assert "xsd:string a rdfs:Datatype ." in text
    assert str(SKOS.prefLabel).startswith("http://www.w3.org/2004/02/skos/core#")


#: Concepts per level in each national reference scheme, as the transcriptions give them (S13, S10).
REFERENCE_FIGURES = {
    "RAB": {1: 9, 2: 45, 3: 304},  # S13 rab-reference.json at 71fc4fe5
    "RAD": {1: 10, 2: 49, 3: 305},  # S13 rad-reference.json at 7c51489c
    "RAL": {1: 2, 2: 53, 3: 302},  # S13 ral-reference.json at c7c475c3
    "RAA": {1: 2, 2: 4},  # S10, S16
}


@pytest.mark.parametrize("scheme", sorted(REFERENCE_FIGURES))
def test_reference_schemes_hold_every_transcribed_code(vocabulary: LoadedModel, scheme: str) -> None:
    rows = vocabulary.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        f"SELECT ?n WHERE {{ ?c skos:inScheme <https://w3id.org/arsitek/ref/{scheme}> ; skos:notation ?n }}"
    )
    per_level: dict[int, int] = {}
    for row in rows:
        level = row["n"].value.count(".")
        per_level[level] = per_level.get(level, 0) + 1
    assert per_level == REFERENCE_FIGURES[scheme]


@pytest.mark.parametrize(
    ("concept", "says"),
    [
        ("RAB.01.02", "Hubungan Luar Negeri"),  # S10's name for the level-2 affair S13 calls Urusan Luar Negeri
        ("RAB.09.05", "Perencanaan Pembangunan"),
        ("RAD.02.10.05", "RAB.02.10.03"),  # the same name numbered otherwise
        ("RAB", "46"),  # S10 counts 46 affairs and lists 45
        ("RAL", "44 (S13) atau 45 (S10)"),
    ],
)
def test_disagreements_between_transcriptions_are_noted(vocabulary: LoadedModel, concept: str, says: str) -> None:
    rows = vocabulary.query(
        f"SELECT ?note WHERE {{ <https://w3id.org/arsitek/ref/{concept}> "
        "<http://www.w3.org/2004/02/skos/core#editorialNote> ?note }"
    )
    assert any(says in row["note"].value for row in rows)
