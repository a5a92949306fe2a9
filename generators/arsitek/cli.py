"""The ``arsitek`` command: the only module that prints or exits.

Exit codes, for every subcommand: 0 nothing at or above ``--fail-on`` was
found, 1 something was, 2 the command could not run (bad input, bad usage).
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from arsitek import __version__, parallel
from arsitek.errors import ArsitekError, UsageError
from arsitek.paths import DataFolders, data_folders
from arsitek.text import one_line
from arsitek.validate.findings import Severity

F = TypeVar("F", bound=Callable[..., Any])


class ModelInvalid(ArsitekError):
    """The model has findings at or above the threshold: exit 1, like validate."""

    exit_code = 1


SECTIONS: dict[str, tuple[str, ...]] = {
    "Check": ("validate", "rules"),
    "Build": ("build", "generate"),
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


def _credentials(user: str | None, password_env: str, auth: str) -> Any:
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


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False)  # model text is never markup


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


def _load(paths: tuple[Path, ...], ontology_dir: Path | None) -> Any:
    """Every model file that can be read; those that cannot are in ``unreadable``, for the caller to report."""
    from arsitek.load import load_model, misplaced_vocabulary

    folders = data_folders(ontology_dir)
    model_paths = _model_paths(paths, folders)
    model = load_model(model_paths, [folders.ontology], exclude=[folders.shapes], keep_going=True)
    misplaced = misplaced_vocabulary(model)
    if misplaced is not None:
        raise UsageError(misplaced)
    return model


def _model_paths(paths: tuple[Path, ...], folders: DataFolders) -> list[Path]:
    """The paths given, or the default model, saying so when that is the bundled example, not the user's."""
    for given in paths:
        if given.exists() and given.resolve().is_relative_to(folders.ontology.resolve()):
            raise UsageError(
                f"{given} is arsitek's vocabulary and rules, which every run loads already; "
                "give the folder of your model (default: ./model)"
            )
    if paths:
        return list(paths)
    chosen = default_model(folders)
    if chosen == folders.model and not os.environ.get("ARSITEK_QUIET_EXAMPLE"):
        click.echo(
            "arsitek: no ./model folder here: using the bundled KPU example model (give a PATH to check your own)",
            err=True,
        )
    return [chosen]


def _stop_if_unreadable(model: Any, what: str) -> None:
    """Name every file that could not be read (not only the first), then stop: nothing is made from half a model."""
    if model.unreadable:
        for error in model.unreadable:
            click.echo(one_line(str(error)), err=True)
        count = len(model.unreadable)
        raise ArsitekError(f"{what} stopped: {count} file{'s' if count > 1 else ''} could not be read")


def _inputs(paths: tuple[Path, ...], ontology_dir: Path | None) -> list[Path]:
    """Everything a command reads: no output may replace, hold or sit inside any of it."""
    folders = data_folders(ontology_dir)
    return [*(list(paths) or [default_model(folders)]), folders.ontology]


def _check(model: Any, ontology_dir: Path | None, engine: str) -> Any:
    from arsitek.validate import load_shapes, validate_model

    return validate_model(model, load_shapes([data_folders(ontology_dir).shapes]), engine=engine)


def _run_validation(paths: tuple[Path, ...], ontology_dir: Path | None, engine: str) -> Any:
    return _check(_load(paths, ontology_dir), ontology_dir, engine)


def _validated_model(
    paths: tuple[Path, ...],
    ontology_dir: Path | None,
    engine: str,
    lang: str,
    allow_invalid: bool,
    strict: bool = False,
    what: str = "build",
    with_view: bool = True,
) -> tuple[Any, Any, Any]:
    """Load, validate (showing findings on stderr), and stop on Violations unless told otherwise.

    The typed view is built only for commands that generate from it (it takes seconds at national scale).
    """
    from arsitek.generators.reports.text import print_text
    from arsitek.view import build_view

    threshold = Severity.WARNING if strict else Severity.VIOLATION
    model = _load(paths, ontology_dir)
    _stop_if_unreadable(model, what)
    # The view is built while validation's second process starts on the checks, not after them.
    with parallel.meanwhile(lambda: build_view(model) if with_view else None) as view:
        result = _check(model, ontology_dir, engine)
    console = _console(stderr=True)
    if result.findings:
        print_text(console, result, lang, threshold)
    if result.fails(threshold) and not allow_invalid:
        raise ModelInvalid(f"{what} stopped: the model has findings at or above {threshold.word}")
    return model, view(), result


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
        sys.exit(watch_files(model_paths, ontology_dir, lang, threshold, _console()))
    if endpoint is not None:
        if paths or engine != "sparql":
            raise UsageError("--endpoint validates the published model: give no PATH and no --engine pyshacl")
        from arsitek.endpoint import DEFAULT_GRAPH_BASE
        from arsitek.validate import load_shapes, validate_endpoint

        shapes = load_shapes([data_folders(ontology_dir).shapes])
        credentials = _credentials(user, password_env, auth)
        result = validate_endpoint(endpoint, shapes, graph_base or DEFAULT_GRAPH_BASE, credentials, timeout)
    else:
        result = _run_validation(paths, ontology_dir, engine)
    if output is not None:
        _refuse_overwriting_input(output, [] if endpoint is not None else _inputs(paths, ontology_dir))
        write_file(output, RENDERERS[fmt](result, lang, threshold))
    elif fmt == "text":
        print_text(_console(), result, lang, threshold)
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

    from arsitek.validate import load_shapes

    shapes = load_shapes([data_folders(ontology_dir).shapes])
    table = Table("Rule", "Severity", "Title" if lang == "en" else "Judul", box=None, pad_edge=False)
    for rule in shapes.rules:
        table.add_row(rule.rule_id, rule.severity.word, rule.title_in(lang))
    _console().print(table)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_dir_option(Path("build"))
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

    OUTPUT/site/ holds the documentation site (open site/index.html),
    OUTPUT/contracts/ the integration contracts, OUTPUT/validation/ the
    reports (text, JSON, JUnit, SARIF). A failed build leaves the previous
    output untouched.
    """
    from rich.progress import Progress

    from arsitek.generators import contracts
    from arsitek.generators.reports import RENDERERS
    from arsitek.generators.site import (
        LANGS,
        downloads,
        element_chunks,
        iter_elements,
        iter_pages,
        prepare_site,
        shared_files,
    )
    from arsitek.guard import check_target
    from arsitek.output import OutputTree, SameAs, Written

    check_target(out_dir, tuple(_inputs(paths, ontology_dir)))  # before the model is read: a refusal costs nothing
    threshold = Severity.WARNING if strict else Severity.VIOLATION
    try:
        model, view, result = _validated_model(paths, ontology_dir, engine, lang, allow_invalid, strict)
    except ModelInvalid as exc:
        raise ModelInvalid(f"{exc}; {out_dir} was left as it was") from None
    suffixes = {"text": "txt", "json": "json", "junit": "junit.xml", "sarif": "sarif"}
    reports = [
        (f"validation/report.{suffixes[fmt]}", RENDERERS[fmt](result, lang, threshold)) for fmt in sorted(suffixes)
    ]

    def contracts_and_reports() -> Iterator[Written]:
        """Reports, contracts and the site's copy of them (and its styles): the plan is all they need."""
        yield from reports
        copies: list[Written] = []
        for path, content in planned.artifacts():
            yield (f"contracts/{path}", content)
            copies.append((path, SameAs(f"contracts/{path}")))
        yield from ((f"site/{path}", content) for path, content in shared_files(copies))

    def site_part(chunks: Iterable[Any], lang: str) -> Iterator[Written]:
        """Every language's pages of the elements in ``chunks``, and one language's other pages."""
        pages = itertools.chain(iter_elements(prepared, chunks, LANGS), iter_pages(prepared, lang))
        return ((f"site/{p}", c) for p, c in pages)

    console = _console(stderr=True)
    with (
        Progress(console=console, transient=True, disable=not console.is_terminal) as progress,
        OutputTree(out_dir, protect=_inputs(paths, ontology_dir)) as tree,
    ):
        # The two cores are shared by four processes. What needs no gathered site is written beside
        # this one while it plans the contracts and gathers the site: the spreadsheets (which need only
        # the model) and then the contracts. Then two render the elements' pages (both languages
        # each), one taking chunks of elements from the front, the other from the back, and each one
        # language's other pages. Nothing is swapped into out_dir before all four are done.
        tree.write_beside(lambda: ((f"site/{path}", content) for path, content in downloads(model, view)))
        planned = contracts.plan(view)
        tree.write_beside(contracts_and_reports)
        prepared = prepare_site(model, view, result, data_folders(ontology_dir).ontology, planned.catalogue)
        chunks = element_chunks(prepared)
        ends = parallel.Ends(len(chunks))
        tree.write_beside(lambda: site_part((chunks[i] for i in ends.back()), "en"))
        task = progress.add_task("site", total=len(chunks))

        def front() -> Iterator[Any]:
            for index in ends.front():
                progress.update(task, completed=ends.taken())
                yield chunks[index]

        tree.write(site_part(front(), "id"))
    written = tree.written
    _console(stderr=True).print(f"arsitek: wrote {written} files to {out_dir}/", style="green")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="SPARQL 1.1 Graph Store endpoint (Oxigraph: .../store, Virtuoso: .../sparql-graph-crud-auth).",
)
@endpoint_options
@click.option("--allow-invalid", is_flag=True, help="Publish even when the model has Violations.")
@model_options
def publish(
    paths: tuple[Path, ...],
    endpoint: str,
    graph_base: str | None,
    user: str | None,
    password_env: str,
    auth: str,
    timeout: float,
    allow_invalid: bool,
    lang: str,
    ontology_dir: Path | None,
    engine: str,
) -> None:
    """Load the model and its vocabulary into a SPARQL store, one named graph per file.

    Speaks only the SPARQL 1.1 Graph Store protocol, so any store serves.
    Publishing again replaces each file's graph and removes the graphs of
    files deleted since. Then `arsitek validate --endpoint QUERY-URL` runs
    the same checks there.
    """
    from arsitek.endpoint import DEFAULT_GRAPH_BASE, shown
    from arsitek.endpoint import publish as publish_model

    model, _, _ = _validated_model(paths, ontology_dir, engine, lang, allow_invalid, what="publish", with_view=False)
    folders = data_folders(ontology_dir)
    roots = [*(list(paths) or [default_model(folders)]), folders.ontology]
    done = publish_model(
        model, endpoint, roots, graph_base or DEFAULT_GRAPH_BASE, _credentials(user, password_env, auth), timeout
    )
    removed = f", removed {len(done.removed)} graphs of deleted files" if done.removed else ""
    _console(stderr=True).print(
        f"arsitek: published {len(done.graphs)} files ({done.triples:,} triples) to {shown(endpoint)}{removed}",
        style="green",
    )


@cli.group()
def generate() -> None:
    """Generate one kind of output from the model."""


@generate.command("contracts")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_dir_option(Path("build/contracts"))
@click.option("--app", "app", default=None, help="Only the contracts one application takes part in (e.g. Sidalih).")
@click.option("--allow-invalid", is_flag=True, help="Generate even when the model has Violations.")
@model_options
def generate_contracts(
    paths: tuple[Path, ...],
    out_dir: Path,
    app: str | None,
    allow_invalid: bool,
    lang: str,
    ontology_dir: Path | None,
    engine: str,
) -> None:
    """Integration contracts: OpenAPI, AsyncAPI, JSON Schema, SQL, CSVW and the catalogue."""
    from arsitek.generators import contracts
    from arsitek.guard import check_target
    from arsitek.output import write_tree

    check_target(out_dir, tuple(_inputs(paths, ontology_dir)))
    _, view, _ = _validated_model(paths, ontology_dir, engine, lang, allow_invalid, what="generate")
    artifacts = contracts.generate(view)
    if app is not None:
        artifacts = contracts.for_application(artifacts, view, _find_application(view, app))
    written = write_tree(out_dir, artifacts, protect=_inputs(paths, ontology_dir))
    _console(stderr=True).print(f"arsitek: wrote {written} files to {out_dir}/", style="green")


def _find_application(view: Any, name: str) -> str:
    from arsitek.view import local_name

    wanted = name.lower().replace("-", "").replace("_", "")
    for iri in sorted(view.applications):
        if local_name(iri).lower() == wanted or iri == name:
            return str(iri)
    known = ", ".join(sorted(local_name(i) for i in view.applications))
    raise UsageError(f"no application called {name!r}; known: {known}")


@cli.group()
def stub() -> None:
    """Mock servers for contracts."""


@stub.command("serve")
@click.argument("app")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port (0 picks a free one).")
@click.option("--max-body", default=1 << 20, show_default=True, type=click.IntRange(min=0), help="Largest body, bytes.")
@click.option(
    "--max-connections", default=64, show_default=True, type=click.IntRange(min=1), help="Connections served at once."
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Time a peer has for its request's headers (its body: 3x; an idle connection: 1.5x).",
)
@model_options
def stub_serve(
    app: str,
    paths: tuple[Path, ...],
    host: str,
    port: int,
    max_body: int,
    max_connections: int,
    timeout: float,
    lang: str,
    ontology_dir: Path | None,
    engine: str,
) -> None:
    """Serve APP's OpenAPI contract with schema-valid example answers.

    Consumer teams can build against it before the provider exists. The
    contract itself is at /openapi.json.
    """
    from arsitek.generators.contracts.openapi import openapi_documents
    from arsitek.stub import Limits, serve

    _, view, _ = _validated_model(paths, ontology_dir, engine, lang, allow_invalid=True, what="stub")
    provider = _find_application(view, app)
    documents = openapi_documents(view)
    if provider not in documents:
        raise UsageError(f"{view.label(provider)} provides no Web API in the model, so there is no contract to serve")
    limits = Limits(max_body, timeout, 3 * timeout, 1.5 * timeout, max_connections)
    server = serve(documents[provider], host, port, limits)
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    _console(stderr=True).print(
        f"arsitek: serving {one_line(view.label(provider))} API at http://{bound_host}:{bound_port}/ "
        f"(contract at /openapi.json); Ctrl+C stops"
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()


class Terminated(BaseException):
    """SIGTERM, raised where the process is so that every ``finally`` (staging folders, children) runs."""


def _on_terminate(signum: int, frame: Any) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> None:
    """Entry point: turns every :class:`ArsitekError` into a one-line message and its exit code."""
    previous = signal.signal(signal.SIGTERM, _on_terminate)
    try:
        cli.main(args=argv, prog_name="arsitek", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("arsitek: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ArsitekError as exc:
        click.echo(one_line(str(exc)) if exc.located else f"arsitek: error: {one_line(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("arsitek: interrupted", err=True)
        sys.exit(130)
    except Terminated:
        click.echo("arsitek: terminated", err=True)
        sys.exit(143)
    except OSError as exc:  # disk full, read-only, permission denied, name too long: the system's words, one line
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"arsitek: error: {one_line(exc.strerror or str(exc))}{one_line(where)}", err=True)
        sys.exit(2)
    except Exception as exc:
        if os.environ.get("ARSITEK_DEBUG"):
            raise
        click.echo(
            f"arsitek: internal error: {type(exc).__name__}: {one_line(str(exc))} "
            "(set ARSITEK_DEBUG=1 for a traceback and please report it)",
            err=True,
        )
        sys.exit(2)
    finally:
        signal.signal(signal.SIGTERM, previous)
    sys.exit(0)
