"""``arsitek diff``: what a change does, for the pull request that makes it."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from arsitek.cli.options import LANG_OPTION, ONTOLOGY_OPTION, cli, console
from arsitek.errors import OutputError
from arsitek.output import write_file


@cli.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--model",
    "model",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("model"),
    show_default=True,
    help="The model's folder in the repository (for revisions), or the working tree's side (HEAD omitted).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json", "sarif"]),
    default="text",
    show_default=True,
    help="text for the terminal, markdown for a pull-request comment, json (docs/diff.schema.json), sarif.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Write to a file.")
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "warning", "info", "never"]),
    default="never",
    show_default=True,
    help="Exit 1 when the change has a change this severe or worse.",
)
@LANG_OPTION
@ONTOLOGY_OPTION
def diff(
    base: str,
    head: str | None,
    model: Path,
    fmt: str,
    output: Path | None,
    fail_on: str,
    lang: str,
    ontology_dir: Path | None,
) -> None:
    """Compare the model at BASE with HEAD: git revisions of the model's repository, or two folders.

    HEAD defaults to the working tree (the --model folder). Nothing is checked out over your work:
    a revision is read into a temporary folder. The report lists the changes by severity (each
    with its check id), the elements changed by SPBE domain with what depends on them, the
    findings introduced and fixed, and the contracts each change breaks for which consumers.
    """
    from arsitek.build import rules_for
    from arsitek.diff.changes import SEVERITIES
    from arsitek.diff.report import RENDERERS
    from arsitek.diff.run import diff_folders
    from arsitek.diff.sides import materialised
    from arsitek.paths import data_folders

    folders = data_folders(ontology_dir)
    with contextlib.ExitStack() as stack:
        base_side = stack.enter_context(materialised(base, model))
        head_side = stack.enter_context(materialised(head, model)) if head else None
        head_folder = head_side.folder if head_side else model
        if not head_folder.is_dir():
            raise OutputError(f"{head_folder} is not a folder: give --model, or HEAD")
        shown = f"{model.as_posix().rstrip('/')}/" if not Path(base).is_dir() else ""
        result = diff_folders(
            base_side.folder,
            head_folder,
            base_side.name,
            head_side.name if head_side else f"{model.as_posix()} (working tree)",
            [folders.ontology],
            folders.not_vocabulary,
            lambda loaded: rules_for(loaded, ontology_dir),
            shown_as=shown,
        )
    rendered = RENDERERS[fmt](result, lang)
    if output is not None:
        write_file(output, rendered)
    elif fmt == "text":
        console().print(rendered, end="", markup=False, highlight=False)
    else:
        click.echo(rendered, nl=False)
    if fail_on != "never" and result.worst() >= SEVERITIES.index(fail_on):
        sys.exit(1)
