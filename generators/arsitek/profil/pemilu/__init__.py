"""The election profile: what an election body's model adds to the SPBE core.

Switched on by ``owl:imports <https://w3id.org/arsitek/pemilu>`` in a model's ontology header (the
KPU model does). It brings the election vocabulary and its rules (``ontology/profil/pemilu/``),
the election stages and the recapitulation chain as site-wide diagrams, the election questions
on the home page, the data-gap pages, and the terms the typed view reads for gaps and forms.
"""

from __future__ import annotations

from arsitek.generators.site.kinds import Kind
from arsitek.generators.site.parts import DiagramPage, Question, SiteExtension
from arsitek.paths import data_folders
from arsitek.profil.pemilu import diagrams
from arsitek.profil.pemilu.terms import ONTOLOGY, PEMILU
from arsitek.profiles import Profile

_FILES = data_folders().profiles / "pemilu"

SITE = SiteExtension(
    diagram_pages=(
        DiagramPage("tahapan.html", {"id": "Tahapan pemilu", "en": "Election stages"}, diagrams.stages),
        DiagramPage(
            "rekapitulasi.html", {"id": "Rantai rekapitulasi", "en": "Recapitulation chain"}, diagrams.recap_chain
        ),
    ),
    questions=(
        (
            1,
            Question(
                "rekapitulasi.html",
                {
                    "id": "Apa yang terjadi antara TPS dan hasil nasional?",
                    "en": "What happens between the polling station and the national result?",
                },
            ),
        ),
        (
            3,
            Question(
                "tahapan.html",
                {
                    "id": "Aplikasi mana yang mendukung setiap tahapan pemilu?",
                    "en": "Which application supports each election stage?",
                },
            ),
        ),
        (
            4,
            Question("kesenjangan/index.html", {"id": "Data apa yang belum dimiliki?", "en": "Which data is missing?"}),
        ),
    ),
    kinds=(Kind("kesenjangan", {"id": "Kesenjangan data", "en": "Data gaps"}, "data"),),
    class_kinds=(
        (f"{PEMILU}TahapanPemilu", "proses"),
        (f"{PEMILU}BadanAdHoc", "organisasi"),
        (f"{PEMILU}BadanPenyelenggara", "organisasi"),
        (f"{PEMILU}KesenjanganData", "kesenjangan"),
    ),
)

PROFILE = Profile(
    iri=ONTOLOGY,
    label={"id": "Ekstensi pemilu", "en": "Election extension"},
    vocabulary=(_FILES / "pemilu.ttl", _FILES / "kode-pemilu.ttl", _FILES / "sumber.ttl"),
    shapes=(_FILES / "shapes",),
    view_terms={
        "gap": f"{PEMILU}KesenjanganData",
        "gap_concerns": f"{PEMILU}menyangkutData",
        "gap_consequence": f"{PEMILU}dampak",
        "form_code": f"{PEMILU}kodeFormulir",
    },
    site=SITE,
)
