"""The parts of a site a profile can add to: diagram pages, home-page questions, page kinds.

Plain data, so that the modules that gather and draw the site can read them without importing
the registries (:mod:`arsitek.generators.site.extensions`) that list the core's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from arsitek.generators.site.kinds import Kind

Texts = dict[str, str]


@dataclass(frozen=True)
class DiagramPage:
    """A site-wide diagram: its page's file name, title, drawing, and the legend shown beside it."""

    file: str
    title: Texts
    #: (the site being built, language) -> a Graphviz drawing
    draw: Callable[[Any, str], Any]
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


@dataclass(frozen=True)
class SiteExtension:
    """A profile's part of the site: its diagram pages and questions, its page kinds and which classes get them."""

    diagram_pages: tuple[DiagramPage, ...] = ()
    #: (position among the home page's questions, the question)
    questions: tuple[tuple[int, Question], ...] = ()
    kinds: tuple[Kind, ...] = ()
    #: (class IRI, kind slug), tried before the core's: a profile's class more specific than an SPBE one
    class_kinds: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SiteParts:
    """The site of one model: the core's parts and those of the profiles it declares."""

    diagram_pages: tuple[DiagramPage, ...]
    questions: tuple[Question, ...]
    kinds: dict[str, Kind]
    class_kinds: tuple[tuple[str, str], ...]
