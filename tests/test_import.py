"""``arsitek import xlsx``: untidy workbooks in, Turtle in house style out, the round trip, and merging by identity."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest

from arsitek.generators.workbook import rows_of, to_xlsx
from arsitek.load import load_model
from arsitek.paths import DataFolders
from arsitek.spreadsheet.mapping import read_mapping
from arsitek.spreadsheet.turtle import statement_spans
from arsitek.view import ArchitectureView, build_view
from arsitek.vocab import DCTERMS, KODE, REF, SPBE, XSD

NS = "https://kota.example.go.id/arsitektur/"


def arsitek(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "arsitek", *args], capture_output=True, text=True)


def view_of(folders: DataFolders, *paths: Path) -> ArchitectureView:
    return build_view(load_model(list(paths), [folders.ontology], exclude=folders.not_vocabulary))


def statements(folder: Path) -> set[tuple[str, str, str]]:
    store = ox.Store()
    for path in sorted(folder.glob("*.ttl")):
        store.load(path.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store}


def untidy_workbook(path: Path) -> None:
    """What agencies hand in: a title, a two-row merged header, blank rows and columns, numbering, mixed forms."""
    book = openpyxl.Workbook()
    apps = book.active
    apps.title = "Daftar Aplikasi"
    apps["A1"] = "DAFTAR APLIKASI PEMERINTAH KOTA CONTOH TAHUN 2025"
    apps.merge_cells("A1:F1")
    for column, header in zip("ABCF", ["ID", "NAMA APLIKASI ", "Keterangan", "Referensi RAA"], strict=True):
        apps[f"{column}3"] = header
        apps.merge_cells(f"{column}3:{column}4")  # a header cell over two rows
    apps["D3"] = "Pengelolaan"
    apps.merge_cells("D3:E3")  # a group header over two columns
    apps["D4"], apps["E4"] = "unit operasional", "Status"
    apps["G3"] = "Pemilik"
    apps.merge_cells("G3:G4")
    apps["H3"] = "Alamat"
    apps.merge_cells("H3:H4")
    apps["J3"] = "Tanggal Rilis"  # a column the mapping does not know, after a blank column I
    for index, column in enumerate("ABCDEFG", start=1):
        apps[f"{column}5"] = f"({index})"  # the column numbers templates print under the header
    owner = "Pemerintah Kota Contoh"
    rows = [
        (6, [1001, "Sistem Perizinan Online", "Layanan izin usaha", "Diskominfo", "operasional", "RAA.01.01", owner]),
        (
            8,
            [
                "1002",
                "e-Office  ",
                "Naskah dinas",
                "Bagian Umum ",
                "Operasional",
                "aplikasi umum layanan publik",
                owner,
            ],
        ),
        (
            9,
            [
                1003,
                "Dashboard Kota",
                "Dasbor",
                "Diskominfo",
                "operasional",
                "RAA.01.01 Aplikasi Umum Layanan Publik",
                owner,
            ],
        ),
        (10, [1004, "Aplikasi Rusak", "Alamat salah", "Diskominfo", "operasional", "RAA.01.01", owner]),
    ]
    for number, values in rows:
        for column, value in zip("ABCDEFG", values, strict=True):
            apps[f"{column}{number}"] = value
    apps["J6"] = "2024-01-01"
    apps["H6"] = "https://izin.kota.example.go.id/"
    apps["H10"] = "situs kota"  # the one bad cell: not a web address
    units = book.create_sheet("Organisasi")
    units.append(["Nama Unit", "Bagian dari", "Jenis"])
    units.append([owner, None, "Instansi"])
    units.append(["Diskominfo", owner, None])
    units.append(["BAGIAN UMUM", owner, None])  # the same unit the applications name, in capitals
    processes = book.create_sheet("Business processes")  # English title and headers
    processes.append(["ID", "Business process", "Description", "RAB reference", "Performing unit", "Legal basis"])
    processes.append(["P-01", "Business licensing", "Licences.", "RAB.02.08.06", "Diskominfo", "Perda 5/2020"])
    processes.append([None, None, None, None, None, None])
    regulations = book.create_sheet("Regulasi")
    regulations.append(["Nama Regulasi", "Jenis Regulasi", "Nomor", "Tahun", "Tanggal Penetapan"])
    regulations.append(["Perda 5/2020", "Perda", 5, "2020", "02/10/2020"])
    regulations.append(["Perwali 7/2018", "perkada", "7", 2018, 43375])  # a date as an Excel serial
    regulations.append(["Perwali 9/2021", "Perkada", 9, 2021, dt.datetime(2021, 3, 31)])
    book.save(path)


@pytest.fixture(scope="module")
def untidy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("untidy")
    workbook = root / "aplikasi kota.xlsx"
    untidy_workbook(workbook)
    out = root / "model"
    return out, arsitek("import", "xlsx", str(workbook), "-o", str(out), "--prefix", "kota", "--namespace", NS)


def test_an_untidy_workbook_imports_and_reports_what_it_did_not_understand(
    untidy: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, done = untidy
    assert done.returncode == 1, done.stderr
    assert "sheet 'Daftar Aplikasi', row 10, column H: 'situs kota' is not a web address" in done.stderr
    assert "sheet 'Daftar Aplikasi', column J: header 'Tanggal Rilis' is not a column" in done.stderr
    assert "11 rows read; 11 elements new" in done.stderr and "2 cells not understood" in done.stderr
    assert "0 units added by name" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "aplikasi.ttl",
        "bisnis.ttl",
        "organisasi.ttl",
        "sumber.ttl",
        "tatakelola.ttl",
    ]
    valid = arsitek("validate", str(out))
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert "0 pelanggaran" in valid.stdout


def test_codes_written_three_ways_numbers_and_dates_as_people_type_them(
    untidy: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, _ = untidy
    said = statements(out)
    raa = f"<{REF}RAA.01.01>"
    realises = f"<{SPBE}merealisasikan>"
    for local in ("id-1001", "id-1002", "id-1003"):
        assert (f"<{NS}{local}>", realises, raa) in said  # code, lower-case name, "CODE Name"
    assert not any(s == f"<{NS}id-1004>" and p == f"<{SPBE}url>" for s, p, _ in said)  # the bad cell, reported
    assert (f"<{NS}id-1001>", f"<{SPBE}idSia>", '"1001"') in said  # a number cell is the ID's text
    assert (f"<{NS}id-1002>", "<http://www.w3.org/2000/01/rdf-schema#label>", '"e-Office"@id') in said
    assert (f"<{NS}id-1002>", f"<{SPBE}statusSiklusHidup>", f"<{KODE}operasional>") in said
    dates = {s: o for s, p, o in said if p == f"<{SPBE}tanggalPenetapan>"}
    assert sorted(dates.values()) == [f'"{d}"^^<{XSD}date>' for d in ("2018-10-02", "2020-10-02", "2021-03-31")]
    years = sorted(o for _, p, o in said if p == f"<{SPBE}tahunRegulasi>")
    assert years == [f'"{y}"^^<{XSD}gYear>' for y in ("2018", "2020", "2021")]
    units = [s for s, p, o in said if o == f"<{SPBE}UnitOrganisasi>"]
    assert sorted(units) == [f"<{NS}BAGIANUMUM>", f"<{NS}Diskominfo>"]  # listed once, named in two sheets
    assert (f"<{NS}id-1002>", f"<{SPBE}unitOperasional>", f"<{NS}BAGIANUMUM>") in said
    process = f"<{NS}P-01>"
    assert (process, "<http://www.w3.org/2000/01/rdf-schema#label>", '"Business licensing"@en') in said
    assert (process, f"<{SPBE}dasarHukum>", f"<{NS}Perda52020>") in said
    sources = {o for s, p, o in said if s == f"<{NS}id-1003>" and p == f"<{DCTERMS}source>"}
    assert sources == {f"<{NS}sumber-AplikasiKota-Aplikasi-9>"}
    label = next(o for s, p, o in said if s == f"<{NS}sumber-AplikasiKota-Aplikasi-9>" and o.endswith("@en"))
    assert label == '"aplikasi kota.xlsx, sheet Daftar Aplikasi, row 9"@en'


def test_what_cannot_run_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"not a zip file")
    out = tmp_path / "model"
    done = arsitek("import", "xlsx", str(broken), "-o", str(out), "--prefix", "kota", "--namespace", NS)
    assert done.returncode == 2 and "is not an Excel workbook" in done.stderr and not out.exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    workbook = tmp_path / "ok.xlsx"
    untidy_workbook(workbook)
    done = arsitek("import", "xlsx", str(workbook), "-o", str(mine), "--prefix", "kota", "--namespace", NS)
    assert done.returncode == 2 and sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    done = arsitek("import", "xlsx", str(workbook), "-o", str(tmp_path / "new"))
    assert done.returncode == 2 and "--prefix and --namespace" in done.stderr


def triples_of_template(view: ArchitectureView, lang: str) -> set[tuple[str, str, str]]:
    """The template's fields as triples, elements named by their label (the import mints its own IRIs).

    An element's fields are the columns of the first sheet that takes it, as the export places it.
    """
    below = view.facts.subclasses
    placed: dict[str, set[str]] = {}
    kinds: set[str] = set()
    for sheet in read_mapping():
        wanted = set(sheet.classes).union(*(below.get(c, set()) for c in sheet.classes))
        kinds |= wanted
        for iri, types in view.facts.types.items():
            if iri not in placed and types & wanted:
                placed[iri] = {c.prop for c in sheet.columns}
    said = view.facts.statements(placed)
    concepts = view.facts.concepts

    def name(term: ox.NamedNode | ox.Literal) -> str:
        if isinstance(term, ox.Literal):
            return str(term)
        return term.value if term.value in concepts or term.value in kinds else "=" + view.label(term.value, lang)

    out = set()
    for iri, props in placed.items():
        for prop, values in said[iri].items():
            if prop not in props:
                continue
            for value in values:
                if isinstance(value, ox.Literal) and value.language and value.language != lang:
                    continue
                if prop.endswith("#type") and value.value not in kinds:
                    continue
                out.add((view.label(iri, lang), prop, name(value)))
    return out


def _round_trip(folders: DataFolders, model: Iterable[Path], header: Path | None, tmp_path: Path, lang: str) -> None:
    original = view_of(folders, *model)
    workbook = tmp_path / f"tabel-{lang}.xlsx"
    workbook.write_bytes(to_xlsx(original, lang))
    assert workbook.read_bytes() == to_xlsx(original, lang)  # two exports are byte-identical
    out = tmp_path / f"kembali-{lang}"
    out.mkdir()
    args = []
    if header is not None:
        shutil.copy(header, out / header.name)  # the model's header: its profile, its namespace
    else:
        args = ["--prefix", "kota", "--namespace", NS]
    done = arsitek("import", "xlsx", str(workbook), "-o", str(out), *args)
    assert done.returncode == 0, done.stderr
    back = view_of(folders, out)
    before, after = triples_of_template(original, lang), triples_of_template(back, lang)
    assert before - after == set(), sorted(before - after)[:10]
    assert after - before == set(), sorted(after - before)[:10]
    sheets = read_mapping()
    assert rows_of(original, sheets, lang) == rows_of(back, sheets, lang)  # and the tables export again unchanged


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_kpu_tables_round_trip_with_no_template_triple_lost(
    folders: DataFolders, tmp_path: Path, lang: str
) -> None:
    _round_trip(folders, [folders.model], folders.model / "kpu.ttl", tmp_path, lang)


def test_an_init_model_round_trips(folders: DataFolders, tmp_path: Path) -> None:
    from arsitek.starter import render

    model = tmp_path / "kota"
    model.mkdir()
    for name, content in render("Pemerintah Kota Contoh", "pemda", "kota", NS).items():
        (model / name).write_text(content, encoding="utf-8")
    _round_trip(folders, [model], None, tmp_path, "id")


def _init_model(path: Path) -> None:
    from arsitek.starter import render

    path.mkdir()
    for name, content in render("Pemerintah Kota Contoh", "pemda", "kota", NS).items():
        (path / name).write_text(content, encoding="utf-8")


def _edited_export(folders: DataFolders, model: Path, path: Path) -> str:
    """The model's tables with one application's description changed and one application added."""
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(view_of(folders, model), "id")))
    apps = book["Aplikasi"]
    header = [c.value for c in apps[1]]
    first = apps.cell(2, header.index("Uraian") + 1)
    name = str(apps.cell(2, header.index("Nama Aplikasi") + 1).value)
    first.value = "Uraian baru dari lembar kerja"
    new = {"Nama Aplikasi": "Aplikasi Baru Kota", "Uraian": "Ditambahkan dari lembar kerja", "Status": "operasional"}
    new["Pemilik"] = str(apps.cell(2, header.index("Pemilik") + 1).value)
    new["Referensi RAA"] = "RAA.01.01"
    apps.append([new.get(str(h)) for h in header])
    book.save(path)
    return name


def test_merging_into_a_model_needs_update_and_changes_only_the_workbooks_elements(
    folders: DataFolders, tmp_path: Path
) -> None:
    model = tmp_path / "kota"
    _init_model(model)
    (model / "aplikasi.ttl").write_text(
        (model / "aplikasi.ttl").read_text(encoding="utf-8") + "\n# Catatan arsitek: jangan dihapus.\n",
        encoding="utf-8",
    )
    before = {p.name: p.read_text(encoding="utf-8") for p in model.iterdir()}
    workbook = tmp_path / "tabel.xlsx"
    name = _edited_export(folders, model, workbook)

    refused = arsitek("import", "xlsx", str(workbook), "-o", str(model))
    assert refused.returncode == 2 and "--update" in refused.stderr
    assert {p.name: p.read_text(encoding="utf-8") for p in model.iterdir()} == before  # nothing written

    done = arsitek("import", "xlsx", str(workbook), "-o", str(model), "--update")
    assert done.returncode == 0, done.stderr
    assert "1 elements new, 1 changed" in done.stderr
    after = {p.name: p.read_text(encoding="utf-8") for p in model.iterdir()}
    assert "# Catatan arsitek: jangan dihapus." in after["aplikasi.ttl"]
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed == {"aplikasi.ttl", "sumber.ttl"}, changed  # the edited and new application, and their sources
    # every statement of aplikasi.ttl but the edited application's is written as it was
    old_blocks = {before["aplikasi.ttl"][s:e] for s, e in statement_spans(before["aplikasi.ttl"])}
    new_blocks = {after["aplikasi.ttl"][s:e] for s, e in statement_spans(after["aplikasi.ttl"])}
    gone = old_blocks - new_blocks
    assert len(gone) == 1 and name in next(iter(gone))
    assert any("Aplikasi Baru Kota" in b for b in new_blocks - old_blocks)
    # the description changed, the application's other statements did not
    view = view_of(folders, model)
    edited = next(i for i in view.applications if view.label(i, "id") == name)
    assert view.definitions[edited]["id"] == "Uraian baru dari lembar kerja"
    assert arsitek("validate", str(model)).returncode == 0

    again = arsitek("import", "xlsx", str(workbook), "-o", str(model), "--update")
    assert again.returncode == 0, again.stderr
    assert {p.name: p.read_text(encoding="utf-8") for p in model.iterdir()} == after  # the same workbook: no change


def test_a_mapping_cannot_write_outside_the_model_folder(tmp_path: Path) -> None:
    from arsitek.spreadsheet.mapping import MAPPING

    own = tmp_path / "mapping.ttl"
    own.write_text(
        MAPPING.read_text(encoding="utf-8").replace('tab:berkas "aplikasi.ttl"', 'tab:berkas "../../luar.ttl"'),
        encoding="utf-8",
    )
    workbook = tmp_path / "ok.xlsx"
    untidy_workbook(workbook)
    out = tmp_path / "model"
    done = arsitek(
        "import", "xlsx", str(workbook), "-o", str(out), "--mapping", str(own), "--prefix", "k", "--namespace", NS
    )
    assert done.returncode == 2 and "not a plain file name" in done.stderr
    assert not out.exists() and not (tmp_path.parent / "luar.ttl").exists()


def test_hostile_cells_stay_text_and_the_turtle_stays_valid(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    apps = book.active
    apps.title = "Aplikasi"
    apps.append(["Nama Aplikasi", "Uraian", "Alamat"])
    apps.append(['Aplikasi "kutip" \\ garis\nbaru', None, "javascript:alert(1)"])
    apps["B2"].value = '=HYPERLINK("http://x")'
    apps["B2"].data_type = "s"  # text that looks like a formula, as a cell typed as text holds it
    apps.append(["Aplikasi ; titik koma . #pagar", '""" tiga kutip', "https://ok.example/"])
    workbook = tmp_path / "jahat.xlsx"
    book.save(workbook)
    out = tmp_path / "model"
    done = arsitek("import", "xlsx", str(workbook), "-o", str(out), "--prefix", "kota", "--namespace", NS)
    assert done.returncode == 1, done.stderr  # the script address is not taken, and said so
    assert "row 2, column C: 'javascript:alert(1)' is not a web address" in done.stderr
    said = statements(out)
    labels = {o for _, p, o in said if p.endswith("#label>")}
    assert '"Aplikasi \\"kutip\\" \\\\ garis\\nbaru"@id' in labels
    assert any("=HYPERLINK" in o for _, p, o in said if p.endswith("#definition>"))


def test_a_formula_is_never_computed_and_one_without_a_stored_result_is_reported(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    apps = book.active
    apps.title = "Aplikasi"
    apps.append(["Nama Aplikasi", "Uraian"])
    apps.append(["Aplikasi A", '=CONCATENATE("a", "b")'])  # openpyxl stores no result, as a program writing files does
    workbook = tmp_path / "rumus.xlsx"
    book.save(workbook)
    out = tmp_path / "model"
    done = arsitek("import", "xlsx", str(workbook), "-o", str(out), "--prefix", "kota", "--namespace", NS)
    assert done.returncode == 1
    assert "sheet 'Aplikasi', row 2, column B: a formula with no stored result" in done.stderr
    assert not any(p.endswith("#definition>") for _, p, _ in statements(out))


def test_a_mapping_giving_two_columns_one_name_is_refused(tmp_path: Path) -> None:
    """Two columns with one IRI are one node with two properties: refused, never one of them picked."""
    from arsitek.spreadsheet.mapping import MAPPING

    own = tmp_path / "mapping.ttl"
    own.write_text(
        MAPPING.read_text(encoding="utf-8").replace("tab:Aplikasi-url a tab:Kolom", "tab:Aplikasi-nama a tab:Kolom"),
        encoding="utf-8",
    )
    done = arsitek("export", "xlsx", "--mapping", str(own), "-o", str(tmp_path / "out"))
    assert done.returncode == 2, done.stderr
    assert "#Aplikasi-nama has 2 tab:properti" in done.stderr and "second process" not in done.stderr
