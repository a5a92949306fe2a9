"""``arsitek query``: SPARQL over the model as loaded, and the questions architects ask most, shipped as files.

A question is a ``.rq`` file in this folder whose first lines say what it asks (``# id: …`` and
``# en: …``); ``"$lang"`` in it becomes the language asked for. Every query gets the model's own
prefixes and arsitek's predeclared, so ``spbe:Aplikasi`` works without a ``PREFIX`` line; only
SELECT and ASK run, over the union of the model's and the vocabulary's files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from arsitek.errors import UsageError
from arsitek.load import LoadedModel
from arsitek.text import spreadsheet_row
from arsitek.vocab import PREFIXES, shorten

FOLDER = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Question:
    name: str
    title: Mapping[str, str]
    sparql: str


def questions() -> dict[str, Question]:
    out = {}
    for path in sorted(FOLDER.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title = dict(re.findall(r"^# (id|en): (.*)$", text, flags=re.MULTILINE))
        out[path.stem] = Question(path.stem, title, text)
    return out


@dataclass(frozen=True)
class Answer:
    """A SELECT's table (IRIs shortened for reading, kept whole for programs) or an ASK's yes or no."""

    variables: tuple[str, ...]
    rows: tuple[tuple[ox.NamedNode | ox.Literal | ox.BlankNode | None, ...], ...]
    boolean: bool | None = None


def prologue(query: str, prefixes: Mapping[str, str]) -> str:
    """PREFIX lines for every known prefix the query does not declare itself."""
    declared = set(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", query))
    table = {**PREFIXES, **prefixes}
    return "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(table.items()) if p not in declared)


def ask(model: LoadedModel, query: str) -> Answer:
    text = prologue(query, model.prefixes) + query
    lines = text.count("\n") - query.count("\n")
    try:
        result = model.store.query(text, use_default_graph_as_union=True)
    except SyntaxError as error:
        message = re.sub(r"^error at (\d+):(\d+)", lambda m: f"line {int(m[1]) - lines}, column {m[2]}", str(error))
        raise UsageError(f"the query is not SPARQL arsitek can run: {message}") from None
    if isinstance(result, ox.QueryBoolean):
        return Answer((), (), bool(result))
    if not isinstance(result, ox.QuerySolutions):
        raise UsageError("only SELECT and ASK queries run here (CONSTRUCT and DESCRIBE make graphs, not tables)")
    variables = tuple(v.value for v in result.variables)
    rows = tuple(tuple(solution[v] for v in variables) for solution in result)
    return Answer(variables, rows)


def shown(term: ox.NamedNode | ox.Literal | ox.BlankNode | None, prefixes: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        name = shorten(term.value, prefixes)
        return term.value if name.startswith("<") else name
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def as_csv(answer: Answer, prefixes: Mapping[str, str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if answer.boolean is not None:
        writer.writerows([["answer"], ["true" if answer.boolean else "false"]])
        return buffer.getvalue()
    writer.writerow(answer.variables)
    writer.writerows(spreadsheet_row(shown(t, prefixes) for t in row) for row in answer.rows)
    return buffer.getvalue()


def as_json(answer: Answer) -> str:
    """The W3C SPARQL 1.1 Query Results JSON Format."""
    if answer.boolean is not None:
        return json.dumps({"head": {}, "boolean": answer.boolean}) + "\n"

    def binding(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> dict[str, str]:
        if isinstance(term, ox.NamedNode):
            return {"type": "uri", "value": term.value}
        if isinstance(term, ox.BlankNode):
            return {"type": "bnode", "value": term.value}
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out

    bindings = [
        {v: binding(t) for v, t in zip(answer.variables, row, strict=True) if t is not None} for row in answer.rows
    ]
    return (
        json.dumps({"head": {"vars": list(answer.variables)}, "results": {"bindings": bindings}}, ensure_ascii=False)
        + "\n"
    )
