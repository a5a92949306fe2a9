"""``arsitek import xlsx``: the spreadsheets an agency already keeps, as Turtle files of its model."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from arsitek.cli.options import MAPPING_OPTION, ONTOLOGY_OPTION, cli, console, model_folder_option, naming_options
from arsitek.paths import data_folders
from arsitek.text import one_line


@cli.group("import")
def import_() -> None:
    """Bring what an agency keeps elsewhere (spreadsheets, ArchiMate models) into its model."""


@import_.command("xlsx")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@model_folder_option("The model folder to write into: new, empty, or holding the model to merge into.")
@click.option("--update", is_flag=True, help="Change the workbook's elements in the model's existing files.")
@MAPPING_OPTION
@naming_options("new elements'")
@ONTOLOGY_OPTION
def import_xlsx(
    workbooks: tuple[Path, ...],
    folder: Path,
    update: bool,
    mapping: Path | None,
    prefix: str | None,
    namespace: str | None,
    ontology_dir: Path | None,
) -> None:
    """Read WORKBOOK(s) laid out like the SPBE domain tables and write their elements as Turtle.

    A sheet is matched by its title or its header row (in Indonesian or English, anywhere in its
    first 30 rows); each row becomes an element with a dcterms:source naming the workbook, sheet
    and row. Rows that match an element of the model (by ID or name) update it; existing files
    change only with --update. Exits 1 when a cell, row or sheet was not understood (each is
    listed with its place), 2 when the import could not run.
    """
    from arsitek.spreadsheet.importer import import_workbooks

    folders = data_folders(ontology_dir)
    outcome = import_workbooks(
        list(workbooks),
        folder,
        ontology=[folders.ontology],
        not_vocabulary=folders.not_vocabulary,
        mapping=mapping,
        prefix=prefix,
        namespace=namespace,
        update=update,
    )
    shown = console(stderr=True)
    for problem in outcome.problems:
        shown.print(f"arsitek: not understood: {one_line(str(problem))}", style="yellow")
    written = ", ".join(p.name for p in outcome.files) or "none"
    shown.print(
        f"arsitek: {outcome.rows} rows read; {outcome.new} elements new, {outcome.changed} changed, "
        f"{outcome.unchanged} unchanged, {outcome.units} units added by name; "
        f"{outcome.cells_not_understood} cells not understood; files written: {written}",
        style="yellow" if outcome.problems else "green",
    )
    if outcome.problems:
        sys.exit(1)


@import_.command("archimate")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@model_folder_option("A new or empty folder for the model (or one holding a model that has none of the files written).")
@click.option("--lenient", is_flag=True, help="Import a file that breaks the schema, listing each problem by line.")
@naming_options("the elements'")
@ONTOLOGY_OPTION
def import_archimate(
    file: Path, folder: Path, lenient: bool, prefix: str | None, namespace: str | None, ontology_dir: Path | None
) -> None:
    """Read an ArchiMate exchange file (MEFF 3.0 or 3.1, from Archi, Visual Paradigm or Sparx EA) into Turtle.

    Elements become SPBE classes where the mapping is clear and keep their ArchiMate type otherwise;
    relationships the nearest SPBE property or one keeping their type; views the elements they
    show (docs/archimate.md). A file declaring a DTD or entities is refused. Exits 1 when a problem
    was reported (with --lenient), 2 when the file was refused.
    """
    from arsitek.exchange.importer import import_archimate as run

    folders = data_folders(ontology_dir)
    outcome = run(
        file,
        folder,
        ontology=[folders.ontology],
        not_vocabulary=folders.not_vocabulary,
        prefix=prefix,
        namespace=namespace,
        lenient=lenient,
    )
    shown = console(stderr=True)
    for problem in outcome.problems:
        where = f"{file}:{problem.line}: " if problem.line else f"{file}: "
        shown.print(f"arsitek: problem: {one_line(where + problem.reason)}", style="yellow")
    written = ", ".join(p.name for p in outcome.files) or "none"
    shown.print(
        f"arsitek: {outcome.elements} elements, {outcome.relationships} relationships, {outcome.views} views "
        f"imported; {len(outcome.problems)} problems; files written: {written}",
        style="yellow" if outcome.problems else "green",
    )
    if outcome.problems:
        sys.exit(1)
