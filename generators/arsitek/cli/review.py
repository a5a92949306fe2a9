"""``arsitek diff``: what a change does, for the pull request that makes it."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from arsitek.cli.options import LANG_OPTION, ONTOLOGY_OPTION, cli, console
from arsitek.errors import OutputError
from arsitek.output import write_file

if TYPE_CHECKING:
    from arsitek.view import ArchitectureView


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


@cli.command()
@click.argument("question", required=False)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--file", "query_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None)
@click.option("--list", "listing", is_flag=True, help="List the questions arsitek ships, by name.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@LANG_OPTION
@ONTOLOGY_OPTION
def query(
    question: str | None,
    paths: tuple[Path, ...],
    query_file: Path | None,
    listing: bool,
    fmt: str,
    lang: str,
    ontology_dir: Path | None,
) -> None:
    """Ask the model a SPARQL SELECT or ASK (QUESTION), or one of the questions arsitek ships by its name.

    The model's prefixes and arsitek's are declared for you. `arsitek query --list` names the
    shipped questions; `arsitek query aplikasi-data-pribadi` asks one; --file Q.rq reads the query
    from a file (then every argument is a model path). Prints a table, CSV or SPARQL JSON results.
    """
    from arsitek.build import Options, load, stop_if_unreadable
    from arsitek.cli.options import notice
    from arsitek.errors import UsageError
    from arsitek.questions import as_csv, as_json, ask, questions, shown

    known = questions()
    if listing:
        for name, item in known.items():
            console().print(f"{name:28} {item.title.get(lang, '')}", markup=False, highlight=False)
        return
    if query_file is not None:
        paths = (Path(question), *paths) if question else paths
        sparql = query_file.read_text(encoding="utf-8")
    elif question is None:
        raise UsageError("give a SPARQL query, a question's name (arsitek query --list) or --file Q.rq")
    elif question in known:
        sparql = known[question].sparql.replace("$lang", lang)
    else:
        sparql = question
    model = load(Options(paths, ontology_dir, "sparql", lang), notice)
    stop_if_unreadable(model, "query", notice)
    answer = ask(model, sparql)
    prefixes = model.prefixes
    if fmt == "csv":
        click.echo(as_csv(answer, prefixes), nl=False)
    elif fmt == "json":
        click.echo(as_json(answer), nl=False)
    elif answer.boolean is not None:
        console().print("yes" if answer.boolean else "no", markup=False)
    else:
        from rich.table import Table

        from arsitek.text import one_line

        table = Table(*answer.variables, show_lines=False, header_style="bold")
        for row in answer.rows:
            table.add_row(*(one_line(shown(t, prefixes)) for t in row))
        shown_to = console()
        shown_to.print(table)
        shown_to.print(f"{len(answer.rows)} rows", style="dim", markup=False)


@cli.command()
@click.argument("element")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@LANG_OPTION
@ONTOLOGY_OPTION
def impact(element: str, paths: tuple[Path, ...], fmt: str, lang: str, ontology_dir: Path | None) -> None:
    """What depends on ELEMENT (and what it depends on), by depth and kind, as the site shows it.

    ELEMENT is a prefixed name (kpu:Sidalih), an IRI, a local name or a label.
    """
    import json

    from arsitek.build import Options, load, stop_if_unreadable
    from arsitek.cli.options import notice
    from arsitek.errors import UsageError
    from arsitek.generators.site.impact import by_depth, kinds_of, model_graph
    from arsitek.generators.site.kinds import KINDS
    from arsitek.text import one_line
    from arsitek.view import build_view, local_name

    model = load(Options(paths, ontology_dir, "sparql", lang), notice)
    stop_if_unreadable(model, "impact", notice)
    view = build_view(model)
    iri = _element_named(view, element, model.prefixes)
    if iri is None:
        raise UsageError(
            f"no element called {element!r} in the model (a prefixed name, an IRI, a local name or a label)"
        )
    graph = model_graph(view)
    sides = {"dependents": by_depth(graph, iri), "dependencies": by_depth(graph, iri, dependents=False)}
    kinds = kinds_of(view, {n for near in sides.values() for n, _ in near})
    if fmt == "json":
        out = {
            "element": iri,
            "label": view.label(iri, lang),
            **{
                side: [{"iri": n, "label": view.label(n, lang), "kind": kinds.get(n), "depth": d} for n, d in near]
                for side, near in sides.items()
            },
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    words = {
        "id": {"dependents": "bergantung padanya", "dependencies": "ia bergantung pada", "depth": "tingkat"},
        "en": {"dependents": "depend on it", "dependencies": "it depends on", "depth": "depth"},
    }[lang]
    shown_to = console()
    shown_to.print(f"{one_line(view.label(iri, lang))}  {one_line(view.short(iri))}", style="bold", markup=False)
    for side, near in sides.items():
        shown_to.print(f"\n{len(near)} {words[side]}", style="bold", markup=False)
        for depth in sorted({d for _, d in near}):
            shown_to.print(f"  {words['depth']} {depth}", markup=False)
            at = [n for n, d in near if d == depth]
            for kind in sorted({kinds.get(n, "") for n in at}):
                names = sorted(view.label(n, lang) for n in at if kinds.get(n, "") == kind)
                title = KINDS[kind].label[lang] if kind in KINDS else (kind or local_name(iri))
                shown_to.print(f"    {one_line(title)} ({len(names)}): {one_line(', '.join(names))}", markup=False)


def _element_named(view: ArchitectureView, name: str, prefixes: dict[str, str]) -> str | None:
    """The element a user means: a prefixed name, an IRI, a local name or a label (any case)."""
    from arsitek.view import local_name

    known = set(view.labels) & set(view.facts.types)
    if ":" in name and not name.startswith("http"):
        prefix, _, local = name.partition(":")
        namespace = prefixes.get(prefix)
        if namespace and namespace + local in known:
            return str(namespace + local)
    if name in known:
        return name
    wanted = name.casefold()
    for iri in sorted(known):
        if local_name(iri).casefold() == wanted or any(t.casefold() == wanted for t in view.labels[iri].values()):
            return iri
    return None
