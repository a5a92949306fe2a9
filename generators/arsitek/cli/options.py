"""What every command shares: the group, its help layout, the options, and how output is printed.

Exit codes, for every subcommand: 0 nothing at or above ``--fail-on`` was
found, 1 something was, 2 the command could not run (bad input, bad usage).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from arsitek.build import Options
from arsitek.errors import UsageError
from arsitek.validate.findings import Severity, ValidationResult
from arsitek.version import __version__

F = TypeVar("F", bound=Callable[..., Any])

SECTIONS: dict[str, tuple[str, ...]] = {
    "Check": ("validate", "rules"),
    "Review": ("diff", "query", "impact"),
    "Build": ("build", "generate"),
    "Exchange": ("import", "export"),
    "Share": ("publish",),
    "Serve": ("stub",),
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
MAPPING_OPTION = click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Your own sheet and column mapping (Turtle), when your template differs from SIA-SPBE's.",
)
ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(["sparql", "pyshacl"]),
    default="sparql",
    show_default=True,
    help="Validation engine: set-based SPARQL on pyoxigraph, or pyshacl.",
)


def output_dir_option(default: Path) -> Callable[[F], F]:
    """The output folder option of every command that writes a tree of files."""
    return click.option(
        "--output",
        "-o",
        "out_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=default,
        show_default=True,
        help="Output folder (replaced atomically).",
    )


def model_folder_option(help: str) -> Callable[[F], F]:
    """The folder an importer writes a model's Turtle files into (``--output``, required)."""
    return click.option(
        "--output",
        "-o",
        "folder",
        required=True,
        type=click.Path(path_type=Path, file_okay=False),
        help=help,
    )


def naming_options(whose: str) -> Callable[[F], F]:
    """``--prefix`` and ``--namespace``: how an importer names the elements it writes (``whose``)."""

    def add(func: F) -> F:
        func = click.option("--namespace", default=None, metavar="IRI", help=f"The IRI {whose} names start with.")(func)
        return click.option("--prefix", default=None, help=f"The Turtle prefix of {whose} names (e.g. kota).")(func)

    return add


def endpoint_options(func: F) -> F:
    """Where a published model lives, how to log in there, and how long to wait for it."""
    func = click.option(
        "--timeout",
        type=click.FloatRange(min=0.1),
        default=60.0,
        show_default=True,
        metavar="SECONDS",
        help="How long one request to the server may take before arsitek gives up on it.",
    )(func)
    func = click.option(
        "--graph-base",
        default=None,
        metavar="IRI",
        help="Prefix of the named graphs, one per file (default: urn:arsitek:berkas:).",
    )(func)
    func = click.option(
        "--user",
        envvar="ARSITEK_ENDPOINT_USER",
        default=None,
        help="User name for the endpoint (or ARSITEK_ENDPOINT_USER).",
    )(func)
    func = click.option(
        "--password-env",
        default="ARSITEK_ENDPOINT_PASSWORD",
        show_default=True,
        metavar="NAME",
        help="Environment variable holding the password (never on the command line).",
    )(func)
    return click.option(
        "--auth",
        type=click.Choice(["digest", "basic"]),
        default="digest",
        show_default=True,
        help="HTTP authentication the endpoint asks for.",
    )(func)


def credentials(user: str | None, password_env: str, auth: str) -> Any:
    from arsitek.endpoint import Credentials

    if user is None:
        return None
    password = os.environ.get(password_env)
    if password is None:
        raise UsageError(f"--user given but the password variable {password_env} is not set")
    return Credentials(user, password, auth)


def model_options(func: F) -> F:
    """Options shared by every command that loads a model."""
    return LANG_OPTION(ONTOLOGY_OPTION(ENGINE_OPTION(func)))


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False)  # model text is never markup


def notice(message: str) -> None:
    """A line about the run on standard error (which model is used, which file could not be read)."""
    click.echo(message, err=True)


def report(lang: str) -> Callable[[ValidationResult, Severity], None]:
    """Findings of a command that goes on to build: the text report, on standard error."""
    from arsitek.generators.reports.text import print_text

    return lambda result, threshold: print_text(console(stderr=True), result, lang, threshold)


def options(paths: tuple[Path, ...], ontology_dir: Path | None, engine: str, lang: str, **more: bool) -> Options:
    return Options(paths, ontology_dir, engine, lang, **more)


@click.group(cls=GroupedCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="arsitek")
def cli() -> None:
    """Architecture as code for SPBE: validate an architecture model written in Turtle
    and build documentation and contracts from it.

    With no PATH, commands work on ./model, or on the KPU election-data
    model arsitek ships when there is no ./model folder.
    """
