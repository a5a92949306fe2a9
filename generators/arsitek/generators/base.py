"""What a generator is: what it reads (:class:`Inputs`), what it plans (:class:`Plan`), how work is shared.

The registry is :mod:`arsitek.generators`; the pipeline that runs the plans is :mod:`arsitek.build`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from arsitek.output import SameAs, Written
from arsitek.validate.findings import Severity, ValidationResult
from arsitek.view import ArchitectureView

#: The languages every generator writes, in this order.
LANGS = ("id", "en")

Task = Callable[[], Iterable[Written]]


@dataclass(frozen=True)
class Inputs:
    """What every generator may read. No generator reads the store: everything is in ``view`` and ``result``."""

    view: ArchitectureView
    result: ValidationResult
    ontology: Path
    lang: str
    threshold: Severity
    #: The generators written in this run: a file another one writes too is linked, not copied.
    writing: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Split:
    """Work two processes share: ``chunks`` taken from the front by this process, from the back by the other.

    ``render(chunks, side)`` writes the chunks it is given; side 0 is this process, side 1 the other,
    so each can also take one half of the work that is not chunked (the site: one language each).
    """

    chunks: Sequence[Any]
    render: Callable[[Iterable[Any], int], Iterable[Written]]


@dataclass
class Plan:
    """What one generator will write, planned; the pipeline decides where and when it is written.

    ``tasks`` are written by a second process while this one goes on; ``published`` is what later
    generators read (the contracts' catalogue); ``split`` is prepared last, after every task started.
    """

    tasks: list[Task] = field(default_factory=list)
    published: Any = None
    split: Callable[[], Split] | None = None


class Generator(Protocol):
    """One output family: a name for ``arsitek generate``, the folder it writes in a build, and its plan."""

    @property
    def name(self) -> str: ...

    @property
    def folder(self) -> str: ...

    @property
    def needs(self) -> tuple[str, ...]:
        """Generators whose plans this one reads (planned first, even when not written)."""
        ...

    @property
    def joins(self) -> str | None:
        """Another generator whose second process writes this one's tasks too, because they link to its files."""
        ...

    @property
    def also(self) -> tuple[str, ...]:
        """Generators ``arsitek generate`` writes with this one (the site's pages link to the spreadsheets)."""
        ...

    def plan(self, inputs: Inputs, plans: Mapping[str, Plan]) -> Plan: ...


def link_or_copy(inputs: Inputs, owner: str, folder: str, artifacts: Iterable[Written]) -> Iterator[Written]:
    """``artifacts`` of generator ``owner`` as another generator's copies: links when ``owner`` is written too."""
    for path, content in artifacts:
        yield (path, SameAs(f"{folder}/{path}") if owner in inputs.writing else content)
