"""``arsitek init``: the first command a new agency runs."""

from __future__ import annotations

from pathlib import Path

import click

from arsitek.cli.options import cli, notice
from arsitek.starter import KINDS, render, write_model


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", required=True, help='The agency, e.g. "Pemerintah Kota Contoh".')
@click.option(
    "--kind",
    type=click.Choice(sorted(KINDS)),
    default="pemda",
    show_default=True,
    help="A regional government (pemda) or a central agency (instansi-pusat).",
)
@click.option("--prefix", required=True, help="The Turtle prefix of the agency's names, e.g. kota.")
@click.option(
    "--namespace", required=True, metavar="IRI", help="The IRI the names start with, e.g. https://x.go.id/arsitektur/."
)
def init(folder: Path, name: str, kind: str, prefix: str, namespace: str) -> None:
    """Start a model for an agency in FOLDER (new or empty): one file per SPBE domain, with examples.

    The model validates with no Violation and builds as it is; replace each example (marked
    "Contoh") with the agency's own elements.
    """
    write_model(folder, render(name, kind, prefix, namespace))
    notice(
        f"arsitek: wrote the starting model ({kind}) to {folder}/; "
        f"next: arsitek validate {folder}, then arsitek build {folder} -o site"
    )
