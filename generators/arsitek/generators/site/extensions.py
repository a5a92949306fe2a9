"""What a profile can add to the site without the core naming it: diagram pages and home-page questions.

Each site-wide diagram page is a :class:`DiagramPage` here; the menu, the page and its SVG file
come from it. A sector profile (health, education, the election extension) calls
:func:`add_diagram_page` and :func:`add_question` when it is loaded. Today the election pages are
still registered with the core ones below; moving them into their profile is the profile issue's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from arsitek.generators.site import diagrams
from arsitek.generators.site.gather import Site
from arsitek.generators.site.i18n import UI

Texts = dict[str, str]


@dataclass(frozen=True)
class DiagramPage:
    """A site-wide diagram: its page's file name, title, drawing, and the legend shown beside it."""

    file: str
    title: Texts
    #: (site, language, the region level of each recapitulation form) -> a Graphviz drawing
    draw: Callable[[Site, str, dict[str, str]], Any]
    legend: Any = None
    template: str = "diagram.html.j2"

    @property
    def svg_file(self) -> str:
        return self.file.replace(".html", ".svg")


@dataclass(frozen=True)
class Question:
    """A question the home page answers with a link."""

    href: str
    text: Texts


def _titled(key: str) -> Texts:
    return {lang: UI[lang][key] for lang in UI}


DIAGRAM_PAGES: list[DiagramPage] = [
    DiagramPage("lanskap.html", _titled("landscape"), lambda site, lang, levels: diagrams.landscape(site, lang)),
    DiagramPage(
        "peta-integrasi.html",
        _titled("integration_map"),
        lambda site, lang, levels: diagrams.integration_map(site, lang),
        legend=diagrams.PATTERN_STYLE,
    ),
    DiagramPage(
        "struktur-organisasi.html", _titled("organisation"), lambda site, lang, levels: diagrams.hierarchy(site, lang)
    ),
    DiagramPage("tahapan.html", _titled("stages"), lambda site, lang, levels: diagrams.stages(site, lang)),
    DiagramPage("rekapitulasi.html", _titled("recap"), diagrams.recap_chain),
]

QUESTIONS: list[Question] = [
    Question(
        "data-pribadi.html",
        {"id": "Sistem mana yang menyimpan data pribadi?", "en": "Which systems hold personal data?"},
    ),
    Question(
        "rekapitulasi.html",
        {
            "id": "Apa yang terjadi antara TPS dan hasil nasional?",
            "en": "What happens between the polling station and the national result?",
        },
    ),
    Question(
        "peta-integrasi.html",
        {
            "id": "Data apa mengalir ke mana, dan dengan pengamanan apa?",
            "en": "Which data flows where, and how is it protected?",
        },
    ),
    Question(
        "tahapan.html",
        {
            "id": "Aplikasi mana yang mendukung setiap tahapan pemilu?",
            "en": "Which application supports each election stage?",
        },
    ),
    Question("kesenjangan/index.html", {"id": "Data apa yang belum dimiliki?", "en": "Which data is missing?"}),
    Question(
        "lanskap.html",
        {"id": "Bagaimana seluruh arsitektur tersusun?", "en": "How does the whole architecture fit together?"},
    ),
]


def add_diagram_page(page: DiagramPage) -> None:
    """A profile's own site-wide diagram, in the menu after the others."""
    DIAGRAM_PAGES.append(page)


def add_question(question: Question) -> None:
    """A profile's own question on the home page, after the others."""
    QUESTIONS.append(question)
