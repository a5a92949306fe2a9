"""The SIA-SPBE domain tables workbook: the sheets and columns the mapping names, readable and stable."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from arsitek.generators.workbook import read_mapping, to_xlsx
from arsitek.load import load_model
from arsitek.paths import DataFolders
from arsitek.view import ArchitectureView, build_view
from tests.conftest import FIXTURES

BASE = FIXTURES / "rules" / "_base" / "base.ttl"


def view_of(folders: DataFolders, *paths: Path) -> ArchitectureView:
    return build_view(load_model(list(paths), [folders.ontology], exclude=folders.not_vocabulary))


@pytest.fixture(scope="module")
def kpu(folders: DataFolders) -> ArchitectureView:
    return view_of(folders, folders.model)


def sheets(data: bytes) -> dict[str, list[tuple[str | None, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_mapping_is_data_in_the_templates_order() -> None:
    mapping = read_mapping()
    assert [s.key for s in mapping][:4] == ["ProsesBisnis", "Layanan", "DataInformasi", "Aplikasi"]
    apps = next(s for s in mapping if s.key == "Aplikasi")
    assert [c.header["id"] for c in apps.columns][:3] == ["ID", "Nama Aplikasi", "Uraian"]
    assert all(len(s.title["id"]) <= 31 and len(s.title["en"]) <= 31 for s in mapping)  # Excel's sheet-name limit


def test_kpu_tables_hold_every_element_once_with_codes_and_names(kpu: ArchitectureView) -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(kpu, "en")))
    titles = [ws.title for ws in book.worksheets]
    assert titles[:4] == ["Business processes", "Services", "Data and information", "Applications"]
    apps = book["Applications"]
    assert apps.freeze_panes == "A2" and apps.auto_filter.ref.startswith("A1:")
    rows = list(apps.iter_rows(values_only=True))
    header = rows[0]
    sidalih = next(r for r in rows if r[header.index("Application")].startswith("SIDALIH"))
    assert sidalih[header.index("RAA reference")] == "RAA.02.01 Special Applications for a Specific Mission"
    assert sidalih[header.index("Status")] == "operasional Operational"
    assert "Final voter list (DPT)" in sidalih[header.index("Data held")].split("; ")
    # the profile's election stages are business processes, so they are in the table too
    process = "https://w3id.org/arsitek/spbe#ProsesBisnis"
    kinds = {process} | kpu.facts.subclasses[process]
    expected = {kpu.label(iri, "en") for iri, types in kpu.facts.types.items() if types & kinds}
    names = {row[1] for row in list(book["Business processes"].iter_rows(values_only=True))[1:]}
    assert names == expected
    assert "Programme and budget planning and drafting regulations" in names
    data = list(book["Data and information"].iter_rows(values_only=True))
    c_hasil = next(r for r in data if r[1] and r[1].startswith("Form Model C.Hasil"))
    assert c_hasil[data[0].index("Digital copy")] == "SIREKAP Mobile"


def test_two_exports_are_byte_identical(kpu: ArchitectureView) -> None:
    assert to_xlsx(kpu, "id") == to_xlsx(kpu, "id")
    assert next(iter(sheets(to_xlsx(kpu, "id")))) == "Proses Bisnis"


def test_a_label_that_looks_like_a_formula_stays_text(folders: DataFolders, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(
        BASE.read_text(encoding="utf-8").replace(
            'rdfs:label "ex:Portal"@id , "ex:Portal"@en', 'rdfs:label "=HYPERLINK(\\"http://x\\")"@id , "=1+1"@en'
        ),
        encoding="utf-8",
    )
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(view_of(folders, hostile), "en")))
    cells = [c for row in book["Applications"].iter_rows() for c in row if c.value and "1+1" in str(c.value)]
    assert cells and all(c.data_type == "s" and not str(c.value).startswith("=") for c in cells)


def test_an_init_model_exports_its_tables(tmp_path: Path, folders: DataFolders) -> None:
    from arsitek.starter import render

    model = tmp_path / "kota"
    model.mkdir()
    for name, content in render("Pemerintah Kota Contoh", "pemda", "kota", "https://example.go.id/arsitektur/").items():
        (model / name).write_text(content, encoding="utf-8")
    tables = sheets(to_xlsx(view_of(folders, model), "id"))
    assert len(tables["Aplikasi"]) >= 2 and len(tables["Proses Bisnis"]) >= 2
    assert not any("Pemilu" in str(cell) for rows in tables.values() for row in rows for cell in row)


def test_export_xlsx_writes_both_languages_into_a_folder_it_owns(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "tabel"
    done = subprocess.run(
        [sys.executable, "-m", "arsitek", "export", "xlsx", "-o", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (out / "unduh").iterdir()) == ["tabel-sia-spbe-en.xlsx", "tabel-sia-spbe-id.xlsx"]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("an architect's file", encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "arsitek", "export", "xlsx", "-o", str(mine)], capture_output=True, text=True
    )
    assert refused.returncode == 2 and (mine / "notes.txt").read_text(encoding="utf-8") == "an architect's file"


def test_an_agencys_own_mapping_changes_the_columns_without_code(tmp_path: Path) -> None:
    import subprocess
    import sys

    from arsitek.generators.workbook import MAPPING

    own = tmp_path / "template.ttl"
    own.write_text(
        MAPPING.read_text(encoding="utf-8").replace('"Nama Aplikasi"@id', '"Nama Sistem"@id'), encoding="utf-8"
    )
    out = tmp_path / "tabel"
    done = subprocess.run(
        [sys.executable, "-m", "arsitek", "export", "xlsx", "--mapping", str(own), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out / "unduh" / "tabel-sia-spbe-id.xlsx")
    assert book["Aplikasi"]["B1"].value == "Nama Sistem"
