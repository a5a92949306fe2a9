"""The ``arsitek`` command: the only module that prints or exits.

Exit codes, for every subcommand: 0 nothing at or above ``--fail-on`` was
found, 1 something was, 2 the command could not run (bad input, bad usage).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from arsitek import __version__
from arsitek.errors import ArsitekError
from arsitek.paths import DataFolders, data_folders
from arsitek.validate.findings import Severity

F = TypeVar("F", bound=Callable[..., Any])

SECTIONS: dict[str, tuple[str, ...]] = {
    "Check": ("validate", "rules"),
    "Build": ("build",),
}


class GroupedCommands(click.Group):
    """Lists subcommands under headings, in the order architects reach for them."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        listed: set[str] = set()
        for heading, names in SECTIONS.items():
            rows = []
            for name in names:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit=70)))
                    listed.add(name)
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)
        rest = [
            (n, c.get_short_help_str(limit=70))
            for n in self.list_commands(ctx)
            if n not in listed and (c := self.get_command(ctx, n)) is not None
        ]
        if rest:
            with formatter.section("Other"):
                formatter.write_dl(rest)


LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(["id", "en"]),
    default="id",
    show_default=True,
    help="Language of messages and labels.",
)
ONTOLOGY_OPTION = click.option(
    "--ontology",
    "ontology_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Vocabulary folder, with its shapes/ (default: the ontology/ arsitek ships).",
)
ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(["pyshacl"]),
    default="pyshacl",
    show_default=True,
    help="Validation engine.",
)


def model_options(func: F) -> F:
    """Options shared by every command that loads a model."""
    return LANG_OPTION(ONTOLOGY_OPTION(ENGINE_OPTION(func)))


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


@click.group(cls=GroupedCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="arsitek")
def cli() -> None:
    """Architecture as code for SPBE: validate an architecture model written in Turtle
    and build documentation and contracts from it.

    With no PATH, commands work on ./model, or on the KPU election-data
    model arsitek ships when there is no ./model folder.
    """


def default_model(folders: DataFolders) -> Path:
    """The model a command works on when given no PATH: ./model when there is one, else the KPU model."""
    here = Path("model")
    return here if here.is_dir() and any(here.rglob("*.ttl")) else folders.model


def _run_validation(paths: tuple[Path, ...], ontology_dir: Path | None, engine: str) -> Any:
    from arsitek.load import load_model
    from arsitek.validate import load_shapes, validate_model

    folders = data_folders(ontology_dir)
    model_paths = list(paths) or [default_model(folders)]
    model = load_model(model_paths, [folders.ontology], exclude=[folders.shapes])
    shapes = load_shapes([folders.shapes])
    return validate_model(model, shapes, engine=engine)


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
@model_options
def validate(
    paths: tuple[Path, ...],
    fmt: str,
    fail_on: str,
    output: Path | None,
    lang: str,
    ontology_dir: Path | None,
    engine: str,
) -> None:
    """Check the model against the SPBE rules (SHACL shapes).

    PATH is a Turtle file or a folder of them (default: ./model when it exists,
    else the KPU model arsitek ships).
    The vocabulary in ontology/ is always loaded alongside.
    """
    from arsitek.output import write_file
    from arsitek.validate.report import RENDERERS
    from arsitek.validate.report.text import print_text

    threshold = Severity.parse(fail_on)
    result = _run_validation(paths, ontology_dir, engine)
    if output is not None:
        write_file(output, RENDERERS[fmt](result, lang, threshold))
    elif fmt == "text":
        print_text(_console(), result, lang, threshold)
    else:
        click.echo(RENDERERS[fmt](result, lang, threshold), nl=False)
    sys.exit(1 if result.fails(threshold) else 0)


@cli.command()
@LANG_OPTION
@ONTOLOGY_OPTION
def rules(lang: str, ontology_dir: Path | None) -> None:
    """List the rule catalogue: id, severity and what each rule asks."""
    from rich.table import Table

    from arsitek.validate import load_shapes

    shapes = load_shapes([data_folders(ontology_dir).shapes])
    table = Table("Rule", "Severity", "Title" if lang == "en" else "Judul", box=None, pad_edge=False)
    for rule in shapes.rules:
        table.add_row(rule.rule_id, rule.severity.word, rule.title_in(lang))
    _console().print(table)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Output folder (replaced atomically).",
)
@click.option("--allow-invalid", is_flag=True, help="Build even when the model has Violations.")
@click.option("--strict", is_flag=True, help="Fail on Warnings too.")
@model_options
def build(
    paths: tuple[Path, ...],
    out_dir: Path,
    allow_invalid: bool,
    strict: bool,
    lang: str,
    ontology_dir: Path | None,
    engine: str,
) -> None:
    """Validate the model, then write everything this release builds from it.

    This release writes the validation reports (text, JSON, JUnit, SARIF) into
    OUTPUT/validation/. A failed build leaves the previous output untouched.
    """
    from arsitek.output import write_tree
    from arsitek.validate.report import RENDERERS
    from arsitek.validate.report.text import print_text

    threshold = Severity.WARNING if strict else Severity.VIOLATION
    result = _run_validation(paths, ontology_dir, engine)
    console = _console(stderr=True)
    print_text(console, result, lang, threshold)
    if result.fails(threshold) and not allow_invalid:
        console.print(
            f"arsitek: build stopped: the model has findings at or above {threshold.word}; "
            f"{out_dir} was left as it was",
            style="bold red",
        )
        sys.exit(1)
    suffixes = {"text": "txt", "json": "json", "junit": "junit.xml", "sarif": "sarif"}
    artifacts = [
        (f"validation/report.{suffixes[fmt]}", RENDERERS[fmt](result, lang, threshold)) for fmt in sorted(suffixes)
    ]
    written = write_tree(out_dir, artifacts)
    console.print(f"arsitek: wrote {written} files to {out_dir}/", style="green")


def main(argv: list[str] | None = None) -> None:
    """Entry point: turns every :class:`ArsitekError` into a one-line message and its exit code."""
    try:
        cli.main(args=argv, prog_name="arsitek", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("arsitek: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ArsitekError as exc:
        click.echo(str(exc) if exc.located else f"arsitek: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("arsitek: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("ARSITEK_DEBUG"):
            raise
        click.echo(
            f"arsitek: internal error: {type(exc).__name__}: {exc} "
            "(set ARSITEK_DEBUG=1 for a traceback and please report it)",
            err=True,
        )
        sys.exit(2)
    sys.exit(0)
