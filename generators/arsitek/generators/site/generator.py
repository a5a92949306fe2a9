"""The documentation site as a registered generator.

Its plan is cheap (the files every language shares, and the site's copies of the contracts, written
beside the contracts they link to); gathering the site is the expensive part, done once every
other part is already being written, and its element pages are shared between two processes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from arsitek.generators.base import LANGS, Inputs, Plan, Split, link_or_copy
from arsitek.generators.contracts import Contracts
from arsitek.generators.site import element_chunks, iter_elements, iter_pages, prepare_site, shared_files
from arsitek.generators.site.gather import Page
from arsitek.output import Written


@dataclass(frozen=True)
class SiteGenerator:
    """Every page in both languages, the site-wide diagrams, the search index, styles and scripts."""

    name: str = "site"
    folder: str = "site"
    needs: tuple[str, ...] = ("contracts",)
    joins: str | None = "contracts"
    #: What ``arsitek generate site`` writes with it: the pages link to the dictionary's spreadsheets.
    also: tuple[str, ...] = ("dictionary",)
    #: what a change did, per language, for the "changes" page of a site built with ``--since``
    changes: dict[str, dict[str, Any]] | None = None

    def plan(self, inputs: Inputs, plans: Mapping[str, Plan]) -> Plan:
        contracts: Contracts = plans["contracts"].published
        copies = link_or_copy(inputs, "contracts", "contracts", contracts.artifacts())

        def split() -> Split:
            prepared = prepare_site(
                inputs.view, inputs.result, inputs.ontology, contracts.catalogue, changes=self.changes
            )

            def render(chunks: Iterable[list[Page]], side: int) -> Iterable[Written]:
                """Every language's pages of the elements in ``chunks``, and one language's other pages."""
                return itertools.chain(iter_elements(prepared, chunks, LANGS), iter_pages(prepared, LANGS[side]))

            return Split(element_chunks(prepared), render)

        return Plan(tasks=[lambda: shared_files(copies)], split=split)
