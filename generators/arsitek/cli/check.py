"""``arsitek validate`` and ``arsitek rules``: checking a model, and the catalogue it is checked against."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from arsitek.build import Options, check, default_model, inputs_of, load
from arsitek.cli.options import (
    LANG_OPTION,
    ONTOLOGY_OPTION,
    cli,
    console,
    credentials,
    endpoint_options,
    model_options,
    notice,
)
from arsitek.errors import ArsitekError, UsageError
from arsitek.paths import data_folders
from arsitek.text import one_line
from arsitek.validate.findings import Severity


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit", "sarif"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["violation", "warning", "info"]),
    default="violation",
    show_default=True,
    help="Lowest severity that makes the command exit 1.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--endpoint",
    default=None,
    metavar="URL",
    help="Validate the model published at this SPARQL 1.1 query service (see `arsitek publish`), not files.",
)
@endpoint_options
@click.option(
    "--watch",
    is_flag=True,
    help="Stay running and check again after every save, re-running only the checks the change can affect.",
)
@model_options
def validate(
    paths: tuple[Path, ...],
    fmt: str,
    fail_on: str,
    output: Path | None,
    endpoint: str | None,
    graph_base: str | None,
    user: str | None,
    password_env: str,
    auth: str,
    timeout: float,
    watch: bool,
    lang: str,
    ontology_dir: Path | None,
    engine: str,
) -> None:
    """Check the model against the SPBE rules (SHACL shapes).

    PATH is a Turtle file or a folder of them (default: ./model when it exists,
    else the KPU model arsitek ships).
    The vocabulary in ontology/ is always loaded alongside.
    """
    from arsitek.generators.reports import RENDERERS
    from arsitek.generators.reports.text import print_text
    from arsitek.output import write_file

    threshold = Severity.parse(fail_on)
    if watch:
        if fmt != "text" or output is not None or engine != "sparql" or endpoint is not None:
            raise UsageError("--watch prints the text report of local files and runs on the SPARQL engine")
        from arsitek.watch import watch as watch_files

        model_paths = list(paths) or [default_model(data_folders(ontology_dir))]
        sys.exit(watch_files(model_paths, ontology_dir, lang, threshold, console()))
    if endpoint is not None:
        if paths or engine != "sparql":
            raise UsageError("--endpoint validates the published model: give no PATH and no --engine pyshacl")
        from arsitek import profiles
        from arsitek.endpoint import DEFAULT_GRAPH_BASE
        from arsitek.validate import ShapesGraph, load_shapes, validate_endpoint

        folders = data_folders(ontology_dir)

        def rules_of(imports: list[str]) -> ShapesGraph:
            return load_shapes([folders.shapes, *(path for p in profiles.named(imports) for path in p.shapes)])

        login = credentials(user, password_env, auth)
        result = validate_endpoint(endpoint, rules_of, graph_base or DEFAULT_GRAPH_BASE, login, timeout)
    else:
        run = Options(paths, ontology_dir, engine, lang)
        result = check(load(run, notice), run)
    if output is not None:
        _refuse_overwriting_input(output, [] if endpoint is not None else inputs_of(Options(paths, ontology_dir)))
        write_file(output, RENDERERS[fmt](result, lang, threshold))
    elif fmt == "text":
        print_text(console(), result, lang, threshold)
    else:
        click.echo(RENDERERS[fmt](result, lang, threshold), nl=False)
    if result.unreadable:  # the report is written all the same: a code-scanning upload shows the lines
        if fmt != "text" or output is not None:  # the text report on the terminal lists them already
            for error in result.unreadable:
                click.echo(one_line(str(error)), err=True)
        count = len(result.unreadable)
        raise ArsitekError(f"{count} file{'s' if count > 1 else ''} could not be read; the others were checked")
    sys.exit(1 if result.fails(threshold) else 0)


def _refuse_overwriting_input(output: Path, inputs: list[Path]) -> None:
    target = output.resolve()
    for given in inputs:
        root = given.resolve()
        if target == root or (root.is_dir() and target.is_relative_to(root) and target.suffix in {".ttl", ".nt"}):
            raise UsageError(f"refusing to write the report to {output}: it would overwrite the model it checks")


@cli.command()
@LANG_OPTION
@ONTOLOGY_OPTION
def rules(lang: str, ontology_dir: Path | None) -> None:
    """List the rule catalogue: id, severity and what each rule asks."""
    from rich.table import Table

    from arsitek.profiles import installed
    from arsitek.validate import load_shapes

    def print_rules(shapes: list[Path]) -> None:
        table = Table("Rule", "Severity", "Title" if lang == "en" else "Judul", box=None, pad_edge=False)
        for rule in load_shapes(shapes).rules:
            table.add_row(rule.rule_id, rule.severity.word, rule.title_in(lang))
        console().print(table)

    print_rules([data_folders(ontology_dir).shapes])
    for profile in installed():  # a profile's rules apply only to a model that imports it
        if profile.shapes:
            heading = "Profil" if lang == "id" else "Profile"
            console().print(f"\n{heading} {profile.label.get(lang, profile.iri)} <{profile.iri}>", markup=False)
            print_rules(list(profile.shapes))
