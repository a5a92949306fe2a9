"""``arsitek build`` and ``arsitek generate KIND``: the pipeline (:mod:`arsitek.build`), with a progress bar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from arsitek import build as pipeline
from arsitek.cli.options import MAPPING_OPTION, cli, console, model_options, notice, output_dir_option, report
from arsitek.errors import UsageError
from arsitek.generators import GENERATORS
from arsitek.generators.base import Generator


@contextmanager
def _progress() -> Iterator[Any]:
    """A bar over the site's element pages on a terminal; nothing in a log."""
    from rich.progress import Progress

    shown = console(stderr=True)
    with Progress(console=shown, transient=True, disable=not shown.is_terminal) as bar:
        task = bar.add_task("site", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _wrote(written: int, out_dir: Path) -> None:
    console(stderr=True).print(f"arsitek: wrote {written} files to {out_dir}/", style="green")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_dir_option(Path("build"))
@click.option("--allow-invalid", is_flag=True, help="Build even when the model has Violations.")
@click.option("--strict", is_flag=True, help="Fail on Warnings too.")
@click.option(
    "--since",
    metavar="BASE",
    default=None,
    help="Add a changes page: what changed since BASE (a git revision of the model's repository, or a folder).",
)
@model_options
def build(
    paths: tuple[Path, ...],
    out_dir: Path,
    allow_invalid: bool,
    strict: bool,
    since: str | None,
    lang: str,
    ontology_dir: Path | None,
    engine: str,
) -> None:
    """Validate the model, then write everything this release builds from it.

    OUTPUT/site/ holds the documentation site (open site/index.html),
    OUTPUT/contracts/ the integration contracts, OUTPUT/validation/ the
    reports (text, JSON, JUnit, SARIF). A failed build leaves the previous
    output untouched.
    """
    options = pipeline.Options(paths, ontology_dir, engine, lang, allow_invalid, strict)
    overrides = {"site": _site_since(since, paths, ontology_dir)} if since else None
    with _progress() as progress:
        written = pipeline.build(options, out_dir, report(lang), notice, overrides=overrides, progress=progress)
    _wrote(written, out_dir)


def _site_since(since: str, paths: tuple[Path, ...], ontology_dir: Path | None) -> Generator:
    """The site with a changes page: the diff of the model since ``since`` (see ``arsitek diff``)."""
    from arsitek.diff.report import as_dict
    from arsitek.diff.run import diff_folders
    from arsitek.diff.sides import materialised
    from arsitek.generators.base import LANGS
    from arsitek.generators.site.generator import SiteGenerator
    from arsitek.paths import data_folders

    folders = data_folders(ontology_dir)
    if len(paths) > 1 or (paths and not paths[0].is_dir()):
        raise UsageError("--since compares one model folder: give it as the only PATH")
    model = paths[0] if paths else pipeline.default_model(folders)
    with materialised(since, model) as base:
        found = diff_folders(
            base.folder,
            model,
            base.name,
            model.as_posix(),
            [folders.ontology],
            folders.not_vocabulary,
            lambda loaded: pipeline.rules_for(loaded, ontology_dir),
        )
    return SiteGenerator(changes={lang: as_dict(found, lang) for lang in LANGS})


@cli.command()
@click.argument("kind", type=click.Choice(sorted(GENERATORS)), metavar="KIND")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (replaced atomically; default: build/KIND).",
)
@click.option("--app", "app", default=None, help="contracts: only those one application takes part in (e.g. Sidalih).")
@click.option("--allow-invalid", is_flag=True, help="Generate even when the model has Violations.")
@click.option("--strict", is_flag=True, help="Fail on Warnings too.")
@model_options
def generate(
    kind: str,
    paths: tuple[Path, ...],
    out_dir: Path | None,
    app: str | None,
    allow_invalid: bool,
    strict: bool,
    lang: str,
    ontology_dir: Path | None,
    engine: str,
) -> None:
    """Write one kind of output: site, contracts, dictionary or reports (see `arsitek build` for all).

    KIND is one of the registered generators; only its files are written, into
    their own folder, as `arsitek build` writes them.
    """
    from arsitek.generators.contracts.generator import ContractsGenerator

    target = out_dir or Path("build") / kind
    overrides = {}
    if app is not None:
        if kind != "contracts":
            raise UsageError("--app selects the contracts of one application: use it with `generate contracts`")
        overrides["contracts"] = ContractsGenerator(app=app)
    options = pipeline.Options(paths, ontology_dir, engine, lang, allow_invalid, strict)
    with _progress() as progress:
        written = pipeline.build(options, target, report(lang), notice, [kind], overrides, progress)
    _wrote(written, target)


@cli.group()
def export() -> None:
    """Outputs for the tools an agency already uses (spreadsheets, documents, ArchiMate)."""


def _checked(mapping: Path) -> Path:
    """The agency's mapping, read once here so that a mistake in it is reported before any work starts."""
    from arsitek.spreadsheet.mapping import read_mapping

    read_mapping(mapping)
    return mapping


def _export(
    kind: str,
    generator: Generator,
    paths: tuple[Path, ...],
    out_dir: Path,
    allow_invalid: bool,
    lang: str,
    ontology_dir: Path | None,
    engine: str,
) -> None:
    """Validate, then write one generator's files into ``out_dir`` (replaced atomically)."""
    options = pipeline.Options(paths, ontology_dir, engine, lang, allow_invalid, False)
    with _progress() as progress:
        written = pipeline.build(options, out_dir, report(lang), notice, [kind], {kind: generator}, progress)
    _wrote(written, out_dir)


@export.command("xlsx")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_dir_option(Path("build/tabel"))
@MAPPING_OPTION
@click.option("--allow-invalid", is_flag=True, help="Export even when the model has Violations.")
@model_options
def export_xlsx(
    paths: tuple[Path, ...], out_dir: Path, mapping: Path | None, allow_invalid: bool, **model: Any
) -> None:
    """The SIA-SPBE domain tables as one workbook per language (OUTPUT/unduh/tabel-sia-spbe-LANG.xlsx).

    A sheet per domain and infrastructure object, columns in the template's order
    (generators/arsitek/templates/workbook/sia-spbe.ttl), codes with their names,
    a frozen and filtered header. `arsitek build` writes the same files into the site.
    """
    from arsitek.generators.workbook import WorkbookGenerator

    generator = WorkbookGenerator(mapping=_checked(mapping)) if mapping else WorkbookGenerator()
    _export("workbook", generator, paths, out_dir, allow_invalid, **model)


@export.command("docx")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_dir_option(Path("build/dokumen"))
@MAPPING_OPTION
@click.option("--allow-invalid", is_flag=True, help="Export even when the model has Violations.")
@model_options
def export_docx(
    paths: tuple[Path, ...], out_dir: Path, mapping: Path | None, allow_invalid: bool, **model: Any
) -> None:
    """The architecture document, one per language (OUTPUT/unduh/dokumen-arsitektur-LANG.docx).

    A cover with the agency's name and the model's version, a section per SPBE domain with its
    table and diagram, the coverage of the national reference lists, and the open findings.
    """
    from arsitek.generators.document import DocumentGenerator

    generator = DocumentGenerator(mapping=_checked(mapping)) if mapping else DocumentGenerator()
    _export("document", generator, paths, out_dir, allow_invalid, **model)


@export.command("archimate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_dir_option(Path("build/archimate"))
@click.option("--allow-invalid", is_flag=True, help="Export even when the model has Violations.")
@model_options
def export_archimate(paths: tuple[Path, ...], out_dir: Path, allow_invalid: bool, **model: Any) -> None:
    """The model as one ArchiMate exchange file (OUTPUT/model.xml, MEFF 3.1) for Archi, Visual Paradigm, Sparx EA.

    Elements, relationships (each one ArchiMate 3.2 allows), names and documentation in both
    languages, SPBE facts as properties, and views laid out by Graphviz (docs/archimate.md).
    """
    from arsitek.generators.archimate import ArchimateGenerator

    _export("archimate", ArchimateGenerator(), paths, out_dir, allow_invalid, **model)
