"""What a profile adds to the site without the core naming it: diagram pages, questions, page kinds.

Each site-wide diagram page is a :class:`DiagramPage`; the menu, the page and its SVG file come
from it. The core's are listed here; a profile (:mod:`arsitek.profiles`) brings a
:class:`SiteExtension` with its own, and the site of a model shows the core's and those of the
profiles that model declares, nothing else: a build in the same process for another model is
not touched by a profile the first one switched on.
"""

from __future__ import annotations

from collections.abc import Sequence

from arsitek.generators.site import diagrams
from arsitek.generators.site.i18n import UI
from arsitek.generators.site.kinds import CLASS_KIND, KINDS
from arsitek.generators.site.parts import DiagramPage, Question, SiteExtension, SiteParts, Texts
from arsitek.profiles import Profile


def _titled(key: str) -> Texts:
    return {lang: UI[lang][key] for lang in UI}


DIAGRAM_PAGES: tuple[DiagramPage, ...] = (
    DiagramPage("lanskap.html", _titled("landscape"), diagrams.landscape),
    DiagramPage(
        "peta-integrasi.html", _titled("integration_map"), diagrams.integration_map, legend=diagrams.PATTERN_STYLE
    ),
    DiagramPage("struktur-organisasi.html", _titled("organisation"), diagrams.hierarchy),
)

QUESTIONS: tuple[Question, ...] = (
    Question(
        "data-pribadi.html",
        {"id": "Sistem mana yang menyimpan data pribadi?", "en": "Which systems hold personal data?"},
    ),
    Question(
        "peta-integrasi.html",
        {
            "id": "Data apa mengalir ke mana, dan dengan pengamanan apa?",
            "en": "Which data flows where, and how is it protected?",
        },
    ),
    Question(
        "lanskap.html",
        {"id": "Bagaimana seluruh arsitektur tersusun?", "en": "How does the whole architecture fit together?"},
    ),
)


def site_parts(profiles: Sequence[Profile]) -> SiteParts:
    """Core first, then each declared profile's additions in profile order."""
    extensions = [p.site for p in profiles if isinstance(p.site, SiteExtension)]
    questions = list(QUESTIONS)
    for extension in extensions:
        for position, question in extension.questions:
            questions.insert(min(position, len(questions)), question)
    kinds = dict(KINDS)
    for extension in extensions:
        kinds.update({k.slug: k for k in extension.kinds})
    return SiteParts(
        diagram_pages=DIAGRAM_PAGES + tuple(page for e in extensions for page in e.diagram_pages),
        questions=tuple(questions),
        kinds=kinds,
        class_kinds=tuple(ck for e in extensions for ck in e.class_kinds) + tuple(CLASS_KIND),
    )
