"""``arsitek publish`` and ``arsitek stub serve``: the model on a SPARQL server, a contract as a mock server."""

from __future__ import annotations

from pathlib import Path

import click

from arsitek.build import Options, inputs_of, validated
from arsitek.cli.options import cli, console, credentials, endpoint_options, model_options, notice, report
from arsitek.errors import UsageError
from arsitek.text import one_line


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

    options = Options(paths, ontology_dir, engine, lang, allow_invalid)
    model, _, _ = validated(options, report(lang), notice, what="publish", with_view=False)
    roots = inputs_of(options)
    login = credentials(user, password_env, auth)
    done = publish_model(model, endpoint, roots, graph_base or DEFAULT_GRAPH_BASE, login, timeout)
    removed = f", removed {len(done.removed)} graphs of deleted files" if done.removed else ""
    console(stderr=True).print(
        f"arsitek: published {len(done.graphs)} files ({done.triples:,} triples) to {shown(endpoint)}{removed}",
        style="green",
    )


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

    _, view, _ = validated(Options(paths, ontology_dir, engine, lang, True), report(lang), notice, what="stub")
    assert view is not None
    provider = view.application_named(app)
    documents = openapi_documents(view)
    if provider not in documents:
        raise UsageError(f"{view.label(provider)} provides no Web API in the model, so there is no contract to serve")
    limits = Limits(max_body, timeout, 3 * timeout, 1.5 * timeout, max_connections)
    server = serve(documents[provider], host, port, limits)
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    console(stderr=True).print(
        f"arsitek: serving {one_line(view.label(provider))} API at http://{bound_host}:{bound_port}/ "
        f"(contract at /openapi.json); Ctrl+C stops"
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()
