"""``arsitek export docx``: the architecture document opens, reads in order, is stable, and LibreOffice takes it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from arsitek.generators.document import WORDS, to_docx
from arsitek.generators.site.extensions import site_parts
from arsitek.generators.site.gather import gather
from arsitek.load import load_model
from arsitek.paths import DataFolders
from arsitek.spreadsheet.mapping import read_mapping
from arsitek.validate import ShapesGraph, validate_model
from arsitek.view import build_view

NS = "https://kota.example.go.id/arsitektur/"


def arsitek(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "arsitek", *args], capture_output=True, text=True)


def init_model(path: Path) -> Path:
    from arsitek.starter import render

    path.mkdir()
    for name, content in render("Pemerintah Kota Contoh", "pemda", "kota", NS).items():
        (path / name).write_text(content, encoding="utf-8")
    return path


def document_bytes(folders: DataFolders, shapes: ShapesGraph, model: Path, lang: str) -> bytes:
    loaded = load_model([model], [folders.ontology], exclude=folders.not_vocabulary)
    view = build_view(loaded)
    result = validate_model(loaded, shapes)
    site = gather(view, result, folders.ontology, site_parts(view.profiles))
    return to_docx(view, site, result, lang, read_mapping())


def headings(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name.startswith("Heading 1")]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dokumen") / "out"
    done = arsitek("export", "docx", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out / "unduh"


def test_the_kpu_document_has_a_cover_a_section_per_domain_coverage_and_findings(exported: Path) -> None:
    assert sorted(p.name for p in exported.iterdir()) == ["dokumen-arsitektur-en.docx", "dokumen-arsitektur-id.docx"]
    english = docx.Document(str(exported / "dokumen-arsitektur-en.docx"))
    cover = [p.text for p in english.paragraphs[:12] if p.text]
    assert cover[0] == "KPU election-data integration architecture" and cover[1] == WORDS["en"]["document"]
    assert cover[2].startswith("Model version: ")
    assert headings(exported / "dokumen-arsitektur-en.docx") == [
        "1. Business processes",
        "2. Services",
        "3. Data and information",
        "4. Applications",
        "5. Infrastructure",
        "6. Security",
        "7. Organisation and governance",
        "8. Coverage of the national reference architecture",
        "9. Open findings",
    ]
    assert headings(exported / "dokumen-arsitektur-id.docx")[0] == "1. Proses Bisnis"
    texts = {cell.text for table in english.tables for row in table.rows for cell in row.cells}
    assert "SIDALIH (Voter Data Information System)" in texts
    assert len(english.inline_shapes) >= 5  # the domains' diagrams
    coverage = english.tables[-2]
    schemes = {row.cells[0].text: int(row.cells[1].text) for row in coverage.rows[1:]}
    assert {"RAA", "RAB", "RAD", "RAL"} <= set(schemes) and schemes["RAA"] >= 2


def test_two_exports_are_byte_identical_and_an_init_model_exports_too(
    folders: DataFolders, shapes: ShapesGraph, tmp_path: Path
) -> None:
    model = init_model(tmp_path / "kota")
    first, second = (document_bytes(folders, shapes, model, "id") for _ in range(2))
    assert first == second
    path = tmp_path / "kota.docx"
    path.write_bytes(first)
    assert headings(path)[0] == "1. Proses Bisnis"
    assert "Arsitektur SPBE Pemerintah Kota Contoh" in [p.text for p in docx.Document(str(path)).paragraphs[:12]]


def test_libreoffice_opens_the_document_and_the_workbooks_without_repair(
    exported: Path, tmp_path: Path, folders: DataFolders
) -> None:
    """Headless LibreOffice converts the DOCX and the XLSX to PDF: a file it would have to repair it refuses."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by `make test` (libreoffice-writer-nogui, libreoffice-calc-nogui)"
    tables = tmp_path / "tabel"
    assert arsitek("export", "xlsx", "-o", str(tables)).returncode == 0
    inputs = [exported / "dokumen-arsitektur-id.docx", tables / "unduh" / "tabel-sia-spbe-en.xlsx"]
    out = tmp_path / "pdf"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",  # its own profile: runs side by side
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, inputs),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for name in ("dokumen-arsitektur-id.pdf", "tabel-sia-spbe-en.pdf"):
        pdf = (out / name).read_bytes()
        assert pdf.startswith(b"%PDF"), name
        assert pdf.count(b"/Type/Page") + pdf.count(b"/Type /Page") > 3, name  # pages, not an error sheet


def test_a_hostile_label_is_text_in_the_document(folders: DataFolders, shapes: ShapesGraph, tmp_path: Path) -> None:
    model = init_model(tmp_path / "kota")
    apps = model / "aplikasi.ttl"
    text = apps.read_text(encoding="utf-8")
    start = text.index('rdfs:label "') + len('rdfs:label "')
    apps.write_text(text[:start] + "<script>x</script> \\u0007 =1+1 " + text[start:], encoding="utf-8")
    path = tmp_path / "jahat.docx"
    path.write_bytes(document_bytes(folders, shapes, model, "id"))
    cells = {c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells}
    assert any(c.startswith("<script>x</script> \\x07 =1+1 ") for c in cells)
