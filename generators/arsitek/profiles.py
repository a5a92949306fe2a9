"""Profiles: what a sector adds to the SPBE core, switched on by the model that declares it.

The core knows SPBE for any agency. A profile (the election extension, a health or an education
one) brings vocabulary, rules, site pages and the terms the typed view reads for it, and a model
switches it on with ``owl:imports <the profile's ontology IRI>``: the import resolves to the
profile's local files, never to the network. A model that does not declare a profile sees none of it.

Profiles are found through the ``arsitek.profiles`` entry point group, so an agency ships its own
as a package of its own and the core never names one. A leaf module: it holds paths and opaque
contributions; the generators that read ``site`` know its type, this module does not.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from arsitek.errors import ArsitekError

GROUP = "arsitek.profiles"


@dataclass(frozen=True)
class Profile:
    """One sector profile: its ontology IRI (what a model imports), its files and its contributions."""

    iri: str
    label: Mapping[str, str]
    #: Turtle files (or folders of them) of the profile's vocabulary, loaded when a model imports ``iri``
    vocabulary: tuple[Path, ...]
    #: SHACL shape files (or folders), added to the core rules for a model that imports ``iri``
    shapes: tuple[Path, ...] = ()
    #: The profile's terms for the typed view's open slots: ``gap`` (a class whose elements are
    #: known gaps), ``gap_concerns``, ``gap_consequence``, ``form_code`` (a data entity's official form)
    view_terms: Mapping[str, str] = field(default_factory=dict)
    #: What the site adds for this profile (an ``arsitek.generators.site.extensions.SiteExtension``)
    site: Any = None


@functools.cache
def installed() -> tuple[Profile, ...]:
    """Every profile installed on this machine, in the order of their ontology IRIs."""
    found: dict[str, Profile] = {}
    for point in entry_points(group=GROUP):
        try:
            profile = point.load()
        except Exception as exc:  # a broken third-party profile is named, not a traceback
            raise ArsitekError(f"the profile {point.name!r} ({point.value}) cannot be loaded: {exc}") from None
        if not isinstance(profile, Profile):
            raise ArsitekError(f"the profile {point.name!r} ({point.value}) is not an arsitek Profile")
        found.setdefault(profile.iri, profile)
    return tuple(found[iri] for iri in sorted(found))


def named(iris: Iterable[str]) -> list[Profile]:
    """The installed profiles among ``iris`` (a model's imports), in a fixed order."""
    wanted = set(iris)
    return [p for p in installed() if p.iri in wanted]


def by_iri(iri: str) -> Profile | None:
    return next((p for p in installed() if p.iri == iri), None)
