"""Shared fixtures: the data folders, the shapes (loaded once), and a validation helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

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
    return load_shapes([folders.shapes])


@pytest.fixture(scope="session")
def validate(folders: DataFolders, shapes: ShapesGraph) -> Validator:
    """Validate model files together with the vocabulary, as ``arsitek validate`` does."""

    def run(paths: Sequence[Path]) -> ValidationResult:
        model = load_model(list(paths), [folders.ontology], exclude=[folders.shapes])
        return validate_model(model, shapes)

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
