"""A synthetic national SPBE landscape at a chosen size, valid against the arsitek vocabulary,
with a known set of seeded defects.

Its elements carry the SIA-SPBE metadata (platform, data kind and validity), so the only
findings are the seeded ones: without it, 30,000 applications gave 90,000 ARS-SIA warnings,
which the reports and the site then spent a third of the build on.

Roughly 45 applications per agency (27,000 applications across 600 agencies is
the national order of magnitude). Each application holds one data entity of two
attributes, is hosted, takes part in one integration, and supports its agency's
processes. Defects are seeded at fixed strides so the expected findings are known
exactly; ``expected_findings`` returns them.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

HEADER = """@prefix ex:      <https://example.org/nasional/> .
@prefix spbe:    <https://w3id.org/arsitek/spbe#> .
@prefix kode:    <https://w3id.org/arsitek/kode/> .
@prefix ref:     <https://w3id.org/arsitek/ref/> .
@prefix src:     <https://w3id.org/arsitek/sumber/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
"""

APPS_PER_AGENCY = 45
APPS_PER_FILE = 1000
# Defect strides: application i gets the defect when i % stride == offset.
NO_OWNER = 97  # ARS-APP-001: an application without an owner
TYPO = 113  # ARS-REF-002 and ARS-APP-001: owner property misspelled
UNENCRYPTED = 101  # ARS-SEC-001: a personal-data flow with encryption "none"
TWO_SOURCES = 89  # ARS-DATA-001: a data entity with two authoritative sources
UNHOSTED = 131  # ARS-INF-001: an operational application holding personal data, unhosted


def label(name: str) -> str:
    return f'rdfs:label "{name}"@id , "{name}"@en ; dcterms:source src:S4'


def agency(a: int) -> str:
    return f"""ex:instansi{a} a spbe:Instansi ; {label(f"Instansi {a}")} .
ex:unit{a} a spbe:UnitOrganisasi ; {label(f"Unit TI {a}")} ; org:unitOf ex:instansi{a} .
ex:pusatData{a} a spbe:PusatData ; {label(f"Pusat data {a}")} ; spbe:dikelolaOleh ex:unit{a} ;
    spbe:merealisasikan ref:RAI-pusat-komputasi .
ex:cadangan{a} a spbe:KontrolKeamanan ; {label(f"Cadangan {a}")} .
ex:proses{a} a spbe:ProsesBisnis ; {label(f"Proses {a}")} ; spbe:merealisasikan ref:RAB.09.01 ;
    spbe:didukungOleh ex:aplikasi{a * APPS_PER_AGENCY} .
"""


def application(i: int, total: int) -> str:
    a = i // APPS_PER_AGENCY
    owner = "" if i % NO_OWNER == 7 else ("spbe:pemlik" if i % TYPO == 11 else "spbe:pemilik")
    owner_line = f"    {owner} ex:instansi{a} ;\n" if owner else ""
    hosting = "" if i % UNHOSTED == 5 else f"    spbe:dihostingDi ex:pusatData{a} ; spbe:pemulihan ex:cadangan{a} ;\n"
    sources = f"ex:aplikasi{i}" + (f" , ex:aplikasi{(i + 1)}" if i % TWO_SOURCES == 3 else "")
    partner = i + 1 if (i + 1) // APPS_PER_AGENCY == a and i + 1 < total else a * APPS_PER_AGENCY
    encryption = "kode:enkripsi-tanpa" if i % UNENCRYPTED == 9 else "kode:enkripsi-tls"
    attributes = "".join(
        f"""ex:data{i}-{k} a spbe:AtributData ; {label(f"Atribut {k}")} ;
    skos:definition "Atribut {k}"@id , "Attribute {k}"@en ; spbe:tipeData xsd:{t} ; spbe:wajib true ;
    spbe:urutan {n}{pdp} .
"""
        for n, (k, t, pdp) in enumerate(
            [
                ("nik", "string", " ; spbe:kategoriDataPribadi kode:pdp-umum"),
                ("tanggal", "date", ""),
            ],
            start=1,
        )
    )
    return f"""ex:aplikasi{i} a spbe:AplikasiKhusus ; {label(f"Aplikasi {i}")} ;
{owner_line}    spbe:statusSiklusHidup kode:operasional ; spbe:merealisasikan ref:RAA.02.01 ;
{hosting}    spbe:basisAplikasi kode:basis-web ; spbe:menyimpanData ex:data{i} .
ex:data{i} a spbe:DataInformasi ; {label(f"Data {i}")} ;
    spbe:waliData ex:unit{a} ; spbe:produsenData ex:unit{a} ; spbe:sumberOtoritatif {sources} ;
    spbe:keterbukaan kode:terbatas ; spbe:merealisasikan ref:RAD.09.01 ;
    spbe:jenisData kode:data-lainnya ; spbe:validitasData kode:harian ;
    spbe:memilikiAtribut ex:data{i}-nik , ex:data{i}-tanggal .
{attributes}ex:aliran{i} a spbe:Integrasi ; {label(f"Aliran {i}")} ;
    spbe:sumberIntegrasi ex:aplikasi{i} ; spbe:tujuanIntegrasi ex:aplikasi{partner} ;
    spbe:polaIntegrasi kode:pola-berkas ; spbe:membawaData ex:data{i} ; spbe:arah kode:satu-arah ;
    spbe:frekuensi kode:harian ; spbe:protokol "SFTP" ; spbe:autentikasi kode:auth-mtls ; spbe:enkripsi {encryption} .
"""


def expected_findings(applications: int) -> Counter[str]:
    """Violations the seeded defects must produce, by rule."""
    expected: Counter[str] = Counter()
    for i in range(applications):
        if i % NO_OWNER == 7 or i % TYPO == 11:
            expected["ARS-APP-001"] += 1
        if i % TYPO == 11 and i % NO_OWNER != 7:
            expected["ARS-REF-002"] += 1
        if i % UNENCRYPTED == 9:
            expected["ARS-SEC-001"] += 1
        if i % TWO_SOURCES == 3:
            expected["ARS-DATA-001"] += 1
        if i % UNHOSTED == 5:
            expected["ARS-INF-001"] += 1
            expected["ARS-INF-002"] += 1
    return expected


def write_model(folder: Path, applications: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    agencies = (applications + APPS_PER_AGENCY - 1) // APPS_PER_AGENCY
    files = [folder / "instansi.ttl"]
    files[0].write_text(HEADER + "\n".join(agency(a) for a in range(agencies)), encoding="utf-8")
    for start in range(0, applications, APPS_PER_FILE):
        path = folder / f"aplikasi-{start // APPS_PER_FILE:03d}.ttl"
        body = "".join(application(i, applications) for i in range(start, min(start + APPS_PER_FILE, applications)))
        path.write_text(HEADER + body, encoding="utf-8")
        files.append(path)
    return files


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("applications", type=int)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    written = write_model(args.folder, args.applications)
    print(f"wrote {len(written)} files for {args.applications} applications to {args.folder}")
