"""The documentation site, checked the way readers meet it: in headless Chromium, by the Nu HTML checker,
and by opening its downloads."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from arsitek.generators import contracts
from arsitek.generators.site import build_site
from arsitek.load import load_model
from arsitek.output import write_tree
from arsitek.paths import DataFolders
from arsitek.validate import ShapesGraph, validate_model
from arsitek.view import build_view
from tests.conftest import FIXTURES, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VNU = ROOT / "tests/tools/node_modules/vnu-jar/build/dist/vnu.jar"


def build(folders: DataFolders, shapes: ShapesGraph, out: Path, *paths: Path) -> Path:
    model = load_model(list(paths), [folders.ontology], exclude=folders.not_vocabulary)
    result = validate_model(model, shapes)
    view = build_view(model)
    write_tree(out, build_site(view, result, folders.ontology, contracts.plan(view)))
    return out


@pytest.fixture(scope="module")
def site(folders: DataFolders, shapes: ShapesGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(folders, shapes, tmp_path_factory.mktemp("site") / "site", folders.model)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: the README's test command installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src", "xlink:href"):
            if values.get(name) and tag != "html":
                self.links.append(values[name] or "")


def test_every_page_in_both_languages(site: Path) -> None:
    id_pages = {p.relative_to(site / "id") for p in (site / "id").rglob("*.html")}
    en_pages = {p.relative_to(site / "en") for p in (site / "en").rglob("*.html")}
    assert id_pages == en_pages and len(id_pages) > 250
    for kind in (
        "aplikasi",
        "data",
        "proses",
        "layanan",
        "integrasi",
        "infrastruktur",
        "organisasi",
        "peran",
        "akses",
        "risiko",
        "insiden",
        "antarmuka",
    ):
        assert (site / "id" / kind / "index.html").is_file(), kind


def test_no_broken_internal_link_or_anchor(site: Path) -> None:
    parsed: dict[Path, Links] = {}
    for page in html_pages(site):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed[page] = parser
    broken = []
    for page, parser in parsed.items():
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            assert not parts.scheme, f"{page}: non-relative link {link}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else set()
                if parts.fragment not in ids:
                    broken.append(f"{page.relative_to(site)} -> {link} (no anchor)")
    assert broken == []


def test_pages_load_without_errors_or_failed_requests(site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("request", lambda r: problems.append(f"off-machine: {r.url}") if not r.url.startswith("file:") else None)
    for path in html_pages(site):
        page.goto(path.as_uri())
        assert not problems, f"{path.relative_to(site)}: {problems}"
    page.close()


def test_search_finds_an_application_by_a_word_from_its_description(site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto((site / "en" / "index.html").as_uri())
    page.fill("#q", "duplicate voters")
    page.locator(".suggest a").first.wait_for()
    assert any("SIDALIH" in text for text in page.locator(".suggest a").all_inner_texts())
    page.goto((site / "id" / "cari.html").as_uri() + "?q=pemilih%20ganda")
    page.locator("#search-results li").first.wait_for()
    assert "SIDALIH" in page.locator("#search-results").inner_text()
    page.close()


def test_search_ranks_a_title_that_is_the_query_before_titles_that_contain_it(site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """Thousands of similar names at national scale: the element named exactly so comes first."""
    page = browser.new_page()
    page.goto((site / "en" / "index.html").as_uri())
    page.fill("#q", "district tally")
    page.locator(".suggest a").first.wait_for()
    suggestions = page.locator(".suggest a").all_inner_texts()
    assert suggestions[0].startswith("District tally"), suggestions
    assert any(s.startswith("D.Hasil (district tally)") for s in suggestions)
    page.close()


def test_the_search_index_is_loaded_only_when_search_is_used(site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """At national scale the index is megabytes: opening a page must not parse it, using search must."""
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((site / "en" / "aplikasi" / "sidalih.html").as_uri())
    page.wait_for_load_state("load")
    assert requested and not any(url.endswith("search-index.js") for url in requested)
    page.focus("#q")
    page.wait_for_function("() => Array.isArray(window.ARSITEK_SEARCH)")
    assert any(url.endswith("/en/search-index.js") for url in requested)
    page.close()


def test_language_switch_keeps_the_element(site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto((site / "id" / "data" / "dpt.html").as_uri())
    assert page.locator("h1").inner_text() == "Daftar Pemilih Tetap (DPT)"
    page.click("a.lang")
    assert page.url.endswith("/en/data/dpt.html")
    assert page.locator("h1").inner_text() == "Final voter list (DPT)"
    page.close()


def test_diagrams_are_shown_and_link_to_elements(site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto((site / "en" / "aplikasi" / "sidalih.html").as_uri())
    svg = page.locator("#konteks svg")
    box = svg.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    assert page.locator("#konteks [role=img]").get_attribute("aria-label")
    page.locator("#konteks svg a", has_text="KPU data centre").first.click()
    assert page.url.endswith("/en/infrastruktur/pusat_data_kpu.html")
    for name in ("lanskap", "peta-integrasi", "struktur-organisasi", "tahapan", "rekapitulasi"):
        page.goto((site / "id" / f"{name}.html").as_uri())
        box = page.locator("figure svg").bounding_box()
        assert box is not None and box["width"] > 200, name
    page.close()


def test_html_validates_with_the_nu_checker(site: Path) -> None:
    assert VNU.is_file(), "run the README's test command: it installs tests/tools (npm ci)"
    java = shutil.which("java")
    assert java, "Java is needed for the Nu Html Checker"
    pages = [str(p) for p in html_pages(site)]
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--stdout", *pages], capture_output=True, text=True, timeout=900
    )
    assert run.returncode == 0, run.stdout[:4000]


def test_labels_are_escaped_never_run(folders: DataFolders, shapes: ShapesGraph, tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    fixture = tmp_path / "xss.ttl"
    base = (FIXTURES / "rules" / "_base" / "base.ttl").read_text(encoding="utf-8")
    fixture.write_text(
        base.replace('rdfs:label "ex:Portal"@id', 'rdfs:label "<script>window.pwned = 1</script>"@id'), encoding="utf-8"
    )
    assert "<script>" in fixture.read_text(encoding="utf-8")
    out = build(folders, shapes, tmp_path / "site", fixture)
    html = (out / "id" / "aplikasi" / "portal.html").read_text(encoding="utf-8")
    assert "<script>window.pwned" not in html and "&lt;script&gt;window.pwned" in html
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    page.goto((out / "id" / "aplikasi" / "portal.html").as_uri())
    assert page.evaluate("window.pwned === undefined")
    assert "<script>window.pwned = 1</script>" in page.locator("h1").inner_text()
    page.close()


def test_dictionary_downloads_hold_every_attribute(site: Path, folders: DataFolders) -> None:
    from openpyxl import load_workbook

    view = build_view(load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary))
    expected = sorted((e.name, a.name) for e in view.entities.values() for a in e.attributes)
    for lang in ("id", "en"):
        rows = list(csv.reader(io.StringIO((site / "unduh" / f"kamus-data-{lang}.csv").read_text(encoding="utf-8"))))
        assert sorted((r[0], r[2]) for r in rows[1:]) == expected
        book = load_workbook(site / "unduh" / f"kamus-data-{lang}.xlsx", read_only=True)
        sheet = book.active
        cells = list(sheet.iter_rows(values_only=True))
        assert sorted((str(r[0]), str(r[2])) for r in cells[1:]) == expected
        assert len(cells[0]) == 20 and cells[0][13] in ("Kategori data pribadi (PDP)", "Personal-data category (PDP)")
        assert cells[0][5] in ("Batasan nilai", "Value constraint")
        keyed = sorted((r[0], r[2]) for r in rows[1:] if r[9])
        assert keyed == [("perkara", "lembaga"), ("perkara", "nomor"), ("tps", "kode")]  # spbe:kunci


def test_the_workbook_keeps_text_as_text_with_a_frozen_filtered_header() -> None:
    """Model text that looks like a number or an address reaches the spreadsheet as typed, a formula as text ('=...)."""
    from dataclasses import fields

    from openpyxl import load_workbook

    from arsitek.generators.dictionary import COLUMNS, DictionaryRow, to_xlsx
    from arsitek.text import spreadsheet_row

    tricky = ['=HYPERLINK("http://evil")', "0123", "https://example.org/a", "1e5", "-", "@SUM(A1)", "ya", ""]
    rows = [
        DictionaryRow(*(tricky[(i + j) % len(tricky)] for j in range(len(fields(DictionaryRow))))) for i in range(3)
    ]
    workbook = to_xlsx(rows, "en")
    assert workbook == to_xlsx(rows, "en")
    book = load_workbook(io.BytesIO(workbook))
    sheet = book.active
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == COLUMNS["en"]
    assert [[value or "" for value in row] for row in cells[1:]] == [spreadsheet_row(vars(r).values()) for r in rows]
    assert {'\'=HYPERLINK("http://evil")', "'-", "'@SUM(A1)", "0123", "1e5"} <= {c for row in cells for c in row}
    written = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None]
    assert all(cell.data_type == "s" and cell.hyperlink is None for cell in written)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:T4" and sheet["A1"].font.b
    assert book.properties.creator == "arsitek" and book.properties.created.year == 2024


def test_site_build_is_byte_identical(folders: DataFolders, shapes: ShapesGraph, site: Path, tmp_path: Path) -> None:
    again = build(folders, shapes, tmp_path / "again", folders.model)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    assert [p for p in first if first[p] != second[p]] == []


def test_pages_show_findings_sources_and_impact(site: Path) -> None:
    device = (site / "en" / "infrastruktur" / "perangkat_kpps.html").read_text(encoding="utf-8")
    assert "ARS-INF-003" in device and "model/infrastruktur.ttl" in device
    sidalih = (site / "en" / "aplikasi" / "sidalih.html").read_text(encoding="utf-8")
    assert re.search(r"Depends on it \(all\) <span class=\"n\">\d+</span>", sidalih)
    assert "kab-mamberamotengah.kpu.go.id" in sidalih  # source S41, linked
    assert 'href="../contracts/openapi/sidalih.openapi.json"' in (site / "en" / "katalog-integrasi.html").read_text(
        encoding="utf-8"
    )


def test_every_html_template_is_autoescaped() -> None:
    from arsitek.generators.site import site_environment
    from arsitek.templating import TEMPLATES

    env = site_environment()
    names = [p.name for p in (TEMPLATES / "site").glob("*.html.j2")]
    assert names
    for name in names:
        assert env.get_template(name).environment.autoescape(name) is True, name


def test_diagrams_are_also_written_as_files(site: Path) -> None:
    import xml.dom.minidom

    for name in ("lanskap", "peta-integrasi", "struktur-organisasi", "tahapan", "rekapitulasi"):
        for lang in ("id", "en"):
            document = xml.dom.minidom.parse(str(site / lang / f"{name}.svg"))
            assert document.documentElement.tagName == "svg"
    assert (site / "en" / "aplikasi" / "sidalih.svg").is_file()
    svg = (site / "en" / "aplikasi" / "sidalih.svg").read_text(encoding="utf-8")
    assert 'xlink:href="../infrastruktur/pusat_data_kpu.html"' in svg
    for lang, word in (("en", "Download"), ("id", "Unduh")):  # and the element's page offers its file
        page = (site / lang / "aplikasi" / "sidalih.html").read_text(encoding="utf-8")
        assert f'<p class="downloads">{word}: <a href="sidalih.svg" download>SVG</a></p>' in page


def test_diagrams_rendered_in_batches_equal_diagrams_rendered_one_by_one(
    folders: DataFolders, shapes: ShapesGraph
) -> None:
    """One dot process for many graphs (national scale) must give what one process per graph gives."""
    from arsitek.generators.site import diagrams
    from arsitek.generators.site.extensions import site_parts
    from arsitek.generators.site.gather import gather

    model = load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary)
    view = build_view(model)
    site_data = gather(view, validate_model(model, shapes), folders.ontology, site_parts(view.profiles))
    graphs = [
        diagrams.context(site_data, page, "en") for page in sorted(site_data.pages.values(), key=lambda p: p.path)
    ]
    assert len(graphs) > 100
    one_by_one = [diagrams.render(graph, "konteks") for graph in graphs]
    assert diagrams.render_many(graphs, "konteks", batch=37) == one_by_one


def test_a_site_wide_diagram_too_large_to_read_is_replaced_by_a_note(
    folders: DataFolders, shapes: ShapesGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At national scale the landscape would hold thousands of boxes: the page says so instead of drawing it."""
    from arsitek.generators.site import diagrams
    from arsitek.generators.site.extensions import site_parts
    from arsitek.generators.site.gather import gather

    model = load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary)
    view = build_view(model)
    result = validate_model(model, shapes)
    site_data = gather(view, result, folders.ontology, site_parts(view.profiles))
    drawn = {  # what each diagram holds when drawn in full
        "lanskap": diagrams.node_count(diagrams.landscape(site_data, "en")),
        "peta-integrasi": diagrams.node_count(diagrams.integration_map(site_data, "en")),
        "struktur-organisasi": diagrams.node_count(diagrams.hierarchy(site_data, "en")),
    }
    monkeypatch.setattr(diagrams, "MAX_NODES", 5)
    artifacts = dict(build_site(view, result, folders.ontology))
    for name, nodes in drawn.items():
        page = str(artifacts[f"en/{name}.html"])
        assert "<svg" not in page
        # Counted before drawing (a national landscape is never built only to be counted): the same number.
        assert f"This diagram would hold {nodes} elements, too many to read in one picture (limit 5)" in page
        assert f"en/{name}.svg" not in artifacts
    assert "<svg" in str(artifacts["en/aplikasi/sidalih.html"])  # element context diagrams stay


def test_a_matrix_too_large_to_read_is_replaced_by_a_note(
    folders: DataFolders, shapes: ShapesGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    import arsitek.generators.site as site_module

    model = load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary)
    monkeypatch.setattr(site_module, "MAX_MATRIX_CELLS", 10)
    artifacts = dict(build_site(build_view(model), validate_model(model, shapes), folders.ontology))
    matrices = str(artifacts["en/matriks.html"])
    assert len(re.findall(r"This matrix would hold [\d,]+ × [\d,]+ cells, over the limit of 10;", matrices)) == 3
    assert 'class="matrix"' not in matrices


def test_long_lists_are_paged_and_every_member_is_on_exactly_one_page(
    folders: DataFolders, shapes: ShapesGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national list (30,000 applications) is split into pages a browser opens at once."""
    import arsitek.generators.site as site_module

    model = load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary)
    monkeypatch.setattr(site_module, "PAGE_SIZE", 5)
    artifacts = dict(build_site(build_view(model), validate_model(model, shapes), folders.ontology))
    pages = sorted(p for p in artifacts if re.fullmatch(r"en/aplikasi/index(-\d+)?\.html", p))
    assert len(pages) > 3
    listed: list[str] = []
    for path in pages:
        html = str(artifacts[path])
        rows = re.findall(r'<tr><td><a href="\.\./aplikasi/([^"]+)\.html">', html)
        assert 0 < len(rows) <= 5
        listed += rows
        pager = re.findall(r'<nav class="pager"[^>]*>.*?</nav>', html, re.S)[0]
        for target in re.findall(r'href="([^"]+)"', pager):
            assert "en/aplikasi/" + target in artifacts
    apps = {p.removeprefix("en/aplikasi/").removesuffix(".html") for p in artifacts if p.startswith("en/aplikasi/")}
    apps -= {p.removeprefix("en/aplikasi/").removesuffix(".html") for p in pages}
    assert sorted(listed) == sorted(a for a in apps if not a.endswith((".svg", ".csv", ".xlsx")))
    assert len(listed) == len(set(listed))
    assert "en/kamus-data-2.html" in artifacts and "en/katalog-integrasi-2.html" in artifacts


def test_lists_show_what_a_reader_needs_and_download_whole(folders: DataFolders, shapes: ShapesGraph) -> None:
    """The application inventory has owner, status, RAA code, hosting and personal data, and CSV/XLSX of every row."""
    import openpyxl

    model = load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary)
    artifacts = dict(build_site(build_view(model), validate_model(model, shapes), folders.ontology))
    html = str(artifacts["en/aplikasi/index.html"])
    head = re.search(r"<thead>(.*?)</thead>", html, re.S)
    assert head is not None
    for column in ("Owner", "Lifecycle status", "Realises reference", "Hosted on", "Personal data held"):
        assert f"<th>{column}</th>" in head.group(1)
    assert 'href="daftar.csv"' in html and 'href="daftar.xlsx"' in html
    sidalih = re.search(r'<tr><td><a href="\.\./aplikasi/sidalih\.html">.*?</tr>', html, re.S)
    assert sidalih is not None
    row = sidalih.group(0)
    assert 'title="Special Applications for a Specific Mission">RAA.02.01</span>' in row
    assert '<span title="operasional">Operational</span>' in row
    assert "Final voter list (DPT)" in row  # personal data it holds
    table = list(csv.reader(io.StringIO(str(artifacts["en/aplikasi/daftar.csv"]))))
    assert table[0][:3] == ["Name", "Type", "Definition"] and table[0][-1] == "IRI"
    assert len(table) - 1 == html.count('<tr><td><a href="../aplikasi/')  # every application, one row each
    by_iri = {r[-1]: dict(zip(table[0], r, strict=True)) for r in table[1:]}
    dpt = by_iri["https://w3id.org/arsitek/kpu/Sidalih"]
    assert dpt["Lifecycle status"] == "operasional Operational" and "RAA.02.01" in dpt["Realises reference"]
    book = openpyxl.load_workbook(io.BytesIO(bytes(artifacts["id/aplikasi/daftar.xlsx"])))
    assert book.active.max_row == len(table) and book.active.freeze_panes == "A2"


class _Text(HTMLParser):
    """A page's words as a reader sees them: not inside code elements, scripts, styles or attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("code", "script", "style", "title"):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "script", "style", "title"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.words.append(data)


def test_english_pages_show_code_values_as_words(site: Path, folders: DataFolders) -> None:
    """No English page shows a code list's Indonesian code word (operasional, terbatas, spesifik...) as text."""
    view = build_view(load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary))
    words = {}
    for labels, code in view.facts.concepts.values():
        english = labels.get("en", "").casefold()
        indonesian = labels.get("id", "").casefold()
        if not code or not re.fullmatch(r"[a-z]{3,}(-[a-z0-9]+)*", code) or code in re.findall(r"[\w-]+", english):
            continue
        # an Indonesian word (a word of its Indonesian label) or a hyphenated technical code (web-api)
        if code in re.findall(r"[\w-]+", indonesian) or "-" in code:
            words[code] = english
    assert {"operasional", "rencana", "terbatas", "spesifik", "umum", "web-api"} <= set(words)
    found: dict[str, str] = {}
    for page in sorted((site / "en").rglob("*.html")):
        reader = _Text()
        reader.feed(page.read_text(encoding="utf-8"))
        body = " ".join(reader.words)
        for code in words:
            if code not in found and re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", body):
                found[code] = str(page.relative_to(site))
    assert found == {}, found


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("en", "TPS code", "C.Hasil"),
        ("en", "spesifik", "DPT"),
        ("en", "recapitulation", "recapitulation"),
        ("en", "special application", "SIDALIH"),
        ("en", "Aplikasi Khusus", "SIREKAP"),
        ("en", "NIK", "DP4"),
        ("en", "nomor_paspor", "DP4 LN"),
        ("en", "ARS-APP-001", "ARS-APP-001"),
        ("id", "TPS code", "TPS"),
        ("id", "spesifik", "DPT"),
        ("id", "recapitulation", "rekapitulasi"),
        ("id", "special application", "SIDALIH"),
        ("id", "Aplikasi Khusus", "SIREKAP"),
        ("id", "NIK", "DP4"),
        ("id", "ARS-DATA-001", "ARS-DATA-001"),
    ],
)
def test_search_finds_by_either_language_codes_attributes_and_rules(  # type: ignore[no-untyped-def]
    site: Path, browser, lang: str, query: str, expected: str
) -> None:
    """What a reader given only the site had to search for (issue 21), on both sides, in Chromium."""
    page = browser.new_page()
    page.goto((site / lang / "cari.html").as_uri() + "?q=" + query.replace(" ", "%20"))
    page.locator("#search-results li").first.wait_for()
    found = page.locator("#search-results").inner_text()
    page.close()
    assert expected.casefold() in found.casefold(), found[:500]


def test_long_impact_lists_are_grouped_by_kind_with_counts_and_folded(site: Path) -> None:
    html = (site / "en" / "infrastruktur" / "pusat_data_kpu.html").read_text(encoding="utf-8")
    impact = html[html.index('id="dampak"') :]
    impact = impact[: impact.index("</section>")]
    groups = re.findall(r"<details( open)?><summary>([^<]+) <span class=\"n\">(\d+)</span>", impact)
    assert ("", "Applications") in {(g[0], g[1]) for g in groups}  # the transitive list, folded
    assert (" open", "Applications") in {(g[0], g[1]) for g in groups}  # the direct one, open
    total = re.search(r'Depends on it \(all\) <span class="n">(\d+)</span>', impact)
    assert total is not None and int(total.group(1)) > 50
    folded = sum(int(n) for opened, _, n in groups if not opened)
    assert folded == int(total.group(1))  # every dependent at every level is in one folded group


def test_a_large_diagram_zooms_pans_and_goes_full_screen_from_file(site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """The landscape is thousands of points wide: zoom until its labels read, with buttons or keys, from file://."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((site / "en" / "lanskap.html").as_uri())
    buttons = page.locator(".zoombar button")
    assert [buttons.nth(i).get_attribute("aria-label") for i in range(buttons.count())] == [
        "Zoom in", "Zoom out", "Fit", "Full screen",
    ]  # fmt: skip
    drawing = page.locator("figure.diagram svg")
    for _ in range(4):
        buttons.first.click()
    assert float(drawing.get_attribute("data-scale") or 0) > 4
    before = drawing.evaluate("svg => svg.style.transform")
    page.locator("figure.diagram .svg").focus()
    page.keyboard.press("ArrowRight")
    assert drawing.evaluate("svg => svg.style.transform") != before  # panned
    page.keyboard.press("0")
    assert drawing.get_attribute("data-scale") == "1.00"
    small = (site / "en" / "aplikasi" / "sidalih.html").as_uri()
    page.goto(small)
    assert page.locator(".zoombar").count() == 0  # a diagram that fits the page needs none
    page.close()
    assert errors == []


def test_a_finding_leads_with_its_message_then_rule_and_place(site: Path) -> None:
    device = (site / "en" / "infrastruktur" / "perangkat_kpps.html").read_text(encoding="utf-8")
    item = re.search(r'<section class="findings"[^>]*>.*?<li>(.*?)</li>', device, re.S)
    assert item is not None
    after_severity = item.group(1).split("</span> ", 1)[1]
    message, rest = after_severity.split(" <small>", 1)
    assert message and "<" not in message and "ARS-" not in message, item.group(1)  # the words come first
    assert rest.index("ARS-INF-003") < rest.index("model/infrastruktur.ttl:")


AXE = ROOT / "tests/tools/node_modules/axe-core/axe.min.js"


def test_a_sample_of_every_page_type_passes_axe_core(site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """Accessibility as axe-core checks it (installed by `make test`): the first page of every kind and list."""
    sample = ["index.html", "matriks.html", "kamus-data.html", "katalog-integrasi.html", "aturan.html",
              "kosakata.html", "cari.html", "data-pribadi.html", "lanskap.html", "peta-integrasi.html"]  # fmt: skip
    for folder in sorted(p for p in (site / "en").iterdir() if p.is_dir() and (p / "index.html").is_file()):
        sample.append(f"{folder.name}/index.html")
        sample.append(sorted(p.name for p in folder.glob("*.html") if not p.name.startswith("index"))[0])
        sample[-1] = f"{folder.name}/{sample[-1]}"
    page = browser.new_page()
    failures = {}
    for lang in ("en", "id"):
        for path in sample:
            page.goto((site / lang / path).as_uri())
            page.add_script_tag(path=str(AXE))
            found = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.map(v => v.id + ': ' + v.nodes[0].target.join(' '))"
            )
            if found:
                failures[f"{lang}/{path}"] = found
    page.close()
    assert len(sample) > 20 and failures == {}, failures


def test_finding_locations_link_to_the_repository_when_the_header_says_where(
    folders: DataFolders, shapes: ShapesGraph, tmp_path: Path
) -> None:
    rules = FIXTURES / "rules"
    model = [rules / "_base" / "base.ttl", rules / "ARS-DOC-002" / "fail-no-source.ttl"]
    header = tmp_path / "header.ttl"
    header.write_text(  # a query string's ampersand must reach the page escaped
        (rules / "ARS-DOC-007" / "pass-web-links.ttl")
        .read_text(encoding="utf-8")
        .replace("#L{line}", "?plain=1&view=src#L{line}"),
        encoding="utf-8",
    )
    out = build(folders, shapes, tmp_path / "site", *model)
    page = next(p for p in sorted((out / "en").rglob("*.html")) if "ARS-DOC-002" in p.read_text(encoding="utf-8"))
    assert '<span class="loc">' in page.read_text(encoding="utf-8")  # no setting, no link
    linked = build(folders, shapes, tmp_path / "linked", *model, header)
    html = (linked / page.relative_to(out)).read_text(encoding="utf-8")
    found = re.findall(r'<a class="loc" href="([^"]+)">([^<]+)</a>', html)
    assert found, html
    for href, shown in found:
        file, line = shown.rsplit(":", 1)
        assert (
            href == f"https://git.example.org/instansi/arsitektur/src/branch/main/{file}?plain=1&amp;view=src#L{line}"
        )


def test_target_and_unverified_values_are_marked_where_they_are_shown(site: Path) -> None:
    """ "Encrypted file" as a requirement of the target architecture reads differently from a documented one."""
    badge = re.compile(r'<a class="standing standing-(\w+)" href="([^"]+)" title="([^"]*)">([^<]+)</a>')
    page = (site / "en" / "integrasi" / "integrasi_salinan_dpt_partai.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>(.*?)</td></tr>', page))
    target = badge.findall(rows["encryption"])
    assert [(kind, shown) for kind, _, _, shown in target] == [("target", "target")]
    assert target[0][1].endswith("integrasi_salinan_dpt_partai.html#catatan") and 'id="catatan"' in page
    assert "file encryption is a target-architecture requirement" in target[0][2]
    assert [kind for kind, *_ in badge.findall(rows["carries data"])] == ["unverified"]
    assert badge.findall(rows["direction"]) == []  # a documented value has no badge
    indonesian = (site / "id" / "integrasi" / "integrasi_salinan_dpt_partai.html").read_text(encoding="utf-8")
    assert ">belum terverifikasi</a>" in indonesian
    catalogue = "".join(p.read_text(encoding="utf-8") for p in sorted((site / "en").glob("katalog-integrasi*.html")))
    row = re.search(r"<tr>\s*<td><a href=\"integrasi/integrasi_dp4.html\">.*?</tr>", catalogue, re.S)
    assert row is not None
    assert [kind for kind, *_ in badge.findall(row.group(0))] == ["target"]  # the file encryption, not the rest
    policy = (site / "en" / "akses" / "akses_operator_dpt.html").read_text(encoding="utf-8")
    assert len(badge.findall(policy)) == 2  # the rights, and where they are used from


def test_the_recapitulation_chain_shows_the_applications_that_carry_each_step(site: Path) -> None:
    svg = (site / "en" / "rekapitulasi.svg").read_text(encoding="utf-8")
    links = re.findall(r'<a xlink:href="([^"]+)"[^>]*xlink:title="([^"]+)"', svg)
    carried = {title for href, title in links if href.startswith("aplikasi/")}
    assert "SIREKAP Mobile: digital copy" in carried  # the photographed C.Hasil form
    assert "SIREKAP Web: digital copy" in carried
    assert svg.count(">digital copy</text>") >= 4  # every tally level above the polling station
    indonesian = (site / "id" / "rekapitulasi.svg").read_text(encoding="utf-8")
    assert ">salinan digital</text>" in indonesian


def test_a_mark_without_a_note_is_shown_but_links_nowhere(
    folders: DataFolders, shapes: ShapesGraph, tmp_path: Path
) -> None:
    rules = FIXTURES / "rules"
    out = build(
        folders,
        shapes,
        tmp_path / "site",
        rules / "_base" / "base.ttl",
        rules / "ARS-DOC-008" / "fail-mark-without-note.ttl",
    )
    html = next(
        p for p in sorted((out / "en").rglob("*.html")) if "standing-unverified" in p.read_text(encoding="utf-8")
    )
    page = html.read_text(encoding="utf-8")
    assert '<span class="standing standing-unverified">unverified</span>' in page
    assert "#catatan" not in page and 'id="catatan"' not in page
