"""Incremental validation: after every kind of edit, the same findings as a fresh full run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from arsitek.errors import SyntaxErrorInFile
from arsitek.load import load_model
from arsitek.paths import DataFolders
from arsitek.validate import ShapesGraph, ValidationResult, validate_model
from arsitek.validate.incremental import IncrementalValidator, reads_of

Edit = Callable[[Path], None]


def replace_in(name: str, old: str, new: str, count: int = 1) -> Edit:
    def edit(model: Path) -> None:
        path = model / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return edit


def append_to(name: str, text: str) -> Edit:
    def edit(model: Path) -> None:
        path = model / name
        declared = [
            line
            for line in (model / "aplikasi.ttl").read_text(encoding="utf-8").splitlines()
            if line.startswith("@prefix")
        ]
        old = path.read_text(encoding="utf-8") if path.exists() else "\n".join(declared) + "\n"
        path.write_text(old + "\n" + text + "\n", encoding="utf-8")

    return edit


def delete(name: str) -> Edit:
    return lambda model: (model / name).unlink()


EDITS: list[tuple[str, Edit]] = [
    ("owner misspelled", replace_in("aplikasi.ttl", "spbe:pemilik kpu:KPU ;", "spbe:pemlik kpu:KPU ;")),
    ("owner fixed", replace_in("aplikasi.ttl", "spbe:pemlik kpu:KPU ;", "spbe:pemilik kpu:KPU ;")),
    ("label changed", replace_in("aplikasi.ttl", '"@en', ' (edited)"@en')),
    (
        "element added in a new file",
        append_to("tambahan.ttl", 'kpu:AplikasiBaru a spbe:AplikasiKhusus ; rdfs:label "Aplikasi baru"@id .'),
    ),
    ("type changed", replace_in("tambahan.ttl", "a spbe:AplikasiKhusus", "a spbe:Layanan")),
    ("new file deleted", delete("tambahan.ttl")),
    ("data steward dropped", replace_in("data.ttl", "spbe:waliData", "rdfs:seeAlso")),
    (
        "subclass declared in the model",
        append_to(
            "kpu.ttl",
            "<https://w3id.org/arsitek/kpu/AplikasiSaku> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
            "<https://w3id.org/arsitek/spbe#AplikasiKhusus> ; a <http://www.w3.org/2002/07/owl#Class> .",
        ),
    ),
    ("untouched files", lambda model: None),
]


def full_run(folders: DataFolders, shapes: ShapesGraph, model: Path, ontology: Path) -> ValidationResult:
    loaded = load_model([model], [ontology], exclude=folders.not_vocabulary)
    return validate_model(loaded, shapes)


def described(result: ValidationResult) -> list[tuple[object, ...]]:
    return sorted(
        (f.identity, tuple(sorted(f.message.items())), tuple(sorted(f.label.items())), f.location)
        for f in result.findings
    )


def test_every_edit_gives_the_findings_of_a_full_run(folders: DataFolders, shapes: ShapesGraph, tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(folders.model, model)
    validator = IncrementalValidator([model], [folders.ontology], shapes, exclude=folders.not_vocabulary)
    first = validator.full()
    assert described(first.result) == described(full_run(folders, shapes, model, folders.ontology))
    seen_partial = False
    for name, edit in EDITS:
        edit(model)
        update = validator.update()
        assert described(update.result) == described(full_run(folders, shapes, model, folders.ontology)), name
        seen_partial |= not update.full and 0 < update.checks_run < update.checks_total
        if name == "untouched files":
            assert update.changed_files == () and update.checks_run == 0
        if name == "subclass declared in the model":
            assert update.full, "a class hierarchy change recompiles every check"
    assert seen_partial


def test_a_label_edit_reruns_only_the_checks_that_read_labels_or_everything(
    folders: DataFolders, shapes: ShapesGraph, tmp_path: Path
) -> None:
    model = tmp_path / "model"
    shutil.copytree(folders.model, model)
    validator = IncrementalValidator([model], [folders.ontology], shapes, exclude=folders.not_vocabulary)
    validator.full()
    replace_in("aplikasi.ttl", '"@en', ' (edited)"@en')(model)
    update = validator.update()
    rerun = {validator.checks[i].rule_id for i, r in enumerate(validator.reads) if r.everything}
    assert update.checks_run <= len(rerun) + 3
    assert {"ARS-REF-001", "ARS-REF-002"} <= rerun


def test_a_syntax_error_keeps_the_last_good_state(folders: DataFolders, shapes: ShapesGraph, tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(folders.model, model)
    validator = IncrementalValidator([model], [folders.ontology], shapes, exclude=folders.not_vocabulary)
    before = described(validator.full().result)
    good = (model / "data.ttl").read_text(encoding="utf-8")
    (model / "data.ttl").write_text(good + "\nkpu:Rusak a .\n", encoding="utf-8")
    with pytest.raises(SyntaxErrorInFile, match=r"data\.ttl:\d+:\d+"):
        validator.update()
    (model / "data.ttl").write_text(good, encoding="utf-8")
    assert described(validator.update().result) == before


def test_a_vocabulary_edit_reruns_everything(folders: DataFolders, shapes: ShapesGraph, tmp_path: Path) -> None:
    ontology = tmp_path / "ontology"
    shutil.copytree(folders.ontology, ontology, ignore=shutil.ignore_patterns("shapes"))
    model = tmp_path / "model"
    shutil.copytree(folders.model, model)
    validator = IncrementalValidator([model], [ontology], shapes, exclude=folders.not_vocabulary)
    validator.full()
    spbe = ontology / "spbe.ttl"
    spbe.write_text(spbe.read_text(encoding="utf-8").replace("spbe:pemilik a", "spbe:pemilikLama a", 1), "utf-8")
    update = validator.update()
    assert update.full
    assert described(update.result) == described(full_run(folders, shapes, model, ontology))
    assert any(f.rule_id == "ARS-REF-002" for f in update.result.findings)


def test_reads_of_a_query() -> None:
    everything = reads_of("SELECT ?s WHERE { ?s ?p ?o }")
    assert everything.everything
    typed = reads_of(
        "SELECT ?s WHERE { ?s a ?t VALUES ?t { <http://x/A> <http://x/B> } "
        "FILTER NOT EXISTS { ?s <http://x/p>/<http://x/q> ?o } }"
    )
    assert not typed.everything
    assert typed.types == {"http://x/A", "http://x/B"}
    assert typed.predicates == {"http://x/p", "http://x/q"}
    assert reads_of("SELECT ?s WHERE { ?s a ?t }").types is None


def test_watch_reports_again_after_a_save(folders: DataFolders, tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(folders.model, model)
    # PYTHONFAULTHANDLER: if the process does not end after Ctrl+C, SIGABRT makes it print where it is stuck
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONFAULTHANDLER": "1"}
    command = [sys.executable, "-m", "arsitek", "validate", "--watch", "--lang", "en", str(model)]

    # Started with SIGINT ignored and blocked, as some parents leave it: Ctrl+C must still stop it.
    def inherited() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, preexec_fn=inherited
    )
    assert process.stdout is not None
    lines: list[str] = []

    def read_until(marker: str) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()  # type: ignore[union-attr]
            lines.append(line)
            if marker in line:
                return
        raise AssertionError(f"{marker!r} never printed:\n{''.join(lines)}")

    try:
        read_until("Watching")
        replace_in("aplikasi.ttl", "spbe:pemilik kpu:KPU ;", "spbe:pemlik kpu:KPU ;")(model)
        read_until("checks re-run")
        read_until("FAIL")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack, then it ends
            rest = process.communicate(timeout=60)[0]
            raise AssertionError(f"--watch did not end after Ctrl+C; where it was:\n{rest[-6000:]}") from None
    output = "".join(lines)
    assert "changed: " in output and "aplikasi.ttl" in output
    assert "ARS-REF-002" in output
    assert "Traceback" not in output
    assert code == 1


def test_watch_refuses_an_endpoint() -> None:
    """--watch follows local files; with --endpoint it would silently ignore the server."""
    from tests.test_cli import arsitek

    result = arsitek("validate", "--watch", "--endpoint", "http://127.0.0.1:9/query")
    assert result.returncode == 2
    assert "--watch prints the text report of local files" in result.stderr


INTERRUPTED_WHILE_WAITING = """
import signal, time
from arsitek import parallel

def big():
    time.sleep(1.0)
    return b"x" * (8 << 20)  # far more than a pipe holds: the child blocks until someone reads

def interrupt(signum, frame):
    raise KeyboardInterrupt

signal.signal(signal.SIGALRM, interrupt)
signal.setitimer(signal.ITIMER_REAL, 0.3)
running = parallel.start(big)
try:
    running.result()
except KeyboardInterrupt:
    print("interrupted and ended")
"""


def test_an_interrupt_while_waiting_for_a_child_does_not_hang(tmp_path: Path) -> None:
    """Ctrl+C while the parent waits for a forked child's result: the child is stopped, not waited for.

    It hung `validate --watch` on a loaded machine: the child blocked writing a result nobody read,
    and the parent waited for it to end.
    """
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_WHILE_WAITING], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "interrupted and ended" in done.stdout
