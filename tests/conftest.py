"""Shared fixtures: the data folders, the shapes (loaded once), and a validation helper."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from arsitek.build import rule_files
from arsitek.load import load_model
from arsitek.paths import DataFolders, data_folders
from arsitek.validate import ShapesGraph, ValidationResult, load_shapes, validate_model

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"

Validator = Callable[[Sequence[Path]], ValidationResult]


@pytest.fixture(scope="session")
def folders() -> DataFolders:
    found = data_folders()
    assert found.root == ROOT, "tests must run against this checkout's ontology/ and model/"
    return found


@pytest.fixture(scope="session")
def shapes(folders: DataFolders) -> ShapesGraph:
    """Every rule arsitek ships: the core's and those of every installed profile."""
    return load_shapes(rule_files(folders))


@pytest.fixture(scope="session")
def validate(folders: DataFolders) -> Validator:
    """Validate model files together with the vocabulary, as ``arsitek validate`` does.

    Like the command, by the core rules and those of the profiles the files declare.
    """
    by_profiles: dict[tuple[str, ...], ShapesGraph] = {}

    def run(paths: Sequence[Path]) -> ValidationResult:
        model = load_model(list(paths), [folders.ontology], exclude=folders.not_vocabulary)
        key = tuple(p.iri for p in model.profiles)
        if key not in by_profiles:
            by_profiles[key] = load_shapes(rule_files(folders, model))
        return validate_model(model, by_profiles[key])

    return run


@pytest.fixture(scope="session")
def kpu_result(validate: Validator, folders: DataFolders) -> ValidationResult:
    return validate([folders.model])


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A real PostgreSQL server on loopback, in a throwaway data folder; yields a connection string.

    ``make test`` installs Debian's postgresql when it is missing. initdb refuses
    to run as root, so the server runs as the ``postgres`` system user.
    """
    import glob
    import os
    import shutil
    import socket
    import subprocess
    import tempfile

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert found, "PostgreSQL is not installed: run the README's test command (make test) which installs it"
    bin_dir = Path(found[-1]).parent
    data = Path(tempfile.mkdtemp(prefix="arsitek-pg-"))
    data.chmod(0o755)
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(
        [
            *as_postgres,
            str(bin_dir / "initdb"),
            "-D",
            str(data / "db"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_postgres,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data / "db"),
            "-l",
            str(data / "log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -k {data}",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    finally:
        subprocess.run(
            [*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


@contextlib.contextmanager
def postgres_schema(postgres: str, schema: str, scripts: Iterable[str]) -> Iterator[Any]:
    """A connection whose search path is a fresh ``schema`` in which ``scripts`` (generated SQL) have run."""
    import psycopg

    with psycopg.connect(postgres, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.execute(f"CREATE SCHEMA {schema}")
        connection.execute(f"SET search_path TO {schema}")
        for script in scripts:
            connection.execute(script)
        yield connection


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 90) -> None:
    import time

    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not answer {url} within {seconds} s:\n{log.read_text(errors='replace')}")


@dataclass(frozen=True)
class SparqlServer:
    """A real SPARQL server on loopback: where to query, where to put graphs, and how to log in."""

    name: str
    query_url: str
    store_url: str
    user: str | None = None
    password: str | None = None


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """The Oxigraph server (PyPI ``oxigraph``, installed with the test extras), in memory."""
    binary = Path(sys.executable).parent / "oxigraph"
    assert binary.is_file(), "the oxigraph server is missing: run the README's test command (make test)"
    port = _free_port()
    log = tmp_path_factory.mktemp("oxigraph") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(binary), "serve", "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=out)
    try:
        _wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process, log)
        yield SparqlServer("oxigraph", f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/store")
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """Debian's virtuoso-opensource with its own database in a scratch folder (a fresh database is dba/dba)."""
    import re

    template = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
    assert template.is_file(), "Virtuoso is not installed: run the README's test command (make test)"
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = _free_port(), _free_port()
    ini = template.read_text(encoding="utf-8").replace("/var/lib/virtuoso-opensource-7/db/", f"{folder}/")
    ini = re.sub(r"(\[Parameters\][^\[]*?\nServerPort\s*=\s*)\S+", rf"\g<1>127.0.0.1:{sql_port}", ini)
    ini = re.sub(r"(\[HTTPServer\][^\[]*?\nServerPort\s*=\s*)\S+", rf"\g<1>127.0.0.1:{http_port}", ini)
    (folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")],
            cwd=folder,
            stdout=out,
            stderr=out,
        )
    try:
        _wait_for(f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D", process, log)
        yield SparqlServer(
            "virtuoso",
            f"http://127.0.0.1:{http_port}/sparql",
            f"http://127.0.0.1:{http_port}/sparql-graph-crud-auth",
            user="dba",
            password="dba",
        )
    finally:
        process.terminate()
        process.wait(timeout=60)
