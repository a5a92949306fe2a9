"""The output families and the one registry that names them.

Each generator reads what the pipeline hands it (:class:`Inputs`: the model, its typed view, the
findings) and plans what it writes (:class:`Plan`); it never writes a file itself. ``arsitek
build`` runs every registered generator, ``arsitek generate KIND`` one of them. A new output is
one module with a class like those below and one line in :data:`GENERATORS`; a profile adds its
own with :func:`register`.
"""

from __future__ import annotations

from arsitek.generators.base import Generator

GENERATORS: dict[str, Generator] = {}


def register(generator: Generator) -> Generator:
    """Add a generator (a profile's own pages or diagrams); later ones may read and join earlier ones."""
    GENERATORS[generator.name] = generator
    return generator


def _register_builtins() -> None:
    from arsitek.generators.contracts.generator import ContractsGenerator
    from arsitek.generators.dictionary import DictionaryGenerator
    from arsitek.generators.reports import ReportsGenerator
    from arsitek.generators.site.generator import SiteGenerator
    from arsitek.generators.workbook import WorkbookGenerator

    builtins = (DictionaryGenerator(), WorkbookGenerator(), ContractsGenerator(), ReportsGenerator(), SiteGenerator())
    for generator in builtins:
        register(generator)


_register_builtins()
