"""Which page kind each SPBE class gets, in precedence order, and the kinds' names in both languages.

A profile adds its own kinds and classes (``extensions.SiteExtension``)."""

from __future__ import annotations

from dataclasses import dataclass

from arsitek.vocab import SPBE

#: A list column that is not one property: the personal data an application holds (UU 27/2022).
PERSONAL_DATA = "personal-data"
ORG = "http://www.w3.org/ns/org#"


@dataclass(frozen=True)
class Kind:
    slug: str
    label: dict[str, str]
    domain: str  # one of the six SPBE domains, or "organisasi" (organisation and governance)
    #: what the kind's list shows beside name and type: property IRIs (or PERSONAL_DATA), in order
    columns: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {
    k.slug: k
    for k in (
        Kind(
            "proses",
            {"id": "Proses bisnis", "en": "Business processes"},
            "bisnis",
            (f"{SPBE}dilaksanakanOleh", f"{SPBE}didukungOleh", f"{SPBE}merealisasikan", f"{SPBE}statusSiklusHidup"),
        ),
        Kind(
            "layanan",
            {"id": "Layanan", "en": "Services"},
            "layanan",
            (f"{SPBE}unitPelaksana", f"{SPBE}disediakanMelalui", f"{SPBE}merealisasikan", f"{SPBE}statusSiklusHidup"),
        ),
        Kind(
            "data",
            {"id": "Data dan informasi", "en": "Data and information"},
            "data",
            (f"{SPBE}waliData", f"{SPBE}keterbukaan", f"{SPBE}sumberOtoritatif", f"{SPBE}merealisasikan"),
        ),
        Kind(
            "aplikasi",
            {"id": "Aplikasi", "en": "Applications"},
            "aplikasi",
            (
                f"{SPBE}pemilik",
                f"{SPBE}statusSiklusHidup",
                f"{SPBE}merealisasikan",
                f"{SPBE}dihostingDi",
                PERSONAL_DATA,
            ),
        ),
        Kind(
            "antarmuka",
            {"id": "Antarmuka", "en": "Interfaces"},
            "aplikasi",
            (f"{SPBE}disediakanOleh", f"{SPBE}jenisApi", f"{SPBE}statusSiklusHidup"),
        ),
        Kind(
            "integrasi",
            {"id": "Integrasi", "en": "Integrations"},
            "aplikasi",
            (f"{SPBE}sumberIntegrasi", f"{SPBE}tujuanIntegrasi", f"{SPBE}polaIntegrasi", f"{SPBE}statusSiklusHidup"),
        ),
        Kind(
            "infrastruktur",
            {"id": "Infrastruktur", "en": "Infrastructure"},
            "infrastruktur",
            (f"{SPBE}dikelolaOleh", f"{SPBE}statusSiklusHidup", f"{SPBE}merealisasikan"),
        ),
        Kind(
            "organisasi",
            {"id": "Organisasi", "en": "Organisations"},
            "organisasi",
            (f"{ORG}subOrganizationOf", f"{ORG}unitOf"),
        ),
        Kind(
            "regulasi",
            {"id": "Regulasi", "en": "Regulations"},
            "organisasi",
            (f"{SPBE}jenisRegulasi", f"{SPBE}tahunRegulasi", f"{SPBE}diterbitkanOleh"),
        ),
        Kind("prinsip", {"id": "Prinsip arsitektur", "en": "Architecture principles"}, "organisasi"),
        Kind("peran", {"id": "Peran", "en": "Roles"}, "keamanan"),
        Kind("akses", {"id": "Kebijakan akses", "en": "Access policies"}, "keamanan"),
        Kind(
            "kontrol",
            {"id": "Kontrol dan kebijakan keamanan", "en": "Security controls and policies"},
            "keamanan",
            (f"{SPBE}melindungi", f"{SPBE}merealisasikan"),
        ),
        Kind("risiko", {"id": "Risiko", "en": "Risks"}, "keamanan"),
        Kind("insiden", {"id": "Insiden", "en": "Incidents"}, "keamanan"),
    )
}

# Most specific first: an element's page kind is that of its first matching class.
CLASS_KIND: list[tuple[str, str]] = [
    (f"{SPBE}ProsesBisnis", "proses"),
    (f"{SPBE}LayananPublik", "layanan"),
    (f"{SPBE}LayananAdministrasiPemerintahan", "layanan"),
    (f"{SPBE}Layanan", "layanan"),
    (f"{SPBE}DataInformasi", "data"),
    (f"{SPBE}AplikasiKhusus", "aplikasi"),
    (f"{SPBE}AplikasiUmum", "aplikasi"),
    (f"{SPBE}AplikasiInstansiLain", "aplikasi"),
    (f"{SPBE}Aplikasi", "aplikasi"),
    (f"{SPBE}Antarmuka", "antarmuka"),
    (f"{SPBE}Integrasi", "integrasi"),
    (f"{SPBE}PusatDataNasional", "infrastruktur"),
    (f"{SPBE}PusatData", "infrastruktur"),
    (f"{SPBE}KomputasiAwan", "infrastruktur"),
    (f"{SPBE}JaringanIntraPemerintah", "infrastruktur"),
    (f"{SPBE}Jaringan", "infrastruktur"),
    (f"{SPBE}SistemPenghubungLayanan", "infrastruktur"),
    (f"{SPBE}PerangkatPengguna", "infrastruktur"),
    (f"{SPBE}Infrastruktur", "infrastruktur"),
    (f"{SPBE}UnitOrganisasi", "organisasi"),
    (f"{SPBE}Instansi", "organisasi"),
    (f"{SPBE}Regulasi", "regulasi"),
    (f"{SPBE}PrinsipArsitektur", "prinsip"),
    (f"{SPBE}Peran", "peran"),
    (f"{SPBE}KebijakanAkses", "akses"),
    (f"{SPBE}KontrolKeamanan", "kontrol"),
    (f"{SPBE}KebijakanKeamanan", "kontrol"),
    (f"{SPBE}Risiko", "risiko"),
    (f"{SPBE}InsidenKeamanan", "insiden"),
]

DOMAINS = {
    "bisnis": {"id": "Proses Bisnis", "en": "Business processes"},
    "layanan": {"id": "Layanan", "en": "Services"},
    "data": {"id": "Data dan Informasi", "en": "Data and information"},
    "aplikasi": {"id": "Aplikasi", "en": "Applications"},
    "infrastruktur": {"id": "Infrastruktur", "en": "Infrastructure"},
    "keamanan": {"id": "Keamanan", "en": "Security"},
}
