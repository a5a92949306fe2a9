"""Publishing to, and validating at, real SPARQL 1.1 servers: Oxigraph and Virtuoso, started on loopback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from arsitek.endpoint import Credentials, EndpointError, publish
from arsitek.load import load_model
from arsitek.paths import DataFolders
from arsitek.validate import ShapesGraph, ValidationResult, validate_endpoint, validate_model
from tests.conftest import FIXTURES, SparqlServer
from tests.test_model import INTENDED_WARNINGS, SIA_OPEN

pytestmark = pytest.mark.xdist_group("sparql-servers")

SERVERS = ["oxigraph_server", "virtuoso_server"]

KPU_WARNINGS = len(INTENDED_WARNINGS) + sum(SIA_OPEN.values())


@pytest.fixture(params=SERVERS, ids=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest) -> SparqlServer:
    found: SparqlServer = request.getfixturevalue(request.param)
    return found


def credentials(server: SparqlServer) -> Credentials | None:
    return Credentials(server.user, server.password) if server.user and server.password else None


def _files_named(message: str) -> str:
    """A message naming files (ARS-REF-005) with each file's name only, sorted: lines and folders stay local."""
    named = re.sub(r"(?:[\w.-]*/)*([\w.-]+\.ttl)(?::\d+)?", r"\1", message)
    head, colon, files = named.partition(": ")
    return head + colon + ", ".join(sorted(files.split(", "))) if files.endswith(".ttl") else named


def described(result: ValidationResult) -> list[tuple[object, ...]]:
    """Everything but the line: a published graph keeps its file's name, not its lines."""
    return sorted(
        (
            f.identity,
            tuple(sorted((lang, _files_named(text)) for lang, text in f.message.items())),
            tuple(sorted(f.label.items())),
            # An element defined in two files (ARS-REF-005) has two homes; which one a report places it at
            # depends on how the files are named there, and the message names both.
            Path(f.location.file).name if f.location and f.rule_id != "ARS-REF-005" else None,
        )
        for f in result.findings
    )


def publish_and_validate(
    server: SparqlServer, folders: DataFolders, shapes: ShapesGraph, model_paths: list[Path], base: str
) -> tuple[ValidationResult, ValidationResult]:
    model = load_model(model_paths, [folders.ontology], exclude=folders.not_vocabulary)
    local = validate_model(model, shapes)
    done = publish(model, server.store_url, [*model_paths, folders.ontology], base, credentials(server))
    assert len(done.graphs) == len(model.files)
    remote = validate_endpoint(server.query_url, shapes, base, credentials(server))
    return local, remote


def test_the_kpu_model_validates_there_as_here(server: SparqlServer, folders: DataFolders, shapes: ShapesGraph) -> None:
    local, remote = publish_and_validate(server, folders, shapes, [folders.model], f"urn:test:{server.name}:kpu:")
    assert described(remote) == described(local)
    assert len(remote.findings) == KPU_WARNINGS  # the intended warnings, and the SIA-SPBE metadata left open
    assert remote.triples == len(load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary))


def test_a_broken_model_gives_the_same_violations_there(
    server: SparqlServer, folders: DataFolders, shapes: ShapesGraph, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.ttl"
    fixtures = sorted((FIXTURES / "rules").glob("ARS-*/fail-*.ttl"))
    broken.write_text("\n".join(p.read_text(encoding="utf-8") for p in fixtures), encoding="utf-8")
    base_model = FIXTURES / "rules" / "_base" / "base.ttl"
    local, remote = publish_and_validate(
        server, folders, shapes, [base_model, broken], f"urn:test:{server.name}:broken:"
    )
    assert described(remote) == described(local)
    assert len({f.rule_id for f in remote.findings}) >= 15


def test_publishing_again_removes_the_graphs_of_deleted_files(
    server: SparqlServer, folders: DataFolders, shapes: ShapesGraph, tmp_path: Path
) -> None:
    model_dir = tmp_path / "model"
    shutil.copytree(folders.model, model_dir)
    base = f"urn:test:{server.name}:republish:"
    first = publish(
        load_model([model_dir], [folders.ontology], exclude=folders.not_vocabulary),
        server.store_url,
        [model_dir, folders.ontology],
        base,
        credentials(server),
    )
    assert f"{base}model/keamanan.ttl" in first.graphs
    (model_dir / "keamanan.ttl").unlink()
    second = publish(
        load_model([model_dir], [folders.ontology], exclude=folders.not_vocabulary),
        server.store_url,
        [model_dir, folders.ontology],
        base,
        credentials(server),
    )
    assert second.removed == [f"{base}model/keamanan.ttl"]
    remote = validate_endpoint(server.query_url, shapes, base, credentials(server))
    assert "model/keamanan.ttl" not in remote.files
    local = validate_model(load_model([model_dir], [folders.ontology], exclude=folders.not_vocabulary), shapes)
    assert described(remote) == described(local)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arsitek", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=300,
    )


def test_the_command_line_publishes_and_validates(server: SparqlServer) -> None:
    login = ["--user", server.user] if server.user else []
    env = {"ARSITEK_ENDPOINT_PASSWORD": server.password or ""}
    base = ["--graph-base", f"urn:test:{server.name}:cli:"]
    published = run_cli("publish", "--endpoint", server.store_url, *base, *login, env=env)
    assert published.returncode == 0, published.stderr
    loaded = re.search(r"· (\d+) berkas ·", published.stderr)  # every file validate loaded, vocabulary included
    assert loaded and f"published {loaded.group(1)} files" in published.stderr, published.stderr
    checked = run_cli(
        "validate", "--endpoint", server.query_url, *base, *login, "--lang", "en", "--format", "json", env=env
    )
    assert checked.returncode == 0, checked.stderr
    assert '"ARS-INT-002"' in checked.stdout


def test_wrong_password_is_a_clear_error(virtuoso_server: SparqlServer, folders: DataFolders) -> None:
    model = load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary)
    with pytest.raises(EndpointError, match="refused the credentials"):
        publish(model, virtuoso_server.store_url, [folders.model], "urn:test:wrong:", Credentials("dba", "wrong"))
    result = run_cli(
        "publish", "--endpoint", virtuoso_server.store_url, "--user", "dba", env={"ARSITEK_ENDPOINT_PASSWORD": "wrong"}
    )
    assert result.returncode == 2
    assert "refused the credentials (HTTP 401)" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_or_empty_endpoint_is_a_clear_error(oxigraph_server: SparqlServer) -> None:
    unreachable = run_cli("publish", "--endpoint", "http://127.0.0.1:9/store")
    assert unreachable.returncode == 2
    assert "cannot reach http://127.0.0.1:9/store" in unreachable.stderr
    empty = run_cli("validate", "--endpoint", oxigraph_server.query_url, "--graph-base", "urn:test:nothing:")
    assert empty.returncode == 2
    assert "holds no model published under <urn:test:nothing:>" in empty.stderr
    assert "Traceback" not in unreachable.stderr + empty.stderr
