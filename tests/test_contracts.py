"""Integration contracts, checked with the real validators of each format."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from arsitek.generators.contracts import dump, generate, plan
from arsitek.load import load_model
from arsitek.paths import DataFolders
from arsitek.view import ArchitectureView, build_view
from tests.conftest import FIXTURES, ROOT, postgres_schema

ASYNCAPI_SCHEMA = ROOT / "tests/tools/node_modules/@asyncapi/specs/schemas/3.0.0-without-$id.json"
SNAPSHOTS = ROOT / "tests" / "snapshots" / "contracts"
KITCHEN_SINK = FIXTURES / "contracts" / "model.ttl"


def view_of(folders: DataFolders, *paths: Path) -> ArchitectureView:
    return build_view(load_model(list(paths), [folders.ontology], exclude=folders.not_vocabulary))


@pytest.fixture(scope="module")
def kpu(folders: DataFolders) -> dict[str, str]:
    return {path: str(content) for path, content in generate(view_of(folders, folders.model))}


def edited_model(folders: DataFolders, tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the KPU model with one text of its data dictionary replaced."""
    model = tmp_path / "model"
    shutil.copytree(folders.model, model)
    data = model / "data.ttl"
    text = data.read_text(encoding="utf-8")
    assert old in text
    data.write_text(text.replace(old, new), encoding="utf-8")
    return model


def documents(artifacts: dict[str, str], prefix: str, suffix: str = ".json") -> dict[str, Any]:
    return {p: json.loads(c) for p, c in artifacts.items() if p.startswith(prefix) and p.endswith(suffix)}


def test_kpu_contracts_cover_every_pattern(kpu: dict[str, str]) -> None:
    kinds = {p.split("/")[0] for p in kpu}
    assert kinds == {
        "asyncapi",
        "catalogue.json",
        "catalogue.md",
        "files",
        "openapi",
        "schemas",
        "virtual",
        "warehouse",
    }
    assert "openapi/sidalih.openapi.json" in kpu and "openapi/sirekap_web.openapi.json" in kpu


def test_openapi_documents_pass_the_validator(kpu: dict[str, str]) -> None:
    docs = documents(kpu, "openapi/")
    assert len(docs) >= 5
    for path, document in docs.items():
        validate_openapi(document)
        assert document["openapi"] == "3.1.0", path
        for item in document["paths"].values():
            assert item["x-arsitek-iri"].startswith("https://")
            for method in ("get", "post"):
                if method in item:
                    assert all(i.startswith("https://") for i in item[method]["x-arsitek-integrations"])
                    assert item[method]["x-arsitek-integrations"]
                    assert item[method]["tags"]


def test_openapi_examples_match_their_schemas(kpu: dict[str, str]) -> None:
    for document in documents(kpu, "openapi/").values():
        for name, schema in document["components"]["schemas"].items():
            for example in schema.get("examples", []):
                jsonschema.Draft202012Validator(schema).validate(example)
            assert name


def test_entity_schemas_pass_the_metaschema_and_their_examples(kpu: dict[str, str]) -> None:
    schemas = documents(kpu, "schemas/", ".schema.json")
    assert len(schemas) == 34
    for path, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        example = json.loads(kpu[path.replace("schemas/", "schemas/examples/").replace(".schema.json", ".json")])
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(example)


def test_personal_data_is_marked_in_schemas(kpu: dict[str, str]) -> None:
    dpt = json.loads(kpu["schemas/dpt.schema.json"])
    assert dpt["properties"]["nik"]["x-arsitek-pdp"] == "umum"
    assert dpt["properties"]["disabilitas"]["x-arsitek-pdp"] == "spesifik"
    assert "x-arsitek-pdp" not in dpt["properties"]["keterangan"]
    assert dpt["x-arsitek-personal-data"] is True
    assert set(dpt["properties"]["nik"]["x-arsitek-description"]) == {"id", "en"}


def test_asyncapi_documents_pass_the_official_schema(kpu: dict[str, str]) -> None:
    assert ASYNCAPI_SCHEMA.is_file(), "run the README's test command: it installs tests/tools (npm ci)"
    schema = json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8"))
    docs = documents(kpu, "asyncapi/")
    assert docs
    for document in docs.values():
        errors = list(jsonschema.Draft7Validator(schema).iter_errors(document))
        assert not errors, jsonschema.exceptions.best_match(errors).message
        for channel_id, channel in document["channels"].items():  # $refs the schema cannot check
            for message in channel["messages"].values():
                assert message["$ref"].split("/")[-1] in document["components"]["messages"], channel_id
        for operation in document["operations"].values():
            assert operation["channel"]["$ref"].split("/")[-1] in document["channels"]


def _sql_files(artifacts: dict[str, str]) -> list[str]:
    return [c for p, c in sorted(artifacts.items()) if p.endswith(".sql")]


def test_sql_runs_in_sqlite(kpu: dict[str, str]) -> None:
    connection = sqlite3.connect(":memory:")
    for script in _sql_files(kpu):
        connection.executescript(script)
    connection.execute(
        "INSERT INTO src_sirekap_web__d_hasil_kecamatan (kode_wilayah, jenis_pemilihan, perolehan_suara) "
        "VALUES ('110101', 'DPR', 100)"
    )
    rows = connection.execute(
        "SELECT sumber, entitas, kesenjangan, perolehan_suara FROM analitik_data_pemilu_terpadu ORDER BY sumber"
    ).fetchall()
    assert ("sirekap_web", "d_hasil_kecamatan", None, 100) in rows
    assert [r for r in rows if r[0] == "kesenjangan"] == [("kesenjangan", None, "kesenjangan_hasil2004_2014", None)]
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"dim_sumber", "dim_dpt", "dim_calon", "fakta_hasil_pemilu"} <= tables or "dim_tps" in tables


def test_sql_runs_in_postgresql(kpu: dict[str, str], postgres: str) -> None:
    with postgres_schema(postgres, "contracts", _sql_files(kpu)) as connection:
        connection.execute(
            "INSERT INTO src_situng2019__pindai_c1_situng (kode_tps, pindaian) VALUES ('3101011001001', 'https://x')"
        )
        rows = connection.execute("SELECT sumber, kesenjangan FROM analitik_data_pemilu_terpadu").fetchall()
        assert ("situng2019", None) in rows and ("kesenjangan", "kesenjangan_hasil2004_2014") in rows
        columns = connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'dim_calon'"
        ).fetchall()
        assert ("nik_hash",) in columns and ("nik",) not in columns  # personal data pseudonymised


def test_warehouse_mapping_traces_every_column(kpu: dict[str, str]) -> None:
    rows = list(csv.DictReader(kpu["warehouse/analitik_data_pemilu.mapping.csv"].splitlines()))
    assert rows
    ddl = kpu["warehouse/analitik_data_pemilu.sql"]
    for row in rows:
        table, column = row["target_table"], row["target_column"]
        assert f'CREATE TABLE "{table}" (' in ddl
        assert f'    "{column}" ' in ddl
        assert (row["transformation"] == "sha256") == bool(row["personal_data"])


def test_csvw_metadata_loads_with_a_csvw_implementation(kpu: dict[str, str], tmp_path: Path) -> None:
    from csvw import Table

    metadata = {p: c for p, c in kpu.items() if p.endswith("-metadata.json")}
    assert metadata
    for path, content in metadata.items():
        document = json.loads(content)
        assert document["@context"][0] == "http://www.w3.org/ns/csvw"
        entity = document["url"].split("__", 1)[1].removesuffix(".csv")
        example = json.loads(kpu[f"schemas/examples/{entity}.json"])
        folder = tmp_path / Path(path).stem
        folder.mkdir()
        (folder / "table-metadata.json").write_text(content, encoding="utf-8")
        columns = [c["name"] for c in document["tableSchema"]["columns"]]
        with (folder / document["url"]).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerow(
                [
                    ""
                    if example[c] is None
                    else str(example[c]).lower()
                    if isinstance(example[c], bool)
                    else example[c]
                    for c in columns
                ]
            )
        table = Table.from_file(folder / "table-metadata.json")
        rows = list(table.iterdicts())
        assert len(rows) == 1, path
        schema = json.loads(kpu[path.replace("-metadata.json", ".schema.json")])
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(schema).validate([example])


def test_catalogue_lists_every_flow_with_existing_contracts(kpu: dict[str, str], folders: DataFolders) -> None:
    catalogue = json.loads(kpu["catalogue.json"])["integrations"]
    view = view_of(folders, folders.model)
    assert {row["iri"] for row in catalogue} == set(view.integrations)
    for row in catalogue:
        for contract in row["contracts"]:
            assert contract["path"] in kpu, contract
    with_contract = [row for row in catalogue if row["contracts"]]
    assert len(with_contract) == len(catalogue), [r["iri"] for r in catalogue if not r["contracts"]]
    dpt_to_parties = next(r for r in catalogue if r["iri"].endswith("IntegrasiSalinanDptPartai"))
    assert "nik (umum)" in dpt_to_parties["personal_data"][0]["attributes"]
    assert "| DPT copies for political parties |" in kpu["catalogue.md"]


def test_the_planned_catalogue_is_the_one_written(kpu: dict[str, str], folders: DataFolders) -> None:
    """The site lists each flow's contracts from the plan, before the JSON is written out by another process."""
    planned = plan(view_of(folders, folders.model))
    assert planned.catalogue == json.loads(kpu["catalogue.json"])["integrations"]
    assert [path for path, _ in planned.files] == sorted(kpu)
    assert dict(planned.artifacts()) == kpu


def test_contract_json_is_what_the_standard_library_writes(kpu: dict[str, str]) -> None:
    """The fast encoder's bytes are json.dumps(indent=2, ensure_ascii=False)'s, and what it cannot encode
    (an integer beyond 64 bits) is still written, by the standard library."""
    documents = {path: json.loads(text) for path, text in kpu.items() if path.endswith(".json")}
    assert documents
    for path, document in documents.items():
        assert kpu[path] == json.dumps(document, ensure_ascii=False, indent=2) + "\n", path
    unusual = {"naïve ✓": "<script>\u2028", "maximum": 2**70, "ratio": 0.1, "empty": [{}, []]}
    assert dump(unusual) == json.dumps(unusual, ensure_ascii=False, indent=2) + "\n"


def test_generation_is_byte_identical(folders: DataFolders, kpu: dict[str, str]) -> None:
    again = {path: str(content) for path, content in generate(view_of(folders, folders.model))}
    assert again == kpu


def test_changing_one_entity_changes_only_its_dependents(
    folders: DataFolders, kpu: dict[str, str], tmp_path: Path
) -> None:
    model = edited_model(
        folders, tmp_path, '"Jumlah pemilih DPT yang terdaftar di TPS ini."@id', '"Jumlah pemilih DPT di TPS ini."@id'
    )
    changed = {path for path, content in generate(view_of(folders, model)) if kpu.get(path) != str(content)}
    assert changed == {
        "schemas/tps.schema.json",
        "files/integrasi_tps_open_data__tps.csv-metadata.json",
        "files/integrasi_tps_open_data__tps.csv.schema.json",
    }


def test_kitchen_sink_snapshot(folders: DataFolders) -> None:
    """The shape of every generator's output, on a small model; ARSITEK_UPDATE_SNAPSHOTS=1 rewrites it."""
    produced = {path: str(content) for path, content in generate(view_of(folders, KITCHEN_SINK))}
    if os.environ.get("ARSITEK_UPDATE_SNAPSHOTS"):
        shutil.rmtree(SNAPSHOTS, ignore_errors=True)
        for path, content in produced.items():
            (SNAPSHOTS / path).parent.mkdir(parents=True, exist_ok=True)
            (SNAPSHOTS / path).write_text(content, encoding="utf-8")
    stored = {
        p.relative_to(SNAPSHOTS).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(SNAPSHOTS.rglob("*"))
        if p.is_file()
    }
    assert sorted(produced) == sorted(stored)
    for path in produced:
        assert produced[path] == stored[path], f"{path} differs from its snapshot"


def test_contracts_say_a_paper_record_is_the_source_and_sirekap_its_copy(kpu: dict[str, str]) -> None:
    schema = json.loads(kpu["schemas/c_hasil.schema.json"])
    assert schema["x-arsitek-authoritative-source"]["kind"] == "business-process"
    assert schema["x-arsitek-authoritative-source"]["iri"].endswith("/PenghitunganSuaraTps")
    assert [c["iri"].rsplit("/", 1)[1] for c in schema["x-arsitek-digital-copy"]] == ["SirekapMobile"]
    assert json.loads(kpu["schemas/dpt.schema.json"])["x-arsitek-authoritative-source"]["kind"] == "application"


def test_catalogue_names_each_flows_interface_kind_and_middleware(kpu: dict[str, str]) -> None:
    flows = {f["iri"].rsplit("/", 1)[1]: f for f in json.loads(kpu["catalogue.json"])["integrations"]}
    kinds = {f["interface"]["api_kind"] for f in flows.values() if f["interface"]}
    assert kinds == {"web-api", "program-api"}  # the local API sits inside one device: no flow crosses it
    via = {v["iri"].rsplit("/", 1)[1] for v in flows["IntegrasiOpenDataSdi"]["via"]}
    assert via == {"SplKPU", "SPLP", "JaringanIntraPemerintah"}
    assert {c["kind"] for c in flows["FederasiDapilAnalitik"]["contracts"]} == {"SQL views"}
    assert "interface and middleware" in kpu["catalogue.md"]


def test_openapi_documents_pass_redocly_recommended_and_spectral_oas(kpu: dict[str, str], tmp_path: Path) -> None:
    """The linters people run (installed by `make test` from tests/tools), on every generated OpenAPI document.

    The licence comes from the model header's ``dcterms:license`` and the contact from the provider's
    owner; anything either tool reports fails the test.
    """
    import json
    import subprocess

    tools = ROOT / "tests" / "tools" / "node_modules" / ".bin"
    files = []
    for path, content in sorted(documents(kpu, "openapi/").items()):
        target = tmp_path / path.rsplit("/", 1)[-1]
        target.write_text(json.dumps(content), encoding="utf-8")
        files.append(str(target))
    assert files
    redocly = subprocess.run(
        [str(tools / "redocly"), "lint", "--extends", "recommended", "--format", "json", *files],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    decoder, rest, problems = json.JSONDecoder(), redocly.stdout, []
    while rest.strip():  # one JSON report per file, one after another
        report, end = decoder.raw_decode(rest.lstrip())
        rest = rest.lstrip()[end:]
        problems += [(p["ruleId"], p["severity"]) for p in report["problems"]]
    assert problems == [], problems
    (tmp_path / ".spectral.yaml").write_text('extends: ["spectral:oas"]\n', encoding="utf-8")
    spectral = subprocess.run(
        [str(tools / "spectral"), "lint", "-r", str(tmp_path / ".spectral.yaml"), "-f", "json", *files],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    found, _ = json.JSONDecoder().raw_decode(spectral.stdout)  # the JSON, then a line of prose
    assert found == [], [(f["code"], f["path"]) for f in found][:10]


def _stable_names(artifacts: dict[str, str]) -> dict[str, Any]:
    """What code generators name things after: titles, component keys, tags, operation ids, channels."""
    names: dict[str, Any] = {}
    for path, document in sorted(documents(artifacts, "").items()):
        found: list[Any] = []

        def walk(node: Any, at: str = "", found: list[Any] = found) -> None:
            if isinstance(node, dict):
                # AsyncAPI's servers, channels and messages have display titles of their own
                display = at.endswith("/info") or at.startswith(("/servers", "/channels", "/components/messages"))
                if isinstance(node.get("title"), str) and not display:
                    found.append((at, node["title"]))
                for key in ("operationId", "name"):
                    if isinstance(node.get(key), str) and "/parameters" not in at:
                        found.append((at, key, node[key]))
                for key, value in node.items():
                    if not key.startswith("x-") and key not in ("examples", "summary", "description"):
                        walk(value, f"{at}/{key}", found)
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    walk(value, f"{at}/{index}", found)

        walk(document)
        names[path] = found
    return names


def test_renaming_a_label_renames_nothing_a_code_generator_reads(
    folders: DataFolders, kpu: dict[str, str], tmp_path: Path
) -> None:
    """Schema titles are component keys and field names; the labels live in x-arsitek-label."""
    old = '"Tempat Pemungutan Suara (TPS)"@id , "Polling station (TPS)"@en'
    model = edited_model(folders, tmp_path, old, '"TPS 2029"@id , "2029 Polling station"@en')
    renamed = {path: str(content) for path, content in generate(view_of(folders, model))}
    tps = json.loads(renamed["schemas/tps.schema.json"])
    assert tps["title"] == "Tps" and tps["x-arsitek-label"] == {"id": "TPS 2029", "en": "2029 Polling station"}
    assert tps["properties"]["kode"]["title"] == "kode"
    assert tps["description"].startswith("2029 Polling station: ")
    before, after = _stable_names(kpu), _stable_names(renamed)
    assert before == after
    titles = {title for found in before.values() for entry in found if len(entry) == 2 for title in entry[1:]}
    assert titles and all(title.isidentifier() for title in titles), sorted(t for t in titles if not t.isidentifier())


def test_each_operation_is_listed_once_under_the_data_it_serves(kpu: dict[str, str]) -> None:
    for path, document in documents(kpu, "openapi/").items():
        declared = {tag["name"]: tag for tag in document["tags"]}
        used = set()
        for item in document["paths"].values():
            for method, operation in item.items():
                if method in ("get", "post"):
                    assert len(operation["tags"]) == 1, (path, operation["operationId"])
                    used.add(operation["tags"][0])
                    assert operation["x-arsitek-processes"], operation["operationId"]
        assert used == set(declared), path
        assert all(tag["x-displayName"] and tag["description"] for tag in declared.values())
    sirekap = documents(kpu, "openapi/sirekap_web")["openapi/sirekap_web.openapi.json"]
    assert [t["name"] for t in sirekap["tags"]] == [
        "c-hasil",
        "d-hasil-kab-kota",
        "d-hasil-kecamatan",
        "d-hasil-provinsi",
    ]


def test_contracts_carry_the_models_licence_and_async_servers(kpu: dict[str, str]) -> None:
    for path, document in documents(kpu, "openapi/").items():
        assert document["info"]["license"] == {"name": "Apache-2.0", "identifier": "Apache-2.0"}, path
    for path, document in documents(kpu, "asyncapi/").items():
        assert document["info"]["license"] == {"name": "Apache-2.0", "url": "https://spdx.org/licenses/Apache-2.0.html"}
        assert document["info"]["contact"]["name"]
        assert document["servers"], path
        for server in document["servers"].values():
            assert server["protocol"] == "amqp" and server["host"] == "{host}" and server["description"]
        for channel in document["channels"].values():
            assert channel["servers"] and channel["description"]
        for operation in document["operations"].values():
            assert operation["description"]


def test_csvw_rows_are_named_by_their_key_or_their_file(kpu: dict[str, str], tmp_path: Path) -> None:
    """The same case in the four case files is one resource; unkeyed rows of two files are not."""
    from csvw import CSVW

    def subjects(path: str, row: dict[str, str]) -> list[str]:
        document = json.loads(kpu[path])
        folder = tmp_path / Path(path).stem
        folder.mkdir()
        (folder / "m.json").write_text(kpu[path], encoding="utf-8")
        columns = [c["name"] for c in document["tableSchema"]["columns"]]
        with (folder / document["url"]).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([columns, [row.get(c, "x") for c in columns]])
        table = CSVW(str(folder / document["url"]), md_url=str(folder / "m.json"))
        return [record["@id"] for record in table.to_json(minimal=True)]

    cases = sorted(p for p in kpu if p.startswith("files/perkara_") and p.endswith("-metadata.json"))
    assert len(cases) == 4
    case = {"nomor": "1/PHPU.PRES-XXII/2024", "lembaga": "MK", "jenis": "PHPU", "pihak": "x"}
    named = {s for path in cases for s in subjects(path, case)}
    assert named == {"https://w3id.org/arsitek/kpu/Perkara/1%2FPHPU.PRES-XXII%2F2024/MK"}
    assert json.loads(kpu[cases[0]])["tableSchema"]["primaryKey"] == ["nomor", "lembaga"]
    unkeyed = sorted(p for p in kpu if p.startswith("files/") and p.endswith("__wilayah.csv-metadata.json"))
    assert len(unkeyed) >= 2
    rows = [subjects(path, {}) for path in unkeyed]
    assert len({s for found in rows for s in found}) == len(unkeyed)


def test_a_client_and_models_generate_from_the_contracts(kpu: dict[str, str], tmp_path: Path) -> None:
    """openapi-python-client and datamodel-code-generator, as consumers run them: classes named by component key."""
    import subprocess
    import sys

    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for path, content in sorted(kpu.items()):
        target = tmp_path / "in" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    packages = []
    for document in sorted((tmp_path / "in" / "openapi").glob("*.json")):
        package = document.name.split(".")[0] + "_client"
        run = subprocess.run(
            [str(bin_dir / "openapi-python-client"), "generate", "--path", str(document),
             "--output-path", str(tmp_path / package), "--meta", "none"],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        assert run.returncode == 0 and "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
        packages.append(package)
    models = tmp_path / "models"
    run = subprocess.run(
        [str(bin_dir / "datamodel-codegen"), "--input", str(tmp_path / "in" / "schemas"),
         "--input-file-type", "jsonschema", "--output", str(models),
         "--output-model-type", "pydantic_v2.BaseModel", "--formatters", "ruff-format"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    probe = (
        "import importlib, json, sys\n"
        "client = importlib.import_module('sirekap_web_client.models')\n"
        "schemas = importlib.import_module('models.tps_schema')\n"
        "record = schemas.Tps.model_validate(json.loads(sys.argv[1]))\n"
        "print(sorted(n for n in dir(client) if n[0].isupper()), record.kode)\n"
    )
    example = kpu["schemas/examples/tps.json"]
    shown = subprocess.run(
        [sys.executable, "-c", probe, example], capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env
    )
    assert shown.returncode == 0, shown.stderr
    assert "'CHasil', 'DHasilKabKota', 'DHasilKecamatan', 'DHasilProvinsi', 'Error'" in shown.stdout
    assert json.loads(example)["kode"] in shown.stdout
    assert len(packages) == len(documents(kpu, "openapi/"))
