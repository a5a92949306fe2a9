"""The contract stub server: schema-valid answers, contract-checked requests, and schemathesis finds nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from arsitek.generators.contracts.openapi import openapi_documents
from arsitek.load import load_model
from arsitek.paths import DataFolders
from arsitek.stub import serve
from arsitek.view import build_view
from tests.conftest import ROOT

SIREKAP = "https://w3id.org/arsitek/kpu/SirekapWeb"


@pytest.fixture(scope="module")
def base_url(folders: DataFolders) -> Iterator[str]:
    view = build_view(load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary))
    server = serve(openapi_documents(view)[SIREKAP], port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def call(url: str, method: str = "GET", body: Any = None, key: str | None = "stub") -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("X-API-Key", key)
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_answers_with_schema_valid_examples(base_url: str) -> None:
    status, _, body = call(f"{base_url}/d-hasil-kecamatan?limit=5")
    assert status == 200 and body["items"][0]["perolehan_suara"] == 1
    status, _, body = call(f"{base_url}/c-hasil/3101011001001")
    assert status == 200 and set(body) >= {"kode_tps", "jenis_pemilihan", "perolehan_suara"}


def test_checks_requests_against_the_contract(base_url: str) -> None:
    assert call(f"{base_url}/d-hasil-kecamatan", key=None)[0] == 401
    assert call(f"{base_url}/d-hasil-kecamatan", key="wrong")[0] == 401
    assert call(f"{base_url}/d-hasil-kecamatan?limit=0")[0] == 400
    assert call(f"{base_url}/d-hasil-kecamatan?limit=abc")[0] == 400
    status, _, body = call(f"{base_url}/c-hasil", "POST", {"kode_tps": "3101011001001"})
    assert status == 422 and "perolehan_suara" in body["message"]
    good = {"kode_tps": "3101011001001", "jenis_pemilihan": "PPWP", "perolehan_suara": 10, "suara_tidak_sah": 1}
    assert call(f"{base_url}/c-hasil", "POST", good) == (201, call(f"{base_url}/c-hasil", "POST", good)[1], good)
    status, headers, _ = call(f"{base_url}/c-hasil", "PUT", good)
    assert status == 405 and headers["Allow"] == "GET, POST"
    assert call(f"{base_url}/nothing-here")[0] == 404
    assert call(f"{base_url}/openapi.json")[2]["openapi"] == "3.1.0"


def test_schemathesis_finds_no_failure(base_url: str, tmp_path: Any) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{base_url}/openapi.json",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "15",
            "--seed",
            "1",
            "--no-color",
            "-H",
            "X-API-Key: stub",
            "-H",
            "Authorization: Bearer stub",
            "--generation-database",
            "none",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout


def test_cli_refuses_an_unknown_application() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "arsitek", "stub", "serve", "Nope"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 2 and "no application called 'Nope'" in run.stderr
    run = subprocess.run(
        [sys.executable, "-m", "arsitek", "stub", "serve", "Siakba"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 2 and "provides no Web API" in run.stderr
